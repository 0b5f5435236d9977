"""Response: Express's `res`, on top of Node's ServerResponse (`expresspy.outgoing`).

Names follow Express with Python spelling (`res.send_file`) and every camelCase name has an
alias (`res.sendFile`). Chainable methods return `res`. `send`, `json`, `end`, `redirect`,
`send_file` end the response at once, from any thread; the bytes go out from the event loop.
Everything that would let input reach the wire unchecked (CR, LF or NUL in a header, cookie or
redirect target) raises in the handler, so the error flow answers 500 and nothing leaks.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from expresspy import cookies
from expresspy.attributes import missing_attribute
from expresspy.callbacks import on_loop_thread
from expresspy.errors import HTTPError
from expresspy.extensions import MISSING, find_extension
from expresspy.http import mime
from expresspy.http.asgi import HeaderValue
from expresspy.http.disposition import content_disposition
from expresspy.http.etag import strong_etag, weak_etag
from expresspy.http.headers import check_header, format_links, set_charset, vary_value
from expresspy.http.jsontext import jsonp_body, stringify
from expresspy.http.statuses import STATUS_PHRASES
from expresspy.http.text import encode_url, escape_html
from expresspy.js import undefined
from expresspy.options import duration_ms, option_name
from expresspy.outgoing import HeadersSentError, ServerResponse, _finish_response

if TYPE_CHECKING:
    from expresspy.application import Application

__all__ = ["UNDEFINED", "HeadersSentError", "Response", "js_string"]


#: JavaScript's `undefined` (expresspy.js): `res.send()` (no body) differs from `res.send(None)`
#: (null).
UNDEFINED: Any = undefined
_FORBIDDEN = ("\r", "\n", "\0")


def js_string(value: Any) -> str:
    """JavaScript's `String(value)` for the values handlers pass to headers and cookies."""
    if value.__class__ is str:  # the usual case, before three isinstance checks
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def _refuse_control_chars(what: str, value: str) -> None:
    if any(c in value for c in _FORBIDDEN):
        raise ValueError(f"{what} must not contain CR, LF or NUL characters: {value!r}")


