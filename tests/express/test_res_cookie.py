"""Port of Express 5 test/res.cookie.js.

``new Date(NaN)`` has no Python twin; a value that is not a datetime (``"foobar"``) is what
makes cookie@0.7 raise "option expires is invalid" from Python. ``maxAge: undefined`` is the
same as ``None`` here (not_ported.toml).
"""

from __future__ import annotations

import re
from typing import Any

from expresspy.middleware import cookie_parser
from expresspy.testing import request

from .support import app_with

SIGNED_USER = (
    "user=s%3Aj%3A%7B%22name%22%3A%22tobi%22%7D."
    "K20xcwmDS%2BPb1rsD95o5Jm5SqWs1KteqdnynnB7jkTE; Path=/"
)


def cookie_then_end(*args: Any, parser: Any = None) -> Any:
    def handler(req: Any, res: Any) -> None:
        res.cookie(*args)
        res.end()

    app = app_with(handler) if parser is None else app_with(parser, handler)
    return request(app).get("/")


def tobi(options: dict[str, Any]) -> Any:
    return cookie_then_end("name", "tobi", options)


def test_res__cookie_name_object__should_generate_a_json_cookie() -> None:
    cookie_then_end("user", {"name": "tobi"}).expect(
        "Set-Cookie", "user=j%3A%7B%22name%22%3A%22tobi%22%7D; Path=/"
    ).expect(200)


def test_res__cookie_name_string__should_set_a_cookie() -> None:
    cookie_then_end("name", "tobi").expect("Set-Cookie", "name=tobi; Path=/").expect(200)


def test_res__cookie_name_string__should_allow_multiple_calls() -> None:
    def handler(req: Any, res: Any) -> None:
        res.cookie("name", "tobi")
        res.cookie("age", 1)
        res.cookie("gender", "?")
        res.end()

    request(app_with(handler)).get("/").expect(
        "Set-Cookie", "name=tobi; Path=/,age=1; Path=/,gender=%3F; Path=/"
    ).expect(200)


def test_res__cookie_name_string_options__should_set_params() -> None:
    tobi({"httpOnly": True, "secure": True}).expect(
        "Set-Cookie", "name=tobi; Path=/; HttpOnly; Secure"
    ).expect(200)


def test_res__cookie_name_string_options__expires__should_throw_on_invalid_date() -> None:
    tobi({"expires": "foobar"}).expect(500, re.compile("option expires is invalid"))


def test_res__cookie_name_string_options__partitioned__should_set_partitioned() -> None:
    tobi({"partitioned": True}).expect("Set-Cookie", "name=tobi; Path=/; Partitioned").expect(200)


def test_res__cookie_name_string_options__maxage__should_set_relative_expires() -> None:
    tobi({"maxAge": 1000}).expect(
        "Set-Cookie", re.compile("name=tobi; Max-Age=1; Path=/; Expires=")
    ).expect(200)


def test_res__cookie_name_string_options__maxage__should_set_max_age() -> None:
    tobi({"maxAge": 1000}).expect("Set-Cookie", re.compile("Max-Age=1"))


def test_res__cookie_name_string_options__maxage__should_not_mutate_the_options_object() -> None:
    options = {"maxAge": 1000}
    options_copy = dict(options)

    def handler(req: Any, res: Any) -> None:
        res.cookie("name", "tobi", options)
        res.json(options)

    request(app_with(handler)).get("/").expect(200, options_copy)


def test_res__cookie_name_string_options__maxage__should_not_throw_on_null() -> None:
    tobi({"maxAge": None}).expect(200).expect("Set-Cookie", "name=tobi; Path=/")


def test_res__cookie_name_string_options__maxage__should_throw_an_error_with_invalid_maxage() -> (
    None
):
    tobi({"maxAge": "foobar"}).expect(500, re.compile("option maxAge is invalid"))


def test_res__cookie_name_string_options__priority__should_set_low_priority() -> None:
    tobi({"priority": "low"}).expect("Set-Cookie", re.compile("Priority=Low")).expect(200)


def test_res__cookie_name_string_options__priority__should_set_medium_priority() -> None:
    tobi({"priority": "medium"}).expect("Set-Cookie", re.compile("Priority=Medium")).expect(200)


def test_res__cookie_name_string_options__priority__should_set_high_priority() -> None:
    tobi({"priority": "high"}).expect("Set-Cookie", re.compile("Priority=High")).expect(200)


def test_res__cookie_name_string_options__priority__should_throw_with_invalid_priority() -> None:
    tobi({"priority": "foobar"}).expect(500, re.compile("option priority is invalid"))


def test_res__cookie_name_string_options__signed__should_generate_a_signed_json_cookie() -> None:
    cookie_then_end(
        "user", {"name": "tobi"}, {"signed": True}, parser=cookie_parser("foo bar baz")
    ).expect("Set-Cookie", SIGNED_USER).expect(200)


def test_res__cookie_name_string_options__signed_without_secret__should_throw_an_error() -> None:
    cookie_then_end("name", "tobi", {"signed": True}, parser=cookie_parser()).expect(
        500, re.compile(r"secret\S+ required for signed cookies")
    )


def test_res__cookie_name_string_options__signedcookie_name_string__should_set_a_signed_cookie() -> (
    None
):
    cookie_then_end("name", "tobi", {"signed": True}, parser=cookie_parser("foo bar baz")).expect(
        "Set-Cookie", "name=s%3Atobi.xJjV2iZ6EI7C8E5kzwbfA9PVLl1ZR07UTnuTgQQ4EnQ; Path=/"
    ).expect(200)
