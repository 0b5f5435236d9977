"""Port of Express 5's test/app.routes.error.js: error flow through route handlers."""

from __future__ import annotations

import re
from typing import Any

from expresspy import express
from expresspy.testing import request


def test_app__verb__should_not_get_invoked_without_error_handler_on_error() -> None:
    app = express()
    app.use(lambda req, res, next: next(Exception("boom!")))
    app.get("/bar", lambda req, res: res.send("hello, world!"))
    request(app).post("/bar").expect(500, re.compile("boom!"))


def test_app__verb__should_only_call_an_error_handling_routing_callback_when_an_error_is_propagated() -> (
    None
):
    app = express()
    ran = {"a": False, "b": False, "c": False, "d": False}
    messages: list[str] = []

    def fail(req: Any, res: Any, next: Any) -> None:
        next(Exception("fabricated error"))

    def a(req: Any, res: Any, next: Any) -> None:
        ran["a"] = True
        next()

    def b(err: Any, req: Any, res: Any, next: Any) -> None:
        ran["b"] = True
        messages.append(str(err))
        next(err)

    def c(err: Any, req: Any, res: Any, next: Any) -> None:
        ran["c"] = True
        messages.append(str(err))
        next()

    def d(err: Any, req: Any, res: Any, next: Any) -> None:
        ran["d"] = True
        next()

    def last(req: Any, res: Any) -> None:
        res.send_status(204)

    app.get("/", fail, a, b, c, d, last)
    request(app).get("/").expect(204)
    assert ran == {"a": False, "b": True, "c": True, "d": False}
    assert messages == ["fabricated error", "fabricated error"]
