"""``store_timeout`` with a store that keeps the deadline itself (RedisStore's own client: one
timer per connection) and with the middleware's own timeout (any other client), against real
sockets: a port that accepts and never answers, one whose backlog is full (connecting hangs),
and redis-servers of the test's own, stopped with SIGSTOP."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
import redis.asyncio

from expresspy import Application, express, session
from expresspy.cookies import sign
from expresspy.session.errors import SessionStoreTimeout
from expresspy.session.redis import RedisStore
from expresspy.session.store import CALL_DEADLINE, StoreDeadlineExceeded, keeps_deadline
from expresspy.session.store_calls import StoreCalls
from expresspy.testing import request

from .load import Reply, hammer, serving
from .redis_servers import local_server
from .test_redis_store import _OtherJSON  # merge then runs WATCH on a redis-py client
from .test_reliability import user_app
from .test_resp_client import client_for, run_with

#: A cookie naming a session the store is asked for (signed with user_app's secret).
COOKIE = "connect.sid=" + ("s:" + sign("a" * 32, "s")).replace("+", "%2B")


def did_not_answer(operation: str, seconds: float) -> re.Pattern[str]:
    """The text of the 503 a store call past ``store_timeout`` answers."""
    return re.compile(rf"store {operation}\(\) did not answer within {seconds:g} s")


@contextmanager
def stopped(port: int) -> Iterator[None]:
    """The redis-server on ``port`` stopped (SIGSTOP: connections stay open, nothing is
    answered), continued afterwards."""
    with redis.Redis(port=port) as admin:
        pid = int(admin.info("server")["process_id"])
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose listen backlog is full: a new connection to it never opens."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = int(listener.getsockname()[1])
        fillers = [socket.socket() for _ in range(4)]
        try:
            for filler in fillers:
                filler.setblocking(False)
                filler.connect_ex(("127.0.0.1", port))
            time.sleep(0.1)
            yield port
        finally:
            for filler in fillers:
                filler.close()


def timed_get(port: int, path: str, cookie: str = COOKIE) -> tuple[Reply, float]:
    """One request to the server on ``port``; its reply and how long it took."""
    started = time.monotonic()
    (reply,) = hammer(port, [(path, cookie)])
    return reply, time.monotonic() - started


def in_background(work: Callable[[], Any]) -> Callable[[], Any]:
    """Start ``work`` in a thread; the returned function waits for it and gives its result."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()

    def join() -> Any:
        thread.join(30)
        return result[0]

    return join


def two_timeouts_app(store: Any, slow: float, fast: float) -> Application:
    """One store under two session middlewares: ``/slow`` with ``store_timeout=slow``,
    ``/fast`` with ``fast``."""
    app = express()
    for mount, seconds in (("/slow", slow), ("/fast", fast)):
        app.use(mount, session(secret="s", store=store, resave=False, save_uninitialized=False,
                               store_timeout=seconds))  # fmt: skip

    @app.get("/:mount/me")
    def me(req: Any, res: Any) -> None:
        res.send(str(req.session.user))

    return app


def test_redis_stores_own_client_keeps_the_deadline_and_others_do_not() -> None:
    assert keeps_deadline(RedisStore("redis://127.0.0.1:6379/0"))
    assert not keeps_deadline(RedisStore(redis.asyncio.Redis()))  # a client passed in
    assert not keeps_deadline(RedisStore("redis+cluster://127.0.0.1:7000"))

    class Subclass(RedisStore):
        pass

    assert not keeps_deadline(Subclass("redis://127.0.0.1:6379/0"))  # may wait elsewhere


def test_a_stopped_redis_fails_within_store_timeout_and_serves_again_when_continued() -> None:
    with local_server() as port:
        store = RedisStore(f"redis://127.0.0.1:{port}", timeout=30)  # no read timeout soon
        client = request(user_app(store, store_timeout=0.3), server=True)
        login = client.get("/s/login").expect(200, "in")
        cookie = login.response.headers["set-cookie"].split(";")[0]
        with stopped(port):
            started = time.monotonic()
            r = client.get("/s/me").set("Cookie", cookie).expect(503, did_not_answer("get", 0.3))
            assert time.monotonic() - started < 2
            assert r.response.headers.get("retry-after") == "1"
            client.get("/ping").expect(200, "pong")
        # The late reply is dropped when it comes; the next one is matched to its own command.
        client.get("/s/me").set("Cookie", cookie).expect(200, "ann")


