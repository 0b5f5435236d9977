"""The optional httptools back-end: llhttp (the C parser of Node and uvicorn) parses each head.

Install with ``pip install 'expresspy[speed]'``; ``ServerConfig(http="auto")`` picks it when
it is importable. It answers every input exactly as ``H11Parser`` does (the test suite runs
both over the same cases and compares them), which takes these steps:

- ``HeadFramingParser`` finds each head and runs the strict pre-checks first, as for h11.
- The request line is matched here with h11's grammar (method = any token, target = visible
  ASCII), since llhttp knows only registered methods and has its own target rules; llhttp is
  then fed the header lines under a fixed ``GET / HTTP/1.1`` line, so method and target never
  change how it parses (no CONNECT or upgrade semantics: the server offers neither).
- What h11 checks after its grammar (one Host, required on HTTP/1.1) is checked in
  ``_check_hosts``; values lose trailing whitespace, which llhttp keeps and h11 strips.
  (Transfer-Encoding other than one ``chunked`` is answered 501 by the pre-check.)
- Bodies never reach llhttp: a Content-Length body is sliced here, a chunked one is decoded by
  ``ChunkedFramingCheck`` (which validates every chunk line for h11 too). So llhttp parses one
  head per parser object (creating one costs about 0.3 µs) and never sees pipelined bytes.
"""

from __future__ import annotations

import re

import httptools

from .precheck import HeadLimits, ProtocolFailure
from .protocol import (
    BODY_CUT_SHORT,
    NEED_DATA,
    Event,
    HeadFramingParser,
    RequestHead,
    make_head,
)

__all__ = ["HttptoolsParser"]

# h11's request-line grammar (RFC 9112 §3): token SP visible-ASCII target SP HTTP-version.
# Matched with its CRLF from the head's start: neither part can hold a CR or LF, so the match
# ends at the first CRLF, and no search for it is needed.
_REQUEST_LINE = re.compile(rb"([-!#$%&'*+.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP/([0-9]\.[0-9])\r\n")
_LLHTTP_LINE = b"GET / HTTP/1.1"
# llhttp reads only header lines here (the request line is ours), so what it refuses is one;
# its own message goes to the debug log, as h11's does.
_HEADER_FAILURE = "Invalid header field"


# Whitespace at the end of a header line (OWS after a field value).
_TRAILING_OWS = re.compile(rb"[ \t]+\r\n")


class _Fields:
    """llhttp's callback target: collects raw (name, value) pairs in order."""

    __slots__ = ("raw",)

    def __init__(self) -> None:
        self.raw: list[tuple[bytes, bytes]] = []

    def on_header(self, name: bytes, value: bytes) -> None:
        # Kept minimal: it runs once per header; names and values are normalised afterwards
        # in one comprehension, which is cheaper than doing it here call by call.
        self.raw.append((name, value))


class HttptoolsParser(HeadFramingParser):
    """``RequestParser`` with llhttp parsing the heads (see the module docstring)."""

    __slots__ = ("_body", "_body_done", "_fields", "_remaining")
    name = "httptools"
    plain_heads = False  # llhttp reads a plain head for fewer instructions than the regex

    def __init__(
        self, limits: HeadLimits, max_chunk_line: int = 4096, min_chunk_average: int | None = None
    ) -> None:
        super().__init__(limits, max_chunk_line, min_chunk_average)
        self._body: list[bytes] = []
        self._remaining = 0  # Content-Length bytes still to come
        self._body_done = True
        self._fields = _Fields()

    def _parse_head(self, head: bytes) -> RequestHead:
        line = _REQUEST_LINE.match(head)
        if line is None:
            raise ProtocolFailure(400, "Invalid request line")
        line_end = line.end() - 2
        method, target, raw_version = line.groups()
        version = raw_version.decode("ascii")
        raw = self._fields.raw
        try:
            # A new llhttp parser per head: it costs about 0.3 µs, and keeping one per idle
            # keep-alive connection would cost memory for nothing (measured: no fewer
            # instructions per request when reused).
            httptools.HttpRequestParser(self._fields).feed_data(_LLHTTP_LINE + head[line_end:])
        except httptools.HttpParserUpgrade:
            pass  # Connection: upgrade; every header was read, and upgrades are not offered
        except httptools.HttpParserError as exc:
            raw.clear()
            self._parse_without_trailing_ows(head[line_end:], exc)
        # One loop normalises the fields and counts the Host lines (a comprehension and a
        # second pass over the list cost a function call and a loop more per head).
        headers = []
        hosts = 0
        for name, value in raw:
            name = name.lower()
            if name == b"host":
                hosts += 1
            headers.append((name, value.rstrip(b" \t")))
        raw.clear()
        _check_hosts(hosts, version)
        result = make_head(method, target, version, headers)
        if result.chunked:
            # h11 hands the Transfer-Encoding value over lower-cased; so must we.
            headers[:] = [(n, v.lower() if n == b"transfer-encoding" else v) for n, v in headers]
        return result

    def _start_body(self, head: RequestHead) -> None:
        self._body_done = not head.chunked and not head.content_length
        self._remaining = head.content_length or 0

    def _parse_without_trailing_ows(self, lines: bytes, error: Exception) -> None:
        """Have llhttp read ``lines`` again without whitespace at line ends, or raise the 400.

        llhttp refuses an HTAB at the end of a Transfer-Encoding value, which RFC 9110 §5.5
        allows as OWS and h11 accepts. Values lose trailing OWS anyway, so the second reading
        gives the same fields. Only on this rare path: a clean head is parsed once."""
        if _TRAILING_OWS.search(lines) is None:
            raise ProtocolFailure(400, _HEADER_FAILURE, str(error))
        try:
            parser = httptools.HttpRequestParser(self._fields)
            parser.feed_data(_LLHTTP_LINE + _TRAILING_OWS.sub(b"\r\n", lines))
        except httptools.HttpParserUpgrade:
            pass
        except httptools.HttpParserError as exc:
            self._fields.raw.clear()
            raise ProtocolFailure(400, _HEADER_FAILURE, str(exc)) from None

    def _feed_body(self, data: bytes) -> None:
        check = self._chunk_check
        if check is not None:
            try:
                used = check.feed(data, self._body)
            except ProtocolFailure as exc:
                self._failure = exc
                return
            self._body_done = check.done
        else:
            used = min(self._remaining, len(data))
            if used:
                self._body.append(data if used == len(data) else data[:used])
                self._remaining -= used
                self._body_done = self._remaining == 0
        if used < len(data):
            self._buf += data[used:]  # the next (pipelined) request

    def _next_body_event(self) -> Event:
        body = self._body
        if body:
            data = body[0] if len(body) == 1 else b"".join(body)
            body.clear()
            return data
        if self._body_done:
            return self._end_of_body()
        if self._eof:
            self._failure = ProtocolFailure(400, BODY_CUT_SHORT)
            raise self._failure
        return NEED_DATA


def _check_hosts(hosts: int, version: str) -> None:
    """What h11 checks once a head's grammar is good: one Host (``hosts`` lines of it),
    required on HTTP/1.1 (RFC 9112 §3.2). Transfer-Encoding values, which h11 checks too, are
    settled by the pre-check."""
    if hosts == 0 and version == "1.1":
        raise ProtocolFailure(400, "Missing Host header")
    if hosts > 1:
        raise ProtocolFailure(400, "More than one Host header")
