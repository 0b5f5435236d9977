"""File responses: the Python counterpart of the npm package `send` (what res.send_file and
express.static are built on).

Public API::

    from expresspy.send import SendOptions, SendError, IsDirectoryError, serve_file, serve_path

    opts = SendOptions.from_mapping({"root": "public", "maxAge": "1d"})  # or SendOptions(...)
    try:
        serve_path(res, "/css/site%20v2.css", opts)    # a percent-encoded URL path under root
    except IsDirectoryError as err:                     # err.path: the directory on disk
        ...                                             # static redirects to "path/"
    except SendError as err:                            # err.status: 400/403/404/412/416/500
        ...                                             # 4xx: fall through, else next(err)

`serve_path` decodes the URL path once; `serve_file` takes a literal file system path (what
`res.send_file` passes). On success the response is ended: 200 with the file, 206 for a single
satisfiable Range, 304 when the client's copy is fresh, or headers only for HEAD. Several
ranges are answered with the whole file (200), exactly as send does. The file is opened before
returning and streamed from the event loop in constant memory, with the ASGI
`http.response.zerocopysend` extension (os.sendfile) when the server offers it.

Traversal is refused as send refuses it: a malformed escape or a NUL byte is 400; a `..`
segment (also reached through `%2e%2e` or `%2f`) is 403; a backslash is 403 (send would try
it as a file name on POSIX; refusing is safer on every OS); with a root, an absolute path is
joined under the root. Dotfiles (any path segment starting with `.`) follow `dotfiles`:
"ignore" 404 (default), "deny" 403, "allow".

Symlinks under a root follow `follow_symlinks`: True (send's behaviour, and the default of
`SendOptions`) serves any; "inside" serves one only when its target is under the root's real
path; False serves no file reached through one. A refused file is a 404, as if it did not
exist (what express.static answers). `res.send_file` and `res.download` default to "inside".
"""

from __future__ import annotations

import asyncio
import errno
import os
import posixpath
import re
import stat as stat_module
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formatdate
from typing import TYPE_CHECKING, Any, Literal

from expresspy.callbacks import CallbackSite
from expresspy.errors import HTTPError
from expresspy.http import mime
from expresspy.http.asgi import Send
from expresspy.http.etag import file_etag, node_mtime_ms
from expresspy.http.fresh import is_conditional, is_fresh, precondition_failed, range_is_fresh
from expresspy.http.ranges import ByteRange, content_range, parse_range
from expresspy.options import duration_ms, ms_string

if TYPE_CHECKING:
    from expresspy.response import Response

__all__ = [
    "IsDirectoryError",
    "SendError",
    "SendOptions",
    "parse_duration_ms",
    "serve_file",
    "serve_path",
]

MAX_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000  # send clamps max age to one year
CHUNK_SIZE = 64 * 1024  # Node's fs.ReadStream highWaterMark: memory per streamed response
DOTFILES_POLICIES = ("allow", "deny", "ignore")

_UP_PATH = re.compile(r"(?:^|[\\/])\.\.(?:[\\/]|$)")
_BYTES_RANGE = re.compile(r"^ *bytes=")
# Stat errors that mean "no such file" (404); any other is a 500, as in send.
_NOT_FOUND_ERRNOS = frozenset({errno.ENOENT, errno.ENAMETOOLONG, errno.ENOTDIR})


