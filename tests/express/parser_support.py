"""What the ports of Express's body-parser tests (express.json/urlencoded/text/raw.js) share.

Each upstream file builds its apps with the same ``createApp(options)``: the parser, an error
handler answering ``[err.type] err.message`` (or ``err[X-Error-Property]``) and ``POST /``
echoing ``req.body``. The "async local storage" cases use a ``contextvars.ContextVar``, the
Python equivalent of Node's AsyncLocalStorage: a store set before the parser must still be
visible to the middleware and error handler after it.
"""

from __future__ import annotations

import contextvars
import traceback
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request

Factory = Callable[..., Any]

#: The gzip and deflate samples of the upstream tests (Buffer.from(hex)).
GZIP_JSON = bytes.fromhex("1f8b080000000000000bab56ca4bcc4d55b2527ab16e97522d00515be1cc0e000000")
GZIP_FORM = bytes.fromhex("1f8b080000000000000bcb4bcc4db57db16e170099a4bad608000000")
GZIP_TEXT = bytes.fromhex("1f8b080000000000000bcb4bcc4d55c82c5678b16e170072b3e0200b000000")
#: 1028 dots, gzipped (the text/raw "inflated body over limit" sample) and cut short.
GZIP_DOTS = bytes.fromhex("1f8b080000000000000ad3d31b05a360148c64000087e5a14704040000")
#: 1 KiB past the limit once inflated, but under it compressed.
ZEROS_GZIP = bytes.fromhex(
    "1f8b080000000000000bedc1010d000000c2a0f74f6d0f071400000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000004f0625b3b71650c30000"
)
NULLS = bytes.fromhex("000000000000")

STORE: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("store")


def error_text(err: Any, req: Any) -> str:
    """``String(err[prop])`` for X-Error-Property, else ``'[' + err.type + '] ' + message``."""
    prop = req.get("X-Error-Property")
    if prop == "stack":
        return "".join(traceback.format_exception(err))
    if prop:
        value = getattr(err, prop, "undefined")
        # String(buffer) decodes it as UTF-8.
        return value.decode() if isinstance(value, bytes) else str(value)
    kind = getattr(err, "type", None)
    return f"[{'undefined' if kind is None else kind}] {err}"


def assert_contains(text: str, part: str) -> None:
    assert part in text, f"expected {text!r} to contain {part!r}"


def report_error(err: Any, req: Any, res: Any, next: Any) -> None:
    res.status(getattr(err, "status", None) or 500)
    res.send(error_text(err, req))


def json_body(req: Any, res: Any) -> None:
    """``res.json(req.body)``: an unparsed body (undefined in Express) sends nothing."""
    if req.body is None:
        res.send("")
    else:
        res.json(req.body)


def hex_body(req: Any, res: Any) -> None:
    """express.raw.js's route: a Buffer body as ``{"buf": hex}``, anything else as JSON."""
    if isinstance(req.body, bytes):
        res.json({"buf": req.body.hex()})
    else:
        json_body(req, res)


def create_app(
    parser: Factory, options: Mapping[str, Any] | None = None, route: Callable[..., Any] = json_body
) -> Any:
    """express.*.js's ``createApp(options)``."""
    app = express()
    app.use(parser(options))
    app.use(report_error)
    app.post("/", route)
    return app


def post(app: Any, content_type: str | None, body: bytes | str = b"") -> Any:
    """``request(app).post('/')`` with a Content-Type (none when None) and a raw body."""
    test = request(app).post("/")
    if content_type is not None:
        test.set("Content-Type", content_type)
    return test.send(body.encode() if isinstance(body, str) else body)


def encoded(app: Any, encoding: str, content_type: str, body: bytes) -> Any:
    """A POST with a Content-Encoding."""
    return post(app, content_type, body).set("Content-Encoding", encoding)


def bad_length_app(parser: Factory, route: Callable[..., Any] = json_body) -> Any:
    """ "should 400 when invalid content-length": a middleware claims 20 bytes."""
    app = express()

    def lie_about_length(req: Any, res: Any, next: Any) -> None:
        req.headers["content-length"] = "20"
        next()

    app.use(lie_about_length)
    app.use(parser())
    app.post("/", route)
    return app


def duplicated_app(parser: Factory, route: Callable[..., Any] = json_body) -> Any:
    """ "should handle duplicated middleware": the parser twice."""
    app = express()
    app.use(parser())
    app.use(parser())
    app.post("/", route)
    return app


def altered_options_app(parser: Factory, route: Callable[..., Any] = json_body) -> Any:
    """ "should not change when options altered": the dict changes after the app is built."""
    options = {"limit": "1kb"}
    app = create_app(parser, options, route)
    options["limit"] = "100kb"
    return app


def verify_app(
    parser: Factory,
    first_byte: int,
    *,
    status: int | None = None,
    kind: str | None = None,
    message: str = "no arrays",
    route: Callable[..., Any] = json_body,
) -> Any:
    """A parser whose verify() raises ``message`` when the body starts with ``first_byte``."""

    def verify(req: Any, res: Any, buf: bytes, encoding: Any) -> None:
        if buf[:1] != bytes([first_byte]):
            return
        err = Exception(message)
        if status is not None:
            err.status = status  # type: ignore[attr-defined]
        if kind is not None:
            err.type = kind  # type: ignore[attr-defined]
        raise err

    return create_app(parser, {"verify": verify}, route)


def never_verify_app(parser: Factory) -> Any:
    """ "should 415 on unknown charset prior to verify": verify must not run."""

    def verify(req: Any, res: Any, buf: bytes, encoding: Any) -> None:
        raise Exception("unexpected verify call")

    return create_app(parser, {"verify": verify})


def typed_app(
    parser: Factory, accept: Callable[[Any], bool], route: Callable[..., Any] = json_body
) -> Any:
    """``createApp({type: accept})``."""
    return create_app(parser, {"type": accept}, route)


def header_is(content_type: str) -> Callable[[Any], bool]:
    """``function accept (req) { return req.headers['content-type'] === type }``."""
    return lambda req: req.headers.get("content-type") == content_type


def throwing_type(req: Any) -> bool:
    raise Exception("oops!")


def assert_rejects_verify(parser: Factory) -> None:
    with pytest.raises(TypeError, match="option verify must be function"):
        parser({"verify": "lol"})


def store_app(parser: Factory, route: Callable[..., Any] = json_body) -> Any:
    """The "async local storage" app: a store set before the parser, read after it."""
    app = express()

    async def run_with_store(req: Any, res: Any, next: Any) -> None:
        # On the event loop, like the parser, so the store is set in the request's context.
        STORE.set({"foo": "bar"})
        next()

    def show_store(res: Any) -> None:
        local = STORE.get(None)
        if local:
            res.set_header("x-store-foo", str(local["foo"]))

    def after(req: Any, res: Any, next: Any) -> None:
        show_store(res)
        next()

    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        show_store(res)
        res.status(getattr(err, "status", None) or 500)
        res.send(f"[{getattr(err, 'type', None)}] {err}")

    app.use(run_with_store)
    app.use(parser())
    app.use(after)
    app.use(on_error)
    app.post("/", route)
    return app
