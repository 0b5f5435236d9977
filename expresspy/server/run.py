"""Blocking and async entry points: ``run`` (signals, logging, loop) and ``serve``."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
import threading
from collections.abc import Callable

from .config import ServerConfig
from .loops import run_on_loop
from .server import Server
from .types import ASGIApp

__all__ = ["configure_logging", "run", "serve"]

logger = logging.getLogger("expresspy.server")

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def configure_logging(level: int | str = logging.INFO) -> None:
    """Send expresspy's log lines to stderr, unless the application configured logging itself.

    Nothing is changed when the root logger or the ``expresspy`` logger already has handlers.
    """
    base = logging.getLogger("expresspy")
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
    if not isinstance(level, int):
        raise ValueError(f"unknown log level {level!r}")
    base.setLevel(level)
    if logging.getLogger().handlers or base.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    base.addHandler(handler)


async def serve(
    app: ASGIApp,
    config: ServerConfig | None = None,
    *,
    sock: socket.socket | None = None,
    on_listen: Callable[[], object] | None = None,
    install_signal_handlers: bool = False,
) -> None:
    """Serve ``app`` until SIGINT/SIGTERM (when ``install_signal_handlers``) or cancellation.

    The first signal starts a graceful shutdown; a second one drops every connection at once.
    ``on_listen`` is called with no arguments once the socket listens (Express's listen
    callback). Signal handlers can only be installed from the main thread.
    """
    server = Server(app, config)
    await server.start(sock)
    if install_signal_handlers:
        _install_signal_handlers(server)
    if on_listen is not None:
        on_listen()
    try:
        await server.serve_until_stopped()
    finally:
        await server.shutdown()


def run(
    app: ASGIApp,
    config: ServerConfig | None = None,
    *,
    on_listen: Callable[[], object] | None = None,
    sock: socket.socket | None = None,
    log_level: int | str = logging.INFO,
) -> None:
    """Serve ``app`` in this thread until SIGINT/SIGTERM, then shut down gracefully and return.

    This is what ``app.listen(port, callback)`` and ``expresspy run`` call. It sets up logging
    (unless already configured), creates the event loop, logs
    ``expresspy listening on http://HOST:PORT`` and calls ``on_listen``. Ctrl-C stops it
    cleanly; a second Ctrl-C drops in-flight requests at once.
    """
    configure_logging(log_level)
    main_thread = threading.current_thread() is threading.main_thread()
    try:
        run_on_loop(
            serve(app, config, sock=sock, on_listen=on_listen, install_signal_handlers=main_thread),
            (config or ServerConfig()).loop,
        )
    except KeyboardInterrupt:
        # Only reachable where signal handlers could not be installed (not the main thread).
        logger.info("interrupted")


def _install_signal_handlers(server: Server) -> None:
    loop = asyncio.get_running_loop()
    received: list[int] = []

    def on_signal(signum: int) -> None:
        received.append(signum)
        if len(received) == 1:
            logger.info("%s received: shutting down gracefully", signal.Signals(signum).name)
            server.request_shutdown()
        else:
            logger.warning("second signal: exiting now")
            server.force_exit()

    for signum in _STOP_SIGNALS:
        loop.add_signal_handler(signum, on_signal, signum)
