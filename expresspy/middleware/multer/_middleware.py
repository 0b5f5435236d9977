"""One request through multer: busboy's events (from `_busboy`) to `req.body`, `req.file(s)`.

Mirrors multer 2.x's lib/make-middleware.js and lib/file-appender.js: the first error wins;
files stored for a request that fails are removed before `next(err)`; the file objects are
`MulterFile` mappings with exactly multer's keys, in multer's order.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from expresspy.middleware import _read
from expresspy.middleware._options import Middleware, snake
from expresspy.middleware.multer._append_field import MAX_ARRAY_INDEX, append_field
from expresspy.middleware.multer._busboy import (
    MAX_HEADER_PAIRS,
    MAX_HEADER_SIZE,
    Collector,
    Part,
    decode,
    parse_content_type,
)
from expresspy.middleware.multer.errors import FormError, MulterError
from expresspy.middleware.multer.storage import Sink, StorageEngine, call_back

__all__ = ["LIMIT_NAMES", "MulterFile", "Settings", "make_middleware", "normalise_limits"]

#: A file filter, `fn(req, file, cb)` calling back `cb(None, True)` to accept.
FileFilter = Callable[..., Any]

_FORM_ESCAPES = re.compile(r"%0A|%0D|%22", re.IGNORECASE)
_UNESCAPED = {"%0A": "\n", "%0D": "\r", "%22": '"'}
# append-field builds an array only for names it reads as a bracket path
_BRACKET_PATH = re.compile(r"^[^\[]+(?:\[[^\]]+\])*(?:\[\])?$")
_INDEX = re.compile(r"\[(\d+)\]")
# busboy's default field size limit (multer passes its limit + 1 even when none was given)
_DEFAULT_FIELD_SIZE = 1024 * 1024


class MulterFile(dict[str, Any]):
    """An uploaded file: a plain mapping with multer's keys (`file["originalname"]`), also
    readable as attributes (`file.originalname`) for code ported from JavaScript.

    Keys: fieldname, originalname, encoding, mimetype, then for disk storage path,
    destination, filename, size, and for memory storage buffer (a `Buffer`, i.e. bytes), size.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"uploaded file has no {name!r} (keys: {', '.join(self)})"
            ) from None


@dataclass(frozen=True)
class Settings:
    """What one `multer()` route middleware needs, resolved once when it is built."""

    storage: StorageEngine
    limits: Mapping[str, float] | Callable[[Any], Mapping[str, Any] | None] | None
    file_filter: FileFilter
    preserve_path: bool
    param_charset: str
    charset: str
    strategy: str  # "VALUE" (.single), "ARRAY", "OBJECT" (.fields), "NONE"
    max_counts: Mapping[str, float] | None  # files allowed per field; None: any field (.any)


# media-typer 0.3, which multer's own type-is 1.6 parses the Content-Type with
_MT_TYPE = re.compile(
    r" *([A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126})/"
    r"([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}) *"
)
_MT_SUBTYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.-]{0,126}")
_MT_SUFFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126}")
_MT_TOKEN = r"[!#$%&'*+\-.0-9A-Z^_`a-z|~]+"
_MT_PARAM = re.compile(
    rf'; *({_MT_TOKEN}) *= *("(?:[ !\x23-\x5b\x5d-\x7e\x80-\xff]'
    rf'|\\[\x20-\x7e])*"|{_MT_TOKEN}) *'
)


def is_multipart(req: Any) -> bool:
    """multer's gate, `is(req, ["multipart"])` with its own type-is 1.6: a body, and a
    Content-Type of type multipart whose parameters media-typer 0.3 can parse. Stricter than
    `req.is_()` (type-is 2): `boundary=a:b` unquoted or a trailing `;` makes multer pass the
    request by untouched, so it does here too.
    """
    header = req.headers.get("content-type", "")
    if not header or not _read.has_body(req):
        return False
    semicolon = header.find(";")
    match = _MT_TYPE.fullmatch(header if semicolon < 0 else header[:semicolon])
    if match is None or match.group(1).lower() != "multipart":
        return False
    name = match.group(2)
    subtype, _, suffix = name.rpartition("+") if "+" in name else (name, "", "")
    if not _MT_SUBTYPE.fullmatch(subtype) or (suffix and not _MT_SUFFIX.fullmatch(suffix)):
        return False
    pos = len(header) if semicolon < 0 else semicolon
    while pos < len(header):
        param = _MT_PARAM.match(header, pos)
        if param is None:
            return False
        pos = param.end()
    return True


