"""`multipart()`: multipart/form-data uploads streamed to temporary files (multer's job).

    from expresspy.middleware import multipart

    @app.post("/upload", multipart(file_size=5 * 1024 * 1024))
    def upload(req, res):
        avatar = req.files[0]           # UploadedFile: fieldname, originalname, path, size, ...
        res.json({"name": req.body["name"], "bytes": avatar.size})

Parsing is done by python-multipart (the optional extra `multipart`:
`pip install expresspy[multipart]`). Files are written to temporary files as the bytes arrive
(disk writes run in a worker thread, never on the event loop) and removed when the response
finishes; move or copy one in the handler to keep it. Text fields go to `req.body` (a repeated
name gives a list); files to `req.files` (a list, in order).

Limits (options; keywords or multer's camelCase `{"limits": {...}}` names), each answering
413 with multer's code and message when exceeded: `file_size` (bytes per file, default 10 MiB),
`files` (default 10), `fields` (default 1000), `field_size` (bytes per field value, default
1 MiB), `parts` (files + fields, default 1000), `field_name_size` (default 100 bytes).
`dest` picks the directory for the temporary files (default: the system's).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from expresspy.errors import HTTPError
from expresspy.middleware import _read
from expresspy.middleware._options import gather, parse_bytes, snake

__all__ = ["DEFAULT_LIMITS", "UploadedFile", "multipart"]

Middleware = Callable[[Any, Any, Callable[..., None]], Awaitable[None]]

#: Default limits; multer has none for files, which invites disk filling, so these are finite.
DEFAULT_LIMITS: Mapping[str, int] = {
    "file_size": 10 * 1024 * 1024,
    "files": 10,
    "fields": 1000,
    "field_size": 1024 * 1024,
    "parts": 1000,
    "field_name_size": 100,
}
# multer's error codes and messages, per limit.
_LIMIT_ERRORS = {
    "file_size": ("LIMIT_FILE_SIZE", "File too large"),
    "files": ("LIMIT_FILE_COUNT", "Too many files"),
    "fields": ("LIMIT_FIELD_COUNT", "Too many fields"),
    "field_size": ("LIMIT_FIELD_VALUE", "Field value too long"),
    "parts": ("LIMIT_PART_COUNT", "Too many parts"),
    "field_name_size": ("LIMIT_FIELD_KEY", "Field name too long"),
}


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


def _load_parser() -> Any:
    try:
        from python_multipart.multipart import MultipartParser, parse_options_header
    except ImportError:
        raise ImportError("multipart() needs python-multipart: "
                          "pip install 'expresspy[multipart]'") from None
    return MultipartParser, parse_options_header


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
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_name: bytes = b""
    header_value: bytes = b""
    name: str = ""
    value: bytearray = field(default_factory=bytearray)
    file: UploadedFile | None = None
    pending: list[tuple[str, bytes]] = field(default_factory=list)  # (path, bytes) to write

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
        handle, path = tempfile.mkstemp(prefix="expresspy-upload-", dir=self.dest)
        os.close(handle)
        self.file = UploadedFile(
            fieldname=self.name,
            originalname=params[b"filename"].decode("utf-8", "replace"),
            encoding=self.headers.get(b"content-transfer-encoding", b"7bit").decode("latin-1"),
            mimetype=self.headers.get(b"content-type", b"text/plain").decode("latin-1"),
            path=path)
        self.files.append(self.file)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.file is None:
            self.value += data[start:end]
            self.check("field_size", len(self.value))
            return
        self.file.size += end - start
        self.check("file_size", self.file.size)
        self.pending.append((self.file.path, data[start:end]))

    def on_part_end(self) -> None:
        if self.file is not None:
            return
        text = self.value.decode("utf-8", "replace")
        current = self.fields.get(self.name)
        if current is None:
            self.fields[self.name] = text
        elif isinstance(current, list):
            current.append(text)
        else:
            self.fields[self.name] = [current, text]

    def callbacks(self) -> dict[str, Callable[..., None]]:
        names = ("on_part_begin", "on_header_field", "on_header_value", "on_header_end",
                 "on_headers_finished", "on_part_data", "on_part_end")
        return {name: getattr(self, name) for name in names}

    def remove_files(self) -> None:
        for upload in self.files:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(upload.path)


def _append(blocks: list[tuple[str, bytes]]) -> None:
    for path, block in blocks:
        with open(path, "ab") as out:
            out.write(block)


async def _flush(upload: _Upload) -> None:
    """Write the file bytes parsed so far, off the event loop."""
    if upload.pending:
        blocks, upload.pending = upload.pending, []
        await asyncio.get_running_loop().run_in_executor(None, _append, blocks)


async def _parse(req: Any, upload: _Upload, boundary: bytes) -> None:
    parser_class, _ = _load_parser()
    parser = parser_class(boundary, upload.callbacks())
    async for chunk in req.stream():
        parser.write(chunk)
        await _flush(upload)
    parser.finalize()
    await _flush(upload)


def multipart(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Middleware parsing multipart/form-data into `req.body` and `req.files`."""
    settings = gather("multipart()", options, keywords,
                      {**DEFAULT_LIMITS, "dest": None, "limits": None})
    for key, value in (settings.pop("limits") or {}).items():
        settings[snake(key) if snake(key) in DEFAULT_LIMITS else key] = value
    limits = {name: parse_bytes(settings[name], default, name)
              for name, default in DEFAULT_LIMITS.items()}
    dest = os.fspath(settings["dest"]) if settings["dest"] is not None else None
    _, parse_options = _load_parser()

    async def multipartParser(req: Any, res: Any, next: Callable[..., None]) -> None:
        if _read.body_already_read(req) or not _read.has_body(req) \
                or not req.is_("multipart/form-data"):
            next()
            return
        _, params = parse_options(req.headers.get("content-type", "").encode("latin-1"))
        boundary = params.get(b"boundary")
        if not boundary:
            next(HTTPError(400, "Multipart: Boundary not found"))
            return
        upload = _Upload(limits, dest, parse_options)
        res.on_finish(lambda response: upload.remove_files())
        try:
            await _parse(req, upload, boundary)
        except _LimitExceeded as exc:
            upload.remove_files()
            next(_limit_error(exc))
            return
        except HTTPError as err:
            upload.remove_files()
            next(err)
            return
        except Exception as exc:  # python-multipart's MultipartParseError and kin
            upload.remove_files()
            next(HTTPError(400, f"Malformed multipart body: {exc}"))
            return
        req.body = upload.fields
        req.files = upload.files
        next()

    return multipartParser
