"""Run a server in a background thread: for tests, notebooks and tools that must not block."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

from .config import ServerConfig
from .loops import run_on_loop
from .server import Server
from .types import ASGIApp

__all__ = ["BackgroundServer"]


class BackgroundServer:
    """A ``Server`` on its own event loop in a daemon thread.

    ``start()`` returns once the socket listens (or raises what startup raised); ``stop()``
    runs the graceful shutdown and joins the thread. Also a context manager::

        with BackgroundServer(app, ServerConfig(port=0)) as srv:
            urlopen(srv.url + "/")
    """

    def __init__(self, app: ASGIApp, config: ServerConfig | None = None) -> None:
        self.server = Server(app, config or ServerConfig(port=0))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return self.server.port

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        return self.server.url

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The server's event loop (use ``call_soon_threadsafe`` to reach into it)."""
        assert self._loop is not None, "not started"
        return self._loop

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        """Start the thread and wait (up to ``timeout`` seconds) until the server listens."""
        self._thread = threading.Thread(target=self._main, name="expresspy-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("server did not start in time")
        if self._error is not None:
            raise self._error
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Shut down gracefully and wait for the thread (up to ``timeout`` seconds)."""
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self.server.request_shutdown)
            self._thread.join(timeout)

    def _main(self) -> None:
        run_on_loop(self._serve(), self.server.config.loop)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            await self.server.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self.server.serve_until_stopped()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
