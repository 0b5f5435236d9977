"""The app is a plain ASGI 3 callable: the seed tutorial runs unchanged under uvicorn and
hypercorn, with the same answers as under the built-in server (tests/test_foundation.py).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listened on {port}")


COMMANDS = {
    "uvicorn": ["-m", "uvicorn", "--host", "127.0.0.1", "--port", "{port}", "--no-access-log",
                "--app-dir", "examples", "seed_tutorial:app"],
    "hypercorn": ["-m", "hypercorn", "--bind", "127.0.0.1:{port}", "--root-path", "",
                  "examples.seed_tutorial:app"],
}


@pytest.fixture(params=sorted(COMMANDS))
def served_port(request: pytest.FixtureRequest) -> Iterator[int]:
    port = _free_port()
    args = [a.format(port=port) for a in COMMANDS[request.param]]
    process = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        _wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def _get(port: int, path: str, cookie: str | None) -> tuple[int, bytes, str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, response.headers.get("Set-Cookie")


def test_seed_tutorial_under_another_asgi_server(served_port: int) -> None:
    status, body, set_cookie = _get(served_port, "/get-session", None)
    assert (status, body, set_cookie) == (200, b"Hello, None!", None)
    status, body, set_cookie = _get(served_port, "/set-session", None)
    assert (status, body) == (200, b"Session data has been set.")
    assert set_cookie is not None and set_cookie.endswith("; Path=/; HttpOnly")
    cookie = set_cookie.split(";", 1)[0]
    assert _get(served_port, "/get-session", cookie)[:2] == (200, b"Hello, john_doe!")
    assert _get(served_port, "/clear-session", cookie)[:2] == (200, b"Session has been cleared.")
    assert _get(served_port, "/get-session", cookie)[:2] == (200, b"Hello, None!")
    status, body, _ = _get(served_port, "/nope", None)
    assert status == 404 and b"<pre>Cannot GET /nope</pre>" in body
