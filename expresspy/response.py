"""Response: Express's `res`, writing ASGI 3 messages.

`res.send()`, `res.json()` and `res.end()` end the response at once, from any thread: after they
return, `res.headers_sent` and `res.finished` are true and later changes are refused. The bytes
are sent from the event loop when the handler returns (or, for `res.write()` streaming, as they
are written). Middleware takes part through three hooks (see docs/design.md): `on_headers`,
`before_finish` and `on_finish`.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import math
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from expresspy import cookies
from expresspy.http import mime
from expresspy.http.statuses import phrase
from expresspy.http.text import encode_url, escape_html

if TYPE_CHECKING:
    from expresspy.application import Application
    from expresspy.request import Request

logger = logging.getLogger("expresspy")

Send = Callable[[dict[str, Any]], Awaitable[None]]
HeaderValue = str | list[str]
_FORBIDDEN_HEADER_CHARS = ("\r", "\n", "\0")


class HeadersSentError(RuntimeError):
    """Raised when headers are changed after they were sent (Node's ERR_HTTP_HEADERS_SENT)."""

    def __init__(self) -> None:
        super().__init__("Cannot set headers after they are sent to the client")


def _check_header(name: str, value: str) -> None:
    if not name or any(c in name for c in (*_FORBIDDEN_HEADER_CHARS, " ", ":")):
        raise ValueError(f'Header name must be a valid HTTP token ["{name}"]')
    if any(c in value for c in _FORBIDDEN_HEADER_CHARS):
        raise ValueError(f'Invalid character in header content ["{name}"]')


def to_json(value: Any, spaces: int | str | None = None, escape: bool = False) -> str:
    """Serialise like JSON.stringify: compact by default, NaN/Infinity as null, dates as ISO.

    `spaces` and `escape` are Express's `json spaces` and `json escape` settings.
    """
    indent = spaces if spaces else None
    separators = (",", ":") if indent is None else (",", ": ")
    try:
        text = json.dumps(value, ensure_ascii=False, separators=separators, indent=indent,
                          allow_nan=False, default=_json_default)
    except ValueError:
        text = json.dumps(_replace_non_finite(value), ensure_ascii=False,
                          separators=separators, indent=indent, default=_json_default)
    if escape:
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="milliseconds") + "Z"
    for method in ("to_json", "toJSON"):
        fn = getattr(value, method, None)
        if callable(fn):
            return fn()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _replace_non_finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _replace_non_finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_replace_non_finite(v) for v in value]
    return value


