"""The ``expresspy`` command (click): ``expresspy run app.py`` and friends.

Every server limit is a flag generated from ``ServerConfig``'s field metadata, so the flags, the
defaults and docs/server.md stay in step. A flag left out keeps ServerConfig's default.
"""

from __future__ import annotations

import functools
import inspect
import os
import socket
import sys
from collections.abc import Callable
from typing import Any

import click

from .environment import environment
from .listen import FROM_CLI_VARIABLE, install_access_log
from .server.config import HTTP_BACKENDS, LimitInfo, ServerConfig, limit_fields
from .server.errors import AddressInUse
from .server.loader import AppImportError, AppNotFound, load_app, watch_root
from .server.loops import EVENT_LOOPS
from .server.run import run as run_server

__all__ = ["main"]

_LOG_LEVELS = ["critical", "error", "warning", "info", "debug"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="expresspy", prog_name="expresspy")
def main() -> None:
    """expresspy: Express.js's programming model in Python."""
    # Every command loads the app itself: a module-level app.listen(...) in it must not start
    # a server (and block `expresspy routes`); it reads this, inherited by --workers and
    # --reload children, and logs that it was ignored (Flask's FLASK_RUN_FROM_CLI).
    os.environ[FROM_CLI_VARIABLE] = "1"


@main.command("routes")
@click.argument("target")
def routes_command(target: str) -> None:
    """List the routes of the expresspy app TARGET (like `flask routes`).

    One row per route: its methods, its full path (mount paths joined), and each handler's
    name with the file and line where it is defined.
    """
    app = _load_or_fail(target)
    router = getattr(app, "router", None)
    if router is None or not hasattr(router, "list_routes"):
        raise click.ClickException(f"{target} is an ASGI app but not an expresspy app")
    rows = [("Methods", "Path", "Handler", "Location")]
    for route in router.list_routes():
        for handler in route.handlers:
            rows.append(
                (
                    ",".join(route.methods),
                    route.path,
                    _handler_name(handler),
                    _handler_location(handler),
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo(
            "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        )


def _register_port() -> None:
    # The command lives with the translator; its heavy imports wait until it runs.
    from .port.cli import port_command

    main.add_command(port_command)


_register_port()


@main.group("sessions")
def sessions_group() -> None:
    """Manage the session stores of an app."""


@sessions_group.command("prune")
@click.argument("target")
def sessions_prune_command(target: str) -> None:
    """Delete the expired sessions of the app TARGET's stores now (run it from cron)."""
    _sessions(target, "prune")


@sessions_group.command("count")
@click.argument("target")
def sessions_count_command(target: str) -> None:
    """How many live sessions each store of the app TARGET holds."""
    _sessions(target, "count")


@sessions_group.command("list")
@click.argument("target")
def sessions_list_command(target: str) -> None:
    """The live sessions of the app TARGET: one line per id, with its expiry."""
    _sessions(target, "list")


@sessions_group.command("show")
@click.argument("target")
@click.argument("session_id")
def sessions_show_command(target: str, session_id: str) -> None:
    """The stored record (JSON) of session SESSION_ID of the app TARGET."""
    _sessions(target, "show", session_id)


@sessions_group.command("destroy")
@click.argument("target")
@click.argument("session_id")
def sessions_destroy_command(target: str, session_id: str) -> None:
    """Delete session SESSION_ID of the app TARGET (that user is logged out)."""
    _sessions(target, "destroy", session_id)


def _sessions(target: str, action: str, session_id: str | None = None) -> None:
    """Run one ``expresspy sessions`` action; exit 1 when no store could do it."""
    from .session.admin import sessions_action

    try:
        reports = sessions_action(_load_or_fail(target), action, session_id)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    for report in reports:
        for line in report.lines:
            click.echo(line, err=not report.ok)
    if not any(report.ok for report in reports):
        sys.exit(1)


def _load_or_fail(target: str, load: Callable[[], Any] | None = None) -> Any:
    """Load the app (with `load`, else plainly); a bad target or failing app code ends the
    command with the message alone (the app's own frames), exit status 1."""
    try:
        return load() if load is not None else load_app(target)
    except (AppNotFound, AppImportError) as exc:
        raise click.ClickException(str(exc)) from None


def _handler_name(handler: Any) -> str:
    return str(getattr(handler, "__qualname__", None) or type(handler).__name__)


def _handler_location(handler: Any) -> str:
    code = getattr(inspect.unwrap(handler), "__code__", None)
    if code is None:
        return "-"
    filename = os.path.abspath(code.co_filename)
    cwd = os.getcwd() + os.sep
    if filename.startswith(cwd):
        filename = filename[len(cwd) :]
    # co_firstlineno is the line of the first decorator, where the route is declared.
    return f"{filename}:{code.co_firstlineno}"


def _with_access_log(load: Callable[[], Any], fmt: str) -> Callable[[], Any]:
    """Wrap an app loader so an expresspy app logs each response in morgan's `fmt` format
    (``access_log``: through Python logging, coloured only on a terminal).

    The logger goes first in the app's stack, so it times every request. The server's own
    access logger is silenced in that process (one line per request, not two); this happens
    where the app is loaded, so a `--workers` supervisor never has to import the app.
    """

    def load_logging() -> Any:
        app = load()
        install_access_log(app, fmt)
        return app

    return load_logging


def _trusting_proxies(load: Callable[[], Any], allow_ips: str) -> Callable[[], Any]:
    """Wrap an app loader so the app trusts X-Forwarded-* from `allow_ips` (trust proxy)."""

    def load_trusting() -> Any:
        app = load()
        if not hasattr(app, "set") or not hasattr(app, "router"):
            raise click.UsageError(
                "--proxy-headers sets the `trust proxy` setting of an "
                "expresspy app; this target is another kind of ASGI app"
            )
        app.set("trust proxy", True if allow_ips.strip() == "*" else allow_ips)
        return app

    return load_trusting


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
    help="One log line per response (an expresspy app: logger expresspy.requests; another "
    "ASGI app: logger expresspy.access).",
)
@click.option(
    "--access-log-format",
    default="dev",
    show_default=True,
    type=click.Choice(["dev", "combined", "common", "short", "tiny"]),
    help="morgan's format for an expresspy app's access log; `combined` (with the date) "
    "suits production. `dev` is coloured only on a terminal (never with NO_COLOR).",
)
@click.option("--log-level", default="info", show_default=True, type=click.Choice(_LOG_LEVELS))
@click.option("--root-path", default="", help="ASGI root_path (mount point behind a proxy).")
@click.option(
    "--proxy-headers",
    is_flag=True,
    help="Trust X-Forwarded-For/-Proto/-Host from --forwarded-allow-ips "
    "(sets the app's `trust proxy`).",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Proxies to trust with --proxy-headers: addresses, CIDRs, "
    "loopback/linklocal/uniquelocal, or * for any.",
)
@click.option(
    "--lifespan",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "on", "off"]),
    help="ASGI lifespan handling.",
)
@click.option(
    "--http",
    default="auto",
    show_default=True,
    type=click.Choice(HTTP_BACKENDS),
    help="Request parser: h11, or httptools (faster; pip install 'expresspy[speed]'); "
    "auto picks httptools when installed.",
)
@click.option(
    "--loop",
    default="asyncio",
    show_default=True,
    type=click.Choice(EVENT_LOOPS),
    help="Event loop: asyncio, or uvloop (faster; pip install 'expresspy[speed]'); auto picks "
    "uvloop when installed.",
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
    access_log_format = options.pop("access_log_format")
    proxy_headers = options.pop("proxy_headers")
    allow_ips = options.pop("forwarded_allow_ips")
    config = _config(options)
    load: Callable[[], Any] = functools.partial(load_app, target)
    if proxy_headers:
        load = _trusting_proxies(load, allow_ips)
    if config.access_log:
        load = _with_access_log(load, access_log_format)
    if reload and workers > 1:
        raise click.UsageError("--reload and --workers cannot be combined")
    try:
        if reload:
            sys.exit(_reload(target, config, reload_dirs))
        if workers > 1:
            from .server.workers import Supervisor

            # Read by stores that keep sessions in one process (MemoryStore warns under workers).
            os.environ["EXPRESSPY_WORKERS"] = str(workers)

            sys.exit(Supervisor(load, config, workers, log_level).run())
        app = _load_or_fail(target, load)
        sock = socket.socket(fileno=fd) if fd is not None else None
        run_server(app, config, sock=sock, log_level=log_level)
    except AddressInUse as exc:
        click.echo(f"error: {exc}; pick another with --port", err=True)
        sys.exit(1)


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

    _load_or_fail(target)  # fail here, with a clear message, rather than in every child
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
        "expresspy listening on %s (reloading on changes in %s, %s)",
        listen_url(config, sock),
        ", ".join(str(p) for p in paths),
        environment(),
    )
    return reloader.run()
