"""Port of Express 5 test/res.type.js."""

from __future__ import annotations

from typing import Any

from expresspy.testing import request

from .support import app_with

JS_BODY = 'var name = "tj";'
JSON_UTF8 = "application/json; charset=utf-8"


def typed(type_: str, body: str) -> Any:
    return request(app_with(lambda req, res: res.type(type_).end(body))).get("/")


def test_res__type_str__should_set_the_content_type_based_on_a_filename() -> None:
    typed("foo.js", JS_BODY).expect("Content-Type", "text/javascript; charset=utf-8").end()


def test_res__type_str__should_default_to_application_octet_stream() -> None:
    typed("rawr", JS_BODY).expect("Content-Type", "application/octet-stream")


def test_res__type_str__should_set_the_content_type_with_type_subtype() -> None:
    typed("application/vnd.amazon.ebook", JS_BODY).expect(
        "Content-Type", "application/vnd.amazon.ebook"
    )


def test_res__type_str__edge_cases__should_handle_empty_string_gracefully() -> None:
    typed("", "test").expect("Content-Type", "application/octet-stream").end()


def test_res__type_str__edge_cases__should_handle_file_extension_with_dots() -> None:
    typed(".json", '{"test": true}').expect("Content-Type", JSON_UTF8).end()


def test_res__type_str__edge_cases__should_handle_multiple_file_extensions() -> None:
    typed("file.tar.gz", "compressed").expect("Content-Type", "application/gzip").end()


def test_res__type_str__edge_cases__should_handle_uppercase_extensions() -> None:
    typed("FILE.JSON", '{"test": true}').expect("Content-Type", JSON_UTF8).end()


def test_res__type_str__edge_cases__should_handle_extension_with_special_characters() -> None:
    typed("file@test.json", '{"test": true}').expect("Content-Type", JSON_UTF8).end()
