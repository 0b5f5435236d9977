"""Port of Express 5 test/express.raw.js (body-parser's raw parser).

The route answers ``{"buf": hex}`` for a bytes body, as the upstream one does for a Buffer.
Chunked writes (``test.write``) become one body; Node's AsyncLocalStorage is a ContextVar
(see parser_support).
"""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request
from tests.express.parser_support import (
    GZIP_DOTS,
    GZIP_FORM,
    NULLS,
    altered_options_app,
    assert_contains,
    assert_rejects_verify,
    bad_length_app,
    create_app,
    duplicated_app,
    encoded,
    header_is,
    hex_body,
    post,
    store_app,
    throwing_type,
    typed_app,
    verify_app,
)

OCTETS = "application/octet-stream"
TOBI_HEX = {"buf": "746865207573657220697320746f6269"}
NAME_FORM = bytes.fromhex("6e616d653de8aeba")
NAME_HEX = {"buf": "6e616d653de8aeba"}
BYTES = bytes.fromhex("000102")
BYTES_HEX = {"buf": "000102"}
DOTS = b"." * 1028


def raw_app(**options: Any) -> Any:
    return create_app(express.raw, options, hex_body)


def test_express_raw__should_parse_application_octet_stream() -> None:
    post(raw_app(), OCTETS, "the user is tobi").expect(200, TOBI_HEX)


def test_express_raw__should_400_when_invalid_content_length() -> None:
    post(bad_length_app(express.raw, hex_body), OCTETS, "stuff").expect(400).expect(
        lambda res: assert_contains(res.text, "content length")
    )


def test_express_raw__should_handle_content_length_0() -> None:
    request(raw_app()).post("/").set("Content-Type", OCTETS).set("Content-Length", "0").expect(
        200, {"buf": ""}
    )


def test_express_raw__should_handle_empty_message_body() -> None:
    post(raw_app(), OCTETS, "").set("Transfer-Encoding", "chunked").expect(200, {"buf": ""})


def test_express_raw__should_handle_duplicated_middleware() -> None:
    post(duplicated_app(express.raw, hex_body), OCTETS, "the user is tobi").expect(200, TOBI_HEX)


def test_express_raw__with_limit_option__should_413_when_over_limit_with_content_length() -> None:
    post(raw_app(limit="1kb"), OCTETS, DOTS).set("Content-Length", "1028").expect(413)


def test_express_raw__with_limit_option__should_413_when_over_limit_with_chunked_encoding() -> None:
    post(raw_app(limit="1kb"), OCTETS, DOTS).set("Transfer-Encoding", "chunked").expect(413)


def test_express_raw__with_limit_option__should_413_when_inflated_body_over_limit() -> None:
    encoded(raw_app(limit="1kb"), "gzip", OCTETS, GZIP_DOTS).expect(413)


def test_express_raw__with_limit_option__should_accept_number_of_bytes() -> None:
    post(raw_app(limit=1024), OCTETS, DOTS).expect(413)


def test_express_raw__with_limit_option__should_not_change_when_options_altered() -> None:
    post(altered_options_app(express.raw, hex_body), OCTETS, DOTS).expect(413)


def test_express_raw__with_limit_option__should_not_hang_response() -> None:
    post(raw_app(limit="8kb"), OCTETS, b"." * 10240 * 3).expect(413)


def test_express_raw__with_limit_option__should_not_error_when_inflating() -> None:
    encoded(raw_app(limit="1kb"), "gzip", OCTETS, GZIP_DOTS[:-1]).expect(413)


def test_express_raw__with_inflate_option__when_false__should_not_accept_content_encoding() -> None:
    encoded(raw_app(inflate=False), "gzip", OCTETS, GZIP_FORM).expect(
        415, "[encoding.unsupported] content encoding unsupported"
    )


def test_express_raw__with_inflate_option__when_true__should_accept_content_encoding() -> None:
    encoded(raw_app(inflate=True), "gzip", OCTETS, GZIP_FORM).expect(200, NAME_HEX)


VND = "application/vnd+octets"


def test_express_raw__with_type_option__when_application_vnd_octets__should_parse_for_custom_type() -> (
    None
):
    post(raw_app(type=VND), VND, BYTES).expect(200, BYTES_HEX)


def test_express_raw__with_type_option__when_application_vnd_octets__should_ignore_standard_type() -> (
    None
):
    post(raw_app(type=VND), OCTETS, BYTES).expect(200, "")


def test_express_raw__with_type_option__when_application_octet_stream_application_vnd_octets__should_parse_application_octet_stream() -> (
    None
):
    post(raw_app(type=[OCTETS, VND]), OCTETS, BYTES).expect(200, BYTES_HEX)


