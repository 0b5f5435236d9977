"""RedisStore: sessions in Redis, laid out exactly as connect-redis lays them out.

One string key per session, ``prefix + sid`` (``sess:`` by default), holding the session's
JSON; its TTL follows the cookie's expiry (``ceil((expires - now) / 1000)`` seconds) or
``ttl`` when the cookie has none; a TTL of zero or less deletes the key. An Express app using
connect-redis with the same prefix and secret therefore shares sessions with this one.

Needs the ``redis`` extra (``pip install 'expresspy[redis]'``); uses ``redis.asyncio``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .patch import SessionPatch, apply_patch
from .store import JSON, Serializer, SessionRecord, Store, load_record, ttl_seconds

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisStore"]

#: Keys fetched per SCAN step by all()/length()/clear() (connect-redis's scanCount).
SCAN_COUNT = 100
#: Attempts of merge() when another client keeps changing the key between WATCH and EXEC.
MERGE_ATTEMPTS = 50


def _connect(url: str, timeout: float) -> Redis:
    """A ``redis.asyncio`` client for ``url``, with bounded connect and operation times."""
    try:
        from redis.asyncio import from_url
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "RedisStore needs the redis package: pip install 'expresspy[redis]'"
        ) from exc
    client: Redis = from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    return client


class RedisStore(Store):
    """Sessions in Redis (connect-redis's layout).

    ``client`` is a URL (``"redis://127.0.0.1:6379/0"``) or a ``redis.asyncio.Redis``.
    ``prefix`` is put before every id. ``ttl`` is in seconds (or ``fn(record) -> seconds``)
    and only used for sessions whose cookie has no expiry. ``disable_ttl`` stores keys without
    expiry; ``disable_touch`` makes ``touch`` a no-op. ``serializer`` has ``dumps``/``loads``
    (compact JSON by default, as ``JSON.stringify``). ``timeout`` (seconds) bounds connecting
    and every command when a URL is given, so an unreachable Redis fails fast.
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
    ) -> None:
        self.client: Redis = _connect(client, timeout) if isinstance(client, str) else client
        from redis import exceptions as redis_errors

        #: Errors meaning Redis cannot be reached: the middleware answers 503 for them.
        self.unavailable_errors = (redis_errors.ConnectionError, redis_errors.TimeoutError)
        self._owns_client = isinstance(client, str)  # one passed in is its owner's to close
        self.prefix = prefix
        self.ttl = ttl
        self.disable_ttl = disable_ttl
        self.disable_touch = disable_touch
        self.serializer = serializer

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

    async def get(self, sid: str) -> SessionRecord | None:
        """``GET prefix+sid``, parsed; ``None`` when missing."""
        raw = await self.client.get(self.prefix + sid)
        return None if raw is None else load_record(self.serializer, raw, "RedisStore")

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

    async def merge(self, sid: str, patch: SessionPatch) -> bool:
        """Apply ``patch`` with optimistic locking (``WATCH``, ``GET``, ``MULTI``, write,
        ``EXEC``; retried when another client wrote the key in between).

        False when the key is gone and the patch may not create it.
        """
        from redis.exceptions import WatchError

        key = self.prefix + sid
        for _ in range(MERGE_ATTEMPTS):
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
                    continue
        raise RuntimeError(f"merge of a session gave up after {MERGE_ATTEMPTS} conflicts")

    async def touch(self, sid: str, session: SessionRecord) -> None:
        """``EXPIRE key ttl`` (no-op with ``disable_touch`` or ``disable_ttl``)."""
        if self.disable_touch or self.disable_ttl:
            return
        await self.client.expire(self.prefix + sid, self._ttl(session))

    async def destroy(self, sid: str) -> None:
        """``DEL prefix+sid``."""
        await self.client.delete(self.prefix + sid)

    async def ids(self) -> list[str]:
        """Every session id under the prefix (``SCAN MATCH prefix*``)."""
        keys = await self._keys()
        return [key[len(self.prefix) :] for key in keys]

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

    async def length(self) -> int:
        """How many sessions there are under the prefix."""
        return len(await self._keys())

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