class Response:
    """The outgoing response, with Express's API. Chainable methods return the response."""

    def __init__(self, app: Application, req: Request, send: Send,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.req = req
        self._send = send
        self._loop = loop
        self.status_code = 200
        self.status_message: str | None = None
        self._headers: dict[str, HeaderValue] = {}
        self.locals: dict[str, Any] = {}
        self.headers_sent = False
        self.finished = False
        self._body: bytes = b""
        self._chunks: list[bytes] = []
        self._streaming = False
        self._pump_task: asyncio.Future[None] | None = None
        self._pump_wake: asyncio.Future[None] | None = None
        self._on_headers: list[Callable[[Response], None]] = []
        self._before_finish: list[Callable[[], Any]] = []
        self._on_finish: list[Callable[[Response], None]] = []
        self._failure: BaseException | None = None

    # -- status and headers ---------------------------------------------------------------

    def status(self, code: int) -> Response:
        """Set the status code: an integer from 100 to 999, as Express 5 requires."""
        if not isinstance(code, int) or isinstance(code, bool):
            raise TypeError(f'Invalid status code: {json.dumps(code, default=str)}. '
                            "Status code must be an integer.")
        if not 99 < code < 1000:
            raise ValueError(f"Invalid status code: {code}. "
                             "Status code must be greater than 99 and less than 1000.")
        self.status_code = code
        return self

    def set(self, field: str | Mapping[str, Any], value: Any = None) -> Response:
        """Set a header (or several from a mapping); Content-Type gets its default charset."""
        if isinstance(field, Mapping):
            for key, val in field.items():
                self.set(key, val)
            return self
        if isinstance(value, (list, tuple)):
            if field.lower() == "content-type":
                raise TypeError("Content-Type cannot be set to an Array")
            self.set_header(field, [str(v) for v in value])
            return self
        text = _header_text(value)
        if field.lower() == "content-type":
            text = mime.content_type(text) or text
        self.set_header(field, text)
        return self

    header = set

    def set_header(self, name: str, value: HeaderValue) -> None:
        """Set a header as given, without Express's Content-Type charset rule (Node's API)."""
        if self.headers_sent:
            raise HeadersSentError()
        for item in value if isinstance(value, list) else [value]:
            _check_header(name, item)
        self._headers[name.lower()] = value

    setHeader = set_header

    def get(self, field: str) -> HeaderValue | None:
        """A response header by case-insensitive name."""
        return self._headers.get(field.lower())

    getHeader = get

    def remove_header(self, name: str) -> None:
        """Remove a header if present."""
        if self.headers_sent:
            raise HeadersSentError()
        self._headers.pop(name.lower(), None)

    removeHeader = remove_header

    def has_header(self, name: str) -> bool:
        """Whether the header is set."""
        return name.lower() in self._headers

    def append(self, field: str, value: str | list[str]) -> Response:
        """Add a value to a header, keeping the existing ones (one line each for Set-Cookie)."""
        previous = self.get(field)
        values = value if isinstance(value, list) else [value]
        if previous is not None:
            values = (previous if isinstance(previous, list) else [previous]) + values
        return self.set(field, values if len(values) > 1 else values[0])

    def type(self, type_or_ext: str) -> Response:
        """Set Content-Type from a MIME type or an extension (`"json"`, `".html"`)."""
        if "/" in type_or_ext:
            return self.set("Content-Type", type_or_ext)
        return self.set("Content-Type", mime.content_type(type_or_ext)
                        or "application/octet-stream")

    content_type = type
    contentType = type

    def vary(self, field: str | list[str]) -> Response:
        """Add a field to the Vary header, without duplicates."""
        fields = [field] if isinstance(field, str) else list(field)
        current = self.get("Vary")
        existing = [] if current is None else [
            v.strip() for v in (current if isinstance(current, str) else ", ".join(current)
                                ).split(",") if v.strip()]
        if "*" in existing:
            return self
        lower = {v.lower() for v in existing}
        for f in fields:
            if f == "*":
                existing = ["*"]
                break
            if f.lower() not in lower:
                existing.append(f)
                lower.add(f.lower())
        self.set_header("Vary", ", ".join(existing))
        return self

    # -- sending --------------------------------------------------------------------------

    def send(self, body: Any = None) -> Response:
        """Send a response, inferring its type as Express does.

        str → text/html (charset utf-8 added to a preset Content-Type); bytes →
        application/octet-stream unless set; None → empty; anything else → `res.json(body)`.
        Adds Content-Length and an ETag (per the `etag` setting), answers 304 when the request
        is fresh, and sends no body for HEAD, 204 and 304.
        """
        if isinstance(body, str):
            content_type = self.get("Content-Type")
            if content_type is None:
                self.set_header("Content-Type", "text/html; charset=utf-8")
            else:
                self.set_header("Content-Type", _with_utf8_charset(str(content_type)))
            return self._send_bytes(body.encode("utf-8"))
        if body is None:
            return self._send_bytes(None)
        if isinstance(body, (bytes, bytearray, memoryview)):
            if not self.has_header("Content-Type"):
                self.set_header("Content-Type", "application/octet-stream")
            return self._send_bytes(bytes(body))
        return self.json(body)

    def json(self, body: Any = None) -> Response:
        """Send `body` as JSON (`json spaces`, `json escape` honoured)."""
        app = self.app
        text = to_json(body, app.get("json spaces"), bool(app.get("json escape")))
        if not self.has_header("Content-Type"):
            self.set_header("Content-Type", "application/json; charset=utf-8")
        return self.send(text)

    def jsonp(self, body: Any = None) -> Response:
        """Send JSON, wrapped in the callback named by the `jsonp callback name` query key."""
        app = self.app
        text = to_json(body, app.get("json spaces"), bool(app.get("json escape")))
        callback = self.req.query.get(app.get("jsonp callback name")) \
            if isinstance(self.req.query, dict) else None
        if isinstance(callback, list):
            callback = callback[0] if callback else None
        if not self.has_header("Content-Type"):
            self.set_header("X-Content-Type-Options", "nosniff")
            self.set_header("Content-Type", "application/json; charset=utf-8")
        if isinstance(callback, str) and callback:
            self.set_header("X-Content-Type-Options", "nosniff")
            self.set_header("Content-Type", "text/javascript; charset=utf-8")
            name = "".join(c for c in callback if c.isalnum() or c in "[]_$.")
            text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
            text = f"/**/ typeof {name} === 'function' && {name}({text});"
        return self.send(text)

    def send_status(self, code: int) -> Response:
        """Set the status and send its reason phrase as text/plain."""
        self.status(code)
        self.type("txt")
        return self.send(phrase(code))

    sendStatus = send_status

    def end(self, data: str | bytes | None = None, encoding: str = "utf-8") -> Response:
        """End the response with optional final data, adding nothing (Node's `res.end`)."""
        if isinstance(data, str):
            data = data.encode(encoding)
        if self._streaming:
            if data:
                self.write(data)
            self._mark_finished()
            return self
        if data and not self.has_header("Content-Length") and not self.has_header(
                "Transfer-Encoding"):
            self.set_header("Content-Length", str(len(data)))
        return self._finish(data or b"")

    def write(self, chunk: str | bytes, encoding: str = "utf-8") -> bool:
        """Stream a chunk of the body (chunked encoding unless Content-Length is set)."""
        if self.finished:
            raise RuntimeError("write after end")
        if isinstance(chunk, str):
            chunk = chunk.encode(encoding)
        if not self._streaming:
            self._streaming = True
            self._commit_headers()
        if chunk and self.req.method != "HEAD":
            self._chunks.append(chunk)
        self._wake_pump()
        return True

    def redirect(self, status_or_url: int | str, url: str | None = None) -> Response:
        """Redirect: `redirect(url)` (302) or `redirect(status, url)`, body chosen by Accept."""
        if url is None:
            status, target = 302, str(status_or_url)
        else:
            status, target = int(status_or_url), url
        self.location(target)
        address = self.get("Location")
        assert isinstance(address, str)
        self.status(status)
        self.vary("Accept")
        choice = self.req.accepts("text", "html")
        if choice == "html":
            text = escape_html(address)
            title = escape_html(phrase(status))
            body = (f"<!DOCTYPE html><head><title>{title}</title></head><body>"
                    f"<p>{title}. Redirecting to {text}</p></body>")
            self.set_header("Content-Type", "text/html; charset=utf-8")
        elif choice == "text":
            body = f"{phrase(status)}. Redirecting to {address}"
            self.set_header("Content-Type", "text/plain; charset=utf-8")
        else:
            body = ""
        encoded = body.encode("utf-8")
        self.set_header("Content-Length", str(len(encoded)))
        return self._finish(encoded)

    def location(self, url: str) -> Response:
        """Set the Location header, URL-encoded as encodeurl does."""
        return self.set("Location", encode_url(url))

    def cookie(self, name: str, value: Any, options: Mapping[str, Any] | None = None,
               **kwargs: Any) -> Response:
        """Set a cookie, with every option of Express 5's `res.cookie`.

        `max_age` is seconds, `maxAge` milliseconds (a timedelta works for both); both set
        `Max-Age` and `Expires`. `signed=True` signs with `req.secret` (from cookie_parser).
        Objects are stored as `j:` + JSON, as Express does.
        """
        opts = _cookie_options({**(options or {}), **kwargs})
        text = "j:" + to_json(value) if isinstance(value, (dict, list)) else _header_text(value)
        if opts.pop("signed", False):
            secret = self.req.secret
            if not secret:
                raise ValueError('cookieParser("secret") required for signed cookies')
            text = "s:" + cookies.sign(text, secret)
        max_age_ms = opts.pop("max_age_ms", None)
        if max_age_ms is not None:
            opts["expires"] = datetime.now(timezone.utc) + timedelta(milliseconds=max_age_ms)
            opts["max_age"] = math.floor(max_age_ms / 1000)
        opts.setdefault("path", "/")
        self.append("Set-Cookie", cookies.serialize_cookie(name, text, **opts))
        return self

    def clear_cookie(self, name: str, options: Mapping[str, Any] | None = None,
                     **kwargs: Any) -> Response:
        """Expire a cookie; pass the same path and domain it was set with."""
        opts = {**(options or {}), **kwargs}
        for key in ("maxAge", "max_age", "expires"):
            opts.pop(key, None)
        opts["expires"] = datetime(1970, 1, 1, 0, 0, 0, 1000, tzinfo=timezone.utc)
        return self.cookie(name, "", opts)

    clearCookie = clear_cookie

    # -- hooks ----------------------------------------------------------------------------

    def on_headers(self, fn: Callable[[Response], None]) -> None:
        """Run `fn(res)` just before the headers are frozen (latest registered runs first)."""
        self._on_headers.append(fn)

    def before_finish(self, fn: Callable[[], Any]) -> None:
        """Await `fn()` after the response is ended and before its last bytes are sent."""
        self._before_finish.append(fn)

    def on_finish(self, fn: Callable[[Response], None]) -> None:
        """Run `fn(res)` once the response was handed to the server or the client left."""
        self._on_finish.append(fn)

    # -- internals ------------------------------------------------------------------------

    def _send_bytes(self, body: bytes | None) -> Response:
        req = self.req
        if body is not None:
            etag_fn = self.app._etag_fn
            if etag_fn is not None and not self.has_header("ETag"):
                self.set_header("ETag", etag_fn(body))
            if not self.has_header("Transfer-Encoding"):
                self.set_header("Content-Length", str(len(body)))
        if self._is_fresh():
            self.status_code = 304
        if self.status_code in (204, 304):
            for name in ("content-type", "content-length", "transfer-encoding"):
                self._headers.pop(name, None)
            body = b""
        elif self.status_code == 205:
            self.set_header("Content-Length", "0")
            self._headers.pop("transfer-encoding", None)
            body = b""
        if req.method == "HEAD":
            body = b""
        return self._finish(body or b"")

    def _is_fresh(self) -> bool:
        if self.req.method not in ("GET", "HEAD", "QUERY"):
            return False
        if not (200 <= self.status_code < 300 or self.status_code == 304):
            return False
        from expresspy.http.fresh import is_fresh

        etag = self.get("ETag")
        modified = self.get("Last-Modified")
        return is_fresh(self.req.headers, etag if isinstance(etag, str) else None,
                        modified if isinstance(modified, str) else None)

    def _finish(self, body: bytes) -> Response:
        if self.finished:
            raise HeadersSentError()
        if self.req.method == "HEAD":
            body = b""
        self._body = body
        self._commit_headers()
        self._mark_finished()
        return self

    def _mark_finished(self) -> None:
        self.finished = True
        self.req._wakeup.trigger()
        if self._streaming:
            self._wake_pump()

    def _commit_headers(self) -> None:
        if self.headers_sent:
            return
        for hook in reversed(self._on_headers):
            hook(self)
        self.headers_sent = True

    def _header_list(self) -> list[tuple[bytes, bytes]]:
        out: list[tuple[bytes, bytes]] = []
        for name, value in self._headers.items():
            key = name.encode("latin-1")
            if isinstance(value, list):
                out.extend((key, v.encode("latin-1")) for v in value)
            else:
                out.append((key, value.encode("latin-1")))
        return out

    async def _run_before_finish(self) -> None:
        for hook in self._before_finish:
            result = hook()
            if inspect.isawaitable(result):
                await result

    async def _flush(self) -> None:
        """Send a response ended with send/end; called on the loop once dispatch is done."""
        try:
            await self._run_before_finish()
        except Exception as exc:  # a failed session save: answer with the error instead
            self._failure = exc
            return
        await self._send({"type": "http.response.start", "status": self.status_code,
                          "headers": self._header_list()})
        await self._send({"type": "http.response.body", "body": self._body,
                          "more_body": False})
        self._run_on_finish()

    def _run_on_finish(self) -> None:
        for hook in self._on_finish:
            try:
                hook(self)
            except Exception:
                logger.exception("on_finish hook failed")

    def _wake_pump(self) -> None:
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        if on_loop:
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
        await self._send({"type": "http.response.start", "status": self.status_code,
                          "headers": self._header_list()})
        while True:
            while self._chunks:
                chunk = self._chunks.pop(0)
                await self._send({"type": "http.response.body", "body": chunk,
                                  "more_body": True})
            if self.finished and not self._chunks:
                break
            self._pump_wake = self._loop.create_future()
            await self._pump_wake
            self._pump_wake = None
        try:
            await self._run_before_finish()
        except Exception:
            logger.exception("before_finish hook failed on a streamed response")
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})
        self._run_on_finish()

    async def _complete(self) -> None:
        """Wait until the response is fully sent (called by the app's ASGI entry)."""
        if self._streaming:
            if self._pump_task is None:
                self._wake_pump_on_loop()
            assert self._pump_task is not None
            await self._pump_task
        else:
            await self._flush()

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


