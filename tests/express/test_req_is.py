"""Port of Express 5 test/req.is.js."""

from __future__ import annotations

from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request


def is_app(offer: str) -> Any:
    app = express()
    app.use(lambda req, res: res.json(req.is_(offer)))
    return app


CASES = {
    "when_given_a_mime_type__should_return_the_type_when_matching":
        ("application/json", "application/json", '"application/json"'),
    "when_given_a_mime_type__should_return_false_when_not_matching":
        ("image/jpeg", "application/json", "false"),
    "when_given_a_mime_type__should_ignore_charset":
        ("application/json", "application/json; charset=UTF-8", '"application/json"'),
    "when_given_an_extension__should_lookup_the_mime_type":
        ("json", "application/json", '"json"'),
    "when_given_subtype__should_return_the_full_type_when_matching":
        ("*/json", "application/json", '"application/json"'),
    "when_given_subtype__should_return_false_when_not_matching":
        ("*/html", "application/json", "false"),
    "when_given_subtype__should_ignore_charset":
        ("*/json", "application/json; charset=UTF-8", '"application/json"'),
    "when_given_type__should_return_the_full_type_when_matching":
        ("application/*", "application/json", '"application/json"'),
    "when_given_type__should_return_false_when_not_matching":
        ("text/*", "application/json", "false"),
    "when_given_type__should_ignore_charset":
        ("application/*", "application/json; charset=UTF-8", '"application/json"'),
}


@pytest.mark.parametrize("case", list(CASES))
def test_req_is(case: str) -> None:
    offer, content_type, body = CASES[case]
    request(is_app(offer)).post("/").set("Content-Type", content_type).send("{}").expect(
        200, body)


def test_req_is__when_content_type_is_not_present__should_return_false() -> None:
    request(is_app("application/json")).post("/").send("{}").unset("Content-Type").expect(
        200, "false")
