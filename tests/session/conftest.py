"""Shared fixtures for the session tests: real Redis with a unique key prefix per test, and
each server-side store (memory, a real SQLite file, the real Redis)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from expresspy.session import MemoryStore, SQLiteStore
from expresspy.session.redis import RedisStore

#: Builds a store inside the test's event loop (a redis client belongs to the loop it first
#: runs on).
StoreFactory = Callable[[], Any]

REDIS_URL = "redis://127.0.0.1:6379/0"


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
def redis_sync() -> Iterator[redis.Redis]:
    """A plain (blocking) client, to look at what the store wrote."""
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    client.close()


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """A factory of one kind of server-side store (the test runs once per kind)."""
    kind = request.param
    if kind == "memory":
        return MemoryStore
    if kind == "sqlite":
        return lambda: SQLiteStore(tmp_path / "sessions.db")
    prefix = request.getfixturevalue("redis_prefix")
    return lambda: RedisStore(REDIS_URL, prefix=prefix)
