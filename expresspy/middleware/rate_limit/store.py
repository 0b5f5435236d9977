"""The store contract of rate_limit (express-rate-limit 7's `Store` interface, Python spelling).

A store counts hits per key within a window. Methods may be `async def` or plain `def`; the
middleware awaits whatever they return. Required: `increment(key)` → `ClientRateLimitInfo`,
`decrement(key)`, `reset_key(key)`. Optional: `init(config)` (called once with the limiter's
`RateLimitConfig`; `config.window_ms` is the window in milliseconds), `get(key)`, `reset_all()`,
`shutdown()`, and the attributes `local_keys` (True when counts live in this process only) and
`prefix` (put before every key). A store written for express-rate-limit's camelCase names
(`resetKey`, `resetAll`) works too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["ClientRateLimitInfo", "Store"]


@dataclass
class ClientRateLimitInfo:
    """One client's hits in its current window and when that window ends (UTC; None when the
    store cannot tell)."""

    total_hits: int
    reset_time: datetime | None = None

    @property
    def totalHits(self) -> int:
        """express-rate-limit's spelling of `total_hits`."""
        return self.total_hits

    @property
    def resetTime(self) -> datetime | None:
        """express-rate-limit's spelling of `reset_time`."""
        return self.reset_time


class Store:
    """Base class for stores (subclassing is optional: any object with the methods works)."""

    #: True when the counts are kept in this process only (MemoryStore).
    local_keys: bool = False
    #: Put before every key, so several limiters can share one backing store.
    prefix: str = ""

    def init(self, config: Any) -> None:
        """Receive the limiter's configuration once (`config.window_ms` in milliseconds)."""

    async def increment(self, key: str) -> ClientRateLimitInfo:
        """Count one hit for `key`; return its hits in the window and the window's end."""
        raise NotImplementedError

    async def decrement(self, key: str) -> None:
        """Take one hit back (skipSuccessfulRequests / skipFailedRequests)."""
        raise NotImplementedError

    async def reset_key(self, key: str) -> None:
        """Forget `key`'s hits."""
        raise NotImplementedError

    async def resetKey(self, key: str) -> None:
        """express-rate-limit's spelling of `reset_key`."""
        await self.reset_key(key)


def method(store: Any, snake: str, camel: str) -> Any:
    """The store's method under either spelling, or None."""
    found = getattr(store, snake, None)
    if not callable(found):
        found = getattr(store, camel, None)
    return found if callable(found) else None


def check_store(store: Any) -> None:
    """Raise express-rate-limit's TypeError for an object that is not a store."""
    required = [("increment", "increment"), ("decrement", "decrement"), ("reset_key", "resetKey")]
    optional = [("reset_all", "resetAll"), ("init", "init")]
    missing = any(method(store, s, c) is None for s, c in required)
    wrong = any(
        getattr(store, s, None) is not None and method(store, s, c) is None for s, c in optional
    )
    if missing or wrong:
        raise TypeError(
            "An invalid store was passed. Please ensure that the store is a class "
            "that implements the `Store` interface."
        )
