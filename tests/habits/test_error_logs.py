"""A client's bad input is not an ERROR with a traceback: the default error handler logs a
4xx at INFO with its message only, and a 5xx at ERROR with the traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from expresspy import express
from expresspy.errors import HTTPError
from expresspy.testing import request


def app_in(env: str) -> Any:
    app = express()
    app.set("env", env)
    app.use(express.json({"limit": 10}))
    app.post("/", lambda req, res: res.json(req.body))
    app.get("/forbidden", lambda req, res, next: next(HTTPError(403, "not yours")))

    def broken(req: Any, res: Any) -> None:
        raise ValueError("a bug")

    app.get("/bug", broken)
    return app


def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "expresspy"]


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/", "{bad", 400, "POST / → 400: "),
        ("/", '{"a": "0123456789"}', 413, "POST / → 413: request entity too large"),
        ("/forbidden", None, 403, "GET /forbidden → 403: not yours"),
    ],
)
def test_client_errors_are_info_without_traceback(
    caplog: pytest.LogCaptureFixture, path: str, body: str | None, status: int, message: str
) -> None:
    app = app_in("development")
    client = request(app)
    with caplog.at_level(logging.DEBUG, logger="expresspy"):
        if body is None:
            client.get(path).expect(status)
        else:
            client.post(path).set("Content-Type", "application/json").send(body).expect(status)
    logged = records(caplog)
    assert [(r.levelname, r.exc_info) for r in logged] == [("INFO", None)]
    assert logged[0].getMessage().startswith(message)


def test_server_errors_are_error_with_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="expresspy"):
        request(app_in("production")).get("/bug").expect(500)
    logged = records(caplog)
    assert [r.levelname for r in logged] == ["ERROR"]
    assert logged[0].getMessage() == "GET /bug → 500"
    assert logged[0].exc_info is not None and "ValueError: a bug" in caplog.text