def decode_form_name(name: str) -> str:
    """Undo the WHATWG escapes of LF, CR and `"` in a field or file name (only those)."""
    return _FORM_ESCAPES.sub(lambda m: _UNESCAPED[m.group(0).upper()], name)


def _exceeds_array_index(name: str, limit: float) -> bool:
    if not _BRACKET_PATH.match(name):
        return False
    return any(int(index) > limit for index in _INDEX.findall(name))


@dataclass
class _Run:
    """The state of one request's upload."""

    req: Any
    settings: Settings
    limits: Mapping[str, float]
    files_left: dict[str, float] | None
    stored: list[MulterFile] = field(default_factory=list)
    file: MulterFile | None = None  # the accepted file being stored
    sink: Sink | None = None

    async def handle(self, kind: str, payload: Any) -> None:
        """Act on one busboy event; raises the request's error."""
        if kind == "data":
            if self.sink is not None:
                await self.sink.write(payload)
        elif kind == "file":
            await self._begin_file(payload)
        elif kind == "limit":
            if self.file is not None:
                raise MulterError(
                    "LIMIT_FILE_SIZE", self.file["fieldname"], self.file["originalname"]
                )
        elif kind == "file_end":
            await self._end_file()
        elif kind == "field":
            self._field(payload)
        elif isinstance(payload, str):
            raise MulterError(payload)
        else:
            raise payload

    def _check_name_size(self, raw: str) -> None:
        # busboy 1.6 never truncates names, so multer checks fieldNameSize itself, and only
        # when the app set it (its documented default of 100 is not applied)
        limit = self.limits.get("field_name_size")
        if limit is not None and len(raw) > limit:
            raise MulterError("LIMIT_FIELD_KEY")

    def _field(self, part: Part) -> None:
        if part.name is None:
            raise MulterError("MISSING_FIELD_NAME")
        name = decode_form_name(part.name)
        if part.truncated:
            raise MulterError("LIMIT_FIELD_VALUE", name)
        self._check_name_size(part.name)
        depth = self.limits.get("field_nesting_depth")
        if depth is not None and name.count("[") > depth:
            raise MulterError("LIMIT_FIELD_NESTING", name)
        index_limit = self.limits.get("field_array_index_limit", MAX_ARRAY_INDEX)
        if _exceeds_array_index(name, index_limit):
            raise MulterError("LIMIT_FIELD_ARRAY_INDEX", name)
        try:
            append_field(self.req.body, name, decode(bytes(part.value), part.charset))
        except ValueError:
            raise MulterError("INVALID_FIELD_NAME", name) from None

    async def _begin_file(self, part: Part) -> None:
        if part.name is None:
            raise MulterError("MISSING_FIELD_NAME")
        if not part.filename:
            return  # multer skips a file part without a file name
        self._check_name_size(part.name)
        file = MulterFile(
            fieldname=decode_form_name(part.name),
            originalname=decode_form_name(part.filename),
            encoding=part.encoding,
            mimetype=part.mimetype,
        )
        if not await self._accept(file):
            return
        self.file = file
        self.sink = await self.settings.storage.open(self.req, file)

    async def _accept(self, file: MulterFile) -> bool:
        """The route's rule (maxCount per field), then the app's file_filter."""
        left = self.files_left
        name = file["fieldname"]
        if left is not None:
            if left.get(name, 0) <= 0:
                raise MulterError("LIMIT_UNEXPECTED_FILE", name, file["originalname"])
            left[name] -= 1  # a rejected file gives its slot back (multer #1419)
        try:
            accepted = bool(await call_back(self.settings.file_filter, self.req, file))
        except BaseException:
            if left is not None:
                left[name] += 1
            raise
        if not accepted and left is not None:
            left[name] += 1
        return accepted

    async def _end_file(self) -> None:
        file, sink = self.file, self.sink
        self.file = self.sink = None
        if file is None or sink is None:
            return
        self.stored.append(file)  # before close: a failing close still leaves a file to remove
        file.update(await sink.close())
        self._append(file)

    def _append(self, file: MulterFile) -> None:
        strategy = self.settings.strategy
        if strategy == "VALUE":
            self.req.file = file
        elif strategy == "ARRAY":
            self.req.files.append(file)
        elif strategy == "OBJECT":
            self.req.files.setdefault(file["fieldname"], []).append(file)

    async def clean_up(self, error: BaseException) -> None:
        """Remove every file stored for the failed request; multer's `storageErrors`."""
        if self.sink is not None:
            await self.sink.discard()
            if self.file is not None and self.file not in self.stored:
                self.stored.append(self.file)
        problems: list[BaseException] = []
        for file in self.stored:
            try:
                await self.settings.storage.remove(self.req, file)
            except Exception as exc:
                problems.append(exc)
        with contextlib.suppress(AttributeError, TypeError):
            error.storageErrors = problems  # type: ignore[attr-defined]
            error.storage_errors = problems  # type: ignore[attr-defined]


