"""Port of Express 5's test/Route.js: `express.Route`, the handler stack of one path.

Express calls `route.dispatch(req, res, done)` with plain objects. Here the route is created
with `app.route(path)` and requested over `expresspy.testing`; a last middleware (or error
middleware) after it plays `done`, and each case records what `done` received. Every case
is ported.
"""

from __future__ import annotations

from typing import Any

import pytest

from expresspy import express
from expresspy.router import HTTP_METHODS
from expresspy.testing import request


class Done:
    """The `done` callback of `route.dispatch`: records whether it ran and the error."""

    def __init__(self) -> None:
        self.calls = 0
        self.error: Any = None

    def install(self, app: Any) -> None:
        app.use(self.ok)
        app.use(self.failed)

    def ok(self, req: Any, res: Any, next: Any) -> None:
        self.calls += 1
        res.end()

    def failed(self, err: Any, req: Any, res: Any, next: Any) -> None:
        self.calls += 1
        self.error = err
        res.status(500).end()


def dispatch(build: Any, method: str = "GET") -> tuple[dict[str, Any], Done]:
    """Build a route at "/" with `build(route, state)`, send one request, return the state."""
    app = express()
    state: dict[str, Any] = {"order": "", "count": 0}
    build(app.route("/"), state)
    done = Done()
    done.install(app)
    request(app).method(method, "/").end()
    return state, done


def step(key: str, value: Any = None) -> Any:
    """A handler that records into the shared state, then calls next()."""

    def handler(state: dict[str, Any]) -> Any:
        def fn(req: Any, res: Any, next: Any) -> None:
            if value is None:
                state[key] += 1
            elif isinstance(value, str):
                state[key] += value
            else:
                state[key] = value
            next()

        return fn

    return handler


def test_route__should_work_without_handlers() -> None:
    _, done = dispatch(lambda route, state: None)
    assert (done.calls, done.error) == (1, None)


def test_route__should_not_stack_overflow_with_a_large_sync_stack() -> None:
    def build(route: Any, state: dict[str, Any]) -> None:
        route.get(step("count", 0)(state))
        for _ in range(6000):
            route.all(step("count")(state))
        route.get(step("called", True)(state))

    state, done = dispatch(build)
    assert (done.calls, done.error) == (1, None)
    assert state["called"] is True
    assert state["count"] == 6000


def test_route__all__should_add_handler() -> None:
    state, done = dispatch(lambda route, state: route.all(step("called", True)(state)))
    assert done.error is None
    assert state["called"] is True


@pytest.mark.parametrize("method", HTTP_METHODS)
def test_route__all__should_handle_verbs(method: str) -> None:
    state, done = dispatch(lambda route, state: route.all(step("count")(state)), method.upper())
    assert done.error is None
    assert state["count"] == 1


def test_route__all__should_stack() -> None:
    def build(route: Any, state: dict[str, Any]) -> None:
        route.all(step("count")(state))
        route.all(step("count")(state))

    state, done = dispatch(build)
    assert done.error is None
    assert state["count"] == 2


def test_route__verb__should_support_get() -> None:
    state, done = dispatch(lambda route, state: route.get(step("called", True)(state)))
    assert done.error is None
    assert state["called"] is True


def _raise(message: str) -> Any:
    def handler(*args: Any) -> None:
        raise Exception(message)

    return handler


def test_route__verb__should_limit_to_just_verb() -> None:
    def build(route: Any, state: dict[str, Any]) -> None:
        route.get(_raise("not me!"))
        route.post(step("called", True)(state))

    state, done = dispatch(build, "POST")
    assert done.error is None
    assert state["called"] is True


def test_route__verb__should_allow_fallthrough() -> None:
    def build(route: Any, state: dict[str, Any]) -> None:
        route.get(step("order", "a")(state))
        route.all(step("order", "b")(state))
        route.get(step("order", "c")(state))

    state, done = dispatch(build)
    assert done.error is None
    assert state["order"] == "abc"


def _error_step(state: dict[str, Any]) -> Any:
    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        state["order"] += "a"
        next(err)

    return on_error


def _error_then_recover(first: Any) -> None:
    def build(route: Any, state: dict[str, Any]) -> None:
        route.all(first)
        route.all(step("order", "0")(state))
        route.all(_error_step(state))

    state, done = dispatch(build)
    assert str(done.error) == "foobar"
    assert state["order"] == "a"


def test_route__errors__should_handle_errors_via_arity_4_functions() -> None:
    _error_then_recover(lambda req, res, next: next(Exception("foobar")))


def test_route__errors__should_handle_throw() -> None:
    _error_then_recover(_raise("foobar"))


def test_route__errors__should_handle_throwing_inside_error_handlers() -> None:
    def build(route: Any, state: dict[str, Any]) -> None:
        def oops(err: Any, req: Any, res: Any, next: Any) -> Any:
            raise Exception("oops")

        def keep(err: Any, req: Any, res: Any, next: Any) -> None:
            state["message"] = str(err)
            next()

        route.get(_raise("boom!"))
        route.get(oops)
        route.get(keep)

    state, done = dispatch(build)
    assert done.error is None
    assert state["message"] == "oops"


def test_route__errors__should_handle_throw_in_all() -> None:
    _, done = dispatch(lambda route, state: route.all(_raise("boom!")))
    assert str(done.error) == "boom!"


def test_route__errors__should_handle_single_error_handler() -> None:
    def never(err: Any, req: Any, res: Any, next: Any) -> Any:
        raise Exception("should not be called")

    _, done = dispatch(lambda route, state: route.all(never))
    assert (done.calls, done.error) == (1, None)
