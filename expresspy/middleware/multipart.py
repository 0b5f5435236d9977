"""`multipart()`: multipart/form-data uploads streamed to temporary files (multer's job).

    from expresspy.middleware import multipart

    @app.post("/upload", multipart(file_size=5 * 1024 * 1024))
    def upload(req, res):
        avatar = req.files[0]           # UploadedFile: fieldname, originalname, path, size, ...
        res.json({"name": req.body["name"], "bytes": avatar.size})

Parsing is done by python-multipart (the optional extra `multipart`:
`pip install expresspy[multipart]`). Files are written to temporary files as the bytes arrive
(creating, writing and removing them runs in a worker thread, never on the event loop) and
removed when the response finishes; move or copy one in the handler to keep it. Text fields
go to `req.body` (a repeated name gives a list); files to `req.files` (a list, in order).

Limits (options; keywords or multer's camelCase `{"limits": {...}}` names), each answering
413 with multer's code and message when exceeded: `file_size` (bytes per file, default 10 MiB),
`files` (default 10), `fields` (default 1000), `field_size` (bytes per field value, default
1 MiB), `field_total_size` (bytes of all field values together, default 1 MiB), `parts`
(files + fields, default 1000), `field_name_size` (default 100 bytes).
`dest` picks the directory for the temporary files (default: the system's); it must be an
existing writable directory when the middleware is built (`ValueError` otherwise). A body
python-multipart cannot parse, or one cut before its closing boundary ("Unexpected end of
form", as busboy says), answers 400; a disk that fails (full, read-only) answers 500
without exposing the path.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from expresspy.errors import HTTPError
from expresspy.middleware import _read
from expresspy.middleware._options import Middleware, gather, parse_bytes, snake

__all__ = ["DEFAULT_LIMITS", "UNEXPECTED_END", "UploadedFile", "multipart", "parser_callbacks"]

#: busboy's message for a body that ends before the closing boundary.
UNEXPECTED_END = "Unexpected end of form"

#: Default limits; multer has none for files, which invites disk filling, so these are finite.
DEFAULT_LIMITS: Mapping[str, int] = {
    "file_size": 10 * 1024 * 1024,
    "files": 10,
    "fields": 1000,
    "field_size": 1024 * 1024,
    # Text fields are kept in memory, so their sum needs a cap of its own: 1000 fields of
    # 1 MiB each would otherwise hold 1 GB. werkzeug's max_form_memory_size (500 kB) is the
    # precedent; multer has no such limit.
    "field_total_size": 1024 * 1024,
    "parts": 1000,
    "field_name_size": 100,
}
# multer's error codes and messages, per limit.
_LIMIT_ERRORS = {
    "file_size": ("LIMIT_FILE_SIZE", "File too large"),
    "files": ("LIMIT_FILE_COUNT", "Too many files"),
    "fields": ("LIMIT_FIELD_COUNT", "Too many fields"),
    "field_size": ("LIMIT_FIELD_VALUE", "Field value too long"),
    # Not one of multer's codes (multer has no total): named in its style.
    "field_total_size": ("LIMIT_FIELDS_SIZE", "Fields too large"),
    "parts": ("LIMIT_PART_COUNT", "Too many parts"),
    "field_name_size": ("LIMIT_FIELD_KEY", "Field name too long"),
}


# python-multipart's MultipartParser callbacks, by the names it calls.
_CALLBACK_NAMES = (
    "on_part_begin",
    "on_header_field",
    "on_header_value",
    "on_header_end",
    "on_headers_finished",
    "on_part_data",
    "on_part_end",
    "on_end",
)


def parser_callbacks(handler: object) -> dict[str, Callable[..., None]]:
    """`handler`'s methods named after python-multipart's callbacks (also used by multer)."""
    return {name: getattr(handler, name) for name in _CALLBACK_NAMES}


@dataclass
class UploadedFile:
    """One uploaded file (multer's file object). `path` is removed when the response ends."""

    fieldname: str
    originalname: str
    encoding: str
    mimetype: str
    path: str
    size: int = 0


class _LimitExceeded(Exception):
    def __init__(self, limit: str, field_name: str | None) -> None:
        super().__init__(limit)
        self.limit = limit
        self.field_name = field_name


def _limit_error(exc: _LimitExceeded) -> HTTPError:
    code, message = _LIMIT_ERRORS[exc.limit]
    return HTTPError(413, message, code=code, field=exc.field_name)


def _load_parser() -> tuple[Any, Any, type[Exception]]:
    try:
        from python_multipart.exceptions import FormParserError
        from python_multipart.multipart import MultipartParser, parse_options_header
    except ImportError:
        raise ImportError(
            "multipart() needs python-multipart: pip install 'expresspy[multipart]'"
        ) from None
    return MultipartParser, parse_options_header, FormParserError


def _check_dest(dest: str) -> None:
    """Refuse a `dest` that is not a writable directory, before any request can fail on it."""
    if not os.path.isdir(dest) or not os.access(dest, os.W_OK | os.X_OK):
        raise ValueError(
            f"multipart(): option dest {dest!r} is not an existing writable "
            "directory; create it or pass dest=None for the system's temp folder"
        )


@dataclass
class _Upload:
    """What one request's parse collects; the parser's callbacks fill it."""

    limits: Mapping[str, int]
    dest: str | None
    parse_options: Callable[[bytes], tuple[bytes, dict[bytes, bytes]]]
    fields: dict[str, Any] = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)
    parts: int = 0
    field_count: int = 0
    field_bytes: int = 0  # bytes of every field value so far (they are all in memory)
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_name: bytes = b""
    header_value: bytes = b""
    name: str = ""
    value: bytearray = field(default_factory=bytearray)
    file: UploadedFile | None = None
    # Disk work the parser's (synchronous) callbacks asked for, run later in a worker thread
    # in order: open a temp file, write blocks to it, close it.
    pending: list[Callable[[], None]] = field(default_factory=list)
    out: BinaryIO | None = None  # the temp file being written (touched by the worker only)
    complete: bool = False  # the closing boundary was seen

    def check(self, limit: str, amount: int) -> None:
        if amount > self.limits[limit]:
            raise _LimitExceeded(limit, self.name or None)

    # -- python-multipart callbacks (data callbacks get the buffer and a slice) -----------

    def on_part_begin(self) -> None:
        self.parts += 1
        self.check("parts", self.parts)
        self.headers, self.name, self.file = {}, "", None
        self.value = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name = self.header_value = b""

    def on_headers_finished(self) -> None:
        _, params = self.parse_options(self.headers.get(b"content-disposition", b""))
        self.name = params.get(b"name", b"").decode("utf-8", "replace")
        self.check("field_name_size", len(self.name.encode()))
        if b"filename" not in params:
            self.field_count += 1
            self.check("fields", self.field_count)
            return
        self.check("files", len(self.files) + 1)
        self.file = UploadedFile(
            fieldname=self.name,
            originalname=params[b"filename"].decode("utf-8", "replace"),
            encoding=self.headers.get(b"content-transfer-encoding", b"7bit").decode("latin-1"),
            mimetype=self.headers.get(b"content-type", b"text/plain").decode("latin-1"),
            path="",
        )  # set by _open, in the worker thread
        self.files.append(self.file)
        self.pending.append(functools.partial(self._open, self.file))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.file is None:
            self.value += data[start:end]
            self.field_bytes += end - start
            self.check("field_size", len(self.value))
            self.check("field_total_size", self.field_bytes)
            return
        self.file.size += end - start
        self.check("file_size", self.file.size)
        self.pending.append(functools.partial(self._write, data[start:end]))

    def on_part_end(self) -> None:
        if self.file is not None:
            self.pending.append(self._close)
            return
        text = self.value.decode("utf-8", "replace")
        current = self.fields.get(self.name)
        if current is None:
            self.fields[self.name] = text
        elif isinstance(current, list):
            current.append(text)
        else:
            self.fields[self.name] = [current, text]

    def on_end(self) -> None:
        self.complete = True

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return parser_callbacks(self)

    # -- disk work, in a worker thread ----------------------------------------------------

    def _open(self, upload: UploadedFile) -> None:
        handle, upload.path = tempfile.mkstemp(prefix="expresspy-upload-", dir=self.dest)
        self.out = os.fdopen(handle, "wb")  # kept open across chunks, closed at part end

    def _write(self, block: bytes) -> None:
        assert self.out is not None
        self.out.write(block)

    def _close(self) -> None:
        out, self.out = self.out, None
        if out is not None:
            out.close()

    def run_pending(self) -> None:
        """Run the disk work queued so far (in a worker thread)."""
        work, self.pending = self.pending, []
        for step in work:
            step()

    def remove_files(self) -> None:
        """Close and delete every temp file (in a worker thread); safe to call twice."""
        with contextlib.suppress(OSError):
            self._close()
        for upload in self.files:
            if upload.path:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(upload.path)


