"""The pytest plugin (entry point ``pytest11: expresspy``): fixtures and clean-up.

Fixtures:

- ``expresspy_request`` / ``expresspy_agent``: the ``request`` and ``agent`` functions, for
  tests that prefer fixtures to imports.
- ``expresspy_client``: ``request(app)`` for the test's ``app`` fixture, which the test
  module (or a conftest) defines.

After every test, each app's lifespan is shut down and each test server stopped, so nothing
leaks into the next test; an app used again starts its lifespan again. The event loop the
apps run on stays the same for the whole session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing.client import (
    Client,
    Test,
    agent,
    close_all,
    request,
)


@pytest.fixture
def expresspy_request() -> Callable[..., Client[Test]]:
    """``expresspy.testing.request``: ``expresspy_request(app).get("/").expect(200)``."""
    return request


@pytest.fixture
def expresspy_agent() -> Callable[..., Client[Test]]:
    """``expresspy.testing.agent``, a client that keeps cookies between requests."""
    return agent


@pytest.fixture
def expresspy_client(app: Any) -> Client[Test]:
    """``request(app)`` for the ``app`` fixture the test module defines."""
    return request(app)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Shut down lifespans and test servers after the test's own fixtures are gone."""
    close_all()
