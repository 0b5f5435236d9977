"""The sans-IO request side of HTTP/1.1: bytes in, events out (no sockets, no clocks).

``RequestParser`` is the interface the transport uses. ``HeadFramingParser`` holds what every
back-end shares: we find the end of each request head ourselves, count its bytes and run the
strict pre-checks (``precheck.check_head``) before a back-end sees it, so both back-ends answer
bad input the same way. ``H11Parser`` (the default) hands the head and the body to h11, which
applies its full grammar; a chunked body also goes through ``ChunkedFramingCheck`` first. The
optional ``httptools_parser.HttptoolsParser`` has llhttp parse the head instead (much faster).
``parsers.parser_class`` picks one for ``ServerConfig.http``.

h11 reads requests only: the response side is serialized by ``wire`` (much cheaper than h11's
writer), so ``H11Parser`` calls h11's reading functions without the connection state machine
that would track both sides.

Plain heads skip the back-end: ``plain_head`` matches a pre-checked head against h11's own
grammar (request line with an origin-form target, header fields) in one regular expression,
and when it matches, with one Host and no Transfer-Encoding, it builds the ``RequestHead``
h11 would (names lower-cased, values without OWS). Anything else goes to the back-end's full
parse. The fuzz tests compare both ways on every input (tests/server/test_fuzz.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Final, Protocol

import h11

try:  # h11's reading functions, without its connection state machine (see H11Parser)
    from h11._readers import ChunkedReader, ContentLengthReader, maybe_read_from_IDLE_client
    from h11._receivebuffer import ReceiveBuffer

    _READERS_IMPORTED = True
except ImportError:  # pragma: no cover - an h11 release that moved them
    _READERS_IMPORTED = False

from .precheck import ChunkedFramingCheck, HeadLimits, ProtocolFailure, check_head, find_head_end

__all__ = [
    "BODY_CUT_SHORT",
    "END_OF_BODY",
    "NEED_DATA",
    "PAUSED",
    "Event",
    "H11ConnectionParser",
    "H11Parser",
    "HeadFramingParser",
    "ParserState",
    "ProtocolFailure",
    "RequestHead",
    "RequestParser",
    "make_head",
    "plain_head",
]


class ParserState:
    """Sentinel events returned by ``next_event`` (compare with ``is``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NEED_DATA: Final = ParserState("NEED_DATA")
"""More bytes are needed before the next event."""
END_OF_BODY: Final = ParserState("END_OF_BODY")
"""The current request's body is complete (trailers, if any, were checked and dropped)."""
PAUSED: Final = ParserState("PAUSED")
"""A request was read whole; call ``start_next_request`` once its response is done."""


@dataclass(slots=True)
class RequestHead:
    """A parsed request head.

    ``headers`` are (lower-cased name, value) byte pairs in arrival order, as ASGI wants them.
    ``keep_alive`` is what the client asked for (HTTP/1.1 without ``Connection: close``, or
    HTTP/1.0 with ``Connection: keep-alive``). ``content_length`` is None for chunked or empty
    bodies without the header; ``expect`` is the lower-cased Expect value or None; ``upgrade``
    says an Upgrade header is present (so only such heads are checked for a WebSocket).
    """

    method: bytes
    target: bytes
    http_version: str
    headers: list[tuple[bytes, bytes]]
    keep_alive: bool
    content_length: int | None
    chunked: bool
    expect: bytes | None
    upgrade: bool = False


Event = RequestHead | bytes | ParserState


class RequestParser(Protocol):
    """What the transport needs from a request parser (the seam for other back-ends)."""

    def feed(self, data: bytes) -> None:
        """Hand over bytes received from the client, in order."""

    def feed_eof(self) -> None:
        """The client will send nothing more (half-close or EOF)."""

    def next_event(self) -> Event:
        """Return the next event; raise ``ProtocolFailure`` when the bytes are not acceptable.

        Events: a ``RequestHead``, a ``bytes`` body chunk (never empty), ``END_OF_BODY``,
        ``NEED_DATA`` or ``PAUSED``. After a failure the parser must not be used again.
        """

    def start_next_request(self) -> None:
        """Allow the next pipelined request to be parsed (after the previous response ended)."""

    @property
    def buffered(self) -> int:
        """Bytes held for a request not yet parsed (for read back-pressure)."""

    def take_unparsed(self) -> bytes:
        """Every byte received after the last head and not yet returned as an event, in order,
        and forget them. For a head without a body whose connection switches protocols (a
        WebSocket upgrade): those bytes belong to the new protocol. The parser must not be
        used afterwards."""


_HEAD, _BODY, _PAUSED = range(3)


class HeadFramingParser:
    """What every back-end shares: the buffer, finding each head, the pre-checks, pausing.

    A back-end subclasses it and implements ``_parse_head`` (a complete, pre-checked head to a
    ``RequestHead``), ``_feed_body`` and ``_next_body_event``. ``limits`` bounds each head (and
    each trailer section); ``max_chunk_line`` bounds a chunk-size line with its extensions;
    ``min_chunk_average`` is the smallest average chunk size (bytes) a chunked body of many
    chunks may have (``ChunkedFramingCheck``; None: any).
    """

    __slots__ = (
        "_buf",
        "_chunk_check",
        "_eof",
        "_failure",
        "_head_started",
        "_limits",
        "_max_chunk_line",
        "_min_chunk_average",
        "_scanned",
        "_state",
    )
    name: ClassVar[str] = ""
    """The back-end's name, as ``ServerConfig.http`` spells it (for the startup log line)."""
    plain_heads: ClassVar[bool] = True
    """Whether plain heads are parsed by ``plain_head`` instead of the back-end (the fuzz
    tests turn it off in a subclass to compare both ways)."""

    def __init__(
        self, limits: HeadLimits, max_chunk_line: int = 4096, min_chunk_average: int | None = None
    ) -> None:
        self._limits = limits
        self._max_chunk_line = max_chunk_line
        self._min_chunk_average = min_chunk_average
        self._buf = bytearray()
        self._scanned = 0
        self._state = _HEAD
        self._chunk_check: ChunkedFramingCheck | None = None
        self._failure: ProtocolFailure | None = None
        self._eof = False
        self._head_started = False

    @property
    def buffered(self) -> int:
        """Bytes held for a request not yet parsed (for read back-pressure)."""
        return len(self._buf)

    def feed(self, data: bytes) -> None:
        """Hand over bytes received from the client, in order."""
        if self._state == _BODY:
            self._feed_body(data)
        else:
            self._buf += data

    def feed_eof(self) -> None:
        """The client will send nothing more."""
        self._eof = True

    def take_unparsed(self) -> bytes:
        """Bytes after the last head not yet parsed (see ``RequestParser.take_unparsed``)."""
        data = self._take_unread_body() + bytes(self._buf)
        self._buf.clear()
        return data

    def _take_unread_body(self) -> bytes:
        """Bytes a back-end holds past the head that ``_buf`` does not (and forget them)."""
        return b""

    def start_next_request(self) -> None:
        """Allow the next pipelined request to be parsed."""
        self._state = _HEAD
        self._scanned = 0
        self._head_started = False
        self._chunk_check = None

    def next_event(self) -> Event:
        """Return the next event; raise ``ProtocolFailure`` for unacceptable bytes."""
        if self._failure is not None:
            raise self._failure
        if self._state == _BODY:
            return self._next_body_event()
        if self._state == _PAUSED:
            return PAUSED
        return self._next_head()

    def _next_head(self) -> Event:
        buf = self._buf
        if not self._head_started and len(buf) >= 2:
            self._head_started = True
            if buf[:2] == b"\r\n":
                # RFC 9112 §2.2: ignore at least one empty line before a request line. One
                # only, so a stream of CRLFs cannot keep a connection busy for free.
                del buf[:2]
        end = find_head_end(buf, self._scanned, self._limits)
        if end < 0:
            self._scanned = len(buf)
            if self._eof and buf:
                # A partial head then EOF: nothing to answer (RFC 9112 §9.6 lets us just close).
                raise ProtocolFailure(0, "Connection closed inside a request head")
            return NEED_DATA
        if end == len(buf):  # the usual case: one read, one request
            head = bytes(buf)
            buf.clear()
        else:
            head = bytes(buf[:end])
            del buf[:end]
        check_head(head, self._limits)
        result = plain_head(head) if self.plain_heads else None
        if result is None:
            result = self._parse_head(head)
        self._start_body(result)
        self._state = _BODY
        if result.chunked:
            self._chunk_check = ChunkedFramingCheck(
                self._max_chunk_line, self._limits, self._min_chunk_average
            )
        if buf:
            rest = bytes(buf)
            buf.clear()
            self._feed_body(rest)
        if self._eof:
            self.feed_eof()
        return result

    def _parse_head(self, head: bytes) -> RequestHead:
        """Parse a complete head that passed ``check_head``; raise ProtocolFailure if bad."""
        raise NotImplementedError

    def _start_body(self, head: RequestHead) -> None:
        """Get ready to read the body ``head`` announces (whoever parsed the head)."""
        raise NotImplementedError

    def _feed_body(self, data: bytes) -> None:
        """Take bytes after the head; bytes past the end of this body are kept in ``_buf``."""
        raise NotImplementedError

    def _next_body_event(self) -> Event:
        """A body chunk, ``self._end_of_body()`` or NEED_DATA."""
        raise NotImplementedError

    def _end_of_body(self) -> ParserState:
        """The body is complete: pause until ``start_next_request``."""
        self._state = _PAUSED
        return END_OF_BODY


class _H11Reading(HeadFramingParser):
    """What both h11 back-ends share: the chunked pre-check in front of h11's body reading,
    and h11's body events and errors turned into this module's events and failures.

    Body data is coalesced: every ``h11.Data`` at hand (one per chunk of a chunked body) is
    joined into one event, so a body sent in many small chunks reaches the app in as few
    messages as it arrived in reads, as with httptools."""

    __slots__ = ("_end_pending",)
    name = "h11"

    def __init__(
        self, limits: HeadLimits, max_chunk_line: int = 4096, min_chunk_average: int | None = None
    ) -> None:
        super().__init__(limits, max_chunk_line, min_chunk_average)
        self._end_pending = False  # the body's end was read along with its last data

    def start_next_request(self) -> None:
        """Allow the next pipelined request to be parsed."""
        super().start_next_request()
        self._end_pending = False

    def _next_body_event(self) -> Event:
        if self._end_pending:
            return self._end_of_request()
        parts: list[bytes] = []
        while True:
            event = self._read_body_event()
            if type(event) is not h11.Data:
                break
            parts.append(bytes(event.data))
        if type(event) is h11.EndOfMessage:
            # Trailers (event.headers) were checked by ChunkedFramingCheck and are dropped
            # here: they are never merged into the request headers.
            if not parts:
                return self._end_of_request()
            self._end_pending = True
        if not parts:
            return NEED_DATA
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _read_body_event(self) -> object:
        """The next h11 event of the body (h11.Data, h11.EndOfMessage, or None for more
        bytes needed, or the end of a body-less request); raises ProtocolFailure."""
        raise NotImplementedError

    def _feed_body(self, data: bytes) -> None:
        check = self._chunk_check
        if check is not None and not check.done:
            try:
                check.feed(data)
            except ProtocolFailure as exc:
                self._failure = exc
                return
        self._take_body(data)

    def _take_body(self, data: bytes) -> None:
        """Hand body bytes that passed the pre-check to h11."""
        raise NotImplementedError

    def _end_of_request(self) -> ParserState:
        """Hand bytes past this request (pipelined) back to the head buffer; END_OF_BODY."""
        raise NotImplementedError

    def _body_failure(self, exc: h11.ProtocolError) -> ProtocolFailure:
        """Remember and return the failure for an h11 error in the body."""
        # The chunked pre-check refuses every malformed chunked body before h11 reads it, so
        # what is left is a body cut short by the client's EOF.
        reason = BODY_CUT_SHORT if self._eof else "Invalid chunked body"
        self._failure = ProtocolFailure(exc.error_status_hint, reason, str(exc))
        return self._failure


_NO_BODY: Final = h11.EndOfMessage()  # the end of a request without a body (made once)

BODY_CUT_SHORT: Final = "Connection closed inside a request body"
"""The reason of the 400 for a body the client's EOF cut short (every back-end)."""

# h11's messages quote the offending bytes, which must never reach the client (see
# ProtocolFailure): each maps to the fixed reason the httptools back-end gives for the same
# input, found by h11's message prefix; anything else is "Bad request".
_H11_HEAD_REASONS = (
    ("illegal request line", "Invalid request line"),
    ("illegal header line", "Invalid header field"),
    ("Missing mandatory Host", "Missing Host header"),
    ("Found multiple Host", "More than one Host header"),
)


def _head_failure(exc: h11.ProtocolError) -> ProtocolFailure:
    """h11's error in a head as a ProtocolFailure with a fixed reason (h11's text as detail)."""
    text = str(exc)
    for prefix, reason in _H11_HEAD_REASONS:
        if text.startswith(prefix):
            return ProtocolFailure(exc.error_status_hint, reason, text)
    return ProtocolFailure(exc.error_status_hint, "Bad request", text)


class H11Parser(_H11Reading):
    """``RequestParser`` on h11 >= 0.16 with our strict pre-checks in front (the default).

    h11's own reading functions parse each request: its request-line and header grammar
    (``maybe_read_from_IDLE_client``, which builds and validates an ``h11.Request``) and its
    Content-Length and chunked body readers, on h11's receive buffer. ``h11.Connection`` runs
    the same functions inside a state machine that tracks both sides of the exchange; since
    h11 never sees our responses and each request started a fresh connection, that machine
    decided nothing here and cost about 90k of the 568k instructions of a hello-world request.
    The functions live in h11's private modules, so this class is used only when they import
    and pass a probe (``H11_READERS``); otherwise ``H11ConnectionParser`` reads through the
    public API.
    """

    __slots__ = ("_body", "_reader")

    def __init__(
        self, limits: HeadLimits, max_chunk_line: int = 4096, min_chunk_average: int | None = None
    ) -> None:
        super().__init__(limits, max_chunk_line, min_chunk_average)
        self._body = ReceiveBuffer()
        self._reader: ChunkedReader | ContentLengthReader | None = None

    def _parse_head(self, head: bytes) -> RequestHead:
        buffer = self._body  # empty between requests; the head is complete
        buffer += head
        try:
            event = maybe_read_from_IDLE_client(buffer)
        except h11.ProtocolError as exc:
            raise _head_failure(exc) from None
        if event is None:  # pragma: no cover - the head is complete
            raise ProtocolFailure(400, "Bad request")
        version = event.http_version.decode("ascii")
        return make_head(event.method, event.target, version, list(event.headers))

    def _start_body(self, head: RequestHead) -> None:
        # The framing h11 would pick: its grammar let through only "chunked" as a coding and
        # one Content-Length; no length means no body on a request (RFC 9112 §6.3).
        if head.chunked:
            self._reader = ChunkedReader()
        elif head.content_length:
            self._reader = ContentLengthReader(head.content_length)
        else:
            self._reader = None

    def _take_body(self, data: bytes) -> None:
        self._body += data

    def _take_unread_body(self) -> bytes:
        data = bytes(self._body)
        self._body = ReceiveBuffer()
        return data

    def _next_body_event(self) -> Event:
        if self._reader is None:  # no body (most requests): nothing for h11 to read
            return self._end_of_request()
        return super()._next_body_event()

    def _read_body_event(self) -> object:
        reader = self._reader
        if reader is None:
            return _NO_BODY
        try:
            event = reader(self._body)
            if event is None and self._eof:
                reader.read_eof()  # raises: the body was cut short
        except h11.ProtocolError as exc:
            raise self._body_failure(exc) from None
        return event

    def _end_of_request(self) -> ParserState:
        if self._body:
            self._buf = bytearray(bytes(self._body))
            self._body = ReceiveBuffer()
        self._reader = None
        return self._end_of_body()


class H11ConnectionParser(_H11Reading):
    """``H11Parser``'s reading through h11's public ``Connection`` (a fresh one per request).

    The fallback for an h11 release that moved or changed its reading functions; otherwise used by
    the tests, which check that it and ``H11Parser`` agree on every input.
    """

    __slots__ = ("_conn",)
    plain_heads = False  # h11's Connection must read every head to read the body after it

    def __init__(
        self, limits: HeadLimits, max_chunk_line: int = 4096, min_chunk_average: int | None = None
    ) -> None:
        super().__init__(limits, max_chunk_line, min_chunk_average)
        self._conn: h11.Connection | None = None

    def feed_eof(self) -> None:
        """The client will send nothing more."""
        self._eof = True
        if self._state == _BODY and self._conn is not None:
            self._conn.receive_data(b"")

    def start_next_request(self) -> None:
        """Allow the next pipelined request to be parsed."""
        super().start_next_request()
        self._conn = None

    def _parse_head(self, head: bytes) -> RequestHead:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=self._limits.max_header_bytes)
        conn.receive_data(head)
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            raise _head_failure(exc) from None
        if not isinstance(event, h11.Request):  # pragma: no cover - the head is complete
            raise ProtocolFailure(400, "Bad request")
        self._conn = conn
        version = event.http_version.decode("ascii")
        return make_head(event.method, event.target, version, list(event.headers))

    def _start_body(self, head: RequestHead) -> None:
        """The Connection that read the head reads the body."""

    def _take_body(self, data: bytes) -> None:
        assert self._conn is not None
        if data:  # h11 reads b"" as the end of the stream; that is feed_eof's to say
            self._conn.receive_data(data)

    def _take_unread_body(self) -> bytes:
        conn, self._conn = self._conn, None
        return conn.trailing_data[0] if conn is not None else b""

    def _read_body_event(self) -> object:
        conn = self._conn
        assert conn is not None
        try:
            return conn.next_event()
        except h11.RemoteProtocolError as exc:
            raise self._body_failure(exc) from None

    def _end_of_request(self) -> ParserState:
        assert self._conn is not None
        self._buf = bytearray(self._conn.trailing_data[0])
        return self._end_of_body()


