"""`compression(...)`: gzip/deflate (br with the `brotli` package) responses, as compression 1.8.

    app.use(compression())                       # threshold 1kb, level 6

When the response's headers are frozen, it decides as the npm package does: the Content-Type
must be compressible (`filter(req, res)` to decide otherwise), `Cache-Control: no-transform`
is respected, `Vary: Accept-Encoding` is added, a Content-Length under `threshold` is left
alone, as is an already encoded body, HEAD, and a client that accepts no supported encoding.
Otherwise Content-Encoding is set, Content-Length removed, and the body is compressed as it
goes out: chunk by chunk for streamed responses and files (constant memory), never buffered.

Options: `threshold` (bytes or "1kb"-style, default 1024), `level` (zlib 0-9, or -1 for
the default 6), `filter(req, res) -> bool` (default: compressible Content-Type),
`enforce_encoding` (used when the request has no Accept-Encoding; default "identity"),
`window_bits` (9-15), `mem_level` (1-9). The npm package's `chunkSize`, `strategy` and
`brotli` are not implemented and raise `TypeError` rather than being silently ignored; an
out-of-range number raises `ValueError`.
"""

from __future__ import annotations

import asyncio
import os
import re
import zlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from expresspy.http.negotiate import parse_header
from expresspy.middleware._options import Middleware, gather, parse_bytes
from expresspy.middleware._read import brotli_module

__all__ = ["compressible", "compression"]

Send = Callable[[dict[str, Any]], Awaitable[None]]

#: Response bodies shorter than this many bytes are sent as they are (compression's default).
DEFAULT_THRESHOLD = 1024
#: Bytes read from a file per step when a zero-copy file body must be compressed instead.
FILE_STEP = 64 * 1024

# mime-db marks these compressible; others match the `compressible` package's fallback rule.
_COMPRESSIBLE = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/ld+json",
        "application/manifest+json",
        "application/xml",
        "application/xhtml+xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/wasm",
        "application/x-javascript",
        "application/ecmascript",
        "application/graphql",
        "application/x-www-form-urlencoded",
        "application/vnd.ms-fontobject",
        "application/x-font-ttf",
        "font/otf",
        "font/ttf",
        "image/svg+xml",
        "image/bmp",
        "image/x-icon",
        "image/vnd.microsoft.icon",
    }
)
_COMPRESSIBLE_RULE = re.compile(r"^text/|\+(?:json|text|xml)$")
_NO_TRANSFORM = re.compile(r"(?:^|,)\s*?no-transform\s*?(?:,|$)")


def compressible(content_type: str) -> bool:
    """Whether a Content-Type is worth compressing (the npm package `compressible`)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media in _COMPRESSIBLE or _COMPRESSIBLE_RULE.search(media) is not None


def _default_filter(req: Any, res: Any) -> bool:
    kind = res.get("Content-Type")
    return isinstance(kind, str) and compressible(kind)


def _supported() -> tuple[list[str], list[str]]:
    """(supported encodings, preferred ones for equal q), as compression lists them."""
    if brotli_module() is not None:
        return ["br", "gzip", "deflate", "identity"], ["br", "gzip"]
    return ["gzip", "deflate", "identity"], ["gzip"]


def choose_encoding(header: str | None) -> str | None:
    """The encoding negotiator picks: highest q, then the preferred order, then header order."""
    supported, preferred = _supported()
    entries = parse_header(header if header is not None else "identity")
    best: tuple[float, int, int, str] | None = None
    for position, encoding in enumerate(supported):
        quality = [e.q for e in entries if e.value.lower() in (encoding, "*") and e.q == e.q]
        if encoding == "identity" and not quality:
            quality = [0.0001]  # negotiator's implied identity
        if not quality or max(quality) <= 0:
            continue
        rank = preferred.index(encoding) if encoding in preferred else len(preferred)
        key = (max(quality), -rank, -position, encoding)
        if best is None or key[:3] > best[:3]:
            best = key
    return None if best is None else best[3]


class _Compressor:
    """One compressed body: `compress(data)` and `flush()` return the bytes to send."""

    def __init__(self, encoding: str, level: int, window_bits: int, mem_level: int) -> None:
        self._brotli = brotli_module().Compressor() if encoding == "br" else None
        wbits = window_bits + 16 if encoding == "gzip" else window_bits
        self._zlib = (
            None if self._brotli else zlib.compressobj(level, zlib.DEFLATED, wbits, mem_level)
        )

    def compress(self, data: bytes) -> bytes:
        if self._brotli is not None:
            return bytes(self._brotli.process(data))
        assert self._zlib is not None
        return self._zlib.compress(data)

    def flush(self) -> bytes:
        if self._brotli is not None:
            return bytes(self._brotli.finish())
        assert self._zlib is not None
        return self._zlib.flush()


async def _read_region(message: Mapping[str, Any]) -> Any:
    """Yield the bytes of a zerocopysend message's file region, a step at a time."""
    loop = asyncio.get_running_loop()
    fd = message["file"].fileno()
    offset = message.get("offset") or 0
    remaining = message.get("count")
    if remaining is None:
        remaining = os.fstat(fd).st_size - offset
    while remaining > 0:
        block = await loop.run_in_executor(None, os.pread, fd, min(FILE_STEP, remaining), offset)
        if not block:
            return
        offset += len(block)
        remaining -= len(block)
        yield block


