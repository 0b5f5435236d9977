"""How the built-in server runs the app per request, checked over a real socket.

On Python 3.12 and later the server starts each request's task eagerly (its first step runs at
once); on 3.11 it schedules it. Either way the app must see the same world: a current task of
its own, asyncio.timeout usable before its first await, a fresh context per request, and a
long pipelined burst answered in order. test_tasks.py runs these checks under the Python
running the suite and, as a script, under Python 3.12 (``python task_checks.py``), so both
ways of starting a task are covered by every run.

Only the server's own dependencies are needed here (no pytest, no framework app): the
raw-HTTP helpers of rawhttp.py are plain standard library.
"""

from __future__ import annotations

import asyncio
import contextvars
import socket
import sys
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a script: the repository's package, not an installed one
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.server.rawhttp import read_responses, running

REQUEST = b"GET /%d HTTP/1.1\r\nHost: a\r\n\r\n"
_seen: contextvars.ContextVar[str] = contextvars.ContextVar("seen")


class TaskProbe:
    """An ASGI app answering each request with what it found about its task and context."""

    def __init__(self) -> None:
        self.task_ids: list[int] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        task = asyncio.current_task()
        self.task_ids.append(id(task))
        leaked = _seen.get("clean")
        _seen.set(scope["path"])
        if hasattr(asyncio, "timeout"):  # Python 3.11+; needs a current task before any await
            async with asyncio.timeout(5):
                pass
        body = b"%s %s" % (b"task" if task is not None else b"no-task", leaked.encode())
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})


def check_each_request_has_its_task_and_context(http: str) -> None:
    """Three requests on one keep-alive connection: a task each, none sees another's context."""
    probe = TaskProbe()
    with running(probe, http=http) as srv, \
            socket.create_connection(("127.0.0.1", srv.port), 5) as s:
        bodies = []
        for number in range(3):
            s.sendall(REQUEST % number)
            bodies += [response.body for response in read_responses(s, 1)]
    assert bodies == [b"task clean"] * 3, bodies
    assert None not in probe.task_ids


def check_pipelined_burst_is_answered_in_order(http: str, count: int = 2000) -> None:
    """A burst far deeper than the recursion limit, in one write, answered in order."""
    probe = TaskProbe()
    with running(probe, http=http, max_requests_per_connection=None) as srv, \
            socket.create_connection(("127.0.0.1", srv.port), 20) as s:
        s.sendall(b"".join(REQUEST % number for number in range(count)))
        bodies = [response.body for response in read_responses(s, count, timeout=20)]
    assert bodies == [b"task clean"] * count, bodies[:3]
    assert len(probe.task_ids) == count


def run_all() -> None:
    """Every check on every back-end installed here."""
    backends = ["h11"]
    try:
        import httptools  # noqa: F401
    except ImportError:
        pass
    else:
        backends.append("httptools")
    for http in backends:
        check_each_request_has_its_task_and_context(http)
        check_pipelined_burst_is_answered_in_order(http)
    print(f"ok: Python {sys.version_info.major}.{sys.version_info.minor}, {', '.join(backends)}")


if __name__ == "__main__":
    run_all()
