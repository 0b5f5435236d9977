"""One background loop for every request; lifespan startup once, shutdown after the test."""

from __future__ import annotations

import asyncio
import threading

import pytest

from expresspy.testing import agent, close_all, request
from expresspy.testing._asgi import LifespanFailed

from .apps import CountingLifespanApp, failing_startup, slow


def test_lifespan_starts_once_and_requests_share_one_loop_and_state() -> None:
    app = CountingLifespanApp()
    request(app).get("/").expect(200, {"startups": 1, "state": "from startup"})
    request(app).get("/").expect(200, {"startups": 1, "state": "from startup"})
    agent(app).get("/").expect(200)
    assert app.startups == 1
    assert len(app.loops) == 3
    assert len(set(app.loops)) == 1


def test_the_loop_is_not_the_test_thread() -> None:
    app = CountingLifespanApp()
    request(app).get("/").end()
    loop = app.loops[0]
    assert loop.is_running()
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    assert threading.current_thread() is threading.main_thread()


def test_close_all_runs_shutdown_and_a_later_request_starts_again() -> None:
    app = CountingLifespanApp()
    client = request(app)
    client.get("/").end()
    close_all()
    assert (app.startups, app.shutdowns) == (1, 1)
    client.get("/").expect(200, {"startups": 2, "state": "from startup"})
    close_all()
    assert (app.startups, app.shutdowns) == (2, 2)
    assert len(set(app.loops)) == 1


def test_client_as_context_manager_shuts_down() -> None:
    app = CountingLifespanApp()
    with request(app) as client:
        client.get("/").end()
        assert app.shutdowns == 0
    assert app.shutdowns == 1


class Recorder:
    """Holds the app of the previous test so the next one can look at it."""

    app = CountingLifespanApp()


def test_plugin_closes_after_each_test_part_one() -> None:
    request(Recorder.app).get("/").end()
    assert Recorder.app.shutdowns == 0


def test_plugin_closes_after_each_test_part_two() -> None:
    assert Recorder.app.shutdowns == 1


def test_failed_startup_fails_every_request() -> None:
    with pytest.raises(LifespanFailed, match="lifespan startup failed: no database"):
        request(failing_startup).get("/").end()


def test_timeout_fails_with_the_request_named() -> None:
    with pytest.raises(AssertionError, match=r"GET /slow: no response within 0\.05 s"):
        request(slow(5)).get("/slow").timeout(0.05).expect(200)


def test_client_timeout_applies_to_its_requests() -> None:
    with pytest.raises(AssertionError, match=r"no response within 0\.05 s"):
        request(slow(5), timeout=0.05).get("/").end()
    request(slow(0.01), timeout=1).get("/").expect(200, "done")
