"""The listening server: sockets, lifespan, connection bookkeeping and graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import ssl
import stat
import time

from ..environment import environment
from .config import ServerConfig
from .connection import HTTPConnection, ServerState
from .errors import naming_a_taken_address
from .lifespan import Lifespan
from .types import ASGIApp

__all__ = ["Server"]

logger = logging.getLogger("expresspy.server")

# How often shutdown looks whether the in-flight requests have finished (seconds).
_SHUTDOWN_POLL = 0.02


class Server:
    """Serves one ASGI app on the address in ``config`` (TCP, TLS or a Unix socket).

    Use from a running event loop::

        server = Server(app, ServerConfig(port=0))
        await server.start()          # lifespan startup, then listen
        print(server.port)            # the port the OS picked
        await server.serve_until_stopped()   # returns after request_shutdown() + drain

    ``start`` accepts an already bound, listening socket (``sock``): the pre-fork workers share
    one that way.
    """

    def __init__(self, app: ASGIApp, config: ServerConfig | None = None) -> None:
        self.app = app
        self.config = config or ServerConfig()
        scheme = "https" if self.config.is_tls else "http"
        self._state = ServerState(app, self.config, scheme=scheme)
        self._lifespan = Lifespan(app, self.config.lifespan, self._state.asgi)
        self._servers: list[asyncio.Server] = []
        self._stop: asyncio.Event | None = None
        self._forced = False
        self._stopped = False
        self._owns_uds = False
        self._ticker: asyncio.TimerHandle | None = None

    @property
    def sockets(self) -> list[socket.socket]:
        """The listening sockets (empty before ``start``)."""
        return [sock for server in self._servers for sock in server.sockets]

    @property
    def port(self) -> int:
        """The TCP port actually bound (useful with ``port=0``); 0 for a Unix socket."""
        for sock in self.sockets:
            name = sock.getsockname()
            if isinstance(name, tuple):
                return int(name[1])
        return 0

    @property
    def url(self) -> str:
        """Where the server listens, with the real port (``http://127.0.0.1:54321``)."""
        cfg = self.config
        if cfg.uds is not None:
            return f"unix:{cfg.uds}"
        scheme = "https" if cfg.is_tls else "http"
        host = f"[{cfg.host}]" if ":" in cfg.host else cfg.host
        return f"{scheme}://{host}:{self.port}"

    @property
    def connection_count(self) -> int:
        """Open client connections right now."""
        return len(self._state.connections)

    async def start(self, sock: socket.socket | None = None) -> None:
        """Run lifespan startup, then listen. Raises LifespanFailure or OSError on failure."""
        loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        await self._lifespan.startup()
        self._state.lifespan_state = self._lifespan.state
        context = _ssl_context(self.config)
        state = self._state

        def factory() -> HTTPConnection:
            return HTTPConnection(state, loop)

        cfg = self.config
        if sock is not None:
            server = await loop.create_server(factory, sock=sock, ssl=context, backlog=cfg.backlog)
        elif cfg.uds is not None:
            _remove_stale_socket(cfg.uds)
            self._owns_uds = True
            with naming_a_taken_address(cfg.uds):
                server = await loop.create_unix_server(
                    factory, path=cfg.uds, ssl=context, backlog=cfg.backlog
                )
        else:
            with naming_a_taken_address(cfg.address):
                server = await loop.create_server(
                    factory,
                    cfg.host,
                    cfg.port,
                    ssl=context,
                    backlog=cfg.backlog,
                    reuse_address=True,
                )
        self._servers.append(server)
        self._tick()
        parser = state.parser.name
        if sock is None:
            logger.info(
                "expresspy listening on %s (%s parser, %s)", self.url, parser, environment()
            )
        else:
            # Whoever bound the shared socket (supervisor, reloader) announced the address.
            logger.info("worker %d serving %s (%s parser)", os.getpid(), self.url, parser)

    def request_shutdown(self) -> None:
        """Ask ``serve_until_stopped`` to shut down gracefully (call on the server's loop)."""
        if self._stop is not None:
            self._stop.set()

    def force_exit(self) -> None:
        """Stop waiting for in-flight requests: drop every connection now (second signal)."""
        self._forced = True
        self.request_shutdown()
        for conn in list(self._state.connections):
            conn.abort()

    async def serve_until_stopped(self) -> None:
        """Serve until ``request_shutdown``, then shut down gracefully."""
        assert self._stop is not None, "call start() first"
        await self._stop.wait()
        await self.shutdown()

    async def shutdown(self) -> None:
        """Graceful shutdown: stop accepting, close idle connections, let in-flight requests
        finish within ``graceful_timeout`` seconds, then cancel the rest; lifespan shutdown."""
        if self._stopped:
            return
        self._stopped = True
        state = self._state
        state.shutting_down = True
        for server in self._servers:
            server.close()
        for conn in list(state.connections):
            conn.shutdown()
        deadline = time.monotonic() + self.config.graceful_timeout
        self._announce_wait()
        while self._busy() and not self._forced and time.monotonic() < deadline:
            await asyncio.sleep(_SHUTDOWN_POLL)
        if self._busy():
            logger.warning("cancelling %d request(s) still running", len(state.connections))
            for conn in list(state.connections):
                conn.abort()
            await asyncio.sleep(0)
        try:
            await self._lifespan.shutdown()
        except Exception:
            logger.exception("lifespan shutdown failed")
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1.0)
        if self._ticker is not None:
            self._ticker.cancel()
        if self._owns_uds and self.config.uds is not None:
            _remove_stale_socket(self.config.uds)
        logger.info("expresspy stopped")

    def _tick(self) -> None:
        """Renew the Date line just after each second begins (responses only read it)."""
        self._state.refresh_server_lines()
        if not self._stopped:
            loop = asyncio.get_running_loop()
            self._ticker = loop.call_at(loop.time() + 1.0 - time.time() % 1.0, self._tick)

    def _announce_wait(self) -> None:
        """Say what shutdown waits for, so a hanging request is not a silent 30 s pause."""
        open_requests = sum(1 for conn in self._state.connections if conn.busy)
        if open_requests and not self._forced:
            logger.warning(
                "waiting up to %g s for %d open request(s) to finish; press Ctrl-C again to "
                "quit now",
                self.config.graceful_timeout,
                open_requests,
            )

    def _busy(self) -> bool:
        # Idle connections were closed by conn.shutdown(); the others close after responding.
        return bool(self._state.connections)


def _ssl_context(config: ServerConfig) -> ssl.SSLContext | None:
    if config.certfile is None or config.keyfile is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(config.certfile, config.keyfile)
    context.set_alpn_protocols(["http/1.1"])
    return context


def _remove_stale_socket(path: str) -> None:
    """Unlink a leftover Unix socket file (never a regular file: that is a user's mistake)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISSOCK(mode):
        os.unlink(path)
