"""Port of Express 5 test/res.get.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def test_res__get_field__should_get_the_response_header_field() -> None:
    app = express()

    def handler(req: Any, res: Any) -> None:
        res.setHeader("Content-Type", "text/x-foo")
        res.send(res.get("Content-Type"))

    app.use(handler)
    request(app).get("/").expect(200, "text/x-foo")
