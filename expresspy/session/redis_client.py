"""The client a RedisStore makes from a URL: one server, a Cluster, or via Sentinel.

* ``redis://host:port/db`` (``rediss://``, ``unix://``): one server, through expresspy's own
  pipelining client (:mod:`expresspy.session.resp_client`: one connection, a bounded number
  of commands in flight; a command that finds no room waits, then fails as load, not as an
  outage). A URL with query options that client does not know, or no ``hiredis`` installed,
  gets redis-py's client with a *waiting* pool instead (same rules, one connection per call);
* ``redis+cluster://host:port[,host:port...]``: a Redis Cluster, found from any of the
  listed nodes (``rediss+cluster://`` for TLS);
* ``redis+sentinel://host:port[,host:port...]/service[/db]``: the current master of
  ``service``, as the listed Sentinels report it (followed across failovers).

User and password go in the URL as usual (``redis+cluster://user:secret@host:port``).
Cluster and Sentinel clients have no waiting pool in redis-py: the store bounds its own
concurrent calls to ``pool_size`` instead (see :class:`CallGate`).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import unquote

__all__ = ["CallGate", "MadeClient", "PoolExhausted", "is_cluster", "make_client"]


class PoolExhausted(Exception):
    """Every pooled connection stayed in use for the whole wait (load, not an outage)."""


def _redis() -> Any:
    """The ``redis.asyncio`` package, or a clear error naming the extra."""
    try:
        import redis.asyncio
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "RedisStore needs the redis package: pip install 'expresspy[redis]'"
        ) from exc
    return redis.asyncio


def is_cluster(client: Any) -> bool:
    """True for a ``redis.asyncio.RedisCluster`` (whose multi-key commands must not cross
    hash slots)."""
    return type(client).__name__ == "RedisCluster" or hasattr(client, "get_node_from_key")


class MadeClient(NamedTuple):
    """What :func:`make_client` made."""

    #: A ``RespClient`` (one server), or redis-py's ``Redis`` or ``RedisCluster``.
    client: Any
    #: Whether the store must bound its own concurrency (Cluster and Sentinel, whose pools
    #: fail at once when full).
    gated: bool
    #: For a ``RespClient``: makes a redis-py client for the same server, for what one
    #: pipelined connection cannot do (``WATCH``); None when ``client`` is redis-py's.
    redis_py: Callable[[], Any] | None = None


def make_client(
    url: str,
    timeout: float,
    pool_size: int,
    pool_timeout: float | None,
    read_timeout: float,
) -> MadeClient:
    """The client for ``url``.

    ``timeout`` bounds connecting (and every call to a Sentinel); ``read_timeout`` bounds the
    wait for each reply of the server itself. ``pool_size`` bounds the connections of a pool,
    or the commands in flight on a ``RespClient``'s one connection.
    """
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower()
    if scheme in ("redis+cluster", "rediss+cluster"):
        tls = scheme.startswith("rediss")
        return MadeClient(_cluster(rest, tls, timeout, read_timeout, pool_size), True)
    if scheme in ("redis+sentinel", "rediss+sentinel"):
        tls = scheme.startswith("rediss")
        return MadeClient(_sentinel(rest, tls, timeout, read_timeout, pool_size), True)
    redis_py = functools.partial(_single, url, timeout, read_timeout, pool_size, pool_timeout)
    light = _pipelined(url, timeout, read_timeout, pool_size, pool_timeout)
    if light is None:
        return MadeClient(redis_py(), False)
    return MadeClient(light, False, redis_py)


def _pipelined(
    url: str, timeout: float, read_timeout: float, pool_size: int, pool_timeout: float | None
) -> Any:
    """A ``RespClient`` for one server, or None when ``url`` asks for options it lacks or
    hiredis is not installed (redis-py's client serves then)."""
    _redis()
    try:
        from .resp_client import RespClient, options_from_url
    except ImportError:  # no hiredis (installed without the redis extra)
        return None
    options = options_from_url(url, connect_timeout=timeout, read_timeout=read_timeout,
                               max_in_flight=pool_size, wait_timeout=pool_timeout)  # fmt: skip
    return None if options is None else RespClient(options)


def _single(
    url: str, timeout: float, read_timeout: float, pool_size: int, pool_timeout: float | None
) -> Any:
    """One server through a pool of ``pool_size`` connections that waits for a free one
    (``pool_timeout`` seconds at most; ``None``: until the caller gives up)."""
    redis_asyncio = _redis()
    from redis.asyncio import BlockingConnectionPool
    from redis.exceptions import ConnectionError as RedisConnectionError

    class WaitingPool(BlockingConnectionPool):
        """redis-py's blocking pool, whose timeout says "busy" rather than "unreachable"."""

        async def get_connection(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return await super().get_connection(*args, **kwargs)  # type: ignore[no-untyped-call]
            except RedisConnectionError as exc:  # raised for the pool's own timeout too
                if isinstance(exc.__cause__, asyncio.TimeoutError):
                    raise PoolExhausted(
                        f"all {self.max_connections} connections stayed in use for "
                        f"{self.timeout:g} s; raise pool_size or add workers"
                    ) from exc
                raise

    pool = WaitingPool.from_url(
        url,
        max_connections=pool_size,
        timeout=pool_timeout,
        socket_timeout=read_timeout,
        socket_connect_timeout=timeout,
    )
    return redis_asyncio.Redis.from_pool(pool)


def _hosts(rest: str) -> tuple[list[tuple[str, int]], str | None, str | None, str]:
    """``user:password@h1:p1,h2:p2/path`` -> hosts, user, password and path."""
    netloc, _, path = rest.partition("/")
    userinfo, _, hostlist = netloc.rpartition("@")
    user, _, password = userinfo.partition(":") if userinfo else ("", "", "")
    hosts = []
    for item in hostlist.split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"RedisStore: expected host:port in the URL, not {item!r}")
        hosts.append((host.strip("[]"), int(port)))
    return hosts, unquote(user) or None, unquote(password) or None, path


def _cluster(rest: str, tls: bool, timeout: float, read_timeout: float, pool_size: int) -> Any:
    redis_asyncio = _redis()
    from redis.asyncio.cluster import ClusterNode

    hosts, user, password, _ = _hosts(rest)
    return redis_asyncio.RedisCluster(
        startup_nodes=[ClusterNode(host, port) for host, port in hosts],
        username=user,
        password=password,
        ssl=tls,
        socket_timeout=read_timeout,
        socket_connect_timeout=timeout,
        max_connections=pool_size,
    )


def _sentinel(rest: str, tls: bool, timeout: float, read_timeout: float, pool_size: int) -> Any:
    _redis()
    from redis.asyncio.sentinel import Sentinel

    hosts, user, password, path = _hosts(rest)
    service, _, db = path.strip("/").partition("/")
    if not service:
        raise ValueError("RedisStore: a redis+sentinel:// URL names the service after the "
                         "hosts: redis+sentinel://host:26379/mymaster")  # fmt: skip
    # redis-py types Sentinel's constructor in some releases and not in others (8.1 vs 8.2)
    sentinel = Sentinel(  # type: ignore[no-untyped-call, unused-ignore]
        hosts, socket_timeout=timeout, socket_connect_timeout=timeout
    )
    return sentinel.master_for(service, db=int(db or 0), username=user, password=password,
                               ssl=tls, socket_timeout=read_timeout,
                               socket_connect_timeout=timeout,
                               max_connections=pool_size)  # fmt: skip


class CallGate:
    """At most ``size`` store calls at a time; a call waits for a free place up to ``timeout``
    seconds (``None``: until the caller gives up), then fails with :class:`PoolExhausted`.

    Used for clients whose pools raise at once when full: with each call holding at most one
    connection per node, no pool can run out.
    """

    def __init__(self, size: int, timeout: float | None) -> None:
        self.size = size
        self.timeout = timeout
        self._semaphore: asyncio.Semaphore | None = None  # made on the loop that uses it

    async def __aenter__(self) -> None:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.size)
        if self.timeout is None:
            await self._semaphore.acquire()
            return
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.timeout)
        except asyncio.TimeoutError:
            raise PoolExhausted(
                f"all {self.size} connections stayed in use for "
                f"{self.timeout:g} s; raise pool_size or add workers"
            ) from None

    async def __aexit__(self, *exc_info: Any) -> None:
        assert self._semaphore is not None
        self._semaphore.release()
