"""Port of Express 5 test/res.set.js."""

from __future__ import annotations

import re
from typing import Any

from expresspy import express
from expresspy.testing import request


def app_using(handler: Any) -> Any:
    app = express()
    app.use(handler)
    return app


def type_name(value: object) -> str:
    """JavaScript's ``typeof`` for the values these tests look at."""
    return "string" if isinstance(value, str) else type(value).__name__


def test_res__set_field_value__should_set_the_response_header_field() -> None:
    app = app_using(lambda req, res: res.set("Content-Type", "text/x-foo; charset=utf-8").end())
    request(app).get("/").expect("Content-Type", "text/x-foo; charset=utf-8").end()


def test_res__set_field_value__should_coerce_to_a_string() -> None:
    def handler(req: Any, res: Any) -> None:
        res.set("X-Number", 123)
        res.end(type_name(res.get("X-Number")))

    request(app_using(handler)).get("/").expect("X-Number", "123").expect(200, "string")


def test_res__set_field_values__should_set_multiple_response_header_fields() -> None:
    def handler(req: Any, res: Any) -> None:
        res.set("Set-Cookie", ["type=ninja", "language=javascript"])
        res.send(res.get("Set-Cookie"))

    request(app_using(handler)).get("/").expect('["type=ninja","language=javascript"]')


def test_res__set_field_values__should_coerce_to_an_array_of_strings() -> None:
    def handler(req: Any, res: Any) -> None:
        res.set("X-Numbers", [123, 456])
        values = res.get("X-Numbers")
        res.end("[" + ",".join(f'"{v}"' for v in values if isinstance(v, str)) + "]")

    app = app_using(handler)
    request(app).get("/").expect("X-Numbers", "123, 456").expect(200, '["123","456"]')


def test_res__set_field_values__should_not_set_a_charset_of_one_is_already_set() -> None:
    def handler(req: Any, res: Any) -> None:
        res.set("Content-Type", "text/html; charset=lol")
        res.end()

    request(app_using(handler)).get("/").expect("Content-Type", "text/html; charset=lol").expect(
        200
    )


def test_res__set_field_values__should_throw_when_content_type_is_an_array() -> None:
    def handler(req: Any, res: Any) -> None:
        res.set("Content-Type", ["text/html"])
        res.end()

    request(app_using(handler)).get("/").expect(
        500, re.compile("TypeError: Content-Type cannot be set to an Array")
    )


def test_res__set_object__should_set_multiple_fields() -> None:
    app = app_using(lambda req, res: res.set({"X-Foo": "bar", "X-Bar": "baz"}).end())
    request(app).get("/").expect("X-Foo", "bar").expect("X-Bar", "baz").end()


def test_res__set_object__should_coerce_to_a_string() -> None:
    def handler(req: Any, res: Any) -> None:
        res.set({"X-Number": 123})
        res.end(type_name(res.get("X-Number")))

    request(app_using(handler)).get("/").expect("X-Number", "123").expect(200, "string")