def test_a_connection_that_never_opens_fails_within_store_timeout(full_backlog: int) -> None:
    store = RedisStore(f"redis://127.0.0.1:{full_backlog}", timeout=30)  # connect timeout 30
    client = request(user_app(store, store_timeout=0.3), server=True)
    started = time.monotonic()
    r = client.get("/s/me").set("Cookie", COOKIE).expect(503, did_not_answer("get", 0.3))
    assert time.monotonic() - started < 2
    assert r.response.headers.get("retry-after") == "1"
    client.get("/ping").expect(200, "pong")


def test_a_shared_store_keeps_each_middlewares_own_timeout(blackhole: int) -> None:
    store = RedisStore(f"redis://127.0.0.1:{blackhole}", timeout=30)
    with serving(two_timeouts_app(store, slow=1.5, fast=0.3), store) as server:
        slow = in_background(lambda: timed_get(server.port, "/slow/me"))
        time.sleep(0.2)  # the slow call's command is written first: the fast one waits behind
        fast_reply, fast_took = timed_get(server.port, "/fast/me")
        slow_reply, slow_took = slow()
    assert fast_reply.status == 503 and did_not_answer("get", 0.3).search(fast_reply.body.decode())
    assert 0.25 < fast_took < 1.2
    assert slow_reply.status == 503 and did_not_answer("get", 1.5).search(slow_reply.body.decode())
    assert slow_took > 1.4


def test_waiting_for_a_place_in_flight_ends_at_store_timeout(blackhole: int) -> None:
    # pool_size=1 and no pool_timeout: the fast call waits for the place the slow call holds
    # until its own deadline, and fails as a timeout (not as load, which pool_timeout reports)
    store = RedisStore(f"redis://127.0.0.1:{blackhole}", timeout=30, pool_size=1)
    with serving(two_timeouts_app(store, slow=2.0, fast=0.3), store) as server:
        slow = in_background(lambda: timed_get(server.port, "/slow/me"))
        time.sleep(0.2)
        fast_reply, fast_took = timed_get(server.port, "/fast/me")
        slow_reply, _ = slow()
    assert fast_reply.status == 503 and did_not_answer("get", 0.3).search(fast_reply.body.decode())
    assert 0.25 < fast_took < 1.2
    assert slow_reply.status == 503


class _WaitingElsewhere(RedisStore):
    """A subclass whose ``get`` may wait beyond the client (here: never answers itself)."""

    async def get(self, sid: str) -> Any:
        await asyncio.Event().wait()


def _passed_client(port: int) -> RedisStore:
    return RedisStore(redis.asyncio.Redis(port=port, socket_timeout=30))


def _replaced_get(port: int) -> RedisStore:
    store = RedisStore(f"redis://127.0.0.1:{port}", timeout=30)
    store.get = _WaitingElsewhere.get.__get__(store)  # type: ignore[method-assign]
    return store


@pytest.mark.parametrize(
    "make",
    [
        _passed_client,
        lambda port: _WaitingElsewhere(f"redis://127.0.0.1:{port}", timeout=30),
        _replaced_get,
    ],
    ids=["redis-py client passed in", "subclass", "get replaced on the instance"],
)
def test_stores_that_do_not_keep_the_deadline_get_the_middlewares_timeout(
    blackhole: int, make: Callable[[int], RedisStore]
) -> None:
    client = request(user_app(make(blackhole), store_timeout=0.3), server=True)
    started = time.monotonic()
    r = client.get("/s/me").set("Cookie", COOKIE).expect(503, did_not_answer("get", 0.3))
    assert time.monotonic() - started < 2
    assert r.response.headers.get("retry-after") == "1"


