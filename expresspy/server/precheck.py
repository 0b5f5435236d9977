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

__all__ = [
    "CHUNK_ALLOWANCE",
    "ChunkedFramingCheck",
    "HeadLimits",
    "ProtocolFailure",
    "check_head",
    "find_head_end",
]


class ProtocolFailure(Exception):
    """The request cannot be served: answer ``status`` (0 means close without answering).

    ``reason`` is the response body: a fixed text naming the failure class, the same for every
    back-end and never made from request bytes (an error page that echoes them is a reflection
    vector and tells a prober which parser answers). ``detail``, for the debug log only, may
    say more (a back-end's own message, which can quote the request, escaped). The connection
    is closed after the answer in every case.
    """

    def __init__(self, status: int, reason: str, detail: str = "") -> None:
        super().__init__(f"{status} {reason} ({detail})" if detail else f"{status} {reason}")
        self.status = status
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class HeadLimits:
    """The size limits the pre-check enforces on one request head (bytes, counts)."""

    max_request_line: int
    max_header_bytes: int
    max_header_count: int


# Every C0 control but HTAB, plus DEL. Deleting them (bytes.translate, a C loop several times
# cheaper than a regex scan) must remove exactly the CRLF pairs in a clean head.
_CONTROLS = bytes(range(0x00, 0x09)) + bytes(range(0x0A, 0x20)) + b"\x7f"
_OBS_FOLD = re.compile(rb"\r\n[ \t]")
# Framing headers, including the spellings that become them when "_" is read as "-" (as CGI,
# WSGI and some proxies do). Matched on the lower-cased head, anchored at a line start. The
# same pass finds obs-fold (group 1: a line starting with SP or HTAB), which so costs no
# search of its own; every CRLF is visited, since a field's match stops before the next CR.
_FRAMING = re.compile(
    rb"\r\n(?:([ \t])|(content[-_]length|transfer[-_]encoding|content-type)[ \t]*:[ \t]*([^\r]*))"
)
_VERSION = re.compile(rb" HTTP/([0-9])\.([0-9])\r\n")
_SUPPORTED_ENDINGS = (b" HTTP/1.1\r\n", b" HTTP/1.0\r\n")
_ABSOLUTE = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]*://")
# An absolute-form target an origin server serves: http or https with a valid, non-empty host.
_HTTP_ABSOLUTE = re.compile(
    rb"https?://(\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)"
    rb"(:[0-9]*)?(?:[/?].*)?",
    re.IGNORECASE,
)
# RFC 9110 §7.2: Host = uri-host [":" port]; uri-host is an IP literal, an IPv4 address or a
# reg-name (unreserved, pct-encoded, sub-delims). "evil.com:80@good", "a b" are not hosts:
# RFC 9112 §3.2 says 400 for an invalid Host, and req.hostname must never be misled by one.
_HOST_VALUE = re.compile(
    rb"(\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(:[0-9]*)?"
)
# The usual Host line, checked in one search: the first "Host:" line (the match cannot move on
# to a later one, the value being optional) whose value, without OWS, is a bracketed literal or
# a reg-name without percent-encoding, with an optional port. Its values are a subset of
# _HOST_VALUE's; group 1 is None when the value is not of this plain form, and the full check
# decides. (_HOST_VALUE's per-character alternation costs about twice as much.)
_PLAIN_HOST_LINE = re.compile(
    rb"\r\nHost:[ \t]*"
    rb"(?:((?:\[[0-9A-Fa-f:.]+\]|[-A-Za-z0-9._~!$&'()*+,;=]*)(?::[0-9]*)?)[ \t]*\r\n)?"
)
# A request line with an origin-form target and a version we speak, the usual case of
# _check_request_line (which then accepts it), matched in one step.
_PLAIN_REQUEST_LINE = re.compile(rb"[^ \r\n]+ /[^\r\n]* HTTP/1\.[01]\r\n")
# At most 19 digits: llhttp rejects a length past 2**64 - 1 and h11 one past 20 digits; below
# 10**19 both accept, so the two back-ends agree (and no real body is that large).
_DIGITS = re.compile(rb"[0-9]{1,19}")
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
    plain_line = _PLAIN_REQUEST_LINE.match(head)  # raises nothing: its end saves a search
    line_end = head.find(b"\r\n") if plain_line is None else plain_line.end() - 2
    if line_end > limits.max_request_line:
        raise ProtocolFailure(414, "Request line too long")
    if len(head) > limits.max_header_bytes:
        raise ProtocolFailure(431, "Request header fields too large")
    crlf = head.count(b"\r\n")
    if crlf - 2 > limits.max_header_count:
        raise ProtocolFailure(431, "Too many header fields")
    if len(head) - len(head.translate(None, _CONTROLS)) != 2 * crlf:
        _explain_controls(head, crlf)
    fields = _FRAMING.findall(head.lower())  # usually empty: no framing header, no fold
    if fields and any(fold for fold, _, _ in fields):
        raise ProtocolFailure(400, "Obsolete line folding")
    if plain_line is None:
        _check_request_line(head[: line_end + 2])
    _check_host(head)
    if fields:
        _check_framing(fields, http10=head[line_end - 3 : line_end] == b"1.0")