# The fields make_head reads (see its loop).
_HEAD_FIELDS: Final = frozenset(
    (b"content-length", b"transfer-encoding", b"connection", b"expect", b"upgrade")
)


def make_head(
    method: bytes, target: bytes, version: str, headers: list[tuple[bytes, bytes]]
) -> RequestHead:
    """Build a ``RequestHead`` from a validated head (names lower-cased, values stripped).

    Shared by every back-end, so framing, keep-alive and Expect are decided one way only.
    """
    content_length: int | None = None
    chunked = False
    expect: bytes | None = None
    connection = b""
    upgrade = False
    for name, value in headers:
        if name not in _HEAD_FIELDS:
            continue  # most fields: one set lookup instead of five comparisons
        if name == b"content-length":
            content_length = int(value)
        elif name == b"transfer-encoding":
            chunked = True
        elif name == b"connection":
            connection = value.lower()
        elif name == b"expect":
            expect = value.lower()
        elif name == b"upgrade":
            upgrade = True
    if not connection:
        keep_alive = version == "1.1"
    else:
        tokens = {token.strip() for token in connection.split(b",")}
        keep_alive = b"close" not in tokens if version == "1.1" else b"keep-alive" in tokens
    return RequestHead(
        method, target, version, headers, keep_alive, content_length, chunked, expect, upgrade
    )