def test_a_merge_by_watch_is_bounded_by_the_deadline_too() -> None:
    # A custom serializer merges with WATCH on a redis-py client, which the client's timer
    # does not reach: the store bounds that wait with the deadline itself.
    with local_server() as port:
        store = RedisStore(f"redis://127.0.0.1:{port}", timeout=30, serializer=_OtherJSON())
        client = request(user_app(store, store_timeout=0.3), server=True)
        client.get("/s/login").expect(200, "in")  # the WATCH connection is open now
        with stopped(port):
            started = time.monotonic()
            r = client.get("/s/login").expect(503, did_not_answer("merge", 0.3))  # a new session
            assert time.monotonic() - started < 2
            assert r.response.headers.get("retry-after") == "1"


def test_a_command_past_its_call_deadline_fails_alone_and_the_connection_stays() -> None:
    with local_server() as port:
        admin = redis.Redis(port=port)

        async def work(client: Any) -> None:
            before = await client.client_id()
            await client.set("k", "v")
            admin.client_pause(600)  # the server stalls
            token = CALL_DEADLINE.set(asyncio.get_running_loop().time() + 0.2)
            try:
                started = time.monotonic()
                with pytest.raises(StoreDeadlineExceeded):
                    await client.get("k")
                assert 0.15 < time.monotonic() - started < 0.5  # the deadline, not the pause
            finally:
                CALL_DEADLINE.reset(token)
            assert await client.get("k") == b"v"  # answered after the pause, in its turn
            assert await client.client_id() == before  # on the same connection

        try:
            run_with(client_for(f"redis://127.0.0.1:{port}", read_timeout=30), work)
        finally:
            admin.close()


def pending_cancellations() -> int:
    """The running task's count of cancellations not yet handled (Python 3.11+, as the
    middleware's own timer); 0 where tasks keep no such count (Python 3.10, where the
    middleware bounds its calls with ``asyncio.wait_for`` instead)."""
    task = asyncio.current_task()
    assert task is not None
    cancelling = getattr(task, "cancelling", None)
    return 0 if cancelling is None else int(cancelling())


class _Gated:
    """An async store of the test's own whose ``get`` answers once ``open`` is set (the
    middleware's timer bounds it: it does not keep deadlines)."""

    def __init__(self) -> None:
        self.open = asyncio.Event()

    async def get(self, sid: str) -> Any:
        await self.open.wait()
        return None

    async def set(self, sid: str, session: Any) -> None:
        await self.open.wait()

    async def destroy(self, sid: str) -> None:
        await self.open.wait()


def test_the_middlewares_timer_fails_only_the_calls_past_their_deadline() -> None:
    async def main() -> None:
        waiting, answering = _Gated(), _Gated()
        answering.open.set()
        late, prompt = StoreCalls(waiting, 0.2, False), StoreCalls(answering, 0.2, False)
        started = time.monotonic()
        results = await asyncio.gather(*(calls.get(str(i)) for i in range(20)
                                         for calls in (late, prompt)),
                                       return_exceptions=True)  # fmt: skip
        assert 0.15 < time.monotonic() - started < 1.0
        assert all(isinstance(r, SessionStoreTimeout) for r in results[0::2]), results
        assert results[1::2] == [None] * 20
        # A call that ended is never cancelled by its deadline later
        assert await prompt.get("x") is None
        await asyncio.sleep(0.3)
        assert pending_cancellations() == 0

    asyncio.run(main())
    asyncio.run(main())  # the same middleware's calls on another loop


def test_a_call_past_its_deadline_leaves_its_task_uncancelled() -> None:
    async def main() -> None:
        calls = StoreCalls(_Gated(), 0.1, False)
        with pytest.raises(SessionStoreTimeout, match=r"get\(\) did not answer within 0.1 s"):
            await calls.get("a")
        assert pending_cancellations() == 0
        await asyncio.sleep(0.01)  # no cancellation left pending for the task's next wait

    asyncio.run(main())


def test_cancelling_the_request_during_a_store_call_is_no_timeout() -> None:
    async def main() -> None:
        calls = StoreCalls(_Gated(), 5.0, False)
        task = asyncio.ensure_future(calls.get("a"))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # cancelled after its deadline fired, before it ran again: cancelled, as
        # asyncio.timeout decides it (the task had one cancellation more than the timer's)
        calls = StoreCalls(_Gated(), 0.05, False)
        task = asyncio.ensure_future(calls.get("b"))
        asyncio.get_running_loop().call_later(0.05, task.cancel)
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