def test_express_raw__with_type_option__when_application_octet_stream_application_vnd_octets__should_parse_application_vnd_octets() -> (
    None
):
    post(raw_app(type=[OCTETS, VND]), VND, BYTES).expect(200, BYTES_HEX)


def test_express_raw__with_type_option__when_application_octet_stream_application_vnd_octets__should_ignore_application_x_foo() -> (
    None
):
    post(raw_app(type=[OCTETS, VND]), "application/x-foo", BYTES).expect(200, "")


def test_express_raw__with_type_option__when_a_function__should_parse_when_truthy_value_returned() -> (
    None
):
    app = typed_app(express.raw, header_is("application/vnd.octet"), hex_body)
    post(app, "application/vnd.octet", BYTES).expect(200, BYTES_HEX)


def test_express_raw__with_type_option__when_a_function__should_work_without_content_type() -> None:
    post(typed_app(express.raw, lambda req: True, hex_body), None, BYTES).expect(200, BYTES_HEX)


def test_express_raw__with_type_option__when_a_function__should_not_invoke_without_a_body() -> None:
    request(typed_app(express.raw, throwing_type, hex_body)).get("/").expect(404)


def test_express_raw__with_verify_option__should_assert_value_is_function() -> None:
    assert_rejects_verify(express.raw)


def test_express_raw__with_verify_option__should_error_from_verify() -> None:
    app = verify_app(express.raw, 0x00, message="no leading null", route=hex_body)
    post(app, OCTETS, BYTES).expect(403, "[entity.verify.failed] no leading null")


def test_express_raw__with_verify_option__should_allow_custom_codes() -> None:
    app = verify_app(express.raw, 0x00, status=400, message="no leading null", route=hex_body)
    post(app, OCTETS, BYTES).expect(400, "[entity.verify.failed] no leading null")


def test_express_raw__with_verify_option__should_allow_pass_through() -> None:
    app = verify_app(express.raw, 0x00, message="no leading null", route=hex_body)
    post(app, OCTETS, bytes.fromhex("0102")).expect(200, {"buf": "0102"})


def test_express_raw__async_local_storage__should_persist_store() -> None:
    app = store_app(express.raw, hex_body)
    post(app, OCTETS, "the user is tobi").expect(200).expect("x-store-foo", "bar").expect(TOBI_HEX)


def test_express_raw__async_local_storage__should_persist_store_when_unmatched_content_type() -> (
    None
):
    app = store_app(express.raw, hex_body)
    post(app, "application/fizzbuzz", "buzz").expect(200).expect("x-store-foo", "bar")


def test_express_raw__async_local_storage__should_persist_store_when_inflated() -> None:
    app = store_app(express.raw, hex_body)
    encoded(app, "gzip", OCTETS, GZIP_FORM).expect(200).expect("x-store-foo", "bar").expect(
        NAME_HEX
    )


def test_express_raw__async_local_storage__should_persist_store_when_inflate_error() -> None:
    app = store_app(express.raw, hex_body)
    encoded(app, "gzip", OCTETS, GZIP_FORM[:-1]).expect(400).expect("x-store-foo", "bar")


def test_express_raw__async_local_storage__should_persist_store_when_limit_exceeded() -> None:
    app = store_app(express.raw, hex_body)
    post(app, OCTETS, "the user is " + "." * 1024 * 100).expect(413).expect("x-store-foo", "bar")


def test_express_raw__charset__should_ignore_charset() -> None:
    body = bytes.fromhex("6e616d6520697320e8aeba")
    post(raw_app(), f"{OCTETS}; charset=utf-8", body).expect(200, {"buf": body.hex()})


def test_express_raw__encoding__should_parse_without_encoding() -> None:
    post(raw_app(limit="10kb"), OCTETS, NAME_FORM).expect(200, NAME_HEX)


def test_express_raw__encoding__should_support_identity_encoding() -> None:
    encoded(raw_app(limit="10kb"), "identity", OCTETS, NAME_FORM).expect(200, NAME_HEX)


def test_express_raw__encoding__should_support_gzip_encoding() -> None:
    encoded(raw_app(limit="10kb"), "gzip", OCTETS, GZIP_FORM).expect(200, NAME_HEX)


def test_express_raw__encoding__should_support_deflate_encoding() -> None:
    body = bytes.fromhex("789ccb4bcc4db57db16e17001068042f")
    encoded(raw_app(limit="10kb"), "deflate", OCTETS, body).expect(200, NAME_HEX)


def test_express_raw__encoding__should_be_case_insensitive() -> None:
    encoded(raw_app(limit="10kb"), "GZIP", OCTETS, GZIP_FORM).expect(200, NAME_HEX)


def test_express_raw__encoding__should_415_on_unknown_encoding() -> None:
    encoded(raw_app(limit="10kb"), "nulls", OCTETS, NULLS).expect(
        415, '[encoding.unsupported] unsupported content encoding "nulls"'
    )