# h11's grammar (h11/_abnf.py: RFC 9110/9112's request-line and field-line), over a whole head
# whose request target is in origin form. h11 reads a field line as ``name ":" OWS value OWS``
# with the value ``vchar+ ([ \t]+ vchar+)*``, vchar any byte but NUL and ASCII whitespace.
# Every string of vchar, SP and HTAB splits into exactly such ``OWS value OWS`` (leading
# blanks, the value from its first vchar to its last, trailing blanks), so the part after the
# colon is one repeat of those bytes, with no backtracking (the grouped form cost about 7k
# instructions more on a head with a 100-byte Cookie line). In a head that passed
# ``check_head``, every control byte but HTAB is the CR or LF of a CRLF pair, so "any byte up
# to the next CR" is exactly that set here: ``[^\r]`` is the engine's single-byte loop, where
# the set spelled out (``[^\x00\r\n\x0b\x0c]``) tests each byte against a class, which cost
# about 5k instructions more on that head. ``plain_head`` strips the OWS.
_TOKEN_RE = rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"
_FIELD_CONTENT_RE = rb"[^\r]*"  # OWS value OWS: vchar, SP and HTAB, in a checked head
_PLAIN_HEAD = re.compile(
    rb"(%s) (/[\x21-\x7e]*) HTTP/(1\.[01])\r\n((?:%s:%s\r\n)*)\r\n"
    % (_TOKEN_RE, _TOKEN_RE, _FIELD_CONTENT_RE)
)
_VERSIONS = {b"1.1": "1.1", b"1.0": "1.0"}


