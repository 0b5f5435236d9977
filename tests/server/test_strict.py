"""Strict HTTP/1.1 parsing over real sockets: the smuggling catalogue (security.md §2.3).

Every rejected request must get the listed status, the connection must close, and the app must
never see a request (``app.calls == 0``); a smuggled second request must never run. Each case is
sent in one write and byte by byte, to each parser back-end (h11 and httptools).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .rawhttp import EchoApp, exchange, running

R = b"POST /echo HTTP/1.1\r\nHost: a\r\n"
SMUGGLED = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"

REJECTED: list[tuple[str, bytes, int]] = [
    (
        "H-01 CL+TE",
        R + b"Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
        400,
    ),
    ("H-02 two CL", R + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
    ("H-03 CL list", R + b"Content-Length: 5, 5\r\n\r\nhello", 400),
    ("H-04 CL +5", R + b"Content-Length: +5\r\n\r\nhello", 400),
    ("H-04 CL -0", R + b"Content-Length: -0\r\n\r\n", 400),
    ("H-04 CL 5_0", R + b"Content-Length: 5_0\r\n\r\nhello", 400),
    ("H-04 CL 0x5", R + b"Content-Length: 0x5\r\n\r\nhello", 400),
    ("H-04 CL inner space", R + b"Content-Length: 1 5\r\n\r\nhello", 400),
    ("H-04 CL 21 digits", R + b"Content-Length: " + b"1" * 21 + b"\r\n\r\n", 400),
    ("H-05 TE chunked,identity", R + b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 501),
    (
        "H-06 two TE",
        R + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        501,
    ),
    ("H-07 TE on 1.0", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    (
        "H-08 LF-folded TE",
        R + b"Content-Length: 5\r\nTransfer-Encoding:\n chunked\r\n\r\n0\r\n\r\n",
        400,
    ),
    ("H-09 obs-fold", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n  b\r\n\r\n", 400),
    ("H-09 obs-fold tab", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n", 400),
    ("H-10 bare LF everywhere", b"GET / HTTP/1.1\nHost: a\n\n", 400),
    ("H-10 bare LF one line", b"GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400),
    ("H-11 bare CR in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400),
    ("H-11 NUL in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", 400),
    ("H-11 DEL in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n", 400),
    ("H-11 BEL in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x07b\r\n\r\n", 400),
    ("H-12 space before colon", b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length : 0\r\n\r\n", 400),
    (
        "H-13 Transfer_Encoding",
        R + b"Transfer_Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        400,
    ),
    ("H-13 Content_Length", R + b"Content_Length: 5\r\n\r\nhello", 400),
    ("H-14 no Host", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("P-04 Host with userinfo", b"GET / HTTP/1.1\r\nHost: evil.com:80@good\r\n\r\n", 400),
    ("P-04 Host with a space", b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
    ("P-04 Host with a tab", b"GET / HTTP/1.1\r\nHost: a\tb\r\n\r\n", 400),
    ("P-04 Host with a broken escape", b"GET / HTTP/1.1\r\nHost: a%4\r\n\r\n", 400),
    ("P-04 Host with a bad port", b"GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400),
    ("P-04 absolute ftp target", b"GET ftp://evil/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("P-04 absolute empty host", b"GET http:/// HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("P-04 absolute userinfo", b"GET http://u@evil/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("H-14 two Host", b"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400),
    (
        "H-15 CVE-2025-43859",
        R + b"Transfer-Encoding: chunked\r\n\r\n3\r\nxxx__1a\r\n0\r\n\r\n",
        400,
    ),
    ("H-16 size 0x3", R + b"Transfer-Encoding: chunked\r\n\r\n0x3\r\nxxx\r\n0\r\n\r\n", 400),
    ("H-16 size -3", R + b"Transfer-Encoding: chunked\r\n\r\n-3\r\nxxx\r\n0\r\n\r\n", 400),
    ("H-16 size +3", R + b"Transfer-Encoding: chunked\r\n\r\n+3\r\nxxx\r\n0\r\n\r\n", 400),
    ("H-16 size 3_0", R + b"Transfer-Encoding: chunked\r\n\r\n3_0\r\nxxx\r\n0\r\n\r\n", 400),
    (
        "H-16 size leading space",
        R + b"Transfer-Encoding: chunked\r\n\r\n 3\r\nxxx\r\n0\r\n\r\n",
        400,
    ),
    (
        "H-16 size trailing space",
        R + b"Transfer-Encoding: chunked\r\n\r\n3 \r\nxxx\r\n0\r\n\r\n",
        400,
    ),
    ("H-16 size empty", R + b"Transfer-Encoding: chunked\r\n\r\n\r\nxxx\r\n0\r\n\r\n", 400),
    ("H-16 size 21 digits", R + b"Transfer-Encoding: chunked\r\n\r\n" + b"1" * 21 + b"\r\n", 400),
    (
        "H-17 bare CR in extension",
        R + b"Transfer-Encoding: chunked\r\n\r\n3;a\rb\r\nxxx\r\n0\r\n\r\n",
        400,
    ),
    (
        "H-17 bare LF in extension",
        R + b"Transfer-Encoding: chunked\r\n\r\n3;a\nb\r\nxxx\r\n0\r\n\r\n",
        400,
    ),
    (
        "I16-1 space before extension",
        R + b"Transfer-Encoding: chunked\r\n\r\n5 ;a=b\r\nhello\r\n0\r\n\r\n" + SMUGGLED,
        400,
    ),
    (
        "I16-1 tab before extension",
        R + b"Transfer-Encoding: chunked\r\n\r\n5\t;a\r\nhello\r\n0\r\n\r\n" + SMUGGLED,
        400,
    ),
    (
        "I16-1 space before last-chunk extension",
        R + b"Transfer-Encoding: chunked\r\n\r\n0 ;x\r\n\r\n" + SMUGGLED,
        400,
    ),
    (
        "I16-1 control byte before extension",
        R + b"Transfer-Encoding: chunked\r\n\r\n5\x0b;a\r\nhello\r\n0\r\n\r\n",
        400,
    ),
    (
        "H-18 long extension",
        R + b"Transfer-Encoding: chunked\r\n\r\n3;" + b"a" * 5000 + b"\r\nxxx\r\n0\r\n\r\n",
        400,
    ),
    (
        "H-19 CL in trailer",
        R + b"Transfer-Encoding: chunked\r\n\r\n3\r\nxxx\r\n0\r\nContent-Length: 5\r\n\r\n",
        400,
    ),
    ("H-19 Host in trailer", R + b"Transfer-Encoding: chunked\r\n\r\n0\r\nHost: evil\r\n\r\n", 400),
    ("H-21 HTTP/2.0", b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
    ("H-21 HTTP/1.2", b"GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505),
    ("H-21 HTTP/0.9", b"GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505),
    ("H-22 space in target", b"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("H-22 double space", b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("H-22 tab", b"GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("H-22 NUL in method", b"GET\x00 / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("H-22 lower-case version", b"GET / http/1.1\r\nHost: a\r\n\r\n", 400),
    ("H-22 HTTP/1.10", b"GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400),
    ("H-23 two leading CRLF", b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("H-25 asterisk on GET", b"GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("H-25 authority form", b"GET example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("H-25 relative target", b"GET foo/bar HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("empty header name", b"GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", 400),
    ("x85 in name", b"GET / HTTP/1.1\r\nHost: a\r\nX\x85: x\r\n\r\n", 400),
    ("Expect: foo", b"GET / HTTP/1.1\r\nHost: a\r\nExpect: foo\r\n\r\n", 417),
]


# Errors inside a chunked body: sent byte by byte, the head reached the app before the bad
# bytes arrived, so the app is called and then sees http.disconnect instead of a whole body.
BODY_LEVEL = ("H-15", "H-16", "H-17", "H-18", "H-19", "I16-1")


@pytest.fixture(scope="module")
def server(backend: str, app_path: str) -> Iterator[tuple[EchoApp, int]]:
    app = EchoApp()
    with running(app) as srv:
        yield app, srv.port


@pytest.mark.parametrize("piece", [None, 1], ids=["whole", "bytewise"])
@pytest.mark.parametrize(("name", "raw", "status"), REJECTED, ids=[r[0] for r in REJECTED])
def test_rejected(
    server: tuple[EchoApp, int], name: str, raw: bytes, status: int, piece: int | None
) -> None:
    app, port = server
    calls, seen = app.calls, len(app.seen)
    responses, closed = exchange(port, raw, piece)
    assert [r.status for r in responses] == [status]
    assert responses[0].headers["connection"] == "close"
    assert closed
    assert len(app.seen) == seen
    if piece is None or not name.startswith(BODY_LEVEL):
        assert app.calls == calls


def test_one_leading_crlf_is_ignored(server: tuple[EchoApp, int]) -> None:
    _, port = server
    responses, _ = exchange(port, b"\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    assert [r.status for r in responses] == [200]


def test_absolute_form_routes_on_path_and_replaces_host(server: tuple[EchoApp, int]) -> None:
    app, port = server
    # (userinfo, "user@", is refused: RFC 9110 §4.2.4 says to treat it as an error)
    raw = b"GET http://evil:8080/p/q?x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    responses, _ = exchange(port, raw)
    assert [r.status for r in responses] == [200]
    seen = app.seen[-1]
    assert (seen.path, seen.query) == ("/p/q", b"x=1")
    assert [v for n, v in seen.headers if n == b"host"] == [b"evil:8080"]


def test_body_then_pipelined_request_is_framed_correctly(server: tuple[EchoApp, int]) -> None:
    """H-48: a Content-Length body followed by a second request: two separate requests."""
    _, port = server
    raw = R + b"Content-Length: 2\r\n\r\nhiGET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    responses, closed = exchange(port, raw)
    assert [r.body for r in responses] == [b"POST /echo 2", b"GET /x 0"]
    assert closed


def test_trailers_are_dropped_never_merged(server: tuple[EchoApp, int]) -> None:
    app, port = server
    raw = (
        R + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"3\r\nabc\r\n0\r\nX-Trailer: yes\r\n\r\n"
    )
    responses, _ = exchange(port, raw)
    assert [r.body for r in responses] == [b"POST /echo 3"]
    assert b"x-trailer" not in [n for n, _ in app.seen[-1].headers]


def test_incomplete_chunked_body_then_eof_never_completes(server: tuple[EchoApp, int]) -> None:
    """H-20: the app never receives a partial body as if it were whole."""
    app, port = server
    before = len(app.seen)
    import socket as _socket

    from .rawhttp import connect, read_until_close

    with connect(port) as sock:
        sock.sendall(R + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n")
        sock.shutdown(_socket.SHUT_WR)
        raw, closed = read_until_close(sock)
    assert closed
    assert b" 200 " not in raw
    assert len(app.seen) == before


# Issue 16 item 10: optional whitespace (SP, HTAB) around a framing header's value is OWS
# (RFC 9110 §5.5), allowed on both sides; both back-ends accept it and frame the body alike.
OWS_FRAMING = [
    b"Transfer-Encoding: chunked\t \r\n",
    b"Transfer-Encoding: chunked \r\n",
    b"Transfer-Encoding: chunked\t\r\n",
    b"Transfer-Encoding:\tchunked\r\n",
    b"Transfer-Encoding: \t chunked \t\r\n",
    b"Transfer-Encoding:chunked\r\n",
]
OWS_LENGTH = [
    b"Content-Length: 5\t \r\n",
    b"Content-Length:\t5\r\n",
    b"Content-Length: \t5\t\r\n",
    b"Content-Length:5\r\n",
]


@pytest.mark.parametrize("piece", [None, 1], ids=["whole", "bytewise"])
@pytest.mark.parametrize("line", OWS_FRAMING + OWS_LENGTH, ids=repr)
def test_ows_around_framing_values_is_accepted(
    server: tuple[EchoApp, int], line: bytes, piece: int | None
) -> None:
    app, port = server
    body = b"5\r\nhello\r\n0\r\n\r\n" if line.startswith(b"Transfer") else b"hello"
    raw = R + line + b"\r\n" + body + b"GET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    responses, closed = exchange(port, raw, piece)
    assert [r.body for r in responses] == [b"POST /echo 5", b"GET /next 0"]
    assert closed
    assert app.seen[-2].body == b"hello"
