"""The response's end, owned by `res.complete()`: a failing `before_finish` hook is answered by
the app's error responder, and a failing send is logged by what it means (a client that went
away is routine; anything else is an error)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from expresspy import express


def serve_once(app: Any, send_error: BaseException | None) -> list[dict[str, Any]]:
    """Call the app as an ASGI server would for `GET /`; `send` raises `send_error` at the
    response's start. The messages sent (none when it raised)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if send_error is not None:
            raise send_error
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": [],
        "http_version": "1.1",
    }
    app.set("sync handlers", "inline")  # no thread pool left behind by a test without lifespan
    asyncio.run(app(scope, receive, send))
    return sent


def hello_app() -> Any:
    app = express()
    app.set("env", "test")
    app.get("/", lambda req, res: res.send("hi"))
    return app


def test_a_send_failing_other_than_by_a_gone_client_is_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="expresspy"):
        serve_once(hello_app(), RuntimeError("server rejected the message"))
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in errors] == ["sending the response to GET / failed"]
    assert errors[0].exc_info is not None
    assert str(errors[0].exc_info[1]) == "server rejected the message"


def test_a_client_gone_during_the_send_is_only_a_debug_record(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="expresspy"):
        serve_once(hello_app(), ConnectionResetError("peer closed"))
    assert [r.levelno for r in caplog.records if r.levelno > logging.DEBUG] == []
    assert [r.getMessage() for r in caplog.records] == ["response to GET / aborted"]


def test_a_failing_before_finish_hook_is_answered_by_the_apps_error_responder() -> None:
    app = express()
    app.set("env", "production")
    seen: list[object] = []

    @app.use
    def failing_hook(req: Any, res: Any, next: Any) -> None:
        async def fail() -> None:
            raise LookupError("store down")

        res.before_finish(fail)
        next()

    original = app.respond_error

    def respond_error(req: Any, res: Any, err: object) -> None:
        seen.append(err)
        original(req, res, err)

    app.respond_error = respond_error  # type: ignore[method-assign]
    app.get("/", lambda req, res: res.send("hi"))
    sent = serve_once(app, None)
    assert [type(err).__name__ for err in seen] == ["LookupError"]
    assert sent[0]["status"] == 500
    assert b"Internal Server Error" in sent[1]["body"]