class Response(ServerResponse):
    """The outgoing response, with Express's API. Created once per request by the app."""

    app: Application
    locals: dict[str, Any]  # Express's res.locals (made by ServerResponse.__init__)

    # -- status and headers ---------------------------------------------------------------

    def status(self, code: int) -> Response:
        """Set the status: an integer 100-999 (TypeError/ValueError with Express's messages)."""
        value: Any = code
        if isinstance(value, float) and value.is_integer():  # JavaScript has no 200 vs 200.0
            code = int(value)
        if not isinstance(code, int) or isinstance(code, bool):
            raise TypeError(
                f"Invalid status code: {_js_json(code)}. Status code must be an integer."
            )
        if not 99 < code < 1000:
            raise ValueError(
                f"Invalid status code: {code}. "
                "Status code must be greater than 99 and less than 1000."
            )
        self.status_code = code
        return self

    def set(self, field: str | Mapping[str, Any], value: Any = UNDEFINED) -> Response:
        """Set a header, or every item of a mapping; returns res.

        Values are converted as JavaScript's String() does; a list sets one line per item.
        Content-Type gets its default charset (`text/plain` → `text/plain; charset=utf-8`) and
        may not be a list. CR, LF or NUL raise InvalidHeaderError (a ValueError).
        """
        if not isinstance(field, str) and isinstance(field, Mapping):  # str first: ABC check
            for key, val in field.items():
                self.set(key, val)
            return self
        if value is UNDEFINED:
            raise TypeError(f"res.set({field!r}) needs a value")
        if isinstance(value, (list, tuple)):
            if field.lower() == "content-type":
                raise TypeError("Content-Type cannot be set to an Array")
            self.set_header(field, [js_string(v) for v in value])
            return self
        text = value if value.__class__ is str else js_string(value)  # a call less for a str
        name = field.lower()
        if name == "content-type":
            text = mime.content_type(text) or text
        # `set_header` for one value, inline (a method looked up on `res` costs a pass
        # through its __getattr__ hook; docs/performance.md).
        if self.headers_sent:
            raise HeadersSentError()
        check_header(field, text)
        self._headers[name] = text
        return self

    header = set

    def get(self, field: str) -> HeaderValue | None:
        """A response header by case-insensitive name (a list for multi-line headers)."""
        return self.get_header(field)

    def append(self, field: str, value: str | Sequence[str]) -> Response:
        """Add value(s) to a header, keeping those already set (Set-Cookie stays one per line)."""
        previous = self.get(field)
        values = [value] if isinstance(value, str) else list(value)
        if previous:
            values = (previous if isinstance(previous, list) else [previous]) + values
        return self.set(field, values if len(values) != 1 else values[0])

    def type(self, type_or_ext: str) -> Response:
        """Set Content-Type from a MIME type or an extension (`"json"`, `".html"`, `"png"`).

        An unknown extension gives `application/octet-stream`.
        """
        if "/" in type_or_ext:
            return self.set("Content-Type", type_or_ext)
        return self.set(
            "Content-Type", mime.content_type(type_or_ext) or "application/octet-stream"
        )

    content_type = type
    contentType = type

    def vary(self, field: str | Sequence[str]) -> Response:
        """Add field(s) to the Vary header, once each (case-insensitively); `*` absorbs all."""
        value = vary_value(self.get("Vary"), field)
        if value:
            self.set_header("Vary", value)
        return self

    def links(self, links: Mapping[str, str | Sequence[str]]) -> Response:
        """Append `<url>; rel="rel"` entries to the Link header (a list gives several)."""
        current = self.get("Link")
        return self.set(
            "Link",
            format_links(", ".join(current) if isinstance(current, list) else current, links),
        )

    def location(self, url: Any) -> Response:
        """Set Location to `url`, percent-encoded as encodeurl does (valid escapes kept).

        A non-string is written as JavaScript's String() would (`True` → "true"). CR, LF or
        NUL in `url` raise ValueError (Express would encode them; refusing is safer).
        """
        if not isinstance(url, str):
            url = js_string(url)
        _refuse_control_chars("a redirect target", url)
        return self.set("Location", encode_url(url))

    def attachment(self, filename: str | None = None) -> Response:
        """Set Content-Disposition to attachment (with the base name of `filename`, if given).

        The Content-Type is set from the file name's extension.
        """
        name = os.path.basename(filename) if filename is not None else None
        if name:
            self.type(os.path.splitext(name)[1] or name)
        return self.set("Content-Disposition", content_disposition(name))

    # -- cookies --------------------------------------------------------------------------

    def cookie(
        self, name: str, value: Any, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Response:
        """Append a Set-Cookie header, with every option of Express 5's `res.cookie`.

        Options (snake_case keywords or Express's camelCase in `options`): `domain`,
        `encode` (default encodeURIComponent), `expires` (datetime), `http_only`,
        `max_age` in seconds / `maxAge` in milliseconds (a timedelta for either; both write
        Max-Age and Expires), `partitioned`, `path` (default "/"), `priority`, `secure`,
        `signed` (signs with `req.secret`, set by cookie_parser), `same_site`. Dicts and lists
        are stored as `j:` + JSON. CR, LF or NUL in the name, value, path or domain raise
        ValueError, as does any value cookie@0.7 refuses.
        """
        opts = _cookie_options({**(options or {}), **kwargs})
        text = (
            "j:" + stringify(value)
            if isinstance(value, (dict, list)) or value is None
            else js_string(value)
        )
        _refuse_control_chars("a cookie value", text)
        if opts.pop("signed", False):
            secret = self.req.secret
            if not secret:
                raise ValueError('cookieParser("secret") required for signed cookies')
            text = "s:" + cookies.sign(text, secret)
        max_age_ms = opts.pop("max_age_ms", None)
        if max_age_ms is not None:
            opts["expires"] = datetime.now(timezone.utc) + timedelta(milliseconds=max_age_ms)
            opts["max_age"] = math.floor(max_age_ms / 1000)
        if opts.get("path") is None:
            opts["path"] = "/"
        return self.append("Set-Cookie", cookies.serialize_cookie(name, text, **opts))

    def clear_cookie(
        self, name: str, options: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Response:
        """Expire a cookie now: give the same `path` and `domain` it was set with.

        Writes `name=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT`; a max age is ignored.
        """
        opts = {"path": "/", **(options or {}), **kwargs}
        for key in ("maxAge", "max_age"):
            opts.pop(key, None)
        opts["expires"] = datetime(1970, 1, 1, 0, 0, 0, 1000, tzinfo=timezone.utc)
        return self.cookie(name, "", opts)

    clearCookie = clear_cookie

    # -- sending --------------------------------------------------------------------------

    def send(self, body: Any = UNDEFINED) -> Response:
        """Send a response, inferring its type exactly as Express 5 does.

        str → text/html unless a Content-Type is set (its charset becomes utf-8); bytes →
        application/octet-stream unless set; None → empty body; no argument → no body at all;
        anything else → `res.json(body)`. Adds Content-Length and an ETag (per the `etag`
        setting), answers 304 when `req.fresh`, and sends no body for HEAD, 204, 205 and 304.
        """
        chunk: Any = body
        known: dict[str, HeaderValue] | None = None  # `_headers`, when nothing ran since
        if isinstance(chunk, str):
            headers = self._headers
            current = headers.get("content-type")
            if isinstance(current, str):
                # What res.set would store: the value names a charset, so no default is added.
                # Built from a value that passed the header check when it was set: no new check
                # (`_set_known`, inline: every attribute read on `res` passes its __getattr__
                # hook, which Python 3.11 cannot specialise; see docs/performance.md).
                if self.headers_sent:
                    raise HeadersSentError()
                headers["content-type"] = set_charset(current, "utf-8")
                known = headers
            else:
                self.type("html")
        elif chunk is None:
            chunk = ""
        elif isinstance(chunk, (bytes, bytearray, memoryview)):
            if not self.get("Content-Type"):
                self.type("bin")
            chunk = bytes(chunk)
        elif chunk is not UNDEFINED:
            return self.json(chunk)
        data = (
            None
            if chunk is UNDEFINED
            else (chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        )
        return _send_data(self, data, known)

    def json(self, body: Any = UNDEFINED) -> Response:
        """Send `body` as JSON, honouring the `json spaces`, `json replacer`, `json escape`
        settings; Content-Type application/json unless one is set."""
        text = self._stringify(body)
        if not self.get("Content-Type"):
            self.set("Content-Type", "application/json")
        return self.send(UNDEFINED if text is None else text)

    def jsonp(self, body: Any = UNDEFINED) -> Response:
        """Send JSON, or JSONP when the `jsonp callback name` query parameter is present.

        The callback keeps only `[]`, word characters, `$` and `.`; JSONP is sent as
        text/javascript with `X-Content-Type-Options: nosniff`.
        """
        text = self._stringify(body)
        query = self.req.query
        callback = (
            query.get(self.app.get("jsonp callback name")) if isinstance(query, Mapping) else None
        )
        if not self.get("Content-Type"):
            self.set("X-Content-Type-Options", "nosniff")
            self.set("Content-Type", "application/json")
        if isinstance(callback, list):
            callback = callback[0] if callback else None
        if isinstance(callback, str) and callback:
            self.set("X-Content-Type-Options", "nosniff")
            self.set("Content-Type", "text/javascript")
            text = jsonp_body(callback, "" if text is None else text)
        return self.send(UNDEFINED if text is None else text)

    def _stringify(self, body: Any) -> str | None:
        if body is UNDEFINED:
            return None
        app = self.app
        return stringify(
            body,
            app.get("json replacer"),
            app.get("json spaces"),
            bool(app.get("json escape")),
            app.get("json encoder"),
        )

    def send_status(self, code: int) -> Response:
        """Set the status and send its reason phrase (or the number) as text/plain."""
        self.status(code)
        self.type("txt")
        return self.send(STATUS_PHRASES.get(code, str(code)))

    sendStatus = send_status

    def redirect(self, status_or_url: int | str, url: str | None = None) -> Response:
        """Redirect: `redirect(url)` (302) or `redirect(status, url)`.

        Location is encoded as `res.location` does; the body is chosen by Accept: text
        (`Found. Redirecting to /x`), HTML (escaped) or empty; `Vary: Accept` is added.
        """
        if url is None:
            status: Any = 302
            address = status_or_url
        else:
            status, address = status_or_url, url
        if not isinstance(address, str):
            raise TypeError("res.redirect: the url must be a string")
        location = self.location(address).get("Location")
        assert isinstance(location, str)
        phrase = STATUS_PHRASES.get(status, "undefined") if isinstance(status, int) else "undefined"
        bodies = {
            "text": lambda: f"{phrase}. Redirecting to {location}",
            "html": lambda: (
                f"<!DOCTYPE html><head><title>{phrase}</title></head><body><p>"
                f"{phrase}. Redirecting to {escape_html(location)}</p></body>"
            ),
        }
        choice = self._negotiate(list(bodies))
        text = bodies[choice]() if choice else ""
        self.status(status)
        encoded = text.encode("utf-8")
        self.set("Content-Length", len(encoded))
        return _finish_response(self, self.req, encoded)  # type: ignore[no-any-return]

    def _negotiate(self, keys: list[str]) -> str | None:
        """res.format's choice among `keys`: sets Vary and Content-Type; None when none fits."""
        self.vary("Accept")
        key = self.req.accepts(keys) if keys else False
        if not isinstance(key, str):
            return None
        self.set(
            "Content-Type",
            key.split(";", 1)[0].strip()
            if "/" in key
            else mime.lookup(key) or "application/octet-stream",
        )
        return key

    def format(self, handlers: Mapping[str, Callable[..., Any]]) -> Response:
        """Run the handler for the best type in Accept: `{"json": fn, "text/html": fn,
        "default": fn}`; each is called `fn(req, res, next)` (fewer parameters allowed).

        Sets `Vary: Accept` and the chosen Content-Type. With no match and no "default",
        passes HTTPError(406) (with `.types`, the normalized offered types) to `next`.
        """
        keys = [k for k in handlers if k != "default"]
        key = self._negotiate(keys)
        nxt = self.req.next
        if key is not None:
            self._call_user(handlers[key], self.req, self, nxt)
        elif "default" in handlers:
            self._call_user(handlers["default"], self.req, self, nxt)
        else:
            types = [
                k.split(";", 1)[0].strip()
                if "/" in k
                else mime.lookup(k) or "application/octet-stream"
                for k in keys
            ]
            self._next(HTTPError(406, types=types))
        return self

    def _next(self, err: Any = None) -> None:
        """Pass `err` to the `next` of the handler that is running (Express's `req.next`)."""
        nxt = self.req.next
        if nxt is None:
            if err is not None:
                raise err if isinstance(err, BaseException) else RuntimeError(str(err))
            return
        nxt(err)

    def _call_user(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call a user callback with as many leading `args` as it takes; errors go to next.

        A coroutine is scheduled on the event loop; its exception goes to `next` too.
        """
        from expresspy.runtime.handler import _positional_arity

        try:
            result = fn(*args[: _positional_arity(fn)])
        except Exception as exc:
            self._next(exc)
            return
        if inspect.isawaitable(result):
            self._await_user(result)

    def _await_user(self, awaitable: Any) -> None:
        async def run() -> None:
            try:
                await awaitable
            except Exception as exc:
                self._next(exc)

        if on_loop_thread(self._loop):
            self._loop.create_task(run())
        else:
            asyncio.run_coroutine_threadsafe(run(), self._loop)

    # -- files and views ------------------------------------------------------------------

    def send_file(
        self,
        path: str,
        options: Mapping[str, Any] | Callable[..., Any] | None = None,
        callback: Callable[..., Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Stream the file at `path` (absolute, or relative to the `root` option).

        Options (see `expresspy.send.SendOptions`): `root`, `max_age` (s) / `maxAge` (ms),
        `last_modified`, `headers`, `dotfiles`, `accept_ranges`, `cache_control`,
        `immutable`, `extensions`, `index`, `start`, `end`. ETag follows the app's `etag`
        setting. Handles 304/412, Range (206/416, If-Range). `callback(err)` runs once the
        file was sent (err None) or failed; without it errors go to `next(err)` (a
        directory to `next()`). Traversal (`..`, NUL, malformed escapes) is refused.
        """
        from expresspy.send import send_file

        if callable(options):
            callback, options = options, None
        send_file(self, path, {**(options or {}), **kwargs}, callback)

    sendFile = send_file

    def download(
        self,
        path: str,
        filename: str | Mapping[str, Any] | Callable[..., Any] | None = None,
        options: Mapping[str, Any] | Callable[..., Any] | None = None,
        callback: Callable[..., Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Send the file at `path` as an attachment named `filename` (default: its base name).

        A relative `path` is resolved against the current directory unless `root` is given;
        a Content-Disposition in `options["headers"]` is ignored. Otherwise as `send_file`.
        """
        if callable(filename):
            callback, filename, options = filename, None, None
        elif callable(options):
            callback, options = options, None
        if isinstance(filename, Mapping):
            filename, options = None, filename if options is None else options
        opts: dict[str, Any] = {**(options or {}), **kwargs}
        headers = {
            "Content-Disposition": content_disposition(os.path.basename(str(filename or path)))
        }
        for key, value in (opts.get("headers") or {}).items():
            if key.lower() != "content-disposition":
                headers[key] = value
        opts["headers"] = headers
        full = path if opts.get("root") else os.path.abspath(path)
        self.send_file(full, opts, callback)

    def render(
        self,
        view: str,
        options: Mapping[str, Any] | Callable[..., Any] | None = None,
        callback: Callable[[BaseException | None, str | None], Any] | None = None,
    ) -> None:
        """Render the view `view` with `app.locals`, `res.locals` and `options` merged.

        Without `callback` the HTML is sent (errors go to `next(err)`); with it,
        `callback(err, html)` decides. See `expresspy.view`.
        """
        from expresspy.view import render

        if callable(options):
            callback, options = options, None
        opts = {**(options or {}), "_locals": self.locals}

        def send_rendered(err: BaseException | None, html: str | None) -> None:
            if err is not None:
                self._next(err)
            else:
                self.send(html)

        render(self.req.app, view, opts, callback or send_rendered)

    if TYPE_CHECKING:

        def __setattr__(self, name: str, value: Any) -> None:
            """Any attribute may be set (middleware and apps add their own)."""

    else:  # hidden from mypy, so that a misspelt method is a type error

        def __getattr__(self, name: str) -> Any:
            # app.response extensions, as Express's response prototype (only reached for
            # names the class does not define).
            if not name.startswith("__"):
                found = find_extension(self.__dict__.get("app"), "response", name, self)
                if found is not MISSING:
                    return found
            raise missing_attribute(self, "res", name)  # why, or a did-you-mean


def _send_data(
    res: Response, data: bytes | None, headers: dict[str, HeaderValue] | None
) -> Response:
    """The end of `res.send`: Content-Length, the ETag, 304 for a fresh request, no body
    where the status has none. `headers`: `res._headers` when `send` has just read it and
    nothing ran since (None: read here).

    A function, not a method: each method looked up on `res` and each attribute read passes
    its __getattr__ hook, which Python 3.11 cannot specialise (docs/performance.md).
    """
    if headers is None:
        headers = res._headers
    if data is not None:
        # `_set_known` inline (see `send`): nothing below changes `headers_sent`.
        sent = res.headers_sent
        if not headers.get("transfer-encoding"):
            if sent:
                raise HeadersSentError()
            headers["content-length"] = str(len(data))
        etag_fn = res.app._etag_fn
        if etag_fn is not None and not headers.get("etag"):
            tag = etag_fn(data)
            if tag and (etag_fn is weak_etag or etag_fn is strong_etag):
                if sent:
                    raise HeadersSentError()
                headers["etag"] = tag  # hex digits and base64: nothing to check
            elif tag:
                res.set_header("ETag", tag)  # a user's etag function: checked
    req = res.req
    asked = req.headers
    # req.fresh is False without If-None-Match / If-Modified-Since: skip computing it.
    if ("if-none-match" in asked or "if-modified-since" in asked) and req.fresh:
        res.status_code = 304
    status = res.status_code
    if status in (204, 304):
        for name in ("Content-Type", "Content-Length", "Transfer-Encoding"):
            res.remove_header(name)
        data = b""
    elif status == 205:
        res.set_header("Content-Length", "0")
        res.remove_header("Transfer-Encoding")
        data = b""
    return _finish_response(res, req, data or b"")  # type: ignore[no-any-return]


def _js_json(value: Any) -> str:
    """JSON.stringify of a bad status code, for the error message."""
    try:
        return stringify(value)
    except (TypeError, ValueError):
        return repr(value)


# res.cookie's options (Python names; Express's camelCase spellings map onto them).
_COOKIE_OPTIONS = frozenset(
    {
        "http_only",
        "same_site",
        "domain",
        "path",
        "secure",
        "partitioned",
        "priority",
        "expires",
        "encode",
        "signed",
    }
)


def _cookie_options(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise res.cookie options: Express's camelCase and Python's snake_case, durations.

    Unknown options raise TypeError (a typo would otherwise silently weaken a cookie).
    """
    opts: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("maxAge", "max_age"):
            if value is not None:  # Express's wording (cookie's serialize), then what we accept
                opts["max_age_ms"] = duration_ms(
                    value,
                    unit_ms=1 if key == "maxAge" else 1000,
                    name=key,
                    whole=False,
                    invalid="option {name} is invalid: {value!r} is not a number or a timedelta",
                )
            continue
        target = option_name(key, _COOKIE_OPTIONS)
        if target is None:
            raise TypeError(f"unknown cookie option {key!r}")
        if target in ("domain", "path") and isinstance(value, str):
            _refuse_control_chars(f"cookie option {key}", value)
        opts[target] = value
    return opts