#: multer's limit names (busboy's), camelCase as in JavaScript; snake_case is accepted too.
LIMIT_NAMES = (
    "fieldNameSize",
    "fieldSize",
    "fields",
    "fileSize",
    "files",
    "parts",
    "headerPairs",
    "fieldNestingDepth",
    "fieldArrayIndexLimit",
)
_SNAKE_LIMITS = {snake(name): name for name in LIMIT_NAMES}


def normalise_limits(limits: Mapping[str, Any] | None) -> dict[str, float]:
    """Limits by snake_case name, checked as multer's validateLimits checks them.

    Each is None (no limit), a non-negative int or `math.inf`; anything else raises
    TypeError (busboy compares with ===, so multer refuses values that would silently never
    match). An unknown name raises TypeError too (multer ignores it; a misspelt limit that
    does nothing is a misconfiguration here).
    """
    checked: dict[str, float] = {}
    for key, value in (limits or {}).items():
        name = snake(key)
        if name not in _SNAKE_LIMITS:
            raise TypeError(f"multer(): unknown limit {key!r} (known: {', '.join(LIMIT_NAMES)})")
        if value is None:
            continue
        if isinstance(value, bool) or not (
            (isinstance(value, int) and value >= 0) or value == math.inf
        ):
            raise TypeError(f"Expected limits.{key} to be a non-negative integer or Infinity")
        checked[name] = value
    return checked


def _resolve_limits(settings: Settings, req: Any) -> Mapping[str, float]:
    limits = settings.limits
    if callable(limits):
        return normalise_limits(limits(req))
    return limits or {}


def _busboy_limit(limits: Mapping[str, float], name: str, default: float = math.inf) -> float:
    value = limits.get(name)
    return default if value is None else value


def _collector(settings: Settings, limits: Mapping[str, float]) -> Collector:
    """busboy configured as multer configures it (file/field size and parts: limit + 1)."""
    return Collector(
        file_size=_busboy_limit(limits, "file_size") + 1,
        field_size=_busboy_limit(limits, "field_size", _DEFAULT_FIELD_SIZE) + 1,
        files=_busboy_limit(limits, "files"),
        fields=_busboy_limit(limits, "fields"),
        parts=_busboy_limit(limits, "parts") + 1,
        param_charset=settings.param_charset,
        default_charset=settings.charset,
        preserve_path=settings.preserve_path,
    )


def _boundary(req: Any) -> bytes:
    """The boundary, or busboy's error for a content type it cannot read."""
    header = req.headers.get("content-type", "")
    parsed = parse_content_type(header)
    if parsed is None:
        raise FormError("Malformed content type")
    if parsed[0] != "multipart/form-data":
        raise FormError(f"Unsupported content type: {header}")
    boundary = parsed[1].get("boundary")
    if boundary is None:
        raise FormError("Multipart: Boundary not found")
    return boundary.encode("latin-1")


