"""The server owns response framing (issue 16, "Also"): framing headers an app sets that
contradict the body are dropped or corrected, with a warning, and HTTP/1.0 never gets
``chunked``. Run over both back-ends (the response side is shared, the requests are not)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import parse_qsl

import pytest

from expresspy.server.types import Receive, Scope, Send

from .rawhttp import connect, exchange, read_responses, read_until_close, running

pytestmark = pytest.mark.usefixtures("backend", "app_path")  # each back-end, both paths


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Sets the headers named in the query (``te``, ``cl``, ``cl2``) and sends ``parts``
    (comma-separated) as the body: one message per part, the last without more_body."""
    if scope["type"] != "http":
        return
    query = dict(parse_qsl(scope["query_string"].decode()))
    headers = [(b"content-type", b"text/plain")]
    for key, name in (
        ("te", b"Transfer-Encoding"),
        ("cl", b"Content-Length"),
        ("cl2", b"Content-Length"),
    ):
        if key in query:
            headers.append((name, query[key].encode()))
    parts = query.get("parts", "hello").split(",")
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    for index, part in enumerate(parts):
        more = index < len(parts) - 1
        await send({"type": "http.response.body", "body": part.encode(), "more_body": more})


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with running(app) as srv:
        yield srv.port


def _get(port: int, query: str, version: str = "1.1") -> tuple[bytes, bytes, bool]:
    """One request (plus a second one on the same connection for HTTP/1.1): the first
    response's raw head (lower-cased) and body, and whether the connection stayed usable."""
    request = f"GET /?{query} HTTP/{version}\r\nHost: a\r\n\r\n".encode()
    with connect(port) as sock:
        sock.sendall(request)
        if version == "1.0":
            raw, closed = read_until_close(sock)
            head, _, body = raw.partition(b"\r\n\r\n")
            return head.lower(), body, not closed
        first = read_responses(sock, 1)[0]
        sock.sendall(b"GET /?parts=next HTTP/1.1\r\nHost: a\r\n\r\n")
        try:
            reused = read_responses(sock, 1, timeout=2.0)[0].body == b"next"
        except AssertionError:
            reused = False
    return first.raw_head.lower(), first.body, reused


def _framing_lines(head: bytes) -> list[bytes]:
    return [
        line
        for line in head.split(b"\r\n")
        if line.startswith((b"transfer-encoding:", b"content-length:"))
    ]


def test_app_transfer_encoding_gzip_is_dropped(port: int, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="expresspy.server"):
        head, body, reused = _get(port, "te=gzip")
        streamed_head, streamed_body, _ = _get(port, "te=gzip&parts=a,b")
    assert _framing_lines(head) == [b"content-length: 5"]
    assert (body, reused) == (b"hello", True)
    assert _framing_lines(streamed_head) == [b"transfer-encoding: chunked"]
    assert streamed_body == b"ab"
    assert any("Transfer-Encoding" in r.getMessage() for r in caplog.records)


def test_http10_never_gets_chunked(port: int) -> None:
    head, body, _ = _get(port, "te=chunked&parts=a,b", version="1.0")
    assert _framing_lines(head) == []
    assert body == b"ab"  # close-delimited
    head, body, _ = _get(port, "te=chunked", version="1.0")
    assert _framing_lines(head) == [b"content-length: 5"]
    assert body == b"hello"


def test_app_chunked_on_http11_is_framed_once(port: int) -> None:
    head, body, reused = _get(port, "te=chunked&parts=a,b")
    assert _framing_lines(head) == [b"transfer-encoding: chunked"]
    assert (body, reused) == (b"ab", True)


@pytest.mark.parametrize("declared", ["3", "20", "0"])
def test_wrong_content_length_of_a_whole_body_is_corrected(
    port: int, declared: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="expresspy.server"):
        head, body, reused = _get(port, f"cl={declared}")
    assert _framing_lines(head) == [b"content-length: 5"]
    assert (body, reused) == (b"hello", True)
    assert any("Content-Length" in r.getMessage() for r in caplog.records)


def test_content_length_with_transfer_encoding_keeps_one(port: int) -> None:
    head, body, reused = _get(port, "cl=2&te=chunked&parts=a,b")
    assert _framing_lines(head) == [b"content-length: 2"]
    assert (body, reused) == (b"ab", True)


def test_duplicate_equal_content_length_is_sent_once(port: int) -> None:
    head, body, _ = _get(port, "cl=5&cl2=5")
    assert _framing_lines(head) == [b"content-length: 5"]
    assert body == b"hello"


@pytest.mark.parametrize("query", ["cl=5&cl2=6", "cl=-5", "cl=%2B5", "cl=5x"])
def test_unusable_content_length_is_a_500(port: int, query: str) -> None:
    responses, _ = exchange(port, f"GET /?{query} HTTP/1.1\r\nHost: a\r\n\r\n".encode())
    assert [r.status for r in responses] == [500]
    assert _framing_lines(responses[0].raw_head.lower()) == [b"content-length: 21"]
