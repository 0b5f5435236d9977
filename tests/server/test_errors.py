"""The server's own error answers (issue 16 item 2): a short fixed text per failure class, the
same from every back-end, and never bytes of the request.

Each bad request carries a marker in the part that is wrong; both back-ends run side by side
and must answer with the same status and body, and the marker must not come back.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from .conftest import BACKENDS, MISSING, have_backend
from .rawhttp import (
    EchoApp,
    Response,
    connect,
    exchange,
    parse_responses,
    read_until_close,
    running,
)

pytestmark = pytest.mark.usefixtures("app_path")  # ASGI and native

MARK = b"Zq9Mark"
R = b"POST /e HTTP/1.1\r\nHost: a\r\n"
CHUNKED = R + b"Transfer-Encoding: chunked\r\n\r\n"

# (name, request, status, the body both back-ends answer with)
CASES: list[tuple[str, bytes, int, bytes]] = [
    (
        "space in a header name",
        b"GET / HTTP/1.1\r\nHost: a\r\nX " + MARK + b": b\r\n\r\n",
        400,
        b"Invalid header field",
    ),
    (
        "no colon",
        b"GET / HTTP/1.1\r\nHost: a\r\n" + MARK + b"\r\n\r\n",
        400,
        b"Invalid header field",
    ),
    ("bad method", b"G(" + MARK + b" / HTTP/1.1\r\nHost: a\r\n\r\n", 400, b"Invalid request line"),
    ("no Host", b"GET /" + MARK + b" HTTP/1.1\r\n\r\n", 400, b"Missing Host header"),
    (
        "two Host",
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: " + MARK + b"\r\n\r\n",
        400,
        b"More than one Host header",
    ),
    ("bad chunk size", CHUNKED + MARK + b"\r\n", 400, b"Invalid chunk size"),
    ("bad trailer", CHUNKED + b"0\r\n" + MARK + b"\r\n\r\n", 400, b"Malformed trailer field"),
    (
        "bad Content-Length",
        R + b"Content-Length: " + MARK + b"\r\n\r\n",
        400,
        b"Invalid Content-Length",
    ),
    (
        "control byte",
        b"GET / HTTP/1.1\r\nHost: a\r\nX: \x01" + MARK + b"\r\n\r\n",
        400,
        b"Control character in request head",
    ),
    (
        "body cut short",
        R + b"Content-Length: 10\r\n\r\n" + MARK,
        400,
        b"Connection closed inside a request body",
    ),
    (
        "chunked body cut short",
        CHUNKED + b"7\r\n" + MARK,
        400,
        b"Connection closed inside a request body",
    ),
]


@pytest.fixture(scope="module")
def ports() -> Iterator[dict[str, int]]:
    """One server per back-end, side by side."""
    if not all(have_backend(name) for name in BACKENDS):
        pytest.skip(MISSING)
    with running(EchoApp(), http="h11") as h11, running(EchoApp(), http="httptools") as ht:
        yield {"h11": h11.port, "httptools": ht.port}


def _answer(port: int, raw: bytes) -> Response:
    with connect(port) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)  # lets "cut short" cases end; the others answer first
        data, closed = read_until_close(sock)
    responses, _ = parse_responses(data)
    assert closed
    assert len(responses) == 1, data
    return responses[0]


@pytest.mark.parametrize(("name", "raw", "status", "body"), CASES, ids=[c[0] for c in CASES])
def test_error_body_is_fixed_and_the_same_for_both_back_ends(
    ports: dict[str, int], name: str, raw: bytes, status: int, body: bytes
) -> None:
    answers = {backend: _answer(port, raw) for backend, port in ports.items()}
    for backend, answer in answers.items():
        assert (answer.status, answer.body) == (status, body), backend
        assert MARK not in answer.raw_head + answer.body
        assert answer.headers["content-type"] == "text/plain; charset=utf-8"


def test_error_bodies_are_short_and_plain() -> None:
    """Every fixed text is short ASCII (no request bytes can hide in a long one)."""
    for _, _, _, body in CASES:
        assert body.isascii() and len(body) <= 60


def test_pipelined_bad_request_after_a_good_one(ports: dict[str, int]) -> None:
    """The error answer follows the good response; its body is still the fixed text."""
    raw = b"GET /ok HTTP/1.1\r\nHost: a\r\n\r\n" + CASES[0][1]
    for port in ports.values():
        responses, closed = exchange(port, raw)
        assert [(r.status, r.body) for r in responses] == [
            (200, b"GET /ok 0"),
            (400, b"Invalid header field"),
        ]
        assert closed
