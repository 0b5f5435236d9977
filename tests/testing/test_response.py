"""The response object: status, headers, text, body parsing as supertest does it."""

from __future__ import annotations

import gzip
import zlib

import pytest

from expresspy.testing import Headers, request

from .apps import fixed, half_done, raising


def test_status_and_status_code() -> None:
    response = request(fixed(201, [])).get("/").end()
    assert response.status == 201
    assert response.status_code == 201


def test_json_body_is_parsed_with_type_and_charset() -> None:
    response = (
        request(fixed(200, [("Content-Type", "application/json; charset=utf-8")], b'{"a":[1,2]}'))
        .get("/")
        .end()
    )
    assert response.body == {"a": [1, 2]}
    assert response.text == '{"a":[1,2]}'
    assert response.type == "application/json"
    assert response.charset == "utf-8"


@pytest.mark.parametrize("media", ["application/vnd.api+json", "application/problem+json"])
def test_json_suffix_types_are_parsed(media: str) -> None:
    assert request(fixed(200, [("Content-Type", media)], b"[1]")).get("/").end().body == [1]


def test_json_seq_is_not_json() -> None:
    response = request(fixed(200, [("Content-Type", "application/json-seq")], b"[1]")).get("/")
    assert response.end().body == {}
    assert response.text == "[1]"


def test_empty_json_body_reads_as_empty_string() -> None:
    response = request(fixed(200, [("Content-Type", "application/json")])).get("/").end()
    assert response.body == ""


def test_invalid_json_raises_on_body_but_text_works() -> None:
    response = request(fixed(200, [("Content-Type", "application/json")], b"{nope")).get("/x").end()
    assert response.text == "{nope"
    with pytest.raises(ValueError, match="GET /x answered application/json that is not valid JSON"):
        response.body  # noqa: B018


def test_form_body_is_parsed() -> None:
    app = fixed(200, [("Content-Type", "application/x-www-form-urlencoded")], b"a=1&b=x+y&a=2&c=")
    assert request(app).get("/").end().body == {"a": ["1", "2"], "b": "x y", "c": ""}


@pytest.mark.parametrize(
    "media",
    [
        "image/png",
        "application/octet-stream",
        "application/pdf",
        "audio/ogg",
        "application/gzip",
        "font/woff2",
        "video/mp4",
    ],
)
def test_binary_types_give_bytes(media: str) -> None:
    response = request(fixed(200, [("Content-Type", media)], b"\x00\xff")).get("/").end()
    assert response.body == b"\x00\xff"
    assert response.content == b"\x00\xff"


@pytest.mark.parametrize("media", ["text/html", "text/plain", "application/xml", ""])
def test_other_types_give_empty_dict_body_and_text(media: str) -> None:
    headers = [("Content-Type", media)] if media else []
    response = request(fixed(200, headers, "héllo".encode())).get("/").end()
    assert response.body == {}
    assert response.text == "héllo"


def test_gzip_and_deflate_bodies_are_decoded() -> None:
    gz = fixed(200, [("Content-Encoding", "gzip")], gzip.compress(b"zipped"))
    assert request(gz).get("/").end().content == b"zipped"
    deflate = fixed(200, [("Content-Encoding", "deflate")], zlib.compress(b"deflated"))
    assert request(deflate).get("/").end().text == "deflated"
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_body = raw.compress(b"raw deflate") + raw.flush()
    raw_app = fixed(200, [("Content-Encoding", "deflate")], raw_body)
    assert request(raw_app).get("/").end().text == "raw deflate"


def test_head_response_has_no_body() -> None:
    response = request(fixed(200, [("Content-Type", "text/plain")], b"ignored")).head("/").end()
    assert response.content == b""
    assert response.text == ""


def test_cookies_maps_names_to_values() -> None:
    app = fixed(200, [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=x%20y; HttpOnly")])
    assert request(app).get("/").end().cookies == {"a": "1", "b": "x%20y"}


def test_headers_are_case_insensitive_and_keep_repeats() -> None:
    headers = Headers(
        [("Set-Cookie", "a=1"), ("X-Thing", "1"), ("set-cookie", "b=2"), ("x-thing", "2")]
    )
    assert headers["SET-COOKIE"] == "a=1,b=2"
    assert headers["x-thing"] == "1, 2"
    assert headers.get_all("Set-Cookie") == ["a=1", "b=2"]
    assert headers.get_all("missing") == []
    assert "X-THING" in headers
    assert 3 not in headers  # type: ignore[comparison-overlap]
    assert list(headers) == ["set-cookie", "x-thing"]
    assert len(headers) == 2
    assert headers.raw[2] == ("set-cookie", "b=2")
    assert headers.get("nope") is None


def test_response_attributes_read_through_the_test() -> None:
    test = request(fixed(200, [("Content-Type", "application/json")], b'{"a":1}')).get("/")
    assert test.body == {"a": 1}
    assert test.status_code == 200
    assert test.headers["content-type"] == "application/json"
    assert test.content == b'{"a":1}'
    assert test.cookies == {}
    assert test.response.type == "application/json"
    assert repr(test.response) == "<TestResponse 200 for GET />"


def test_an_app_exception_reaches_the_test() -> None:
    with pytest.raises(ValueError, match="boom"):
        request(raising).get("/").end()


def test_an_app_that_does_not_finish_its_response_fails_loudly() -> None:
    with pytest.raises(RuntimeError, match="returned without completing its response"):
        request(half_done).get("/").end()
