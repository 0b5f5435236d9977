"""MemoryStore: hit counts in this process, as express-rate-limit 7's default store.

Each client's window starts at its first hit and lasts `window_ms`; the count starts again when
it is over. Clients are kept in two generations ("current" and "previous"); every window the
previous generation is dropped, so a client idle for a whole window is forgotten without a
scan. Counts are per process: with `expresspy run --workers N` each worker counts on its own,
so use RedisStore when a limit must hold across workers or machines (a warning is logged when
one is built under `--workers N`).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

from expresspy.session.memory import worker_count

from .store import ClientRateLimitInfo, Store

__all__ = ["MemoryStore"]

logger = logging.getLogger("expresspy.rate_limit")


class _Client:
    __slots__ = ("hits", "reset_ms")

    def __init__(self, hits: int, reset_ms: float) -> None:
        self.hits = hits
        self.reset_ms = reset_ms


def _now_ms() -> float:
    return time.time() * 1000


def _info(client: _Client) -> ClientRateLimitInfo:
    return ClientRateLimitInfo(
        client.hits, datetime.fromtimestamp(client.reset_ms / 1000, timezone.utc)
    )


class MemoryStore(Store):
    """The default store; see the module docstring. Not shared between processes."""

    local_keys = True

    def __init__(self) -> None:
        self.window_ms: float = 60_000
        self._current: dict[str, _Client] = {}
        self._previous: dict[str, _Client] = {}
        self._rotate_at = _now_ms() + self.window_ms
        workers = worker_count()
        if workers > 1:
            logger.warning(
                "rate_limit's MemoryStore under --workers %d counts in each worker "
                "apart, so a client gets up to %d times the limit; use RedisStore "
                "to share one count.",
                workers,
                workers,
            )

    def init(self, config: object) -> None:
        """Take the window from the limiter (`config.window_ms`, milliseconds)."""
        self.window_ms = float(getattr(config, "window_ms", self.window_ms))
        self._rotate_at = _now_ms() + self.window_ms

    def _rotate(self, now: float) -> None:
        """Drop the generation idle for a whole window (express-rate-limit's clearExpired,
        done lazily instead of on a timer)."""
        if now < self._rotate_at:
            return
        skipped = (now - self._rotate_at) // self.window_ms if self.window_ms > 0 else 0
        self._previous = {} if skipped else self._current
        self._current = {}
        self._rotate_at = now + self.window_ms

    def _client(self, key: str, now: float) -> _Client:
        self._rotate(now)
        client = self._current.get(key)
        if client is None:
            client = self._previous.pop(key, None) or _Client(0, now + self.window_ms)
            self._current[key] = client
        return client

    async def get(self, key: str) -> ClientRateLimitInfo | None:
        """The client's hits and reset time, or None for a client not seen lately."""
        self._rotate(_now_ms())
        client = self._current.get(key) or self._previous.get(key)
        return None if client is None else _info(client)

    async def increment(self, key: str) -> ClientRateLimitInfo:
        """Count a hit, starting a new window first when the client's window is over."""
        now = _now_ms()
        client = self._client(key, now)
        if client.reset_ms <= now:
            client.hits, client.reset_ms = 0, now + self.window_ms
        client.hits += 1
        return _info(client)

    async def decrement(self, key: str) -> None:
        """Take a hit back (never below zero)."""
        client = self._client(key, _now_ms())
        if client.hits > 0:
            client.hits -= 1

    async def reset_key(self, key: str) -> None:
        """Forget one client."""
        self._current.pop(key, None)
        self._previous.pop(key, None)

    async def reset_all(self) -> None:
        """Forget every client."""
        self._current.clear()
        self._previous.clear()

    resetAll = reset_all

    def shutdown(self) -> None:
        """Forget every client (there is no timer to stop)."""
        self._current.clear()
        self._previous.clear()
