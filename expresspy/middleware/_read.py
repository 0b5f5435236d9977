"""Read a request body under a size limit, inflating gzip/deflate/br, as raw-body + body-parser.

The limit is enforced without ever holding more than it: a declared Content-Length over the
limit is refused before a byte is read, and bytes are counted as they arrive. For a compressed
body the *inflated* bytes are counted, and each inflate step is capped at `INFLATE_STEP`
bytes, so a gzip bomb (a few KB that inflate to GBs) is refused once limit + one step was
produced. Errors are `HTTPError`s with body-parser's statuses, types and messages.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from expresspy.errors import HTTPError
from expresspy.http import typeis

if TYPE_CHECKING:
    from expresspy.request import Request

#: The most output one inflate call may produce; bounds memory past the limit for bombs.
INFLATE_STEP = 64 * 1024

# Node's zlib error codes by zlib's numeric status, for `err.code` as Node reports it.
_ZLIB_CODES = {-2: "Z_STREAM_ERROR", -3: "Z_DATA_ERROR", -4: "Z_MEM_ERROR", -5: "Z_BUF_ERROR"}
_ZLIB_MESSAGE = re.compile(r"Error (-?\d+) while \w+ data: (.*)")
_CHARSET = re.compile(r";\s*charset\s*=\s*(?:\"([^\"]*)\"|([^;\s]*))", re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b"


def has_body(req: Request) -> bool:
    """type-is's hasBody: a Transfer-Encoding header, or a numeric Content-Length."""
    return typeis.has_body(req.headers)


def body_already_read(req: Request) -> bool:
    """True when an earlier parser consumed the body (body-parser's `isFinished(req)`)."""
    return bool(getattr(req, "_body_consumed", False))


def request_charset(req: Request) -> str | None:
    """The lower-cased `charset` parameter of the Content-Type, if any."""
    match = _CHARSET.search(req.headers.get("content-type", ""))
    if match is None:
        return None
    return (match.group(1) if match.group(1) is not None else match.group(2)).lower()


def charset_error(charset: str) -> HTTPError:
    """415 `charset.unsupported`, worded as body-parser words it."""
    return HTTPError(
        415,
        f'unsupported charset "{charset.upper()}"',
        type="charset.unsupported",
        charset=charset.lower(),
    )


def find_codec(charset: str) -> codecs.CodecInfo | None:
    """The Python text codec for an iconv-lite charset name, or None when there is none.

    Python's bytes-to-bytes and str-to-str codecs (base64, rot13, zlib, ...) are refused:
    the charset comes from the client, and iconv-lite knows only text encodings.
    """
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return None
    # _is_text_encoding is the flag bytes.decode() itself checks to refuse non-text codecs
    return info if getattr(info, "_is_text_encoding", True) else None


def decode_text(body: bytes, charset: str) -> str:
    """Decode as iconv-lite does: invalid bytes become U+FFFD, a leading BOM is dropped.

    Raises 415 `charset.unsupported` (`charset_error`) for a charset Python cannot decode
    with replacement, such as a non-text codec or idna (which refuses errors="replace").
    """
    try:
        text = body.decode(charset, errors="replace")
    except (LookupError, UnicodeError) as exc:
        raise charset_error(charset) from exc
    return text[1:] if text.startswith("\ufeff") else text


