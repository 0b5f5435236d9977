"""Port of Express 5 test/express.urlencoded.js (body-parser's urlencoded parser).

Chunked writes (``test.write``) become one body; Node's AsyncLocalStorage is a ContextVar
(see parser_support). ``parameterLimit: Infinity`` is ``float("inf")``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request
from tests.express.parser_support import (
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
    never_verify_app,
    post,
    store_app,
    throwing_type,
    typed_app,
    verify_app,
)

FORM = "application/x-www-form-urlencoded"
TOBI = '{"user":"tobi"}'
NAME = '{"name":"论"}'
NAME_UTF8 = bytes.fromhex("6e616d653de8aeba")
DOTS_FORM = "str=" + "." * 1024


def form_app(**options: Any) -> Any:
    return create_app(express.urlencoded, options)


def many_params(count: int) -> str:
    """createManyParams: ``0=0&1=1&...`` with the names in base 36."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"

    def base36(n: int) -> str:
        text = ""
        while True:
            n, rest = divmod(n, 36)
            text = digits[rest] + text
            if n == 0:
                return text

    return "&".join(f"{base36(i)}={base36(i)}" for i in range(count))


def key_count(count: int) -> Any:
    def check(res: Any) -> None:
        assert len(json.loads(res.text)) == count

    return check


def test_express_urlencoded__should_parse_x_www_form_urlencoded() -> None:
    post(form_app(), FORM, "user=tobi").expect(200, TOBI)


def test_express_urlencoded__should_400_when_invalid_content_length() -> None:
    post(bad_length_app(express.urlencoded), FORM, "str=").expect(400).expect(
        lambda res: assert_contains(res.text, "content length")
    )


def test_express_urlencoded__should_handle_content_length_0() -> None:
    post(form_app(), FORM, "").set("Content-Length", "0").expect(200, "{}")


def test_express_urlencoded__should_handle_empty_message_body() -> None:
    post(form_app(limit="1kb"), FORM, "").set("Transfer-Encoding", "chunked").expect(200, "{}")


def test_express_urlencoded__should_handle_duplicated_middleware() -> None:
    post(duplicated_app(express.urlencoded), FORM, "user=tobi").expect(200, TOBI)


def test_express_urlencoded__should_not_parse_extended_syntax() -> None:
    post(form_app(), FORM, "user[name][first]=Tobi").expect(200, '{"user[name][first]":"Tobi"}')


def test_express_urlencoded__with_extended_option__when_false__should_not_parse_extended_syntax() -> (
    None
):
    post(form_app(extended=False), FORM, "user[name][first]=Tobi").expect(
        200, '{"user[name][first]":"Tobi"}'
    )


def test_express_urlencoded__with_extended_option__when_false__should_parse_multiple_key_instances() -> (
    None
):
    post(form_app(extended=False), FORM, "user=Tobi&user=Loki").expect(
        200, '{"user":["Tobi","Loki"]}'
    )


def test_express_urlencoded__with_extended_option__when_true__should_parse_multiple_key_instances() -> (
    None
):
    post(form_app(extended=True), FORM, "user=Tobi&user=Loki").expect(
        200, '{"user":["Tobi","Loki"]}'
    )


def test_express_urlencoded__with_extended_option__when_true__should_parse_extended_syntax() -> (
    None
):
    post(form_app(extended=True), FORM, "user[name][first]=Tobi").expect(
        200, '{"user":{"name":{"first":"Tobi"}}}'
    )


def test_express_urlencoded__with_extended_option__when_true__should_parse_parameters_with_dots() -> (
    None
):
    post(form_app(extended=True), FORM, "user.name=Tobi").expect(200, '{"user.name":"Tobi"}')


def test_express_urlencoded__with_extended_option__when_true__should_parse_fully_encoded_extended_syntax() -> (
    None
):
    post(form_app(extended=True), FORM, "user%5Bname%5D%5Bfirst%5D=Tobi").expect(
        200, '{"user":{"name":{"first":"Tobi"}}}'
    )


def test_express_urlencoded__with_extended_option__when_true__should_parse_array_index_notation() -> (
    None
):
    post(form_app(extended=True), FORM, "foo[0]=bar&foo[1]=baz").expect(
        200, '{"foo":["bar","baz"]}'
    )


