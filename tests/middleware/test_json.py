"""express.json(): parsing, strict mode, charsets, limits and V8-worded syntax errors."""

from __future__ import annotations

import gzip
import zlib

import pytest

from expresspy import express
from expresspy.testing import Test, request
from tests.middleware.apps import echo_app


def post(app: object, body: bytes | str, content_type: str = "application/json") -> Test:
    return request(app).post("/").set("Content-Type", content_type).send(body)


def test_parses_an_object() -> None:
    post(echo_app(express.json()), '{"user":"tobi"}').expect(200, '{"user":"tobi"}')


def test_empty_body_gives_an_empty_object() -> None:
    post(echo_app(express.json()), "").expect(200, "{}")


def test_no_body_leaves_req_body_none() -> None:
    request(echo_app(express.json())).post("/").expect(200, "undefined")


def test_other_content_type_leaves_req_body_none() -> None:
    post(echo_app(express.json()), '{"a":1}', "text/plain").expect(200, "undefined")


def test_integer_keys_come_first_as_in_javascript() -> None:
    post(echo_app(express.json()), '{"b":1,"2":1,"1":{"z":1,"0":2}}').expect(
        200, '{"1":{"0":2,"z":1},"2":1,"b":1}'
    )


def test_duplicate_keys_keep_the_last_value() -> None:
    post(echo_app(express.json()), '{"a":1,"a":2}').expect(200, '{"a":2}')


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{:", "Expected property name or '}' in JSON at position 1"),
        ('{"user"', "Expected ':' after property name in JSON at position 7"),
        ("[1,]", "Unexpected token ']', \"[1,]\" is not valid JSON"),
        ('{"a":1}x', "Unexpected non-whitespace character after JSON at position 7"),
        ('{"a":"\u0001"}', "Bad control character in string literal in JSON at position 6"),
        ("[NaN]", "Unexpected token 'N', \"[NaN]\" is not valid JSON"),
        ("[Infinity]", "Unexpected token 'I', \"[Infinity]\" is not valid JSON"),
        ('{"a":tru', "Unexpected end of JSON input"),
        ("[01]", "Unexpected number in JSON at position 2"),
    ],
)
def test_syntax_errors_are_400_with_v8_messages(body: str, message: str) -> None:
    post(echo_app(express.json()), body).expect(400, f"[entity.parse.failed] {message}")


def test_syntax_error_exposes_the_body() -> None:
    post(echo_app(express.json()), "{:").set("X-Error-Property", "body").expect(400, "{:")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('"str"', 'Unexpected token \'"\', ""str"" is not valid JSON'),
        ("true", "Unexpected token 't', \"true\" is not valid JSON"),
        ('  "x"', 'Unexpected token \'"\', "  "x"" is not valid JSON'),
        ("   ", "Unexpected end of JSON input"),
    ],
)
def test_strict_refuses_primitives(body: str, message: str) -> None:
    post(echo_app(express.json()), body).expect(400, f"[entity.parse.failed] {message}")


def test_strict_false_allows_primitives() -> None:
    post(echo_app(express.json(strict=False)), "true").expect(200, "true")
    post(echo_app(express.json({"strict": False})), '"s"').expect(200, '"s"')


def test_deep_nesting_is_400_not_500() -> None:
    app = echo_app(express.json(limit="1mb"))
    res = post(app, "[" * 100_000 + "]" * 100_000).expect(400)
    assert res.text.startswith("[entity.parse.failed] ")


def test_number_past_python_int_limit_becomes_a_float() -> None:
    post(echo_app(express.json()), "[" + "1" * 5000 + "]").expect(200, "[null]")


def test_limit_one_byte_over() -> None:
    app = echo_app(express.json(limit=10))
    post(app, '{"a":"12"}').expect(200, '{"a":"12"}')  # exactly 10 bytes
    post(app, '{"a":"123"}').expect(413, "[entity.too.large] request entity too large")


def test_limit_error_carries_expected_length() -> None:
    app = echo_app(express.json(limit="1kb"))
    post(app, "[" + "1," * 600 + "1]").set("X-Error-Property", "expected").expect(413, "1203")


