"""expresspy: Express.js's programming model in Python.

from expresspy import express, session

app = express()

@app.get("/")
def home(req, res):
    res.send("Hello")

app.listen(3000)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from expresspy.application import Application
from expresspy.errors import HTTPError

# Imported here for the same reason as `session` below: `passport` is the shared
# Authenticator, not the `expresspy.passport` package.
from expresspy.passport import passport
from expresspy.request import Request
from expresspy.response import Response
from expresspy.router import Route, Router
from expresspy.session import CookieStore, MemoryStore, SQLiteStore, Store

if TYPE_CHECKING:
    from expresspy.middleware import body as _body
    from expresspy.middleware.static import static as _static
    from expresspy.session import session
else:  # the package itself, which is callable as session() (expresspy/session/__init__.py)
    from expresspy import session
from expresspy.types import ErrorMiddleware, Middleware, Next, RequestHandler

# Built-in middleware reachable as express.json(), express.static(), ... : module and name.
_MIDDLEWARE = {
    "json": ("expresspy.middleware.body", "json"),
    "urlencoded": ("expresspy.middleware.body", "urlencoded"),
    "text": ("expresspy.middleware.body", "text"),
    "raw": ("expresspy.middleware.body", "raw"),
    "static": ("expresspy.middleware.static", "static"),
}


class _Express:
    """`express`: call it for an app; it also carries `json`, `static`, `Router`, ... ."""

    Router = Router
    Route = Route

    def __call__(self) -> Application:
        """Create a new application."""
        return Application()

    if TYPE_CHECKING:
        # What the type checker sees: the middleware factories themselves, with their
        # signatures (a misspelt `express.jsno` is a type error, not Any).
        json = staticmethod(_body.json)
        urlencoded = staticmethod(_body.urlencoded)
        text = staticmethod(_body.text)
        raw = staticmethod(_body.raw)
        static = staticmethod(_static)
    else:

        def __getattr__(self, name: str) -> Any:
            # Middleware modules are imported when first used, keeping `import expresspy`
            # light.
            if name in _MIDDLEWARE:
                module, attr = _MIDDLEWARE[name]
                return getattr(importlib.import_module(module), attr)
            raise AttributeError(f"express has no attribute {name!r}")


express = _Express()


__all__ = [
    "Application",
    "CookieStore",
    "ErrorMiddleware",
    "HTTPError",
    "MemoryStore",
    "Middleware",
    "Next",
    "Request",
    "RequestHandler",
    "Response",
    "Route",
    "Router",
    "SQLiteStore",
    "Store",
    "express",
    "passport",
    "session",
]
