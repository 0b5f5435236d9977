"""Strict checks that run before h11 sees a byte (sans-IO, pure functions and one small class).

h11 0.16 is lenient where a front-facing server must not be (see docs/server.md, "Strictness"):
it accepts obs-fold, bare LF, DEL in values, Content-Length together with Transfer-Encoding,
HTTP/2.0 in a request line and a bare CR inside a chunk extension, and its 16 KiB head limit
depends on how the bytes arrive. The checks here close those gaps. Each failure raises
``ProtocolFailure`` carrying the status to answer with; the connection is always closed after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ChunkedFramingCheck", "HeadLimits", "ProtocolFailure", "check_head", "find_head_end"]


class ProtocolFailure(Exception):
    """The request cannot be served: answer ``status`` (0 means close without answering).

    ``reason`` is a short, client-safe explanation used as the response body and in the debug
    log. The connection is closed after the answer in every case.
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class HeadLimits:
    """The size limits the pre-check enforces on one request head (bytes, counts)."""

    max_request_line: int
    max_header_bytes: int
    max_header_count: int


# C0 controls other than HTAB, CR and LF, plus DEL. CR and LF are checked by counting, since
# they are legal only as the CRLF pair.
_CTL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Framing headers, including the spellings that become them when "_" is read as "-" (as CGI,
# WSGI and some proxies do). The match is case-insensitive and anchored at a line start.
_FRAMING = re.compile(
    rb"\r\n(content[-_]length|transfer[-_]encoding|content-type)[ \t]*:[ \t]*([^\r]*)",
    re.IGNORECASE,
)
_VERSION = re.compile(rb" HTTP/([0-9])\.([0-9])\r\n")
_ABSOLUTE = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]*://")
_DIGITS = re.compile(rb"[0-9]+")
# Versions we speak; any other well-formed HTTP/x.y gets 505 (RFC 9110 §15.6.6).
_SUPPORTED_VERSIONS = frozenset({(b"1", b"1"), (b"1", b"0")})


def find_head_end(buf: bytes | bytearray, start: int, limits: HeadLimits) -> int:
    """Return the index just past the head's blank line, or -1 if more bytes are needed.

    ``start`` is where the previous search stopped, so feeding one byte at a time stays linear.
    Raises 414 when the request line alone is already too long, 431 when the head is.
    """
    end = buf.find(b"\r\n\r\n", max(0, start - 3))
    if end >= 0:
        return end + 4
    line_end = buf.find(b"\r\n", 0, limits.max_request_line + 2)
    if line_end < 0 and len(buf) > limits.max_request_line:
        raise ProtocolFailure(414, "Request line too long")
    if len(buf) > limits.max_header_bytes:
        raise ProtocolFailure(431, "Request header fields too large")
    # A bare LF in the first line would otherwise only be noticed once the head is complete,
    # which a client speaking LF-only never sends.
    if b"\n\n" in buf[max(0, start - 1) :]:
        raise ProtocolFailure(400, "Bare LF line ending")
    return -1


def check_head(head: bytes, limits: HeadLimits) -> None:
    """Reject what h11 would let through. ``head`` ends with the blank line's CRLF CRLF.

    Checks, in order: sizes (414/431), line endings (bare CR/LF), obs-fold, control bytes,
    the HTTP version (505), the request-target form, and the framing headers (CL/TE rules).
    """
    line_end = head.find(b"\r\n")
    if line_end > limits.max_request_line:
        raise ProtocolFailure(414, "Request line too long")
    if len(head) > limits.max_header_bytes:
        raise ProtocolFailure(431, "Request header fields too large")
    crlf = head.count(b"\r\n")
    if crlf - 2 > limits.max_header_count:
        raise ProtocolFailure(431, "Too many header fields")
    if head.count(b"\n") != crlf or head.count(b"\r") != crlf:
        raise ProtocolFailure(400, "Bare CR or LF in request head")
    if b"\r\n " in head or b"\r\n\t" in head:
        raise ProtocolFailure(400, "Obsolete line folding")
    if _CTL.search(head) is not None:
        raise ProtocolFailure(400, "Control character in request head")
    _check_request_line(head[: line_end + 2])
    _check_framing(head, http10=head[line_end - 3 : line_end] == b"1.0")


def _check_request_line(line: bytes) -> None:
    version = _VERSION.search(line)
    well_formed = version is not None and version.end() == len(line)
    if well_formed and version is not None and version.groups() not in _SUPPORTED_VERSIONS:
        raise ProtocolFailure(505, "HTTP version not supported")
    # Otherwise the line is malformed; h11 rejects it with 400.
    method, _, rest = line.partition(b" ")
    target = rest.partition(b" ")[0]
    if target[:1] == b"/":
        return
    if target == b"*" and method == b"OPTIONS":
        return
    if _ABSOLUTE.match(target) is not None:
        return
    # Authority form (CONNECT) and relative targets are not served by an origin server.
    raise ProtocolFailure(400, "Invalid request target")