def _check_host(head: bytes) -> None:
    """400 for a Host value that is not `host[:port]` (RFC 9110 §7.2, RFC 9112 §3.2)."""
    plain = _PLAIN_HOST_LINE.search(head)
    if plain is not None and plain.group(1) is not None:
        return
    source = head
    start = head.find(b"\r\nHost:")
    if start < 0:  # the rare client that does not spell it "Host"
        source = head.lower()
        start = source.find(b"\r\nhost:")
        if start < 0:
            return  # a missing Host is the back-end's 400 (HTTP/1.1) or allowed (HTTP/1.0)
    value = source[start + 7 : source.find(b"\r\n", start + 7)].strip(b" \t")
    if _HOST_VALUE.fullmatch(value) is None:
        raise ProtocolFailure(400, "Invalid Host header")


def _explain_controls(head: bytes, crlf: int) -> None:
    """Raise the 400 for a head holding a control byte or a CR or LF outside a CRLF pair
    (the slow path, only taken for a bad head; the order of the checks sets the reason)."""
    if head.count(b"\n") != crlf or head.count(b"\r") != crlf:
        raise ProtocolFailure(400, "Bare CR or LF in request head")
    if _OBS_FOLD.search(head) is not None:
        raise ProtocolFailure(400, "Obsolete line folding")
    raise ProtocolFailure(400, "Control character in request head")


def _check_request_line(line: bytes) -> None:
    if not line.endswith(_SUPPORTED_ENDINGS):
        version = _VERSION.search(line)
        well_formed = version is not None and version.end() == len(line)
        if well_formed and version is not None and version.groups() not in _SUPPORTED_VERSIONS:
            raise ProtocolFailure(505, "HTTP version not supported")
        # Otherwise the line is malformed; the back-end rejects it with 400.
    space = line.find(b" ")
    if space > 0 and line[space + 1 : space + 2] == b"/":
        return  # origin form, by far the most common
    method, _, rest = line.partition(b" ")
    target = rest.partition(b" ")[0]
    if target[:1] == b"/":
        return
    if target == b"*" and method == b"OPTIONS":
        return
    if _ABSOLUTE.match(target) is not None:
        if _HTTP_ABSOLUTE.fullmatch(target) is None:
            raise ProtocolFailure(400, "Invalid request target")  # ftp://, http:///, a@b ...
        return
    # Authority form (CONNECT) and relative targets are not served by an origin server.
    raise ProtocolFailure(400, "Invalid request target")


