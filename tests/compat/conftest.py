"""Fixtures of the differential tests: one server per (runtime, app, environment), started on
first use and stopped at the end of the session, and one replay per script and runtime."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .harness import Server, node_tools_missing, start
from .replay import Script, replay, views

#: Which runtime answers opposite Express. "express" runs every script against a second Node
#: server: a self-check of the harness and the scripts (both sides must match exactly).
AGAINST = os.environ.get("EXPRESSPY_COMPAT_AGAINST", "expresspy")


class ServerPool:
    """Starts each (runtime, app, env) once and remembers a failure to start."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.servers: dict[tuple[str, str, str, int], Server | Exception] = {}

    def get(self, runtime: str, app: str, env: str, slot: int = 0) -> Server:
        """The running server for this key, started now if needed; fails the test if it won't.

        ``slot`` tells apart two servers of the same runtime (the self-check's second Express).
        """
        key = (runtime, app, env, slot)
        if key not in self.servers:
            try:
                self.servers[key] = start(runtime, app, env, self.log_dir)
            except (RuntimeError, OSError) as exc:
                self.servers[key] = exc
        server = self.servers[key]
        if isinstance(server, Exception):
            pytest.fail(str(server), pytrace=False)
        return server

    def stop_all(self) -> None:
        """Stop every server this pool started."""
        for server in self.servers.values():
            if isinstance(server, Server):
                server.stop()


@pytest.fixture(scope="session")
def compat_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    """The session's server pool; skips every compat test when node or npm is missing."""
    reason = node_tools_missing()
    if reason is not None:
        pytest.skip(reason)
    pool = ServerPool(tmp_path_factory.mktemp("compat-logs"))
    yield pool
    pool.stop_all()


Recording = tuple[list[dict[str, str]], list[dict[str, str]], Server, Server]


@pytest.fixture(scope="session")
def compat_recordings(compat_servers: ServerPool) -> dict[str, Recording]:
    """A cache: script name -> (Express views, other side's views, both servers)."""
    return {}


@pytest.fixture
def record(
    compat_servers: ServerPool, compat_recordings: dict[str, Recording]
) -> Callable[[Script], Recording]:
    """A function that replays a script on both sides once and returns the cached recording."""

    def run(script: Script) -> Recording:
        if script.name not in compat_recordings:
            express = compat_servers.get("express", script.app, script.env)
            other = compat_servers.get(AGAINST, script.app, script.env, slot=1)
            compat_recordings[script.name] = (
                views(script, replay(script, express.port)),
                views(script, replay(script, other.port)),
                express,
                other,
            )
        return compat_recordings[script.name]

    return run
