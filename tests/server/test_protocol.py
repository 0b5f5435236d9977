"""The sans-IO layers fed with bytes: parser events (for each back-end), pre-checks, response
serialization, and the choice of back-end."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from expresspy.server.config import ServerConfig, limit_fields
from expresspy.server.parsers import parser_class
from expresspy.server.precheck import HeadLimits, ProtocolFailure
from expresspy.server.protocol import (
    END_OF_BODY,
    H11_READERS,
    NEED_DATA,
    PAUSED,
    H11ConnectionParser,
    H11Parser,
    HeadFramingParser,
    RequestHead,
)
from expresspy.server.wire import (
    InvalidResponse,
    chunk,
    encode_head,
    error_response,
    header_block,
)

from .conftest import BACKENDS, MISSING, have_backend

LIMITS = HeadLimits(8190, 16384, 100)


@pytest.fixture(params=[*BACKENDS, "h11-connection"])
def parser_type(request: pytest.FixtureRequest) -> type[HeadFramingParser]:
    """Each back-end, and the h11 fallback that reads through h11's public Connection."""
    if request.param == "h11-connection":
        return H11ConnectionParser
    if not have_backend(request.param):
        pytest.skip(MISSING)
    return parser_class(request.param)


def events(
    data: bytes, piece: int | None = None, parser_type: type[HeadFramingParser] = H11Parser
) -> list[object]:
    """Feed ``data`` (whole or in pieces) and collect every event up to PAUSED."""
    parser = parser_type(LIMITS)
    out: list[object] = []
    pieces = [data] if piece is None else [data[i : i + piece] for i in range(0, len(data), piece)]
    for part in pieces:
        parser.feed(part)
        while (event := parser.next_event()) not in (NEED_DATA, PAUSED):
            out.append(event)
    return out


