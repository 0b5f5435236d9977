"""The ``expresspy`` command (click): ``expresspy run app.py`` and friends.

Every server limit is a flag generated from ``ServerConfig``'s field metadata, so the flags, the
defaults and docs/server.md stay in step. A flag left out keeps ServerConfig's default.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from typing import Any

import click

from .server.config import LimitInfo, ServerConfig, limit_fields
from .server.loader import AppNotFound, load_app, watch_root
from .server.run import run as run_server

__all__ = ["main"]

_LOG_LEVELS = ["critical", "error", "warning", "info", "debug"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="expresspy", prog_name="expresspy")
def main() -> None:
    """expresspy: Express.js's programming model in Python."""


# ---------------------------------------------------------------------------------------------
# Other commands attach to the `main` group here (owned by the framework, not the server):
#   @main.command("routes")            -> `expresspy routes app.py`
#   @main.group("sessions") + command  -> `expresspy sessions prune ...`
# ---------------------------------------------------------------------------------------------


def _limit_option(info: LimitInfo) -> Callable[[Any], Any]:
    kind = float if "float" in str(info.type) else int
    default = "off" if info.default is None else info.default
    return click.option(
        info.cli,
        info.name,
        type=kind,
        default=None,
        help=f"{info.help} [default: {default}]",
    )


def _with_limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for info in reversed(limit_fields()):
        command = _limit_option(info)(command)
    return command


@main.command("run")
@click.argument("target")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=3000, show_default=True, type=int, help="TCP port (0: any free).")
@click.option("--uds", default=None, help="Listen on this Unix socket path instead of host/port.")
@click.option("--fd", default=None, type=int, hidden=True, help="Serve an inherited socket.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Pre-forked worker processes sharing the socket.",
)
@click.option("--reload", is_flag=True, help="Restart when .py files change (needs watchfiles).")
@click.option(
    "--reload-dir",
    "reload_dirs",
    multiple=True,
    type=click.Path(exists=True),
    help="Directory to watch with --reload (repeatable; default: the app's folder).",
)
@click.option(
    "--certfile",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="PEM certificate chain: serve HTTPS.",
)
@click.option(
    "--keyfile",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="PEM private key for --certfile.",
)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="One log line per response (logger expresspy.access).",
)
@click.option("--log-level", default="info", show_default=True, type=click.Choice(_LOG_LEVELS))
@click.option("--root-path", default="", help="ASGI root_path (mount point behind a proxy).")
@click.option(
    "--lifespan",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "on", "off"]),
    help="ASGI lifespan handling.",
)
@_with_limit_options
def run_command(target: str, **options: Any) -> None:
    """Serve the ASGI app TARGET: a file (app.py, app.py:NAME) or a module (pkg.mod:NAME).

    The object named ``app`` is used unless ``:NAME`` says otherwise. Ctrl-C (SIGINT) or
    SIGTERM stops gracefully; a second one stops at once.
    """
    fd = options.pop("fd")
    workers = options.pop("workers")
    reload = options.pop("reload")
    reload_dirs = options.pop("reload_dirs")
    log_level = options.pop("log_level")
    config = _config(options)
    if reload and workers > 1:
        raise click.UsageError("--reload and --workers cannot be combined")
    if reload:
        sys.exit(_reload(target, config, reload_dirs))
    if workers > 1:
        from .server.workers import Supervisor

        sys.exit(Supervisor(lambda: load_app(target), config, workers, log_level).run())
    try:
        app = load_app(target)
    except AppNotFound as exc:
        raise click.ClickException(str(exc)) from None
    sock = socket.socket(fileno=fd) if fd is not None else None
    run_server(app, config, sock=sock, log_level=log_level)


def _config(options: dict[str, Any]) -> ServerConfig:
    given = {name: value for name, value in options.items() if value is not None}
    try:
        return ServerConfig(**given)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _reload(target: str, config: ServerConfig, reload_dirs: tuple[str, ...]) -> int:
    from pathlib import Path

    from .server.reloader import MissingReloadExtra, Reloader
    from .server.run import configure_logging
    from .server.workers import bind_socket, listen_url

    try:
        load_app(target)  # fail here, with a clear message, rather than in every child
    except AppNotFound as exc:
        raise click.ClickException(str(exc)) from None
    configure_logging()
    paths = [Path(p) for p in reload_dirs] or [watch_root(target)]
    sock = bind_socket(config)
    args = [arg for arg in sys.argv[1:] if arg != "--reload"]
    try:
        reloader = Reloader([sys.executable, "-m", "expresspy", *args], sock, paths)
    except MissingReloadExtra as exc:
        raise click.ClickException(str(exc)) from None
    import logging

    logging.getLogger("expresspy.server").info(
        "expresspy listening on %s (reloading on changes in %s)",
        listen_url(config, sock),
        ", ".join(str(p) for p in paths),
    )
    return reloader.run()
