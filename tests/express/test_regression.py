"""Port of Express 5's test/regression.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def test_throw_after_end__should_fail_gracefully() -> None:
    app = express()

    def handler(req: Any, res: Any) -> Any:
        res.end("yay")
        raise Exception("boom")

    app.get("/", handler)
    request(app).get("/").expect("yay").expect(200)
