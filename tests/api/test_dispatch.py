"""Where handlers run: plain `def` layers in the thread pool (a run of them in one worker),
`async def` layers on the loop, and every way a handler can settle across that boundary.

The router resumes its walk from the worker thread while consecutive layers are plain `def`
(expresspy.runtime.dispatch); these cases pin down that the SPEC's guarantee still holds for
each of them and that the order and outcome of the layers is what Express gives.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from expresspy import Router, express
from expresspy.testing import request

LOOP_THREAD = "expresspy-testing-loop"
Log = list[tuple[str, str]]


def recording(log: Log, name: str) -> Any:
    """A plain `def` middleware that records its name and thread, then calls next()."""

    def middleware(req: Any, res: Any, next: Any) -> None:
        log.append((name, threading.current_thread().name))
        next()

    return middleware


def answering(log: Log) -> Any:
    """A plain `def` handler that records its thread and answers with the names seen."""

    def handler(req: Any, res: Any) -> None:
        log.append(("handler", threading.current_thread().name))
        res.send(",".join(name for name, _ in log))

    return handler


def test_a_run_of_sync_layers_stays_off_the_loop() -> None:
    app = express()
    log: Log = []
    for index in range(5):
        app.use(recording(log, f"m{index}"))
    app.get("/", answering(log))
    request(app).get("/").expect(200, "m0,m1,m2,m3,m4,handler")
    assert all(thread != LOOP_THREAD for _, thread in log)


def test_an_async_layer_between_sync_ones_runs_on_the_loop() -> None:
    app = express()
    log: Log = []

    async def on_loop(req: Any, res: Any, next: Any) -> None:
        log.append(("async", threading.current_thread().name))
        next()

    app.use(recording(log, "before"), on_loop, recording(log, "after"))
    app.get("/", answering(log))
    request(app).get("/").expect(200, "before,async,after,handler")
    threads = dict(log)
    assert threads["async"] == LOOP_THREAD
    assert LOOP_THREAD not in (threads["before"], threads["after"], threads["handler"])


def test_inline_setting_runs_sync_layers_on_the_loop() -> None:
    app = express()
    log: Log = []
    app.set("sync handlers", "inline")
    app.use(recording(log, "m"))
    app.get("/", answering(log))
    request(app).get("/").expect(200, "m,handler")
    assert {thread for _, thread in log} == {LOOP_THREAD}


def test_sync_handlers_of_a_mounted_sub_app_run_in_the_pool() -> None:
    app, sub = express(), express()
    log: Log = []
    sub.use(recording(log, "sub"))
    sub.get("/x", answering(log))
    app.use("/sub", sub)
    request(app).get("/sub/x").expect(200, "sub,handler")
    assert all(thread != LOOP_THREAD for _, thread in log)


def test_next_called_later_from_another_thread_resumes_the_run() -> None:
    app = express()
    log: Log = []

    def later(req: Any, res: Any, next: Any) -> None:
        log.append(("later", threading.current_thread().name))
        threading.Timer(0.02, next).start()  # returns before calling next

    app.use(later, recording(log, "after"))
    app.get("/", answering(log))
    request(app).get("/").expect(200, "later,after,handler")


def test_an_error_in_the_run_skips_to_the_sync_error_handler() -> None:
    app = express()
    log: Log = []

    def failing(req: Any, res: Any, next: Any) -> None:
        raise ValueError("boom")

    def handle(err: Any, req: Any, res: Any, next: Any) -> None:
        log.append(("error", threading.current_thread().name))
        res.status(500).send(f"handled {err}")

    app.use(recording(log, "m"), failing, recording(log, "skipped"))
    app.get("/", answering(log))
    app.use(handle)
    request(app).get("/").expect(500, "handled boom")
    assert [name for name, _ in log] == ["m", "error"]


def test_next_route_and_next_router_inside_a_run() -> None:
    app, router = express(), Router()
    log: Log = []

    def skip_route(req: Any, res: Any, next: Any) -> None:
        next("route")

    def leave_router(req: Any, res: Any, next: Any) -> None:
        next("router")

    app.get("/", skip_route, answering(log))
    router.use(leave_router, recording(log, "not run"))
    app.use(router)
    app.get("/", answering(log))
    request(app).get("/").expect(200, "handler")


def test_a_sync_handler_returning_an_awaitable_is_awaited_on_the_loop() -> None:
    app = express()
    log: Log = []

    async def finish(res: Any) -> None:
        log.append(("awaited", threading.current_thread().name))
        res.send("done")

    app.use(recording(log, "m"))
    app.get("/", lambda req, res: finish(res))
    request(app).get("/").expect(200, "done")
    assert dict(log)["awaited"] == LOOP_THREAD


def test_a_failing_awaitable_from_a_sync_handler_becomes_next_err() -> None:
    app = express()

    async def fail() -> None:
        raise ValueError("late boom")

    def handle(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(500).send(str(err))

    app.get("/", lambda req, res: fail())
    app.use(handle)
    request(app).get("/").expect(500, "late boom")


def test_param_callbacks_run_before_the_sync_handlers_of_their_route() -> None:
    app = express()
    log: Log = []

    def load(req: Any, res: Any, next: Any, value: str) -> None:
        log.append((f"param {value}", threading.current_thread().name))
        next()

    app.param("id", load)
    app.use(recording(log, "m"))
    app.get("/users/:id", answering(log))
    request(app).get("/users/7").expect(200, "m,param 7,handler")


@pytest.mark.parametrize("handlers", ["thread", "inline"])
def test_each_sync_handler_sees_the_loops_context(handlers: str) -> None:
    """A contextvar set on the loop before the run is visible to every sync layer."""
    import contextvars

    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    app = express()
    seen: list[str] = []
    app.set("sync handlers", handlers)

    async def set_on_loop(req: Any, res: Any, next: Any) -> None:
        var.set("from the loop")
        next()

    def read(req: Any, res: Any, next: Any) -> None:
        seen.append(var.get())
        next()

    app.use(set_on_loop, read, read)
    app.get("/", lambda req, res: res.send(",".join(seen)))
    request(app).get("/").expect(200, "from the loop,from the loop")


def test_cancelling_the_request_stops_the_run_after_the_current_handler() -> None:
    app = express()
    log: Log = []
    started, release = threading.Event(), threading.Event()

    def blocking(req: Any, res: Any, next: Any) -> None:
        log.append(("blocking", threading.current_thread().name))
        started.set()
        release.wait(5)
        next()

    app.use(blocking, recording(log, "after"))
    app.get("/", answering(log))

    async def scenario() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            pass

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/",
            "raw_path": b"/",
            "query_string": b"",
            "headers": [],
            "scheme": "http",
            "http_version": "1.1",
        }
        task = asyncio.ensure_future(app(scope, receive, send))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert [name for name, _ in log] == ["blocking"]


def test_a_context_variable_set_in_a_def_middleware_reaches_later_handlers() -> None:
    import contextvars

    from expresspy import express
    from expresspy.testing import request

    tenant: contextvars.ContextVar[str] = contextvars.ContextVar("tenant", default="none")
    app = express()

    def set_tenant(req: object, res: object, next: object) -> None:
        tenant.set("acme")
        next()  # type: ignore[operator]

    async def async_reader(req: object, res: object, next: object) -> None:
        res.set("X-Async", tenant.get())  # type: ignore[attr-defined]
        next()  # type: ignore[operator]

    app.use(set_tenant)
    app.use(async_reader)
    app.get("/", lambda req, res: res.send(tenant.get()))
    request(app).get("/").expect("X-Async", "acme").expect(200, "acme")
    assert tenant.get() == "none"  # nothing leaks out of the request
