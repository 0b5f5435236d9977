"""One request/response exchange seen from the app: the ASGI ``receive`` and ``send`` callables,
and the native interface (``types.NativeExchange``: the request's parts, a scope built only
when read, and ``respond``, a whole response in one call).

The connection (``connection.HTTPConnection``) feeds body bytes in and owns the socket; this
module turns them into ASGI messages and turns the app's messages into wire bytes (``wire``).

Framing policy for the response, decided when the head is written. The server owns framing:
- HEAD, 1xx, 204 and 304 carry no body bytes (whatever the app sends is dropped);
- a ``content-length`` from the app is honoured, and sending more than it declares raises;
  but when the whole body comes in the first message and its length differs, the real length
  replaces the app's (with a warning): the client would otherwise wait or misread;
- otherwise a single ``http.response.body`` without ``more_body`` gets a computed
  Content-Length, and a streamed body is chunked (HTTP/1.1) or close-delimited (HTTP/1.0);
- an app's ``transfer-encoding`` is never sent as is: ``chunked`` asks for chunked framing on
  HTTP/1.1 (the server writes the header itself; HTTP/1.0 never gets it), any other coding
  contradicts the body and is dropped with a warning (compression is ``content-encoding``);
  with a ``content-length`` as well, the length wins (RFC 9112 §6.2 forbids sending both);
- two different ``content-length`` values, or one that is not a number, raise
  ``InvalidResponse`` (a 500 when nothing was sent yet).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Protocol

from .protocol import RequestHead
from .types import ClientDisconnected, Message, Scope
from .wire import (
    CHUNKED_END,
    NO_BODY_STATUSES,
    InvalidResponse,
    ResponseFraming,
    chunk,
    header_block,
    status_line,
)

__all__ = ["CycleOwner", "RequestCycle"]

logger = logging.getLogger("expresspy.server")

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_FRAMING_NAMES = (b"content-length", b"transfer-encoding")
_FILE_BLOCK = 256 * 1024  # bytes read per step when sendfile cannot be used
# ResponseFraming's values as module constants: a response reads them about eight times, and
# on Python 3.11 a global costs about half of a class attribute (docs/performance.md).
_NO_BODY = ResponseFraming.NONE
_LENGTH = ResponseFraming.LENGTH
_CHUNKED = ResponseFraming.CHUNKED
_CLOSE = ResponseFraming.CLOSE


class CycleOwner(Protocol):
    """What a cycle needs from its connection."""

    loop: asyncio.AbstractEventLoop

    def write(self, data: bytes) -> None:
        """Queue bytes for the client."""

    async def drain(self) -> None:
        """Wait while the transport's write buffer is over its high-water mark."""

    def body_consumed(self) -> None:
        """The app took buffered body bytes; reading may resume."""

    def server_headers(self, keep_alive: bool) -> bytes:
        """Header lines the server adds (Date, Connection, Keep-Alive), CRLF-terminated."""

    def response_done(self, cycle: RequestCycle) -> None:
        """The response was written whole (or abandoned); the connection decides what is next."""

    def scope_for(self, cycle: RequestCycle) -> Scope:
        """The ASGI scope of the cycle's request (called at most once per cycle)."""

    def transport_for_sendfile(self) -> asyncio.Transport | None:
        """The transport if ``loop.sendfile`` may use it (plain TCP), else None."""


