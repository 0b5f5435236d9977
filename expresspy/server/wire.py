"""The sans-IO response side of HTTP/1.1: status lines, heads, chunk framing, canned errors.

Serializing a head here is a join of pre-built pieces; h11's writer would validate and copy
each header through several layers. Validation is kept: a header name must be a token and a
value must not contain CR, LF or NUL (response splitting), else ``InvalidResponse`` is raised
before a byte is written.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from email.utils import formatdate

from ..http.statuses import STATUS_PHRASES  # a data table; the server imports no framework code

__all__ = [
    "CHUNKED_END",
    "NO_BODY_STATUSES",
    "HeaderBlock",
    "InvalidResponse",
    "ResponseFraming",
    "chunk",
    "date_value",
    "encode_head",
    "error_response",
    "header_block",
    "status_line",
]

CHUNKED_END = b"0\r\n\r\n"
"""The last chunk of a chunked body, with an empty trailer section."""

_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
_BAD_BYTES = b"\x00\r\n"  # what a header value may not hold: NUL, and CR or LF (a new line)
_BAD_VALUE = re.compile(b"[%s]" % re.escape(_BAD_BYTES))  # for buffers without translate
# A translation table that changes each of those bytes (to another byte) and nothing else: a
# value holding one of them differs from its translation. A table-only translate is one pass;
# deleting bytes instead first builds a 256-entry table on every call (about 1.8k instructions
# more on a 32-byte ETag).
_BAD_BYTES_CHANGED = bytes(byte ^ 0x20 if byte in _BAD_BYTES else byte for byte in range(256))
_LENGTH = re.compile(rb"[ \t]*[0-9]{1,19}[ \t]*")
# Node's reason phrases (what Express apps answer with), not Python's: 413 is "Payload Too
# Large" there, "Request Entity Too Large" in http.HTTPStatus.
_STATUS_LINES: dict[int, bytes] = {
    code: f"HTTP/1.1 {code} {text}\r\n".encode("ascii") for code, text in STATUS_PHRASES.items()
}
NO_BODY_STATUSES = frozenset({204, 304})
"""Statuses whose responses never carry a body or framing headers (plus every 1xx)."""


class InvalidResponse(Exception):
    """The app asked for a response HTTP cannot carry (bad status, header or framing)."""


def status_line(status: int) -> bytes:
    """``HTTP/1.1 <status> <phrase>\\r\\n``; an unknown 3-digit status gets an empty phrase."""
    line = _STATUS_LINES.get(status)
    if line is not None:
        return line
    if not 100 <= status <= 999:
        raise InvalidResponse(f"invalid status code {status!r}")
    return b"HTTP/1.1 %d unknown\r\n" % status


_date_cache: tuple[int, bytes] = (0, b"")


def date_value() -> bytes:
    """The IMF-fixdate for now, recomputed at most once a second."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True).encode("ascii"))
    return _date_cache[1]


class ResponseFraming:
    """How a response body is delimited on the wire (policy constants)."""

    NONE = 0
    """No body at all (HEAD, 1xx, 204, 304)."""
    LENGTH = 1
    """Content-Length, from the app or computed from a single body message."""
    CHUNKED = 2
    """Transfer-Encoding: chunked (HTTP/1.1, length unknown at the head)."""
    CLOSE = 3
    """Read until close (HTTP/1.0 client, length unknown): the connection cannot be reused."""


def encode_head(status: int, headers: Iterable[tuple[bytes, bytes]], extra: bytes) -> bytes:
    """Serialize a response head: status line, the app's headers, ``extra``, blank line.

    ``extra`` holds server-chosen header lines (already CRLF-terminated). Raises
    ``InvalidResponse`` for a header name that is not a token or a value with CR/LF/NUL.
    """
    return b"".join((status_line(status), header_block(headers)[0], extra, b"\r\n"))


HeaderBlock = tuple[bytes, int, bool, bool]
"""What ``header_block`` returns (a plain tuple: building a NamedTuple costs more than the
rest): the app's headers as ``name: value`` CRLF lines, its Content-Length (-1 when none),
whether the framing headers need a closer look (the app set Transfer-Encoding, or
Content-Length more than once: see ``cycle``), whether its Connection header asks to close."""


