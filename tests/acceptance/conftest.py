"""Acceptance tests for examples/: each example is loaded exactly as `expresspy run` loads it.

`load_example("express/hello-world/index.py")` imports the file with the server's own loader
(`expresspy.server.loader.load_app`), with `EXPRESSPY_ENV=test` (Express's `NODE_ENV=test`,
which the examples read to stay quiet), and afterwards forgets every module the example
imported from its own folder, so examples that share module names (`index`, `db`,
`controllers`) never see each other's code.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from expresspy.server.loader import load_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _forget_modules_under(folder: Path, before: set[str]) -> None:
    for name in set(sys.modules) - before:
        file = getattr(sys.modules[name], "__file__", None) or ""
        if file and Path(file).resolve().is_relative_to(folder):
            del sys.modules[name]


def import_example(relative: str) -> Any:
    """The `app` of examples/<relative> (`file.py` or `file.py:NAME`), freshly imported."""
    target = EXAMPLES / relative
    file = Path(str(target).split(":", 1)[0])
    before_modules, before_path = set(sys.modules), list(sys.path)
    try:
        return load_app(str(target))
    finally:
        _forget_modules_under(file.parent, before_modules)
        sys.path[:] = before_path


@pytest.fixture
def load_example(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Any]]:
    """A function that imports an example's app in the `test` environment."""
    monkeypatch.setenv("EXPRESSPY_ENV", "test")
    yield import_example


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix of this test's own; its keys are removed afterwards."""
    import redis

    prefix = f"test-{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis(host="127.0.0.1", port=6379)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()
