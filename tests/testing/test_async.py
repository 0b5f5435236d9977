"""The async API, for async def tests (run here with anyio on asyncio)."""

from __future__ import annotations

import asyncio

import pytest

from expresspy.testing import async_agent, async_request, request

from .apps import CountingLifespanApp, cookie_app, fixed, slow

pytestmark = pytest.mark.anyio

html = fixed(200, [("Content-Type", "text/html")], b"<p>hi</p>")


async def test_await_checks_expectations_in_order() -> None:
    response = await async_request(html).get("/").expect(200).expect("Content-Type", "text/html")
    assert response.text == "<p>hi</p>"


async def test_await_failure_names_the_request() -> None:
    with pytest.raises(AssertionError, match=r'^GET /: expected 404 "Not Found", got 200 "OK"'):
        await async_request(html).get("/").expect(200).expect(404)


async def test_end_is_the_same_as_await() -> None:
    response = await async_request(html).get("/").expect(200).end()
    assert response.status == 200


async def test_sync_test_is_awaitable_too() -> None:
    response = await request(html).get("/")
    assert response.text == "<p>hi</p>"


async def test_requests_run_concurrently_without_blocking_the_test_loop() -> None:
    start = asyncio.get_running_loop().time()
    responses = await asyncio.gather(*(async_request(slow(0.2)).get("/") for _ in range(5)))
    assert [r.text for r in responses] == ["done"] * 5
    assert asyncio.get_running_loop().time() - start < 0.9


async def test_app_runs_on_the_background_loop_not_the_test_loop() -> None:
    app = CountingLifespanApp()
    await async_request(app).get("/").expect(200)
    assert app.loops[0] is not asyncio.get_running_loop()


async def test_async_agent_keeps_cookies() -> None:
    a = async_agent(cookie_app)
    await a.get("/login").expect(200)
    await a.get("/me").expect("sid=abc; theme=dark")


async def test_async_timeout() -> None:
    with pytest.raises(AssertionError, match=r"GET /: no response within 0\.05 s"):
        await async_request(slow(5)).get("/").timeout(0.05)