@pytest.mark.parametrize("piece", [None, 1, 3])
def test_chunked_request_events(piece: int | None, parser_type: type[HeadFramingParser]) -> None:
    raw = (
        b"POST /u?x=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    out = events(raw, piece, parser_type)
    head = out[0]
    assert isinstance(head, RequestHead)
    assert (head.method, head.target, head.http_version) == (b"POST", b"/u?x=1", "1.1")
    assert (head.chunked, head.content_length, head.keep_alive) == (True, None, True)
    assert b"".join(e for e in out[1:-1] if isinstance(e, bytes)) == b"hello world"
    assert out[-1] is END_OF_BODY


def test_pipelined_request_waits_for_start_next_request(
    parser_type: type[HeadFramingParser],
) -> None:
    parser = parser_type(LIMITS)
    parser.feed(b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
    first = parser.next_event()
    assert isinstance(first, RequestHead) and first.target == b"/1"
    assert parser.next_event() is END_OF_BODY
    assert parser.next_event() is PAUSED
    assert parser.buffered == len(b"GET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
    parser.start_next_request()
    second = parser.next_event()
    assert isinstance(second, RequestHead) and second.target == b"/2"


UPGRADE_HEAD = (
    b"GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


@pytest.mark.parametrize("split", [0, 20, len(UPGRADE_HEAD) - 1])
def test_take_unparsed_returns_the_bytes_after_an_upgrade_head(
    split: int, parser_type: type[HeadFramingParser]
) -> None:
    # A WebSocket frame (then bytes that look like HTTP) in the same read as the head's end.
    after = b"\x81\x85\x01\x02\x03\x04hello\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
    parser = parser_type(LIMITS)
    if split:
        parser.feed(UPGRADE_HEAD[:split])
        assert parser.next_event() is NEED_DATA
    parser.feed(UPGRADE_HEAD[split:] + after)
    head = parser.next_event()
    assert isinstance(head, RequestHead) and head.target == b"/chat"
    assert parser.take_unparsed() == after
    assert parser.take_unparsed() == b""


def test_take_unparsed_is_empty_after_a_head_alone(parser_type: type[HeadFramingParser]) -> None:
    parser = parser_type(LIMITS)
    parser.feed(UPGRADE_HEAD)
    assert isinstance(parser.next_event(), RequestHead)
    assert parser.take_unparsed() == b""


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
def test_keep_alive_decision(
    connection: bytes, version: bytes, keep_alive: bool, parser_type: type[HeadFramingParser]
) -> None:
    header = b"Connection: " + connection + b"\r\n" if connection else b""
    raw = b"GET / HTTP/" + version + b"\r\nHost: a\r\n" + header + b"\r\n"
    head = events(raw, None, parser_type)[0]
    assert isinstance(head, RequestHead) and head.keep_alive is keep_alive


def test_eof_inside_a_head_closes_without_an_answer(parser_type: type[HeadFramingParser]) -> None:
    parser = parser_type(LIMITS)
    parser.feed(b"GET / HTTP/1.1\r\nHo")
    assert parser.next_event() is NEED_DATA
    parser.feed_eof()
    with pytest.raises(ProtocolFailure) as failure:
        parser.next_event()
    assert failure.value.status == 0


def test_failure_is_sticky(parser_type: type[HeadFramingParser]) -> None:
    parser = parser_type(LIMITS)
    parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\n")
    assert isinstance(parser.next_event(), RequestHead)
    for _ in range(2):
        with pytest.raises(ProtocolFailure):
            parser.next_event()


def test_eof_inside_a_body_is_a_400_after_the_bytes_that_came(
    parser_type: type[HeadFramingParser],
) -> None:
    parser = parser_type(LIMITS)
    parser.feed(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabc")
    assert isinstance(parser.next_event(), RequestHead)
    assert parser.next_event() == b"abc"
    assert parser.next_event() is NEED_DATA
    parser.feed_eof()
    with pytest.raises(ProtocolFailure) as failure:
        parser.next_event()
    assert failure.value.status == 400


@pytest.mark.parametrize("piece", [None, 1, 5])
def test_body_and_pipelined_bytes_split_exactly(
    piece: int | None, parser_type: type[HeadFramingParser]
) -> None:
    """A Content-Length body, a chunked body with a trailer, then a bodiless request: each body
    ends exactly where its framing says, and the next request starts right after it."""
    raw = (
        b"POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        b"POST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\nde\r\n0\r\nX-T: 1\r\n\r\n"
        b"GET /3 HTTP/1.0\r\n\r\n"
    )
    parser = parser_type(LIMITS)
    pieces = [raw] if piece is None else [raw[i : i + piece] for i in range(0, len(raw), piece)]
    seen: list[tuple[bytes, bytes]] = []
    body = b""
    for part in pieces:
        parser.feed(part)
        while (event := parser.next_event()) is not NEED_DATA:
            if event is PAUSED:
                parser.start_next_request()
            elif isinstance(event, RequestHead):
                target = event.target
            elif event is END_OF_BODY:
                seen.append((target, body))
                body = b""
            else:
                assert isinstance(event, bytes) and event
                body += event
    assert seen == [(b"/1", b"abc"), (b"/2", b"de"), (b"/3", b"")]


def test_h11_readers_probe_refuses_changed_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import-time probe that guards H11Parser says no when h11's functions change."""
    from expresspy.server import protocol

    assert protocol._h11_readers_work()

    def changed_signature(buffer: object, strict: bool) -> None:
        raise AssertionError("never reached")

    monkeypatch.setattr(protocol, "maybe_read_from_IDLE_client", changed_signature)
    assert not protocol._h11_readers_work()
    monkeypatch.undo()

    from h11._readers import ContentLengthReader

    class ShortReader(ContentLengthReader):
        def __call__(self, buffer: Any) -> Any:
            event = super().__call__(buffer)
            return None if type(event).__name__ == "Data" else event

    monkeypatch.setattr(protocol, "ContentLengthReader", ShortReader)
    assert not protocol._h11_readers_work()


def test_choosing_a_back_end() -> None:
    assert H11_READERS, "h11 moved its reading functions: H11Parser falls back to its Connection"
    assert parser_class("h11") is H11Parser
    installed = importlib.util.find_spec("httptools") is not None
    auto = parser_class("auto")
    assert (auto is not H11Parser) is installed
    if installed:
        assert ServerConfig(http="httptools").http == "httptools"
    else:
        with pytest.raises(ValueError, match=r"pip install 'expresspy\[speed\]'"):
            ServerConfig(http="httptools")
    with pytest.raises(ValueError, match="http must be one of auto, h11, httptools"):
        ServerConfig(http="llhttp")  # type: ignore[arg-type]


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


def test_header_block_reports_framing_headers_and_caches_nothing_invalid() -> None:
    headers = [(b"Content-Length", b"5"), (b"x-a", b"1"), (b"Connection", b"Close")]
    for _ in range(2):  # the second time from the cache: the same answer
        assert header_block(headers) == (
            b"Content-Length: 5\r\nx-a: 1\r\nConnection: Close\r\n",
            5,
            False,
            True,
        )
    assert header_block([(b"transfer-encoding", b"chunked")])[1:] == (-1, True, False)
    value: Any = bytearray(b"v")  # unhashable: validated, never cached
    assert header_block([(b"x", value)])[0] == b"x: v\r\n"
    for bad in ([(b"content-length", b"five")], [(b"x", b"a\r\nb")]):
        for _ in range(2):
            with pytest.raises(InvalidResponse):
                header_block(bad)


def test_a_header_name_checked_before_still_has_each_new_value_checked() -> None:
    # Names are remembered once checked; a line with a new value (an ETag, a Content-Length)
    # still has its value checked and read.
    header_block([(b"Connection", b"keep-alive"), (b"Content-Length", b"1"), (b"ETag", b"a")])
    assert header_block([(b"Connection", b"Close")])[3] is True
    assert header_block([(b"Connection", b"keep-alive, upgrade")])[3] is False
    assert header_block([(b"Content-Length", b" 12 ")])[1:3] == (12, False)
    assert header_block([(b"Content-Length", b"3"), (b"Content-Length", b"4")])[1:3] == (4, True)
    bad_values: list[Any] = [b"b\nc", b"b\x00", b"b\rc", b"\r", bytearray(b"a\r\nb: c")]
    for bad in ([(b"Content-Length", b"-1")], *([(b"ETag", value)] for value in bad_values)):
        for _ in range(2):
            with pytest.raises(InvalidResponse):
                header_block(bad)
    name: Any = bytearray(b"x-bytes")  # unhashable: checked each time, never remembered
    assert header_block([(name, b"1")])[0] == b"x-bytes: 1\r\n"
    # Every other byte passes, tab, DEL and obs-text included (CR, LF and NUL split lines)
    others = bytes(byte for byte in range(256) if byte not in b"\x00\r\n")
    assert header_block([(b"x-all", others)])[0] == b"x-all: " + others + b"\r\n"
    view: Any = memoryview(b"v")  # a buffer without bytes' methods
    assert header_block([(b"x-view", view)])[0] == b"x-view: v\r\n"
    bad_view: Any = memoryview(b"v\r\n")
    with pytest.raises(InvalidResponse, match="invalid header value"):
        header_block([(b"x-view", bad_view)])
    bad_names: list[Any] = [b"bad name", bytearray(b"bad:name"), b""]
    for bad_name in bad_names:
        for _ in range(2):
            with pytest.raises(InvalidResponse, match="invalid header name"):
                header_block([(bad_name, b"1")])


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


CHUNKED_HEAD = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"


def test_small_chunks_are_coalesced_into_one_event(
    parser_type: type[HeadFramingParser],
) -> None:
    """Issue 16 item 9: 1,000 one-byte chunks fed at once come out as one body event."""
    body = b"1\r\nx\r\n" * 1000 + b"0\r\n\r\n"
    out = events(CHUNKED_HEAD + body, parser_type=parser_type)
    assert isinstance(out[0], RequestHead)
    assert out[1:] == [b"x" * 1000, END_OF_BODY]


def _chunked_outcome(
    parser_type: type[HeadFramingParser], body: bytes, min_average: int | None
) -> object:
    parser = parser_type(LIMITS, 4096, min_average)
    parser.feed(CHUNKED_HEAD + body)
    received = b""
    try:
        while (event := parser.next_event()) not in (NEED_DATA, PAUSED, END_OF_BODY):
            if isinstance(event, bytes):
                received += event
    except ProtocolFailure as failure:
        return (failure.status, failure.reason)
    return len(received)


def test_min_chunk_average(parser_type: type[HeadFramingParser]) -> None:
    """Past 1,024 chunks, the average chunk must be at least min_chunk_average bytes."""
    tiny = b"1\r\nx\r\n"
    end = b"0\r\n\r\n"
    assert _chunked_outcome(parser_type, tiny * 1024 + end, 64) == 1024
    assert _chunked_outcome(parser_type, tiny * 1025 + end, 64) == (400, "Chunks too small")
    assert _chunked_outcome(parser_type, tiny * 5000 + end, None) == 5000
    sixty_four = b"40\r\n" + b"y" * 64 + b"\r\n"
    assert _chunked_outcome(parser_type, sixty_four * 3000 + end, 64) == 64 * 3000
    # A few big chunks pay for many small ones.
    mixed = b"100000\r\n" + b"z" * 0x100000 + b"\r\n" + tiny * 10000 + end
    assert _chunked_outcome(parser_type, mixed, 64) == 0x100000 + 10000


def test_trailer_section_counts_against_the_head_limits(
    parser_type: type[HeadFramingParser],
) -> None:
    """Issue 16 item 3: trailer bytes and fields are bounded like a head's (431)."""
    many = b"".join(b"X-%d: v\r\n" % i for i in range(100))
    big = b"X: " + b"v" * 4000 + b"\r\n"
    assert _chunked_outcome(parser_type, b"0\r\n" + many + b"\r\n", None) == 0
    many += b"X-100: v\r\n"
    assert _chunked_outcome(parser_type, b"0\r\n" + many + b"\r\n", None) == (
        431,
        "Too many trailer fields",
    )
    assert _chunked_outcome(parser_type, b"0\r\n" + big * 5, None) == (
        431,
        "Trailer section too large",
    )
