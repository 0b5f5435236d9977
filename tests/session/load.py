"""Bounded loopback load for the store tests: many concurrent requests, every status counted.

Each request is its own connection (``Connection: close``), all opened at once from one event
loop, so the server sees ``count`` requests in flight together. Nothing here measures speed:
the tests assert on the statuses only.
"""

from __future__ import annotations

import asyncio
import collections
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from expresspy.server import BackgroundServer, ServerConfig

__all__ = ["Reply", "hammer", "serving"]

#: Seconds one whole burst may take before the test fails instead of hanging.
BURST_TIMEOUT = 120.0
_COOKIE = re.compile(rb"(?im)^set-cookie: *(connect\.sid=[^;\r\n]*)")


class Reply:
    """One response: its status, the session cookie it set (``""`` when none), its head (the
    raw status line and headers) and body."""

    __slots__ = ("body", "cookie", "head", "status")

    def __init__(self, status: int, cookie: str, body: bytes, head: bytes = b"") -> None:
        self.status = status
        self.cookie = cookie
        self.body = body
        self.head = head


@contextmanager
def serving(app: Any, store: Any) -> Iterator[BackgroundServer]:
    """``app`` on expresspy's server (one worker, a free loopback port); ``store`` is closed
    on the server's loop afterwards (redis.asyncio connections belong to that loop)."""
    server = BackgroundServer(app, ServerConfig(port=0, access_log=False, backlog=4096))
    server.start()
    try:
        yield server
    finally:
        closer = getattr(store, "aclose", None)
        if closer is not None:
            asyncio.run_coroutine_threadsafe(closer(), server.loop).result(30)
        server.stop()


async def _one(port: int, path: str, cookie: str, gate: asyncio.Event) -> Reply:
    await gate.wait()  # every connection starts together
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        writer.write((head + "\r\n").encode("latin-1"))
        raw = await reader.read(-1)
    finally:
        writer.close()
    status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.1 ") else 0
    found = _COOKIE.search(raw)
    raw_head, _, body = raw.partition(b"\r\n\r\n")
    return Reply(status, found.group(1).decode("latin-1") if found else "", body, raw_head)


def hammer(port: int, requests: Sequence[tuple[str, str]]) -> list[Reply]:
    """Send every ``(path, cookie)`` request at once; the replies in the same order.

    A connection that fails counts as status 0. The burst is bounded by BURST_TIMEOUT.
    """

    async def burst() -> list[Reply]:
        gate = asyncio.Event()
        tasks = [asyncio.ensure_future(_one(port, path, cookie, gate))
                 for path, cookie in requests]  # fmt: skip
        await asyncio.sleep(0)
        gate.set()
        done = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True),
                                      BURST_TIMEOUT)  # fmt: skip
        return [r if isinstance(r, Reply) else Reply(0, "", repr(r).encode()) for r in done]

    return asyncio.run(burst())


def failures(replies: Sequence[Reply]) -> dict[str, int]:
    """Each failed reply's status and last error line (the exception of a dev error page),
    counted: what a failing assertion shows."""
    found: collections.Counter[str] = collections.Counter()
    for reply in replies:
        if reply.status != 200:
            text = reply.body.decode("utf-8", "replace").replace("<br>", "\n")
            lines = [line for line in re.sub(r"<[^>]+>", "\n", text).splitlines() if line.strip()]
            found[f"{reply.status} {lines[-1].strip() if lines else ''}"[:300]] += 1
    return dict(found)


def statuses(replies: Sequence[Reply]) -> dict[int, int]:
    """How many replies had each status."""
    return dict(collections.Counter(reply.status for reply in replies))
