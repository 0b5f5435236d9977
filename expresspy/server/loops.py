"""Which event loop runs the server: asyncio's own, or uvloop (libuv) when asked for.

``asyncio`` is the default: it is what the test suite and docs/performance.md measure, and it
needs nothing installed. ``uvloop`` (``pip install 'expresspy[speed]'``) makes the loop itself
cheaper; ``auto`` takes uvloop when it is installed, as uvicorn's ``--loop auto`` does.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

__all__ = ["EVENT_LOOPS", "EventLoopName", "resolve_loop", "run_on_loop"]

T = TypeVar("T")

EventLoopName = Literal["asyncio", "uvloop", "auto"]
#: The values of ``ServerConfig.loop`` (also the choices of ``expresspy run --loop``).
EVENT_LOOPS: tuple[str, ...] = ("asyncio", "uvloop", "auto")


def _uvloop_installed() -> bool:
    return importlib.util.find_spec("uvloop") is not None


def resolve_loop(name: str) -> str:
    """``asyncio`` or ``uvloop``: what ``name`` means on this machine.

    Raises ValueError for an unknown name, or for ``uvloop`` when it is not installed.
    """
    if name not in EVENT_LOOPS:
        raise ValueError(f"loop must be one of {', '.join(EVENT_LOOPS)}, not {name!r}")
    if name == "auto":
        return "uvloop" if _uvloop_installed() else "asyncio"
    if name == "uvloop" and not _uvloop_installed():
        raise ValueError("loop='uvloop' needs the uvloop package: pip install 'expresspy[speed]'")
    return name


def run_on_loop(main: Coroutine[Any, Any, T], name: str) -> T:
    """Run ``main`` to completion on a new loop of kind ``name`` (as ``asyncio.run`` does)."""
    if resolve_loop(name) == "uvloop":
        import uvloop

        return uvloop.run(main)  # type: ignore[no-any-return, unused-ignore]
    return asyncio.run(main)
