"""express.text() and express.raw(): charsets, bytes, limits."""

from __future__ import annotations

import pytest

from expresspy import express
from expresspy.testing import Test, request
from tests.middleware.apps import echo_app


def post(app: object, body: str | bytes, content_type: str) -> Test:
    return request(app).post("/").set("Content-Type", content_type).send(body)


def test_text_parses_utf8() -> None:
    post(echo_app(express.text()), "user is tobi", "text/plain").expect(200, '"user is tobi"')


def test_text_codepage_charset() -> None:
    post(
        echo_app(express.text()),
        bytes.fromhex("6e616d6520697320cec5d4"),
        "text/plain; charset=koi8-r",
    ).expect(200, '"name is нет"')


def test_text_default_charset_option() -> None:
    app = echo_app(express.text(default_charset="koi8-r"))
    post(app, bytes.fromhex("6e616d6520697320cec5d4"), "text/plain").expect(200, '"name is нет"')


def test_text_unknown_charset_is_415() -> None:
    post(echo_app(express.text()), "x", "text/plain; charset=x-bogus").expect(
        415, '[charset.unsupported] unsupported charset "X-BOGUS"'
    )


@pytest.mark.parametrize("charset", ["base64", "rot13", "zlib", "idna"])
def test_text_non_text_codec_charset_is_415(charset: str) -> None:
    # Python codecs that are not text encodings (or refuse errors="replace") used to 500
    post(echo_app(express.text()), b"hello\xff", f"text/plain; charset={charset}").expect(
        415, f'[charset.unsupported] unsupported charset "{charset.upper()}"'
    )


def test_text_bom_is_stripped_and_bad_bytes_replaced() -> None:
    post(echo_app(express.text()), b"\xef\xbb\xbfhi\xff", "text/plain").expect(200, '"hi\ufffd"')


def test_text_empty_body_is_empty_string() -> None:
    post(echo_app(express.text()), "", "text/plain").expect(200, '""')


def test_raw_gives_bytes() -> None:
    post(echo_app(express.raw()), b"\x00\x01the user", "application/octet-stream").expect(
        200, "buf:00017468652075736572"
    )
