"""busboy 1.6's reading of a multipart/form-data body, on python-multipart's parser.

python-multipart finds the boundaries and headers; this module decides what busboy would make
of each part (a file, a field, or a part to skip), applies busboy's limits where busboy applies
them, and turns the callbacks into a list of events that multer's logic (in `_middleware`)
consumes. Parameter values without a charset are decoded with `param_charset` (multer passes
`latin1`, so a raw UTF-8 filename arrives as mojibake, exactly as in multer).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from expresspy.middleware.multer.errors import FormError
from expresspy.middleware.multipart import UNEXPECTED_END, parser_callbacks

__all__ = ["Collector", "Part", "decode", "parse_content_type", "parse_disposition"]

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"((?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\.)*)"'
# busboy lets a parameter name be empty (`; =x`)
_PARAM = re.compile(rf"[ \t]*;[ \t]*({_TOKEN}|)=(?:{_QUOTED}|({_TOKEN}))")
_EXTENDED = re.compile(
    r"([!#$&+\-.^_`{}~0-9A-Za-z]*)'[^']*'"
    r"((?:[!#$&+\-.^_`|~0-9A-Za-z]|%[0-9A-Fa-f]{2})+)"
)
_TYPE = re.compile(rf"({_TOKEN})/({_TOKEN})")
_ESCAPE = re.compile(r'\\([\\"])')  # busboy unescapes only \\ and \"; `\x` keeps its backslash
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


#: busboy's cap on one part's header block, in bytes ("From node"); past it the body is
#: "Malformed part header". It keeps a part's headers from holding more memory than that.
MAX_HEADER_SIZE = 16 * 1024
#: busboy reads this many header lines of a part and ignores any more.
MAX_HEADER_PAIRS = 2000


def decode(data: bytes, charset: str) -> str:
    """Bytes as busboy decodes them: the named charset, UTF-8 when Python does not know it."""
    try:
        info = codecs.lookup(charset)
    except LookupError:
        info = codecs.lookup("utf-8")
    if not getattr(info, "_is_text_encoding", True):
        info = codecs.lookup("utf-8")
    return data.decode(info.name, errors="replace")


def _params(
    text: str, start: int, param_charset: str, extended: bool = True
) -> dict[str, str] | None:
    """`; name=value` pairs from `start`, or None when malformed (busboy then skips the part).

    The first value of a name wins; with `extended` (Content-Disposition), `name*=charset'lang'%XX`
    values are percent-decoded and decoded with their own charset; others with `param_charset`.
    """
    params: dict[str, str] = {}
    pos = start
    while pos < len(text):
        if not text[pos:].strip(" \t"):
            break
        match = _PARAM.match(text, pos)
        is_extended = extended and match is not None and match.group(1).endswith("*")
        if match is None or (is_extended and match.group(3) is None):
            return None
        pos = match.end()
        name = match.group(1).lower()
        if is_extended:
            encoded = _EXTENDED.fullmatch(match.group(3))
            if encoded is None:
                return None
            raw = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), encoded.group(2))
            value = decode(raw.encode("latin-1"), encoded.group(1) or "utf-8")
        elif match.group(2) is not None:
            value = _ESCAPE.sub(r"\1", match.group(2))
            value = decode(value.encode("latin-1"), param_charset)
        else:
            value = decode(match.group(3).encode("latin-1"), param_charset)
        params.setdefault(name, value)
    return params


def parse_disposition(text: str, param_charset: str) -> tuple[str, dict[str, str]] | None:
    """Content-Disposition as busboy's parseDisposition reads it: (lower-cased type, params)."""
    head = re.match(_TOKEN, text)
    if head is None:
        return None
    params = _params(text, head.end(), param_charset)
    return None if params is None else (head.group(0).lower(), params)


def parse_content_type(text: str) -> tuple[str, dict[str, str]] | None:
    """A Content-Type: (`type/subtype` lower-cased, params), None when malformed (busboy then
    keeps a part's default text/plain, and refuses a request's as "Malformed content type").
    """
    match = _TYPE.match(text)
    if match is None:
        return None
    params = _params(text, match.end(), "latin1", extended=False)
    return None if params is None else (f"{match.group(1)}/{match.group(2)}".lower(), params)


def basename(path: str) -> str:
    """busboy's basename: the text after the last `/` or `\\`; `.` and `..` become empty."""
    name = re.split(r"[/\\]", path)[-1]
    return "" if name in (".", "..") else name


@dataclass
class Part:
    """One part as busboy announces it: a file (`filename` set, or an octet-stream) or a field.

    `name` and `filename` are None when the part has none (busboy's undefined).
    """

    is_file: bool
    name: str | None
    filename: str | None
    encoding: str
    mimetype: str
    charset: str
    value: bytearray = field(default_factory=bytearray)
    size: int = 0
    truncated: bool = False


