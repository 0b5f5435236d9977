"""RedisStore: sessions in Redis, laid out exactly as connect-redis lays them out.

One string key per session, ``prefix + sid`` (``sess:`` by default), holding the session's
JSON; its TTL follows the cookie's expiry (``ceil((expires - now) / 1000)`` seconds) or
``ttl`` when the cookie has none; a TTL of zero or less deletes the key. An Express app using
connect-redis with the same prefix and secret therefore shares sessions with this one.

Needs the ``redis`` extra (``pip install 'expresspy[redis]'``); uses ``redis.asyncio``.

Under load: a client made from a URL has a *waiting* pool of ``pool_size`` connections. A
request that finds them all in use waits for one (as long as the session middleware's
``store_timeout`` allows, or ``pool_timeout``) instead of failing, and a pool that stays full
is reported as :class:`SessionStoreBusy` (load), never as "Redis unreachable". ``merge`` runs
as one server-side script (expresspy/session/redis_merge.py), so concurrent writers of one
session never starve each other.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import CorruptSessionRecord, SessionStoreBusy
from .load import reports_load
from .patch import SessionPatch, apply_patch
from .redis_merge import CORRUPT, CORRUPT_EXPIRY, MERGE_SCRIPT, merge_arguments
from .store import JSON, Serializer, SessionRecord, Store, load_record, ttl_seconds

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["PoolExhausted", "RedisStore"]


#: Keys fetched per SCAN step by all()/length()/clear() (connect-redis's scanCount).
SCAN_COUNT = 100
#: Connections a client made from a URL may open (redis-py's default pool size too).
POOL_SIZE = 100
#: Longest pause (seconds) between two attempts of a WATCH merge that met a conflict.
MAX_BACKOFF = 0.05


class PoolExhausted(Exception):
    """Every pooled connection stayed in use for the whole wait (load, not an outage)."""


def _connect(url: str, timeout: float, pool_size: int, pool_timeout: float | None) -> Redis:
    """A ``redis.asyncio`` client for ``url`` with bounded connect and operation times and a
    pool of ``pool_size`` connections that waits for a free one (``pool_timeout`` seconds at
    most, ``None``: until the caller gives up) instead of failing at once."""
    try:
        from redis.asyncio import BlockingConnectionPool, Redis
        from redis.exceptions import ConnectionError as RedisConnectionError
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "RedisStore needs the redis package: pip install 'expresspy[redis]'"
        ) from exc

    class WaitingPool(BlockingConnectionPool):
        """redis-py's blocking pool, whose timeout says "busy" rather than "unreachable"."""

        async def get_connection(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return await super().get_connection(*args, **kwargs)  # type: ignore[no-untyped-call]
            except RedisConnectionError as exc:  # raised for the pool's own timeout too
                if isinstance(exc.__cause__, asyncio.TimeoutError):
                    raise PoolExhausted(
                        f"all {self.max_connections} connections stayed in use for "
                        f"{self.timeout:g} s; raise pool_size or add workers") from exc
                raise

    pool = WaitingPool.from_url(url, max_connections=pool_size, timeout=pool_timeout,
                                socket_timeout=timeout, socket_connect_timeout=timeout)
    return Redis.from_pool(pool)


def _as_busy(store: Any, operation: str, exc: Exception) -> SessionStoreBusy | None:
    """The :class:`SessionStoreBusy` that ``exc`` stands for (a full connection pool, which
    redis-py reports as a ``ConnectionError`` that would read as "Redis is down"), or None
    for any other error."""
    from redis.exceptions import MaxConnectionsError

    if isinstance(exc, PoolExhausted):
        return SessionStoreBusy(operation, str(exc))
    if isinstance(exc, MaxConnectionsError):  # a client passed in, whose pool never waits
        return SessionStoreBusy(operation, "the client's connection pool is full; give it a "
                                "BlockingConnectionPool or pass a URL")  # fmt: skip
    return None


class RedisStore(Store):
    """Sessions in Redis (connect-redis's layout).

    ``client`` is a URL (``"redis://127.0.0.1:6379/0"``) or a ``redis.asyncio.Redis``.
    ``prefix`` is put before every id. ``ttl`` is in seconds (or ``fn(record) -> seconds``)
    and only used for sessions whose cookie has no expiry. ``disable_ttl`` stores keys without
    expiry; ``disable_touch`` makes ``touch`` a no-op. ``serializer`` has ``dumps``/``loads``
    (compact JSON by default, as ``JSON.stringify``). ``timeout`` (seconds) bounds connecting
    and every command when a URL is given, so an unreachable Redis fails fast.

    With a URL the store opens at most ``pool_size`` connections per process; a call that
    finds them all busy waits for one, for ``pool_timeout`` seconds at most (``None``, the
    default: until the session middleware's ``store_timeout`` ends the wait with a 503), and
    then fails with :class:`SessionStoreBusy` (503, load), not as an outage.
    """

    def __init__(
        self,
        client: str | Redis,
        *,
        prefix: str = "sess:",
        ttl: int | Callable[[SessionRecord], int] = 86400,
        disable_ttl: bool = False,
        disable_touch: bool = False,
        serializer: Serializer = JSON,
        timeout: float = 2.0,
        pool_size: int = POOL_SIZE,
        pool_timeout: float | None = None,
    ) -> None:
        if not isinstance(pool_size, int) or isinstance(pool_size, bool) or pool_size < 1:
            raise ValueError(f"pool_size must be a positive int, not {pool_size!r}")
        if pool_timeout is not None and not pool_timeout > 0:
            raise ValueError(f"pool_timeout must be a positive number of seconds or None, "
                             f"not {pool_timeout!r}")  # fmt: skip
        self.client: Redis = (_connect(client, timeout, pool_size, pool_timeout)
                              if isinstance(client, str) else client)  # fmt: skip
        from redis import exceptions as redis_errors

        #: Errors meaning Redis cannot be reached: the middleware answers 503 for them.
        self.unavailable_errors = (redis_errors.ConnectionError, redis_errors.TimeoutError)
        self._owns_client = isinstance(client, str)  # one passed in is its owner's to close
        self.prefix = prefix
        self.ttl = ttl
        self.disable_ttl = disable_ttl
        self.disable_touch = disable_touch
        self.serializer = serializer
        self.pool_size = pool_size
        self.pool_timeout = pool_timeout
        self._merge_sha: str | None = None  # the merge script's SHA1 once Redis has it

    async def aclose(self) -> None:
        """Close the connections of a client this store made from a URL.

        A client passed in is left open: whoever created it closes it. Call it on the loop
        the store ran on (e.g. in a lifespan shutdown handler): redis.asyncio connections
        belong to that loop.
        """
        if self._owns_client:
            await self.client.aclose()

    def _ttl(self, session: SessionRecord) -> int:
        """connect-redis's ``_getTTL``."""
        if callable(self.ttl):
            return self.ttl(session)
        return ttl_seconds(session, self.ttl)

    @reports_load(_as_busy)
    async def get(self, sid: str) -> SessionRecord | None:
        """``GET prefix+sid``, parsed; ``None`` when missing."""
        raw = await self.client.get(self.prefix + sid)
        return None if raw is None else load_record(self.serializer, raw, "RedisStore")

    @reports_load(_as_busy)
    async def set(self, sid: str, session: SessionRecord) -> None:
        """``SET key value EX ttl`` (plain ``SET`` with ``disable_ttl``; ``DEL`` if ttl <= 0)."""
        await self._write(self.client, sid, session)

    def _write(self, target: Any, sid: str, session: SessionRecord) -> Any:
        """Queue or run connect-redis's write of ``session`` on a client or a pipeline."""
        key, value = self.prefix + sid, self.serializer.dumps(session)
        if self.disable_ttl:
            return target.set(key, value)
        ttl = self._ttl(session)
        return target.set(key, value, ex=ttl) if ttl > 0 else target.delete(key)

    @reports_load(_as_busy)
    async def merge(self, sid: str, patch: SessionPatch) -> bool:
        """Apply ``patch`` atomically; False when the key is gone and the patch may not
        create it.

        With the default serializer and a fixed ``ttl`` this is one server-side script
        (read, merge, write in one step, so concurrent merges never conflict). A custom
        serializer or a ``ttl`` function (which needs the merged record) uses optimistic
        locking instead, retried after a random pause while other clients win the race:
        never given up, so only the middleware's ``store_timeout`` bounds it.
        """
        if self.serializer is JSON and not callable(self.ttl):
            return await self._merge_by_script(sid, patch, self.ttl)
        return await self._merge_by_watch(sid, patch)

    async def _merge_by_script(self, sid: str, patch: SessionPatch, default_ttl: int) -> bool:
        from redis.exceptions import NoScriptError

        # The merged record's cookie is the patch's, so its TTL is known before the merge.
        cookie_only = {"cookie": dict(patch.cookie)}
        ttl = None if self.disable_ttl else ttl_seconds(cookie_only, default_ttl)
        args = merge_arguments(patch, ttl, self.serializer)
        key = self.prefix + sid
        result: Any = None
        if self._merge_sha is not None:
            try:
                result = await self.client.evalsha(self._merge_sha, 1, key, *args)
            except NoScriptError:  # Redis restarted or SCRIPT FLUSH: send the script again
                result = None
        if result is None:
            self._merge_sha = await self.client.script_load(MERGE_SCRIPT)
            result = await self.client.evalsha(self._merge_sha, 1, key, *args)
        if int(result) == CORRUPT:
            raise CorruptSessionRecord("RedisStore", "not a JSON object")
        if int(result) == CORRUPT_EXPIRY:
            raise CorruptSessionRecord("RedisStore", "its cookie.expires is not a date")
        return int(result) == 1

    async def _merge_by_watch(self, sid: str, patch: SessionPatch) -> bool:
        from redis.exceptions import WatchError

        key = self.prefix + sid
        attempt = 0
        while True:
            async with self.client.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    current = None if raw is None else load_record(self.serializer, raw,
                                                                   "RedisStore")
                    record = apply_patch(current, patch)
                    if record is None:
                        return False
                    pipe.multi()  # type: ignore[no-untyped-call]
                    self._write(pipe, sid, record)
                    await pipe.execute()
                    return True
                except WatchError:
                    pass
            # Another client wrote the key first: wait a random, growing pause so the
            # contenders spread out instead of colliding again at once.
            attempt += 1
            await asyncio.sleep(random.uniform(0, min(MAX_BACKOFF, 0.001 * 2 ** min(attempt, 16))))

    @reports_load(_as_busy)
    async def touch(self, sid: str, session: SessionRecord) -> None:
        """``EXPIRE key ttl`` (no-op with ``disable_touch`` or ``disable_ttl``)."""
        if self.disable_touch or self.disable_ttl:
            return
        await self.client.expire(self.prefix + sid, self._ttl(session))

    @reports_load(_as_busy)
    async def destroy(self, sid: str) -> None:
        """``DEL prefix+sid``."""
        await self.client.delete(self.prefix + sid)

    @reports_load(_as_busy)
    async def ids(self) -> list[str]:
        """Every session id under the prefix (``SCAN MATCH prefix*``)."""
        keys = await self._keys()
        return [key[len(self.prefix) :] for key in keys]

    @reports_load(_as_busy)
    async def all(self) -> dict[str, SessionRecord]:
        """Every session by id (connect-redis also puts the id in each record as ``id``)."""
        keys = await self._keys()
        if not keys:
            return {}
        values = await self.client.mget(keys)
        records: dict[str, SessionRecord] = {}
        for key, raw in zip(keys, values, strict=True):
            if raw is not None:
                sid = key[len(self.prefix) :]
                records[sid] = {**self.serializer.loads(raw), "id": sid}
        return records

    @reports_load(_as_busy)
    async def length(self) -> int:
        """How many sessions there are under the prefix."""
        return len(await self._keys())

    @reports_load(_as_busy)
    async def clear(self) -> None:
        """Delete every session under the prefix."""
        keys = await self._keys()
        if keys:
            await self.client.delete(*keys)

    async def _keys(self) -> list[str]:
        """``SCAN`` for ``prefix*`` (never ``KEYS``, which blocks Redis)."""
        found: list[str] = []
        async for key in self.client.scan_iter(match=_glob_escape(self.prefix) + "*",
                                               count=SCAN_COUNT):  # fmt: skip
            found.append(key.decode("utf-8") if isinstance(key, bytes) else str(key))
        return found


def _glob_escape(text: str) -> str:
    """Escape Redis glob characters so a prefix matches only itself."""
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
