"""Fixtures for the WebSocket tests: the test app served by each server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.acceptance.serving import ExpresspyRun

APP = "tests/websocket/apps/wsapp.py"


@pytest.fixture(scope="module", params=["expresspy", "uvicorn", "hypercorn"])
def served(request: pytest.FixtureRequest) -> Iterator[ExpresspyRun]:
    """The test app under each server in turn."""
    with ExpresspyRun(APP, server=request.param) as run:
        run.server = request.param
        yield run