def _check_framing(fields: list[tuple[bytes, bytes, bytes]], http10: bool) -> None:
    """The CL/TE rules over ``_FRAMING``'s matches in the lower-cased head (none is a fold)."""
    content_lengths = content_types = 0
    codings: list[bytes] = []
    for _, name, value in fields:
        if b"_" in name:
            raise ProtocolFailure(400, "Underscore in a framing header name")
        if name == b"content-length":
            content_lengths += 1
            if _DIGITS.fullmatch(value.rstrip(b" \t")) is None:
                raise ProtocolFailure(400, "Invalid Content-Length")
        elif name == b"transfer-encoding":
            if http10:
                raise ProtocolFailure(400, "Transfer-Encoding on HTTP/1.0")
            codings.append(value.rstrip(b" \t"))
        else:
            content_types += 1
    if content_types > 1:
        # Two media types for one body: body parsers and proxies may pick different ones.
        raise ProtocolFailure(400, "More than one Content-Type")
    if content_lengths > 1:
        raise ProtocolFailure(400, "More than one Content-Length")
    if content_lengths and codings:
        raise ProtocolFailure(400, "Content-Length with Transfer-Encoding")
    if codings and codings != [b"chunked"]:
        # RFC 9112 §6.1: a coding the server does not decode is 501. Decided here rather than
        # by each back-end, so h11 and llhttp (which says 400 for some) answer alike.
        raise ProtocolFailure(501, "Only Transfer-Encoding: chunked is supported")


# Framing and routing fields, which RFC 9110 §6.5.1 forbids in a trailer: a request carrying
# one is answered with 400, since a proxy might have merged it. Other trailer fields must be
# well-formed header lines (h11's grammar: token ":" OWS value OWS) and are then dropped, never
# merged into the headers.
_FORBIDDEN_TRAILERS = frozenset({b"content-length", b"transfer-encoding", b"host"})
_TRAILER_LINE = re.compile(
    rb"([-!#$%&'*+.^_`|~0-9a-zA-Z]+):[ \t]*(?:[^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?[ \t]*"
)
# At most 20 hex digits, as h11 allows, so the two parsers agree on every size they accept.
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,20}")
# Extensions: ";" right after the size, then visible ASCII, obs-text, SP and HTAB; no other
# control byte, so no bare CR. Nothing may stand between the size and the ";": RFC 9112 §7.1.1
# writes BWS there, but h11 refuses it and llhttp accepted it, and two parsers in a chain that
# disagree on where a chunk ends is request smuggling; refusing is the reading every parser
# shares (issue 16). A size followed by spaces and nothing else is rejected too.
_CHUNK_EXT = re.compile(rb"(;[\t \x21-\x7e\x80-\xff]*)?")

# A whole chunk-size line in one piece, the common case: matched in one step (the slow path,
# ``_feed_line``, handles lines split across reads and explains failures).
_SIZE_LINE = re.compile(rb"([0-9A-Fa-f]{1,20})(?:;[\t \x21-\x7e\x80-\xff]*)?\r\n")

CHUNK_ALLOWANCE = 1024
"""Chunks a body may have before ``min_average`` applies: a short body in small pieces is never
refused, whatever their size. 1,024 one-byte chunks cost about 4 ms of CPU with h11 and 1 ms
with httptools (bench/server_chunks.py), so the allowance itself is cheap to grant."""

_SIZE, _DATA, _DATA_END, _TRAILER, _DONE = range(5)


