"""RespClient, RedisStore's pipelining client, against real Redis servers.

The shared Redis on 127.0.0.1:6379 (keys under a prefix of the test's own) and, where a test
needs a password, a TLS port or to stall the server, a redis-server of its own on a free port.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
import redis
from redis import exceptions as redis_errors

from expresspy.session.patch import SessionPatch
from expresspy.session.redis import RedisStore
from expresspy.session.redis_client import PoolExhausted
from expresspy.session.resp_client import RespClient, error_from_reply, options_from_url

from .conftest import REDIS_URL
from .redis_servers import free_port_pair, local_server
from .test_redis_store import _OtherJSON  # merge then runs WATCH on a redis-py client

T = TypeVar("T")


def client_for(url: str, *, read_timeout: float = 2.0, **options: Any) -> RespClient:
    """A RespClient as RedisStore makes one (2 s to connect and to wait for a reply)."""
    made = options_from_url(url, connect_timeout=2.0, read_timeout=read_timeout,
                            max_in_flight=options.get("max_in_flight", 100),
                            wait_timeout=options.get("wait_timeout"))  # fmt: skip
    assert made is not None
    return RespClient(made)


def run_with(client: RespClient, work: Callable[[RespClient], Awaitable[T]]) -> T:
    """``work(client)`` on a new event loop, the client closed after."""

    async def main() -> T:
        try:
            return await work(client)
        finally:
            await client.aclose()

    return asyncio.run(main())


async def until(check: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    """Wait (on the loop) until ``check()`` holds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.01)


def test_a_store_made_from_a_single_server_url_uses_it() -> None:
    assert type(RedisStore(REDIS_URL).client) is RespClient
    assert type(RedisStore("unix:///tmp/no.sock").client) is RespClient
    # an option it does not know: redis-py's client, as before
    assert type(RedisStore(REDIS_URL + "?health_check_interval=5").client) is not RespClient


def test_concurrent_commands_are_pipelined_on_one_connection(redis_prefix: str) -> None:
    async def work(client: RespClient) -> None:
        first = await client.client_id()
        key = redis_prefix + "n"
        # all written before any reply is read: each call returns its reply's future at once
        replies = [client.execute_command("INCR", key) for _ in range(200)]
        connection = client._connection
        assert connection is not None and len(connection.pending) == 200
        assert await asyncio.gather(*replies) == list(range(1, 201))  # in order
        echoed = await asyncio.gather(*(client.execute_command("ECHO", str(i))
                                        for i in range(50)))  # fmt: skip
        assert echoed == [str(i).encode() for i in range(50)]
        assert await client.client_id() == first  # one connection throughout

    run_with(client_for(REDIS_URL, max_in_flight=200), work)


def test_commands_issued_while_replies_are_awaited_go_out_together(redis_prefix: str) -> None:
    async def work(client: RespClient) -> None:
        await client.ping()
        connection = client._connection
        assert connection is not None
        first = client.execute_command("INCR", redis_prefix + "b")  # idle: written at once
        assert connection._corked is None
        rest = [client.execute_command("INCR", redis_prefix + "b") for _ in range(30)]
        assert connection._corked is not None and len(connection._corked) == 30
        assert await asyncio.gather(first, *rest) == list(range(1, 32))
        assert connection._corked is None

    run_with(client_for(REDIS_URL), work)


def test_it_runs_on_uvloop_too(redis_prefix: str) -> None:
    uvloop = pytest.importorskip("uvloop")

    async def main() -> None:
        store = RedisStore(REDIS_URL, prefix=redis_prefix)
        try:
            await store.set("u", {"cookie": {"expires": None}, "n": 1})
            records = await asyncio.gather(*(store.get("u") for _ in range(20)))
            assert records == [{"cookie": {"expires": None}, "n": 1}] * 20
        finally:
            await store.aclose()

    uvloop.run(main())


def test_the_first_commands_share_the_connection_being_opened() -> None:
    async def work(client: RespClient) -> None:
        ids = await asyncio.gather(*(client.client_id() for _ in range(20)))
        assert len(set(ids)) == 1

    run_with(client_for(REDIS_URL), work)