def _header_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _with_utf8_charset(content_type: str) -> str:
    parts = [p.strip() for p in content_type.split(";")]
    params = [p for p in parts[1:] if p and not p.lower().startswith("charset=")]
    return "; ".join([parts[0], *params, "charset=utf-8"])


_COOKIE_KEYS = {
    "httpOnly": "http_only", "sameSite": "same_site", "http_only": "http_only",
    "same_site": "same_site", "domain": "domain", "path": "path", "secure": "secure",
    "partitioned": "partitioned", "priority": "priority", "expires": "expires",
    "encode": "encode", "signed": "signed",
}


def _cookie_options(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise res.cookie options: Express's camelCase and Python's snake_case, durations."""
    opts: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("maxAge", "max_age"):
            if value is None:
                continue
            if isinstance(value, timedelta):
                opts["max_age_ms"] = value.total_seconds() * 1000
            else:
                opts["max_age_ms"] = float(value) * (1 if key == "maxAge" else 1000)
            continue
        target = _COOKIE_KEYS.get(key)
        if target is None:
            raise TypeError(f"unknown cookie option {key!r}")
        opts[target] = value
    return opts


def header_items(headers: Mapping[str, HeaderValue]) -> Iterable[tuple[str, str]]:
    """Flatten a header mapping into (name, value) pairs, one per list item."""
    for name, value in headers.items():
        if isinstance(value, list):
            for item in value:
                yield name, item
        else:
            yield name, value
