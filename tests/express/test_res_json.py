"""Port of Express 5 test/res.json.js.

Not ported: "should not break undefined escape" (``res.json(undefined)`` sends no body; Python
has only ``None``, which is JSON ``null``) — see not_ported.toml.
"""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request

JSON_UTF8 = "application/json; charset=utf-8"


def app_sending_json(value: Any, **settings: Any) -> Any:
    app = express()
    for name, setting in settings.items():
        app.set(name.replace("_", " "), setting)
    app.use(lambda req, res: res.json(value))
    return app


def expect_json(app: Any, body: str) -> None:
    request(app).get("/").expect("Content-Type", JSON_UTF8).expect(200, body)


def test_res__json_object__should_not_support_jsonp_callbacks() -> None:
    request(app_sending_json({"foo": "bar"})).get("/?callback=foo").expect('{"foo":"bar"}')


def test_res__json_object__should_not_override_previous_content_types() -> None:
    app = express()

    @app.get("/")
    def home(req: Any, res: Any) -> None:
        res.type("application/vnd.example+json")
        res.json({"hello": "world"})

    (
        request(app)
        .get("/")
        .expect("Content-Type", "application/vnd.example+json; charset=utf-8")
        .expect(200, '{"hello":"world"}')
    )


def test_res__json_object__when_given_primitives__should_respond_with_json_for_null() -> None:
    expect_json(app_sending_json(None), "null")


def test_res__json_object__when_given_primitives__should_respond_with_json_for_number() -> None:
    expect_json(app_sending_json(300), "300")


def test_res__json_object__when_given_primitives__should_respond_with_json_for_string() -> None:
    expect_json(app_sending_json("str"), '"str"')


def test_res__json_object__when_given_an_array__should_respond_with_json() -> None:
    expect_json(app_sending_json(["foo", "bar", "baz"]), '["foo","bar","baz"]')


def test_res__json_object__when_given_an_object__should_respond_with_json() -> None:
    expect_json(app_sending_json({"name": "tobi"}), '{"name":"tobi"}')


def test_res__json_object__json_escape_setting__should_be_undefined_by_default() -> None:
    assert express().get("json escape") is None


def test_res__json_object__json_escape_setting__should_unicode_escape_html_sniffing_characters() -> (
    None
):
    app = app_sending_json({"&": "<script>"}, json_escape=True)
    expect_json(app, '{"\\u0026":"\\u003cscript\\u003e"}')


def test_res__json_object__json_replacer_setting__should_be_passed_to_json_stringify() -> None:
    def replacer(key: str, value: Any) -> Any:
        # JSON.stringify drops a property whose replacer answers undefined.
        return None if key.startswith("_") else value

    app = app_sending_json({"name": "tobi", "_id": 12345}, json_replacer=replacer)
    expect_json(app, '{"name":"tobi"}')


def test_res__json_object__json_spaces_setting__should_be_undefined_by_default() -> None:
    assert express().get("json spaces") is None


def test_res__json_object__json_spaces_setting__should_be_passed_to_json_stringify() -> None:
    expect_json(
        app_sending_json({"name": "tobi", "age": 2}, json_spaces=2),
        '{\n  "name": "tobi",\n  "age": 2\n}',
    )
