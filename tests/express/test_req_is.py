"""Port of Express 5 test/req.is.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def is_app(offer: str) -> Any:
    app = express()
    app.use(lambda req, res: res.json(req.is_(offer)))
    return app


def test_req_is__when_given_a_mime_type__should_return_the_type_when_matching() -> None:
    request(is_app("application/json")).post("/").type("application/json").send("{}").expect(
        200, '"application/json"'
    )


def test_req_is__when_given_a_mime_type__should_return_false_when_not_matching() -> None:
    request(is_app("image/jpeg")).post("/").type("application/json").send("{}").expect(200, "false")


def test_req_is__when_given_a_mime_type__should_ignore_charset() -> None:
    request(is_app("application/json")).post("/").type("application/json; charset=UTF-8").send(
        "{}"
    ).expect(200, '"application/json"')


def test_req_is__when_content_type_is_not_present__should_return_false() -> None:
    # As in supertest, a string body with no type goes as a form: not JSON.
    request(is_app("application/json")).post("/").send("{}").expect(200, "false")
    # And with no Content-Type at all, as the describe says.
    request(is_app("application/json")).post("/").send("{}").unset("Content-Type").expect(
        200, "false"
    )


def test_req_is__when_given_an_extension__should_lookup_the_mime_type() -> None:
    request(is_app("json")).post("/").type("application/json").send("{}").expect(200, '"json"')


def test_req_is__when_given_subtype__should_return_the_full_type_when_matching() -> None:
    request(is_app("*/json")).post("/").type("application/json").send("{}").expect(
        200, '"application/json"'
    )


def test_req_is__when_given_subtype__should_return_false_when_not_matching() -> None:
    request(is_app("*/html")).post("/").type("application/json").send("{}").expect(200, "false")


def test_req_is__when_given_subtype__should_ignore_charset() -> None:
    request(is_app("*/json")).post("/").type("application/json; charset=UTF-8").send("{}").expect(
        200, '"application/json"'
    )


def test_req_is__when_given_type__should_return_the_full_type_when_matching() -> None:
    request(is_app("application/*")).post("/").type("application/json").send("{}").expect(
        200, '"application/json"'
    )


def test_req_is__when_given_type__should_return_false_when_not_matching() -> None:
    request(is_app("text/*")).post("/").type("application/json").send("{}").expect(200, "false")


def test_req_is__when_given_type__should_ignore_charset() -> None:
    request(is_app("application/*")).post("/").type("application/json; charset=UTF-8").send(
        "{}"
    ).expect(200, '"application/json"')
