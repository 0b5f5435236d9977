"""``expresspy sessions count|list|show|destroy|prune``: what an operator does to a store.

Each action runs on every session store of an app (found as ``expresspy sessions prune``
finds them) or on one store, in its own event loop, and closes the store's connections at
the end. Stores that keep nothing on the server (CookieStore) and stores that cannot do an
action say so in one clear line instead of failing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .cookie import ms_to_datetime, to_js_iso
from .memory import MemoryStore
from .prune import PruneResult, find_stores
from .store import call_store, expires_ms

__all__ = ["ACTIONS", "StoreReport", "sessions_action"]

#: The actions, and the verb each uses in "cannot ..." messages.
ACTIONS = {"count": "count", "list": "list", "show": "show", "destroy": "destroy",
           "prune": "prune"}  # fmt: skip

#: Said of a store that lives in the serving process only.
IN_PROCESS = ("{name} keeps sessions in the memory of the process serving the app; this "
              "command runs in another process and sees none of them")  # fmt: skip


@dataclass(frozen=True)
class StoreReport:
    """What one action did on one store: the lines to print and whether it succeeded (False:
    the store cannot do it, or the session asked for does not exist)."""

    store: str
    lines: tuple[str, ...]
    ok: bool = True


def sessions_action(target: Any, action: str, sid: str | None = None) -> list[StoreReport]:
    """Run ``action`` (a key of :data:`ACTIONS`) on every session store of ``target`` (an app
    or a store); ``sid`` is the session id for ``show`` and ``destroy``.

    Raises ``LookupError`` when ``target`` has no session store and ``ValueError`` for an
    unknown action or a missing id. Runs its own event loop: call it from a command or a
    script, not from a handler.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    if action in ("show", "destroy") and not sid:
        raise ValueError(f"{action} needs a session id")
    stores = find_stores(target)
    if not stores:
        raise LookupError(f"no session store found in {target!r}: pass an app using session()")
    return [asyncio.run(_on_store(store, action, sid)) for store in stores]


async def _on_store(store: Any, action: str, sid: str | None) -> StoreReport:
    name = type(store).__name__
    if getattr(store, "in_cookie", False):
        return StoreReport(
            name,
            (
                f"{name} keeps each session in its client's cookie: there is "
                f"nothing on the server to {ACTIONS[action]}",
            ),
            ok=False,
        )
    try:
        report = await _ACTIONS[action](store, name, sid or "")
    finally:
        await _close(store)
    if isinstance(store, MemoryStore) and action != "prune":
        return StoreReport(name, (*report.lines, IN_PROCESS.format(name=name)), report.ok)
    return report


async def _close(store: Any) -> None:
    """Release the store's connections on this loop (they cannot outlive it)."""
    closer = getattr(store, "aclose", None)
    if callable(closer):
        await closer()


def _cannot(name: str, action: str, needs: str) -> StoreReport:
    return StoreReport(
        name, (f"{name} cannot {action} sessions (it has no {needs}() method)",), ok=False
    )


async def _count(store: Any, name: str, sid: str) -> StoreReport:
    for method in ("length", "ids", "all"):
        found = getattr(store, method, None)
        if callable(found):
            result = await call_store(found)
            count = result if isinstance(result, int) else len(result)
            return StoreReport(name, (f"{name}: {count} session(s)",))
    return _cannot(name, "count", "length")


async def _list(store: Any, name: str, sid: str) -> StoreReport:
    everything = getattr(store, "all", None)
    if not callable(everything):
        return _cannot(name, "list", "all")
    records = await call_store(everything)
    lines = [f"{name}: {len(records)} session(s)"]
    for key in sorted(records):
        lines.append(f"{key}  expires {_expiry(records[key])}")
    return StoreReport(name, tuple(lines))


def _expiry(record: Any) -> str:
    """The record's cookie expiry as JavaScript's ISO string, or why there is none."""
    try:
        expiry = expires_ms(record) if isinstance(record, dict) else None
    except ValueError:
        return "(unreadable expiry)"
    return "never (browser session)" if expiry is None else to_js_iso(ms_to_datetime(expiry))


async def _show(store: Any, name: str, sid: str) -> StoreReport:
    record = await call_store(store.get, sid)
    if not record:
        return StoreReport(name, (f"{name}: no session {sid}",), ok=False)
    text = json.dumps(record, indent=2, ensure_ascii=False, sort_keys=False)
    return StoreReport(name, (f"{name}: session {sid}", text))


async def _destroy(store: Any, name: str, sid: str) -> StoreReport:
    existed = bool(await call_store(store.get, sid))
    await call_store(store.destroy, sid)
    if not existed:
        return StoreReport(name, (f"{name}: no session {sid}",), ok=False)
    return StoreReport(name, (f"{name}: session {sid} destroyed",))


async def _prune(store: Any, name: str, sid: str) -> StoreReport:
    prune = getattr(store, "prune", None)
    deleted = None if not callable(prune) else int(await call_store(prune))
    return StoreReport(name, (PruneResult(name, deleted).describe(),))


_ACTIONS: dict[str, Callable[[Any, str, str], Awaitable[StoreReport]]] = {
    "count": _count, "list": _list, "show": _show, "destroy": _destroy, "prune": _prune,
}  # fmt: skip