class RequestCycle:
    """ASGI ``receive``/``send`` and the ``types.NativeExchange`` of one request. Create one
    per request head, with the target already split into ``raw_path`` and ``query_string``
    (and ``headers`` as the scope will hold them).

    ``keep_alive`` starts as what the client and the server allow; the response may only lower
    it. ``status`` and ``body_sent`` (bytes) feed the access log.
    """

    __slots__ = (
        "_body",
        "_body_waiter",
        "_declared",
        "_delivered",
        "_disconnect_waiter",
        "_framing",
        "_head_written",
        "_headers",
        "_owner",
        "_pending",
        "_scope",
        "body_complete",
        "body_sent",
        "body_size",
        "disconnected",
        "expect_continue",
        "head",
        "headers",
        "http_version",
        "keep_alive",
        "loop",
        "method",
        "query_string",
        "raw_path",
        "response_complete",
        "response_started",
        "status",
    )

    def __init__(
        self,
        owner: CycleOwner,
        head: RequestHead,
        keep_alive: bool,
        method: str,
        target: tuple[bytes, bytes, list[tuple[bytes, bytes]]],
    ):
        self._owner = owner
        self.loop = owner.loop
        self.head = head
        self.keep_alive = keep_alive
        self.method = method
        self.raw_path, self.query_string, self.headers = target
        self.http_version = head.http_version
        self._scope: Scope | None = None
        self._body: list[bytes] = []
        self._pending = 0
        self._delivered = False  # the last http.request message (more_body False) was returned
        self._head_written = False
        self.body_size = 0
        self.body_complete = False
        self.expect_continue = False
        self.disconnected = False
        self.response_started = False
        self.response_complete = False
        self.status = 0
        self.body_sent = 0
        self._headers: list[tuple[bytes, bytes]] = []
        self._framing = _NO_BODY
        self._declared = -1
        self._body_waiter: asyncio.Future[None] | None = None
        self._disconnect_waiter: asyncio.Future[None] | None = None

    @property
    def scope(self) -> Scope:
        """The request's ASGI scope, built on first read (the native path may never read it)."""
        scope = self._scope
        if scope is None:
            scope = self._scope = self._owner.scope_for(self)
        return scope

    # -- fed by the connection -------------------------------------------------------------

    @property
    def head_written(self) -> bool:
        """True once the response head went to the transport (it can no longer change)."""
        return self._head_written

    def forget_unsent_start(self) -> None:
        """Drop an ``http.response.start`` whose head was never written (to answer 500)."""
        if not self._head_written:
            self.response_started = False
            self._headers = []

    @property
    def buffered(self) -> int:
        """Body bytes received but not yet taken by the app."""
        return self._pending

    def feed_body(self, data: bytes) -> None:
        """Buffer a body chunk for the app."""
        self._body.append(data)
        self._pending += len(data)
        self.body_size += len(data)
        self._wake_body()

    def end_body(self) -> None:
        """The request body is complete."""
        self.body_complete = True
        self._wake_body()

    def disconnect(self) -> None:
        """The client went away (or the request failed); pending and later receives say so."""
        self.disconnected = True
        self._wake_body()
        waiter = self._disconnect_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake_body(self) -> None:
        waiter = self._body_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- receive ---------------------------------------------------------------------------

    async def receive(self) -> Message:
        """ASGI receive: body chunks, then ``http.disconnect`` once the client is gone."""
        if self.disconnected:
            return {"type": "http.disconnect"}
        if self._delivered:
            return await self._wait_for_disconnect()
        if not self._body:
            if self.expect_continue:
                # RFC 9110 §10.1.1: the client waits for this before sending the body; send it
                # only now that the app actually asks for the body.
                self.expect_continue = False
                if not self.response_started:
                    self._owner.write(_CONTINUE)
            while not self._body and not self.body_complete and not self.disconnected:
                self._body_waiter = self._owner.loop.create_future()
                await self._body_waiter
                self._body_waiter = None
            if self.disconnected:
                return {"type": "http.disconnect"}
        body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        self._body.clear()
        self._pending = 0
        self._owner.body_consumed()
        self._delivered = self.body_complete
        return {"type": "http.request", "body": body, "more_body": not self.body_complete}

    async def _wait_for_disconnect(self) -> Message:
        if not self.response_complete:
            self._disconnect_waiter = self._owner.loop.create_future()
            await self._disconnect_waiter
        return {"type": "http.disconnect"}

    # -- send ------------------------------------------------------------------------------

    async def send(self, message: Message) -> None:
        """ASGI send: ``http.response.start``, ``.body`` and ``.zerocopysend``.

        Raises ``ClientDisconnected`` once the client is gone, ``InvalidResponse`` for messages
        out of order or a body longer than its declared Content-Length.
        """
        if self.disconnected:
            raise ClientDisconnected("client disconnected")
        kind = message["type"]
        if kind == "http.response.body":
            more = message.get("more_body", False)
            self._write_body(message.get("body", b""), more)
            if more:
                await self._owner.drain()
        elif kind == "http.response.start":
            self._start(message)
        elif kind == "http.response.zerocopysend":
            await self._zerocopysend(message)
        else:
            raise InvalidResponse(f"unexpected ASGI message {kind!r}")

    def respond(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """The whole response in one call (``types.NativeExchange.respond``): what
        ``http.response.start`` then one final ``http.response.body`` send, written at once."""
        if self.disconnected:
            raise ClientDisconnected("client disconnected")
        self._begin(int(status), headers)
        self._write_body(body, False)

    def _start(self, message: Message) -> None:
        self._begin(int(message["status"]), list(message.get("headers", ())))

    def _begin(self, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        if self.response_started:
            raise InvalidResponse("http.response.start sent twice")
        self.response_started = True
        self.status = status
        self._headers = headers

    def _write_body(self, body: bytes, more: bool) -> None:
        """Frame and queue one body message (synchronous: only ``send`` waits, and only for a
        ``more_body`` message, so a whole response costs no extra coroutine)."""
        if self.response_complete:
            if body or more:
                raise InvalidResponse("response already complete")
            return
        if not self.response_started:
            raise InvalidResponse("http.response.body before http.response.start")
        if self._head_written:
            out = self._frame(body)
        else:
            out = self._head_bytes(len(body), more)
            if not more and self._framing == _LENGTH:
                # The whole body in the first message: the head just declared its length
                # (``_head_bytes`` makes it so), so _frame and _finish_bytes have nothing to
                # check. The usual response, spared their two calls.
                self.body_sent += len(body)
                self._owner.write(out + body)
                self._complete()
                return
            out += self._frame(body)
        if not more:
            out += self._finish_bytes()
        if out:
            self._owner.write(out)
        if not more:
            self._complete()

    def _head_bytes(self, first_len: int, more: bool) -> bytes:
        """Decide the framing from the app's headers and the first body message; encode the head."""
        lines, declared, reframe, close = header_block(self._headers)
        app_chunked = False
        if reframe:  # rare: the app set Transfer-Encoding, or Content-Length twice
            lines, declared, app_chunked = self._app_framing()
        if close:
            self.keep_alive = False
        extra = b""
        status = self.status
        no_body = status in NO_BODY_STATUSES or status < 200
        http11 = self.head.http_version == "1.1"
        if self.head.method == b"HEAD" or no_body:
            framing = _NO_BODY
            if declared < 0 and not more and not no_body and first_len:
                extra = b"content-length: %d\r\n" % first_len
        elif declared >= 0:
            framing = _LENGTH
            if not more and declared != first_len:
                lines = self._correct_length(declared, first_len)
                declared = first_len
        elif not more and not (app_chunked and http11):
            framing, declared = _LENGTH, first_len
            extra = b"content-length: %d\r\n" % first_len
        elif http11:
            framing = _CHUNKED
            extra = b"transfer-encoding: chunked\r\n"
        else:
            framing = _CLOSE
            self.keep_alive = False
        if not self.body_complete:
            # The rest of the request body would have to be read and dropped before the next
            # request; closing is simpler and safe.
            self.keep_alive = False
        self._framing = framing
        self._declared = declared if framing == _LENGTH else -1
        head = b"".join(
            (
                status_line(status),
                lines,
                extra,
                self._owner.server_headers(self.keep_alive),
                b"\r\n",
            )
        )
        self._head_written = True
        return head

    def _app_framing(self) -> tuple[bytes, int, bool]:
        """The app's headers without its Transfer-Encoding and with one Content-Length: (lines,
        declared length or -1, whether the app asked for chunked framing). Warns about what
        it drops; raises InvalidResponse for Content-Length values that disagree."""
        codings = [v for n, v in self._headers if n.lower() == b"transfer-encoding"]
        lengths = {v.strip(b" \t") for n, v in self._headers if n.lower() == b"content-length"}
        if len(lengths) > 1:
            raise InvalidResponse(f"conflicting content-length values {sorted(lengths)!r}")
        chunked = bool(codings) and all(c.strip(b" \t").lower() == b"chunked" for c in codings)
        if codings and not chunked:
            logger.warning(
                "%s: dropped Transfer-Encoding %r set by the app: the server frames the body "
                "itself (for compression, set Content-Encoding)",
                self._request_text(),
                b", ".join(codings).decode("latin-1"),
            )
        elif codings and lengths:
            logger.warning(
                "%s: the app set Transfer-Encoding and Content-Length; sent Content-Length "
                "only (RFC 9112 §6.2)",
                self._request_text(),
            )
        kept: list[tuple[bytes, bytes]] = []
        length_seen = False
        for name, value in self._headers:
            lower = name.lower()
            if lower == b"transfer-encoding" or (lower == b"content-length" and length_seen):
                continue
            length_seen = length_seen or lower == b"content-length"
            kept.append((name, value))
        lines, declared, _, _ = header_block(kept)
        return lines, declared, chunked and not lengths

    def _correct_length(self, declared: int, actual: int) -> bytes:
        """The app's header lines with its wrong Content-Length replaced by ``actual``."""
        logger.warning(
            "%s: the app's Content-Length %d does not match its %d-byte body; sent %d",
            self._request_text(),
            declared,
            actual,
            actual,
        )
        kept = [(n, v) for n, v in self._headers if n.lower() not in _FRAMING_NAMES]
        kept.append((b"content-length", b"%d" % actual))
        return header_block(kept)[0]

    def _request_text(self) -> str:
        head = self.head
        return f"response to {head.method.decode('ascii')} {head.target.decode('ascii')}"

    def _frame(self, body: bytes) -> bytes:
        if not body:
            return b""
        framing = self._framing
        if framing == _NO_BODY:
            return b""
        self.body_sent += len(body)
        if framing == _CHUNKED:
            return chunk(body)
        if framing == _LENGTH and self.body_sent > self._declared:
            self.keep_alive = False
            raise InvalidResponse("response body longer than its Content-Length")
        return body

    def _finish_bytes(self) -> bytes:
        if self._framing == _CHUNKED:
            return CHUNKED_END
        if self._framing == _LENGTH and self.body_sent < self._declared:
            # The client will wait for bytes that never come: only a close tells it.
            logger.warning(
                "%s: the body ended after %d of the %d bytes its Content-Length declared; "
                "connection closed",
                self._request_text(),
                self.body_sent,
                self._declared,
            )
            self.keep_alive = False
        return b""

    def _complete(self) -> None:
        self.response_complete = True
        waiter = self._disconnect_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._owner.response_done(self)

    async def _zerocopysend(self, message: Message) -> None:
        """Send (part of) an open file with os.sendfile where the transport allows it."""
        if not self.response_started or self.response_complete:
            raise InvalidResponse("http.response.zerocopysend out of order")
        file = message["file"]
        offset = message.get("offset")
        count = message.get("count")
        more = message.get("more_body", False)
        if offset is None:
            offset = file.tell()
        if count is None:
            count = os.fstat(file.fileno()).st_size - offset
        if not self._head_written:
            self._owner.write(self._head_bytes(count, True))
        await self._send_file_range(file, offset, count)
        if not more:
            self._write_body(b"", False)

    async def _send_file_range(self, file: Any, offset: int, count: int) -> None:
        if count <= 0 or self._framing == _NO_BODY:
            return
        transport = self._owner.transport_for_sendfile()
        if transport is None or self._framing == _CHUNKED:
            # Fallback: read and send through the normal path (TLS, or chunk framing needed),
            # a block at a time so a large file never sits in memory whole.
            end = offset + count
            while offset < end:
                block = os.pread(file.fileno(), min(_FILE_BLOCK, end - offset), offset)
                if not block:
                    raise InvalidResponse("file shorter than the zerocopysend count")
                offset += len(block)
                self._write_body(block, True)
                await self._owner.drain()
            return
        self.body_sent += count
        if self._framing == _LENGTH and self.body_sent > self._declared:
            self.keep_alive = False
            raise InvalidResponse("response body longer than its Content-Length")
        await self._owner.drain()
        await self._owner.loop.sendfile(transport, file, offset, count)