async def _flush(upload: _Upload) -> None:
    """Run the disk work parsed so far, off the event loop."""
    if upload.pending:
        await asyncio.get_running_loop().run_in_executor(None, upload.run_pending)


def _remove_later(upload: _Upload) -> Callable[[Any], None]:
    """An on_finish hook deleting the temp files in a worker thread (the hook runs on the loop)."""

    def remove(response: Any) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not on a loop: nothing to keep unblocked
            upload.remove_files()
            return
        loop.run_in_executor(None, upload.remove_files)

    return remove


async def _parse(req: Any, upload: _Upload, boundary: bytes) -> None:
    parser_class, _, _ = _load_parser()
    parser = parser_class(boundary, upload.callbacks())
    async for chunk in req.stream():
        parser.write(chunk)
        await _flush(upload)
    parser.finalize()
    await _flush(upload)
    if not upload.complete:
        # python-multipart's finalize() does not check that the closing boundary came; a body
        # cut short would otherwise pass with the parts after the cut silently missing.
        raise HTTPError(400, UNEXPECTED_END)


def multipart(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Middleware parsing multipart/form-data into `req.body` and `req.files`."""
    settings = gather(
        "multipart()", options, keywords, {**DEFAULT_LIMITS, "dest": None, "limits": None}
    )
    for key, value in (settings.pop("limits") or {}).items():
        settings[snake(key) if snake(key) in DEFAULT_LIMITS else key] = value
    limits = {
        name: parse_bytes(settings[name], default, name) for name, default in DEFAULT_LIMITS.items()
    }
    dest = os.fspath(settings["dest"]) if settings["dest"] is not None else None
    if dest is not None:
        _check_dest(dest)
    _, parse_options, parse_error = _load_parser()

    async def multipartParser(req: Any, res: Any, next: Callable[..., None]) -> None:
        if (
            _read.body_already_read(req)
            or not _read.has_body(req)
            or not req.is_("multipart/form-data")
        ):
            next()
            return
        _, params = parse_options(req.headers.get("content-type", "").encode("latin-1"))
        boundary = params.get(b"boundary")
        if not boundary:
            next(HTTPError(400, "Multipart: Boundary not found"))
            return
        upload = _Upload(limits, dest, parse_options)
        res.on_finish(_remove_later(upload))
        try:
            await _parse(req, upload, boundary)
        except _LimitExceeded as exc:
            error: HTTPError = _limit_error(exc)
        except HTTPError as err:
            error = err
        except parse_error as exc:  # a malformed body: the client's fault
            error = HTTPError(400, f"Malformed multipart body: {exc}")
        except OSError as exc:  # a full or failing disk: ours, and its path stays private
            error = HTTPError(500, "multipart(): could not store an uploaded file", expose=False)
            error.__cause__ = exc
        else:
            req.body = upload.fields
            req.files = upload.files
            next()
            return
        await asyncio.get_running_loop().run_in_executor(None, upload.remove_files)
        next(error)

    return multipartParser
