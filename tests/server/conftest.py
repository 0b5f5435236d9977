"""The ``backend`` fixture: runs a test module once per request-parser back-end.

A module that uses it (``pytestmark = pytest.mark.usefixtures("backend")``, or a fixture that
takes ``backend``) runs its tests against h11 and then httptools; ``rawhttp.running`` starts
servers with the back-end in force.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from . import rawhttp

BACKENDS = ["h11", "httptools"]
MISSING = "httptools is not installed: pip install 'expresspy[speed]' (the test extra has it)"


def have_backend(name: str) -> bool:
    """True when ``name``'s parser package can be imported here."""
    return name != "httptools" or importlib.util.find_spec("httptools") is not None


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The back-end name; servers started through ``rawhttp.running`` use it meanwhile."""
    name: str = request.param
    if not have_backend(name):
        pytest.skip(MISSING)
    previous = rawhttp.set_backend(name)
    yield name
    rawhttp.set_backend(previous)