def test_limit_accepts_strings_and_rejects_garbage() -> None:
    app = echo_app(express.json({"limit": "1kb"}))
    post(app, '{"a":"' + "x" * 1020 + '"}').expect(413)
    with pytest.raises(ValueError, match='option limit "abc" is invalid'):
        express.json(limit="abc")


def test_unknown_option_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="unknown option 'limt'"):
        express.json(limt=10)


@pytest.mark.parametrize(
    ("charset", "message"),
    [
        ("latin1", 'unsupported charset "LATIN1"'),
        ("utf-9", 'unsupported charset "UTF-9"'),
    ],
)
def test_non_utf_charset_is_415(charset: str, message: str) -> None:
    post(echo_app(express.json()), "{}", f"application/json; charset={charset}").expect(
        415, f"[charset.unsupported] {message}"
    )


def test_utf16_with_bom() -> None:
    body = '\ufeff{"a":"é"}'.encode("utf-16-le")
    post(echo_app(express.json()), body, "application/json; charset=utf-16").expect(
        200, '{"a":"é"}'
    )


def test_a_second_bom_is_a_syntax_error_as_in_v8() -> None:
    # iconv-lite drops one BOM; JSON.parse refuses the next one, even without strict mode.
    post(echo_app(express.json(strict=False)), "\ufeff\ufeff[1]".encode()).expect(
        400, "[entity.parse.failed] Unexpected token '\ufeff', \"\ufeff[1]\" is not valid JSON"
    )


def test_gzip_and_deflate_bodies() -> None:
    app = echo_app(express.json())
    post(app, gzip.compress(b'{"a":1}')).set("Content-Encoding", "gzip").expect(200, '{"a":1}')
    post(app, zlib.compress(b'{"a":2}')).set("Content-Encoding", "Deflate").expect(200, '{"a":2}')


def test_broken_gzip_is_400_with_zlib_message() -> None:
    app = echo_app(express.json())
    post(app, b"notgzip").set("Content-Encoding", "gzip").expect(
        400, "[None] incorrect header check"
    )
    post(app, gzip.compress(b'{"a":1}')[:10]).set("Content-Encoding", "gzip").expect(
        400, "[None] unexpected end of file"
    )


def test_unknown_encoding_is_415() -> None:
    post(echo_app(express.json()), "{}").set("Content-Encoding", "bogus").expect(
        415, '[encoding.unsupported] unsupported content encoding "bogus"'
    )


def test_inflate_false_refuses_compressed_bodies() -> None:
    post(echo_app(express.json(inflate=False)), gzip.compress(b"{}")).set(
        "Content-Encoding", "gzip"
    ).expect(415, "[encoding.unsupported] content encoding unsupported")


def test_custom_type_string_list_and_callable() -> None:
    post(
        echo_app(express.json(type="application/vnd.api+json")),
        '{"a":1}',
        "application/vnd.api+json",
    ).expect(200, '{"a":1}')
    post(
        echo_app(express.json(type=["text/plain", "+json"])), '{"a":1}', "application/x+json"
    ).expect(200, '{"a":1}')
    post(
        echo_app(express.json(type=lambda req: req.get("X-Json") == "1")), '{"a":1}', "text/plain"
    ).set("X-Json", "1").expect(200, '{"a":1}')


def test_verify_can_refuse_with_403() -> None:
    def verify(req: object, res: object, buf: bytes, encoding: str | None) -> None:
        if buf.startswith(b"["):
            raise ValueError("no arrays")

    app = echo_app(express.json(verify=verify))
    post(app, "[1]").expect(403, "[entity.verify.failed] no arrays")
    post(app, '{"a":1}').expect(200, '{"a":1}')


def test_reviver_and_omit() -> None:
    from expresspy.middleware.body import OMIT

    def reviver(key: str, value: object) -> object:
        return OMIT if key == "secret" else value

    post(echo_app(express.json(reviver=reviver)), '{"a":1,"secret":2}').expect(200, '{"a":1}')


def test_second_parser_does_not_read_again() -> None:
    app = echo_app(express.json(), express.json(type="*/*"))
    post(app, '{"a":1}').expect(200, '{"a":1}')