class SendError(HTTPError):
    """Why a file could not be sent: `status` (400/403/404/412/416/500) and, for file system
    errors, `code` ("ENOENT", ...) and `path`. A 416 carries `headers["Content-Range"]`."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        code: str | None = None,
        path: str | None = None,
        headers: Mapping[str, str] | None = None,
        expose: bool | None = None,
    ) -> None:
        super().__init__(status, message, headers=headers, expose=expose)
        self.code = code
        self.path = path


class IsDirectoryError(SendError):
    """The path names a directory (send's "directory" event; `code` is "EISDIR")."""

    def __init__(self, path: str) -> None:
        super().__init__(404, "EISDIR, read", code="EISDIR", path=path)


def parse_duration_ms(
    value: str | float | int | timedelta | None, *, unit_ms: float = 1, name: str = "maxAge"
) -> float:
    """A max age in milliseconds: a number of `unit_ms`, a timedelta, or an ms-style string
    ("1d", "2 hours", "500ms"). Unparsable strings give 0, as send does; clamped to 0..1 year.
    Another type raises TypeError naming option `name`.
    """
    if value is None or isinstance(value, bool):
        ms: float | None = 0.0
    elif isinstance(value, str):
        ms = ms_string(value)
    else:
        ms = duration_ms(value, unit_ms=unit_ms, name=name, whole=False)
    if ms is None or ms != ms:  # unparsable or NaN
        return 0.0
    return min(max(0.0, ms), MAX_MAX_AGE_MS)


def _as_list(value: Any, name: str) -> tuple[str, ...]:
    if value is None or value is False:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError(f"{name} option must be array of strings or false")


@dataclass(frozen=True)
class SendOptions:
    """How a file is served (send's options). `max_age_ms` is milliseconds.

    `headers` are set when the file is found (res.send_file's `headers`); `set_headers` is
    called `fn(res, path, stat)` at the same moment (express.static's `setHeaders`).
    `follow_symlinks` (True, False or "inside") applies only with a `root`.
    """

    root: str | None = None
    max_age_ms: float = 0
    etag: bool = True
    last_modified: bool = True
    accept_ranges: bool = True
    cache_control: bool = True
    immutable: bool = False
    dotfiles: str = "ignore"
    extensions: tuple[str, ...] = ()
    index: tuple[str, ...] = ("index.html",)
    start: int | None = None
    end: int | None = None
    headers: Mapping[str, Any] = field(default_factory=dict)
    set_headers: Callable[[Any, str, os.stat_result], Any] | None = None
    follow_symlinks: bool | Literal["inside"] = True

    def __post_init__(self) -> None:
        if self.dotfiles not in DOTFILES_POLICIES:
            raise TypeError('dotfiles option must be "allow", "deny", or "ignore"')
        if not isinstance(self.follow_symlinks, bool) and self.follow_symlinks != "inside":
            raise TypeError('follow_symlinks option must be True, False or "inside"')

    # Option names as Express spells them and as Python does, to field names.
    ALIASES = {
        "maxAge": "max_age",
        "maxage": "max_age",
        "lastModified": "last_modified",
        "acceptRanges": "accept_ranges",
        "cacheControl": "cache_control",
        "setHeaders": "set_headers",
        "followSymlinks": "follow_symlinks",
    }

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> SendOptions:
        """Build options from Express-style (`maxAge` ms, `lastModified`, ...) or Python-style
        (`max_age` seconds, `last_modified`, ...) keys. Unknown keys raise TypeError."""
        values: dict[str, Any] = {}
        for key, value in options.items():
            name = cls.ALIASES.get(key, key)
            if name == "max_age":
                values["max_age_ms"] = parse_duration_ms(
                    value, unit_ms=1 if key in ("maxAge", "maxage") else 1000, name=key
                )
            elif name in ("extensions", "index"):
                values[name] = _as_list(value, name)
            elif name in ("etag", "last_modified", "accept_ranges", "cache_control", "immutable"):
                values[name] = bool(value)
            elif name == "root":
                values[name] = os.path.abspath(value) if value else None
            elif name in cls.__dataclass_fields__:
                values[name] = value if name != "headers" else dict(value or {})
            else:
                raise TypeError(f"unknown send option {key!r}")
        return cls(**values)


# -- path resolution ----------------------------------------------------------------------


def _decode_once(url_path: str) -> str:
    from expresspy.cookies import decode_uri_component

    try:
        return decode_uri_component(url_path)
    except ValueError:
        raise SendError(400) from None


def _contains_dotfile(parts: list[str]) -> bool:
    return any(len(part) > 1 and part.startswith(".") for part in parts)


def resolve(path: str, options: SendOptions) -> str:
    """The file system path for the decoded `path`, or SendError (400 NUL, 403 traversal or
    backslash, 403/404 dotfiles). With a root the path is confined under it."""
    if "\0" in path:
        raise SendError(400)
    if "\\" in path:
        raise SendError(403)
    if options.root is not None:
        # "./" first, so that an absolute path is joined under the root, not over it
        relative = posixpath.normpath("./" + path) if path else ""
        if _UP_PATH.search(relative):
            raise SendError(403)
        parts = relative.split("/")
        full = posixpath.normpath(posixpath.join(options.root, relative))
    else:
        if _UP_PATH.search(path):
            raise SendError(403)
        parts = posixpath.normpath(path).split("/")
        full = os.path.abspath(path)
    if _contains_dotfile(parts) and options.dotfiles != "allow":
        raise SendError(403 if options.dotfiles == "deny" else 404)
    # normpath drops a trailing slash that Node's normalize keeps (it selects index files)
    return full + "/" if path.endswith("/") and not full.endswith("/") else full


def _check_symlinks(found: str, options: SendOptions) -> None:
    """Refuse (404) a file under the root reached through a symlink the policy forbids.

    Compared on real paths, so a root that is itself a symlink (/tmp on macOS) still works.
    A 404 rather than a 403: a file outside the root must not be told apart from a missing
    one, and it is what express.static answers.
    """
    if options.root is None or options.follow_symlinks is True:
        return
    real_root = os.path.realpath(options.root)
    real = os.path.realpath(found)
    if os.path.commonpath([real, real_root]) != real_root:
        raise SendError(404)
    # The path as written, below the root, names the same file only when no link was on it.
    if options.follow_symlinks is False and os.path.relpath(real, real_root) != os.path.relpath(
        found, options.root
    ):
        raise SendError(404)


def _stat_error(err: OSError, path: str) -> SendError:
    status = 404 if err.errno in _NOT_FOUND_ERRNOS else 500
    code = errno.errorcode.get(err.errno or 0, "EUNKNOWN")
    # libuv's wording, as Node prints it: "ENOENT: no such file or directory, stat '...'"
    reason = err.strerror or "unknown error"
    reason = reason[:1].lower() + reason[1:]
    return SendError(status, f"{code}: {reason}, stat '{path}'", code=code, path=path, expose=False)


def _find_file(path: str, options: SendOptions, trailing_slash: bool) -> tuple[str, os.stat_result]:
    """Stat `path` the way send does: index files for a trailing slash, then extensions."""
    if trailing_slash and options.index:
        return _first_file([os.path.join(path, name) for name in options.index], None)
    try:
        info = os.stat(path)
    except OSError as err:
        ends_with_sep = path.endswith("/")
        if err.errno == errno.ENOENT and not os.path.splitext(path)[1] and not ends_with_sep:
            return _first_file(
                [f"{path}.{ext}" for ext in options.extensions], _stat_error(err, path)
            )
        raise _stat_error(err, path) from None
    if stat_module.S_ISDIR(info.st_mode):
        raise IsDirectoryError(path)
    if path.endswith("/"):
        raise SendError(404)
    return path, info


def _first_file(candidates: list[str], error: SendError | None) -> tuple[str, os.stat_result]:
    for candidate in candidates:
        try:
            info = os.stat(candidate)
        except OSError as err:
            error = _stat_error(err, candidate)
            continue
        if not stat_module.S_ISDIR(info.st_mode):
            return candidate, info
        error = None
    raise error or SendError(404)


# -- the response -------------------------------------------------------------------------


class FileBody:
    """An open file region streamed after the headers (an `outgoing.BodySource`)."""

    def __init__(self, path: str, offset: int, length: int) -> None:
        self.file = open(path, "rb")  # noqa: SIM115 - closed by close(), after streaming
        self.offset = offset
        self.length = length

    async def write_to(self, send: Send, zero_copy: bool) -> None:
        """Send the region, with zero-copy sendfile when offered, else 64 KiB chunks."""
        if zero_copy and self.length:
            await send(
                {
                    "type": "http.response.zerocopysend",
                    "file": self.file,
                    "offset": self.offset,
                    "count": self.length,
                    "more_body": False,
                }
            )
            return
        loop = asyncio.get_running_loop()
        position, remaining = self.offset, self.length
        fd = self.file.fileno()
        while remaining > 0:
            block = await loop.run_in_executor(
                None, os.pread, fd, min(CHUNK_SIZE, remaining), position
            )
            if not block:
                raise OSError(errno.EIO, "file shrank while it was being sent")
            position += len(block)
            remaining -= len(block)
            await send({"type": "http.response.body", "body": block, "more_body": remaining > 0})
        if not self.length:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    def close(self) -> None:
        """Close the file (idempotent)."""
        self.file.close()


def _http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)


