"""Entity tags computed exactly as the npm package `etag` 1.8 computes them.

An ETag is `"<hex byte length>-<first 27 chars of base64(sha1(body))>"`; Express's default is the
weak form `W/"..."`. For files, the tag is built from size and modification time instead.
"""

from __future__ import annotations

import math
from binascii import b2a_base64
from collections.abc import Callable
from functools import lru_cache, partial
from hashlib import sha1
from typing import Any

EtagFunction = Callable[[bytes], str]

_EMPTY_TAG = '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'

# Small bodies repeat (a greeting, `{"ok":true}`, a status page): their tags are remembered,
# a hit costs ~0.1 µs where SHA-1 and base64 cost ~0.9 µs. Bounded in count and body size.
_CACHED_BODY_MAX = 128

# SHA-1 of a small body by CPython's own implementation: the same digest, and for a few
# bytes about half the instructions of OpenSSL's (4.5k against 2.4k a call, most of
# OpenSSL's in setting up its context; a body that changes every response, a session
# counter's, computes one per request). Larger bodies go to OpenSSL, faster per byte. A
# Python built without its own hashes has only OpenSSL's.
try:
    from _sha1 import sha1 as _small_sha1  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a build without CPython's own hash modules
    _small_sha1 = sha1


def strong_etag(body: bytes) -> str:
    """Return the strong ETag of `body`."""
    if not body:
        return _EMPTY_TAG
    if len(body) <= _CACHED_BODY_MAX:
        return _small_body_tag(bytes(body))
    return _compute_tag(body)


def _digest_tag(hash_of: Callable[[bytes], Any], body: bytes) -> str:
    digest = b2a_base64(hash_of(body).digest(), newline=False)[:27].decode("ascii")
    return f'"{len(body):x}-{digest}"'


_compute_tag: Callable[[bytes], str] = partial(_digest_tag, sha1)
_small_body_tag = lru_cache(maxsize=256)(partial(_digest_tag, _small_sha1))


def weak_etag(body: bytes) -> str:
    """Return the weak ETag of `body` (Express's default, setting `etag` = "weak")."""
    return "W/" + strong_etag(body)


def node_mtime_ms(mtime_ns: int) -> int:
    """A file's mtime in whole milliseconds exactly as Node's `stat.mtime.getTime()` gives it.

    Node (lib/internal/fs/utils.js) computes `mtimeMs = sec * 1000 + nsec / 1e6` in doubles,
    then builds `stat.mtime` as `new Date(Math.round(mtimeMs))`: it *rounds* to the nearest
    millisecond (halves upward), and the double sum can itself round (a 0.499999 ms part
    reaches .5 past 1.5e12 ms and rounds up). Truncating `st_mtime * 1000` instead made the
    ETag and Last-Modified of serve-static differ for sub-millisecond mtimes.
    """
    seconds, nanoseconds = divmod(mtime_ns, 1_000_000_000)
    millis = float(seconds) * 1000.0 + float(nanoseconds) / 1e6  # the same doubles as Node
    whole = math.floor(millis)
    # Math.round: ties go up; `millis - whole` is exact for doubles this close together
    return whole + 1 if millis - whole >= 0.5 else whole


def file_etag(size: int, mtime_ns: int, *, weak: bool = True) -> str:
    """Return the ETag of a file from its size (bytes) and mtime (`st_mtime_ns`, integer
    nanoseconds), as `send`/`serve-static` do with Node's millisecond `stat.mtime`."""
    if not isinstance(mtime_ns, int):  # the float st_mtime (seconds) it once took
        raise TypeError(
            "file_etag() takes the mtime as st_mtime_ns (int nanoseconds), "
            f"not {type(mtime_ns).__name__}"
        )
    tag = f'"{size:x}-{node_mtime_ms(mtime_ns):x}"'
    return "W/" + tag if weak else tag


def compile_etag_setting(value: object) -> EtagFunction | None:
    """Turn the `etag` app setting into a function, as Express's `compileETag` does.

    True or "weak" give weak tags, "strong" strong ones, False none; a callable is used as is.
    Anything else raises TypeError.
    """
    if callable(value):
        return value
    if value is True or value == "weak":
        return weak_etag
    if value == "strong":
        return strong_etag
    if value is False:
        return None
    raise TypeError(f"unknown value for etag function: {value!r}")
