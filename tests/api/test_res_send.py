"""res.send / res.json / res.jsonp / res.send_status: exact bytes recorded from Express 5.3."""

from __future__ import annotations

from typing import Any

import pytest

from expresspy.testing import request

from .helpers import app_with, wire_headers

pytestmark = pytest.mark.usefixtures("server_path")  # native and ASGI

JSONP_BODY = '/**/ typeof foo.bar === \'function\' && foo.bar({"a":1,"s":"\\u2028<x>"});'


def test_jsonp_wraps_sanitises_and_escapes_line_separators() -> None:
    app = app_with(lambda req, res: res.jsonp({"a": 1, "s": "\u2028<x>"}))
    response = request(app).get("/?callback=foo.bar").expect(200, JSONP_BODY)
    assert wire_headers(response) == [
        ("x-content-type-options", "nosniff"),
        ("content-type", "text/javascript; charset=utf-8"),
        ("content-length", "71"),
        ("etag", 'W/"47-V8XOn4vSBoghA3NXdwO2+3levME"'),
    ]


def test_jsonp_takes_the_first_callback_and_strips_unsafe_characters() -> None:
    app = app_with(lambda req, res: res.jsonp({"a": 1, "s": "\u2028<x>"}))
    request(app).get("/?callback=foo<script>&callback=x").expect(
        "ETag", 'W/"4b-OgBeU5wAotm4kgEPPg0F3FLfbpk"'
    ).expect(200, '/**/ typeof fooscript === \'function\' && fooscript({"a":1,"s":"\\u2028<x>"});')


def test_jsonp_without_callback_is_json_with_nosniff() -> None:
    app = app_with(lambda req, res: res.jsonp({"a": 1, "s": "\u2028<x>"}))
    response = request(app).get("/").expect(200)
    assert response.content == b'{"a":1,"s":"\xe2\x80\xa8<x>"}'
    assert wire_headers(response) == [
        ("x-content-type-options", "nosniff"),
        ("content-type", "application/json; charset=utf-8"),
        ("content-length", "20"),
        ("etag", 'W/"14-rK8J3X0Qot41M0/iDwjbtyvYId0"'),
    ]


@pytest.mark.parametrize(
    "value,callback,body",
    [
        ("hi", "cb", "/**/ typeof cb === 'function' && cb(\"hi\");"),
        ([1, 2], "a[0]", "/**/ typeof a[0] === 'function' && a[0]([1,2]);"),
    ],
)
def test_jsonp_values(value: Any, callback: str, body: str) -> None:
    app = app_with(lambda req, res: res.jsonp(value))
    request(app).get(f"/?callback={callback}").expect(200, body)


def test_jsonp_honours_the_callback_name_setting() -> None:
    app = app_with(lambda req, res: res.jsonp(1), jsonp_callback_name="cb")
    request(app).get("/?cb=go&callback=no").expect(200, "/**/ typeof go === 'function' && go(1);")


def test_json_spaces_setting_indents_like_json_stringify() -> None:
    app = app_with(lambda req, res: res.json({"a": [1, {"b": 2}], "c": {}}), json_spaces=2)
    request(app).get("/").expect("ETag", 'W/"3b-GAWunvwYRHHe6+mtcYOPOaKTz2U"').expect(
        200, '{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ],\n  "c": {}\n}'
    )


def test_json_writes_numbers_and_dates_as_javascript_does() -> None:
    from datetime import datetime, timezone

    value = {
        "f": 2.0,
        "g": 1.5,
        "n": float("nan"),
        "d": datetime(2020, 1, 2, 3, 4, 5, 6000, tzinfo=timezone.utc),
    }
    app = app_with(lambda req, res: res.json(value))
    request(app).get("/").expect(200, '{"f":2,"g":1.5,"n":null,"d":"2020-01-02T03:04:05.006Z"}')


def test_json_escape_setting() -> None:
    app = app_with(lambda req, res: res.json({"&": "<script>"}), json_escape=True)
    request(app).get("/").expect(200, '{"\\u0026":"\\u003cscript\\u003e"}')


def test_json_with_no_argument_sends_no_body() -> None:
    app = app_with(lambda req, res: res.json())
    response = request(app).get("/").expect(200, "")
    assert wire_headers(response) == [("content-type", "application/json; charset=utf-8")]


def test_send_none_is_an_empty_body_with_an_etag() -> None:
    response = request(app_with(lambda req, res: res.send(None))).get("/").expect(200, "")
    assert wire_headers(response) == [
        ("content-length", "0"),
        ("etag", 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'),
    ]


def test_send_without_argument_sends_no_headers_at_all() -> None:
    response = request(app_with(lambda req, res: res.send())).get("/").expect(200, "")
    assert wire_headers(response, "content-length") == []


@pytest.mark.parametrize(
    "code,body,headers",
    [
        (
            201,
            "Created",
            [
                ("content-type", "text/plain; charset=utf-8"),
                ("content-length", "7"),
                ("etag", 'W/"7-rM9AyJuqT6iOan/xHh+AW+7K/T8"'),
            ],
        ),
        (204, "", [("etag", 'W/"a-bAsFyilMr4Ra1hIU5PyoyFRunpI"')]),
        (
            299,
            "299",
            [
                ("content-type", "text/plain; charset=utf-8"),
                ("content-length", "3"),
                ("etag", 'W/"3-Sy45KBbZO647VioSALDHo/P9dtQ"'),
            ],
        ),
    ],
)
def test_send_status(code: int, body: str, headers: list[tuple[str, str]]) -> None:
    response = request(app_with(lambda req, res: res.send_status(code))).get("/").expect(code, body)
    assert wire_headers(response) == headers


def test_send_answers_304_when_fresh_and_keeps_only_the_etag() -> None:
    app = app_with(lambda req, res: res.send("hi"))
    response = (
        request(app)
        .get("/")
        .set("If-None-Match", 'W/"2-witfkXg0JglCjW9RssWvTAveakI"')
        .expect(304, "")
    )
    assert wire_headers(response) == [("etag", 'W/"2-witfkXg0JglCjW9RssWvTAveakI"')]


def test_send_head_has_headers_but_no_body_over_the_real_server() -> None:
    app = app_with(lambda req, res: res.send("hello"))
    response = request(app, server=True).head("/").expect(200)
    assert response.content == b""
    assert ("content-length", "5") in wire_headers(response)


def test_send_bytes_keeps_a_preset_charset_and_sets_charset_on_text() -> None:
    app = app_with(
        lambda req, res: res.set("Content-Type", "text/plain; charset=latin1; a=b").send("x")
    )
    request(app).get("/").expect("Content-Type", "text/plain; charset=utf-8; a=b").expect(200)
