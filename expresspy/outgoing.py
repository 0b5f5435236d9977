"""ServerResponse: Node's `http.ServerResponse` part of `res`, and the owner of its lifecycle.

This layer knows headers, status, `write`/`end`, body sources and the lifecycle hooks; the
Express API (`send`, `json`, `cookie`, ...) is built on it in `expresspy.response`.

Ending is logical and immediate: after `end()` (or `_finish`) returns, `headers_sent` and
`finished` are true, from whatever thread called it. The bytes are sent from the event loop by
`complete()`, which the app awaits once dispatch is done; a streamed response (`write`) is
pumped as it is written. Middleware takes part through three hooks (docs/design.md):
`on_headers`, `before_finish` and `on_finish`. When a `before_finish` hook fails (a session
that could not be saved), `complete()` replaces the response with the error response of the
app's :class:`ErrorResponder` and sends that instead: every failure of the response's end is
handled here, in one place.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from expresspy.callbacks import on_loop_thread
from expresspy.events import Emitter, call_with_arity
from expresspy.http.asgi import ZERO_COPY_EXTENSION, BodySource, HeaderValue, Respond, Send
from expresspy.http.headers import check_header

if TYPE_CHECKING:
    from expresspy.request import Request

__all__ = ["ErrorResponder", "HeadersSentError", "ServerResponse"]

logger = logging.getLogger("expresspy")

# Encoded forms of the header names responses carry most (a lookup instead of an encode).
_NAME_BYTES = {
    name: name.encode("latin-1")
    for name in (
        "x-powered-by",
        "content-type",
        "content-length",
        "etag",
        "set-cookie",
        "cache-control",
        "last-modified",
        "accept-ranges",
        "vary",
        "location",
        "content-disposition",
        "x-content-type-options",
        "content-security-policy",
        "transfer-encoding",
    )
}


# Encoded header lines by (name, value) as set: responses repeat the same few (X-Powered-By,
# Content-Type, the Content-Length of a repeated body), and the cached pair is the same bytes
# each time, whose hashes the server's header cache (`server.wire`) then finds computed.
# Bounded: emptied when full, and holding values of up to 256 characters. Not the ETag: it
# changes with the body (a session counter's, every response), where a lookup that misses and
# an insert cost more than the encoding; a repeated one is encoded the same, and the server's
# cache, keyed by the bytes' value, still knows its line.
_ENCODED: dict[tuple[str, str], tuple[bytes, bytes]] = {}
_ENCODED_MAX = 1024
_ENCODED_VALUE_MAX = 256


def _encoded_pair(name: str, value: str) -> tuple[bytes, bytes]:
    pair = (_NAME_BYTES.get(name) or name.encode("latin-1"), value.encode("latin-1"))
    # Exact str only (a subclass may hash differently); short values only, to bound memory.
    if type(name) is str and type(value) is str and len(value) <= _ENCODED_VALUE_MAX:
        if len(_ENCODED) >= _ENCODED_MAX:
            _ENCODED.clear()
        _ENCODED[(name, value)] = pair
    return pair


class ErrorResponder(Protocol):
    """What answers a request with an error page: the application (``res.app``)."""

    def respond_error(self, req: Any, res: Any, err: object) -> None:
        """Replace `res`'s response with the error response for `err` (or log it when the
        headers already went out)."""


class HeadersSentError(RuntimeError):
    """Raised when headers are changed after they were sent (Node's ERR_HTTP_HEADERS_SENT)."""

    def __init__(self) -> None:
        super().__init__("Cannot set headers after they are sent to the client")


class ServerResponse(Emitter):
    """Status, headers and body of one response, and the hooks around sending it.

    Node's events (`res.on(...)`): "finish" once the response was handed to the server,
    then "close"; only "close" when the client went away first. `req` emits "close" with
    it (and "aborted" before it, when the client went away).
    """

    # Defaults shared by every response until one is assigned: fewer stores per request (the
    # attributes read on every request stay on the instance, where reads are quickest).
    status_message: str | None = None
    _body: bytes = b""
    _source: BodySource | None = None
    _streaming = False
    _pump_task: asyncio.Future[None] | None = None
    _pump_wake: asyncio.Future[None] | None = None
    _closed = False  # the on_finish hooks ran and "close" was emitted
    # Most responses register no hook and stream nothing: the hooks stay the shared empty
    # tuple until one is added, and the chunk list is made when streaming starts; four lists
    # fewer to make and free per request.
    _chunks: list[bytes]
    _on_headers: list[Callable[[Any], None]] | tuple[()] = ()
    _before_finish: list[Callable[[], Any]] | tuple[()] = ()
    _on_finish: list[Callable[..., None]] | tuple[()] = ()
    _respond: Respond | None = None
    """The server's one-call response (the built-in server's native path), else None: used
    for a whole response when `_send` is the server's own (no middleware wraps it)."""
    _finishing: Awaitable[None] | None = None
    """What is left of the `before_finish` hooks that `complete_at_once` started (a hook's
    awaitable, or its error), for `complete` to await."""

    def __init__(
        self, app: ErrorResponder, req: Request, send: Send, loop: asyncio.AbstractEventLoop
    ) -> None:
        self.app = app
        self.req = req
        self._send = send
        self._raw_send = send  # middleware may wrap _send (compression); errors go out raw
        self._loop = loop
        self.status_code = 200
        self.headers_sent = False
        self.finished = False
        self._headers: dict[str, HeaderValue] = {}
        # Express's res.locals, made here so that `Response` needs no __init__ of its own
        # (a `super().__init__` call less per response).
        self.locals: dict[str, Any] = {}

    # -- headers (Node's API) -------------------------------------------------------------

    def set_header(self, name: str, value: HeaderValue) -> None:
        """Set a header exactly as given (no charset rule); CR/LF/NUL raise InvalidHeaderError."""
        if self.headers_sent:
            raise HeadersSentError()
        if isinstance(value, list):
            for item in value:
                check_header(name, item)
            self._headers[name.lower()] = list(value)
        else:
            check_header(name, value)
            self._headers[name.lower()] = value

    setHeader = set_header

    def _set_known(self, name: str, value: str) -> None:
        """`set_header` for a lower-case constant `name` and a value the framework built from
        safe parts (digits, a tag it computed): skips `check_header`."""
        if self.headers_sent:
            raise HeadersSentError()
        self._headers[name] = value

    def get_header(self, name: str) -> HeaderValue | None:
        """A header by case-insensitive name, None when unset."""
        return self._headers.get(name.lower())

    getHeader = get_header

    def remove_header(self, name: str) -> None:
        """Remove a header if present."""
        if self.headers_sent:
            raise HeadersSentError()
        self._headers.pop(name.lower(), None)

    removeHeader = remove_header

    def has_header(self, name: str) -> bool:
        """Whether the header is set."""
        return name.lower() in self._headers

    hasHeader = has_header

    def get_headers(self) -> dict[str, HeaderValue]:
        """A copy of all headers, with lower-case names."""
        return dict(self._headers)

    getHeaders = get_headers

    def get_header_names(self) -> list[str]:
        """The lower-case names of the headers set so far."""
        return list(self._headers)

    getHeaderNames = get_header_names

    # -- body -----------------------------------------------------------------------------

    def write(self, chunk: str | bytes, encoding: str = "utf-8") -> bool:
        """Stream a chunk of the body (chunked encoding unless Content-Length is set).

        The headers are frozen by the first write. Returns True, as Node does when the chunk
        was queued; the chunks are sent in order from the event loop.
        """
        if self.finished:
            raise RuntimeError("write after end")
        return self._write(chunk.encode(encoding) if isinstance(chunk, str) else bytes(chunk))

    def _write(self, data: bytes) -> bool:
        # end() comes here directly: middleware that wraps res.write must not see end's chunk
        if not self._streaming:
            self._streaming = True
            self._chunks = []
            self._commit_headers()
        if data and self.req.method != "HEAD":
            self._chunks.append(data)
        self._wake_pump()
        return True

    def end(self, data: str | bytes | None = None, encoding: str = "utf-8") -> Any:
        """End the response with optional final data, adding no header but Content-Length."""
        body = data.encode(encoding) if isinstance(data, str) else (data or b"")
        if self._streaming:
            if body:
                self._write(body)
            self._mark_finished()
            return self
        if (
            body
            and not self.has_header("Content-Length")
            and not self.has_header("Transfer-Encoding")
        ):
            self.set_header("Content-Length", str(len(body)))
        return _finish_response(self, self.req, body)

    @property
    def writable_ended(self) -> bool:
        """True once `end()` (or send/json/...) was called (Node's `writableEnded`)."""
        return self.finished

    writableEnded = writable_ended

    # -- hooks ----------------------------------------------------------------------------

    def on_headers(self, fn: Callable[[Any], None]) -> None:
        """Run `fn(res)` just before the headers are frozen (latest registered runs first)."""
        if self._on_headers:
            self._on_headers.append(fn)
        else:
            self._on_headers = [fn]

    def before_finish(self, fn: Callable[[], Any]) -> None:
        """Await `fn()` after the response is ended and before its last bytes are sent."""
        if self._before_finish:  # appended to in place: a hook may add one while they run
            self._before_finish.append(fn)
        else:
            self._before_finish = [fn]

    def on_finish(self, fn: Callable[..., None]) -> None:
        """Run `fn(res)` (or `fn()`, for a function of no argument) once the response was
        handed to the server or the client left."""
        if self._on_finish:
            self._on_finish.append(fn)
        else:
            self._on_finish = [fn]

    # -- internals ------------------------------------------------------------------------

    def _finish(self, body: bytes, source: BodySource | None = None) -> Any:
        """End the response with `body` (or a body `source` streamed after the headers)."""
        return _finish_response(self, self.req, body, source)

    def _reset_for_error(self) -> None:
        """Forget an ended response whose before_finish failed (a session save, say), so an
        error page can replace it: no body source, no hooks left to run again (a second
        Set-Cookie for an unsaved session), the ASGI send unwrapped (compression), and only
        the X-Powered-By header kept."""
        if self._source is not None:
            self._source.close()
            self._source = None
        self._before_finish = ()
        self._on_headers = ()
        self._send = self._raw_send
        powered_by = self._headers.get("x-powered-by")
        self._headers = {} if powered_by is None else {"x-powered-by": powered_by}
        self.status_code = 200
        self.headers_sent = False
        self.finished = False

    def _mark_finished(self) -> None:
        self.finished = True
        self.req._exchange.trigger()
        if self._streaming:
            self._wake_pump()

    def _commit_headers(self) -> None:
        if self.headers_sent:
            return
        if self._on_headers:
            for hook in reversed(self._on_headers):
                hook(self)
        self.headers_sent = True

    async def _run_before_finish(self) -> None:
        hooks = self._before_finish
        pending = self._before_finish_now(hooks) if hooks else None
        if pending is not None:
            await pending

    def _before_finish_now(self, hooks: list[Callable[[], Any]]) -> Awaitable[None] | None:
        """Run the `before_finish` hooks (`hooks`: `_before_finish`, as the caller just read
        it) as far as they need no waiting; None when all ran, else what to await for the
        rest: the first awaitable a hook returned, then the hooks after it (or a hook's
        error, raised when awaited)."""
        try:
            # enumerate over the list itself: a hook may add one while they run
            for index, hook in enumerate(hooks):
                result = hook()
                if result is not None and inspect.isawaitable(result):
                    return self._rest_of_before_finish(result, index + 1)
        except Exception as exc:
            return _raise(exc)
        self._before_finish = ()  # all ran: none is run again
        return None

    async def _rest_of_before_finish(self, pending: Awaitable[Any], index: int) -> None:
        """Await `pending` (the awaitable of hook `index - 1`), then run the hooks after it."""
        await pending
        hooks = self._before_finish
        while index < len(hooks):
            result = hooks[index]()
            index += 1
            if result is not None and inspect.isawaitable(result):
                await result

    def _zero_copy(self) -> bool:
        extensions = self.req.scope.get("extensions") or {}
        return ZERO_COPY_EXTENSION in extensions

    def _client_left(self) -> None:
        """The client went away before the response was sent (seen while reading the body):
        run the on_finish hooks now, as on-finished does on a closed socket, and stop the
        dispatcher waiting for a handler that may never answer."""
        exchange = self.req._exchange
        if exchange.gone:
            return
        exchange.gone = True
        self.req.aborted = True
        self._run_on_finish(finished=False)
        exchange.trigger()

    def _aborted(self, exc: BaseException) -> None:
        """Sending failed: the client went away (an OSError, as ASGI servers raise then:
        routine, logged at debug level), or something else broke (logged as an error)."""
        if isinstance(exc, OSError):
            logger.debug(
                "response to %s %s aborted", self.req.method, self.req.original_url, exc_info=exc
            )
        else:
            logger.error(
                "sending the response to %s %s failed",
                self.req.method,
                self.req.original_url,
                exc_info=exc,
            )
        self.req.aborted = True
        self._run_on_finish(finished=False)

    def _run_on_finish(self, finished: bool = True) -> None:
        """Run the on_finish hooks, then emit Node's events: res "finish" (when the response
        was sent) and "close", req "aborted" (when it was not) and "close"; the events once
        only (a hook added after may still run, on a later call, as before)."""
        if self._on_finish:
            hooks, self._on_finish = self._on_finish, ()
            for hook in hooks:
                try:
                    call_with_arity(hook, (self,))
                except Exception:
                    logger.exception(
                        "on_finish hook %s failed", getattr(hook, "__qualname__", hook)
                    )
        if self._closed or (self._listeners is None and self.req._listeners is None):
            return  # most responses: nobody listens
        self._closed = True
        if finished:
            self.emit("finish")
        else:
            self.req.emit("aborted")
        self.emit("close")
        self.req.emit("close")

    def _wake_pump(self) -> None:
        if on_loop_thread(self._loop):
            self._wake_pump_on_loop()
        else:
            self._loop.call_soon_threadsafe(self._wake_pump_on_loop)

    def _wake_pump_on_loop(self) -> None:
        if self._pump_task is None:
            self._pump_task = asyncio.ensure_future(self._pump())
        waiter = self._pump_wake
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _pump(self) -> None:
        """Send a streamed response as it is written; the last chunk waits for before_finish."""
        try:
            await self._send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": _header_list(self._headers),
                }
            )
            while True:
                while self._chunks:
                    chunk = self._chunks.pop(0)
                    await self._send(
                        {"type": "http.response.body", "body": chunk, "more_body": True}
                    )
                if self.finished and not self._chunks:
                    break
                self._pump_wake = self._loop.create_future()
                await self._pump_wake
                self._pump_wake = None
        except Exception as exc:
            self._aborted(exc)
            return
        try:
            await self._run_before_finish()
        except Exception:
            logger.exception("before_finish hook failed on a streamed response")
        try:
            await self._send({"type": "http.response.body", "body": b"", "more_body": False})
        except Exception as exc:
            self._aborted(exc)
            return
        self._run_on_finish()

    def complete_at_once(self) -> bool:
        """Send the response now if it needs no waiting, and say so; False: await
        `complete()` instead. It needs none when it was ended whole (no stream, no body
        source, no `before_finish` hook) and the server takes it in one call (`_respond`,
        the built-in server's native path, with no middleware wrapping `_send`): most
        responses there, and a coroutine less per request."""
        respond = self._respond
        if (
            respond is None
            or not self.finished
            or self._streaming
            or self._source is not None
            or self._send is not self._raw_send
        ):
            return False
        hooks = self._before_finish
        if hooks:  # run here those that need no waiting (a MemoryStore save)
            # A hook of an ended response cannot stream, end it again or give it a body
            # source (each raises); what it returns to await, or raises, complete() takes.
            finishing = self._before_finish_now(hooks)
            if finishing is not None:
                self._finishing = finishing
                return False
        _respond_whole(self, respond)
        return True

    async def complete(self) -> None:
        """Send the response and wait until it is fully sent (the app's ASGI entry awaits it
        once dispatch is done): a streamed response by its pump, one ended with send/end/a
        body source from here. A failing `before_finish` hook (a session that could not be
        saved) replaces the response with the app's error response, sent instead."""
        if not self.finished and self.req._exchange.gone:  # nobody to answer, nothing answered
            return
        if self._streaming:
            if self._pump_task is None:
                self._wake_pump_on_loop()
            assert self._pump_task is not None
            await self._pump_task
            return
        finishing, self._finishing = self._finishing, None  # complete_at_once's rest, if any
        hooks = self._before_finish
        if finishing is None and hooks:  # most responses have none
            finishing = self._before_finish_now(hooks)
        if finishing is not None:
            try:
                await finishing
            except Exception as exc:
                self._reset_for_error()
                self.app.respond_error(self.req, self, exc)
        source, self._source = self._source, None
        respond = self._respond
        if respond is not None and source is None and self._send is self._raw_send:
            _respond_whole(self, respond)
            return
        # The head, then the body or body source (inline: a coroutine less per request).
        try:
            await self._send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": _header_list(self._headers),
                }
            )
            if source is not None:
                await source.write_to(self._send, self._zero_copy())
            else:
                await self._send(
                    {"type": "http.response.body", "body": self._body, "more_body": False}
                )
        except Exception as exc:  # the client went away, or the file failed mid-way
            self._aborted(exc)  # reported through on_finish; nothing more to send
            return
        finally:
            if source is not None:
                source.close()
        self._run_on_finish()

    # -- camelCase aliases ----------------------------------------------------------------

    @property
    def headersSent(self) -> bool:
        """Alias of `headers_sent`."""
        return self.headers_sent

    @property
    def statusCode(self) -> int:
        """Alias of `status_code`."""
        return self.status_code

    @statusCode.setter
    def statusCode(self, value: int) -> None:
        self.status_code = value


