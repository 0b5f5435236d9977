"""What the builder puts on the wire: method, target, headers and body encodings."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from expresspy.testing import Test, request

from .apps import echo, header


def described(test: Test) -> dict[str, Any]:
    body: dict[str, Any] = test.expect(200).body
    return body


def test_get_sends_host_and_accept_encoding_and_no_body_headers() -> None:
    got = described(request(echo).get("/hello"))
    assert got["method"] == "GET"
    assert got["path"] == "/hello"
    assert got["headers"] == [["host", "127.0.0.1"], ["accept-encoding", "gzip, deflate"]]
    assert got["body"] == ""
    assert got["client"] == ["127.0.0.1", 50000]
    assert got["http_version"] == "1.1"


def test_post_without_body_sends_content_length_zero() -> None:
    assert header(described(request(echo).post("/")), "content-length") == "0"


def test_head_sends_no_accept_encoding() -> None:
    response = request(echo).head("/").end()
    assert response.status == 200
    assert response.content == b""
    assert response.body == {}


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "del_", "purge", "mkcol"])
def test_every_method_helper(method: str) -> None:
    got = described(getattr(request(echo), method)("/x"))
    expected = "DELETE" if method == "del_" else method.upper()
    assert got["method"] == expected


def test_generic_method_with_any_name() -> None:
    assert described(request(echo).method("M-SEARCH", "/"))["method"] == "M-SEARCH"


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="frobnicate"):
        request(echo).frobnicate  # noqa: B018


def test_path_is_percent_decoded_in_scope_and_raw_path_kept() -> None:
    got = described(request(echo).get("/a%20b/caf%C3%A9"))
    assert got["path"] == "/a b/café"
    assert got["raw_path"] == "/a%20b/caf%C3%A9"


def test_query_from_dict_str_and_existing_query() -> None:
    test = request(echo).get("/s?x=1").query({"q": "a b", "n": 2}).query("raw=1&y")
    assert described(test)["query"] == "x=1&q=a%20b&n=2&raw=1&y"


def test_query_nested_like_qs() -> None:
    test = request(echo).get("/").query({"user": {"name": "tobi"}, "ids": [1, 2], "ok": True})
    assert described(test)["query"] == ("user%5Bname%5D=tobi&ids%5B0%5D=1&ids%5B1%5D=2&ok=true")


def test_set_one_header_and_a_dict_later_value_replaces() -> None:
    test = request(echo).get("/").set("X-One", "1").set({"X-Two": "2", "x-one": "uno"})
    got = described(test)
    assert header(got, "x-one") == "uno"
    assert header(got, "x-two") == "2"


def test_explicit_host_header_wins() -> None:
    got = described(request(echo).get("/").set("Host", "example.com"))
    assert [h for h in got["headers"] if h[0] == "host"] == [["host", "example.com"]]


def test_unset_removes_a_default_header() -> None:
    got = described(request(echo).get("/").unset("Accept-Encoding"))
    assert header(got, "accept-encoding") is None


def test_send_dict_is_compact_json() -> None:
    got = described(request(echo).post("/").send({"name": "tobi", "café": [1, None]}))
    assert header(got, "content-type") == "application/json"
    assert got["body"].encode("latin-1").decode() == '{"name":"tobi","café":[1,null]}'
    assert header(got, "content-length") == str(len(got["body"]))


def test_send_dicts_merge() -> None:
    got = described(request(echo).post("/").send({"a": 1}).send({"b": 2}))
    assert json.loads(got["body"]) == {"a": 1, "b": 2}


def test_send_list_is_json() -> None:
    got = described(request(echo).post("/").send(["tobi", 1]))
    assert got["body"] == '["tobi",1]'
    assert header(got, "content-type") == "application/json"


def test_send_string_without_type_is_urlencoded_like_superagent() -> None:
    got = described(request(echo).post("/").send("user=tobi").send("pet=loki"))
    assert header(got, "content-type") == "application/x-www-form-urlencoded"
    assert got["body"] == "user=tobi&pet=loki"


def test_send_strings_with_a_non_form_type_concatenate() -> None:
    got = described(request(echo).post("/").type("json").send('{"a":').send("1}"))
    assert header(got, "content-type") == "application/json"
    assert got["body"] == '{"a":1}'


def test_send_dict_after_type_form_is_urlencoded() -> None:
    got = described(request(echo).post("/").type("form").send({"user": "tobi", "n": 1}))
    assert header(got, "content-type") == "application/x-www-form-urlencoded"
    assert got["body"] == "user=tobi&n=1"


def test_send_bytes_goes_untyped() -> None:
    got = described(request(echo).post("/").send(b"\x00\x01raw"))
    assert header(got, "content-type") is None
    assert got["body"] == "\x00\x01raw"
    assert header(got, "content-length") == "5"


def test_head_sends_no_body() -> None:
    response = request(echo).head("/").send("x=1").end()
    assert response.status == 200


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("json", "application/json"),
        ("form", "application/x-www-form-urlencoded"),
        ("urlencoded", "application/x-www-form-urlencoded"),
        ("html", "text/html"),
        ("text", "text/plain"),
        ("png", "image/png"),
        ("application/json; charset=UTF-8", "application/json; charset=UTF-8"),
    ],
)
def test_type_and_accept_short_names(short: str, full: str) -> None:
    got = described(request(echo).post("/").type(short).accept(short))
    assert header(got, "content-type") == full
    assert header(got, "accept") == full


def test_type_with_an_unknown_short_name_fails_loudly() -> None:
    with pytest.raises(ValueError, match="unknown media type short name 'nope'"):
        request(echo).get("/").type("nope")


def test_auth_basic_and_bearer() -> None:
    basic = header(described(request(echo).get("/").auth("tobi", "learnboost")), "authorization")
    assert basic == "Basic " + base64.b64encode(b"tobi:learnboost").decode()
    bearer = header(described(request(echo).get("/").auth("tok", type="bearer")), "authorization")
    assert bearer == "Bearer tok"


def test_multipart_fields_and_files(tmp_path: Path) -> None:
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"hello file")
    test = (
        request(echo)
        .post("/upload")
        .field("name", "tobi")
        .field("admin", True)
        .attach("doc", upload)
        .attach("blob", b"\x89PNG", "pic.png")
    )
    got = described(test)
    content_type = header(got, "content-type") or ""
    assert content_type.startswith("multipart/form-data; boundary=" + "-" * 26)
    boundary = content_type.split("boundary=")[1]
    assert len(boundary) == 50
    expected = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="name"\r\n\r\ntobi\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="admin"\r\n\r\ntrue\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="doc"; filename="notes.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nhello file\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="blob"; filename="pic.png"\r\n'
        "Content-Type: image/png\r\n\r\n\x89PNG\r\n"
        f"--{boundary}--\r\n"
    )
    assert got["body"] == expected
    assert header(got, "content-length") == str(len(expected))


def test_send_and_attach_do_not_mix() -> None:
    with pytest.raises(ValueError, match="cannot be mixed"):
        request(echo).post("/").send({"a": 1}).field("b", "2")
    with pytest.raises(ValueError, match="cannot be mixed"):
        request(echo).post("/").field("b", "2").send({"a": 1})


def test_changing_a_sent_request_fails_loudly() -> None:
    test = request(echo).get("/").expect(200)
    with pytest.raises(RuntimeError, match="GET / was already sent"):
        test.set("X-Late", "1")