class _Inflater(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> None: ...


def _zlib_error(
    exc: zlib.error | None, message: str = "unexpected end of file", errno: int = -5
) -> HTTPError:
    if exc is not None:
        match = _ZLIB_MESSAGE.match(str(exc))
        if match:
            errno, message = int(match.group(1)), match.group(2)
        else:
            message = str(exc)
    return HTTPError(400, message, code=_ZLIB_CODES.get(errno, "Z_DATA_ERROR"), errno=errno)


class _ZlibInflater:
    """gzip (several members, as Node's gunzip reads them) or zlib-wrapped deflate."""

    def __init__(self, gzip: bool) -> None:
        self._wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
        self._gzip = gzip
        self._stream = zlib.decompressobj(self._wbits)
        self._done = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self._done:
            try:
                out = self._stream.decompress(data, INFLATE_STEP)
            except zlib.error as exc:
                raise _zlib_error(exc) from exc
            data = self._stream.unconsumed_tail
            if out:
                yield out
            if self._stream.eof:
                data = self._next_member()

    def _next_member(self) -> bytes:
        rest = self._stream.unused_data
        if self._gzip and rest.startswith(_GZIP_MAGIC):
            self._stream = zlib.decompressobj(self._wbits)
            return rest
        self._done = True  # trailing bytes after the stream are ignored, as Node does
        return b""

    def finish(self) -> None:
        if not self._done and not self._stream.eof:
            raise _zlib_error(None)


class _BrotliInflater:
    """Brotli through the optional `brotli` package (needs its output_buffer_limit, >= 1.1)."""

    def __init__(self, module: Any) -> None:
        self._stream = module.Decompressor()
        self._error = module.error

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._stream.process(data, output_buffer_limit=INFLATE_STEP)
            while out:
                yield out
                if self._stream.is_finished() or self._stream.can_accept_more_data():
                    break
                out = self._stream.process(b"", output_buffer_limit=INFLATE_STEP)
        except self._error as exc:
            raise HTTPError(400, str(exc) or "Decompression failed") from exc

    def finish(self) -> None:
        if not self._stream.is_finished():
            raise HTTPError(400, "unexpected end of file", code="Z_BUF_ERROR", errno=-5)


def brotli_module() -> Any:
    """The optional `brotli` package, or None when it is not installed."""
    try:
        import brotli  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    return brotli


def _streaming_brotli() -> Any:
    """`brotli` when it can bound each inflate step (>= 1.1), else None."""
    module = brotli_module()
    if module is None or not hasattr(module.Decompressor(), "can_accept_more_data"):
        return None
    return module


def _unsupported_encoding(encoding: str) -> HTTPError:
    return HTTPError(
        415,
        f'unsupported content encoding "{encoding}"',
        type="encoding.unsupported",
        encoding=encoding,
    )


_INFLATERS: dict[str, Callable[[], _Inflater | None]] = {
    "gzip": lambda: _ZlibInflater(gzip=True),
    "deflate": lambda: _ZlibInflater(gzip=False),
    "br": lambda: _BrotliInflater(module) if (module := _streaming_brotli()) is not None else None,
}


def inflater_for(req: Request, inflate: bool) -> _Inflater | None:
    """The decompressor the Content-Encoding asks for; None for identity. Raises 415."""
    encoding = (req.headers.get("content-encoding") or "identity").lower()
    if encoding == "identity":
        return None
    if not inflate:
        raise HTTPError(
            415, "content encoding unsupported", type="encoding.unsupported", encoding=encoding
        )
    make = _INFLATERS.get(encoding)
    inflater = make() if make is not None else None
    if inflater is None:
        raise _unsupported_encoding(encoding)
    return inflater


def _too_large(limit: int, declared: int | None, received: int | None = None) -> HTTPError:
    extra: dict[str, Any] = {"limit": limit}
    if declared is not None:
        extra.update(expected=declared, length=declared)
    if received is not None:
        extra["received"] = received
    return HTTPError(413, "request entity too large", type="entity.too.large", **extra)


def _declared_length(req: Request) -> int | None:
    value = req.headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


async def read_body(req: Request, limit: int, inflate: bool = True) -> bytes:
    """Read the whole body (inflated per Content-Encoding), refusing it past `limit` bytes.

    Raises `HTTPError`: 413 `entity.too.large`, 415 `encoding.unsupported`, 400 for a broken
    compressed stream, 400 `request.size.invalid` when fewer or more bytes than declared
    arrived, and 400 `request.aborted` (from `req.stream()`) when the client went away.
    """
    inflater = inflater_for(req, inflate)
    declared = _declared_length(req) if inflater is None else None
    if declared is not None and declared > limit:
        raise _too_large(limit, declared)
    parts: list[bytes] = []
    received = 0
    async for chunk in req.stream():
        for piece in (chunk,) if inflater is None else inflater.feed(chunk):
            received += len(piece)
            if received > limit:
                raise _too_large(limit, declared, received)
            parts.append(piece)
    if inflater is not None:
        inflater.finish()
    if declared is not None and received != declared:
        raise HTTPError(
            400,
            "request size did not match content length",
            type="request.size.invalid",
            expected=declared,
            length=declared,
            received=received,
        )
    return b"".join(parts)
