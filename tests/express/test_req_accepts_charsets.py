"""Port of Express 5 test/req.acceptsCharsets.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def answering(fn: Any) -> Any:
    app = express()
    app.use(lambda req, res, next: res.end(fn(req)))
    return app


def utf8(req: Any) -> str:
    return "yes" if req.acceptsCharsets("utf-8") else "no"


def test_req__accepts_charsets_type__when_accept_charset_is_not_present__should_return_true() -> (
    None
):
    request(answering(utf8)).get("/").expect("yes")


def test_req__accepts_charsets_type__when_accept_charset_is_present__should_return_true() -> None:
    request(answering(utf8)).get("/").set("Accept-Charset", "foo, bar, utf-8").expect("yes")


def test_req__accepts_charsets_type__when_accept_charset_is_present__should_return_false_otherwise() -> (
    None
):
    request(answering(utf8)).get("/").set("Accept-Charset", "foo, bar").expect("no")


def test_req__accepts_charsets_type__when_accept_charset_is_present__should_return_the_best_matching_charset_from_multiple_inputs() -> (
    None
):
    app = answering(lambda req: req.accepts_charsets("utf-8", "iso-8859-1"))
    request(app).get("/").set("Accept-Charset", "iso-8859-1, utf-8").expect("iso-8859-1")