def test_express_urlencoded__with_extended_option__when_true__should_parse_array_index_notation_with_large_array() -> (
    None
):
    body = "f[0]=0" + "".join(f"&f[{i}]={i:x}" for i in range(1, 500))

    def check(res: Any) -> None:
        obj = json.loads(res.text)
        assert list(obj) == ["f"]
        assert isinstance(obj["f"], list)
        assert len(obj["f"]) == 500

    post(form_app(extended=True), FORM, body).expect(check).expect(200)


def test_express_urlencoded__with_extended_option__when_true__should_parse_array_of_objects_syntax() -> (
    None
):
    post(form_app(extended=True), FORM, "foo[0][bar]=baz&foo[0][fizz]=buzz&foo[]=done!").expect(
        200, '{"foo":[{"bar":"baz","fizz":"buzz"},"done!"]}'
    )


def test_express_urlencoded__with_extended_option__when_true__should_parse_deep_object() -> None:
    body = "foo" + "[p]" * 32 + "=bar"

    def check(res: Any) -> None:
        obj = json.loads(res.text)
        assert list(obj) == ["foo"]
        assert isinstance(obj["foo"], dict)
        depth, ref = 0, obj["foo"]
        while isinstance(ref, dict) and ref.get("p"):
            ref = ref["p"]
            depth += 1
        assert depth == 32

    post(form_app(extended=True), FORM, body).expect(check).expect(200)


def test_express_urlencoded__with_inflate_option__when_false__should_not_accept_content_encoding() -> (
    None
):
    encoded(form_app(inflate=False), "gzip", FORM, GZIP_FORM).expect(
        415, "[encoding.unsupported] content encoding unsupported"
    )


def test_express_urlencoded__with_inflate_option__when_true__should_accept_content_encoding() -> (
    None
):
    encoded(form_app(inflate=True), "gzip", FORM, GZIP_FORM).expect(200, NAME)


def test_express_urlencoded__with_limit_option__should_413_when_over_limit_with_content_length() -> (
    None
):
    post(form_app(limit="1kb"), FORM, DOTS_FORM).set("Content-Length", "1028").expect(413)


def test_express_urlencoded__with_limit_option__should_413_when_over_limit_with_chunked_encoding() -> (
    None
):
    post(form_app(limit="1kb"), FORM, DOTS_FORM).set("Transfer-Encoding", "chunked").expect(413)


def test_express_urlencoded__with_limit_option__should_413_when_inflated_body_over_limit() -> None:
    body = bytes.fromhex("1f8b080000000000000a2b2e29b2d51b05a360148c580000a0351f9204040000")
    encoded(form_app(limit="1kb"), "gzip", FORM, body).expect(413)


def test_express_urlencoded__with_limit_option__should_accept_number_of_bytes() -> None:
    post(form_app(limit=1024), FORM, DOTS_FORM).expect(413)


def test_express_urlencoded__with_limit_option__should_not_change_when_options_altered() -> None:
    post(altered_options_app(express.urlencoded), FORM, DOTS_FORM).expect(413)


def test_express_urlencoded__with_limit_option__should_not_hang_response() -> None:
    post(form_app(limit="8kb"), FORM, b"." * 10240 * 3).expect(413)


def test_express_urlencoded__with_limit_option__should_not_error_when_inflating() -> None:
    body = bytes.fromhex("1f8b080000000000000a2b2e29b2d51b05a360148c580000a0351f92040400")
    encoded(form_app(limit="1kb"), "gzip", FORM, body).expect(413)


def assert_rejects_limit(extended: bool, limit: Any) -> None:
    with pytest.raises(TypeError, match="option parameterLimit must be a positive number"):
        express.urlencoded({"extended": extended, "parameterLimit": limit})


def limited(extended: bool, limit: float, count: int) -> Any:
    app = create_app(express.urlencoded, {"extended": extended, "parameterLimit": limit})
    return post(app, FORM, many_params(count))


def test_express_urlencoded__with_parameterlimit_option__with_extended_false__should_reject_0() -> (
    None
):
    assert_rejects_limit(False, 0)


def test_express_urlencoded__with_parameterlimit_option__with_extended_false__should_reject_string() -> (
    None
):
    assert_rejects_limit(False, "beep")


def test_express_urlencoded__with_parameterlimit_option__with_extended_false__should_413_if_over_limit() -> (
    None
):
    limited(False, 10, 11).expect(413, "[parameters.too.many] too many parameters")


def test_express_urlencoded__with_parameterlimit_option__with_extended_false__should_work_when_at_the_limit() -> (
    None
):
    limited(False, 10, 10).expect(key_count(10)).expect(200)


