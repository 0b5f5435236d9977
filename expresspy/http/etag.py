"""Entity tags computed exactly as the npm package `etag` 1.8 computes them.

An ETag is `"<hex byte length>-<first 27 chars of base64(sha1(body))>"`; Express's default is the
weak form `W/"..."`. For files, the tag is built from size and modification time instead.
"""

from __future__ import annotations

from binascii import b2a_base64
from collections.abc import Callable
from functools import lru_cache
from hashlib import sha1

EtagFunction = Callable[[bytes], str]

_EMPTY_TAG = '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'

# Small bodies repeat (a greeting, `{"ok":true}`, a status page): their tags are remembered,
# a hit costs ~0.1 µs where SHA-1 and base64 cost ~0.9 µs. Bounded in count and body size.
_CACHED_BODY_MAX = 128


def strong_etag(body: bytes) -> str:
    """Return the strong ETag of `body`."""
    if not body:
        return _EMPTY_TAG
    if len(body) <= _CACHED_BODY_MAX:
        return _small_body_tag(bytes(body))
    return _compute_tag(body)


def _compute_tag(body: bytes) -> str:
    digest = b2a_base64(sha1(body).digest(), newline=False)[:27].decode("ascii")
    return f'"{len(body):x}-{digest}"'


_small_body_tag = lru_cache(maxsize=256)(_compute_tag)


def weak_etag(body: bytes) -> str:
    """Return the weak ETag of `body` (Express's default, setting `etag` = "weak")."""
    return "W/" + strong_etag(body)


def file_etag(size: int, mtime_seconds: float, *, weak: bool = True) -> str:
    """Return the ETag of a file from its size and mtime, as `send` and `serve-static` do."""
    tag = f'"{size:x}-{int(mtime_seconds * 1000):x}"'
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
