"""RedisStore: hit counts in Redis, laid out as rate-limit-redis 4 lays them out.

One key per client, `prefix + key` (prefix "rl:" by default), holding the hit count as a
Redis integer string with a millisecond expiry (PX) equal to the window. A Lua script does the
increment atomically: a key without time left starts again at 1 with a fresh expiry; otherwise
it is INCR'd (and, with `reset_expiry_on_change`, its expiry renewed). A Node app using
express-rate-limit with rate-limit-redis and an expresspy app using this store therefore share
one counter per client when they share the Redis, the prefix and the window; so do the workers
of `expresspy run --workers N`.

Needs the `redis` extra (`pip install 'expresspy[redis]'`), or a `send_command` of your own.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .store import ClientRateLimitInfo, Store

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisStore"]

SendCommand = Callable[..., Awaitable[Any]]

# The increment, with rate-limit-redis's semantics: ARGV[1] "1" renews the expiry on every
# hit, ARGV[2] is the window in milliseconds; the reply is {hits, milliseconds left}.
INCREMENT_SCRIPT = """\
local window = tonumber(ARGV[2])
local left = redis.call("PTTL", KEYS[1])
if left <= 0 then
  redis.call("SET", KEYS[1], 1, "PX", window)
  return {1, window}
end
local hits = redis.call("INCR", KEYS[1])
if ARGV[1] == "1" then
  redis.call("PEXPIRE", KEYS[1], window)
  left = window
end
return {hits, left}"""

# The read: {count or false, milliseconds left}.
GET_SCRIPT = """\
return {redis.call("GET", KEYS[1]), redis.call("PTTL", KEYS[1])}"""


def _from_url(url: str, timeout: float) -> Redis:
    try:
        from redis.asyncio import from_url
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "rate_limit's RedisStore needs the redis package: pip install 'expresspy[redis]'"
        ) from exc
    client: Redis = from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    return client


def _to_int(value: Any) -> int:
    return int(value.decode() if isinstance(value, bytes) else value)


def _info(reply: Any) -> ClientRateLimitInfo:
    """rate-limit-redis's parseScriptResponse: hits, and now + the milliseconds left."""
    if not isinstance(reply, (list, tuple)):
        raise TypeError("Expected result to be array of values")
    if len(reply) != 2:
        raise ValueError(f"Expected 2 replies, got {len(reply)}")
    hits = 0 if reply[0] in (None, False) else _to_int(reply[0])
    reset = time.time() + _to_int(reply[1]) / 1000
    return ClientRateLimitInfo(hits, datetime.fromtimestamp(reset, timezone.utc))


class RedisStore(Store):
    """Counts in Redis (rate-limit-redis 4's layout); see the module docstring.

    Give `client` (a URL such as "redis://127.0.0.1:6379/0", or a `redis.asyncio.Redis`) or
    `send_command` (`async fn(*args)` sending one raw command, rate-limit-redis's
    `sendCommand`), not both. `prefix` goes before every key. `reset_expiry_on_change` renews
    the window on every hit (rate-limit-redis's `resetExpiryOnChange`). `timeout` (seconds)
    bounds connecting and each command when a URL is given. Use one store per limiter.
    """

    def __init__(
        self,
        client: str | Redis | None = None,
        *,
        send_command: SendCommand | None = None,
        prefix: str = "rl:",
        reset_expiry_on_change: bool = False,
        timeout: float = 2.0,
    ) -> None:
        if (client is None) == (send_command is None):
            raise TypeError("RedisStore needs either client or send_command (but not both)")
        if client is not None:
            redis = _from_url(client, timeout) if isinstance(client, str) else client
            self.client: Redis | None = redis
            send_command = redis.execute_command
        else:
            self.client = None
        self._send: SendCommand = send_command  # type: ignore[assignment]
        self._owns_client = isinstance(client, str)
        self.prefix = prefix
        self.reset_expiry_on_change = reset_expiry_on_change
        self.window_ms: int = 60_000

    def init(self, config: Any) -> None:
        """Take the window from the limiter (`config.window_ms`, milliseconds)."""
        self.window_ms = int(config.window_ms)

    def prefix_key(self, key: str) -> str:
        """The Redis key of a client: `prefix + key`."""
        return f"{self.prefix}{key}"

    async def _script(self, script: str, *args: str) -> Any:
        """EVALSHA the script, loading it first when Redis does not know it (NOSCRIPT)."""
        sha = hashlib.sha1(script.encode()).hexdigest()
        try:
            return await self._send("EVALSHA", sha, *args)
        except Exception as exc:
            # redis-py raises NoScriptError ("No matching script"); raw replies say NOSCRIPT.
            if type(exc).__name__ != "NoScriptError" and "NOSCRIPT" not in str(exc):
                raise
        await self._send("SCRIPT", "LOAD", script)
        return await self._send("EVALSHA", sha, *args)

    async def increment(self, key: str) -> ClientRateLimitInfo:
        """Count a hit atomically; start a new window when the key has no time left."""
        reply = await self._script(
            INCREMENT_SCRIPT,
            "1",
            self.prefix_key(key),
            "1" if self.reset_expiry_on_change else "0",
            str(self.window_ms),
        )
        return _info(reply)

    async def get(self, key: str) -> ClientRateLimitInfo | None:
        """The client's hits and reset time, or None when Redis has no count for it."""
        reply = await self._script(GET_SCRIPT, "1", self.prefix_key(key))
        return None if reply[0] in (None, False) else _info(reply)

    async def decrement(self, key: str) -> None:
        """Take a hit back (DECR, as rate-limit-redis does)."""
        await self._send("DECR", self.prefix_key(key))

    async def reset_key(self, key: str) -> None:
        """Forget one client (DEL)."""
        await self._send("DEL", self.prefix_key(key))

    async def aclose(self) -> None:
        """Close a client this store made from a URL (one passed in is its owner's)."""
        if self._owns_client and self.client is not None:
            await self.client.aclose()
