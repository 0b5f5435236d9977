"""Run an ASGI 3 app in-process: one request in, one response out, no sockets.

The app is called exactly as a server calls it (``await app(scope, receive, send)``) on the
shared background loop; its ``lifespan`` startup runs once, before its first request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote

from expresspy.testing._wire import RawRequest, RawResponse

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

#: The peer address an in-process app sees; loopback, as for supertest's ephemeral server.
CLIENT_ADDRESS = ("127.0.0.1", 50000)
#: The address the app believes it listens on.
SERVER_ADDRESS = ("127.0.0.1", 80)


class LifespanFailed(RuntimeError):
    """The app answered ``lifespan.startup`` with ``lifespan.startup.failed``."""


class Lifespan:
    """Drives the ASGI lifespan protocol for one app on the background loop."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self.supported = True
        self._inbox: asyncio.Queue[Message] = asyncio.Queue()
        self._replies: asyncio.Queue[Message | BaseException | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def startup(self) -> None:
        """Send ``lifespan.startup`` and wait for the app's answer.

        An app that raises or returns before answering does not speak lifespan; as uvicorn's
        ``lifespan="auto"`` does, requests then go ahead without it.
        """
        self._task = asyncio.create_task(self._run())
        await self._inbox.put({"type": "lifespan.startup"})
        reply = await self._replies.get()
        if isinstance(reply, BaseException) or reply is None:
            self.supported = False
        elif reply["type"] == "lifespan.startup.failed":
            raise LifespanFailed(f"lifespan startup failed: {reply.get('message', '')}")

    async def shutdown(self) -> None:
        """Send ``lifespan.shutdown`` and wait for the app to finish; re-raise its failure."""
        if not self.supported or self._task is None or self._task.done():
            return
        await self._inbox.put({"type": "lifespan.shutdown"})
        reply = await self._replies.get()
        await self._task
        if isinstance(reply, BaseException):
            raise reply
        if reply is not None and reply["type"] == "lifespan.shutdown.failed":
            raise LifespanFailed(f"lifespan shutdown failed: {reply.get('message', '')}")

    async def _run(self) -> None:
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "state": self.state,
        }
        try:
            await self.app(scope, self._inbox.get, self._send)
        except Exception as exc:  # the app's failure is reported to whoever waits
            await self._replies.put(exc)
        else:
            await self._replies.put(None)

    async def _send(self, message: Message) -> None:
        await self._replies.put(message)


class ResponseCollector:
    """The ``send`` callable of one request: gathers the start message and body chunks."""

    def __init__(self, method: str) -> None:
        self._method = method
        self.status: int | None = None
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []
        self.ended = False
        # Set when the response ended or the app returned: the client then "goes away".
        self.complete = asyncio.Event()

    async def send(self, message: Message) -> None:
        """Record one ASGI ``http.response.*`` message."""
        kind = message["type"]
        if kind == "http.response.start":
            self._start(message)
        elif kind == "http.response.body":
            self._body(message)
        else:
            raise RuntimeError(f"the test client does not support ASGI message {kind!r}")

    def _start(self, message: Message) -> None:
        if self.status is not None:
            raise RuntimeError("the app sent http.response.start twice")
        self.status = int(message["status"])
        self.headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in message.get("headers", [])
        ]

    def _body(self, message: Message) -> None:
        if self.status is None:
            raise RuntimeError("the app sent http.response.body before http.response.start")
        if self.ended:
            raise RuntimeError("the app sent http.response.body after the response ended")
        # A HEAD response has no body on the wire, whatever the app hands over.
        if self._method != "HEAD":
            self.chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            self.ended = True
            self.complete.set()

    def result(self) -> RawResponse:
        """The finished response; fails when the app returned without ending it."""
        if self.status is None or not self.ended:
            raise RuntimeError("the app returned without completing its response")
        return RawResponse(self.status, self.headers, b"".join(self.chunks))


def build_scope(request: RawRequest, state: dict[str, Any]) -> dict[str, Any]:
    """The ``http`` scope a server would build for ``request``."""
    raw_path, _, query = request.target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "root_path": "",
        "headers": [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in request.headers
        ],
        "client": CLIENT_ADDRESS,
        "server": SERVER_ADDRESS,
        "state": state,
        "extensions": {},
    }


class ASGITransport:
    """Carries requests to an ASGI app in-process, running its lifespan around them."""

    host = "127.0.0.1"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._lifespan: Lifespan | None = None
        self._starting: asyncio.Lock | None = None

    async def exchange(self, request: RawRequest) -> RawResponse:
        """Call the app once with ``request`` and collect its response."""
        request = request.with_host(self.host)
        lifespan = await self._started()
        collector = ResponseCollector(request.method)
        first_receive = True

        async def receive() -> Message:
            nonlocal first_receive
            if first_receive:
                first_receive = False
                return {"type": "http.request", "body": request.body, "more_body": False}
            # As a server does: nothing more arrives until the response is out, then the
            # client is gone.
            await collector.complete.wait()
            return {"type": "http.disconnect"}

        # Each request gets a shallow copy of the lifespan state, as the ASGI spec says.
        scope = build_scope(request, dict(lifespan.state))
        try:
            await self.app(scope, receive, collector.send)
        finally:
            collector.complete.set()
        return collector.result()

    async def _started(self) -> Lifespan:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._lifespan is None:
                lifespan = Lifespan(self.app)
                await lifespan.startup()
                self._lifespan = lifespan
        return self._lifespan

    async def close(self) -> None:
        """Run the app's lifespan shutdown if its startup ran."""
        lifespan, self._lifespan = self._lifespan, None
        if lifespan is not None:
            await lifespan.shutdown()
