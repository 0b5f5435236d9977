"""RedisStore: sessions in Redis, laid out exactly as connect-redis lays them out.

One string key per session, ``prefix + sid`` (``sess:`` by default), holding the session's
JSON; its TTL follows the cookie's expiry (``ceil((expires - now) / 1000)`` seconds) or
``ttl`` when the cookie has none; a TTL of zero or less deletes the key. An Express app using
connect-redis with the same prefix and secret therefore shares sessions with this one.

Needs the ``redis`` extra (``pip install 'expresspy[redis]'``: redis-py and hiredis). A
single-server URL gets expresspy's pipelining client (expresspy/session/resp_client.py: one
connection, the commands of concurrent requests written one after the other without waiting
for replies); Cluster and Sentinel URLs, and a client passed in, use ``redis.asyncio``.

Under load: a client made from a URL lets ``pool_size`` commands (one server) or calls
(Cluster, Sentinel) run at once. A request that finds no room waits (as long as the session
middleware's ``store_timeout`` allows, or ``pool_timeout``) instead of failing, and a store
that stays full is reported as :class:`SessionStoreBusy` (load), never as "Redis unreachable".
``merge`` runs as one server-side script (expresspy/session/redis_merge.py), so concurrent
writers of one session never starve each other.
"""

from __future__ import annotations

import asyncio
import functools
import math
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Concatenate, NoReturn, ParamSpec, TypeVar

