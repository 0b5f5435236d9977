"""Fixtures for the test client's own tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """The client's background loop is asyncio, so async tests run on asyncio."""
    return "asyncio"
