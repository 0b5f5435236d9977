"""Port of Express 5's test/req.route.js: `req.route` is the Route being run."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def test_req__route__should_be_the_executed_route() -> None:
    app = express()

    def first(req: Any, res: Any, next: Any) -> None:
        res.header("path-1", req.route.path)
        next()

    def second(req: Any, res: Any) -> None:
        res.header("path-2", req.route.path)
        res.end()

    app.get("/user/:id{/:op}", first)
    app.get("/user/:id/edit", second)
    (
        request(app)
        .get("/user/12/edit")
        .expect("path-1", "/user/:id{/:op}")
        .expect("path-2", "/user/:id/edit")
        .expect(200)
    )
