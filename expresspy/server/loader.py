"""Find the ASGI app a user points at: ``app.py``, ``app.py:NAME``, ``package.module:NAME``."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
import traceback
from pathlib import Path
from typing import Any

__all__ = ["AppImportError", "AppNotFound", "load_app", "watch_root"]


class AppNotFound(Exception):
    """The target names no importable app; the message says what to pass instead."""


class AppImportError(Exception):
    """The app's own code failed while being imported (a syntax error, a missing module, an
    exception at module level). The message is the traceback of the app's frames only: the
    frames of the loader, importlib and the command line are left out, as they say nothing
    about the app. The original exception is the ``__cause__``.
    """


@functools.cache
def _machinery_folders() -> tuple[str, ...]:
    """Folders whose frames say nothing about the app: expresspy, importlib and click (found
    on the first failure, not at every import of the loader)."""
    folders = [Path(__file__).resolve().parent.parent, Path(importlib.__file__).resolve().parent]
    click_spec = importlib.util.find_spec("click")
    if click_spec is not None and click_spec.origin:
        folders.append(Path(click_spec.origin).resolve().parent)
    return tuple(str(folder) + os.sep for folder in folders)


def _is_machinery(filename: str) -> bool:
    return filename.startswith("<frozen importlib") or str(Path(filename).resolve()).startswith(
        _machinery_folders()
    )


def _without_machinery(summary: traceback.TracebackException) -> None:
    """Drop the loader's and importlib's frames from `summary` and the exceptions it chains."""
    seen: set[int] = set()
    pending: list[traceback.TracebackException | None] = [summary]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.stack = traceback.StackSummary.from_list(
            [frame for frame in current.stack if not _is_machinery(frame.filename)]
        )
        pending += [current.__cause__, current.__context__]


def app_traceback(exc: BaseException) -> str:
    """The traceback of `exc` as Python prints it, with only the app's own frames."""
    summary = traceback.TracebackException.from_exception(exc)
    _without_machinery(summary)
    return "".join(summary.format()).rstrip("\n")


def _split(target: str) -> tuple[str, str]:
    # "C:\\x\\app.py" has a drive colon; only a colon after the last path separator counts.
    head, sep, attr = target.rpartition(":")
    if sep and head and os.sep not in attr and "/" not in attr and attr:
        return head, attr
    return target, "app"


def _is_file_target(location: str) -> bool:
    return location.endswith(".py") or os.sep in location or "/" in location


def watch_root(target: str) -> Path:
    """The directory to watch for ``--reload``: the app file's folder, or the working folder."""
    location, _ = _split(target)
    if _is_file_target(location):
        return Path(location).resolve().parent
    return Path.cwd()


def load_app(target: str) -> Any:
    """Import the target and return the object it names (``app`` when no ``:NAME`` is given).

    A file path is imported under its stem, with its directory put first on ``sys.path`` so it
    can import its neighbours; a module path is imported with the working directory on
    ``sys.path``. The file or module is executed afresh on each call (workers and reloads get
    new code). Raises ``AppNotFound`` with a message naming the fix, and ``AppImportError``
    when the app's own code fails while it is imported.
    """
    location, attr = _split(target)
    is_file = _is_file_target(location)
    try:
        module = _import_file(Path(location)) if is_file else _import_module(location)
    except AppNotFound:
        raise
    except Exception as exc:
        raise AppImportError(f"cannot import {location}:\n{app_traceback(exc)}") from exc
    try:
        obj = getattr(module, attr)
    except AttributeError:
        raise AppNotFound(
            f"no object named {attr!r} in {location}; name it with {location}:NAME"
        ) from None
    if not callable(obj):
        raise AppNotFound(f"{location}:{attr} is not an app (it is a {type(obj).__name__})")
    return obj


def _import_file(path: Path) -> Any:
    if not path.is_file():
        raise AppNotFound(f"no such file: {path}")
    path = path.resolve()
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AppNotFound(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    # Registered before running it, so code in the file can import itself (dataclasses, pickle).
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _import_module(name: str) -> Any:
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    sys.modules.pop(name, None)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise AppNotFound(
                f"no module named {name!r} (from {cwd}); pass a file (app.py) or module:NAME"
            ) from None
        raise