def _check_framing(head: bytes, http10: bool) -> None:
    content_lengths = content_types = 0
    chunked = False
    for name, value in _FRAMING.findall(head):
        if b"_" in name:
            raise ProtocolFailure(400, "Underscore in a framing header name")
        lowered = name.lower()
        if lowered == b"content-length":
            content_lengths += 1
            if _DIGITS.fullmatch(value.rstrip(b" \t")) is None:
                raise ProtocolFailure(400, "Invalid Content-Length")
        elif lowered == b"transfer-encoding":
            if http10:
                raise ProtocolFailure(400, "Transfer-Encoding on HTTP/1.0")
            chunked = True
        else:
            content_types += 1
    if content_types > 1:
        # Two media types for one body: body parsers and proxies may pick different ones.
        raise ProtocolFailure(400, "More than one Content-Type")
    if content_lengths > 1:
        raise ProtocolFailure(400, "More than one Content-Length")
    if content_lengths and chunked:
        raise ProtocolFailure(400, "Content-Length with Transfer-Encoding")


# Framing and routing fields, which RFC 9110 §6.5.1 forbids in a trailer: a request carrying
# one is answered with 400, since a proxy might have merged it. Other trailer fields are
# checked for syntax by h11 and then dropped (never merged into the headers).
_FORBIDDEN_TRAILERS = frozenset({b"content-length", b"transfer-encoding", b"host"})
# At most 20 hex digits, as h11 allows, so the two parsers agree on every size they accept.
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,20}")
# Extensions (after optional BWS): visible ASCII, obs-text, SP and HTAB; no other control byte,
# so no bare CR. A size followed by spaces and nothing else is rejected.
_CHUNK_EXT = re.compile(rb"([ \t]*;[\t \x21-\x7e\x80-\xff]*)?")

_SIZE, _DATA, _DATA_END, _TRAILER, _DONE = range(5)


class ChunkedFramingCheck:
    """Follows a chunked body byte for byte and rejects what h11 accepts but must not.

    It runs alongside h11's own decoder (which does the decoding): this class only validates
    chunk-size lines (no spaces, no signs, extensions without control bytes, a bounded line)
    and trailer names. Feed it every body byte in order; bytes after the final CRLF are ignored.
    """

    __slots__ = ("_line", "_max_line", "_remaining", "_state")

    def __init__(self, max_line: int) -> None:
        self._state = _SIZE
        self._line = bytearray()
        self._remaining = 0
        self._max_line = max_line

    @property
    def done(self) -> bool:
        """True once the last chunk and the trailer section were seen whole."""
        return self._state == _DONE

    def feed(self, data: bytes) -> None:
        """Check the next body bytes; raise ProtocolFailure(400) on a framing violation."""
        pos, size = 0, len(data)
        while pos < size and self._state != _DONE:
            if self._state == _DATA:
                take = min(self._remaining, size - pos)
                pos += take
                self._remaining -= take
                if self._remaining == 0:
                    self._state = _DATA_END
                continue
            pos = self._feed_line(data, pos)

    def _feed_line(self, data: bytes, pos: int) -> int:
        end = data.find(b"\n", pos)
        stop = len(data) if end < 0 else end + 1
        self._line += data[pos:stop]
        if len(self._line) > self._max_line:
            raise ProtocolFailure(400, "Chunk line too long")
        if end >= 0:
            line = bytes(self._line)
            self._line.clear()
            if not line.endswith(b"\r\n") or b"\r" in line[:-2]:
                raise ProtocolFailure(400, "Bad line ending in chunked body")
            self._on_line(line[:-2])
        return stop

    def _on_line(self, line: bytes) -> None:
        if self._state == _DATA_END:
            if line:
                raise ProtocolFailure(400, "Chunk data not followed by CRLF")
            self._state = _SIZE
        elif self._state == _SIZE:
            self._on_size_line(line)
        elif not line:
            self._state = _DONE
        else:
            name = line.partition(b":")[0].strip().lower()
            if name in _FORBIDDEN_TRAILERS:
                raise ProtocolFailure(400, "Forbidden field in trailer")

    def _on_size_line(self, line: bytes) -> None:
        size = _CHUNK_SIZE.match(line)
        if size is None or _CHUNK_EXT.fullmatch(line, size.end()) is None:
            raise ProtocolFailure(400, "Invalid chunk size")
        self._remaining = int(size.group(), 16)
        self._state = _DATA if self._remaining else _TRAILER
