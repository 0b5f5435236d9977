"""``expresspy run`` as a subprocess: startup line, a request, signals, shutdown, app lookup."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import MISSING, have_backend
from .proc import expresspy, write_app
from .rawhttp import connect, exchange, read_responses, read_until_close

GET = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"


def _get(port: int, path: str = "/") -> bytes:
    raw = GET.replace(b"GET /", b"GET " + path.encode())
    responses, _ = exchange(port, raw)
    assert len(responses) == 1, responses
    return responses[0].body


def test_run_file_serves_and_sigint_exits_zero(tmp_path: Path) -> None:
    write_app(tmp_path)
    with expresspy(["run", "app.py", "--port", "0"], tmp_path) as proc:
        url = proc.url()
        assert url.startswith("http://127.0.0.1:")
        assert _get(proc.port()).startswith(b"hello pid=")
        proc.signal(signal.SIGINT)
        assert proc.wait() == 0
        proc.wait_for("expresspy stopped")


@pytest.mark.parametrize("backend", ["h11", "httptools"])
def test_http_flag_selects_the_parser(tmp_path: Path, backend: str) -> None:
    if not have_backend(backend):
        pytest.skip(MISSING)
    write_app(tmp_path)
    with expresspy(["run", "app.py", "--port", "0", "--http", backend], tmp_path) as proc:
        proc.wait_for(rf"listening on \S+ \({backend} parser, \w+\)")
        assert _get(proc.port()).startswith(b"hello pid=")


def test_http_flag_rejects_an_unknown_parser(tmp_path: Path) -> None:
    write_app(tmp_path)
    result = _cli(["run", "app.py", "--http", "llhttp"], tmp_path)
    assert result.returncode == 2
    assert "'llhttp' is not one of 'auto', 'h11', 'httptools'" in result.stderr


def test_module_colon_attr_and_file_colon_attr(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    write_app(tmp_path / "pkg", mark="module", name="web.py")
    (tmp_path / "pkg" / "web.py").write_text(
        (tmp_path / "pkg" / "web.py").read_text() + "\nserver = app\n"
    )
    with expresspy(["run", "pkg.web:server", "--port", "0"], tmp_path) as proc:
        assert _get(proc.port()).startswith(b"module pid=")
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    with expresspy(
        ["run", str(tmp_path / "pkg" / "web.py") + ":server", "--port", "0"], elsewhere
    ) as proc:
        assert _get(proc.port()).startswith(b"module pid=")


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m expresspy <args>`` to completion (30 s at most)."""
    command = [sys.executable, "-m", "expresspy", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=30)


def test_missing_app_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("x = 1\n")
    result = _cli(["run", "empty.py", "--port", "0"], tmp_path)
    assert result.returncode == 1
    assert "no object named 'app' in empty.py; name it with empty.py:NAME" in result.stderr


def test_limit_flags_reach_the_server(tmp_path: Path) -> None:
    write_app(tmp_path)
    args = ["run", "app.py", "--port", "0", "--max-header-count", "3", "--no-access-log"]
    with expresspy(args, tmp_path) as proc:
        port = proc.port()
        ok, _ = exchange(port, b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nConnection: close\r\n\r\n")
        too_many, _ = exchange(port, b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")
    assert [r.status for r in ok] == [200]
    assert [r.status for r in too_many] == [431]
    assert not any('"GET / HTTP/1.1" 200' in line for line in proc.log)


def test_bad_flag_value_is_a_usage_error(tmp_path: Path) -> None:
    write_app(tmp_path)
    result = _cli(["run", "app.py", "--keep-alive-timeout", "-1"], tmp_path)
    assert result.returncode == 2
    assert "keep_alive_timeout must be positive" in result.stderr


def test_graceful_shutdown_lets_in_flight_requests_finish(tmp_path: Path) -> None:
    """H-52: SIGTERM with requests in flight: they complete with Connection: close, the
    listener closes at once, idle connections close, the process exits 0."""
    write_app(tmp_path)
    with expresspy(["run", "app.py", "--port", "0"], tmp_path) as proc:
        port = proc.port()
        idle = connect(port)
        idle.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        read_responses(idle, 1)
        results: list[bytes] = []

        def slow() -> None:
            with connect(port) as sock:
                sock.sendall(b"GET /slow?0.8 HTTP/1.1\r\nHost: a\r\n\r\n")
                response = read_responses(sock, 1)[0]
                results.append(response.headers["connection"].encode() + b" " + response.body[:5])

        threads = [threading.Thread(target=slow) for _ in range(5)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        proc.signal(signal.SIGTERM)
        time.sleep(0.2)
        with pytest.raises(OSError):
            connect(port, timeout=1).close()
        assert idle.recv(10) == b""  # the idle keep-alive connection was closed
        for thread in threads:
            thread.join(5)
        assert proc.wait() == 0
    assert results == [b"close hello"] * 5


def test_graceful_shutdown_serves_connections_whose_request_is_on_its_way(
    tmp_path: Path,
) -> None:
    """A connection accepted before SIGTERM that has not sent its head yet (or only part of it)
    is served with Connection: close, not dropped; one that sends nothing is closed after the
    grace second, and the process still exits promptly."""
    write_app(tmp_path)
    with expresspy(["run", "app.py", "--port", "0"], tmp_path) as proc:
        port = proc.port()
        fresh, partial, silent = connect(port), connect(port), connect(port)
        partial.sendall(b"GET / HTTP/1.1\r\nHo")
        time.sleep(0.3)  # the server has accepted all three
        proc.signal(signal.SIGTERM)
        stopping = time.monotonic()
        time.sleep(0.2)
        fresh.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        partial.sendall(b"st: a\r\n\r\n")
        for sock in (fresh, partial):
            response = read_responses(sock, 1)[0]
            assert (response.status, response.headers["connection"]) == (200, "close")
            assert response.body.startswith(b"hello")
            assert read_until_close(sock, 2) == (b"", True)
        assert read_until_close(silent, 3) == (b"", True)
        assert 0.9 < time.monotonic() - stopping < 3
        assert proc.wait(5) == 0
        for sock in (fresh, partial, silent):
            sock.close()


def test_second_signal_exits_at_once(tmp_path: Path) -> None:
    """H-53: a second signal during the grace period does not wait for the slow request."""
    write_app(tmp_path)
    with expresspy(["run", "app.py", "--port", "0"], tmp_path) as proc:
        sock = connect(proc.port())
        sock.sendall(b"GET /slow?20 HTTP/1.1\r\nHost: a\r\n\r\n")
        time.sleep(0.3)
        start = time.monotonic()
        proc.signal(signal.SIGINT)
        time.sleep(0.3)
        proc.signal(signal.SIGINT)
        assert proc.wait(10) == 0
        assert time.monotonic() - start < 3
        sock.close()


def test_python_dash_m_help_lists_the_run_command(tmp_path: Path) -> None:
    result = _cli(["--help"], tmp_path)
    assert result.returncode == 0
    assert "run" in result.stdout
