"""A handler that returns a value and sends nothing is reported once, with the fix
(expresspy/runtime/returned.py)."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request

pytestmark = pytest.mark.usefixtures("server_path")  # native and ASGI


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "expresspy" and r.levelno == logging.WARNING
    ]


def send_later(res: Any) -> None:
    """Answer from a timer, so the request that the handler left open still ends."""
    threading.Timer(0.05, res.send, ["late"]).start()


def hello(req: Any, res: Any) -> str:
    send_later(res)
    return "hello"


async def user_json(req: Any, res: Any) -> dict[str, int]:
    asyncio.get_running_loop().call_later(0.05, res.send, "late")
    return {"id": int(req.params["id"])}


async def _lookup() -> list[int]:
    return [1, 2]


def returns_awaitable(req: Any, res: Any) -> Any:
    send_later(res)
    return _lookup()


@pytest.mark.parametrize(
    ("path", "handler", "message"),
    [
        (
            "/hello",
            hello,
            "handler 'hello' for GET /hello returned 'hello' but sent no response; expresspy (like "
            "Express) ignores return values and the request waits: send it with res.send(...), or "
            "call next()",
        ),
        (
            "/users/:id",
            user_json,
            "handler 'user_json' for GET /users/:id returned {'id': 7} but sent no response; "
            "expresspy (like Express) ignores return values and the request waits: send it with "
            "res.json(...), or call next()",
        ),
        (
            "/awaitable",
            returns_awaitable,
            "handler 'returns_awaitable' for GET /awaitable returned [1, 2] but sent no response; "
            "expresspy (like Express) ignores return values and the request waits: send it with "
            "res.json(...), or call next()",
        ),
    ],
    ids=["def", "async def", "def returning an awaitable"],
)
def test_a_returned_value_is_reported_once_per_handler_with_its_route(
    caplog: pytest.LogCaptureFixture, path: str, handler: Any, message: str
) -> None:
    app = express()
    app.get(path, handler)
    url = path.replace(":id", "7")
    with caplog.at_level(logging.WARNING, logger="expresspy"):
        agent = request(app, server=True)
        agent.get(url).expect(200, "late")
        agent.get(url).expect(200, "late")
    assert warnings_of(caplog) == [message]


def test_returning_what_res_send_returns_is_not_reported(caplog: pytest.LogCaptureFixture) -> None:
    app = express()
    app.get("/", lambda req, res: res.send("sent"))

    @app.get("/next")
    def passes(req: Any, res: Any, next: Any) -> str:
        next()
        return "ignored"

    app.get("/next", lambda req, res: res.send("second"))
    with caplog.at_level(logging.WARNING, logger="expresspy"):
        request(app, server=True).get("/").expect(200, "sent")
        request(app, server=True).get("/next").expect(200, "second")
    assert warnings_of(caplog) == []