def plain_head(head: bytes) -> RequestHead | None:
    """The ``RequestHead`` h11 would parse from ``head`` (which passed ``check_head``), or
    None when the head is not plain: a target not in origin form, a field line h11's grammar
    refuses, no Host or more than one, or a Transfer-Encoding (h11 lower-cases its value).
    The back-end's own parse handles those, and answers the errors among them."""
    match = _PLAIN_HEAD.fullmatch(head)
    if match is None:
        return None
    method, target, version, fields = match.groups()
    # Each line is known to be ``name:OWS value OWS`` (the match above): split, do not match.
    lines = fields.split(b"\r\n")
    del lines[-1]
    headers = []
    hosts = 0
    for line in lines:
        raw_name, _, value = line.partition(b":")
        name = raw_name.lower()
        if name == b"host":
            hosts += 1
        headers.append((name, value.strip(b" \t")))
    if hosts != 1:
        return None
    result = make_head(method, target, _VERSIONS[version], headers)
    return None if result.chunked else result


def _h11_readers_work() -> bool:
    """Whether h11's reading functions behave as ``H11Parser`` expects, checked once at import
    on a request with a sized body and one with a chunked body (an h11 release could keep the
    names and change what they do)."""
    try:
        buffer = ReceiveBuffer()
        buffer += b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok2\r\nhi\r\n0\r\n\r\n"
        request = maybe_read_from_IDLE_client(buffer)
        sized = ContentLengthReader(2)
        events = [sized(buffer), sized(buffer)]
        chunked = ChunkedReader()
        events += [chunked(buffer), chunked(buffer)]
    except Exception:  # pragma: no cover - depends on the h11 release
        return False
    return (
        isinstance(request, h11.Request)
        and (request.method, request.target) == (b"POST", b"/p")
        and [type(event).__name__ for event in events] == ["Data", "EndOfMessage"] * 2
        and [bytes(getattr(event, "data", b"")) for event in events] == [b"ok", b"", b"hi", b""]
        and not buffer
    )


H11_READERS: Final = _READERS_IMPORTED and _h11_readers_work()
"""True when ``H11Parser`` can be used: h11's reading functions imported and passed a probe."""