# Events handed to the middleware, in body order:
#   ("file", Part)        a file part begins (busboy's 'file')
#   ("data", bytes)       bytes of the current file, at most file_size + 1 of them in all
#   ("limit", None)       the current file passed file_size (busboy's 'limit')
#   ("file_end", None)    the current file part ended
#   ("field", Part)       a whole field (busboy's 'field'; `truncated` past field_size)
#   ("error", MulterErrorCode | FormError)  busboy's filesLimit/fieldsLimit/partsLimit or error
Event = tuple[str, Any]


@dataclass
class Collector:
    """python-multipart callbacks that record busboy's events for one request.

    Limits are busboy's, as multer passes them (math.inf for none): a file reaching
    `file_size` bytes gets a "limit" event and a field value reaching `field_size` is
    truncated (multer passes its limits + 1); a file or field past `files`/`fields` is an
    error, and so is the part that brings the count of parts to `parts` (multer's + 1).
    """

    file_size: float
    field_size: float
    files: float
    fields: float
    parts: float
    param_charset: str
    default_charset: str
    preserve_path: bool
    events: list[Event] = field(default_factory=list)
    complete: bool = False
    in_headers: bool = False
    _headers: dict[str, str] = field(default_factory=dict)
    _header_name: bytes = b""
    _header_value: bytes = b""
    _header_bytes: int = 0
    _header_pairs: int = 0
    _part: Part | None = None  # None also for a part busboy skips
    _skipping: bool = False
    _counts: dict[bool, int] = field(default_factory=lambda: {True: 0, False: 0})  # by is_file
    _part_count: int = 0
    _stopped: bool = False  # a limit error was recorded: busboy's later events do not matter

    def _error(self, error: object) -> None:
        if not self._stopped:
            self._stopped = True
            self.events.append(("error", error))

    def on_part_begin(self) -> None:
        self._headers, self._part, self._skipping = {}, None, False
        self._header_bytes, self._header_pairs = 0, 0
        self.in_headers = True

    def _header_room(self, size: int) -> bool:
        self._header_bytes += size
        if self._header_bytes > MAX_HEADER_SIZE:
            self._error(FormError("Malformed part header"))
        return not self._stopped and self._header_pairs < MAX_HEADER_PAIRS

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        if self._header_room(end - start):
            self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        if self._header_room(end - start):
            self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_pairs < MAX_HEADER_PAIRS:
            name = self._header_name.decode("latin-1").lower()
            self._headers.setdefault(name, self._header_value.decode("latin-1").strip(" \t"))
        self._header_pairs += 1
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        self.in_headers = False
        part = self._classify()
        if part is None or self._stopped:
            self._skipping = True
            return
        limit, code = (
            (self.files, "LIMIT_FILE_COUNT") if part.is_file else (self.fields, "LIMIT_FIELD_COUNT")
        )
        if self._counts[part.is_file] >= limit:
            self._skipping = True
            self._error(code)
            return
        self._counts[part.is_file] += 1
        self._part = part
        if part.is_file:
            self.events.append(("file", part))

    def _classify(self) -> Part | None:
        disposition = parse_disposition(
            self._headers.get("content-disposition", ""), self.param_charset
        )
        if disposition is None or disposition[0] != "form-data":
            return None
        params = disposition[1]
        # busboy tests each parameter for truthiness: an empty filename is no filename
        filename = params.get("filename*") or params.get("filename") or None
        if filename is not None and not self.preserve_path:
            filename = basename(filename)
        mimetype, charset = "text/plain", self.default_charset
        content_type = parse_content_type(self._headers.get("content-type", ""))
        if content_type is not None:
            mimetype = content_type[0]
            charset = content_type[1].get("charset", charset).lower()
        encoding = self._headers.get("content-transfer-encoding", "7bit").lower()
        is_file = mimetype == "application/octet-stream" or filename is not None
        return Part(is_file, params.get("name") or None, filename, encoding, mimetype, charset)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        if part is None or self._skipping or self._stopped:
            return
        limit = self.file_size if part.is_file else self.field_size
        room = limit - part.size
        block = data[start:end] if room >= end - start else data[start : start + int(room)]
        part.size += len(block)
        if part.is_file:
            if block:
                self.events.append(("data", block))
            if part.size >= limit:
                self._skipping = True
                self.events.append(("limit", None))
            return
        part.value += block
        if part.size >= limit:
            self._skipping = True
            part.truncated = True

    def on_part_end(self) -> None:
        part = self._part
        if part is not None and not self._stopped:
            self.events.append(("file_end", None) if part.is_file else ("field", part))
        self._part = None
        self._part_count += 1
        if self._part_count >= self.parts:
            self._error("LIMIT_PART_COUNT")

    def on_end(self) -> None:
        self.complete = True

    def callbacks(self) -> dict[str, Callable[..., None]]:
        """The callbacks to give python-multipart's MultipartParser."""
        return parser_callbacks(self)

    def end_error(self) -> FormError | None:
        """busboy's error at the end of the body, if any: it must have seen the last boundary."""
        if self.complete:
            return None
        return FormError(UNEXPECTED_END)
