"""The ``backend`` and ``app_path`` fixtures: a test module once per parser back-end and app path.

A module that uses it (``pytestmark = pytest.mark.usefixtures("backend")``, or a fixture that
takes ``backend``) runs its tests against h11, then httptools, then httptools on uvloop (the
``speed`` extra's loop: uvloop's transports and scheduling differ from asyncio's). A module
that also uses ``app_path`` runs each of those over both app paths (ASGI, and the server's
native interface). ``rawhttp.running`` starts servers with the back-end, loop and path in
force.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from . import rawhttp

BACKENDS = ["h11", "httptools"]
#: The fixture's runs: a back-end, and ``+uvloop`` for the same back-end on uvloop.
RUNS = [*BACKENDS, "httptools+uvloop"]
MISSING = "httptools is not installed: pip install 'expresspy[speed]' (the test extra has it)"


def have_backend(name: str) -> bool:
    """True when ``name``'s parser package can be imported here."""
    return name != "httptools" or importlib.util.find_spec("httptools") is not None


PATHS = ["asgi", "native"]
"""How the server calls the app: ASGI, or ``serve_native`` (``rawhttp.NativeBridge`` for the
plain ASGI test apps, expresspy's own ``serve_native`` for its apps)."""


@pytest.fixture(scope="module", params=PATHS)
def app_path(request: pytest.FixtureRequest) -> Iterator[str]:
    """The app path; servers started through ``rawhttp.running`` use it meanwhile."""
    path: str = request.param
    previous = rawhttp.set_path(path)
    yield path
    rawhttp.set_path(previous)


@pytest.fixture(scope="module", params=RUNS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The back-end name; servers started through ``rawhttp.running`` use it (and its loop)
    meanwhile."""
    run: str = request.param
    name, _, loop = run.partition("+")
    if not have_backend(name):
        pytest.skip(MISSING)
    previous = rawhttp.set_backend(name)
    previous_loop = rawhttp.set_loop(loop or "asyncio")
    yield name
    rawhttp.set_backend(previous)
    rawhttp.set_loop(previous_loop)
