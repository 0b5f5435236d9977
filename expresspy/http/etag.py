"""Entity tags computed exactly as the npm package `etag` 1.8 computes them.

An ETag is `"<hex byte length>-<first 27 chars of base64(sha1(body))>"`; Express's default is the
weak form `W/"..."`. For files, the tag is built from size and modification time instead.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

EtagFunction = Callable[[bytes], str]

_EMPTY_TAG = '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'


def strong_etag(body: bytes) -> str:
    """Return the strong ETag of `body`."""
    if not body:
        return _EMPTY_TAG
    digest = base64.b64encode(hashlib.sha1(body).digest()).decode("ascii")[:27]
    return f'"{len(body):x}-{digest}"'


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
