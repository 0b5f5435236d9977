"""Port of Express 5's test/app.head.js: automatic HEAD and `app.head()`."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def tobi_app() -> object:
    app = express()
    app.get("/tobi", lambda req, res: res.send("tobi"))  # send() detects HEAD
    return app


def test_head__should_default_to_get() -> None:
    request(tobi_app()).head("/tobi").expect(200)


def test_head__should_output_the_same_headers_as_get_requests() -> None:
    app = tobi_app()
    head = request(app).head("/tobi").expect(200)
    get = request(app).get("/tobi").expect(200)
    head_headers = {k: v for k, v in head.headers.items() if k.lower() != "date"}
    get_headers = {k: v for k, v in get.headers.items() if k.lower() != "date"}
    assert head_headers == get_headers
    assert head.content == b""


def test_app_head__should_override() -> None:
    app = express()

    def head(req: Any, res: Any) -> None:
        res.header("x-method", "head")
        res.end()

    def get(req: Any, res: Any) -> None:
        res.header("x-method", "get")
        res.send("tobi")

    app.head("/tobi", head)
    app.get("/tobi", get)
    request(app).head("/tobi").expect("x-method", "head").expect(200)
