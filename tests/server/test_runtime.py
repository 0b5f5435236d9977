"""Deployment modes as subprocesses: pre-fork workers, TLS, Unix sockets, --reload."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from .proc import expresspy, write_app
from .rawhttp import exchange, parse_responses, read_until_close, wait_until

GET = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"


def _body(port: int, path: str = "/") -> bytes:
    responses, _ = exchange(port, GET.replace(b"GET /", b"GET " + path.encode()))
    assert len(responses) == 1
    return responses[0].body


def _pids(port: int, attempts: int = 40) -> set[str]:
    return {_body(port).split()[1].decode() for _ in range(attempts)}


def test_workers_share_the_socket_restart_and_roll(tmp_path: Path) -> None:
    write_app(tmp_path)
    with expresspy(["run", "app.py", "--port", "0", "--workers", "2"], tmp_path) as proc:
        port = proc.port()
        proc.wait_for("2 workers")
        seen = set()
        assert wait_until(lambda: len(seen.update(_pids(port, 10)) or seen) == 2)  # type: ignore[func-returns-value]
        # A crashed worker is replaced.
        exchange(port, GET.replace(b"GET /", b"GET /crash"))
        proc.wait_for(r"exited with status 7; starting a new one")
        assert wait_until(lambda: len(_pids(port, 20) - seen) >= 1)
        # SIGHUP: every worker replaced, one by one, the server answering throughout.
        before = _pids(port, 30)
        proc.signal(signal.SIGHUP)
        assert wait_until(lambda: not (_pids(port, 10) & before), 20)
        proc.signal(signal.SIGTERM)
        assert proc.wait() == 0


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def test_tls(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    write_app(tmp_path)
    args = ["run", "app.py", "--port", "0", "--certfile", str(cert), "--keyfile", str(key)]
    with expresspy(args, tmp_path) as proc:
        url = proc.url()
        assert url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=str(cert))
        raw = socket.create_connection(("127.0.0.1", proc.port()), timeout=5)
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
            sock.sendall(GET)
            data, _ = read_until_close(sock)
        responses, _ = parse_responses(data)
        assert [r.status for r in responses] == [200]
        assert responses[0].body.endswith(b"scheme=https")
        proc.signal(signal.SIGINT)
        assert proc.wait() == 0


def test_unix_socket(tmp_path: Path) -> None:
    write_app(tmp_path)
    path = tmp_path / "web.sock"
    with expresspy(["run", "app.py", "--uds", str(path)], tmp_path) as proc:
        assert proc.url() == f"unix:{path}"
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(path))
            sock.sendall(GET)
            data, _ = read_until_close(sock)
        responses, _ = parse_responses(data)
        assert [r.status for r in responses] == [200]
        proc.signal(signal.SIGTERM)
        assert proc.wait() == 0
    assert not path.exists()


def test_reload_restarts_on_change_keeping_the_address(tmp_path: Path) -> None:
    pytest.importorskip("watchfiles", reason="the reload extra is part of the test extra")
    app = write_app(tmp_path, mark="first")
    with expresspy(["run", "app.py", "--port", "0", "--reload"], tmp_path) as proc:
        port = proc.port()
        assert wait_until(lambda: _try_body(port).startswith(b"first"))
        time.sleep(0.5)  # let the watcher settle before the edit
        write_app(tmp_path, mark="second")
        os.utime(app)
        assert wait_until(lambda: _try_body(port).startswith(b"second"), 15)
        proc.signal(signal.SIGINT)
        assert proc.wait() == 0


def _try_body(port: int) -> bytes:
    try:
        return _body(port)
    except (OSError, AssertionError):
        return b""
