"""`cors(...)`: Cross-Origin Resource Sharing headers, as the npm package cors 2.8.

    app.use(cors())                                    # Access-Control-Allow-Origin: *
    app.use(cors(origin=["https://a.example", re.compile(r"\\.example\\.org$")],
                 credentials=True, max_age=600))

Options (keywords, or one dict with cors's camelCase names):

- `origin`: "*" (default, any origin); a str (always sent, with `Vary: Origin`); True (reflect
  the request's Origin); False (no CORS headers at all); a compiled regex, or a list of strs
  and regexes, matched against the request's Origin (reflected when allowed); or a callable
  `origin(request_origin) -> any of those` (sync or async; raising goes to `next(err)`).
- `methods`: str or list (default "GET,HEAD,PUT,PATCH,POST,DELETE"), for preflights.
- `allowed_headers` (alias `headers`): str or list; when unset, a preflight reflects
  Access-Control-Request-Headers and adds `Vary: Access-Control-Request-Headers`.
- `exposed_headers`: str or list. `credentials`: True adds Allow-Credentials.
- `max_age`: Access-Control-Max-Age in **seconds** (cors's `maxAge` is seconds too, unlike
  Express's durations, so copied code keeps its meaning).
- `preflight_continue`: pass OPTIONS on to later handlers instead of answering it.
- `options_success_status`: the preflight status (default 204; some old browsers want 200).

Like cors, every OPTIONS request is treated as a preflight. `cors(fn)` with a callable
instead of options calls `fn(req)` per request for the options (sync or async).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from expresspy.middleware._options import Middleware, gather

__all__ = ["cors"]


#: cors's defaults.
DEFAULTS: Mapping[str, Any] = {
    "origin": "*",
    "methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
    "allowed_headers": None,
    "headers": None,
    "exposed_headers": None,
    "credentials": False,
    "max_age": None,
    "preflight_continue": False,
    "options_success_status": 204,
}


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _joined(value: str | Sequence[str] | None) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    return ",".join(value) or None


def _allowed(origin: str | None, allowed: Any) -> bool:
    """cors's isOriginAllowed: lists recurse, strs compare, regexes search, else truthiness."""
    if isinstance(allowed, (list, tuple)):
        return any(_allowed(origin, item) for item in allowed)
    if isinstance(allowed, str):
        return origin == allowed
    if isinstance(allowed, re.Pattern):
        return origin is not None and allowed.search(origin) is not None
    return bool(allowed)


def _set_origin(res: Any, origin: Any, request_origin: str | None) -> None:
    if origin == "*":
        res.set_header("Access-Control-Allow-Origin", "*")
        return
    if isinstance(origin, str):
        res.set_header("Access-Control-Allow-Origin", origin)
    elif request_origin and _allowed(request_origin, origin):
        res.set_header("Access-Control-Allow-Origin", request_origin)
    res.vary("Origin")


def _set_common(
    res: Any, settings: Mapping[str, Any], origin: Any, request_origin: str | None
) -> None:
    _set_origin(res, origin, request_origin)
    if settings["credentials"] is True:
        res.set_header("Access-Control-Allow-Credentials", "true")


def _set_exposed(res: Any, settings: Mapping[str, Any]) -> None:
    exposed = _joined(settings["exposed_headers"])
    if exposed:
        res.set_header("Access-Control-Expose-Headers", exposed)


def _set_preflight(req: Any, res: Any, settings: Mapping[str, Any]) -> None:
    methods = _joined(settings["methods"])
    if methods:
        res.set_header("Access-Control-Allow-Methods", methods)
    allowed = _joined(settings["allowed_headers"] or settings["headers"])
    if allowed is None:
        allowed = req.headers.get("access-control-request-headers") or None
        res.vary("Access-Control-Request-Headers")
    if allowed:
        res.set_header("Access-Control-Allow-Headers", allowed)
    max_age = settings["max_age"]
    if max_age is not None and max_age is not False and str(max_age):
        res.set_header("Access-Control-Max-Age", str(max_age))


async def _apply(
    req: Any, res: Any, next: Callable[..., None], settings: Mapping[str, Any]
) -> None:
    origin = settings["origin"]
    request_origin: str | None = req.headers.get("origin")
    if callable(origin) and not isinstance(origin, re.Pattern):
        origin = await _maybe_await(origin(request_origin))
    if not origin:
        next()
        return
    _set_common(res, settings, origin, request_origin)
    if req.method.upper() != "OPTIONS":
        _set_exposed(res, settings)
        next()
        return
    _set_preflight(req, res, settings)
    _set_exposed(res, settings)
    if settings["preflight_continue"]:
        next()
        return
    res.status_code = settings["options_success_status"]
    res.set_header("Content-Length", "0")
    res.end()


def cors(
    options: Mapping[str, Any] | Callable[[Any], Any] | None = None, /, **keywords: Any
) -> Middleware:
    """Middleware adding CORS headers and answering preflights; see the module docstring."""
    delegate = options if callable(options) else None
    fixed = (
        None
        if delegate is not None
        else gather("cors()", options if isinstance(options, Mapping) else None, keywords, DEFAULTS)
    )

    async def corsMiddleware(req: Any, res: Any, next: Callable[..., None]) -> None:
        settings = fixed
        if delegate is not None:
            try:
                given = await _maybe_await(delegate(req))
                settings = gather("cors()", given or {}, keywords, DEFAULTS)
            except Exception as exc:
                next(exc)
                return
        assert settings is not None
        try:
            await _apply(req, res, next, settings)
        except Exception as exc:
            next(exc)

    return corsMiddleware
