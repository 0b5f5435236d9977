"""Starlette peer app (served by uvicorn with h11 or httptools), one workload per process.

Starlette's equivalents of the expresspy app: ``SessionMiddleware`` (signed-cookie sessions, as
Starlette has no server-side store), pure ASGI pass-through middleware (its fastest kind),
``StaticFiles`` and ``Route`` with a path parameter. A plain ``def`` endpoint cannot read the
request body, so the ``json`` workload exists only with ``async def``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.apps.common import (
    HELLO,
    MIDDLEWARE_COUNT,
    ROUTE_COUNT,
    SESSION_SECRET,
    Settings,
    route_pattern,
    settings,
    views_text,
)

Endpoint = Callable[[Request], Any]


class Passthrough:
    """A pure ASGI middleware that hands every call on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def hello(request: Request) -> Response:
    """Answer the plain-text greeting."""
    return PlainTextResponse(HELLO)


def counter(request: Request) -> Response:
    """Count this client's requests in its session."""
    views = request.session.get("views", 0) + 1
    request.session["views"] = views
    return PlainTextResponse(views_text(views))


def reader(request: Request) -> Response:
    """Answer this client's count without changing the session."""
    return PlainTextResponse(views_text(request.session.get("views", 0)))


def param(request: Request) -> Response:
    """Answer the route parameter."""
    return PlainTextResponse(request.path_params["id"])


async def hello_async(request: Request) -> Response:
    """``async def`` flavour of :func:`hello`."""
    return hello(request)


async def counter_async(request: Request) -> Response:
    """``async def`` flavour of :func:`counter`."""
    return counter(request)


async def reader_async(request: Request) -> Response:
    """``async def`` flavour of :func:`reader`."""
    return reader(request)


async def param_async(request: Request) -> Response:
    """``async def`` flavour of :func:`param`."""
    return param(request)


async def echo_async(request: Request) -> Response:
    """Send the parsed JSON body back."""
    return JSONResponse(await request.json())


HANDLERS: dict[str, dict[str, Endpoint]] = {
    "sync": {"hello": hello, "counter": counter, "reader": reader, "param": param},
    "async": {
        "hello": hello_async,
        "counter": counter_async,
        "reader": reader_async,
        "param": param_async,
        "echo": echo_async,
    },
}


def routes_for(cfg: Settings) -> list[BaseRoute]:
    """The routes of ``cfg.workload``."""
    h = HANDLERS[cfg.handlers]
    if cfg.workload in ("hello", "middleware"):
        return [Route("/", h["hello"])]
    if cfg.workload == "session":
        return [Route("/", h["counter"]), Route("/read", h["reader"])]
    if cfg.workload == "json":
        return [Route("/", h["echo"], methods=["POST"])]
    if cfg.workload == "static":
        return [Mount("/", app=StaticFiles(directory=cfg.static_dir))]
    if cfg.workload == "routes":
        return [Route(route_pattern(i, "{id}"), h["param"]) for i in range(ROUTE_COUNT)]
    raise ValueError(f"unknown workload {cfg.workload!r}")


def middleware_for(cfg: Settings) -> list[Middleware]:
    """The middleware stack of ``cfg.workload``."""
    if cfg.workload == "session":
        return [Middleware(SessionMiddleware, secret_key=SESSION_SECRET)]
    if cfg.workload == "middleware":
        return [Middleware(Passthrough) for _ in range(MIDDLEWARE_COUNT)]
    return []


def build(cfg: Settings) -> Starlette:
    """Build the app for ``cfg``."""
    return Starlette(routes=routes_for(cfg), middleware=middleware_for(cfg))


app = build(settings())
