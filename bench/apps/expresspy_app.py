"""expresspy peer app: one workload per process, chosen by BENCH_WORKLOAD (see common.py).

Started by the harness as ``python -m expresspy run bench/apps/expresspy_app.py``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from bench.apps.common import (
    HELLO,
    MIDDLEWARE_COUNT,
    POSTGRES_TABLE,
    POSTGRES_URL,
    REDIS_PREFIX,
    REDIS_URL,
    ROUTE_COUNT,
    SESSION_SECRET,
    SQLITE_FILE,
    SQLITE_ROUND_TRIP_FILE,
    SQLITE_ROUND_TRIP_WORKLOAD,
    STORE_WORKLOADS,
    Settings,
    route_pattern,
    settings,
    views_text,
)
from expresspy import express, session

Handler = Callable[..., Any]


def hello(req: Any, res: Any) -> None:
    """Answer the plain-text greeting."""
    res.set("Content-Type", "text/plain")
    res.send(HELLO)


def counter(req: Any, res: Any) -> None:
    """Count this client's requests in its session."""
    req.session.views = (req.session.views or 0) + 1
    res.set("Content-Type", "text/plain")
    res.send(views_text(req.session.views))


def reader(req: Any, res: Any) -> None:
    """Answer this client's count without changing the session."""
    res.set("Content-Type", "text/plain")
    res.send(views_text(req.session.views or 0))


def echo(req: Any, res: Any) -> None:
    """Send the parsed JSON body back."""
    res.json(req.body)


def param(req: Any, res: Any) -> None:
    """Answer the route parameter, so the router has to extract it."""
    res.set("Content-Type", "text/plain")
    res.send(req.params["id"])


def passthrough(req: Any, res: Any, next: Callable[..., None]) -> None:
    """A middleware that does nothing but hand on."""
    next()


async def hello_async(req: Any, res: Any) -> None:
    """``async def`` flavour of :func:`hello`."""
    hello(req, res)


async def counter_async(req: Any, res: Any) -> None:
    """``async def`` flavour of :func:`counter`."""
    counter(req, res)


async def reader_async(req: Any, res: Any) -> None:
    """``async def`` flavour of :func:`reader`."""
    reader(req, res)


async def echo_async(req: Any, res: Any) -> None:
    """``async def`` flavour of :func:`echo`."""
    echo(req, res)


async def param_async(req: Any, res: Any) -> None:
    """``async def`` flavour of :func:`param`."""
    param(req, res)


async def passthrough_async(req: Any, res: Any, next: Callable[..., None]) -> None:
    """``async def`` flavour of :func:`passthrough`."""
    next()


HANDLERS: dict[str, dict[str, Handler]] = {
    "sync": {
        "hello": hello,
        "counter": counter,
        "reader": reader,
        "echo": echo,
        "param": param,
        "pass": passthrough,
    },
    "async": {
        "hello": hello_async,
        "counter": counter_async,
        "reader": reader_async,
        "echo": echo_async,
        "param": param_async,
        "pass": passthrough_async,
    },
}


def with_round_trip(counter: Handler, path: str) -> Handler:
    """``counter`` run between SQLiteStore's ``SELECT`` and upsert of the session's row in the
    file at ``path`` (sqlite_round_trip.py): MemoryStore plus SQLite's round trip."""
    # Imported here, as the stores are: the other workloads' processes never load SQLite
    from bench.apps.sqlite_round_trip import SQLiteRoundTrip

    round_trip = SQLiteRoundTrip(path)

    def handler(req: Any, res: Any) -> None:
        round_trip.read(req.session_id)
        counter(req, res)
        round_trip.write(req.session_id, req.session.views)

    async def handler_async(req: Any, res: Any) -> None:
        round_trip.read(req.session_id)
        await counter(req, res)
        round_trip.write(req.session_id, req.session.views)

    return handler_async if inspect.iscoroutinefunction(counter) else handler


def session_store(kind: str, cfg: Settings) -> Any:
    """The store of a ``session-<kind>`` workload (imported here: each is an optional extra)."""
    if kind == "sqlite":
        from expresspy.session import SQLiteStore

        return SQLiteStore(f"{cfg.static_dir}/{SQLITE_FILE}")
    if kind == "redis":
        from expresspy.session import RedisStore

        return RedisStore(REDIS_URL, prefix=REDIS_PREFIX)
    from expresspy.session import PostgresStore

    return PostgresStore(POSTGRES_URL, table_name=POSTGRES_TABLE, create_table_if_missing=True)


def build(cfg: Settings) -> Any:
    """Build the app for ``cfg.workload`` with handlers of the ``cfg.handlers`` flavour."""
    h = HANDLERS[cfg.handlers]
    app = express()
    if cfg.workload == "hello":
        app.get("/", h["hello"])
    elif cfg.workload == "session":
        app.use(session(secret=SESSION_SECRET, resave=False, save_uninitialized=True))
        app.get("/", h["counter"])
        app.get("/read", h["reader"])
    elif cfg.workload == SQLITE_ROUND_TRIP_WORKLOAD:
        app.use(session(secret=SESSION_SECRET, resave=False, save_uninitialized=True))
        app.get("/", with_round_trip(h["counter"], f"{cfg.static_dir}/{SQLITE_ROUND_TRIP_FILE}"))
    elif cfg.workload in STORE_WORKLOADS:
        store = session_store(STORE_WORKLOADS[cfg.workload], cfg)
        app.use(session(secret=SESSION_SECRET, resave=False, save_uninitialized=True, store=store))
        app.get("/", h["counter"])
        app.get("/read", h["reader"])
    elif cfg.workload == "json":
        app.use(express.json())
        app.post("/", h["echo"])
    elif cfg.workload == "static":
        app.use(express.static(cfg.static_dir))
    elif cfg.workload == "middleware":
        for _ in range(MIDDLEWARE_COUNT):
            app.use(h["pass"])
        app.get("/", h["hello"])
    elif cfg.workload == "routes":
        for index in range(ROUTE_COUNT):
            app.get(route_pattern(index, ":id"), h["param"])
    else:
        raise ValueError(f"unknown workload {cfg.workload!r}")
    return app


app = build(settings())
