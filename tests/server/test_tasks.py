"""Each request runs as its own task in its own context, over a real socket, on both parsers.

The app must see the same world whatever the request: a current task of its own,
asyncio.timeout usable before its first await, a fresh context per request (a pipelined request
does not inherit the previous one's context variables), and a long pipelined burst answered in
order without recursion.
"""

from __future__ import annotations

import asyncio
import contextvars
import socket
from typing import Any

import pytest

from .conftest import BACKENDS, have_backend
from .rawhttp import read_responses, running


def require(http: str) -> None:
    if not have_backend(http):
        pytest.fail("httptools is missing: the test extra installs it")


pytestmark = pytest.mark.usefixtures("app_path")  # ASGI and native

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
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"%d" % len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})


@pytest.mark.parametrize("http", BACKENDS)
def test_each_request_has_its_own_task_and_context(http: str) -> None:
    """Three requests on one keep-alive connection: a task each, none sees another's context."""
    require(http)
    probe = TaskProbe()
    with (
        running(probe, http=http) as srv,
        socket.create_connection(("127.0.0.1", srv.port), 5) as s,
    ):
        bodies = []
        for number in range(3):
            s.sendall(REQUEST % number)
            bodies += [response.body for response in read_responses(s, 1)]
    assert bodies == [b"task clean"] * 3, bodies
    assert None not in probe.task_ids


@pytest.mark.parametrize("http", BACKENDS)
def test_pipelined_burst_is_answered_in_order_with_fresh_contexts(http: str) -> None:
    """A burst far deeper than the recursion limit, in one write, answered in order."""
    require(http)
    count = 2000
    probe = TaskProbe()
    with (
        running(probe, http=http, max_requests_per_connection=None) as srv,
        socket.create_connection(("127.0.0.1", srv.port), 20) as s,
    ):
        s.sendall(b"".join(REQUEST % number for number in range(count)))
        bodies = [response.body for response in read_responses(s, count, timeout=20)]
    assert bodies == [b"task clean"] * count, bodies[:3]
    assert len(probe.task_ids) == count
