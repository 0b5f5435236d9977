"""Port of Express 5 test/res.locals.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request

from .support import app_with, then_next


def json_locals(req: Any, res: Any) -> None:
    res.json(res.locals)


def test_res__locals__should_be_empty_by_default() -> None:
    request(app_with(json_locals)).get("/").expect(200, {})


def test_res__should_work_when_mounted() -> None:
    app = express()
    blog = express()
    app.use(blog)
    blog.use(then_next(lambda req, res: res.locals.update(foo="bar")))
    app.use(json_locals)
    request(app).get("/").expect(200, {"foo": "bar"})