def _set_file_headers(res: Response, path: str, info: os.stat_result, options: SendOptions) -> None:
    """send's setHeader step: user headers first, then defaults only where none is set."""
    for name, value in options.headers.items():
        res.set_header(name, value if isinstance(value, list) else str(value))
    if options.set_headers is not None:
        options.set_headers(res, path, info)
    if options.accept_ranges and not res.get_header("Accept-Ranges"):
        res.set_header("Accept-Ranges", "bytes")
    if options.cache_control and not res.get_header("Cache-Control"):
        value = f"public, max-age={int(options.max_age_ms // 1000)}"
        res.set_header("Cache-Control", value + (", immutable" if options.immutable else ""))
    if options.last_modified and not res.get_header("Last-Modified"):
        # whole seconds of Node's rounded millisecond mtime (Date#toUTCString floors)
        res.set_header("Last-Modified", _http_date(node_mtime_ms(info.st_mtime_ns) // 1000))
    if options.etag and not res.get_header("ETag"):
        res.set_header("ETag", file_etag(info.st_size, info.st_mtime_ns))
    if not res.get_header("Content-Type"):
        extension = os.path.splitext(path)[1][1:]
        found = mime.content_type(extension) if extension else None
        res.set_header("Content-Type", found or "application/octet-stream")


def _not_modified(res: Response) -> None:
    for name in (
        "Content-Encoding",
        "Content-Language",
        "Content-Length",
        "Content-Range",
        "Content-Type",
    ):
        res.remove_header(name)
    res.status_code = 304
    res._finish(b"")


def _validators(res: Response) -> tuple[str | None, str | None]:
    etag, modified = res.get_header("ETag"), res.get_header("Last-Modified")
    return (
        etag if isinstance(etag, str) else None,
        modified if isinstance(modified, str) else None,
    )


def _select_range(res: Response, size: int, options: SendOptions) -> tuple[int, int]:
    """(offset, length) to send after start/end options and the Range header."""
    headers = res.req.headers
    offset = options.start or 0
    length = max(0, size - offset)
    if options.end is not None:
        length = min(length, options.end - offset + 1)
    header = headers.get("range", "")
    if not (options.accept_ranges and _BYTES_RANGE.match(header)):
        return offset, length
    ranges = parse_range(length, header, combine=True)
    if not range_is_fresh(headers, *_validators(res)):
        return offset, length
    if ranges == -1:
        unsatisfiable = content_range(length)
        res.set_header("Content-Range", unsatisfiable)
        raise SendError(416, headers={"Content-Range": unsatisfiable})
    if isinstance(ranges, list) and len(ranges) == 1:
        chosen: ByteRange = ranges[0]
        res.status_code = 206
        res.set_header("Content-Range", content_range(length, chosen))
        return offset + chosen.start, chosen.end - chosen.start + 1
    return offset, length


def _send(res: Response, path: str, info: os.stat_result, options: SendOptions) -> None:
    if res.headers_sent:
        raise SendError(500, "Can't set headers after they are sent.")
    _set_file_headers(res, path, info, options)
    headers = res.req.headers
    if is_conditional(headers):
        if precondition_failed(headers, *_validators(res)):
            raise SendError(412)
        cachable = 200 <= res.status_code < 300 or res.status_code == 304
        if cachable and is_fresh(headers, *_validators(res)):
            _not_modified(res)
            return
    offset, length = _select_range(res, info.st_size, options)
    res.set_header("Content-Length", str(length))
    if res.req.method == "HEAD":
        res._finish(b"")
        return
    try:
        body = FileBody(path, offset, length)
    except OSError as err:
        raise _stat_error(err, path) from None
    res._finish(b"", body)


def serve_file(res: Response, path: str, options: SendOptions) -> None:
    """Send the file at the literal path `path` (relative to `options.root` when set).

    Ends the response, or raises SendError / IsDirectoryError (nothing is sent then; headers
    set by the `headers` option may remain, as in send).
    """
    full = resolve(path, options)
    found, info = _find_file(full, options, path.endswith("/"))
    _check_symlinks(found, options)
    _send(res, found, info, options)


def serve_path(res: Response, url_path: str, options: SendOptions) -> None:
    """Send the file named by the percent-encoded URL path `url_path` (decoded once)."""
    serve_file(res, _decode_once(url_path), options)


# -- res.send_file ------------------------------------------------------------------------


class RequestAbortedError(ConnectionError):
    """The client went away before the file was sent (Express's ECONNABORTED)."""

    code = "ECONNABORTED"

    def __init__(self) -> None:
        super().__init__("Request aborted")


def send_file(
    res: Response, path: str, options: Mapping[str, Any], callback: Callable[..., Any] | None
) -> None:
    """Express's res.sendFile: validate `path`, serve it, report the outcome.

    With `callback`, it gets `callback(err)` once: None after the file was handed to the
    server, a SendError, or RequestAbortedError when the client left. Without it a
    directory calls `next()` and any other error `next(err)`.
    """
    if not path:
        raise TypeError("path argument is required to res.sendFile")
    if not isinstance(path, str):
        raise TypeError("path must be a string to res.sendFile")
    if not options.get("root") and not os.path.isabs(path):
        raise TypeError("path must be absolute or specify root to res.sendFile")
    # A root is where a path from the request is confined: by default a symlink may not lead
    # out of it either, as express.static decides (send itself follows every link).
    opts = SendOptions.from_mapping(
        {"follow_symlinks": "inside", **options, "etag": res.app.enabled("etag")}
    )
    try:
        serve_file(res, path, opts)
    except SendError as err:
        if callback is not None:
            res._call_user(callback, err)
        else:
            res._next(None if isinstance(err, IsDirectoryError) else err)
        return
    if callback is not None:
        # The callback runs where send_file was called (a def handler's worker thread, or
        # the loop), as session callbacks do; on_finish hooks run on the loop.
        site = CallbackSite.here(res._loop)

        def report(finished: Response) -> None:
            site.run(
                finished._call_user,
                callback,
                RequestAbortedError() if finished.req.aborted else None,
            )

        res.on_finish(report)
