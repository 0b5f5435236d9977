"""The access log `expresspy run` gives an expresspy app: morgan's formats through logging.

Lines go to the `expresspy.requests` logger, so `--log-level` applies; "dev" is coloured only
when stderr is a terminal (a pseudo-terminal here) and never with NO_COLOR; `--access-log-format
combined` writes Apache's combined format, dated, for production.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from tests.acceptance.serving import free_port
from tests.server.proc import expresspy

APP = textwrap.dedent("""
    from expresspy import express

    app = express()
    app.get("/", lambda req, res: res.send("hi"))
""")

LISTEN = re.compile(rb"listening on (http://\S+)")


def _write_app(folder: Path) -> Path:
    path = folder / "app.py"
    path.write_text(APP)
    return path


def _get(url: str) -> None:
    request = urllib.request.Request(url + "/", headers={"User-Agent": "probe/1"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"hi"


def _run_on_a_terminal(folder: Path, env: dict[str, str]) -> bytes:
    """Run the app with stderr on a pseudo-terminal, GET / once, stop it; what it printed."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "expresspy", "run", "app.py", "--port", "0"],
        cwd=folder,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=secondary,
    )
    os.close(secondary)
    output = b""
    try:
        deadline = time.monotonic() + 20
        requested = False
        while time.monotonic() < deadline and b" GET / " not in output:
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                output += os.read(main, 4096)
            match = LISTEN.search(output)
            if match and not requested:
                _get(match.group(1).decode())
                requested = True
    finally:
        process.terminate()
        process.wait(10)
        os.close(main)
    return output


def test_dev_is_coloured_on_a_terminal(tmp_path: Path) -> None:
    _write_app(tmp_path)
    output = _run_on_a_terminal(tmp_path, {"NO_COLOR": ""})  # set but empty: no effect
    assert re.search(rb"INFO \x1b\[0mGET / \x1b\[32m200\x1b\[0m [0-9.]+ ms - 2\x1b\[0m", output)


def test_no_color_keeps_a_terminal_plain(tmp_path: Path) -> None:
    _write_app(tmp_path)
    output = _run_on_a_terminal(tmp_path, {"NO_COLOR": "1"})
    assert re.search(rb"INFO GET / 200 [0-9.]+ ms - 2\r?\n", output)
    assert b"\x1b[" not in output


@pytest.mark.parametrize("level", ["warning", "error"])
def test_the_log_level_silences_request_lines(tmp_path: Path, level: str) -> None:
    _write_app(tmp_path)
    port = free_port()  # the startup line is INFO too: it will not tell the port
    with expresspy(["run", "app.py", "--port", str(port), "--log-level", level], tmp_path) as proc:
        _get_when_listening(f"http://127.0.0.1:{port}")
        _get(f"http://127.0.0.1:{port}")
        proc.signal()
        proc.wait()
    assert not [line for line in proc.log if "GET /" in line]


def _get_when_listening(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            return _get(url)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_combined_format_for_production(tmp_path: Path) -> None:
    _write_app(tmp_path)
    args = ["run", "app.py", "--port", "0", "--access-log-format", "combined"]
    with expresspy(args, tmp_path) as proc:
        _get(proc.url())
        line = proc.wait_for(r"INFO .*GET /.*").group(0)
    assert re.fullmatch(
        r"INFO 127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "
        r'"GET / HTTP/1\.1" 200 2 "-" "probe/1"',
        line,
    ), line