def test_error_replies_raise_redis_py_errors_and_keep_the_connection(redis_prefix: str) -> None:
    async def work(client: RespClient) -> None:
        before = await client.client_id()
        await client.set(redis_prefix + "s", "text")
        with pytest.raises(redis_errors.ResponseError, match=r"^WRONGTYPE Operation against"):
            await client.execute_command("LPUSH", redis_prefix + "s", "x")
        with pytest.raises(redis_errors.NoScriptError, match=r"^No matching script"):
            await client.execute_command("EVALSHA", "0" * 40, 0)
        with pytest.raises(redis_errors.ResponseError, match=r"^unknown command 'NOSUCH'"):
            await client.execute_command("NOSUCH")
        # an error between replies resolves only its own command
        results = await asyncio.gather(client.get(redis_prefix + "s"),
                                       client.execute_command("INCR", redis_prefix + "s"),
                                       client.get(redis_prefix + "s"),
                                       return_exceptions=True)  # fmt: skip
        assert results[0] == results[2] == b"text"
        assert isinstance(results[1], redis_errors.ResponseError)
        assert await client.client_id() == before

    run_with(client_for(REDIS_URL), work)


def test_error_replies_map_to_redis_py_classes() -> None:
    assert type(error_from_reply("NOSCRIPT No matching script.")) is redis_errors.NoScriptError
    assert str(error_from_reply("ERR syntax error")) == "syntax error"
    assert type(error_from_reply("WRONGPASS bad")) is redis_errors.AuthenticationError
    assert type(error_from_reply("LOADING wait")) is redis_errors.BusyLoadingError
    assert isinstance(error_from_reply("ERR max number of clients reached"),
                      redis_errors.ConnectionError)  # fmt: skip
    assert str(error_from_reply("WRONGTYPE no")) == "WRONGTYPE no"  # unknown codes kept


def test_a_killed_connection_fails_its_commands_then_reconnects(redis_prefix: str) -> None:
    admin = redis.Redis.from_url(REDIS_URL)

    async def work(client: RespClient) -> None:
        before = await client.client_id()
        waiting = asyncio.ensure_future(client.blpop([redis_prefix + "never"], 5))
        await asyncio.sleep(0.05)  # the BLPOP is written
        behind = asyncio.ensure_future(client.get(redis_prefix + "x"))  # pipelined behind it
        await asyncio.sleep(0.1)
        admin.client_kill_filter(_id=str(before))
        for pending in (waiting, behind):
            with pytest.raises(redis_errors.ConnectionError, match="Connection closed by server"):
                await pending
        assert await client.ping()  # a new connection, opened by the next command
        assert await client.client_id() != before

    try:
        run_with(client_for(REDIS_URL), work)
    finally:
        admin.close()


def test_a_store_reports_a_lost_connection_as_unavailable_and_recovers(
    redis_prefix: str,
) -> None:
    admin = redis.Redis.from_url(REDIS_URL)

    async def main() -> None:
        store = RedisStore(REDIS_URL, prefix=redis_prefix)
        client = store.client
        assert isinstance(client, RespClient)
        try:
            killed = await client.client_id()
            waiting = asyncio.ensure_future(client.blpop([redis_prefix + "never"], 5))
            await asyncio.sleep(0.05)  # the BLPOP is written
            load = asyncio.ensure_future(store.get("x"))  # pipelined behind it
            await asyncio.sleep(0.1)
            admin.client_kill_filter(_id=str(killed))
            with pytest.raises(store.unavailable_errors):
                await load
            with pytest.raises(store.unavailable_errors):
                await waiting
            assert await store.get("x") is None
        finally:
            await store.aclose()

    try:
        asyncio.run(main())
    finally:
        admin.close()


def test_the_redis_py_client_for_watch_is_made_on_need_and_closed_with_the_store(
    redis_prefix: str,
) -> None:
    name = "expresspy-watch-" + redis_prefix.split(":")[1]
    server = redis.Redis.from_url(REDIS_URL)

    def connections() -> int:
        return sum(1 for c in server.client_list() if c.get("name") == name)

    async def main() -> None:
        store = RedisStore(f"{REDIS_URL}?client_name={name}", prefix=redis_prefix,
                           serializer=_OtherJSON())  # fmt: skip
        cookie = {"expires": None}
        await store.set("w", {"cookie": cookie, "a": 1})
        assert connections() == 1  # the pipelined connection only
        assert await store.merge("w", SessionPatch(cookie, {"b": 2}))
        assert connections() == 2  # and the redis-py client WATCH needed
        assert await store.get("w") == {"cookie": cookie, "a": 1, "b": 2}
        await store.aclose()

    try:
        asyncio.run(main())
        deadline = time.monotonic() + 2  # the server notices closed sockets asynchronously
        while connections() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert connections() == 0
    finally:
        server.close()


