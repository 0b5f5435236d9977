"""Port of Express 5 test/express.json.js (body-parser's json parser as express.json).

``parseError(str)`` (V8's JSON.parse message) is written out as the text Node 20 gives.
Chunked writes (``test.write``) become one body; Node's AsyncLocalStorage is a ContextVar
(see parser_support).
"""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request
from tests.express.parser_support import (
    GZIP_JSON,
    NULLS,
    ZEROS_GZIP,
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

JSON = "application/json"
TOBI = '{"user":"tobi"}'
NAME = '{"name":"论"}'
NAME_UTF8 = bytes.fromhex("7b226e616d65223a22e8aeba227d")
NAME_UTF16 = bytes.fromhex("feff007b0022006e0061006d00650022003a00228bba0022007d")
STRICT_TRUE = "Unexpected token 't', \"true\" is not valid JSON"


def json_app(**options: Any) -> Any:
    return create_app(express.json, options)


def test_express_json__should_parse_json() -> None:
    post(json_app(), JSON, TOBI).expect(200, TOBI)


def test_express_json__should_handle_content_length_0() -> None:
    post(json_app(), JSON).set("Content-Length", "0").expect(200, "{}")


def test_express_json__should_handle_empty_message_body() -> None:
    post(json_app(), JSON).set("Transfer-Encoding", "chunked").expect(200, "{}")


def test_express_json__should_handle_no_message_body() -> None:
    request(json_app()).post("/").set("Content-Type", JSON).unset("Transfer-Encoding").expect(
        200, "{}"
    )


def test_express_json__should_400_when_only_whitespace() -> None:
    post(json_app(), JSON, "  \n").expect(400, "[entity.parse.failed] Unexpected end of JSON input")


def test_express_json__should_400_when_invalid_content_length() -> None:
    post(bad_length_app(express.json), JSON, '{"str":').expect(400).expect(
        lambda res: assert_contains(res.text, "content length")
    )


def test_express_json__should_handle_duplicated_middleware() -> None:
    post(duplicated_app(express.json), JSON, TOBI).expect(200, TOBI)


def test_express_json__when_json_is_invalid__should_400_for_bad_token() -> None:
    post(json_app(), JSON, "{:").expect(
        400, "[entity.parse.failed] Expected property name or '}' in JSON at position 1"
    )


def test_express_json__when_json_is_invalid__should_400_for_incomplete() -> None:
    post(json_app(), JSON, '{"user"').expect(
        400, "[entity.parse.failed] Expected ':' after property name in JSON at position 7"
    )


def test_express_json__when_json_is_invalid__should_include_original_body_on_error_object() -> None:
    post(json_app(), JSON, ' {"user"').set("X-Error-Property", "body").expect(400, ' {"user"')


DOTS_JSON = '{"str":"' + "." * 1024 + '"}'


def test_express_json__with_limit_option__should_413_when_over_limit_with_content_length() -> None:
    post(json_app(limit="1kb"), JSON, DOTS_JSON).set("Content-Length", "1034").expect(
        413, "[entity.too.large] request entity too large"
    )


def test_express_json__with_limit_option__should_413_when_over_limit_with_chunked_encoding() -> (
    None
):
    post(json_app(limit="1kb"), JSON, DOTS_JSON).set("Transfer-Encoding", "chunked").expect(413)


def test_express_json__with_limit_option__should_413_when_inflated_body_over_limit() -> None:
    body = bytes.fromhex(
        "1f8b080000000000000aab562a2e2952b252d21b05a360148c58a0540b0066f7ce1e0a040000"
    )
    encoded(json_app(limit="1kb"), "gzip", JSON, body).expect(413)


def test_express_json__with_limit_option__should_accept_number_of_bytes() -> None:
    post(json_app(limit=1024), JSON, DOTS_JSON).expect(413)


def test_express_json__with_limit_option__should_not_change_when_options_altered() -> None:
    post(altered_options_app(express.json), JSON, DOTS_JSON).expect(413)


def test_express_json__with_limit_option__should_not_hang_response() -> None:
    post(json_app(limit="8kb"), JSON, b"." * 10240 * 3).expect(413)


def test_express_json__with_limit_option__should_not_error_when_inflating() -> None:
    body = bytes.fromhex(
        "1f8b080000000000000aab562a2e2952b252d21b05a360148c58a0540b0066f7ce1e0a0400"
    )
    encoded(json_app(limit="1kb"), "gzip", JSON, body).expect(413)


def test_express_json__with_inflate_option__when_false__should_not_accept_content_encoding() -> (
    None
):
    encoded(json_app(inflate=False), "gzip", JSON, GZIP_JSON).expect(
        415, "[encoding.unsupported] content encoding unsupported"
    )


def test_express_json__with_inflate_option__when_true__should_accept_content_encoding() -> None:
    encoded(json_app(inflate=True), "gzip", JSON, GZIP_JSON).expect(200, NAME)


def test_express_json__with_strict_option__when_undefined__should_400_on_primitives() -> None:
    post(json_app(), JSON, "true").expect(400, f"[entity.parse.failed] {STRICT_TRUE}")


def test_express_json__with_strict_option__when_false__should_parse_primitives() -> None:
    post(json_app(strict=False), JSON, "true").expect(200, "true")


def test_express_json__with_strict_option__when_true__should_not_parse_primitives() -> None:
    post(json_app(strict=True), JSON, "true").expect(400, f"[entity.parse.failed] {STRICT_TRUE}")


def test_express_json__with_strict_option__when_true__should_not_parse_primitives_with_leading_whitespaces() -> (
    None
):
    post(json_app(strict=True), JSON, "    true").expect(
        400, "[entity.parse.failed] Unexpected token 't', \"    true\" is not valid JSON"
    )


def test_express_json__with_strict_option__when_true__should_allow_leading_whitespaces_in_json() -> (
    None
):
    post(json_app(strict=True), JSON, '   { "user": "tobi" }').expect(200, TOBI)


def test_express_json__with_strict_option__when_true__should_include_correct_message_in_stack_trace() -> (
    None
):
    post(json_app(strict=True), JSON, "true").set("X-Error-Property", "stack").expect(400).expect(
        lambda res: assert_contains(res.text, STRICT_TRUE)
    )


VND = "application/vnd.api+json"


def test_express_json__with_type_option__when_application_vnd_api_json__should_parse_json_for_custom_type() -> (
    None
):
    post(json_app(type=VND), VND, TOBI).expect(200, TOBI)


def test_express_json__with_type_option__when_application_vnd_api_json__should_ignore_standard_type() -> (
    None
):
    post(json_app(type=VND), JSON, TOBI).expect(200, "")


def test_express_json__with_type_option__when_application_json_application_vnd_api_json__should_parse_json_for_application_json() -> (
    None
):
    post(json_app(type=[JSON, VND]), JSON, TOBI).expect(200, TOBI)


def test_express_json__with_type_option__when_application_json_application_vnd_api_json__should_parse_json_for_application_vnd_api_json() -> (
    None
):
    post(json_app(type=[JSON, VND]), VND, TOBI).expect(200, TOBI)


def test_express_json__with_type_option__when_application_json_application_vnd_api_json__should_ignore_application_x_json() -> (
    None
):
    post(json_app(type=[JSON, VND]), "application/x-json", TOBI).expect(200, "")


def test_express_json__with_type_option__when_a_function__should_parse_when_truthy_value_returned() -> (
    None
):
    app = typed_app(express.json, header_is(VND))
    post(app, VND, TOBI).expect(200, TOBI)


def test_express_json__with_type_option__when_a_function__should_work_without_content_type() -> (
    None
):
    post(typed_app(express.json, lambda req: True), None, TOBI).expect(200, TOBI)


def test_express_json__with_type_option__when_a_function__should_not_invoke_without_a_body() -> (
    None
):
    request(typed_app(express.json, throwing_type)).get("/").expect(404)


def test_express_json__with_verify_option__should_assert_value_if_function() -> None:
    assert_rejects_verify(express.json)


def test_express_json__with_verify_option__should_error_from_verify() -> None:
    post(verify_app(express.json, 0x5B), JSON, '["tobi"]').expect(
        403, "[entity.verify.failed] no arrays"
    )


def test_express_json__with_verify_option__should_allow_custom_codes() -> None:
    post(verify_app(express.json, 0x5B, status=400), JSON, '["tobi"]').expect(
        400, "[entity.verify.failed] no arrays"
    )


def test_express_json__with_verify_option__should_allow_custom_type() -> None:
    post(verify_app(express.json, 0x5B, kind="foo.bar"), JSON, '["tobi"]').expect(
        403, "[foo.bar] no arrays"
    )


def test_express_json__with_verify_option__should_include_original_body_on_error_object() -> None:
    app = verify_app(express.json, 0x5B)
    post(app, JSON, '["tobi"]').set("X-Error-Property", "body").expect(403, '["tobi"]')


def test_express_json__with_verify_option__should_allow_pass_through() -> None:
    post(verify_app(express.json, 0x5B), JSON, TOBI).expect(200, TOBI)


def test_express_json__with_verify_option__should_work_with_different_charsets() -> None:
    app = verify_app(express.json, 0x5B)
    post(app, "application/json; charset=utf-16", NAME_UTF16).expect(200, NAME)


def test_express_json__with_verify_option__should_415_on_unknown_charset_prior_to_verify() -> None:
    post(never_verify_app(express.json), "application/json; charset=x-bogus", NULLS[:4]).expect(
        415, '[charset.unsupported] unsupported charset "X-BOGUS"'
    )


def test_express_json__async_local_storage__should_persist_store() -> None:
    post(store_app(express.json), JSON, TOBI).expect(200).expect("x-store-foo", "bar").expect(TOBI)


def test_express_json__async_local_storage__should_persist_store_when_unmatched_content_type() -> (
    None
):
    app = store_app(express.json)
    post(app, "application/fizzbuzz", "buzz").expect(200).expect("x-store-foo", "bar").expect("")


def test_express_json__async_local_storage__should_persist_store_when_inflated() -> None:
    app = store_app(express.json)
    encoded(app, "gzip", JSON, GZIP_JSON).expect(200).expect("x-store-foo", "bar").expect(NAME)


def test_express_json__async_local_storage__should_persist_store_when_inflate_error() -> None:
    broken = bytes.fromhex("1f8b080000000000000bab56cc4d55b2527ab16e97522d00515be1cc0e000000")
    encoded(store_app(express.json), "gzip", JSON, broken).expect(400).expect("x-store-foo", "bar")


def test_express_json__async_local_storage__should_persist_store_when_parse_error() -> None:
    post(store_app(express.json), JSON, '{"user":').expect(400).expect("x-store-foo", "bar")


def test_express_json__async_local_storage__should_persist_store_when_limit_exceeded() -> None:
    body = '{"user":"' + "." * 1024 * 100 + '"}'
    post(store_app(express.json), JSON, body).expect(413).expect("x-store-foo", "bar")


def test_express_json__charset__should_parse_utf_8() -> None:
    post(json_app(), "application/json; charset=utf-8", NAME_UTF8).expect(200, NAME)


def test_express_json__charset__should_parse_utf_16() -> None:
    post(json_app(), "application/json; charset=utf-16", NAME_UTF16).expect(200, NAME)


def test_express_json__charset__should_parse_when_content_length_char_length() -> None:
    body = bytes.fromhex("7b2274657374223a22c3a5227d")
    post(json_app(), "application/json; charset=utf-8", body).set("Content-Length", "13").expect(
        200, '{"test":"å"}'
    )


def test_express_json__charset__should_default_to_utf_8() -> None:
    post(json_app(), JSON, NAME_UTF8).expect(200, NAME)


def test_express_json__charset__should_fail_on_unknown_charset() -> None:
    body = bytes.fromhex("7b226e616d65223a22cec5d4227d")
    post(json_app(), "application/json; charset=koi8-r", body).expect(
        415, '[charset.unsupported] unsupported charset "KOI8-R"'
    )


def test_express_json__encoding__should_parse_without_encoding() -> None:
    post(json_app(limit="1kb"), JSON, NAME_UTF8).expect(200, NAME)


def test_express_json__encoding__should_support_identity_encoding() -> None:
    encoded(json_app(limit="1kb"), "identity", JSON, NAME_UTF8).expect(200, NAME)


def test_express_json__encoding__should_support_gzip_encoding() -> None:
    encoded(json_app(limit="1kb"), "gzip", JSON, GZIP_JSON).expect(200, NAME)


def test_express_json__encoding__should_support_deflate_encoding() -> None:
    body = bytes.fromhex("789cab56ca4bcc4d55b2527ab16e97522d00274505ac")
    encoded(json_app(limit="1kb"), "deflate", JSON, body).expect(200, NAME)


def test_express_json__encoding__should_be_case_insensitive() -> None:
    encoded(json_app(limit="1kb"), "GZIP", JSON, GZIP_JSON).expect(200, NAME)


def test_express_json__encoding__should_415_on_unknown_encoding() -> None:
    encoded(json_app(limit="1kb"), "nulls", JSON, NULLS).expect(
        415, '[encoding.unsupported] unsupported content encoding "nulls"'
    )


def test_express_json__encoding__should_400_on_malformed_encoding() -> None:
    broken = bytes.fromhex("1f8b080000000000000bab56cc4d55b2527ab16e97522d00515be1cc0e000000")
    encoded(json_app(limit="1kb"), "gzip", JSON, broken).expect(400)


def test_express_json__encoding__should_413_when_inflated_value_exceeds_limit() -> None:
    encoded(json_app(limit="1kb"), "gzip", JSON, ZEROS_GZIP).expect(413)
