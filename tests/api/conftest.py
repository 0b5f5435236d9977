"""The ``server_path`` fixture: runs a module's built-in-server tests over both app paths.

``request(app, server=True)`` serves the app with the built-in server, which calls an
expresspy app through its native entry (``Application.serve_native``) unless
``ServerConfig(native=False)``; a module using the fixture runs once each way. The in-process
client (no ``server=True``) always speaks ASGI.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from expresspy.server import ServerConfig
from expresspy.testing import transports

pytestmark = pytest.mark.usefixtures("server_path")  # native and ASGI


@pytest.fixture(scope="module", params=["native", "asgi"])
def server_path(request: pytest.FixtureRequest) -> Iterator[str]:
    """How the test server calls the app meanwhile: ``native`` or ``asgi``."""
    path: str = request.param
    patch = pytest.MonkeyPatch()
    config = functools.partial(ServerConfig, native=path == "native")
    patch.setattr(transports, "ServerConfig", config)
    yield path
    patch.undo()
