"""Port of Express 5 test/express.text.js (body-parser's text parser).

Chunked writes (``test.write``) become one body; Node's AsyncLocalStorage is a ContextVar
(see parser_support).
"""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request
from tests.express.parser_support import (
    GZIP_DOTS,
    GZIP_TEXT,
    NULLS,
    altered_options_app,
    assert_contains,
    assert_rejects_verify,
    bad_length_app,
    create_app,
    duplicated_app,
    encoded,
    header_is,
    never_verify_app,
    post,
    store_app,
    throwing_type,
    typed_app,
    verify_app,
)

TEXT = "text/plain"
TOBI = '"user is tobi"'
NAME = '"name is 论"'
NAME_UTF8 = bytes.fromhex("6e616d6520697320e8aeba")
NAME_KOI8 = bytes.fromhex("6e616d6520697320cec5d4")
DOTS = "." * 1028


def text_app(**options: Any) -> Any:
    return create_app(express.text, options)


def test_express_text__should_parse_text_plain() -> None:
    post(text_app(), TEXT, "user is tobi").expect(200, TOBI)


def test_express_text__should_400_when_invalid_content_length() -> None:
    post(bad_length_app(express.text), TEXT, "user").expect(400).expect(
        lambda res: assert_contains(res.text, "content length")
    )


def test_express_text__should_handle_content_length_0() -> None:
    request(text_app(limit="1kb")).post("/").set("Content-Type", TEXT).set(
        "Content-Length", "0"
    ).expect(200, '""')


def test_express_text__should_handle_empty_message_body() -> None:
    post(text_app(limit="1kb"), TEXT, "").set("Transfer-Encoding", "chunked").expect(200, '""')


def test_express_text__should_handle_duplicated_middleware() -> None:
    post(duplicated_app(express.text), TEXT, "user is tobi").expect(200, TOBI)


def test_express_text__with_defaultcharset_option__should_change_default_charset() -> None:
    post(text_app(defaultCharset="koi8-r"), TEXT, NAME_KOI8).expect(200, '"name is нет"')


def test_express_text__with_defaultcharset_option__should_honor_content_type_charset() -> None:
    post(text_app(defaultCharset="koi8-r"), "text/plain; charset=utf-8", NAME_UTF8).expect(
        200, NAME
    )


def test_express_text__with_limit_option__should_413_when_over_limit_with_content_length() -> None:
    post(text_app(limit="1kb"), TEXT, DOTS).set("Content-Length", "1028").expect(413)


def test_express_text__with_limit_option__should_413_when_over_limit_with_chunked_encoding() -> (
    None
):
    post(text_app(limit="1kb"), TEXT, DOTS).set("Transfer-Encoding", "chunked").expect(413)


def test_express_text__with_limit_option__should_413_when_inflated_body_over_limit() -> None:
    encoded(text_app(limit="1kb"), "gzip", TEXT, GZIP_DOTS).expect(413)


def test_express_text__with_limit_option__should_accept_number_of_bytes() -> None:
    post(text_app(limit=1024), TEXT, DOTS).expect(413)


def test_express_text__with_limit_option__should_not_change_when_options_altered() -> None:
    post(altered_options_app(express.text), TEXT, DOTS).expect(413)


def test_express_text__with_limit_option__should_not_hang_response() -> None:
    post(text_app(limit="8kb"), TEXT, b"." * 10240 * 3).expect(413)


def test_express_text__with_limit_option__should_not_error_when_inflating() -> None:
    # The upstream test sends a gzip stream cut short and waits 100 ms before expecting.
    encoded(text_app(limit="1kb"), "gzip", TEXT, GZIP_DOTS[:-2]).expect(413)


def test_express_text__with_inflate_option__when_false__should_not_accept_content_encoding() -> (
    None
):
    encoded(text_app(inflate=False), "gzip", TEXT, GZIP_TEXT).expect(
        415, "[encoding.unsupported] content encoding unsupported"
    )


def test_express_text__with_inflate_option__when_true__should_accept_content_encoding() -> None:
    encoded(text_app(inflate=True), "gzip", TEXT, GZIP_TEXT).expect(200, NAME)


def test_express_text__with_type_option__when_text_html__should_parse_for_custom_type() -> None:
    post(text_app(type="text/html"), "text/html", "<b>tobi</b>").expect(200, '"<b>tobi</b>"')


def test_express_text__with_type_option__when_text_html__should_ignore_standard_type() -> None:
    post(text_app(type="text/html"), TEXT, "user is tobi").expect(200, "")


HTML_OR_TEXT = ["text/html", "text/plain"]


def test_express_text__with_type_option__when_text_html_text_plain__should_parse_text_html() -> (
    None
):
    post(text_app(type=HTML_OR_TEXT), "text/html", "<b>tobi</b>").expect(200, '"<b>tobi</b>"')


def test_express_text__with_type_option__when_text_html_text_plain__should_parse_text_plain() -> (
    None
):
    post(text_app(type=HTML_OR_TEXT), TEXT, "tobi").expect(200, '"tobi"')


def test_express_text__with_type_option__when_text_html_text_plain__should_ignore_text_xml() -> (
    None
):
    post(text_app(type=HTML_OR_TEXT), "text/xml", "<user>tobi</user>").expect(200, "")