_PLAIN, _CONTENT_LENGTH, _TRANSFER_ENCODING, _CLOSE = range(4)
_Line = tuple[bytes, int, int]  # (serialized line, kind, Content-Length value or -1)
# Serialized lines by (name, value) as the app sent them. Responses repeat the same few
# headers (content-type, cache-control, x-powered-by, ...), and validating a header costs more
# than the rest of its serialization, so a header seen before is only looked up. Bounded: the
# cache is emptied when full, so headers with ever-new values (ETag, Set-Cookie) cost a
# validation each time, as without it, and never grow memory.
_LINES: dict[tuple[bytes, bytes], _Line] = {}
_LINES_MAX = 1024
# Header names checked before, by the name as the app sent it, with the kind of their lines.
# A line not seen before (a new ETag, Date or Set-Cookie value) mostly has a name seen before,
# and the name's check (a regular expression) costs as much as the rest of the line's. Bounded
# as _LINES is.
_NAMES: dict[bytes, int] = {}
_NAMES_MAX = 256
_CONNECTION = 4  # a name's kind only: its line is _CLOSE or _PLAIN, by its value
_FRAMING_NAMES = {
    b"content-length": _CONTENT_LENGTH,
    b"transfer-encoding": _TRANSFER_ENCODING,
    b"connection": _CONNECTION,
}


def header_block(headers: Iterable[tuple[bytes, bytes]]) -> HeaderBlock:
    """Validate and serialize the app's headers (see ``encode_head`` for what is rejected)."""
    parts = []
    declared = -1
    reframe = close = False
    cached = _LINES.get
    for pair in headers:
        # The pair itself is the key (no key tuple to build): an app that sends the same
        # header tuples each time (expresspy does) even finds their hashes computed already.
        try:
            line = cached(pair)
        except TypeError:  # unhashable (a list, a bytearray): validated every time
            line = None
        if line is None:
            name, value = pair
            line = _validated_line(name, value)
        parts.append(line[0])
        if line[1]:
            if line[1] == _CONTENT_LENGTH:
                reframe = reframe or declared >= 0
                declared = line[2]
            elif line[1] == _TRANSFER_ENCODING:
                reframe = True
            else:
                close = True
    return b"".join(parts), declared, reframe, close


def _validated_line(name: bytes, value: bytes) -> _Line:
    kind = _NAMES.get(name) if type(name) is bytes else None
    if kind is None:
        kind = _name_kind(name)
    try:
        bad = value.translate(_BAD_BYTES_CHANGED) != value
    except AttributeError:  # a buffer without translate (a memoryview)
        bad = _BAD_VALUE.search(value) is not None
    if bad:
        raise InvalidResponse(f"invalid header value for {name!r}")
    length = -1
    if kind:  # a framing header: what it asks for is in its value
        if kind == _CONTENT_LENGTH:
            if _LENGTH.fullmatch(value) is None:  # int() would take "-5", "+5" and "5_0"
                raise InvalidResponse(f"invalid content-length {value!r}")
            length = int(value)
        elif kind == _CONNECTION:
            kind = _CLOSE if b"close" in value.lower() else _PLAIN
    line = (b"%b: %b\r\n" % (name, value), kind, length)
    if type(name) is bytes and type(value) is bytes:
        if len(_LINES) >= _LINES_MAX:
            _LINES.clear()
        _LINES[(name, value)] = line
    return line


def _name_kind(name: bytes) -> int:
    """Check a header name (a token); the kind of its lines, by name (``_CONNECTION``: by
    value). Remembered for a bytes name."""
    if _TOKEN.fullmatch(name) is None:
        raise InvalidResponse(f"invalid header name {name!r}")
    kind = _FRAMING_NAMES.get(bytes(name).lower(), _PLAIN)  # a bytearray is unhashable
    if type(name) is bytes:
        if len(_NAMES) >= _NAMES_MAX:
            _NAMES.clear()
        _NAMES[name] = kind
    return kind


def chunk(data: bytes) -> bytes:
    """Frame one non-empty chunk of a chunked body."""
    return b"%x\r\n%b\r\n" % (len(data), data)


def error_response(status: int, reason: str = "", keep_alive: bool = False) -> bytes:
    """A complete plain-text response the server sends itself (400, 408, 413, 503, ...).

    The body is the status phrase, or ``reason`` when given. The connection is closed after it
    unless ``keep_alive``.
    """
    phrase = _STATUS_LINES.get(status, b"").split(b" ", 2)[-1].strip() or b"Error"
    body = reason.encode("utf-8", "replace") if reason else phrase
    connection = b"keep-alive" if keep_alive else b"close"
    return b"".join(
        (
            status_line(status),
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: %b\r\n" % connection,
            b"date: %b\r\n\r\n" % date_value(),
            body,
        )
    )
