"""Small app builders shared by the tests of the request and response API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from expresspy import express
from expresspy.application import Application


def app_with(
    handler: Callable[..., Any], path: str = "/", method: str = "get", **settings: Any
) -> Application:
    """An app answering `method path` with `handler`; settings as keywords ("json_spaces")."""
    app = express()
    app.set("env", "test")
    for name, value in settings.items():
        app.set(name.replace("_", " "), value)
    getattr(app, method)(path, handler)
    return app


def json_of(fn: Callable[[Any], Any]) -> Callable[[Any, Any], None]:
    """A handler that answers `res.json(fn(req))`."""
    return lambda req, res: res.json(fn(req))


def wire_headers(response: Any, *skip: str) -> list[tuple[str, str]]:
    """The response's headers as (lower-case name, value) in wire order, without the ones
    that vary per run or per server (Date, X-Powered-By, framing) and those in `skip`."""
    ignored = {"date", "x-powered-by", "connection", "keep-alive", *skip}
    return [
        (name.lower(), value) for name, value in response.headers.raw if name.lower() not in ignored
    ]


def error_message_app(
    read: Callable[[Any], Any], error: type[BaseException] = AttributeError
) -> Application:
    """An app whose GET / runs `read(req)` and answers the message of the `error` it raised
    (or "no error")."""

    def handler(req: Any, res: Any) -> None:
        try:
            read(req)
        except error as exc:
            res.send(str(exc))
        else:
            res.send("no error")

    return app_with(handler)
