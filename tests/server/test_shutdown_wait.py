"""Ctrl-C with requests still open: the server says what it waits for and how to quit now."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from .proc import expresspy
from .rawhttp import connect

HANGING_APP = """
from expresspy import express

app = express()
app.set("response warning", 0.3)


@app.get("/hang/:id")
def hang(req, res):
    pass  # never answers: the bug this test is about
"""


def test_a_hanging_request_is_logged_then_shutdown_says_it_waits_and_a_second_ctrl_c_quits(
    tmp_path: Path,
) -> None:
    (tmp_path / "app.py").write_text(HANGING_APP)
    with expresspy(["run", "app.py", "--port", "0"], tmp_path) as proc:
        port = proc.port()
        sock = connect(port)
        sock.sendall(b"GET /hang/7 HTTP/1.1\r\nHost: a\r\n\r\n")
        proc.wait_for(
            r"WARNING.*GET /hang/:id has had no response for 0\.3 s: does its "
            r"handler call res\.send\(\.\.\.\)",
            timeout=10,
        )
        proc.signal(signal.SIGINT)
        proc.wait_for(
            r"waiting up to 30 s for 1 open request\(s\) to finish; press Ctrl-C "
            r"again to quit now",
            timeout=10,
        )
        started = time.monotonic()
        proc.signal(signal.SIGINT)
        assert proc.wait(10) == 0
        assert time.monotonic() - started < 5  # not the 30 s graceful timeout
        sock.close()


def test_shutdown_without_open_requests_says_nothing_about_waiting(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(HANGING_APP)
    with expresspy(["run", "app.py", "--port", "0"], tmp_path) as proc:
        proc.port()
        proc.signal(signal.SIGINT)
        assert proc.wait(10) == 0
    assert not any("waiting up to" in line for line in proc.log + list(proc.lines.queue))
