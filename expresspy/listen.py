"""`app.listen(...)`: Express's call forms, its callback, and its place under `expresspy run`.

Every form Express (Node's `server.listen`) accepts works: `listen()`, `listen(port)`,
`listen(port, cb)`, `listen(port, host, cb)`, `listen(port, host, backlog, cb)` and
`listen(path, cb)` for a Unix socket; a numeric string is a port (`process.env.PORT`'s
habit), and `port=`/`host=`/`backlog=`/`callback=` keywords work too. The callback takes no
argument or one: as in Express 5 it is called once the server listens, with no argument (or
None), and with the error when listening failed.

Under `expresspy run` the command serves the app on its own `--host`/`--port`: a module-level
`app.listen(...)` is then ignored with one log line, as Flask ignores `app.run()` under
`flask run`, instead of starting a second server.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["FROM_CLI_VARIABLE", "ListenTarget", "listen", "listen_target"]

logger = logging.getLogger("expresspy")

FROM_CLI_VARIABLE = "EXPRESSPY_RUN_FROM_CLI"
"""Set to "1" by the `expresspy` command before it loads the app (inherited by workers)."""

DEFAULT_PORT = 3000
DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class ListenTarget:
    """Where `app.listen` was asked to listen, and what to call back."""

    port: int = DEFAULT_PORT
    host: str = DEFAULT_HOST
    backlog: int | None = None
    path: str | None = None  # a Unix domain socket instead of host:port
    callback: Callable[..., Any] | None = None

    def address(self) -> str:
        """`host:port` or the socket path, as the port-in-use line names it."""
        return self.path if self.path is not None else f"{self.host}:{self.port}"


def _as_port(value: object) -> int | None:
    """The port `value` stands for (an int, or a string of digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def listen_target(
    args: tuple[Any, ...], keywords: dict[str, Any]
) -> tuple[ListenTarget, dict[str, Any]]:
    """Read `listen`'s positional arguments the way Node does (the callback is the last
    argument when it is callable) plus the keywords `port`, `host`, `backlog`, `callback`;
    returns the target and the other keywords (server options). Raises TypeError for an
    argument Node would reject."""
    keywords = dict(keywords)
    options = {
        k: keywords.pop(k)
        for k in list(keywords)
        if k not in ("port", "host", "backlog", "callback")
    }
    return _target(list(args), keywords), options


def _target(rest: list[Any], keywords: dict[str, Any]) -> ListenTarget:
    args_given = len(rest)
    callback = keywords.pop("callback", None)
    if rest and callable(rest[-1]):
        if callback is not None:
            raise TypeError("listen() got two callbacks")
        callback = rest.pop()
    if len(rest) > 3:
        raise TypeError(f"listen() takes at most 4 arguments ({args_given} given)")
    first = rest[0] if rest else keywords.pop("port", None)
    host = rest[1] if len(rest) > 1 else keywords.pop("host", None)
    backlog = rest[2] if len(rest) > 2 else keywords.pop("backlog", None)
    if host is not None and not isinstance(host, str):
        raise TypeError(f"listen(): host must be a string, not {host!r}")
    if backlog is not None and _as_port(backlog) is None:
        raise TypeError(f"listen(): backlog must be a number, not {backlog!r}")
    backlog_number = None if backlog is None else _as_port(backlog)
    if first is None:
        return ListenTarget(host=host or DEFAULT_HOST, backlog=backlog_number, callback=callback)
    port = _as_port(first)
    if port is not None:
        return ListenTarget(
            port=port, host=host or DEFAULT_HOST, backlog=backlog_number, callback=callback
        )
    if isinstance(first, (str, os.PathLike)):
        return ListenTarget(path=os.fspath(first), backlog=backlog_number, callback=callback)
    raise TypeError(f"listen(): port must be a number or a socket path, not {first!r}")


def _takes_an_argument(fn: Callable[..., Any]) -> bool:
    """Whether `fn` can be called with one positional argument (the error)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return True
    try:
        signature.bind(None)
    except TypeError:
        return False
    return True


def _call_back(callback: Callable[..., Any], err: BaseException | None) -> None:
    """Call an Express listen callback with Node's arities: `cb()` or `cb(err)`."""
    if _takes_an_argument(callback):
        callback(err)
    else:
        callback()


def listen(app: Any, args: tuple[Any, ...], keywords: dict[str, Any]) -> None:
    """Serve `app` as `app.listen(*args, **keywords)` asks (see the module docstring); blocks.

    Other keywords are `expresspy.server.ServerConfig` fields (limits, timeouts, TLS files),
    plus `access_log_format` (morgan's format name, "dev" by default, as `expresspy run`).
    A port in use, without a callback that takes the error, prints one line and exits 1.
    """
    from expresspy.server import AddressInUse, ServerConfig, run

    target, options = listen_target(args, keywords)
    if os.environ.get(FROM_CLI_VARIABLE) == "1":
        logger.warning(
            "app.listen(%s) ignored: the expresspy command serves this app itself "
            "(`expresspy run`: on its --host and --port); call app.listen under "
            '`if __name__ == "__main__":`',
            target.address(),
        )
        return
    access_log_format = options.pop("access_log_format", "dev")
    config_fields: dict[str, Any] = {"host": target.host, "port": target.port}
    if target.path is not None:
        config_fields["uds"] = target.path
    if target.backlog is not None:
        config_fields["backlog"] = target.backlog
    config = ServerConfig(**config_fields, **options)
    if config.access_log:
        install_access_log(app, access_log_format)
    callback = target.callback
    wants_error = callback is not None and _takes_an_argument(callback)
    on_listen = None if callback is None else (lambda: _call_back(callback, None))
    try:
        run(app, config, on_listen=on_listen)
    except OSError as err:
        if callback is not None and wants_error:
            callback(err)
            return
        if isinstance(err, AddressInUse):
            print(f"error: {err}; pick another port", file=sys.stderr)
            raise SystemExit(1) from None
        raise


def install_access_log(app: Any, fmt: str) -> None:
    """Put the access log of `expresspy run` (`access_log(fmt)`) first in `app`'s stack and
    silence the server's own access logger, so each response is logged once, in one format
    whether the app was started by `expresspy run` or by `app.listen`."""
    router = getattr(app, "router", None)
    if router is None or not hasattr(router, "use_first"):
        return
    # Looked up by name, as `express.json` is: the app's core does not depend on middleware.
    access_log = importlib.import_module("expresspy.middleware.logger").access_log
    router.use_first(access_log(fmt))
    logging.getLogger("expresspy.access").setLevel(logging.WARNING)
