"""multer's storage engines: `disk_storage()` (files on disk) and `memory_storage()` (bytes).

An engine stores one file at a time for the middleware: `open(req, file)` prepares the place
(the disk engine runs the app's `destination` and `filename` functions there) and returns a
sink whose `write(block)` takes the bytes as they arrive and whose `close()` returns the keys
to add to the file object; `remove(req, file)` undoes a stored file when the request fails.
Disk work runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Protocol

__all__ = [
    "Buffer",
    "DiskStorage",
    "MemoryStorage",
    "StorageEngine",
    "call_back",
    "diskStorage",
    "disk_storage",
    "memoryStorage",
    "memory_storage",
]

#: `fn(req, file, cb)`, multer's callback style: the function calls `cb(err, value)` once.
CallbackFunction = Callable[..., Any]


class Buffer(bytes):
    """The bytes of a file kept in memory; `res.json` writes it as Node writes a Buffer,
    `{"type": "Buffer", "data": [bytes...]}`."""

    def to_json(self) -> dict[str, Any]:
        """Node's `Buffer#toJSON()`."""
        return {"type": "Buffer", "data": list(self)}


async def call_back(fn: CallbackFunction, *args: Any) -> Any:
    """Run a multer-style `fn(*args, cb)` and return the value it calls back with.

    `cb(err)` with an error raises it (a non-exception error becomes `Exception(str(err))`);
    `cb(None, value)` returns value. `fn` may be a coroutine function, and may call `cb` from
    another thread. Only the first call of `cb` counts; an `fn` that never calls it waits
    forever, as in multer.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(err: Any = None, value: Any = None) -> None:
        if future.done():
            return
        if err is not None and err is not False:
            future.set_exception(err if isinstance(err, BaseException) else Exception(str(err)))
        else:
            future.set_result(value)

    def cb(err: Any = None, value: Any = None) -> None:
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            settle(err, value)
        else:
            loop.call_soon_threadsafe(settle, err, value)

    result = fn(*args, cb)
    if inspect.isawaitable(result):
        await result
    return await future


class Sink(Protocol):
    """Where one file's bytes go while it arrives."""

    async def write(self, block: bytes) -> None:
        """Store the next bytes of the file."""

    async def close(self) -> dict[str, Any]:
        """Finish the file; return the keys multer's engine adds (`size` among them)."""

    async def discard(self) -> None:
        """Stop storing after an error; `remove` cleans up what was stored."""


class StorageEngine(Protocol):
    """What `multer(storage=...)` accepts; see the module docstring."""

    async def open(self, req: Any, file: dict[str, Any]) -> Sink:
        """Prepare to store `file` (may add keys to it, as multer's disk engine adds `path`)."""

    async def remove(self, req: Any, file: dict[str, Any]) -> None:
        """Remove a stored file of a failed request and its storage keys from `file`."""


async def _in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def _random_filename(req: Any, file: Any, cb: Callable[..., None]) -> None:
    cb(None, secrets.token_hex(16))  # multer: crypto.randomBytes(16) as hex, no extension


def _temp_destination(req: Any, file: Any, cb: Callable[..., None]) -> None:
    cb(None, tempfile.gettempdir())  # multer: os.tmpdir()


class _DiskSink:
    def __init__(self, out: BinaryIO, destination: str, filename: str, path: str) -> None:
        self.out, self.destination, self.filename, self.path = out, destination, filename, path
        self.size = 0

    async def write(self, block: bytes) -> None:
        self.size += len(block)
        await _in_thread(self.out.write, block)

    async def close(self) -> dict[str, Any]:
        await _in_thread(self.out.close)
        return {
            "destination": self.destination,
            "filename": self.filename,
            "path": self.path,
            "size": self.size,
        }

    async def discard(self) -> None:
        with contextlib.suppress(OSError):
            await _in_thread(self.out.close)


class DiskStorage:
    """multer's DiskStorage: each file written to `destination`/`filename`.

    `destination` is a folder (created now, with its parents, as multer does) or
    `fn(req, file, cb)` calling back with one (which must then exist); default: the system's
    temp folder. `filename` is `fn(req, file, cb)` calling back with the name; default: 32
    random hex digits without extension. The file gets `destination`, `filename`, `path` and
    `size`.
    """

    def __init__(
        self,
        destination: str | os.PathLike[str] | CallbackFunction | None = None,
        filename: CallbackFunction | None = None,
    ) -> None:
        if destination is None:
            self.get_destination: CallbackFunction = _temp_destination
        elif isinstance(destination, (str, os.PathLike)):
            folder = os.fspath(destination)
            os.makedirs(folder, exist_ok=True)
            self.get_destination = lambda req, file, cb: cb(None, folder)
        elif callable(destination):
            self.get_destination = destination
        else:
            raise TypeError(
                "disk_storage(): destination must be a folder or a function "
                f"(req, file, cb), not {type(destination).__name__}"
            )
        if filename is not None and not callable(filename):
            raise TypeError("disk_storage(): filename must be a function (req, file, cb)")
        self.get_filename: CallbackFunction = filename or _random_filename

    async def open(self, req: Any, file: dict[str, Any]) -> Sink:
        """Ask for the destination and name, then open the file (in a worker thread)."""
        destination = await call_back(self.get_destination, req, file)
        filename = await call_back(self.get_filename, req, file)
        path = os.path.join(str(destination), str(filename))
        out = await _in_thread(open, path, "wb")
        file["path"] = path  # multer sets it before the other keys, so it comes first
        return _DiskSink(out, str(destination), str(filename), path)

    async def remove(self, req: Any, file: dict[str, Any]) -> None:
        """Delete the stored file and drop its disk keys from `file`."""
        path = file.get("path")
        for key in ("destination", "filename", "path"):
            file.pop(key, None)
        if path:
            with contextlib.suppress(FileNotFoundError):
                await _in_thread(os.unlink, path)


class _MemorySink:
    def __init__(self) -> None:
        self.blocks: list[bytes] = []

    async def write(self, block: bytes) -> None:
        self.blocks.append(block)

    async def close(self) -> dict[str, Any]:
        buffer = Buffer(b"".join(self.blocks))
        return {"buffer": buffer, "size": len(buffer)}

    async def discard(self) -> None:
        self.blocks = []


class MemoryStorage:
    """multer's MemoryStorage: the file's bytes in `file["buffer"]` (a `Buffer`, i.e. bytes).

    Nothing bounds the memory unless `limits={"fileSize": ...}` is set, as in multer.
    """

    async def open(self, req: Any, file: dict[str, Any]) -> Sink:
        """A sink collecting the bytes."""
        return _MemorySink()

    async def remove(self, req: Any, file: dict[str, Any]) -> None:
        """Forget the bytes."""
        file.pop("buffer", None)


def disk_storage(
    options: Mapping[str, Any] | None = None,
    /,
    *,
    destination: str | os.PathLike[str] | CallbackFunction | None = None,
    filename: CallbackFunction | None = None,
) -> DiskStorage:
    """`multer.diskStorage({destination, filename})`: see `DiskStorage`."""
    given = dict(options or {})
    unknown = set(given) - {"destination", "filename"}
    if unknown:
        raise TypeError(
            f"disk_storage(): unknown option {sorted(unknown)[0]!r} (known: destination, filename)"
        )
    return DiskStorage(given.get("destination", destination), given.get("filename", filename))


def memory_storage(options: Mapping[str, Any] | None = None, /) -> MemoryStorage:
    """`multer.memoryStorage()`: see `MemoryStorage`."""
    return MemoryStorage()


diskStorage = disk_storage
memoryStorage = memory_storage
