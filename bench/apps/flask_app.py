"""Flask peer app (served by gunicorn's gthread worker), one workload per process.

Flask views are plain ``def`` only (its ``async def`` views run a new event loop per call, which
is not a fair peer), so the harness runs it with ``BENCH_HANDLERS=sync``. Sessions are Flask's
signed cookies; the middleware chain is ten ``before_request`` hooks returning ``None``.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request, session

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


def hello() -> Response:
    """Answer the plain-text greeting."""
    return Response(HELLO, mimetype="text/plain")


def counter() -> Response:
    """Count this client's requests in its session."""
    session["views"] = session.get("views", 0) + 1
    return Response(views_text(session["views"]), mimetype="text/plain")


def echo() -> Response:
    """Send the parsed JSON body back."""
    return jsonify(request.get_json())


def param(id: str) -> Response:
    """Answer the route parameter."""
    return Response(id, mimetype="text/plain")


def passthrough() -> None:
    """A ``before_request`` hook that lets the request through."""


def build(cfg: Settings) -> Flask:
    """Build the app for ``cfg.workload``."""
    if cfg.workload == "static":
        return Flask(__name__, static_folder=cfg.static_dir, static_url_path="")
    app = Flask(__name__, static_folder=None)
    app.secret_key = SESSION_SECRET
    if cfg.workload in ("hello", "middleware"):
        app.add_url_rule("/", view_func=hello)
        if cfg.workload == "middleware":
            for _ in range(MIDDLEWARE_COUNT):
                app.before_request(passthrough)
    elif cfg.workload == "session":
        app.add_url_rule("/", view_func=counter)
    elif cfg.workload == "json":
        app.add_url_rule("/", view_func=echo, methods=["POST"])
    elif cfg.workload == "routes":
        for i in range(ROUTE_COUNT):
            app.add_url_rule(route_pattern(i, "<id>"), endpoint=f"r{i}", view_func=param)
    else:
        raise ValueError(f"unknown workload {cfg.workload!r}")
    return app


app = build(settings())
