"""The asyncio transport layer: one ``asyncio.Protocol`` per client connection.

It owns the socket, the deadlines (``timers.PhaseTimer``) and flow control; the bytes are
interpreted by the sans-IO parser (``protocol``) and the response is serialized by
``cycle``/``wire``. A connection serves its requests one after another (pipelined requests wait,
in order, in the parser's buffer).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import unquote

from .config import ServerConfig
from .cycle import RequestCycle
from .parsers import parser_class
from .precheck import HeadLimits, ProtocolFailure
from .protocol import END_OF_BODY, NEED_DATA, PAUSED, HeadFramingParser, RequestHead
from .timers import (
    BODY_PHASE,
    HEAD_PHASE,
    KEEP_ALIVE_PHASE,
    LINGER_PHASE,
    Phase,
    PhaseTimer,
    WriteStallWatch,
)
from .types import ASGIApp, ClientDisconnected, NativeExchange, Scope, native_entry
from .wire import date_value, error_response
from .wshandshake import WS_MISSING, is_websocket_upgrade, wsproto_available

__all__ = ["HTTPConnection", "ServerState"]

logger = logging.getLogger("expresspy.server")
access_logger = logging.getLogger("expresspy.access")


@dataclass(eq=False)
class ServerState:
    """What every connection of one server shares: the app, the settings, the live set."""

    app: ASGIApp
    config: ServerConfig
    scheme: str = "http"
    lifespan_state: dict[str, Any] = field(default_factory=dict)
    connections: set[Any] = field(default_factory=set)
    """Open connections: ``HTTPConnection``, or ``WebSocketConnection`` after an upgrade
    (both have ``shutdown``, ``abort`` and ``busy``)."""
    shutting_down: bool = False
    asgi: dict[str, str] = field(default_factory=lambda: {"version": "3.0", "spec_version": "2.4"})
    limits: HeadLimits = field(init=False)
    parser: type[HeadFramingParser] = field(init=False)
    keep_alive_line: bytes = field(init=False)
    extensions: dict[str, Any] = field(init=False)
    native: Callable[[NativeExchange], Awaitable[None]] | None = field(init=False)
    """The app's native entry (``types.NativeApp``) when it has one and ``config.native``
    allows it; None: every request goes through ASGI."""
    server_lines: tuple[bytes, bytes] = field(init=False)
    """The header lines the server adds, for a kept-alive and for a closing response: Date
    plus Connection (and Keep-Alive). ``refresh_server_lines`` renews the date; ``Server``
    calls it every second, so a response only picks a ready-made value."""

    def __post_init__(self) -> None:
        cfg = self.config
        self.limits = HeadLimits(cfg.max_request_line, cfg.max_header_bytes, cfg.max_header_count)
        self.parser = parser_class(cfg.http)
        self.keep_alive_line = (
            b"connection: keep-alive\r\nkeep-alive: timeout=%d\r\n" % int(cfg.keep_alive_timeout)
            if cfg.keep_alive_header
            else b""
        )
        # os.sendfile cannot go through TLS, so the extension is only offered on plain sockets.
        self.extensions = {} if cfg.is_tls else {"http.response.zerocopysend": {}}
        self.native = native_entry(self.app) if cfg.native else None
        self.refresh_server_lines()

    def refresh_server_lines(self) -> None:
        """Rebuild ``server_lines`` with the current date (a second's resolution)."""
        date = b"date: %b\r\n" % date_value() if self.config.date_header else b""
        self.server_lines = (date + self.keep_alive_line, date + b"connection: close\r\n")


class HTTPConnection(asyncio.Protocol):
    """Serves HTTP/1.1 on one transport for the app in ``state`` (through its native entry
    when it has one, else ASGI)."""

    # Slots: an idle keep-alive connection should cost little (see docs/server.md, "Measured").
    __slots__ = (
        "_client",
        "_closed",
        "_config",
        "_context",
        "_cycle",
        "_drain_waiter",
        "_eof",
        "_next_waits",
        "_parser",
        "_queued",
        "_read_paused",
        "_requests",
        "_server",
        "_stall",
        "_stopped",
        "_task",
        "_timer",
        "_transport",
        "_write_paused",
        "loop",
        "state",
    )

    def __init__(self, state: ServerState, loop: asyncio.AbstractEventLoop) -> None:
        self.state = state
        self.loop = loop
        config = state.config
        self._config = config
        self._parser = state.parser(state.limits, config.max_chunk_line, config.min_chunk_average)
        self._transport: asyncio.Transport | None = None
        self._cycle: RequestCycle | None = None
        self._task: asyncio.Task[None] | None = None
        self._client: tuple[str, int] | None = None
        self._server: tuple[str, int | None] | None = None
        self._requests = 0
        self._closed = False
        self._stopped = False  # no more requests will be parsed (closing or lingering)
        self._eof = False
        self._read_paused = False
        self._write_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._next_waits = False  # a pipelined request waits for the client to read
        self._queued = 0  # bytes handed to the transport so far
        self._timer = PhaseTimer(loop, config, self._on_expiry)
        self._stall = WriteStallWatch(
            loop, config.write_timeout, self._bytes_taken, self._on_write_stall
        )
        # Each request's task starts from a copy of this, never from the previous request's
        # context (a pipelined request is started from inside that request's task).
        self._context = contextvars.copy_context()

    # -- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Register the connection, or answer 503 when the server is full."""
        # A stream transport: asyncio's own, or uvloop's (which does not subclass
        # asyncio.Transport, so an isinstance check would refuse every uvloop connection).
        stream = self._transport = cast(asyncio.Transport, transport)
        limit = self._config.max_connections
        if limit is not None and len(self.state.connections) >= limit:
            logger.warning("connection refused: max_connections (%d) reached", limit)
            stream.write(error_response(503, "Server busy"))
            self._close()
            return
        self.state.connections.add(self)
        stream.set_write_buffer_limits(high=self._config.flow_high_water)
        self._client = _address(stream.get_extra_info("peername"))
        sockname = stream.get_extra_info("sockname")
        self._server = _address(sockname) if isinstance(sockname, tuple) else (str(sockname), None)
        self._timer.arm(HEAD_PHASE)

    def data_received(self, data: bytes) -> None:
        """Feed the parser and act on every event it can produce now."""
        timer = self._timer
        phase = timer.phase
        # The phases as module constants compared with `is`: see timers.NO_PHASE.
        if phase is LINGER_PHASE:
            return
        if phase is BODY_PHASE:
            timer.touch()
        self._parser.feed(data)
        self._process()
        if phase is KEEP_ALIVE_PHASE and timer.phase is KEEP_ALIVE_PHASE:
            # Part of a head came after an idle spell: its deadline counts from now. (Armed
            # only now: a whole request, the usual read, moves the phase on by itself.)
            timer.arm(HEAD_PHASE)

    def eof_received(self) -> bool:
        """The client half-closed: finish the request in flight, then close."""
        self._eof = True
        if self._timer.phase is LINGER_PHASE or (self._cycle is None and not self._parser.buffered):
            return False
        self._parser.feed_eof()
        self._process()
        # Keep the write side open for a response still to come (TLS cannot half-close).
        waiting = self._cycle is not None or self._next_waits
        return waiting and not self.state.config.is_tls

    def connection_lost(self, exc: Exception | None) -> None:
        """Tell the app (http.disconnect), wake waiters, forget the connection."""
        self._closed = True
        self._timer.cancel()
        self._stall.stop()
        self.state.connections.discard(self)
        cycle = self._cycle
        if cycle is not None and not cycle.response_complete:
            logger.debug("client %s disconnected before the response was complete", self._client)
            cycle.disconnect()
        self._wake_drain()

    def pause_writing(self) -> None:
        """The transport buffer passed the high-water mark: make the app's send() wait, start
        no further request, and close the connection if the client reads nothing for
        ``write_timeout`` seconds."""
        self._write_paused = True
        self._stall.start()

    def resume_writing(self) -> None:
        """The client caught up: let the app send again, serve the next pipelined request."""
        self._write_paused = False
        self._stall.stop()
        self._wake_drain()
        if self._next_waits and not self._closed:
            self._next_waits = False
            self._start_next()

    # -- the parser loop -------------------------------------------------------------------

    def _process(self) -> None:
        self._process_events()
        cycle = self._cycle
        if cycle is not None and self._task is None and not cycle.disconnected:
            # Started only now, after every byte at hand was checked: a request whose body is
            # already known to be bad never reaches the app.
            # The app call's task, made in this connection's context (a task copies the
            # context it is made in, so each request starts from a fresh copy).
            #
            # Scheduled rather than started eagerly (Python 3.12's eager_start), although that
            # would save a trip through the loop's ready queue per request: under concurrent
            # load the loop then parses every request that arrived, then runs every app call,
            # then writes, each phase's code and data staying hot in the CPU caches, and that
            # won more than the trip costs (hello world, 50 connections, measured on a 2-core
            # Xeon VM: +24% req/s with h11, +34% with httptools; equal at 1 connection). See
            # docs/performance.md.
            self._task = self._context.run(self.loop.create_task, self._run_app(cycle))

    def _process_next(self) -> None:
        if not self._closed and self._cycle is None:
            self._process()

    def _process_events(self) -> None:
        parser = self._parser
        while not self._stopped:
            try:
                event = parser.next_event()
            except ProtocolFailure as failure:
                self._on_failure(failure)
                return
            if type(event) is bytes:
                self._on_body(event)
            elif event is NEED_DATA:
                return
            elif event is END_OF_BODY or event is PAUSED:
                if event is END_OF_BODY:
                    assert self._cycle is not None
                    self._cycle.end_body()
                    self._timer.disarm()
                    # The parser is paused now: its next event would be PAUSED, which is
                    # acted on here at once instead of asking for it.
                # Pipelined bytes wait for the response in flight; do not let them pile up.
                if parser.buffered > self._config.flow_high_water:
                    self._pause_reading()
                return
            else:
                assert isinstance(event, RequestHead)
                self._on_head(event)

    def _on_head(self, head: RequestHead) -> None:
        config = self._config
        self._requests += 1
        expect = head.expect if head.http_version == "1.1" else None
        if expect is not None and expect != b"100-continue":
            self._reject(417, "Unsupported expectation")
            return
        cap = config.max_body_size
        if cap is not None and head.content_length is not None and head.content_length > cap:
            self._reject(413, "Request body too large")
            return
        if head.upgrade and is_websocket_upgrade(head.method, head.http_version, head.headers):
            self._upgrade(head)
            return
        max_requests = config.max_requests_per_connection
        keep_alive = (
            head.keep_alive
            and not self.state.shutting_down
            and (max_requests is None or self._requests < max_requests)
        )
        method = _METHODS.get(head.method) or head.method.decode("ascii")
        cycle = RequestCycle(self, head, keep_alive, method, _split_target(head))
        cycle.expect_continue = expect == b"100-continue"
        self._cycle = cycle
        if head.chunked or head.content_length:
            self._timer.arm(BODY_PHASE)
        # else the parser's END_OF_BODY comes next, in this same loop: it ends the body.
        self._task = None

    def _on_body(self, data: bytes) -> None:
        cycle = self._cycle
        assert cycle is not None
        cycle.feed_body(data)
        cap = self._config.max_body_size
        if cap is not None and cycle.body_size > cap:
            self._on_failure(ProtocolFailure(413, "Request body too large"))
        elif cycle.buffered > self._config.flow_high_water:
            self._pause_reading()

    def _on_failure(self, failure: ProtocolFailure) -> None:
        logger.debug("bad request from %s: %s", self._client, failure)
        cycle = self._cycle
        status = failure.status
        if cycle is not None:
            cycle.disconnect()
            if cycle.response_started:
                status = 0
        if status:
            self._reject(status, failure.reason)
        else:
            self._close()

    def _reject(self, status: int, reason: str) -> None:
        """Answer with a server error response and close, reading and dropping for a while."""
        transport = self._transport
        assert transport is not None
        self._stopped = True
        self.write(error_response(status, reason))
        if self._config.access_log and access_logger.isEnabledFor(logging.INFO):
            access_logger.info('%s - "-" %d', _client_text(self._client), status)
        if transport.can_write_eof() and not self._eof:
            transport.write_eof()
            self._resume_reading()
            self._timer.arm(LINGER_PHASE)
        else:
            self._close()

    def _upgrade(self, head: RequestHead) -> None:
        """Hand the transport over to a WebSocket connection (``server.websocket``), which
        takes this connection's place in the server's set (so it counts in max_connections
        and hears the graceful shutdown)."""
        if not wsproto_available():
            logger.error("WebSocket upgrade refused: %s", WS_MISSING)
            self._reject(501, WS_MISSING)
            return
        transport = self._transport
        assert transport is not None
        self._stopped = True
        self._timer.cancel()
        self._stall.stop()
        self.state.connections.discard(self)
        raw_path, query, headers = _split_target(head)
        scope = self._scope("GET", raw_path, query, headers, head.http_version)
        scope["type"] = "websocket"
        scope["scheme"] = "wss" if self.state.scheme == "https" else "ws"
        del scope["method"]
        from .websocket import WebSocketConnection  # wsproto, imported at the first upgrade

        # Bytes that came with the head (the client's first frames, sent before it saw the
        # 101) are the WebSocket's: the parser still holds them.
        upgraded = WebSocketConnection(
            self.state.app,
            self._config,
            self.state.connections,
            transport,
            scope,
            self._parser.take_unparsed(),
        )
        transport.set_protocol(upgraded)
        upgraded.start()
        if self._read_paused:
            self._read_paused = False
            transport.resume_reading()

    # -- running the app -------------------------------------------------------------------

    async def _run_app(self, cycle: RequestCycle) -> None:
        """Run the app for one request (native entry or ASGI; failures handled alike)."""
        try:
            native = self.state.native
            if native is not None:
                await native(cycle)
            else:
                await self.state.app(cycle.scope, cycle.receive, cycle.send)
        except ClientDisconnected:
            logger.debug("client %s went away while the app was sending", self._client)
        except Exception:
            logger.exception("exception in ASGI application")
            await self._app_failed(cycle)
        else:
            if not cycle.response_complete and not cycle.disconnected:
                logger.error("ASGI application returned without completing its response")
                await self._app_failed(cycle)

    async def _app_failed(self, cycle: RequestCycle) -> None:
        cycle.forget_unsent_start()
        if cycle.response_started or cycle.disconnected:
            # Part of a response is out: only closing tells the client it is incomplete.
            self._close()
            return
        cycle.keep_alive = False
        body = b"Internal Server Error"
        start = {
            "type": "http.response.start",
            "status": 500,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
        await cycle.send(start)
        await cycle.send({"type": "http.response.body", "body": body})

    # -- CycleOwner ------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Queue bytes for the client (dropped once the connection is closing)."""
        transport = self._transport
        if transport is not None and not transport.is_closing():
            self._queued += len(data)
            transport.write(data)

    async def drain(self) -> None:
        """Wait while the client is not reading; raise ClientDisconnected once it is gone.

        A failed write closes the transport at once but reports connection_lost only on a
        later loop iteration; checking ``is_closing`` stops an app that never yields."""
        if self._write_paused and not self._closed:
            self._drain_waiter = self.loop.create_future()
            await self._drain_waiter
        transport = self._transport
        if self._closed or transport is None or transport.is_closing():
            raise ClientDisconnected("client disconnected")

    def body_consumed(self) -> None:
        """The app took the buffered body: reading may resume."""
        if self._read_paused:
            self._resume_reading()

    def server_headers(self, keep_alive: bool) -> bytes:
        """Date plus Connection (and Keep-Alive) lines, CRLF-terminated."""
        return self.state.server_lines[0 if keep_alive else 1]

    def response_done(self, cycle: RequestCycle) -> None:
        """Log the exchange, then close or get ready for the next request."""
        if self._config.access_log and access_logger.isEnabledFor(logging.INFO):
            head = cycle.head
            access_logger.info(
                '%s - "%s %s HTTP/%s" %d %d',
                _client_text(self._client),
                head.method.decode("ascii"),
                head.target.decode("ascii"),
                head.http_version,
                cycle.status,
                cycle.body_sent,
            )
        if not cycle.keep_alive:
            self._close()
            return
        self._cycle = None
        if self._write_paused:
            # The client is not reading what we send. The next request's response would only
            # pile up in the buffer (pipelining: a client can send a thousand requests at
            # once), so start none and read nothing until it catches up (resume_writing).
            self._next_waits = True
            self._pause_reading()
            return
        self._start_next()

    def _start_next(self) -> None:
        """Get ready for the next request: parse what is pipelined, else wait (keep-alive)."""
        pipelined = self._parser.buffered
        if self._eof and not pipelined:
            # The client half-closed and every request it sent has been answered.
            self._close()
            return
        self._parser.start_next_request()
        if self._read_paused:
            self._resume_reading()
        if pipelined:
            self._timer.arm(HEAD_PHASE)
            # From the loop, not from here: this runs inside the previous request's send, and
            # the next request's parsing (and any error answer it needs) is not that task's.
            self.loop.call_soon(self._process_next)
        else:
            self._timer.arm(KEEP_ALIVE_PHASE)
            if self.state.shutting_down:
                # This response said keep-alive before the shutdown began (see shutdown()).
                self._close_when_idle()

    def transport_for_sendfile(self) -> asyncio.Transport | None:
        """The transport when os.sendfile can write to it directly (plain TCP)."""
        return None if self._config.is_tls else self._transport

    # -- server control --------------------------------------------------------------------

    def shutdown(self) -> None:
        """Graceful shutdown (the server stopped accepting): close only between requests, and
        only once the client was told or had time to notice.

        A response not yet begun will say ``Connection: close``, and the connection closes
        after it. A connection without a request in progress (idle keep-alive, just accepted,
        or holding part of a head), or whose response in flight already said keep-alive, gets
        ``IDLE_GRACE`` seconds from now (or from the end of that response) to send a request,
        which is served with ``Connection: close``; if none comes, it is closed. Closing at
        once would reset a request the client has already sent on it, unanswered (a busy
        keep-alive client sends the next request the moment it has read a response: seen as
        read errors in rolling restarts, ``--workers``).
        """
        cycle = self._cycle
        if cycle is not None and not cycle.response_complete:
            if not cycle.head_written:
                cycle.keep_alive = False
            # else response_done sees shutting_down and starts the grace then.
        elif not self._next_waits:
            self._close_when_idle()

    def _close_when_idle(self) -> None:
        self.loop.call_later(IDLE_GRACE, self._close_if_no_request)

    def _close_if_no_request(self) -> None:
        if self._cycle is None and not self._next_waits:
            self._close()

    def abort(self) -> None:
        """Drop the connection at once and cancel the app task (end of the grace period)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._transport is not None:
            self._transport.abort()

    @property
    def busy(self) -> bool:
        """True while a request is being served (its app task is still running)."""
        return self._cycle is not None or (self._task is not None and not self._task.done())

    # -- helpers ---------------------------------------------------------------------------

    def scope_for(self, cycle: RequestCycle) -> Scope:
        """The ASGI scope of ``cycle``'s request."""
        return self._scope(
            cycle.method, cycle.raw_path, cycle.query_string, cycle.headers, cycle.http_version
        )

    def _scope(
        self,
        method: str,
        raw_path: bytes,
        query: bytes,
        headers: list[tuple[bytes, bytes]],
        http_version: str,
    ) -> Scope:
        text = raw_path.decode("ascii")
        state = self.state
        return {
            "type": "http",
            "asgi": state.asgi,
            "http_version": http_version,
            "server": self._server,
            "client": self._client,
            "scheme": state.scheme,
            "method": method,
            "root_path": state.config.root_path,
            "path": unquote(text) if "%" in text else text,
            "raw_path": raw_path,
            "query_string": query,
            "headers": headers,
            "state": state.lifespan_state.copy(),
            "extensions": state.extensions,
        }

    def _close(self) -> None:
        self._stopped = True
        transport = self._transport
        if transport is not None and not self._closed:
            self._closed = True
            transport.close()
            if transport.get_write_buffer_size():
                # close() waits for the buffer to be sent: not forever to a client that stalls.
                self._stall.start()
        self._timer.cancel()

    def _bytes_taken(self) -> int:
        """Bytes the client has taken so far (queued minus still buffered)."""
        transport = self._transport
        return self._queued - (transport.get_write_buffer_size() if transport else 0)

    def _on_write_stall(self) -> None:
        """The client read nothing for ``write_timeout`` seconds: drop the connection (the app,
        if still sending, sees the disconnect)."""
        logger.debug(
            "client %s read nothing for %g s (write_timeout): closing",
            self._client,
            self._config.write_timeout,
        )
        self._stopped = True
        if self._transport is not None:
            self._transport.abort()

    def _pause_reading(self) -> None:
        if not self._read_paused and not self._closed:
            self._read_paused = True
            assert self._transport is not None
            self._transport.pause_reading()

    def _resume_reading(self) -> None:
        if self._read_paused and not self._closed:
            self._read_paused = False
            assert self._transport is not None
            self._transport.resume_reading()

    def _wake_drain(self) -> None:
        waiter = self._drain_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._drain_waiter = None

    def _on_expiry(self, phase: Phase) -> None:
        """The deadline of ``phase`` passed: 408 for a request half received, else close."""
        if self._closed:
            return
        if phase is HEAD_PHASE and self._parser.buffered:
            self._on_failure(ProtocolFailure(408, "Request head not received in time"))
        elif phase is BODY_PHASE:
            self._on_failure(ProtocolFailure(408, "Request body not received in time"))
        else:
            self._close()


IDLE_GRACE = 1.0
"""Seconds a graceful shutdown gives a connection without a request in progress to send one
(served with ``Connection: close``) before closing it (see ``HTTPConnection.shutdown``). A
busy keep-alive client's next request arrives within milliseconds; one silent for a second
is idle, and closing it races only with a request sent at that very moment (inherent to
HTTP keep-alive: RFC 9112 §9.3.1 lets clients retry such requests)."""

# The usual methods as str, to skip a decode per request.
_METHODS = {
    m.encode("ascii"): m for m in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
}


def _address(value: Any) -> tuple[str, int] | None:
    """(host, port) from a socket address; None for an unnamed Unix socket peer."""
    if isinstance(value, tuple) and len(value) >= 2:
        return (str(value[0]), int(value[1]))
    return None


def _client_text(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "unix"


def _split_target(head: RequestHead) -> tuple[bytes, bytes, list[tuple[bytes, bytes]]]:
    """The head's (raw path, query string, headers) as the scope holds them: an absolute-form
    target is reduced to its path, and its authority replaces Host."""
    target = head.target
    if target[:1] == b"/" or target == b"*":
        raw_path, _, query = target.partition(b"?")
        return raw_path, query, head.headers
    target, headers = _origin_form(target, head.headers)
    raw_path, _, query = target.partition(b"?")
    return raw_path, query, headers


def _origin_form(
    target: bytes, headers: list[tuple[bytes, bytes]]
) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """Split an absolute-form target; its authority replaces Host (RFC 9112 §3.2.2)."""
    rest = target.partition(b"://")[2]
    cut = len(rest)
    for sep in (b"/", b"?"):
        found = rest.find(sep)
        if 0 <= found < cut:
            cut = found
    authority = rest[:cut].rpartition(b"@")[2]
    path = rest[cut:]
    if not path.startswith(b"/"):
        path = b"/" + path
    headers = [(n, v) for n, v in headers if n != b"host"]
    headers.append((b"host", authority))
    return path, headers
