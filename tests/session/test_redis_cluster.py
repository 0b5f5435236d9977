"""RedisStore on a real Redis Cluster and behind real Sentinels, each started by the test
(redis-server processes on free loopback ports), including failovers in which no
acknowledged session write may be lost. Each test is bounded in time and cleans up."""

from __future__ import annotations

import asyncio
import collections
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import redis.asyncio
from redis.cluster import ClusterNode, RedisCluster

from expresspy import express, session
from expresspy.session.patch import SessionPatch
from expresspy.session.redis import RedisStore
from expresspy.testing import agent

from .redis_servers import LocalCluster, LocalSentinel, local_cluster, local_sentinel

COOKIE = {"originalMaxAge": 600000, "expires": "2099-01-01T00:00:00.000Z", "httpOnly": True,
          "path": "/"}  # fmt: skip
PREFIX = "sess:"
#: Seconds a failover test may take after the kill before it gives up.
RECOVERY_TIMEOUT = 90.0  # a failover plus a full resync of the revived node, on a loaded machine


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with local_cluster() as running:
        yield running


@pytest.mark.parametrize("given", ["url", "client"])
def test_every_store_operation_works_across_hash_slots(cluster: LocalCluster, given: str) -> None:
    async def main() -> None:
        client: Any = cluster.url
        if given == "client":
            client = redis.asyncio.RedisCluster(host="127.0.0.1", port=cluster.ports[0])
        store = RedisStore(client, prefix=f"contract-{given}:")
        try:
            sids = [f"s{i}" for i in range(30)]  # spread over the three masters' slots
            for n, sid in enumerate(sids):
                await store.set(sid, {"cookie": COOKIE, "n": n})
            assert await store.get("s7") == {"cookie": COOKIE, "n": 7}
            assert await store.merge("s7", SessionPatch(COOKIE, {"m": 1}, ("n",)))
            assert await store.get("s7") == {"cookie": COOKIE, "m": 1}
            assert not await store.merge("missing", SessionPatch(COOKIE, {"m": 1}))
            await store.touch("s8", {"cookie": COOKIE})
            assert sorted(await store.ids()) == sorted(sids)
            assert await store.length() == 30
            everything = await store.all()
            assert everything["s3"] == {"cookie": COOKIE, "n": 3, "id": "s3"}
            await store.destroy("s3")
            assert await store.get("s3") is None
            await store.clear()
            assert await store.length() == 0
        finally:
            await store.aclose()
            if given == "client":
                await client.aclose()

    asyncio.run(main())


def test_an_app_logs_in_through_the_cluster(cluster: LocalCluster) -> None:
    store = RedisStore(cluster.url, prefix="app:")
    app = express()
    app.use(session(store=store, secret="s", resave=False, save_uninitialized=False,
                    concurrency="merge"))  # fmt: skip

    @app.get("/login")
    def login(req: Any, res: Any) -> None:
        req.session.user = "ann"
        res.send("in")

    @app.get("/me")
    def me(req: Any, res: Any) -> None:
        res.json({"user": req.session.user})

    browser = agent(app, server=True)
    browser.get("/login").expect(200)
    browser.get("/me").expect(200, {"user": "ann"})


async def _write_through_a_failover(
    store: RedisStore, sids: list[str], kill: Any, recovered: Any, revive: Any
) -> tuple[dict[str, int], dict[str, int], int]:
    """Writers bump ``n`` in every session (one merge at a time per session) while ``kill``
    takes a master down; once ``recovered()`` (the replica took over), ``revive`` starts the
    old master again (it rejoins as the new master's replica, so writes can be confirmed by
    a replica again); they go on until every session was written after that. Returns the
    last acknowledged ``n`` per session at the kill and at the end, and the errors seen (writes
    that failed, none of them acknowledged; redis-py may also ride out a failover by retrying,
    with none). A run that does not recover says how far it got and what the writes failed
    with since the takeover."""
    acked = dict.fromkeys(sids, 0)
    errors = 0
    stop = asyncio.Event()
    after_recovery: set[str] = set()
    recovered_at: list[float] = []
    since_recovery: collections.Counter[str] = collections.Counter()

    async def writer(sid: str) -> None:
        nonlocal errors
        n = 0
        while not stop.is_set():
            n += 1
            try:
                written = await asyncio.wait_for(
                    store.merge(sid, SessionPatch(COOKIE, {"n": n}, create=True)), 10
                )
            except Exception as exc:  # not acknowledged: allowed to be lost, tried again later
                errors += 1
                if recovered_at:
                    since_recovery[f"{type(exc).__name__}: {exc}"[:120]] += 1
                await asyncio.sleep(0.05)
                continue
            assert written
            acked[sid] = n
            if recovered_at:
                after_recovery.add(sid)
            await asyncio.sleep(0.01)

    tasks = [asyncio.ensure_future(writer(sid)) for sid in sids]
    try:
        # Every session written at least once before the kill; on a loaded machine the first
        # round of writes through the cluster's redirections can take longer than a second.
        started = time.monotonic()
        await asyncio.sleep(1.0)
        while not all(acked.values()) and time.monotonic() - started < 15:
            await asyncio.sleep(0.1)
        assert all(acked.values()), "every session is written before the kill"
        at_kill = dict(acked)
        await asyncio.to_thread(kill)
        killed_at = time.monotonic()
        deadline = killed_at + RECOVERY_TIMEOUT
        while time.monotonic() < deadline:
            if not recovered_at and await asyncio.to_thread(recovered):
                await asyncio.to_thread(revive)  # returns once the old master answers
                recovered_at.append(time.monotonic())
            if recovered_at and after_recovery == set(sids):
                break
            await asyncio.sleep(0.2)
        else:
            took = (f"the replica took over {recovered_at[0] - killed_at:.1f} s after the kill"
                    if recovered_at else "the replica never took over")  # fmt: skip
            raise AssertionError(
                f"no full recovery within {RECOVERY_TIMEOUT} s "
                f"({len(after_recovery)} of {len(sids)} sessions written; {took}; "
                f"failed writes since: {dict(since_recovery.most_common(5))})"
            )
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return at_kill, acked, errors


