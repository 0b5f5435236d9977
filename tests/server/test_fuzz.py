"""Mutation fuzz of the sans-IO parsers (H-28): random edits of valid and invalid corpus
requests, fed whole and in random pieces. The only acceptable outcomes are events or
ProtocolFailure: no other exception, no hang (every loop is bounded), bounded buffering. And the
two back-ends must agree: the same events (heads, bodies) or the same failure status."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expresspy.server.precheck import HeadLimits, ProtocolFailure
from expresspy.server.protocol import (
    END_OF_BODY,
    NEED_DATA,
    PAUSED,
    H11ConnectionParser,
    H11Parser,
    HeadFramingParser,
    RequestHead,
    parser_class,
)

from .conftest import MISSING, have_backend
from .test_corpus import CORPUS

SEEDS = [
    (CORPUS / case["file"]).read_bytes()
    for case in json.loads((CORPUS / "manifest.json").read_text()).values()
] + [
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc",
]
INTERESTING = [
    b"\r",
    b"\n",
    b"\r\n",
    b" ",
    b"\t",
    b":",
    b";",
    b"\x00",
    b"\x7f",
    b"_",
    b"-",
    b"0",
    b"f",
    b"chunked",
    b"Content-Length: 1\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"HTTP/1.1",
    b"\r\n\r\n",
    b"\xff",
    b"\x80",
    b"CHUNKED",
    b"HOST",
    b"Host: b\r\n",
    b"Connection: Close\r\n",
    b"Connection: upgrade\r\nUpgrade: x\r\n",
    b"Expect: 100-Continue\r\n",
    b"%",
    b"?",
    b"#",
    b",",
]
LIMITS = HeadLimits(256, 1024, 16)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, list[int]]:
    data = bytearray(draw(st.sampled_from(SEEDS))[:4096])
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "dup"]))
        token = draw(st.sampled_from(INTERESTING) | st.binary(min_size=1, max_size=4))
        if action == "insert":
            data[pos:pos] = token
        elif action == "delete":
            del data[pos : pos + draw(st.integers(1, 8))]
        elif action == "replace":
            data[pos : pos + len(token)] = token
        else:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 64))]
    cuts = draw(st.lists(st.integers(1, 64), max_size=20))
    return bytes(data), cuts


def drive(data: bytes, cuts: list[int], parser_type: type[HeadFramingParser]) -> list[object]:
    """Feed the pieces then EOF; return what came out: heads (as tuples), whole bodies,
    and a final ("fail", status) if the parser gave up."""
    parser = parser_type(LIMITS, max_chunk_line=128)
    pieces, pos = [], 0
    for size in cuts:
        pieces.append(data[pos : pos + size])
        pos += size
    pieces.append(data[pos:])
    trace: list[object] = []
    body = b""
    steps = 0
    try:
        for piece in [*pieces, None]:
            if piece is None:
                parser.feed_eof()
            else:
                parser.feed(piece)
            while True:
                steps += 1
                assert steps < 10_000, "parser loops without progress"
                event = parser.next_event()
                if event is NEED_DATA:
                    break
                if event is PAUSED:
                    parser.start_next_request()
                elif isinstance(event, RequestHead):
                    assert len(event.headers) <= LIMITS.max_header_count
                    trace.append(
                        (event.method, event.target, event.http_version, tuple(event.headers),
                         event.keep_alive, event.content_length, event.chunked, event.expect)
                    )
                elif event is END_OF_BODY:
                    trace.append(body)
                    body = b""
                else:
                    assert isinstance(event, bytes) and event
                    body += event
                assert parser.buffered <= len(data)
    except ProtocolFailure as failure:
        assert failure.status in (0, 400, 413, 414, 417, 431, 501, 505)
        trace.append(("fail", failure.status))
    return trace


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_parser_mutation_fuzz(case: tuple[bytes, list[int]]) -> None:
    drive(*case, H11Parser)


@pytest.mark.skipif(not have_backend("httptools"), reason=MISSING)
@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_back_ends_agree_on_mutated_input(case: tuple[bytes, list[int]]) -> None:
    """httptools behaves exactly as h11 (whose own outcome is checked above)."""
    assert drive(*case, parser_class("httptools")) == drive(*case, H11Parser)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_h11_readers_agree_with_h11_connection(case: tuple[bytes, list[int]]) -> None:
    """H11Parser (h11's reading functions) behaves exactly as h11's public Connection."""
    assert drive(*case, H11Parser) == drive(*case, H11ConnectionParser)
