"""`method_override()`: let HTML forms use PUT, DELETE and the rest (the method-override package).

    app.use(method_override("_method"))            # <form method="post" action="/x?_method=put">
    app.use(method_override("X-HTTP-Method-Override"))   # the default: a request header

The getter is a header name when it starts with `X-` (then `Vary` names it), otherwise a query
key, or a function `getter(req, res)`. Only requests whose original method is in `methods`
(default POST) are rewritten, and only to a method Node knows; `req.original_method` keeps the
method the client sent. Routing reads `req.method` again before each layer, so later layers
see the new method.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from expresspy.http.methods import HTTP_METHODS
from expresspy.middleware._options import Middleware, gather

Getter = Callable[[Any, Any], Any]

DEFAULT_GETTER = "X-HTTP-Method-Override"


def _header_getter(name: str) -> Getter:
    lower = name.lower()

    def from_header(req: Any, res: Any) -> str | None:
        res.vary(name)
        value = req.headers.get(lower)
        if not value:
            return None
        return str(value).split(",", 1)[0].strip()  # repeated headers: the first value

    return from_header


def _query_getter(key: str) -> Getter:
    def from_query(req: Any, res: Any) -> Any:
        # The raw query, whatever the app's query parser setting, as method-override reads it.
        from expresspy.request import simple_query_parser

        url: str = req.url
        return simple_query_parser(url.split("?", 1)[1]).get(key) if "?" in url else None

    return from_query


def _getter(spec: str | Getter) -> Getter:
    if callable(spec):
        return spec
    return _header_getter(spec) if spec[:2].upper() == "X-" else _query_getter(spec)


def method_override(
    getter: str | Getter = DEFAULT_GETTER,
    options: Mapping[str, Any] | None = None,
    /,
    **keywords: Any,
) -> Middleware:
    """Return middleware that replaces `req.method` with the one the getter names.

    `methods` (default `["POST"]`; None for every method) limits which original methods may be
    overridden. An unknown method in the override is ignored.
    """
    settings = gather("method_override()", options, keywords, {"methods": ["POST"]})
    allowed: Sequence[str] | None = settings["methods"]
    get = _getter(getter)

    # async: it never blocks, so it runs on the loop instead of hopping to a worker thread
    async def method_override_middleware(req: Any, res: Any, next: Callable[..., None]) -> None:
        original = req.original_method or req.method
        req.original_method = original
        if allowed is not None and original not in allowed:
            next()
            return
        value = get(req, res)
        method = value[0] if isinstance(value, list) and value else value
        if isinstance(method, str) and method.lower() in HTTP_METHODS:
            req.method = method.upper()
        next()

    method_override_middleware.__name__ = "method_override"
    return method_override_middleware