async def _parse(
    run: _Run, collector: Collector, boundary: bytes, stream: AsyncIterator[bytes]
) -> None:
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser

    callbacks: Any = collector.callbacks()  # python-multipart types them as a TypedDict
    try:  # python-multipart >= 0.0.21 has header limits, far below busboy's by default
        parser = MultipartParser(
            boundary,
            callbacks,
            max_header_count=MAX_HEADER_PAIRS + 1,
            max_header_size=MAX_HEADER_SIZE,
        )
    except TypeError:
        parser = MultipartParser(boundary, callbacks)
    delimiter = b"\r\n--" + boundary
    tail = b"\r\n"  # busboy reads the body as if a CRLF came first
    preamble: bytearray | None = bytearray(b"\r\n")  # until the first delimiter is found
    async for chunk in stream:
        tail = (tail + chunk)[-len(delimiter) - 1 :]
        if preamble is not None:
            # python-multipart wants the body to start with the boundary; busboy (and RFC
            # 2046) skip any preamble before it
            preamble += chunk
            start = preamble.find(delimiter)
            if start < 0:
                del preamble[: -len(delimiter)]
                continue
            chunk, preamble = bytes(preamble[start + 2 :]), None
        try:
            parser.write(chunk)
        except MultipartParseError:
            # busboy has one error for a broken header block, and reads past anything else
            # until the body ends without its closing boundary
            collector.events.append(
                (
                    "error",
                    FormError(
                        "Malformed part header"
                        if collector.in_headers
                        else "Unexpected end of form"
                    ),
                )
            )
        events, collector.events = collector.events, []
        for kind, payload in _merge_data(events):
            await run.handle(kind, payload)
    error = collector.end_error()
    if error is None:
        return
    cut_after_delimiter = tail.endswith(delimiter) or (
        tail[:-1].endswith(delimiter) and tail[-1:] in (b"-", b"\r")
    )
    if cut_after_delimiter:
        # busboy ends a part as soon as the delimiter matched; python-multipart waits for
        # what follows it, which a body cut right there never brings
        collector.on_part_end()
        for kind, payload in _merge_data(collector.events):
            await run.handle(kind, payload)
    raise error


def _merge_data(events: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Join a file's consecutive data blocks, so one chunk costs one disk write."""
    merged: list[tuple[str, Any]] = []
    for kind, payload in events:
        if kind == "data" and merged and merged[-1][0] == "data":
            merged[-1] = ("data", merged[-1][1] + payload)
        else:
            merged.append((kind, payload))
    return merged


#: Bytes of body still read (and dropped) after an error before it is answered. multer reads
#: the whole rest, so the client is not cut off mid-send (a server that closes on unread data
#: makes the client's TCP stack drop the answer with a reset); the bound keeps an error from
#: committing us to an unbounded body: past it the connection is closed after the answer.
DRAIN_LIMIT = 16 * 1024 * 1024


async def _drain(stream: AsyncIterator[bytes]) -> None:
    """Read and drop the rest of the body, up to DRAIN_LIMIT bytes."""
    dropped = 0
    with contextlib.suppress(Exception):
        async for chunk in stream:
            dropped += len(chunk)
            if dropped > DRAIN_LIMIT:
                break


def make_middleware(settings: Settings) -> Middleware:
    """The `(req, res, next)` middleware of one multer route method."""

    async def multerMiddleware(req: Any, res: Any, next: Callable[..., None]) -> None:
        if not is_multipart(req) or _read.body_already_read(req):
            next()
            return
        try:
            limits = _resolve_limits(settings, req)
        except Exception as exc:
            next(exc)
            return
        req.body = {}
        try:
            boundary = _boundary(req)
        except FormError as exc:
            next(exc)
            return
        if settings.strategy == "ARRAY":
            req.files = []
        elif settings.strategy == "OBJECT":
            req.files = {}
        counts = dict(settings.max_counts) if settings.max_counts is not None else None
        run = _Run(req, settings, limits, counts)
        stream = req.stream()
        try:
            await _parse(run, _collector(settings, limits), boundary, stream)
        except Exception as exc:  # every failure goes to next(err), after the clean-up
            await run.clean_up(exc)
            await _drain(stream)
            next(exc)
            return
        next()

    return multerMiddleware
