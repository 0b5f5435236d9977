"""Shared fixtures for the session tests: real Redis with a unique key prefix per test."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import redis

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
