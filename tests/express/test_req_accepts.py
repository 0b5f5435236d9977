"""Port of Express 5 test/req.accepts.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def answering(fn: Any) -> Any:
    app = express()
    app.use(lambda req, res, next: res.end(fn(req)))
    return app


def yes_no(req: Any) -> str:
    return "yes" if req.accepts("json") else "no"


def test_req__accepts_type__should_return_true_when_accept_is_not_present() -> None:
    request(answering(yes_no)).get("/").expect("yes")


def test_req__accepts_type__should_return_true_when_present() -> None:
    request(answering(yes_no)).get("/").set("Accept", "application/json").expect("yes")


def test_req__accepts_type__should_return_false_otherwise() -> None:
    request(answering(yes_no)).get("/").set("Accept", "text/html").expect("no")


def test_req__should_accept_an_argument_list_of_type_names() -> None:
    request(answering(lambda req: req.accepts("json", "html"))).get("/").set(
        "Accept", "application/json"
    ).expect("json")


def test_req__accepts_types__should_return_the_first_when_accept_is_not_present() -> None:
    request(answering(lambda req: req.accepts(["json", "html"]))).get("/").expect("json")


def test_req__accepts_types__should_return_the_first_acceptable_type() -> None:
    request(answering(lambda req: req.accepts(["json", "html"]))).get("/").set(
        "Accept", "text/html"
    ).expect("html")


def test_req__accepts_types__should_return_false_when_no_match_is_made() -> None:
    app = answering(lambda req: "yup" if req.accepts(["text/html", "application/json"]) else "nope")
    request(app).get("/").set("Accept", "foo/bar, bar/baz").expect("nope")


def test_req__accepts_types__should_take_quality_into_account() -> None:
    app = answering(lambda req: req.accepts(["text/html", "application/json"]))
    request(app).get("/").set("Accept", "*/html; q=.5, application/json").expect("application/json")


def test_req__accepts_types__should_return_the_first_acceptable_type_with_canonical_mime_types() -> (
    None
):
    app = answering(lambda req: req.accepts(["application/json", "text/html"]))
    request(app).get("/").set("Accept", "*/html").expect("text/html")
