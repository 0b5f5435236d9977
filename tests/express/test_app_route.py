"""Port of Express 5's test/app.route.js: `app.route(path)` and its chained methods.

A rejected promise is an `async def` handler that raises; the cases rejecting with no reason
are listed in not_ported.toml.
"""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def test_app_route__should_return_a_new_route() -> None:
    app = express()
    (
        app.route("/foo")
        .get(lambda req, res: res.send("get"))
        .post(lambda req, res: res.send("post"))
    )
    request(app).post("/foo").expect("post")


def test_app_route__should_all_verb_after_all() -> None:
    app = express()
    (
        app.route("/foo")
        .all(lambda req, res, next: next())
        .get(lambda req, res: res.send("get"))
        .post(lambda req, res: res.send("post"))
    )
    request(app).post("/foo").expect("post")


def test_app_route__should_support_dynamic_routes() -> None:
    app = express()
    app.route("/:foo").get(lambda req, res: res.send(req.params["foo"]))
    request(app).get("/test").expect("test")


def test_app_route__should_not_error_on_empty_routes() -> None:
    app = express()
    app.route("/:foo")
    request(app).get("/test").expect(404)


async def create_error(req: Any, res: Any, next: Any) -> Any:
    raise Exception("boom!")


def caught(prefix: str) -> Any:
    def handle_error(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(500)
        res.send(prefix + str(err))

    return handle_error


class Unexpected:
    """A handler that must never run; `calls` says whether it did."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, req: Any, res: Any) -> None:
        self.calls += 1
        res.end("unexpected")


def test_app_route__promise_support__should_pass_rejected_promise_value() -> None:
    app = express()
    route = app.route("/foo")
    route.all(create_error)
    route.all(lambda req, res: res.send("hello, world!"))
    route.all(caught("caught: "))
    request(app).get("/foo").expect(500, "caught: boom!")


def test_app_route__promise_support__should_ignore_resolved_promise() -> None:
    app = express()
    route = app.route("/foo")
    unexpected = Unexpected()

    async def respond(req: Any, res: Any, next: Any) -> Any:
        res.send("saw GET /foo")
        return "foo"

    route.all(respond)
    route.all(unexpected)
    request(app).get("/foo").expect(200, "saw GET /foo")
    assert unexpected.calls == 0


def test_app_route__promise_support__error_handling__should_pass_rejected_promise_value() -> None:
    app = express()
    route = app.route("/foo")

    async def rethrow(err: Any, req: Any, res: Any, next: Any) -> Any:
        raise Exception("caught: " + str(err))

    route.all(create_error)
    route.all(rethrow)
    route.all(caught("caught again: "))
    request(app).get("/foo").expect(500, "caught again: caught: boom!")


def test_app_route__promise_support__error_handling__should_ignore_resolved_promise() -> None:
    app = express()
    route = app.route("/foo")
    unexpected = Unexpected()

    async def handle_error(err: Any, req: Any, res: Any, next: Any) -> Any:
        caught("caught: ")(err, req, res, next)
        return "foo"

    route.all(create_error)
    route.all(handle_error)
    route.all(unexpected)
    request(app).get("/foo").expect(500, "caught: boom!")
    assert unexpected.calls == 0
