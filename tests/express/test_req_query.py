"""Port of Express 5's test/req.query.js: `req.query` and the "query parser" setting."""

from __future__ import annotations

from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request

UNSET: Any = object()


def create_app(setting: Any = UNSET) -> Any:
    app = express()
    if setting is not UNSET:
        app.set("query parser", setting)
    app.use(lambda req, res: res.send(req.query))
    return app


def test_req__query__should_default_to_empty_object() -> None:
    request(create_app()).get("/").expect(200, "{}")


def test_req__query__should_default_to_parse_simple_keys() -> None:
    request(create_app()).get("/?user[name]=tj").expect(200, '{"user[name]":"tj"}')


def test_req__query__when_query_parser_is_extended__should_parse_complex_keys() -> None:
    (
        request(create_app("extended"))
        .get("/?foo[0][bar]=baz&foo[0][fizz]=buzz&foo[]=done!")
        .expect(200, '{"foo":[{"bar":"baz","fizz":"buzz"},"done!"]}')
    )


def test_req__query__when_query_parser_is_extended__should_parse_parameters_with_dots() -> None:
    request(create_app("extended")).get("/?user.name=tj").expect(200, '{"user.name":"tj"}')


def test_req__query__when_query_parser_is_simple__should_not_parse_complex_keys() -> None:
    request(create_app("simple")).get("/?user%5Bname%5D=tj").expect(200, '{"user[name]":"tj"}')


def test_req__query__when_query_parser_is_a_function__should_parse_using_function() -> None:
    app = create_app(lambda text: {"length": len(text or "")})
    request(app).get("/?user%5Bname%5D=tj").expect(200, '{"length":17}')


def test_req__query__when_query_parser_disabled__should_not_parse_query() -> None:
    request(create_app(False)).get("/?user%5Bname%5D=tj").expect(200, "{}")


def test_req__query__when_query_parser_enabled__should_not_parse_complex_keys() -> None:
    request(create_app(True)).get("/?user%5Bname%5D=tj").expect(200, '{"user[name]":"tj"}')


def test_req__query__when_query_parser_an_unknown_value__should_throw() -> None:
    with pytest.raises(TypeError, match=r"unknown value.*query parser"):
        create_app("bogus")
