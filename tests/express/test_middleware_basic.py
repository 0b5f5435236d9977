"""Port of Express 5 test/middleware.basic.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def test_middleware__next__should_behave_like_connect() -> None:
    app = express()
    calls: list[str] = []

    def one(req: Any, res: Any, next: Any) -> None:
        calls.append("one")
        next()

    def two(req: Any, res: Any, next: Any) -> None:
        calls.append("two")
        next()

    async def echo_body(req: Any, res: Any) -> None:
        # Node streams the body with req.on("data"); the Python API reads it whole.
        body = await req.read()
        res.setHeader("Content-Type", "application/json")
        res.end(body)

    app.use(one)
    app.use(two)
    app.use(echo_body)

    def calls_were_one_two(_: Any) -> None:
        assert calls == ["one", "two"]

    (
        request(app)
        .get("/")
        .set("Content-Type", "application/json")
        .send('{"foo":"bar"}')
        .expect("Content-Type", "application/json")
        .expect(calls_were_one_two)
        .expect(200, '{"foo":"bar"}')
    )
