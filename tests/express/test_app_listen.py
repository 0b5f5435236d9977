"""Port of Express 5's test/app.listen.js: `app.listen()` runs the built-in server.

`app.listen()` blocks until the server stops (SPEC), so each case runs a small script in a
child process; its listen callback reports and ends the process. The listening address is read
from the server's "expresspy listening on http://HOST:PORT" log line.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

LISTENING = re.compile(r"expresspy listening on http://([^:/\s]+):(\d+)")


def run_script(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "listen_app.py"
    script.write_text(
        "import os, sys\nfrom expresspy import express\n" + textwrap.dedent(body), "utf-8"
    )
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=30, check=False
    )


def test_app_listen__should_wrap_with_an_http_server(tmp_path: Path) -> None:
    result = run_script(
        tmp_path,
        """
        def listening():
            print("listening", flush=True)
            os._exit(0)

        express().listen(0, listening)
    """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "listening\n"


def test_app_listen__should_callback_on_http_server_errors(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_script(
            tmp_path,
            f"""
            import errno

            def callback(err=None):
                print("EADDRINUSE" if getattr(err, "errno", None) == errno.EADDRINUSE
                      else repr(err), flush=True)
                os._exit(0)

            express().listen({port}, callback)
        """,
        )
    assert result.stdout == "EADDRINUSE\n", result.stderr


def test_app_listen__accepts_port_hostname_backlog_callback(tmp_path: Path) -> None:
    result = run_script(
        tmp_path,
        """
        def listening():
            sys.stderr.flush()
            os._exit(0)

        express().listen(0, listening, host="127.0.0.1", backlog=5)
    """,
    )
    assert result.returncode == 0, result.stderr
    found = LISTENING.search(result.stderr)
    assert found is not None, result.stderr
    assert found.group(1) == "127.0.0.1"
    assert int(found.group(2)) > 0