def _finish_response(
    res: ServerResponse, req: Request, body: bytes, source: BodySource | None = None
) -> Any:
    """`res._finish(body, source)`, for a caller that has read `res.req` (`req`).

    A function, not a method: each method looked up on `res` and each attribute read passes
    its __getattr__ hook, which Python 3.11 cannot specialise (docs/performance.md).
    """
    if res.finished:
        if source is not None:
            source.close()
        raise HeadersSentError()
    previous = res._source
    if previous is not None:
        previous.close()
    if req.method == "HEAD":
        body = b""
        if source is not None:
            source.close()
            source = None
    res._body = body
    res._source = source
    # `_commit_headers` and `_mark_finished`, inline (a method lookup each).
    if not res.headers_sent:
        hooks = res._on_headers
        if hooks:
            for hook in reversed(hooks):
                hook(res)
        res.headers_sent = True
    res.finished = True
    exchange = req._exchange
    if exchange._waiter is not None:  # someone waits for the end (`Exchange.trigger`)
        exchange.trigger()
    if res._streaming:
        res._wake_pump()
    return res


def _header_list(headers: dict[str, HeaderValue]) -> list[tuple[bytes, bytes]]:
    """A response's `headers` as the server takes them: (name, value) bytes pairs, one per
    line."""
    out: list[tuple[bytes, bytes]] = []
    encoded = _ENCODED.get
    for name, value in headers.items():
        if isinstance(value, list):
            key = _NAME_BYTES.get(name) or name.encode("latin-1")
            out.extend((key, item.encode("latin-1")) for item in value)
            continue
        if name == "etag":  # new with each new body: encoded, never looked up or kept
            out.append((b"etag", value.encode("latin-1")))
            continue
        pair = encoded((name, value))
        if pair is None:
            pair = _encoded_pair(name, value)
        out.append(pair)
    return out


def _respond_whole(res: ServerResponse, respond: Respond) -> None:
    """Send `res`, ended whole, in the server's one call `respond`, then run what its end
    runs."""
    try:  # the whole response in one call, written before it returns
        respond(res.status_code, _header_list(res._headers), res._body)
    except Exception as exc:  # the client went away, or the server refused the head
        res._aborted(exc)
        return
    # `_run_on_finish` has nothing to do for most responses: no hook, nobody listening
    # (tested first: `_closed` matters only to those, a read less for the others).
    if res._on_finish or (
        (res._listeners is not None or res.req._listeners is not None) and not res._closed
    ):
        res._run_on_finish()


async def _raise(exc: Exception) -> None:
    """An awaitable that raises `exc` (a `before_finish` hook's error, for `complete`)."""
    raise exc
