"""Where a test request goes: the app in-process, a test server, or any HTTP URL.

In-process transports are shared per app, so ``request(app)`` called in every test of a
module starts the app's lifespan once and keeps one set of loop-bound state for it.
"""

from __future__ import annotations

import asyncio
import http.client
from urllib.parse import urlsplit

from expresspy.server import BackgroundServer, ServerConfig
from expresspy.testing._asgi import ASGIApp, ASGITransport
from expresspy.testing._wire import RawRequest, RawResponse, Transport

#: The transports with something to shut down, by ``id`` of their app (or of themselves).
_open: dict[int, Transport] = {}


class SharedASGITransport(ASGITransport):
    """The in-process transport of one app, listed while its lifespan runs."""

    async def exchange(self, request: RawRequest) -> RawResponse:
        """As ``ASGITransport.exchange``; a transport used again after ``close_all`` lists
        itself again, so its restarted lifespan is shut down too."""
        _open.setdefault(id(self.app), self)
        return await super().exchange(request)


def asgi_transport(app: ASGIApp) -> ASGITransport:
    """The one in-process transport of ``app``, made on first use."""
    found = _open.get(id(app))
    if isinstance(found, ASGITransport) and found.app is app:
        return found
    transport = SharedASGITransport(app)
    _open[id(app)] = transport
    return transport


def open_transports() -> list[Transport]:
    """Every transport that may hold a lifespan or a server."""
    return list(_open.values())


async def close_all() -> None:
    """Close every open transport and forget them; each closes even if another fails."""
    transports = list(_open.values())
    _open.clear()
    results = await asyncio.gather(*(t.close() for t in transports), return_exceptions=True)
    failures = [result for result in results if isinstance(result, BaseException)]
    if failures:
        raise failures[0]


def _blocking_exchange(
    host: str, port: int, request: RawRequest, timeout: float | None
) -> RawResponse:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        # The builder sends Host and Accept-Encoding itself, as superagent does.
        connection.putrequest(
            request.method, request.target, skip_host=True, skip_accept_encoding=True
        )
        for name, value in request.headers:
            connection.putheader(name, value)
        connection.endheaders(request.body or None)
        answer = connection.getresponse()
        body = answer.read()
        return RawResponse(answer.status, answer.getheaders(), body)
    finally:
        connection.close()


class HTTPTransport:
    """Real HTTP/1.1 to a listening server, one connection per request (http.client)."""

    def __init__(self, base_url: str, timeout: float | None = None) -> None:
        parts = urlsplit(base_url)
        hostname = parts.hostname
        if parts.scheme != "http" or hostname is None:
            raise ValueError(
                f"{base_url!r}: the test client sends plain HTTP; pass an http:// "
                "URL with a host (https:// is not supported)"
            )
        self.hostname = hostname
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.netloc = parts.netloc
        self.host = hostname
        self.timeout = timeout

    async def exchange(self, request: RawRequest) -> RawResponse:
        """Send ``request`` from a worker thread, so the background loop stays free."""
        request = request.with_host(self.netloc)
        prefixed = RawRequest(
            request.method, self.prefix + request.target, request.headers, request.body
        )
        return await asyncio.to_thread(
            _blocking_exchange, self.hostname, self.port, prefixed, self.timeout
        )

    async def close(self) -> None:
        """Nothing to release: every request had its own connection."""


class ServerTransport:
    """Serves the app with expresspy's built-in server on a free loopback port, started on
    first use, and speaks real HTTP to it. The server runs its own loop and the app's
    lifespan, as in production."""

    host = "127.0.0.1"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._http: HTTPTransport | None = None
        self._server: BackgroundServer | None = None
        _open[id(self)] = self

    async def exchange(self, request: RawRequest) -> RawResponse:
        """Start the server on first use, then send ``request`` over real HTTP."""
        if self._http is None:
            server = BackgroundServer(self.app, ServerConfig(port=0, access_log=False))
            self._server = await asyncio.to_thread(server.start)
            self._http = HTTPTransport(f"http://127.0.0.1:{server.port}")
            _open[id(self)] = self
        return await self._http.exchange(request)

    async def close(self) -> None:
        """Stop the server gracefully (its lifespan shutdown included)."""
        server, self._server, self._http = self._server, None, None
        _open.pop(id(self), None)
        if server is not None:
            await asyncio.to_thread(server.stop)
