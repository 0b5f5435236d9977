"""Port of Express 5 test/res.jsonp.js.

``res.jsonp(undefined)`` is ``res.jsonp()`` with no argument here; a replacer drops a
property by answering ``None`` (JavaScript's ``undefined``), as in test_res_json.py.
"""

from __future__ import annotations

import re
from typing import Any

from expresspy import express
from expresspy.testing import request, should_not_have_header

from .support import app_with

JS_UTF8 = "text/javascript; charset=utf-8"
JSON_UTF8 = "application/json; charset=utf-8"
NO_ARGUMENT = object()


def jsonp_of(body: Any = NO_ARGUMENT, **settings: Any) -> Any:
    def handler(req: Any, res: Any) -> None:
        if body is NO_ARGUMENT:
            res.jsonp()
        else:
            res.jsonp(body)

    return request(app_with(handler, **settings))


def callback_gets(url: str, body: Any, pattern: str, **settings: Any) -> None:
    jsonp_of(body, **settings).get(url).expect("Content-Type", JS_UTF8).expect(
        200, re.compile(pattern)
    )


def test_res__jsonp_object__should_respond_with_jsonp() -> None:
    callback_gets("/?callback=something", {"count": 1}, r'something\(\{"count":1\}\);')


def test_res__jsonp_object__should_use_first_callback_parameter_with_jsonp() -> None:
    callback_gets(
        "/?callback=something&callback=somethingelse", {"count": 1}, r'something\(\{"count":1\}\);'
    )


def test_res__jsonp_object__should_ignore_object_callback_parameter_with_jsonp() -> None:
    jsonp_of({"count": 1}).get("/?callback[a]=something").expect("Content-Type", JSON_UTF8).expect(
        200, '{"count":1}'
    )


def test_res__jsonp_object__should_allow_renaming_callback() -> None:
    callback_gets(
        "/?clb=something", {"count": 1}, r'something\(\{"count":1\}\);', jsonp_callback_name="clb"
    )


def test_res__jsonp_object__should_allow() -> None:
    callback_gets("/?callback=callbacks[123]", {"count": 1}, r'callbacks\[123\]\(\{"count":1\}\);')


def test_res__jsonp_object__should_disallow_arbitrary_js() -> None:
    callback_gets("/?callback=foo;bar()", {}, r"foobar\(\{\}\);")


def test_res__jsonp_object__should_escape_utf_whitespace() -> None:
    callback_gets(
        "/?callback=foo", {"str": "\u2028 \u2029 woot"}, r'foo\(\{"str":"\\u2028 \\u2029 woot"\}\);'
    )


def test_res__jsonp_object__should_not_escape_utf_whitespace_for_json_fallback() -> None:
    jsonp_of({"str": "\u2028 \u2029 woot"}).get("/").expect("Content-Type", JSON_UTF8).expect(
        200, '{"str":"\u2028 \u2029 woot"}'
    )


def test_res__jsonp_object__should_include_security_header_and_prologue() -> None:
    jsonp_of({"count": 1}).get("/?callback=something").expect("Content-Type", JS_UTF8).expect(
        "X-Content-Type-Options", "nosniff"
    ).expect(200, re.compile(r"^/\*\*/"))


def vendor_typed() -> Any:
    app = express()
    app.get(
        "/", lambda req, res: res.type("application/vnd.example+json").jsonp({"hello": "world"})
    )
    return request(app)


def test_res__jsonp_object__should_not_override_previous_content_types_with_no_callback() -> None:
    vendor_typed().get("/").expect(
        "Content-Type", "application/vnd.example+json; charset=utf-8"
    ).expect(should_not_have_header("X-Content-Type-Options")).expect(200, '{"hello":"world"}')


def test_res__jsonp_object__should_override_previous_content_types_with_callback() -> None:
    vendor_typed().get("/?callback=cb").expect("Content-Type", JS_UTF8).expect(
        "X-Content-Type-Options", "nosniff"
    ).expect(200, re.compile(r'cb\(\{"hello":"world"\}\);$'))


def test_res__jsonp_object__when_given_undefined__should_invoke_callback_with_no_arguments() -> (
    None
):
    callback_gets("/?callback=cb", NO_ARGUMENT, r"cb\(\)")


def test_res__jsonp_object__when_given_null__should_invoke_callback_with_null() -> None:
    callback_gets("/?callback=cb", None, r"cb\(null\)")


def test_res__jsonp_object__when_given_a_string__should_invoke_callback_with_a_string() -> None:
    callback_gets("/?callback=cb", "tobi", r'cb\("tobi"\)')


def test_res__jsonp_object__when_given_a_number__should_invoke_callback_with_a_number() -> None:
    callback_gets("/?callback=cb", 42, r"cb\(42\)")


def test_res__jsonp_object__when_given_an_array__should_invoke_callback_with_an_array() -> None:
    callback_gets("/?callback=cb", ["foo", "bar", "baz"], r'cb\(\["foo","bar","baz"\]\)')


def test_res__jsonp_object__when_given_an_object__should_invoke_callback_with_an_object() -> None:
    callback_gets("/?callback=cb", {"name": "tobi"}, r'cb\(\{"name":"tobi"\}\)')


def test_res__jsonp_object__json_escape_setting__should_be_undefined_by_default() -> None:
    assert express().get("json escape") is None


def test_res__jsonp_object__json_escape_setting__should_unicode_escape_html_sniffing_characters() -> (
    None
):
    callback_gets(
        "/?callback=foo",
        {"&": "\u2028<script>\u2029"},
        r'foo\({"\\u0026":"\\u2028\\u003cscript\\u003e\\u2029"}\)',
        json_escape=True,
    )


def test_res__jsonp_object__json_escape_setting__should_not_break_undefined_escape() -> None:
    callback_gets("/?callback=cb", NO_ARGUMENT, r"cb\(\)", json_escape=True)


def test_res__jsonp_object__json_replacer_setting__should_be_passed_to_json_stringify() -> None:
    def replacer(key: str, value: Any) -> Any:
        return None if key.startswith("_") else value

    jsonp_of({"name": "tobi", "_id": 12345}, json_replacer=replacer).get("/").expect(
        "Content-Type", JSON_UTF8
    ).expect(200, '{"name":"tobi"}')


def test_res__jsonp_object__json_spaces_setting__should_be_undefined_by_default() -> None:
    assert express().get("json spaces") is None


def test_res__jsonp_object__json_spaces_setting__should_be_passed_to_json_stringify() -> None:
    jsonp_of({"name": "tobi", "age": 2}, json_spaces=2).get("/").expect(
        "Content-Type", JSON_UTF8
    ).expect(200, '{\n  "name": "tobi",\n  "age": 2\n}')
