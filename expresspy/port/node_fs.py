"""Node's `fs` calls that have no one-line Python counterpart, for translated apps.

`expresspy port` writes these where the JavaScript used them:

    fs.readFile(file, 'utf8', function (err, str) {...})  →  node_fs.read_file(file, "utf8", cb)
    fs.statSync(file).isDirectory()                        →  node_fs.stat_sync(file).is_directory()

The callback of `read_file` runs before the call returns (Node runs it on a later turn of
its event loop); code after the call that relies on the callback not having run yet keeps
Node's order only when the call is the last thing its function does, as it usually is.
Needs nothing of the `port` extra: translated apps import it without tree-sitter.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

__all__ = ["Stats", "read_file", "stat_sync"]

#: Encoding names Node accepts, as Python spells them.
_ENCODINGS = {"utf8": "utf-8", "utf-8": "utf-8", "latin1": "latin-1", "ascii": "ascii"}


def read_file(path: str, *args: Any) -> None:
    """`fs.readFile(path[, encoding | options], callback)`: `callback(err, data)`.

    `data` is text when an encoding is given (a string or `{encoding: ...}`), else bytes;
    on failure `callback(err)` gets the OSError (its `errno`/`strerror` are Node's fields).
    """
    *options, callback = args
    encoding = options[0] if options else None
    if isinstance(encoding, dict):
        encoding = encoding.get("encoding")
    try:
        with open(path, "rb") as file:
            data: Any = file.read()
        if encoding is not None:
            data = data.decode(_ENCODINGS.get(str(encoding).lower(), str(encoding)))
    except (OSError, UnicodeDecodeError) as err:
        _call(callback, err, None)
        return
    _call(callback, None, data)


def _call(callback: Callable[..., Any], err: BaseException | None, data: Any) -> None:
    """Node passes only the error on failure: the data parameter reads None (undefined)."""
    from expresspy.jstypes import call_loosely

    call_loosely(callback, err, data)


class Stats:
    """`fs.Stats`: what `fs.statSync(path)` returns (`isDirectory()`, `isFile()`, `size`)."""

    def __init__(self, result: os.stat_result) -> None:
        self.result = result
        self.size = result.st_size
        self.mtime_ms = result.st_mtime * 1000

    def is_directory(self) -> bool:
        """Whether the path is a folder (symbolic links followed, as statSync does)."""
        import stat

        return stat.S_ISDIR(self.result.st_mode)

    def is_file(self) -> bool:
        """Whether the path is a regular file."""
        import stat

        return stat.S_ISREG(self.result.st_mode)


def stat_sync(path: str) -> Stats:
    """`fs.statSync(path)`: raises FileNotFoundError (Node's ENOENT) for a missing path."""
    return Stats(os.stat(path))
