"""The `ws` object a WebSocket route handler receives: Node ws's API and a Pythonic one, over the
ASGI websocket protocol (so it runs on the built-in server, uvicorn or hypercorn alike).

Node's way::

    def chat(ws, req):
        ws.on("message", lambda data: ws.send(data))
        ws.on("close", lambda code, reason: print("gone", code))

Python's way::

    async def chat(ws, req):
        async for message in ws:          # str for text frames, bytes for binary ones
            await ws.send(message)

Both work on the same socket. Incoming messages go to the "message" listeners when there are
any, else to a small inbox read by `receive()` / `async for`; while the inbox is full nothing
more is read from the client, so a slow handler holds the client back instead of buffering.
Outgoing messages are queued in order and handed to the server one at a time;
`buffered_amount` counts the bytes still queued, as Node's `bufferedAmount` does. Every method
may be called from a worker thread (a plain `def` handler or listener) as well as the loop.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import Executor
from typing import Any

from expresspy.callbacks import CallbackSite, on_loop_thread
from expresspy.websocket.emitter import Emitter

__all__ = [
    "CLOSED",
    "CLOSING",
    "CONNECTING",
    "OPEN",
    "PING_EXTENSION",
    "WebSocket",
    "WebSocketClosed",
    "valid_close_code",
]

logger = logging.getLogger("expresspy.websocket")

CONNECTING, OPEN, CLOSING, CLOSED = 0, 1, 2, 3
_STATE_NAMES = ("CONNECTING", "OPEN", "CLOSING", "CLOSED")

#: Messages read ahead of a Pythonic reader (`receive`, `async for`) before reading from the
#: client stops: enough to keep a fast reader busy, few enough to bound memory.
INBOX_SIZE = 16

#: The ASGI extension (offered by expresspy's built-in server) that lets the app send pings
#: and hear pongs; without it `ws.ping()` is a no-op and the server keeps the socket alive.
PING_EXTENSION = "expresspy.websocket.ping"
#: The server extension that reports the client's protocol errors before the disconnect; the
#: app asks for them with this key set in its `websocket.accept` (other ASGI apps never see
#: the message).
ERROR_EXTENSION = "expresspy.websocket.error"

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Message = str | bytes


class WebSocketClosed(Exception):
    """Raised by `receive()` and by awaited sends once the connection is closed.

    `code` is the close code (1005 when the peer sent none, 1006 when the connection dropped),
    `reason` the close reason text.
    """

    def __init__(self, code: int = 1005, reason: str = "") -> None:
        super().__init__(f"WebSocket is closed (code {code}{', ' + reason if reason else ''})")
        self.code = code
        self.reason = reason


class WebSocketProtocolError(Exception):
    """What `ws.on("error", fn)` receives when the client broke the protocol (Node ws's
    receiver errors): a text message that is not UTF-8, a message over the size limit, a bad
    frame. `close_code` is the code the server closes with (Node's `err[kStatusCode]`):
    1002, 1007 or 1009; the message is the close reason. The "close" event follows.
    """

    def __init__(self, close_code: int, reason: str = "") -> None:
        super().__init__(reason or f"WebSocket protocol error (close code {close_code})")
        self.close_code = close_code
        self.reason = reason


def valid_close_code(code: int) -> bool:
    """Whether an endpoint may send `code` in a close frame (RFC 6455 7.4, as Node ws checks)."""
    return (1000 <= code <= 1014 and code not in (1004, 1005, 1006)) or 3000 <= code <= 4999


class _Closed:
    """The inbox's end marker."""


_END = _Closed()


class WebSocket(Emitter):
    """One accepted WebSocket connection (see the module docstring for both APIs).

    `ready_state` (`readyState`) is 0 CONNECTING, 1 OPEN, 2 CLOSING or 3 CLOSED, as in Node;
    `protocol` is the negotiated subprotocol ("" for none); `close_code` and `close_reason` are
    set once it closed.
    """

    CONNECTING = CONNECTING
    OPEN = OPEN
    CLOSING = CLOSING
    CLOSED = CLOSED

    def __init__(
        self,
        scope: MutableMapping[str, Any],
        receive: Receive,
        send: Send,
        executor: Executor | None = None,
    ) -> None:
        super().__init__(executor)
        self.scope = scope
        self._receive = receive
        self._send = send
        self._loop = asyncio.get_running_loop()
        self.ready_state = CONNECTING
        self.protocol = ""
        self.close_code: int | None = None
        self.close_reason = ""
        self.binary_type = "nodebuffer"
        self._inbox: asyncio.Queue[Message | _Closed] = asyncio.Queue(INBOX_SIZE)
        self._outbox: collections.deque[tuple[dict[str, Any], asyncio.Future[None]]] = (
            collections.deque()
        )
        self._queued_bytes = 0
        self._writer: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()
        self._pings = PING_EXTENSION in (scope.get("extensions") or {})

    # -- state ------------------------------------------------------------------------------

    @property
    def readyState(self) -> int:
        """Alias of `ready_state`."""
        return self.ready_state

    @property
    def buffered_amount(self) -> int:
        """Bytes queued by `send` and not yet handed to the server (Node's bufferedAmount)."""
        return self._queued_bytes

    bufferedAmount = buffered_amount

    @property
    def binaryType(self) -> str:
        """Alias of `binary_type` (kept for ported code; binary messages are always bytes)."""
        return self.binary_type

    @property
    def extensions(self) -> str:
        """The negotiated extensions, as Node's `ws.extensions` (the built-in server says, as
        "permessage-deflate; ..."; "" elsewhere)."""
        return str((self.scope.get("extensions") or {}).get("expresspy.websocket.extensions", ""))

    # -- the handshake (called by the upgrade, not by handlers) ------------------------------

    async def accept(
        self, subprotocol: str | None = None, headers: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        """Complete the handshake (101); a no-op once done. `subprotocol` must be one the
        client offered."""
        if self.ready_state != CONNECTING:
            return
        message: dict[str, Any] = {"type": "websocket.accept", "subprotocol": subprotocol}
        if headers:
            message["headers"] = headers
        if ERROR_EXTENSION in (self.scope.get("extensions") or {}):
            message[ERROR_EXTENSION] = True
        await self._send(message)
        self.protocol = subprotocol or ""
        self.ready_state = OPEN
        await self.emit_async("open")

    def start_reading(self) -> None:
        """Start delivering incoming messages (once; the upgrade calls it after the handler
        ran, and `receive()` calls it when a handler reads first)."""
        if self._reader is None and self.ready_state in (OPEN, CLOSING):
            self._reader = self._loop.create_task(self._read_loop())

    async def wait_closed(self) -> None:
        """Wait until the connection is closed and the "close" listeners ran."""
        await self._closed.wait()

    # -- sending ------------------------------------------------------------------------------

    def send(
        self, data: Any, options: Any = None, callback: Callable[..., Any] | None = None
    ) -> Any:
        """Send `data`: `str` as a text message, bytes-like as a binary one (or as binary
        anyway with `{"binary": True}`, Node's option). Returns an awaitable that resolves once
        the server took the message (`await ws.send(x)` for backpressure) and raises
        WebSocketClosed when the socket closed first; not awaiting it is fine too. Node's
        `ws.send(data, callback)` form calls `callback(err)` (err None on success).
        """
        if callable(options) and callback is None:
            options, callback = None, options
        message = _message_for(data, bool(options and options.get("binary")))
        if self.ready_state == CONNECTING:
            raise RuntimeError("WebSocket is not open: readyState 0 (CONNECTING)")
        return self._submit(message, callback)

    def ping(
        self, data: Any = b"", mask: Any = None, callback: Callable[..., Any] | None = None
    ) -> Any:
        """Send a ping (Node's `ws.ping(data, mask, cb)`); the "pong" event reports the answer.
        Needs a server offering the ping extension (the built-in one does); elsewhere it only
        calls back, since ASGI gives apps no ping frames and those servers ping by themselves.
        """
        if callable(data) and callback is None:
            data, callback = b"", data
        if self._pings:
            payload = data.encode() if isinstance(data, str) else bytes(data)
            return self._submit({"type": PING_EXTENSION, "bytes": payload}, callback)
        return self._submit(None, callback)

    def pong(
        self, data: Any = b"", mask: Any = None, callback: Callable[..., Any] | None = None
    ) -> Any:
        """Node's `ws.pong`: the server answers pings itself, so this only calls back."""
        if callable(data) and callback is None:
            callback = data
        return self._submit(None, callback)

    def close(self, code: int | None = None, reason: str | bytes = "") -> Any:
        """Start the closing handshake with `code` (1000 when omitted) and `reason` (at most
        123 bytes of UTF-8, as RFC 6455 allows); "close" fires when it completes. Invalid codes
        raise TypeError, as Node ws's do. Returns an awaitable like `send`'s."""
        if code is not None and (not isinstance(code, int) or not valid_close_code(code)):
            raise TypeError("First argument must be a valid error code number")
        text = reason.decode("utf-8") if isinstance(reason, bytes) else str(reason)
        if len(text.encode("utf-8")) > 123:
            raise ValueError("The message must not be greater than 123 bytes")
        if self.ready_state in (CLOSING, CLOSED):
            return self._resolved()
        if on_loop_thread(self._loop):
            return self._close_on_loop(code or 1000, text)
        # From a thread: through the loop's queue, so a send made after this stays after it.
        outer: concurrent.futures.Future[None] = concurrent.futures.Future()

        def close_on_loop() -> None:
            inner = self._close_on_loop(code or 1000, text)
            inner.add_done_callback(lambda f: _copy_outcome(f, outer))

        self._loop.call_soon_threadsafe(close_on_loop)
        return outer

    def terminate(self) -> None:
        """Node's `ws.terminate()`: stop at once. Over ASGI this closes with 1000 without
        waiting for the client; "close" fires with 1006 (abnormal closure), as in Node."""
        if self.ready_state == CLOSED:
            return
        if not on_loop_thread(self._loop):
            self._loop.call_soon_threadsafe(self.terminate)
            return
        if self.ready_state != CLOSING:
            self._close_on_loop(1000, "")
        self._loop.create_task(self._finish(1006, ""))

    # -- receiving (Pythonic) -----------------------------------------------------------------

    async def receive(self) -> Message:
        """The next message: `str` for text, `bytes` for binary. Raises WebSocketClosed once
        the connection closed (and every message before the close was read)."""
        self.start_reading()
        if self.ready_state == CLOSED and self._inbox.empty():
            raise WebSocketClosed(self.close_code or 1005, self.close_reason)
        item = await self._inbox.get()
        if isinstance(item, _Closed):
            self._inbox.put_nowait(item)  # every later receive() sees the end too
            raise WebSocketClosed(self.close_code or 1005, self.close_reason)
        return item

    async def receive_text(self) -> str:
        """The next message, which must be text (TypeError otherwise)."""
        message = await self.receive()
        if not isinstance(message, str):
            raise TypeError("expected a text message, got a binary one")
        return message

    async def receive_bytes(self) -> bytes:
        """The next message, which must be binary (TypeError otherwise)."""
        message = await self.receive()
        if not isinstance(message, bytes):
            raise TypeError("expected a binary message, got a text one")
        return message

    def __aiter__(self) -> AsyncIterator[Message]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[Message]:
        while True:
            try:
                yield await self.receive()
            except WebSocketClosed:
                return

    # -- internals ----------------------------------------------------------------------------

    def _submit(
        self,
        message: dict[str, Any] | None,
        callback: Callable[..., Any] | None,
        site: CallbackSite | None = None,
    ) -> Any:
        """Queue `message` (None: nothing to send, just report) from any thread; `callback`
        runs where the call was made (expresspy.callbacks), on the loop or in a thread."""
        if site is None and callback is not None:
            site = CallbackSite.here(self._loop)
        if not on_loop_thread(self._loop):
            outer: concurrent.futures.Future[None] = concurrent.futures.Future()

            def submit() -> None:
                inner = self._submit(message, callback, site)
                inner.add_done_callback(lambda f: _copy_outcome(f, outer))

            self._loop.call_soon_threadsafe(submit)
            return outer
        future: asyncio.Future[None] = self._loop.create_future()
        if callback is not None and site is not None:
            future.add_done_callback(functools.partial(_call_back, callback, site))
        if self.ready_state != OPEN and (message is None or message["type"] != "websocket.close"):
            _fail(future, WebSocketClosed(self.close_code or 1006, self.close_reason))
            return future
        if message is None:
            future.set_result(None)
            return future
        self._outbox.append((message, future))
        self._queued_bytes += _size(message)
        if self._writer is None or self._writer.done():
            self._writer = self._loop.create_task(self._write_loop())
        return future

    def _resolved(self) -> asyncio.Future[None]:
        future: asyncio.Future[None] = self._loop.create_future()
        future.set_result(None)
        return future

    def _close_on_loop(self, code: int, reason: str) -> asyncio.Future[None]:
        if self.ready_state in (CLOSING, CLOSED):
            return self._resolved()
        future: asyncio.Future[None] = self._submit(
            {"type": "websocket.close", "code": code, "reason": reason}, None
        )
        self.ready_state = CLOSING
        self.close_code, self.close_reason = code, reason
        self.start_reading()  # the server reports the end of the handshake as a disconnect
        return future

    async def _write_loop(self) -> None:
        while self._outbox:
            message, future = self._outbox[0]
            try:
                if self.ready_state == CLOSED:
                    raise WebSocketClosed(self.close_code or 1006, self.close_reason)
                await self._send(message)
            except Exception as exc:  # the client went away: fail this and every later send
                self._fail_outbox(
                    exc if isinstance(exc, WebSocketClosed) else WebSocketClosed(1006, str(exc))
                )
                return
            self._outbox.popleft()
            self._queued_bytes -= _size(message)
            if not future.done():
                future.set_result(None)

    def _fail_outbox(self, exc: BaseException) -> None:
        while self._outbox:
            _, future = self._outbox.popleft()
            if not future.done():
                _fail(future, exc)
        self._queued_bytes = 0

    async def _read_loop(self) -> None:
        code, reason = 1006, ""
        protocol_error = False
        try:
            while True:
                message = await self._receive()
                kind = message["type"]
                if kind == "websocket.receive":
                    text = message.get("text")
                    await self._deliver(text if text is not None else message.get("bytes") or b"")
                elif kind == "websocket.disconnect":
                    code = message.get("code", 1005) or 1005
                    reason = message.get("reason") or ""
                    break
                elif kind == "expresspy.websocket.pong":
                    await self.emit_async("pong", message.get("bytes", b""))
                elif kind == "expresspy.websocket.ping":
                    await self.emit_async("ping", message.get("bytes", b""))
                elif kind == ERROR_EXTENSION:
                    await self._protocol_error(message)
                    protocol_error = True
        except Exception as exc:  # the server failed to read: the connection is gone
            logger.debug("WebSocket receive failed", exc_info=exc)
        if protocol_error:
            # Node ws stops reading at a protocol error, so it never sees a close frame from
            # the client: its "close" then reports 1006 with no reason.
            code, reason = 1006, ""
        elif self.close_code is not None and self.ready_state == CLOSING:
            # We started the close: Node reports the code the peer answered with, which
            # servers give as the disconnect's code; keep ours when they give none.
            code = code if code not in (1005, 1006) else self.close_code
        await self._finish(code, reason)

    async def _protocol_error(self, message: dict[str, Any]) -> None:
        """The server closes because the client broke the protocol: as Node ws, the socket is
        CLOSING and "error" fires (before "close")."""
        if self.ready_state == OPEN:
            self.ready_state = CLOSING
        error = WebSocketProtocolError(int(message.get("code", 1002)), message.get("reason") or "")
        if not await self.emit_async("error", error):
            logger.debug("WebSocket protocol error from the client: %s", error)

    async def _deliver(self, data: Message) -> None:
        if self.listener_count("message"):
            await self.emit_async("message", data, isinstance(data, bytes))
        else:
            await self._inbox.put(data)  # waits while full: the backpressure point

    async def _finish(self, code: int, reason: str) -> None:
        if self.ready_state == CLOSED:
            return
        self.ready_state = CLOSED
        self.close_code, self.close_reason = code, reason
        self._fail_outbox(WebSocketClosed(code, reason))
        if not self._inbox.full():  # else the reader meets the end once it read the rest
            self._inbox.put_nowait(_END)
        try:
            await self.emit_async("close", code, reason)
        finally:
            self._closed.set()

    def __repr__(self) -> str:
        return f"<WebSocket {_STATE_NAMES[self.ready_state]} {self.scope.get('path', '')!r}>"


def _message_for(data: Any, binary: bool) -> dict[str, Any]:
    if isinstance(data, str):
        if binary:
            return {"type": "websocket.send", "bytes": data.encode("utf-8")}
        return {"type": "websocket.send", "text": data}
    if isinstance(data, (bytes, bytearray, memoryview)):
        return {"type": "websocket.send", "bytes": bytes(data)}
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return {"type": "websocket.send", "text": str(data)}  # Node sends String(number)
    raise TypeError(
        f"ws.send() takes str or bytes, not {type(data).__name__}; use json.dumps() for objects"
    )


def _size(message: dict[str, Any]) -> int:
    text = message.get("text")
    if text is not None:
        return len(text)
    payload = message.get("bytes")
    return len(payload) if payload is not None else 0


def _fail(future: asyncio.Future[None], exc: BaseException) -> None:
    """Fail a send's future. A caller that does not await must not get "exception was never
    retrieved" logs: reading `exception()` marks it seen, and an awaiting caller still gets
    the exception raised."""
    future.set_exception(exc)
    future.exception()


def _call_back(
    callback: Callable[..., Any], site: CallbackSite, future: asyncio.Future[None]
) -> None:
    err = None if future.cancelled() else future.exception()
    site.run(_guarded, callback, err)


def _guarded(callback: Callable[..., Any], err: BaseException | None) -> None:
    try:
        callback(err)
    except Exception:
        logger.exception("WebSocket send callback failed")


def _copy_outcome(source: asyncio.Future[None], target: concurrent.futures.Future[None]) -> None:
    err = None if source.cancelled() else source.exception()
    if err is not None:
        target.set_exception(err)
    else:
        target.set_result(None)