def test_a_full_client_waits_for_room_then_reports_exhaustion(redis_prefix: str) -> None:
    async def work(client: RespClient) -> None:
        # two blocking pops: on one connection the second starts when the first ends (1 s)
        holders = [asyncio.ensure_future(client.blpop([redis_prefix + "never"], 0.5))
                   for _ in range(2)]  # fmt: skip
        await asyncio.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(PoolExhausted, match=r"all 2 connections stayed in use for 0.2 s"):
            await client.get(redis_prefix + "x")
        assert 0.15 < time.monotonic() - started < 0.8
        await asyncio.gather(*holders)
        assert await client.ping()  # room again

    run_with(client_for(REDIS_URL, max_in_flight=2, wait_timeout=0.2), work)


def test_auth_select_and_client_name_come_from_the_url() -> None:
    acl = ["user alice on >wonderland ~* &* +@all"]
    with local_server("requirepass secret", *acl, password="secret") as port:
        check = redis.Redis(port=port, password="secret", db=3)

        async def work(client: RespClient) -> None:
            await client.set("k", "in db 3")
            assert await client.execute_command("CLIENT", "GETNAME") == b"ann"

        run_with(client_for(f"redis://:secret@127.0.0.1:{port}/3?client_name=ann"), work)
        assert check.get("k") == b"in db 3"
        assert redis.Redis(port=port, password="secret", db=0).get("k") is None

        async def as_alice(client: RespClient) -> None:
            assert await client.execute_command("ACL", "WHOAMI") == b"alice"
            assert await client.get("k") == b"in db 3"

        run_with(client_for(f"redis://alice:wonderland@127.0.0.1:{port}?db=3"), as_alice)

        async def wrong(client: RespClient) -> None:
            with pytest.raises(redis_errors.AuthenticationError):
                await client.ping()
            with pytest.raises(redis_errors.ConnectionError, match="SELECT failed"):
                await RespClient(replace(client.options, password="secret", db=99)).ping()

        run_with(client_for(f"redis://:nope@127.0.0.1:{port}/0"), wrong)
        check.close()


def test_a_reply_later_than_the_read_timeout_fails_every_waiting_command() -> None:
    with local_server() as port:
        admin = redis.Redis(port=port)

        async def work(client: RespClient) -> None:
            before = await client.client_id()
            admin.client_pause(1500)  # the server stalls
            started = time.monotonic()
            results = await asyncio.gather(*(client.ping() for _ in range(3)),
                                           return_exceptions=True)  # fmt: skip
            waited = time.monotonic() - started
            assert all(isinstance(r, redis_errors.TimeoutError) for r in results), results
            assert str(results[0]) == f"Timeout reading from 127.0.0.1:{port}"
            assert 0.25 < waited < 1.2  # the read timeout (0.3 s), not the pause
            await asyncio.sleep(1.5)  # the pause is over
            assert await client.ping()  # on a new connection: the old one was dropped
            assert await client.client_id() != before

        try:
            run_with(client_for(f"redis://127.0.0.1:{port}", read_timeout=0.3), work)
        finally:
            admin.close()


def test_an_unreachable_server_fails_as_redis_py_does() -> None:
    closed = free_port_pair()

    async def work(client: RespClient) -> None:
        with pytest.raises(redis_errors.ConnectionError,
                           match=rf"^Error 111 connecting to 127.0.0.1:{closed}\."):  # fmt: skip
            await client.get("x")
        with pytest.raises(redis_errors.ConnectionError):  # tried again, not remembered
            await client.get("x")

    run_with(client_for(f"redis://127.0.0.1:{closed}"), work)


@pytest.fixture
def certificate(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    yield cert, key


def test_rediss_urls_speak_tls_and_verify_the_server_as_redis_py_does(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate
    tls_port = free_port_pair()
    config = [f"tls-port {tls_port}", f"tls-cert-file {cert}", f"tls-key-file {key}",
              f"tls-ca-cert-file {cert}", "tls-auth-clients no"]  # fmt: skip
    with local_server(*config):
        url = f"rediss://127.0.0.1:{tls_port}/0"

        async def trusted(client: RespClient) -> None:
            assert await client.ping()
            connection = client._connection
            assert connection is not None and connection.transport is not None
            assert connection.transport.get_extra_info("ssl_object") is not None

        run_with(client_for(f"{url}?ssl_ca_certs={cert}"), trusted)

        async def untrusted(client: RespClient) -> None:  # redis-py verifies by default
            with pytest.raises(redis_errors.ConnectionError, match=r"(?i)certificate"):
                await client.ping()

        run_with(client_for(url), untrusted)
