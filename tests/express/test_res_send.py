"""Port of Express 5 test/res.send.js.

JavaScript's ``null`` and ``undefined`` are both ``None`` here, so ``.send(undefined)`` is
listed in not_ported.toml; Buffer and Uint8Array are ``bytes`` and ``bytearray``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from expresspy import express
from expresspy.router import HTTP_METHODS
from expresspy.testing import (
    request,
    should_have_body,
    should_have_header,
    should_not_have_body,
    should_not_have_header,
)

HTML_UTF8 = "text/html; charset=utf-8"
JSON_UTF8 = "application/json; charset=utf-8"
TEXT_UTF8 = "text/plain; charset=utf-8"
DASHES = "-" * 999  # JavaScript's Array(1000).join('-')
DASHES_ETAG = 'W/"3e7-qPnkJ3CVdVhFJQvUBfF10TmVA7g"'
HELLO_WORLD_TAG = '"d-HwnTDHB9U/PRbFMN1z1wps51lqk"'


def app_using(handler: Callable[..., Any], **settings: Any) -> Any:
    app = express()
    for name, value in settings.items():
        app.set(name, value)
    app.use(handler)
    return app


def sending(value: Any, **settings: Any) -> Any:
    return app_using(lambda req, res: res.send(value), **settings)


def test_res__send__should_set_body_to() -> None:
    request(app_using(lambda req, res: res.send())).get("/").expect(200, "")


def test_res__send_null__should_set_body_to() -> None:
    request(sending(None)).get("/").expect("Content-Length", "0").expect(200, "")


def test_res__send_number__should_send_as_application_json() -> None:
    request(sending(1000)).get("/").expect("Content-Type", JSON_UTF8).expect(200, "1000")


def test_res__send_string__should_send_as_html() -> None:
    request(sending("<p>hey</p>")).get("/").expect("Content-Type", HTML_UTF8).expect(
        200, "<p>hey</p>"
    )


def test_res__send_string__should_set_etag() -> None:
    request(sending(DASHES)).get("/").expect("ETag", DASHES_ETAG).expect(200)


def typed_send(content_type: str, body: Any) -> Any:
    return app_using(lambda req, res: res.set("Content-Type", content_type).send(body))


def test_res__send_string__should_not_override_content_type() -> None:
    app = typed_send("text/plain", "hey")
    request(app).get("/").expect("Content-Type", TEXT_UTF8).expect(200, "hey")


def test_res__send_string__should_override_charset_in_content_type() -> None:
    app = typed_send("text/plain; charset=iso-8859-1", "hey")
    request(app).get("/").expect("Content-Type", TEXT_UTF8).expect(200, "hey")


def test_res__send_string__should_preserve_existing_parameters_when_adding_charset() -> None:
    app = typed_send("text/plain; foo=bar", "hey")
    request(app).get("/").expect("Content-Type", "text/plain; foo=bar; charset=utf-8").expect(
        200, "hey"
    )


def test_res__send_string__should_not_throw_on_a_content_type_that_fails_to_parse() -> None:
    app = typed_send("text/plain; foo", "hey")
    request(app).get("/").expect("Content-Type", TEXT_UTF8).expect(200, "hey")


def test_res__send_string__should_keep_charset_in_content_type_for_buffers() -> None:
    app = typed_send("text/plain; charset=iso-8859-1", b"hi")
    request(app).get("/").expect("Content-Type", "text/plain; charset=iso-8859-1").expect(200, "hi")


def test_res__send_buffer__should_send_as_octet_stream() -> None:
    (
        request(sending(b"hello"))
        .get("/")
        .expect(200)
        .expect("Content-Type", "application/octet-stream")
        .expect(should_have_body(b"hello"))
        .end()
    )


def test_res__send_buffer__should_set_etag() -> None:
    request(sending(b"-" * 999)).get("/").expect("ETag", DASHES_ETAG).expect(200)


def test_res__send_buffer__should_not_override_content_type() -> None:
    app = typed_send("text/plain", b"hey")
    request(app).get("/").expect("Content-Type", TEXT_UTF8).expect(200, "hey")


def test_res__send_buffer__should_accept_uint8array() -> None:
    app = typed_send("text/plain", bytearray(b"hey"))
    request(app).get("/").expect("Content-Type", TEXT_UTF8).expect(200, "hey")


def test_res__send_buffer__should_not_override_etag() -> None:
    app = app_using(lambda req, res: res.type("text/plain").set("ETag", '"foo"').send(b"hey"))
    request(app).get("/").expect("ETag", '"foo"').expect(200, "hey")


def test_res__send_object__should_send_as_application_json() -> None:
    request(sending({"name": "tobi"})).get("/").expect("Content-Type", JSON_UTF8).expect(
        200, '{"name":"tobi"}'
    )


def test_res__when_the_request_method_is_head__should_ignore_the_body() -> None:
    request(sending("yay")).head("/").expect(200).expect(should_not_have_body()).end()


def chunked_with_status(status: int) -> Any:
    return app_using(
        lambda req, res: res.status(status).set("Transfer-Encoding", "chunked").send("foo")
    )


def expect_stripped(status: int) -> None:
    (
        request(chunked_with_status(status))
        .get("/")
        .expect(should_not_have_header("Content-Type"))
        .expect(should_not_have_header("Content-Length"))
        .expect(should_not_have_header("Transfer-Encoding"))
        .expect(status, "")
    )


def test_res__when_statuscode_is_204__should_strip_content_fields_transfer_encoding_field_and_body() -> (
    None
):
    expect_stripped(204)


def test_res__when_statuscode_is_205__should_strip_transfer_encoding_field_and_body_set_content_length() -> (
    None
):
    (
        request(chunked_with_status(205))
        .get("/")
        .expect(should_not_have_header("Transfer-Encoding"))
        .expect("Content-Length", "0")
        .expect(205, "")
    )


def test_res__when_statuscode_is_304__should_strip_content_fields_transfer_encoding_field_and_body() -> (
    None
):
    expect_stripped(304)


def tagged(body: str, status: int = 200) -> Any:
    def handler(req: Any, res: Any) -> None:
        res.status(status)
        res.set("ETag", '"asdf"')
        res.send(body)

    return app_using(handler)


def test_res__should_always_check_regardless_of_length() -> None:
    request(tagged("hey")).get("/").set("If-None-Match", '"asdf"').expect(304)


def test_res__should_respond_with_304_not_modified_when_fresh() -> None:
    request(tagged(DASHES)).get("/").set("If-None-Match", '"asdf"').expect(304)


def test_res__should_not_perform_freshness_check_unless_2xx_or_304() -> None:
    request(tagged("hey", 500)).get("/").set("If-None-Match", '"asdf"').expect("hey").expect(500)


def test_res__should_not_support_jsonp_callbacks() -> None:
    request(sending({"foo": "bar"})).get("/?callback=foo").expect('{"foo":"bar"}')


def test_res__should_be_chainable() -> None:
    def handler(req: Any, res: Any) -> None:
        assert res.send("hey") is res

    request(app_using(handler)).get("/").expect(200, "hey")


KAJ_ETAG = 'W/"c-IgR/L5SF7CJQff4wxKGF/vfPuZ0"'


def test_res__etag_setting__when_enabled__should_send_etag() -> None:
    request(sending("kajdslfkasdf", etag=True)).get("/").expect("ETag", KAJ_ETAG).expect(200)


@pytest.mark.parametrize("method", [m for m in HTTP_METHODS if m != "connect"])
def test_res__etag_setting__when_enabled__should_send_etag_in_response_to_method_request(
    method: str,
) -> None:
    app = express()
    getattr(app, method.replace("-", "_"))("/", lambda req, res: res.send("kajdslfkasdf"))
    request(app).method(method.upper(), "/").expect("ETag", KAJ_ETAG).expect(200)


def test_res__etag_setting__when_enabled__should_send_etag_for_empty_string_response() -> None:
    request(sending("", etag=True)).get("/").expect(
        "ETag", 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'
    ).expect(200)


def test_res__etag_setting__when_enabled__should_send_etag_for_long_response() -> None:
    request(sending(DASHES, etag=True)).get("/").expect("ETag", DASHES_ETAG).expect(200)


def manual_etag(**settings: Any) -> Any:
    def handler(req: Any, res: Any) -> None:
        res.set("etag", '"asdf"')
        res.send("hello!")

    return app_using(handler, **settings)


def test_res__etag_setting__when_enabled__should_not_override_etag_when_manually_set() -> None:
    request(manual_etag(etag=True)).get("/").expect("ETag", '"asdf"').expect(200)


def test_res__etag_setting__when_enabled__should_not_send_etag_for_res_send() -> None:
    app = app_using(lambda req, res: res.send(), etag=True)
    request(app).get("/").expect(should_not_have_header("ETag")).expect(200)


def test_res__etag_setting__when_disabled__should_send_no_etag() -> None:
    request(sending(DASHES, etag=False)).get("/").expect(should_not_have_header("ETag")).expect(200)


def test_res__etag_setting__when_disabled__should_send_etag_when_manually_set() -> None:
    request(manual_etag(etag=False)).get("/").expect("ETag", '"asdf"').expect(200)


def test_res__etag_setting__when_strong__should_send_strong_etag() -> None:
    app = sending("hello, world!", etag="strong")
    request(app).get("/").expect("ETag", HELLO_WORLD_TAG).expect(200)


def test_res__etag_setting__when_weak__should_send_weak_etag() -> None:
    app = sending("hello, world!", etag="weak")
    request(app).get("/").expect("ETag", "W/" + HELLO_WORLD_TAG).expect(200)


def test_res__etag_setting__when_a_function__should_send_custom_etag() -> None:
    def custom(body: bytes, *encoding: Any) -> str:
        assert bytes(body) == b"hello, world!"
        return '"custom"'

    app = sending("hello, world!", etag=custom)
    request(app).get("/").expect("ETag", '"custom"').expect(200)


def test_res__etag_setting__when_a_function__should_not_send_falsy_etag() -> None:
    app = sending("hello, world!", etag=lambda body, *encoding: None)
    request(app).get("/").expect(should_not_have_header("ETag")).expect(200)


@pytest.mark.parametrize("encoding", ["chunked", "compress", "deflate", "gzip"])
def test_res__when_transfer_encoding_header_is_present__should_not_add_content_length_header_if_transfer_encoding_header_is_equal_to_encoding(
    encoding: str,
) -> None:
    app = app_using(lambda _, res: res.status(200).set("Transfer-Encoding", encoding).send(""))
    (
        request(app)
        .get("/")
        .expect(should_not_have_header("Content-Length"))
        .expect(should_have_header("Transfer-Encoding"))
        .expect(200, "")
    )