def test_a_master_killed_mid_writes_loses_no_acknowledged_write(cluster: LocalCluster) -> None:
    sids = [f"f{i}" for i in range(24)]
    victim = cluster.masters()[0]
    with RedisCluster(startup_nodes=[ClusterNode("127.0.0.1", victim)]) as client:
        on_victim = [sid for sid in sids if client.get_node_from_key(PREFIX + sid).port == victim]
    assert on_victim  # some sessions live on the master that will be killed
    started = time.monotonic()

    async def main() -> tuple[dict[str, int], dict[str, int], int]:
        store = RedisStore(cluster.url, prefix=PREFIX, wait_replicas=1, timeout=1.0)
        try:
            return await _write_through_a_failover(
                store,
                sids,
                lambda: cluster.processes.kill(victim),
                lambda: (
                    cluster.healthy()
                    and victim not in cluster.masters()
                    and len(cluster.masters()) == 3
                ),
                lambda: cluster.processes.restart(victim),
            )
        finally:
            await store.aclose()

    at_kill, acked, errors = asyncio.run(main())
    live = next(port for port in cluster.ports if port != victim)
    with RedisCluster(startup_nodes=[ClusterNode("127.0.0.1", live)],
                      decode_responses=True) as client:  # fmt: skip
        assert all(client.get_node_from_key(PREFIX + sid).port != victim for sid in on_victim)
        stored = {sid: json.loads(client.get(PREFIX + sid))["n"] for sid in sids}
    assert all(stored[sid] >= acked[sid] for sid in sids), (stored, acked)  # nothing lost
    assert all(acked[sid] > at_kill[sid] for sid in sids)  # written again after the failover
    print(f"cluster failover: {sum(acked.values())} writes acknowledged, {errors} failed")
    assert time.monotonic() - started < 60


def test_sentinel_follows_a_failover_and_loses_no_acknowledged_write() -> None:
    with local_sentinel() as deployment:
        assert_sentinel_failover(deployment)


def assert_sentinel_failover(deployment: LocalSentinel) -> None:
    sids = [f"t{i}" for i in range(10)]
    old = deployment.master

    async def main() -> tuple[dict[str, int], dict[str, int], int]:
        store = RedisStore(deployment.url, prefix=PREFIX, wait_replicas=1, timeout=1.0)
        try:
            return await _write_through_a_failover(
                store,
                sids,
                lambda: deployment.processes.kill(old),
                lambda: deployment.current_master() == deployment.replica,
                # back as the new master's replica, as Sentinel would reconfigure it
                lambda: deployment.processes.restart(
                    old, "--replicaof", "127.0.0.1", str(deployment.replica)
                ),
            )
        finally:
            await store.aclose()

    at_kill, acked, errors = asyncio.run(main())
    with redis.Redis(port=deployment.replica, decode_responses=True) as client:
        assert client.info("replication")["role"] == "master"  # the replica took over
        stored = {sid: json.loads(client.get(PREFIX + sid))["n"] for sid in sids}
    assert all(stored[sid] >= acked[sid] for sid in sids), (stored, acked)  # nothing lost
    assert all(acked[sid] > at_kill[sid] for sid in sids)  # written again after the failover
    print(f"sentinel failover: {sum(acked.values())} writes acknowledged, {errors} failed")