def test_express_urlencoded__with_parameterlimit_option__with_extended_false__should_work_if_number_is_floating_point() -> (
    None
):
    limited(False, 10.1, 11).expect(413, "[parameters.too.many] too many parameters")


def test_express_urlencoded__with_parameterlimit_option__with_extended_false__should_work_with_large_limit() -> (
    None
):
    limited(False, 5000, 5000).expect(key_count(5000)).expect(200)


def test_express_urlencoded__with_parameterlimit_option__with_extended_false__should_work_with_infinity_limit() -> (
    None
):
    limited(False, float("inf"), 10000).expect(key_count(10000)).expect(200)


def test_express_urlencoded__with_parameterlimit_option__with_extended_true__should_reject_0() -> (
    None
):
    assert_rejects_limit(True, 0)


def test_express_urlencoded__with_parameterlimit_option__with_extended_true__should_reject_string() -> (
    None
):
    assert_rejects_limit(True, "beep")


def test_express_urlencoded__with_parameterlimit_option__with_extended_true__should_413_if_over_limit() -> (
    None
):
    limited(True, 10, 11).expect(413, "[parameters.too.many] too many parameters")


def test_express_urlencoded__with_parameterlimit_option__with_extended_true__should_work_when_at_the_limit() -> (
    None
):
    limited(True, 10, 10).expect(key_count(10)).expect(200)


def test_express_urlencoded__with_parameterlimit_option__with_extended_true__should_work_if_number_is_floating_point() -> (
    None
):
    limited(True, 10.1, 11).expect(413, "[parameters.too.many] too many parameters")


def test_express_urlencoded__with_parameterlimit_option__with_extended_true__should_work_with_large_limit() -> (
    None
):
    limited(True, 5000, 5000).expect(key_count(5000)).expect(200)


def test_express_urlencoded__with_parameterlimit_option__with_extended_true__should_work_with_infinity_limit() -> (
    None
):
    limited(True, float("inf"), 10000).expect(key_count(10000)).expect(200)


VND = "application/vnd.x-www-form-urlencoded"
PAIRS = ["urlencoded", "application/x-pairs"]


def test_express_urlencoded__with_type_option__when_application_vnd_x_www_form_urlencoded__should_parse_for_custom_type() -> (
    None
):
    post(form_app(type=VND), VND, "user=tobi").expect(200, TOBI)


def test_express_urlencoded__with_type_option__when_application_vnd_x_www_form_urlencoded__should_ignore_standard_type() -> (
    None
):
    post(form_app(type=VND), FORM, "user=tobi").expect(200, "")


def test_express_urlencoded__with_type_option__when_urlencoded_application_x_pairs__should_parse_application_x_www_form_urlencoded() -> (
    None
):
    post(form_app(type=PAIRS), FORM, "user=tobi").expect(200, TOBI)


def test_express_urlencoded__with_type_option__when_urlencoded_application_x_pairs__should_parse_application_x_pairs() -> (
    None
):
    post(form_app(type=PAIRS), "application/x-pairs", "user=tobi").expect(200, TOBI)


def test_express_urlencoded__with_type_option__when_urlencoded_application_x_pairs__should_ignore_application_x_foo() -> (
    None
):
    post(form_app(type=PAIRS), "application/x-foo", "user=tobi").expect(200, "")


def test_express_urlencoded__with_type_option__when_a_function__should_parse_when_truthy_value_returned() -> (
    None
):
    app = typed_app(express.urlencoded, header_is("application/vnd.something"))
    post(app, "application/vnd.something", "user=tobi").expect(200, TOBI)


def test_express_urlencoded__with_type_option__when_a_function__should_work_without_content_type() -> (
    None
):
    post(typed_app(express.urlencoded, lambda req: True), None, "user=tobi").expect(200, TOBI)


def test_express_urlencoded__with_type_option__when_a_function__should_not_invoke_without_a_body() -> (
    None
):
    request(typed_app(express.urlencoded, throwing_type)).get("/").expect(404)


def test_express_urlencoded__with_verify_option__should_assert_value_if_function() -> None:
    assert_rejects_verify(express.urlencoded)


def test_express_urlencoded__with_verify_option__should_error_from_verify() -> None:
    app = verify_app(express.urlencoded, 0x20, message="no leading space")
    post(app, FORM, " user=tobi").expect(403, "[entity.verify.failed] no leading space")


def test_express_urlencoded__with_verify_option__should_allow_custom_codes() -> None:
    app = verify_app(express.urlencoded, 0x20, status=400, message="no leading space")
    post(app, FORM, " user=tobi").expect(400, "[entity.verify.failed] no leading space")