from .cookie import now_ms
from .errors import CorruptSessionRecord, SessionStoreBusy
from .patch import SessionPatch, apply_patch
from .redis_client import CallGate, PoolExhausted, is_cluster, make_client
from .redis_merge import (
    CORRUPT,
    CORRUPT_EXPIRY,
    KEEPS_META,
    MERGE_SCRIPT,
    WRITE_SCRIPT,
    merge_arguments,
)
from .store import (
    JSON,
    Serializer,
    SessionRecord,
    Store,
    StoreCapabilities,
    call_deadline,
    load_record,
    ttl_seconds,
    within_deadline,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from .resp_client import RespClient

__all__ = ["PoolExhausted", "RedisStore"]

T = TypeVar("T")
P = ParamSpec("P")


#: Keys fetched per SCAN step by all()/length()/clear() (connect-redis's scanCount).
SCAN_COUNT = 100
#: Connections a client made from a URL may open (redis-py's default pool size too).
POOL_SIZE = 100
#: Longest pause (seconds) between two attempts of a WATCH merge that met a conflict.
MAX_BACKOFF = 0.05
#: Sessions whose written text (and the parts it was put together from) RedisStore
#: remembers for the loads that follow (read_parts); the table is cleared when full.
WRITTEN_TEXTS = 1024


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


def _store_call(
    method: Callable[Concatenate[RedisStore, P], Awaitable[T]],
) -> Callable[Concatenate[RedisStore, P], Awaitable[T]]:
    """A public store method: within the store's call gate (Cluster and Sentinel clients),
    and with a full pool reported as load (:class:`SessionStoreBusy`), as
    :func:`~expresspy.session.load.reports_load` reports it."""
    # One coroutine for both (reports_load around a gate's coroutine was two): each frame
    # is created for every call and passed through by each of its resumptions.
    operation = method.__name__

    @functools.wraps(method)
    async def call(store: RedisStore, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            if store._gate is None:
                return await method(store, *args, **kwargs)
            async with store._gate:
                return await method(store, *args, **kwargs)
        except Exception as exc:
            _raise_as_busy(store, operation, exc)

    return call


def _raise_as_busy(store: RedisStore, operation: str, exc: Exception) -> NoReturn:
    """Raise ``exc`` again, or the :class:`SessionStoreBusy` it stands for (:func:`_as_busy`)."""
    busy = _as_busy(store, operation, exc)
    if busy is None:
        raise exc
    raise busy from exc


class RedisStore(Store):
    """Sessions in Redis (connect-redis's layout).

    ``client`` is a URL (``"redis://127.0.0.1:6379/0"``; ``redis+cluster://host:port,...``
    for a Redis Cluster; ``redis+sentinel://host:port,.../service`` for the master a set of
    Sentinels names) or a client: a ``redis.asyncio.Redis`` (one made by
    ``Sentinel.master_for`` too) or a ``redis.asyncio.RedisCluster``.
    ``prefix`` is put before every id. ``ttl`` is in seconds (or ``fn(record) -> seconds``)
    and only used for sessions whose cookie has no expiry. ``disable_ttl`` stores keys without
    expiry; ``disable_touch`` makes ``touch`` a no-op. ``serializer`` has ``dumps``/``loads``
    (compact JSON by default, as ``JSON.stringify``). ``timeout`` (seconds) bounds connecting
    and every command when a URL is given, so an unreachable Redis fails fast.

    With a single-server URL the store sends every command over one connection, pipelined
    (:class:`~expresspy.session.resp_client.RespClient`), with at most ``pool_size`` commands
    waiting for a reply at once; Cluster and Sentinel URLs open at most ``pool_size``
    connections. A call that finds no room waits, for ``pool_timeout`` seconds at most
    (``None``, the default: until the session middleware's ``store_timeout`` ends the wait
    with a 503), and then fails with :class:`SessionStoreBusy` (503, load), not as an outage.
    ``merge`` with a custom serializer or a ``ttl`` function (``WATCH``, which needs a
    connection of its own) uses a redis-py client the store makes on first need.

    ``wait_replicas=N`` makes every write wait (``WAIT``, on the connection that wrote) until
    N replicas have it, ``wait_timeout`` seconds at most; a write fewer replicas confirmed
    fails (503), so a save the app acknowledged survives a failover to a replica. (Writes of
    a ``merge`` that falls back to ``WATCH`` are not waited for.) A client made from a URL
    then waits ``timeout + wait_timeout`` for each reply, so that WAIT can always answer.
    """

    #: Saves hand over the record's JSON as the middleware built it (store.AsyncTextRecords).
    async_text_records = True

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
        wait_replicas: int = 0,
        wait_timeout: float = 1.0,
    ) -> None:
        if not isinstance(pool_size, int) or isinstance(pool_size, bool) or pool_size < 1:
            raise ValueError(f"pool_size must be a positive int, not {pool_size!r}")
        if pool_timeout is not None and not pool_timeout > 0:
            raise ValueError(f"pool_timeout must be a positive number of seconds or None, "
                             f"not {pool_timeout!r}")  # fmt: skip
        if (
            isinstance(wait_replicas, bool)
            or not isinstance(wait_replicas, int)
            or wait_replicas < 0
        ):
            raise ValueError(f"wait_replicas must be an int >= 0, not {wait_replicas!r}")
        if isinstance(client, str):
            # WAIT holds its reply up to wait_timeout: the wait for a reply must outlast it,
            # or a write no replica confirmed ends as a read timeout that also drops the
            # connection (behind Sentinel, the next one asks the Sentinels again).
            read_timeout = timeout + wait_timeout if wait_replicas else timeout
            made = make_client(client, timeout, pool_size, pool_timeout, read_timeout)
            self.client: Redis | RespClient = made.client
            #: Bounds concurrent calls when the client's pool cannot wait (Cluster, Sentinel).
            self._gate = CallGate(pool_size, pool_timeout) if made.gated else None
            #: Makes the redis-py client for WATCH when ``client`` is a RespClient.
            self._make_redis_py = made.redis_py
        else:
            self.client, self._gate, self._make_redis_py = client, None, None
        #: The redis-py client (``WATCH``): the client itself, or one made on first need.
        self._redis_py: Redis | None = None if self._make_redis_py else self.client
        self._cluster = is_cluster(self.client)
        self.wait_replicas = wait_replicas
        self.wait_timeout = wait_timeout
        from redis import exceptions as redis_errors

        #: Errors meaning Redis cannot be reached: the middleware answers 503 for them.
        self.unavailable_errors = (redis_errors.ConnectionError, redis_errors.TimeoutError)
        #: Redis lacks a script (restarted, flushed, failed over): it is loaded again.
        self._no_script: type[Exception] = redis_errors.NoScriptError
        if type(self) is RedisStore:  # a subclass declares its own or is probed (store.py)
            # Declared here, not on the class: the errors come from redis, imported lazily.
            # touch stays offered with disable_touch (it is then a no-op, as connect-redis's).
            self.capabilities = StoreCapabilities(
                merge=True, touch=True, unavailable_errors=self.unavailable_errors
            )
            # The pipelining client keeps the middleware's deadlines with its one timer.
            self.keeps_deadline = self._make_redis_py is not None
        self._owns_client = isinstance(client, str)  # one passed in is its owner's to close
        self.prefix = prefix
        self.ttl = ttl
        self.disable_ttl = disable_ttl
        self.disable_touch = disable_touch
        self.serializer = serializer
        self.pool_size = pool_size
        self.pool_timeout = pool_timeout
        self._script_shas: dict[str, str] = {}  # each script's SHA1 once Redis has it
        # By id: the text write_text last stored from its cookie's and data's JSON (as
        # bytes, as GET returns it) and those two texts. A hint only: read_parts hands the
        # parts out when GET returns that very text, which is a function of them
        # (middleware.record_text), whoever wrote it; any other text is parsed.
        self._written: dict[str, tuple[bytes, tuple[str, str]]] = {}

    async def aclose(self) -> None:
        """Close the connections of a client this store made from a URL.

        A client passed in is left open: whoever created it closes it. Call it on the loop
        the store ran on (e.g. in a lifespan shutdown handler): redis.asyncio connections
        belong to that loop.
        """
        if self._owns_client:
            await self.client.aclose()
            if self._make_redis_py is not None and self._redis_py is not None:
                redis_py, self._redis_py = self._redis_py, None
                await redis_py.aclose()

    def _redis_py_client(self) -> Redis:
        """The redis-py client: the store's own client, or beside a RespClient one made on
        first need (for ``WATCH``, which needs a connection of its own)."""
        if self._redis_py is None:
            assert self._make_redis_py is not None
            self._redis_py = self._make_redis_py()
        return self._redis_py

    def _ttl(self, session: SessionRecord) -> int:
        """connect-redis's ``_getTTL``."""
        if callable(self.ttl):
            return self.ttl(session)
        return ttl_seconds(session, self.ttl)

    async def get(self, sid: str) -> SessionRecord | None:
        """``GET prefix+sid``, parsed; ``None`` when missing."""
        # What _store_call does, in this one coroutine: every request with a cookie makes
        # this call, and each coroutine around it costs its creation and every resumption.
        try:
            raw = await self._send_get(self.prefix + sid)
        except Exception as exc:
            _raise_as_busy(self, "get", exc)
        return None if raw is None else load_record(self.serializer, raw, "RedisStore")

    async def read_parts(self, sid: str) -> SessionRecord | tuple[str, str] | None:
        """:meth:`get`, except that the text :meth:`write_text` stored from ``parts`` comes
        back as those two texts (its cookie's JSON and its data's), unparsed, while the key
        holds exactly that text; any other text is parsed as :meth:`get` parses it."""
        try:
            raw = await self._send_get(self.prefix + sid)
        except Exception as exc:
            _raise_as_busy(self, "get", exc)
        if raw is None:
            return None
        known = self._written.get(sid)
        if known is not None and known[0] == raw:
            return known[1]
        return load_record(self.serializer, raw, "RedisStore")

    def _send_get(self, key: str) -> Awaitable[Any]:
        """``GET key``, within the call gate when there is one (not a coroutine itself: the
        client's awaitable is returned as it is)."""
        if self._gate is None:
            return self.client.get(key)
        return self._gated(self.client.get, key)

    async def _gated(self, send: Callable[..., Awaitable[T]], *args: Any) -> T:
        """``send(*args)`` within the call gate (Cluster and Sentinel clients)."""
        assert self._gate is not None
        async with self._gate:
            return await send(*args)

    @_store_call
    async def set(self, sid: str, session: SessionRecord) -> None:
        """``SET key value EX ttl`` (plain ``SET`` with ``disable_ttl``; ``DEL`` if ttl <= 0)."""
        key, value = self.prefix + sid, self.serializer.dumps(session)
        if self.disable_ttl:
            await self._send_write(key, "SET", key, value)
            return
        ttl = self._ttl(session)
        if ttl > 0:
            await self._send_write(key, "SET", key, value, "EX", ttl)
        else:
            await self._send_write(key, "DEL", key)

    def _send_write(self, key: str, *command: Any) -> Awaitable[Any]:
        """Run one write command on ``key``; with ``wait_replicas``, followed by ``WAIT`` on
        the same connection (one pipeline to the key's node), and refused when fewer replicas
        confirmed it. (Not a coroutine itself: the client's awaitable is returned as it is.)"""
        if not self.wait_replicas:
            return self.client.execute_command(*command)
        return self._write_and_wait(key, command)

    async def _write_and_wait(self, key: str, command: tuple[Any, ...]) -> Any:
        """``command``, then ``WAIT`` for ``wait_replicas`` replicas on the same connection."""
        wait = ("WAIT", self.wait_replicas, max(1, round(self.wait_timeout * 1000)))
        if self._make_redis_py is not None:  # a RespClient: one connection, in order
            result, confirmed = await self.client.execute_many(command, wait)  # type: ignore[union-attr]
        else:
            result, confirmed = await self._send_and_wait(key, command, wait)
        if int(confirmed) < self.wait_replicas:
            raise TimeoutError(f"a session write reached {confirmed} of {self.wait_replicas} "
                               f"replica(s) within {self.wait_timeout:g} s")  # fmt: skip
        return result

    async def _send_and_wait(self, key: str, command: tuple[Any, ...],
                             wait: tuple[Any, ...]) -> list[Any]:  # fmt: skip
        """``command`` then ``WAIT`` in one redis-py pipeline (to ``key``'s node)."""
        client = self._redis_py_client()
        pipe = client.pipeline(transaction=False)
        pipe.execute_command(*command)
        if self._cluster:  # WAIT has no key: send it to the node that owns this one
            await client.initialize()  # the slot map, once
            node = client.get_node_from_key(key)  # type: ignore[attr-defined]
            pipe.execute_command(*wait, target_nodes=node)
        else:
            pipe.execute_command(*wait)
        return await pipe.execute()

    def _write(self, target: Any, sid: str, session: SessionRecord) -> Any:
        """Queue or run connect-redis's write of ``session`` on a client or a pipeline."""
        key, value = self.prefix + sid, self.serializer.dumps(session)
        if self.disable_ttl:
            return target.set(key, value)
        ttl = self._ttl(session)
        return target.set(key, value, ex=ttl) if ttl > 0 else target.delete(key)

    @_store_call
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
        # redis-py's client and the pauses between attempts know nothing of the deadline
        return await within_deadline(self._merge_by_watch(sid, patch), call_deadline())

    async def _merge_by_script(self, sid: str, patch: SessionPatch, default_ttl: int) -> bool:
        # The merged record's cookie is the patch's, so its TTL is known before the merge.
        cookie_only = {"cookie": dict(patch.cookie)}
        ttl = None if self.disable_ttl else ttl_seconds(cookie_only, default_ttl)
        args = merge_arguments(patch, ttl, self.serializer)
        result = await self._run_script(self.prefix + sid, MERGE_SCRIPT, args)
        return self._script_result(result)

    async def _run_script(self, key: str, script: str, args: list[str]) -> Any:
        """``EVALSHA`` of ``script`` on ``key``, loading the script first when Redis lacks it."""
        sha = self._script_shas.get(script)
        if sha is not None:
            try:
                return await self._send_write(key, "EVALSHA", sha, 1, key, *args)
            except self._no_script:  # a restart, SCRIPT FLUSH or a failover: load it again
                pass
        return await self._load_and_run(key, script, args)

    async def _load_and_run(self, key: str, script: str, args: list[str]) -> Any:
        """``SCRIPT LOAD`` ``script``, then ``EVALSHA`` it on ``key``."""
        sha = self._script_shas[script] = await self.client.script_load(script)
        return await self._send_write(key, "EVALSHA", sha, 1, key, *args)

    @staticmethod
    def _script_result(result: Any) -> bool:
        """What a merge script's reply means: written or not; raises for a corrupt record."""
        if int(result) == CORRUPT:
            raise CorruptSessionRecord("RedisStore", "not a JSON object")
        if int(result) == CORRUPT_EXPIRY:
            raise CorruptSessionRecord("RedisStore", "its cookie.expires is not a date")
        return int(result) == 1

    async def write_text(
        self,
        sid: str,
        text: str,
        *,
        expires: int | None,
        meta: dict[str, Any] | None,
        create: bool,
        parts: tuple[str, str] | None = None,
    ) -> bool:
        """``merge(sid, SessionPatch.whole(record, create=create))`` for the record whose
        JSON is ``text`` (store.AsyncTextRecords): one script that stores ``text`` as it is,
        with connect-redis's key and TTL. ``parts``: the JSON of the record's cookie and of
        its data, which ``text`` (a record without metadata) was put together from, handed
        out by :meth:`read_parts` while the key holds ``text``."""
        if self.serializer is not JSON or callable(self.ttl):  # merge's optimistic path
            return await self.merge(sid, SessionPatch.whole(JSON.loads(text), create=create))
        ttl = None
        if not self.disable_ttl:  # ttl_seconds of the record, from its expiry in ms
            ttl = self.ttl if expires is None else math.ceil((expires - now_ms()) / 1000)
        args = ["c" if create else "", "" if ttl is None else str(ttl), text,
                "" if meta is None else "m"]  # fmt: skip
        key = self.prefix + sid
        sha = self._script_shas.get(WRITE_SCRIPT)
        # What _store_call and _run_script do, in this one coroutine (as get): every save
        # makes this call. SessionStoreBusy names it as the merge it is ("merge() is busy").
        try:
            if sha is not None and self._gate is None:  # the client's awaitable itself
                try:
                    result = await self._send_write(key, "EVALSHA", sha, 1, key, *args)
                except self._no_script:  # a restart, SCRIPT FLUSH or a failover
                    result = await self._load_and_run(key, WRITE_SCRIPT, args)
            elif self._gate is None:
                result = await self._run_script(key, WRITE_SCRIPT, args)
            else:
                result = await self._gated(self._run_script, key, WRITE_SCRIPT, args)
        except Exception as exc:
            _raise_as_busy(self, "merge", exc)
        if int(result) == KEEPS_META:  # the stored metadata stays: spliced in by a merge
            return await self.merge(sid, SessionPatch.whole(JSON.loads(text), create=create))
        if parts is not None and int(result) == 1 and (ttl is None or ttl > 0):
            self._remember(sid, text, parts)  # stored as it is (a TTL <= 0 deleted it)
        return self._script_result(result)

    def _remember(self, sid: str, text: str, parts: tuple[str, str]) -> None:
        """Remember that ``text``, stored for ``sid``, was put together from ``parts``."""
        written = self._written
        if len(written) >= WRITTEN_TEXTS:
            written.clear()
        written[sid] = (text.encode("utf-8"), parts)

    async def _merge_by_watch(self, sid: str, patch: SessionPatch) -> bool:
        from redis.exceptions import WatchError

        key = self.prefix + sid
        attempt = 0
        while True:
            async with self._redis_py_client().pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    current = (
                        None if raw is None else load_record(self.serializer, raw, "RedisStore")
                    )
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

    @_store_call
    async def touch(self, sid: str, session: SessionRecord) -> None:
        """``EXPIRE key ttl`` (no-op with ``disable_touch`` or ``disable_ttl``)."""
        if self.disable_touch or self.disable_ttl:
            return
        key = self.prefix + sid
        await self._send_write(key, "EXPIRE", key, self._ttl(session))

    async def touch_parts(self, sid: str) -> bool:
        """:meth:`touch` of a session whose cookie has no expiry (the usual session request
        that changed nothing), in this one coroutine: ``EXPIRE key ttl`` with ``ttl`` the
        default (connect-redis's touch moves the key's TTL and rewrites nothing). False,
        having sent nothing, for a callable ``ttl``, which needs the record: call
        :meth:`touch`."""
        if callable(self.ttl):
            return False
        if self.disable_touch or self.disable_ttl:
            return True
        key = self.prefix + sid
        try:
            if self._gate is None:
                await self._send_write(key, "EXPIRE", key, self.ttl)
            else:
                await self._gated(self._send_write, key, "EXPIRE", key, self.ttl)
        except Exception as exc:
            _raise_as_busy(self, "touch", exc)
        return True

    @_store_call
    async def destroy(self, sid: str) -> None:
        """``DEL prefix+sid``."""
        key = self.prefix + sid
        await self._send_write(key, "DEL", key)

    @_store_call
    async def ids(self) -> list[str]:
        """Every session id under the prefix (``SCAN MATCH prefix*``)."""
        keys = await self._keys()
        return [key[len(self.prefix) :] for key in keys]

    @_store_call
    async def all(self) -> dict[str, SessionRecord]:
        """Every session by id (connect-redis also puts the id in each record as ``id``)."""
        keys = await self._keys()
        if not keys:
            return {}
        if self._cluster:  # keys in several hash slots: one MGET per slot
            values = await self._redis_py_client().mget_nonatomic(keys)  # type: ignore[attr-defined]
        else:
            values = await self.client.mget(keys)
        records: dict[str, SessionRecord] = {}
        for key, raw in zip(keys, values, strict=True):
            if raw is not None:
                sid = key[len(self.prefix) :]
                records[sid] = {**self.serializer.loads(raw), "id": sid}
        return records

    @_store_call
    async def length(self) -> int:
        """How many sessions there are under the prefix."""
        return len(await self._keys())

    @_store_call
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
