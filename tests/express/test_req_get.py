"""Port of Express 5 test/req.get.js."""

from __future__ import annotations

import re
from typing import Any

from expresspy import express
from expresspy.testing import request


def test_req__get_field__should_return_the_header_field_value() -> None:
    app = express()

    def handler(req: Any, res: Any) -> None:
        assert req.get("Something-Else") is None
        res.end(req.get("Content-Type"))

    app.use(handler)
    request(app).post("/").set("Content-Type", "application/json").expect("application/json")


def test_req__get_field__should_special_case_referer() -> None:
    app = express()
    app.use(lambda req, res: res.end(req.get("Referer")))
    request(app).post("/").set("Referrer", "http://foobar.com").expect("http://foobar.com")


def test_req__get_field__should_throw_missing_header_name() -> None:
    app = express()
    app.use(lambda req, res: res.end(req.get()))
    # Python's own TypeError for the missing argument replaces Express's hand-written one.
    request(app).get("/").expect(500, re.compile("TypeError: .*argument: &#39;name&#39;"))


def test_req__get_field__should_throw_for_non_string_header_name() -> None:
    app = express()
    app.use(lambda req, res: res.end(req.get(42)))
    request(app).get("/").expect(500, re.compile("TypeError: name must be a string to req.get"))