def test_express_urlencoded__with_verify_option__should_allow_custom_type() -> None:
    app = verify_app(express.urlencoded, 0x20, kind="foo.bar", message="no leading space")
    post(app, FORM, " user=tobi").expect(403, "[foo.bar] no leading space")


def test_express_urlencoded__with_verify_option__should_allow_pass_through() -> None:
    post(verify_app(express.urlencoded, 0x5B), FORM, "user=tobi").expect(200, TOBI)


def test_express_urlencoded__with_verify_option__should_415_on_unknown_charset_prior_to_verify() -> (
    None
):
    app = never_verify_app(express.urlencoded)
    post(app, f"{FORM}; charset=x-bogus", NULLS[:4]).expect(
        415, '[charset.unsupported] unsupported charset "X-BOGUS"'
    )


def test_express_urlencoded__async_local_storage__should_persist_store() -> None:
    app = store_app(express.urlencoded)
    post(app, FORM, "user=tobi").expect(200).expect("x-store-foo", "bar").expect(TOBI)


def test_express_urlencoded__async_local_storage__should_persist_store_when_unmatched_content_type() -> (
    None
):
    app = store_app(express.urlencoded)
    post(app, "application/fizzbuzz", "buzz").expect(200).expect("x-store-foo", "bar")


def test_express_urlencoded__async_local_storage__should_persist_store_when_inflated() -> None:
    app = store_app(express.urlencoded)
    encoded(app, "gzip", FORM, GZIP_FORM).expect(200).expect("x-store-foo", "bar").expect(NAME)


def test_express_urlencoded__async_local_storage__should_persist_store_when_inflate_error() -> None:
    broken = bytes.fromhex("1f8b080000000000000bcb4bcc4db57db16e170099a4bad6080000")
    encoded(store_app(express.urlencoded), "gzip", FORM, broken).expect(400).expect(
        "x-store-foo", "bar"
    )


def test_express_urlencoded__async_local_storage__should_persist_store_when_limit_exceeded() -> (
    None
):
    app = store_app(express.urlencoded)
    post(app, FORM, "user=" + "." * 1024 * 100).expect(413).expect("x-store-foo", "bar")


def test_express_urlencoded__charset__should_parse_utf_8() -> None:
    post(form_app(), f"{FORM}; charset=utf-8", NAME_UTF8).expect(200, NAME)


def test_express_urlencoded__charset__should_parse_when_content_length_char_length() -> None:
    body = bytes.fromhex("746573743dc3a5")
    post(form_app(), f"{FORM}; charset=utf-8", body).set("Content-Length", "7").expect(
        200, '{"test":"å"}'
    )


def test_express_urlencoded__charset__should_default_to_utf_8() -> None:
    post(form_app(), FORM, NAME_UTF8).expect(200, NAME)


def test_express_urlencoded__charset__should_fail_on_unknown_charset() -> None:
    post(form_app(), f"{FORM}; charset=koi8-r", bytes.fromhex("6e616d653dcec5d4")).expect(
        415, '[charset.unsupported] unsupported charset "KOI8-R"'
    )


def test_express_urlencoded__encoding__should_parse_without_encoding() -> None:
    post(form_app(limit="10kb"), FORM, NAME_UTF8).expect(200, NAME)


def test_express_urlencoded__encoding__should_support_identity_encoding() -> None:
    encoded(form_app(limit="10kb"), "identity", FORM, NAME_UTF8).expect(200, NAME)


def test_express_urlencoded__encoding__should_support_gzip_encoding() -> None:
    encoded(form_app(limit="10kb"), "gzip", FORM, GZIP_FORM).expect(200, NAME)


def test_express_urlencoded__encoding__should_support_deflate_encoding() -> None:
    body = bytes.fromhex("789ccb4bcc4db57db16e17001068042f")
    encoded(form_app(limit="10kb"), "deflate", FORM, body).expect(200, NAME)


def test_express_urlencoded__encoding__should_be_case_insensitive() -> None:
    encoded(form_app(limit="10kb"), "GZIP", FORM, GZIP_FORM).expect(200, NAME)


def test_express_urlencoded__encoding__should_415_on_unknown_encoding() -> None:
    encoded(form_app(limit="10kb"), "nulls", FORM, NULLS).expect(
        415, '[encoding.unsupported] unsupported content encoding "nulls"'
    )
