"""The types of handler signatures: ``Next``, ``Middleware`` and friends, for annotations.

    from expresspy import Next, Request, Response

    async def audit(req: Request, res: Response, next: Next) -> None:
        req.user = await load_user(req)
        next()

A handler may be ``def`` or ``async def``; what it returns is ignored (an ``async def``'s
coroutine is awaited). This module only names shapes: it imports nothing from the core at run
time, so every part of the package can use it without an import cycle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from expresspy.request import Request
    from expresspy.response import Response

__all__ = ["ErrorMiddleware", "Middleware", "Next", "RequestHandler"]


class Next(Protocol):
    """Express's ``next``: ``next()`` runs the next matching handler; ``next(err)`` skips to
    the error handlers; ``next("route")`` leaves the current route; ``next("router")`` leaves
    the current router. Only the first call counts; safe to call from any thread."""

    def __call__(self, err: Any = None, /) -> None:
        """Pass control on (see the class docstring for the values ``err`` may take)."""


#: A middleware or route handler: ``(req, res, next)``, plain or ``async def``.
Middleware = Callable[["Request", "Response", Next], "Awaitable[None] | None"]

#: A route handler that never calls ``next``: ``(req, res)``.
RequestHandler = Callable[["Request", "Response"], "Awaitable[None] | None"]

#: An error-handling middleware: ``(err, req, res, next)``, told apart by its four parameters.
ErrorMiddleware = Callable[[BaseException, "Request", "Response", Next], "Awaitable[None] | None"]