class ChunkedFramingCheck:
    """Follows a chunked body byte for byte: validates it and, when asked, decodes it.

    With h11 it runs alongside h11's own decoder and only validates what h11 accepts but must
    not: chunk-size lines (no spaces, no signs, extensions without control bytes, a bounded
    line), trailer lines, and the limits below. The httptools back-end has it decode as well
    (``feed`` with an ``out`` list), since llhttp there only parses heads. Feed every body
    byte in order.

    Limits: a chunk-size line (with extensions) or trailer line longer than ``max_line`` bytes
    is a 400; the trailer section counts against the head's limits (``limits``: more than
    ``max_header_bytes`` bytes or ``max_header_count`` fields is a 431); and once a body has
    more than ``CHUNK_ALLOWANCE`` chunks, their average size must stay at or above
    ``min_average`` bytes (400 otherwise; None turns this off), since every chunk costs the
    server a fixed amount of work, however small it is.
    """

    __slots__ = (
        "_chunks",
        "_data",
        "_limits",
        "_line",
        "_max_line",
        "_min_average",
        "_remaining",
        "_state",
        "_trailer_bytes",
        "_trailer_fields",
    )

    def __init__(self, max_line: int, limits: HeadLimits, min_average: int | None = None) -> None:
        self._state = _SIZE
        self._line = bytearray()
        self._remaining = 0
        self._max_line = max_line
        self._limits = limits
        self._min_average = min_average
        self._chunks = self._data = 0
        self._trailer_bytes = self._trailer_fields = 0

    @property
    def done(self) -> bool:
        """True once the last chunk and the trailer section were seen whole."""
        return self._state == _DONE

    def feed(self, data: bytes, out: list[bytes] | None = None) -> int:
        """Check the next body bytes; return how many belong to this body (the rest, if any,
        is the next request). Chunk data is appended to ``out`` when given (never empty).
        Raises ProtocolFailure (400, or 431 for the trailer section) on a violation."""
        pos, size = 0, len(data)
        while pos < size:
            state = self._state
            if state == _DATA:
                take = min(self._remaining, size - pos)
                if out is not None:
                    out.append(data if take == size else data[pos : pos + take])
                pos += take
                self._remaining -= take
                if self._remaining == 0:
                    self._state = _DATA_END
                continue
            if state == _DONE:
                break
            if state == _DATA_END:
                pos = self._feed_data_end(data, pos)
                continue
            if state == _SIZE and not self._line:  # fast path: a whole size line at hand
                line = _SIZE_LINE.match(data, pos)
                if line is not None and line.end() - pos <= self._max_line:
                    pos = line.end()
                    self._start_chunk(int(line.group(1), 16))
                    continue
            pos = self._feed_line(data, pos)
        return pos

    def _feed_data_end(self, data: bytes, pos: int) -> int:
        # Checked byte by byte, not once the line is whole: h11 refuses a wrong first byte at
        # once, and this check must always be the first to refuse, so that every back-end
        # gives the same reason.
        need = b"\r\n"[len(self._line) :]
        got = data[pos : pos + len(need)]
        if not need.startswith(got):
            raise ProtocolFailure(400, "Chunk data not followed by CRLF")
        if got == need:
            self._line.clear()
            self._state = _SIZE
        else:
            self._line += got
        return pos + len(got)

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
        if self._state == _SIZE:
            size = _CHUNK_SIZE.match(line)
            if size is None or _CHUNK_EXT.fullmatch(line, size.end()) is None:
                raise ProtocolFailure(400, "Invalid chunk size")
            self._start_chunk(int(size.group(), 16))
        elif not line:
            self._state = _DONE
        else:
            self._on_trailer_line(line)

    def _start_chunk(self, size: int) -> None:
        if not size:
            self._state = _TRAILER
            return
        self._chunks += 1
        self._data += size
        if (
            self._chunks > CHUNK_ALLOWANCE
            and self._min_average is not None
            and self._data < self._chunks * self._min_average
        ):
            raise ProtocolFailure(400, "Chunks too small")
        self._remaining = size
        self._state = _DATA

    def _on_trailer_line(self, line: bytes) -> None:
        # The same limits as the head: without them a client could send trailer lines for
        # as long as the request timeout allows, and h11 would keep them all in memory.
        self._trailer_bytes += len(line) + 2
        self._trailer_fields += 1
        if self._trailer_bytes > self._limits.max_header_bytes:
            raise ProtocolFailure(431, "Trailer section too large")
        if self._trailer_fields > self._limits.max_header_count:
            raise ProtocolFailure(431, "Too many trailer fields")
        field = _TRAILER_LINE.fullmatch(line)
        if field is None:
            raise ProtocolFailure(400, "Malformed trailer field")
        if field.group(1).lower() in _FORBIDDEN_TRAILERS:
            raise ProtocolFailure(400, "Forbidden field in trailer")
