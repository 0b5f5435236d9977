"""`app.listen(...)`: every Express form, Node's callback arities, the port-in-use line, one
access-log format, and `expresspy run` ignoring a module-level `app.listen` (real processes)."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.proc import expresspy

APP = """
import os, sys
from expresspy import express

app = express()
app.get("/", lambda req, res: res.send("hello " + str(os.getpid())))

def ready(*args):
    print("ready", args, flush=True)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


def start(tmp_path: Path, tail: str) -> subprocess.Popen[str]:
    script = tmp_path / "listen_app.py"
    script.write_text(APP + textwrap.dedent(tail))
    return subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out, err


def get(port: int, path: str = "/", deadline: float = 15.0) -> str:
    end = time.monotonic() + deadline
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            body = conn.getresponse().read().decode()
            conn.close()
            return body
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def serve_then_stop(tmp_path: Path, tail: str, port: int) -> tuple[int, str, str]:
    proc = start(tmp_path, tail)
    try:
        assert get(port).startswith("hello ")
        get(port, "/missing")
    finally:
        proc.send_signal(signal.SIGINT)
    return finish(proc)


@pytest.mark.parametrize(
    "form",
    [
        "app.listen({port}, '127.0.0.1', lambda: ready())",
        "app.listen({port}, '127.0.0.1', 16, lambda: ready())",
        "app.listen(str({port}), lambda: ready())",
        "app.listen(port={port}, callback=lambda: ready())",
    ],
    ids=["port-host-cb", "port-host-backlog-cb", "string-port", "keywords"],
)
def test_listen_forms(tmp_path: Path, form: str) -> None:
    port = free_port()
    status, out, err = serve_then_stop(tmp_path, form.format(port=port), port)
    assert status == 0, err
    assert out == "ready ()\n"
    assert f"listening on http://127.0.0.1:{port}" in err


def test_listen_callback_with_one_argument_gets_none(tmp_path: Path) -> None:
    port = free_port()
    status, out, err = serve_then_stop(
        tmp_path, f"app.listen({port}, lambda err: print('err', err, flush=True))", port
    )
    assert (status, out) == (0, "err None\n"), err


def test_listen_on_a_unix_socket(tmp_path: Path) -> None:
    path = tmp_path / "app.sock"
    proc = start(tmp_path, f"app.listen({str(path)!r}, ready)")
    try:
        end = time.monotonic() + 15
        while not path.exists() and time.monotonic() < end:
            time.sleep(0.05)
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(str(path))
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := client.recv(65536):
                data += chunk
    finally:
        proc.send_signal(signal.SIGINT)
    status, out, err = finish(proc)
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\n\r\nhello " in data
    assert (status, out) == (0, "ready (None,)\n"), err


@pytest.mark.parametrize(
    "tail",
    [
        "app.listen({port})",
        "app.listen({port}, '127.0.0.1')",
        "app.listen({port}, lambda: ready())",
    ],
    ids=["no-callback", "host", "zero-arg-callback"],
)
def test_port_in_use_is_one_line_and_exit_1(tmp_path: Path, taken_port: int, tail: str) -> None:
    status, out, err = finish(start(tmp_path, tail.format(port=taken_port)))
    assert status == 1
    assert out == ""
    assert err == (
        f"error: 127.0.0.1:{taken_port} is in use (another server?); pick another port\n"
    )


def test_port_in_use_goes_to_a_callback_taking_the_error(tmp_path: Path, taken_port: int) -> None:
    status, out, err = finish(
        start(
            tmp_path,
            f"app.listen({taken_port}, '127.0.0.1', lambda err: print(type(err).__name__,"
            " err.errno, flush=True))",
        )
    )
    import errno

    assert (status, out) == (0, f"AddressInUse {errno.EADDRINUSE}\n"), err


def test_listen_logs_requests_in_the_access_log_of_expresspy_run(tmp_path: Path) -> None:
    port = free_port()
    status, _, err = serve_then_stop(tmp_path, f"app.listen({port})", port)
    assert status == 0, err
    lines = [line for line in err.splitlines() if " /missing " in line or " / " in line]
    assert len(lines) == 2, err  # one line per response: not the server's own logger too
    assert "GET / 200" in lines[0] and "GET /missing 404" in lines[1]
    assert "\x1b[" not in err  # dev format, uncoloured off a terminal

    (tmp_path / "cli_app.py").write_text(APP)
    cli_port = free_port()
    with expresspy(["run", "cli_app.py", "--port", str(cli_port)], tmp_path) as proc:
        proc.wait_for("listening on")
        get(cli_port)
        cli_line = proc.wait_for(r"GET / 200").string
    # The same format: method, path, status, time, length (the timings differ).
    shape = r"^.*GET / 200 [\d.]+ ms - \d+$"
    import re

    assert re.match(shape, lines[0]), lines[0]
    assert re.match(shape, cli_line.rstrip("\n")), cli_line


def test_expresspy_run_ignores_a_module_level_listen(tmp_path: Path) -> None:
    app_port, cli_port = free_port(), free_port()
    (tmp_path / "app.py").write_text(APP + f"app.listen({app_port}, ready)\n")
    with expresspy(["run", "app.py", "--port", str(cli_port)], tmp_path) as proc:
        assert proc.port() == cli_port
        assert get(cli_port).startswith("hello ")
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", app_port), timeout=2).close()
        proc.signal(signal.SIGINT)
        assert proc.wait() == 0
        proc.wait_for("shutting down")
        ignored = [line for line in proc.log if "ignored" in line]
        listening = [line for line in proc.log if "listening on" in line]
    assert len(ignored) == 1, proc.log
    assert f"app.listen(127.0.0.1:{app_port}) ignored" in ignored[0]
    assert len(listening) == 1, proc.log  # no second server after Ctrl-C


def test_expresspy_routes_is_not_blocked_by_a_module_level_listen(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP + f"app.listen({free_port()})\n")
    result = subprocess.run(
        [sys.executable, "-m", "expresspy", "routes", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "GET" in result.stdout and "/" in result.stdout
    assert "ignored: the expresspy command serves this app itself" in result.stderr
