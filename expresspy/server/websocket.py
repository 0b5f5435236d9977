"""WebSocket connections of the built-in server: RFC 6455 frames with wsproto, served to the
app as the ASGI `websocket` protocol (with the `websocket.http.response` extension).

``HTTPConnection`` hands its transport over here when a request head asks for the upgrade
(``hand_over``); from then on this protocol owns the socket. It keeps the server's promises:

* the handshake is checked before the app runs (``wshandshake``); the app then accepts (101),
  answers over HTTP, or closes before accepting (403);
* a message larger than ``ws_max_message_size`` (all fragments together) closes with 1009, a
  text message that is not UTF-8 with 1007, an unmasked client frame with 1002 (wsproto);
  an app that set ``expresspy.websocket.error`` in its ``websocket.accept`` hears of such a
  protocol error (a message of that type, with the code and reason) just before the
  ``websocket.disconnect``;
* keep-alive: a ping every ``ws_ping_interval`` seconds, and a close with 1011 when its pong
  takes longer than ``ws_ping_timeout``;
* backpressure both ways: at most ``_INBOX_MESSAGES`` messages wait for the app before
  reading from the socket pauses, and the app's ``send`` waits while the client is not
  reading (dropped after ``write_timeout``);
* graceful shutdown sends 1001 (Going Away); the connection counts in ``max_connections``.

wsproto is the optional extra ``ws``: this module is imported only at an upgrade, and
``HTTPConnection`` answers 501 with the install command when wsproto is missing.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from typing import TYPE_CHECKING, Any

from wsproto.connection import Connection, ConnectionState, ConnectionType
from wsproto.events import BytesMessage, CloseConnection, Ping, Pong, TextMessage
from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import CloseReason, FrameDecoder, FrameProtocol

from .types import ASGIApp, ClientDisconnected, Message, Scope
from .wire import error_response
from .wshandshake import (
    HandshakeRefusal,
    accept_response,
    check_handshake,
    http_response,
    offered_subprotocols,
)

if TYPE_CHECKING:
    from .config import ServerConfig

__all__ = ["WebSocketConnection"]

logger = logging.getLogger("expresspy.server")

#: Messages received and not yet taken by the app before reading from the client pauses.
_INBOX_MESSAGES = 16

#: The extensions the app is offered: HTTP answers to an upgrade, pings with pongs, and the
#: client's protocol errors.
_EXTENSIONS: dict[str, dict[str, Any]] = {
    "websocket.http.response": {},
    "expresspy.websocket.ping": {},
    "expresspy.websocket.error": {},
}

_KEEPALIVE = b"expresspy-keepalive"


class WebSocketConnection(asyncio.Protocol):
    """One upgraded connection: the ASGI websocket protocol over wsproto (module docstring).

    Made by ``HTTPConnection`` with the transport it owned, which it then hands over with
    ``transport.set_protocol``; it takes that connection's place in the server's set.
    ``early`` is what the client sent after the request head, before it saw the 101 (RFC 6455
    asks clients to wait, not all do): its first frames, read once the app accepts.
    """

    def __init__(
        self,
        app: ASGIApp,
        config: ServerConfig,
        connections: set[Any],
        transport: asyncio.Transport,
        scope: Scope,
        early: bytes = b"",
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self._app = app
        self._config = config
        self._connections = connections
        self._transport = transport
        self._scope = scope
        headers = scope["headers"]
        self._key_or_refusal = check_handshake(headers, config.ws_allowed_origins)
        scope["subprotocols"] = offered_subprotocols(headers)
        scope["extensions"] = dict(_EXTENSIONS)
        self._inbox: asyncio.Queue[Message] = asyncio.Queue()
        self._inbox.put_nowait({"type": "websocket.connect"})
        self._ws: Any = None  # the wsproto Connection, once accepted
        self._accepted = False
        self._answered = False  # an HTTP answer (or 403) went out instead of the 101
        self._http_start: Message | None = None
        self._http_body: list[bytes] = []
        self._disconnected = False  # the app was told (websocket.disconnect)
        self._closed = False  # the transport is closed
        self._close_sent = False
        self._parts: list[Any] = []
        self._part_size = 0
        self._read_paused = False
        self._write_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._pending = bytearray(early)  # bytes received before the accept
        self._report_errors = False  # the app asked for expresspy.websocket.error messages
        self._ping_handle: asyncio.TimerHandle | None = None
        self._pong_handle: asyncio.TimerHandle | None = None
        self._close_handle: asyncio.TimerHandle | None = None
        self._stall_handle: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None

    # -- starting -----------------------------------------------------------------------------

    def start(self) -> None:
        """Take over: refuse a bad handshake at once, else run the app."""
        self._connections.add(self)
        refusal = self._key_or_refusal
        if isinstance(refusal, HandshakeRefusal):
            logger.debug("WebSocket handshake refused: %s", refusal.reason)
            body = refusal.reason.encode()
            self._write(
                http_response(
                    refusal.status,
                    [(b"content-type", b"text/plain; charset=utf-8"), *refusal.headers],
                    body,
                )
            )
            self._close_transport()
            return
        self._task = self.loop.create_task(self._run_app())

    async def _run_app(self) -> None:
        try:
            await self._app(self._scope, self._receive, self._send)
        except ClientDisconnected:
            logger.debug("WebSocket client left while the app was sending")
        except Exception:
            logger.exception("exception in ASGI application (websocket)")
            if not self._accepted and not self._answered:
                self._write(error_response(500))
                self._answered = True
            elif self._accepted:
                self._start_close(1011, "")
        else:
            if not self._accepted and not self._answered:
                logger.error("ASGI application returned without accepting the WebSocket")
                self._write(error_response(500))
                self._answered = True
            elif self._accepted:
                self._start_close(1000, "")
        if not self._accepted:
            self._close_transport()

    # -- ASGI ---------------------------------------------------------------------------------

    async def _receive(self) -> Message:
        message = await self._inbox.get()
        if self._read_paused and self._inbox.qsize() < _INBOX_MESSAGES // 2:
            self._read_paused = False
            if not self._closed:
                self._transport.resume_reading()
        if message["type"] == "websocket.disconnect":
            self._inbox.put_nowait(message)  # every later receive() says so too
        return message

    async def _send(self, message: Message) -> None:
        kind = message["type"]
        if self._closed or self._answered or (self._close_sent and kind != "websocket.close"):
            raise ClientDisconnected("WebSocket connection is closed")
        if not self._accepted:
            self._send_before_accept(kind, message)
            return
        if kind == "websocket.send":
            text = message.get("text")
            event = _message_event(text if text is not None else message.get("bytes") or b"")
            self._write(self._ws.send(event))
            await self._drain()
        elif kind == "websocket.close":
            self._start_close(int(message.get("code") or 1000), message.get("reason") or "")
        elif kind == "expresspy.websocket.ping":
            self._write(self._ws.send(Ping(payload=bytes(message.get("bytes") or b""))))
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r} on an open WebSocket")

    def _send_before_accept(self, kind: str, message: Message) -> None:
        if kind == "websocket.accept":
            self._accept(message)
        elif kind == "websocket.close":
            # ASGI: closing before the accept refuses the handshake with a 403.
            self._write(http_response(403, [], b""))
            self._answered = True
            self._tell_disconnect(1006, "")
            self._close_transport()
        elif kind == "websocket.http.response.start":
            self._http_start = message
        elif kind == "websocket.http.response.body" and self._http_start is not None:
            self._http_body.append(bytes(message.get("body") or b""))
            if not message.get("more_body"):
                start = self._http_start
                self._write(
                    http_response(
                        int(start["status"]), start.get("headers") or [], b"".join(self._http_body)
                    )
                )
                self._answered = True
                self._tell_disconnect(1006, "")
                self._close_transport()
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r} before the WebSocket accept")

    def _accept(self, message: Message) -> None:
        subprotocol = message.get("subprotocol")
        if subprotocol is not None and subprotocol not in self._scope["subprotocols"]:
            raise RuntimeError(f"subprotocol {subprotocol!r} was not offered by the client")
        deflate, agreed = None, None
        if self._config.ws_per_message_deflate:
            deflate = _BoundedDeflate(self._config.ws_max_message_size)
            agreed = _negotiate(deflate, self._scope["headers"])
        key = self._key_or_refusal
        assert isinstance(key, bytes)
        self._write(accept_response(key, subprotocol, agreed, message.get("headers") or ()))
        self._scope["extensions"]["expresspy.websocket.extensions"] = agreed or ""
        self._ws = Connection(
            ConnectionType.SERVER, extensions=[deflate] if agreed is not None and deflate else []
        )
        self._accepted = True
        self._report_errors = bool(message.get("expresspy.websocket.error"))
        self._schedule_ping()
        if self._pending:
            data, self._pending = bytes(self._pending), bytearray()
            self._receive_frames(data)

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        """Frames from the client (before the accept: kept, and reading paused)."""
        if self._closed:
            return
        if not self._accepted:
            self._pending += data
            if len(self._pending) > self._config.flow_high_water:
                self._pause_reading()
            return
        self._receive_frames(data)

    def eof_received(self) -> bool:
        """The client half-closed: the connection is over."""
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        """Tell the app (1006 unless a close handshake told it already), forget the socket."""
        self._closed = True
        self._cancel_timers()
        self._connections.discard(self)
        self._tell_disconnect(1006, "")
        self._wake_drain()

    def pause_writing(self) -> None:
        """The client is not reading: the app's next send waits."""
        self._write_paused = True
        self._stall_handle = self.loop.call_later(self._config.write_timeout, self._on_stall)

    def resume_writing(self) -> None:
        """The client caught up."""
        self._write_paused = False
        if self._stall_handle is not None:
            self._stall_handle.cancel()
            self._stall_handle = None
        self._wake_drain()

    # -- server control (as HTTPConnection) ---------------------------------------------------

    def shutdown(self) -> None:
        """Graceful shutdown: 1001 Going Away to an open socket (the app hears the close)."""
        if self._accepted and not self._close_sent and not self._closed:
            self._start_close(1001, "Going Away")

    def abort(self) -> None:
        """Drop at once (end of the grace period)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._transport.abort()

    @property
    def busy(self) -> bool:
        """True until the socket is closed."""
        return not self._closed

    # -- frames -------------------------------------------------------------------------------

    def _receive_frames(self, data: bytes) -> None:
        self._ws.receive_data(data)
        for event in self._ws.events():
            if isinstance(event, (TextMessage, BytesMessage)):
                if not self._add_part(event):
                    return
            elif isinstance(event, Ping):
                self._write(self._ws.send(event.response()))
            elif isinstance(event, Pong):
                self._on_pong(bytes(event.payload))
            elif isinstance(event, CloseConnection):
                self._on_close_frame(event)
                return

    def _add_part(self, event: Any) -> bool:
        limit = self._config.ws_max_message_size
        self._part_size += len(event.data)
        if limit is not None and self._part_size > limit:
            self._parts = []
            self._report_protocol_error(1009, "Message too big")
            self._start_close(1009, "Message too big", drop=True)
            return False
        self._parts.append(event.data)
        if event.message_finished:
            parts, self._parts, self._part_size = self._parts, [], 0
            if isinstance(event.data, str):
                message: Message = {"type": "websocket.receive", "text": "".join(parts)}
            else:
                message = {"type": "websocket.receive", "bytes": b"".join(parts)}
            self._deliver(message)
        return True

    def _deliver(self, message: Message) -> None:
        self._inbox.put_nowait(message)
        if self._inbox.qsize() >= _INBOX_MESSAGES:
            self._pause_reading()  # the app is slower than the client: hold the client back

    def _on_close_frame(self, event: Any) -> None:
        code, reason = int(event.code), event.reason or ""
        state = self._ws.state
        if state == ConnectionState.REMOTE_CLOSING:  # the client started: echo, then close
            self._write(self._ws.send(event.response()))
        elif state == ConnectionState.OPEN:  # wsproto found a protocol error (1002, 1007)
            logger.debug("WebSocket protocol error from the client: %s (%d)", reason, code)
            self._report_protocol_error(code, reason)
            self._write(self._ws.send(CloseConnection(code=code, reason=reason[:120])))
        self._close_sent = True
        self._tell_disconnect(code, reason)
        self._close_transport()

    def _start_close(self, code: int, reason: str, drop: bool = False) -> None:
        """Send a close frame (once); wait ``ws_close_timeout`` for the answer, or not at all
        when `drop` (the client broke a rule: Node ws closes then too)."""
        if self._close_sent or self._closed or self._ws is None:
            return
        self._close_sent = True
        self._write(self._ws.send(CloseConnection(code=code, reason=reason)))
        if drop:
            self._tell_disconnect(code, reason)
            self._close_transport()
            return
        self._close_handle = self.loop.call_later(
            self._config.ws_close_timeout, self._close_transport
        )

    # -- keep-alive ---------------------------------------------------------------------------

    def _schedule_ping(self) -> None:
        interval = self._config.ws_ping_interval
        if interval is not None and not self._closed:
            self._ping_handle = self.loop.call_later(interval, self._ping)

    def _ping(self) -> None:
        if self._closed or self._close_sent:
            return
        self._write(self._ws.send(Ping(payload=_KEEPALIVE)))
        self._pong_handle = self.loop.call_later(self._config.ws_ping_timeout, self._no_pong)

    def _on_pong(self, payload: bytes) -> None:
        if self._pong_handle is not None:
            self._pong_handle.cancel()
            self._pong_handle = None
            self._schedule_ping()
        if payload != _KEEPALIVE:
            self._deliver({"type": "expresspy.websocket.pong", "bytes": payload})

    def _no_pong(self) -> None:
        logger.debug("WebSocket keep-alive ping unanswered: closing")
        self._start_close(1011, "keepalive ping timeout", drop=True)

    def _on_stall(self) -> None:
        logger.debug(
            "WebSocket client read nothing for %g s (write_timeout): dropping",
            self._config.write_timeout,
        )
        self._transport.abort()

    # -- helpers ------------------------------------------------------------------------------

    def _report_protocol_error(self, code: int, reason: str) -> None:
        """Tell the app the client broke the protocol (Node ws's "error" event), before the
        disconnect that follows."""
        if self._report_errors and not self._disconnected:
            self._inbox.put_nowait(
                {"type": "expresspy.websocket.error", "code": code, "reason": reason}
            )

    def _tell_disconnect(self, code: int, reason: str) -> None:
        if not self._disconnected:
            self._disconnected = True
            self._inbox.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})

    def _write(self, data: bytes) -> None:
        if not self._closed and not self._transport.is_closing():
            self._transport.write(data)

    async def _drain(self) -> None:
        if self._write_paused and not self._closed:
            self._drain_waiter = self.loop.create_future()
            await self._drain_waiter
        if self._closed:
            raise ClientDisconnected("WebSocket connection is closed")

    def _wake_drain(self) -> None:
        waiter = self._drain_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._drain_waiter = None

    def _pause_reading(self) -> None:
        if not self._read_paused and not self._closed:
            self._read_paused = True
            self._transport.pause_reading()

    def _close_transport(self) -> None:
        self._cancel_timers()
        if not self._closed:
            self._closed = True
            self._transport.close()
            self._connections.discard(self)
            self._tell_disconnect(1006, "")
            self._wake_drain()

    def _cancel_timers(self) -> None:
        for handle in (
            self._ping_handle,
            self._pong_handle,
            self._close_handle,
            self._stall_handle,
        ):
            if handle is not None:
                handle.cancel()


class _BoundedDeflate(PerMessageDeflate):
    """permessage-deflate that stops inflating at the message size limit. wsproto inflates a
    frame whole, so a small frame of compressed zeros could become gigabytes in memory before
    any size check saw it (a "deflate bomb"); here it is a 1009 after at most limit + 1 bytes.
    """

    def __init__(self, limit: int | None) -> None:
        super().__init__()
        self._limit = limit

    def frame_inbound_payload_data(
        self, proto: FrameDecoder | FrameProtocol, data: bytes
    ) -> bytes | CloseReason:
        decompressor = self._decompressor
        if (
            self._limit is None
            or decompressor is None
            or not self._inbound_compressed
            or not self._inbound_is_compressible
        ):
            return super().frame_inbound_payload_data(proto, data)
        try:
            inflated = decompressor.decompress(bytes(data), self._limit + 1)
        except zlib.error:
            return CloseReason.INVALID_FRAME_PAYLOAD_DATA
        if decompressor.unconsumed_tail:  # more than the limit in this frame alone
            return CloseReason.MESSAGE_TOO_BIG
        return inflated


def _message_event(data: str | bytes) -> Any:
    if isinstance(data, str):
        return TextMessage(data=data)
    return BytesMessage(data=bytes(data))


def _negotiate(deflate: Any, headers: list[tuple[bytes, bytes]]) -> str | None:
    """The Sec-WebSocket-Extensions answer accepting the client's first acceptable
    permessage-deflate offer, or None."""
    for name, value in headers:
        if name != b"sec-websocket-extensions":
            continue
        for offer in value.decode("latin-1").split(","):
            if offer.split(";", 1)[0].strip() != "permessage-deflate":
                continue
            answer = deflate.accept(offer.strip())
            if answer is True:
                return "permessage-deflate"
            if isinstance(answer, str):  # the parameters only, as wsproto's handshake adds them
                return "permessage-deflate; " + answer
    return None
