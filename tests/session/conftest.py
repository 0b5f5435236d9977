"""Shared fixtures for the session tests: real Redis with a unique key prefix per test, real
PostgreSQL with a schema of the test's own, and each server-side store (memory, a real SQLite
file, the real Redis, the real PostgreSQL)."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from expresspy.session import MemoryStore, SQLiteStore
from expresspy.session.postgres import PostgresStore
from expresspy.session.redis import RedisStore

#: Builds a store inside the test's event loop (a redis client belongs to the loop it first
#: runs on).
StoreFactory = Callable[[], Any]

REDIS_URL = "redis://127.0.0.1:6379/0"
#: The PostgreSQL 15 of the test machine (trust auth); each test gets a schema of its own.
POSTGRES_URL = os.environ.get(
    "EXPRESSPY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A schema no other test (or parallel run) uses, holding connect-pg-simple's ``session``
    table; dropped with everything in it afterwards."""
    import psycopg

    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(
            f'CREATE TABLE "{schema}"."session" (sid varchar NOT NULL COLLATE "default",'
            " sess json NOT NULL, expire timestamp(6) NOT NULL,"
            " CONSTRAINT session_pkey PRIMARY KEY (sid))"
        )
        conn.execute(f'CREATE INDEX "IDX_session_expire" ON "{schema}"."session" (expire)')
    yield schema
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix no other test uses; every key under it is deleted afterwards."""
    prefix = f"test:{secrets.token_hex(6)}:sess:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield int(listener.getsockname()[1])


@pytest.fixture
def redis_sync() -> Iterator[redis.Redis]:
    """A plain (blocking) client, to look at what the store wrote."""
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    client.close()


@pytest.fixture(params=["memory", "sqlite", "redis", "postgres"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """A factory of one kind of server-side store (the test runs once per kind)."""
    kind = request.param
    if kind == "memory":
        return MemoryStore
    if kind == "sqlite":
        return lambda: SQLiteStore(tmp_path / "sessions.db")
    if kind == "postgres":
        schema = request.getfixturevalue("pg_schema")
        return lambda: PostgresStore(POSTGRES_URL, schema_name=schema)
    prefix = request.getfixturevalue("redis_prefix")
    return lambda: RedisStore(REDIS_URL, prefix=prefix)
