"""``expresspy sessions prune``: delete expired sessions from stores that keep them.

SQLiteStore and MemoryStore sweep expired records themselves every ``prune_interval``
seconds while they serve requests; an app that is stopped, or idle for long, or that set
``prune_interval=None`` (to sweep from cron instead) needs a command. RedisStore expires keys
natively and CookieStore keeps nothing, so there is nothing to prune in them.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .store import capabilities_of

__all__ = ["PruneResult", "find_stores", "prune_command"]


@dataclass(frozen=True)
class PruneResult:
    """What pruning one store did: the store's class name and the records deleted (``None``
    when the store has no ``prune`` method because it expires records by itself)."""

    store: str
    deleted: int | None

    def describe(self) -> str:
        """One line for the command's output."""
        if self.deleted is None:
            return f"{self.store}: expires sessions by itself, nothing to prune"
        return f"{self.store}: {self.deleted} expired session(s) deleted"


def find_stores(target: Any) -> list[Any]:
    """The session stores of ``target``: a store itself, or every ``session()`` middleware
    found in an app's (or router's) stack, mounted sub-apps and routers included."""
    is_store = getattr(target, "in_cookie", False) is True or (  # CookieStore has no methods
        callable(getattr(target, "get", None)) and callable(getattr(target, "destroy", None))
    )
    if is_store and not hasattr(target, "router") and not hasattr(target, "stack"):
        return [target]
    found: list[Any] = []
    for store in _walk(target, set()):
        if all(store is not seen for seen in found):
            found.append(store)
    return found


def _walk(node: Any, visited: set[int]) -> Iterator[Any]:
    """The stores of the session() middleware registered anywhere in an app or router
    (mounted routers, sub-apps and route-level session() included)."""
    router = getattr(node, "router", node)
    handlers = router.iter_handlers() if hasattr(router, "iter_handlers") else [node]
    for handler in handlers:
        store = getattr(handler, "session_store", None)
        if store is not None and id(store) not in visited:
            visited.add(id(store))
            yield store


def prune_command(target: Any) -> list[PruneResult]:
    """Delete the expired sessions of ``target`` (an app or a store) now; one result per store.

    Runs its own event loop, so call it from a command or a script, not from a handler.
    Raises ``LookupError`` when ``target`` has no session store.
    """
    stores = find_stores(target)
    if not stores:
        raise LookupError(f"no session store found in {target!r}: pass an app using session()")
    return [PruneResult(type(store).__name__, _prune(store)) for store in stores]


def _prune(store: Any) -> int | None:
    if not capabilities_of(store).prune:
        return None
    result = store.prune()
    if inspect.isawaitable(result):
        result = asyncio.run(_await(result))
    return int(result)


async def _await(awaitable: Any) -> Any:
    return await awaitable
