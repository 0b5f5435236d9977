"""The `response warning` setting: a request without a response is logged with its route
(expresspy/unanswered.py)."""

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


def slow_app(delay: float, warn_after: Any) -> Any:
    app = express()
    app.set("response warning", warn_after)

    @app.get("/users/:id")
    async def late(req: Any, res: Any) -> None:
        asyncio.get_running_loop().call_later(delay, res.send, "late")

    def forgot_next(req: Any, res: Any, next: Any) -> None:  # answers late, never calls next
        threading.Timer(delay, res.send, ["late"]).start()

    app.use(forgot_next)
    return app


def test_a_request_without_a_response_is_logged_with_its_method_and_route(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="expresspy"):
        request(slow_app(0.6, 0.2), server=True).get("/users/7").expect(200, "late")
    assert warnings_of(caplog) == [
        "GET /users/:id has had no response for 0.2 s: does its handler call res.send(...) "
        "(or a middleware before it call next())? (app setting 'response warning'; None "
        "turns this off)"
    ]


def test_middleware_that_never_calls_next_is_logged_with_the_url_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="expresspy"):
        request(slow_app(0.6, 0.2), server=True).get("/other?x=1").expect(200, "late")
    assert [m.split(" has had")[0] for m in warnings_of(caplog)] == ["GET /other"]


def test_an_answer_in_time_or_the_setting_off_logs_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="expresspy"):
        request(slow_app(0.05, 0.5), server=True).get("/users/1").expect(200, "late")
        request(slow_app(0.4, None), server=True).get("/users/1").expect(200, "late")
    assert warnings_of(caplog) == []


@pytest.mark.parametrize(
    ("env", "default"), [("development", 10.0), ("test", 10.0), ("production", None)]
)
def test_the_default_is_ten_seconds_outside_production(
    monkeypatch: pytest.MonkeyPatch, env: str, default: float | None
) -> None:
    monkeypatch.setenv("EXPRESSPY_ENV", env)
    monkeypatch.delenv("NODE_ENV", raising=False)
    assert express().get("response warning") == default


@pytest.mark.parametrize("bad", [-1, 0, "10", True])
def test_a_bad_value_is_refused_when_set(bad: Any) -> None:
    with pytest.raises(ValueError, match='setting "response warning" must be a positive'):
        express().set("response warning", bad)


def test_one_app_served_by_one_server_after_another_still_reports(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = slow_app(0.5, 0.2)  # each test server runs its own event loop
    with caplog.at_level(logging.WARNING, logger="expresspy"):
        request(app, server=True).get("/users/1").expect(200, "late")
        request(app, server=True).get("/users/2").expect(200, "late")
    assert len(warnings_of(caplog)) == 2