def _compressing_send(send: Send, compressor: _Compressor) -> Send:
    """Wrap the response's ASGI `send` so body messages go out compressed."""

    async def wrapped(message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "http.response.body":
            data = compressor.compress(message.get("body", b""))
            more = message.get("more_body", False)
            if not more:
                data += compressor.flush()
            if data or not more:
                await send({"type": kind, "body": data, "more_body": more})
        elif kind == "http.response.zerocopysend":
            async for block in _read_region(message):
                data = compressor.compress(block)
                if data:
                    await send({"type": "http.response.body", "body": data, "more_body": True})
            more = message.get("more_body", False)
            await send(
                {
                    "type": "http.response.body",
                    "body": b"" if more else compressor.flush(),
                    "more_body": more,
                }
            )
        else:
            await send(message)

    return wrapped


def _below_threshold(res: Any, threshold: int) -> bool:
    length = res.get("Content-Length")
    if length is None:
        return False
    try:
        return float(str(length)) < threshold
    except ValueError:
        return False


# The npm package's options expresspy does not implement, by their Python names.
_NOT_IMPLEMENTED = ("chunk_size", "strategy", "brotli")
_NOT_GIVEN: Any = object()
# Accepted ranges of the numeric zlib options (zlib's own limits; gzip needs window_bits > 8).
_RANGES = {"level": (-1, 9), "window_bits": (9, 15), "mem_level": (1, 9)}


def _check_options(settings: Mapping[str, Any]) -> None:
    """Refuse options that would be ignored, and numbers zlib would refuse per response."""
    for name in _NOT_IMPLEMENTED:
        if settings[name] is not _NOT_GIVEN:
            raise TypeError(
                f"compression(): option {name!r} is not implemented by expresspy; "
                "remove it (supported: threshold, level, filter, "
                "enforce_encoding, window_bits, mem_level)"
            )
    for name, (low, high) in _RANGES.items():
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(
                f"compression(): option {name} must be an int from {low} to {high}, not {value!r}"
            )
    if settings["filter"] is not None and not callable(settings["filter"]):
        raise TypeError("compression(): option filter must be a function filter(req, res)")


def compression(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Middleware compressing responses; see the module docstring for the rules and options."""
    settings = gather(
        "compression()",
        options,
        keywords,
        {
            "threshold": None,
            "level": zlib.Z_DEFAULT_COMPRESSION,
            "filter": None,
            "enforce_encoding": "identity",
            "window_bits": zlib.MAX_WBITS,
            "mem_level": 8,
            **dict.fromkeys(_NOT_IMPLEMENTED, _NOT_GIVEN),
        },
    )
    _check_options(settings)
    threshold = parse_bytes(settings["threshold"], DEFAULT_THRESHOLD, "threshold")
    accept_filter = settings["filter"] or _default_filter
    level = 6 if settings["level"] == zlib.Z_DEFAULT_COMPRESSION else settings["level"]

    def decide(req: Any, res: Any) -> str | None:
        if res.status_code in (204, 304) or not accept_filter(req, res):
            return None
        cache_control = res.get("Cache-Control")
        if isinstance(cache_control, str) and _NO_TRANSFORM.search(cache_control):
            return None
        res.vary("Accept-Encoding")
        if _below_threshold(res, threshold):
            return None
        if (res.get("Content-Encoding") or "identity") != "identity" or req.method == "HEAD":
            return None
        header = req.headers.get("accept-encoding")
        encoding = choose_encoding(header)
        if header is None and settings["enforce_encoding"] in ("gzip", "deflate", "identity", "br"):
            encoding = settings["enforce_encoding"]
        return None if encoding in (None, "identity") else encoding

    async def compression_middleware(req: Any, res: Any, next: Callable[..., None]) -> None:
        def on_headers(response: Any) -> None:
            encoding = decide(req, response)
            if encoding is None or (encoding == "br" and brotli_module() is None):
                return
            response.set_header("Content-Encoding", encoding)
            response.remove_header("Content-Length")
            compressor = _Compressor(
                encoding, level, settings["window_bits"], settings["mem_level"]
            )
            response._send = _compressing_send(response._send, compressor)

        res.on_headers(on_headers)
        next()

    compression_middleware.__name__ = compression_middleware.__qualname__ = "compression"
    return compression_middleware
