"""Interop with Node: Node's `ws` client (8.23.1) talks to express-ws 5 (twin.js) and to the
expresspy twin (twin.py) on the built-in server and on uvicorn; it must see the same thing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.acceptance.serving import ExpresspyRun, free_port
from tests.compat.harness import NODE_DIR, ensure_node_modules, node_tools_missing

HERE = Path(__file__).resolve().parent
CLIENT = HERE / "node_client.js"

pytestmark = pytest.mark.skipif(node_tools_missing() is not None, reason=str(node_tools_missing()))


def node_env() -> dict[str, str]:
    return {**os.environ, "NODE_PATH": str(ensure_node_modules()), "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def express_ws() -> Iterator[str]:
    """twin.js under Node with express-ws."""
    port = free_port()
    process = subprocess.Popen(
        ["node", str(NODE_DIR / "serve.js"), str(HERE / "apps" / "twin.js")],
        env={**node_env(), "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def observe(base_url: str) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(CLIENT), base_url],
        env=node_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def reference(express_ws: str) -> dict[str, Any]:
    return observe(express_ws)


def test_the_reference_is_what_the_test_expects(reference: dict[str, Any]) -> None:
    assert reference["text"] == ["hi", False]
    assert reference["binary"] == ["00ff01", True]
    assert reference["room"]["url"] == "/lobby/.websocket?x=1"
    assert reference["me"] == {"user": "ann", "cookies": ["connect.sid"]}
    assert reference["whoami"] == {"user": "ann", "note": "from node"}


@pytest.mark.parametrize("server", ["expresspy", "uvicorn"])
def test_node_ws_client_sees_what_express_ws_gives(server: str, reference: dict[str, Any]) -> None:
    with ExpresspyRun("tests/websocket/apps/twin.py", server=server) as run:
        seen = observe(run.url)
    assert seen == reference
