"""The sans-IO layers fed with bytes: parser events, pre-checks, response serialization."""

from __future__ import annotations

import pytest

from expresspy.server.config import ServerConfig, limit_fields
from expresspy.server.precheck import HeadLimits, ProtocolFailure
from expresspy.server.protocol import END_OF_BODY, NEED_DATA, PAUSED, H11Parser, RequestHead
from expresspy.server.wire import InvalidResponse, chunk, encode_head, error_response

LIMITS = HeadLimits(8190, 16384, 100)


def events(data: bytes, piece: int | None = None) -> list[object]:
    """Feed ``data`` (whole or in pieces) and collect every event up to PAUSED."""
    parser = H11Parser(LIMITS)
    out: list[object] = []
    pieces = [data] if piece is None else [data[i : i + piece] for i in range(0, len(data), piece)]
    for part in pieces:
        parser.feed(part)
        while (event := parser.next_event()) not in (NEED_DATA, PAUSED):
            out.append(event)
    return out


@pytest.mark.parametrize("piece", [None, 1, 3])
def test_chunked_request_events(piece: int | None) -> None:
    raw = (
        b"POST /u?x=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    out = events(raw, piece)
    head = out[0]
    assert isinstance(head, RequestHead)
    assert (head.method, head.target, head.http_version) == (b"POST", b"/u?x=1", "1.1")
    assert (head.chunked, head.content_length, head.keep_alive) == (True, None, True)
    assert b"".join(e for e in out[1:-1] if isinstance(e, bytes)) == b"hello world"
    assert out[-1] is END_OF_BODY


def test_pipelined_request_waits_for_start_next_request() -> None:
    parser = H11Parser(LIMITS)
    parser.feed(b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
    first = parser.next_event()
    assert isinstance(first, RequestHead) and first.target == b"/1"
    assert parser.next_event() is END_OF_BODY
    assert parser.next_event() is PAUSED
    assert parser.buffered == len(b"GET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
    parser.start_next_request()
    second = parser.next_event()
    assert isinstance(second, RequestHead) and second.target == b"/2"


@pytest.mark.parametrize(
    ("connection", "version", "keep_alive"),
    [
        (b"", b"1.1", True),
        (b"close", b"1.1", False),
        (b"Keep-Alive", b"1.0", True),
        (b"", b"1.0", False),
        (b"upgrade, close", b"1.1", False),
    ],
)
def test_keep_alive_decision(connection: bytes, version: bytes, keep_alive: bool) -> None:
    header = b"Connection: " + connection + b"\r\n" if connection else b""
    head = events(b"GET / HTTP/" + version + b"\r\nHost: a\r\n" + header + b"\r\n")[0]
    assert isinstance(head, RequestHead) and head.keep_alive is keep_alive


def test_eof_inside_a_head_closes_without_an_answer() -> None:
    parser = H11Parser(LIMITS)
    parser.feed(b"GET / HTTP/1.1\r\nHo")
    assert parser.next_event() is NEED_DATA
    parser.feed_eof()
    with pytest.raises(ProtocolFailure) as failure:
        parser.next_event()
    assert failure.value.status == 0


def test_failure_is_sticky() -> None:
    parser = H11Parser(LIMITS)
    parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\n")
    assert isinstance(parser.next_event(), RequestHead)
    for _ in range(2):
        with pytest.raises(ProtocolFailure):
            parser.next_event()


def test_encode_head_and_chunk() -> None:
    head = encode_head(201, [(b"x-a", b"1")], b"content-length: 0\r\n")
    assert head == b"HTTP/1.1 201 Created\r\nx-a: 1\r\ncontent-length: 0\r\n\r\n"
    assert encode_head(299, [], b"").startswith(b"HTTP/1.1 299 unknown\r\n")  # as Node
    assert chunk(b"hello") == b"5\r\nhello\r\n"


@pytest.mark.parametrize(
    ("headers", "status"),
    [([(b"bad name", b"v")], 200), ([(b"x", b"a\nb")], 200), ([(b"x", b"a\x00")], 200), ([], 1000)],
)
def test_encode_head_rejects_what_http_cannot_carry(
    headers: list[tuple[bytes, bytes]], status: int
) -> None:
    with pytest.raises(InvalidResponse):
        encode_head(status, headers, b"")


def test_error_response_is_complete_and_closes() -> None:
    raw = error_response(431, "Too many header fields")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert b"connection: close" in head
    assert body == b"Too many header fields"
    assert b"content-length: %d" % len(body) in head


def test_config_validation_and_limit_metadata() -> None:
    with pytest.raises(ValueError, match="certfile and keyfile"):
        ServerConfig(certfile="c.pem")
    with pytest.raises(ValueError, match="header_timeout must be positive"):
        ServerConfig(header_timeout=0)
    infos = {info.name: info for info in limit_fields()}
    assert infos["max_header_bytes"].default == 16384
    assert all(
        info.precedent and info.help and info.cli.startswith("--") for info in infos.values()
    )
    assert ServerConfig().display_url == "http://127.0.0.1:3000"