def test_express_text__with_type_option__when_a_function__should_parse_when_truthy_value_returned() -> (
    None
):
    app = typed_app(express.text, header_is("text/vnd.something"))
    post(app, "text/vnd.something", "user is tobi").expect(200, TOBI)


def test_express_text__with_type_option__when_a_function__should_work_without_content_type() -> (
    None
):
    post(typed_app(express.text, lambda req: True), None, "user is tobi").expect(200, TOBI)


def test_express_text__with_type_option__when_a_function__should_not_invoke_without_a_body() -> (
    None
):
    request(typed_app(express.text, throwing_type)).get("/").expect(404)


def test_express_text__with_verify_option__should_assert_value_is_function() -> None:
    assert_rejects_verify(express.text)


def test_express_text__with_verify_option__should_error_from_verify() -> None:
    app = verify_app(express.text, 0x20, message="no leading space")
    post(app, TEXT, " user is tobi").expect(403, "[entity.verify.failed] no leading space")


def test_express_text__with_verify_option__should_allow_custom_codes() -> None:
    app = verify_app(express.text, 0x20, status=400, message="no leading space")
    post(app, TEXT, " user is tobi").expect(400, "[entity.verify.failed] no leading space")


def test_express_text__with_verify_option__should_allow_pass_through() -> None:
    app = verify_app(express.text, 0x20, message="no leading space")
    post(app, TEXT, "user is tobi").expect(200, TOBI)


def test_express_text__with_verify_option__should_415_on_unknown_charset_prior_to_verify() -> None:
    post(never_verify_app(express.text), "text/plain; charset=x-bogus", NULLS[:4]).expect(
        415, '[charset.unsupported] unsupported charset "X-BOGUS"'
    )


def test_express_text__async_local_storage__should_persist_store() -> None:
    app = store_app(express.text)
    post(app, TEXT, "user is tobi").expect(200).expect("x-store-foo", "bar").expect(TOBI)


def test_express_text__async_local_storage__should_persist_store_when_unmatched_content_type() -> (
    None
):
    app = store_app(express.text)
    post(app, "application/fizzbuzz", "buzz").expect(200).expect("x-store-foo", "bar")


def test_express_text__async_local_storage__should_persist_store_when_inflated() -> None:
    app = store_app(express.text)
    encoded(app, "gzip", TEXT, GZIP_TEXT).expect(200).expect("x-store-foo", "bar").expect(NAME)


def test_express_text__async_local_storage__should_persist_store_when_inflate_error() -> None:
    broken = bytes.fromhex("1f8b080000000000000bcb4bcc4d55c82c5678b16e170072b3e0200b0000")
    encoded(store_app(express.text), "gzip", TEXT, broken).expect(400).expect("x-store-foo", "bar")


def test_express_text__async_local_storage__should_persist_store_when_limit_exceeded() -> None:
    app = store_app(express.text)
    post(app, TEXT, "user is " + "." * 1024 * 100).expect(413).expect("x-store-foo", "bar")


def test_express_text__charset__should_parse_utf_8() -> None:
    post(text_app(), "text/plain; charset=utf-8", NAME_UTF8).expect(200, NAME)


def test_express_text__charset__should_parse_codepage_charsets() -> None:
    post(text_app(), "text/plain; charset=koi8-r", NAME_KOI8).expect(200, '"name is нет"')


def test_express_text__charset__should_parse_when_content_length_char_length() -> None:
    post(text_app(), "text/plain; charset=utf-8", NAME_UTF8).set("Content-Length", "11").expect(
        200, NAME
    )


def test_express_text__charset__should_default_to_utf_8() -> None:
    post(text_app(), TEXT, NAME_UTF8).expect(200, NAME)


def test_express_text__charset__should_415_on_unknown_charset() -> None:
    post(text_app(), "text/plain; charset=x-bogus", NULLS[:4]).expect(
        415, '[charset.unsupported] unsupported charset "X-BOGUS"'
    )


def test_express_text__encoding__should_parse_without_encoding() -> None:
    post(text_app(limit="10kb"), TEXT, NAME_UTF8).expect(200, NAME)


def test_express_text__encoding__should_support_identity_encoding() -> None:
    encoded(text_app(limit="10kb"), "identity", TEXT, NAME_UTF8).expect(200, NAME)


def test_express_text__encoding__should_support_gzip_encoding() -> None:
    encoded(text_app(limit="10kb"), "gzip", TEXT, GZIP_TEXT).expect(200, NAME)


def test_express_text__encoding__should_support_deflate_encoding() -> None:
    body = bytes.fromhex("789ccb4bcc4d55c82c5678b16e17001a6f050e")
    encoded(text_app(limit="10kb"), "deflate", TEXT, body).expect(200, NAME)


def test_express_text__encoding__should_be_case_insensitive() -> None:
    encoded(text_app(limit="10kb"), "GZIP", TEXT, GZIP_TEXT).expect(200, NAME)


def test_express_text__encoding__should_415_on_unknown_encoding() -> None:
    encoded(text_app(limit="10kb"), "nulls", TEXT, NULLS).expect(
        415, '[encoding.unsupported] unsupported content encoding "nulls"'
    )
