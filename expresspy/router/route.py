"""Route: the handlers registered for one path, per HTTP method, and the walk of them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from expresspy.http.methods import HTTP_METHODS
from expresspy.router.pattern import PathSpec
from expresspy.runtime.dispatch import DONE, Walk, drive, step_for
from expresspy.runtime.handler import Handler, flatten_handlers

__all__ = ["DONE", "Route", "route_method"]

_Resume = tuple[Iterator[tuple[str | None, Handler]], str, object]


class Route:
    """The stack of handlers for one path; `route.get(h).post(h2)` chains like Express's."""

    def __init__(self, path: PathSpec) -> None:
        self.path = path
        self.stack: list[tuple[str | None, Handler]] = []
        self.methods: set[str] = set()
        self._all = False

    def add(self, method: str | None, handlers: tuple[Any, ...]) -> Route:
        """Add handlers for `method` (upper-case name, or None for every method)."""
        fns = flatten_handlers(handlers)
        if not fns:
            raise TypeError("argument handler is required")
        for fn in fns:
            if not callable(fn):
                raise TypeError("argument handler must be a function")
            self.stack.append((method, Handler(fn)))
        if method is None:
            self._all = True
        else:
            self.methods.add(method)
        return self

    def handles_method(self, method: str) -> bool:
        """Whether a request with `method` runs this route (HEAD runs GET routes)."""
        if self._all or method in self.methods:
            return True
        return method == "HEAD" and "GET" in self.methods

    def allowed_methods(self) -> list[str]:
        """Methods this route answers, for the automatic OPTIONS response (GET implies HEAD)."""
        methods = set(self.methods)
        if "GET" in methods:
            methods.add("HEAD")
        return sorted(methods)

    def listed_methods(self) -> list[str]:
        """The methods to show for this route ("ALL" for `app.all`), sorted."""
        return sorted(self.methods) + (["ALL"] if self._all else [])

    async def dispatch(self, req: Any, res: Any) -> Any:
        """Run the handlers matching the request's method; return the outcome for the router."""
        return await drive(self.steps(req, res), req, res)

    def steps(self, req: Any, res: Any, resume: _Resume | None = None) -> Walk:
        """The walk of this route's stack for `req` (see `expresspy.runtime.dispatch`): yields
        each handler matching the method, returns the outcome for the router.

        `resume` goes on after the first handler, which the router ran itself (a route with
        one handler, to which that handler added more while it ran): the handlers after
        it, the method and that handler's outcome."""
        handlers: Iterable[tuple[str | None, Handler]]
        if resume is None:
            method = route_method(self, req)
            handlers, error = self.stack, None
        else:
            handlers, method, error = resume
            if error is DONE or error == "router":
                return error
            if error == "route":
                return None
        for handler_method, handler in handlers:
            if handler_method is not None and handler_method != method:
                continue
            if error is not None:
                if not handler.handles_errors:
                    continue
            elif not handler.handles_requests:
                continue
            outcome = yield step_for(handler, error, req, res)
            if outcome is DONE or outcome == "router":
                return outcome
            if outcome == "route":
                return None
            error = outcome
        return error

    def __getattr__(self, name: str) -> Any:
        # route.get(...), route.post(...), route.propfind(...): every method Node knows.
        if name in HTTP_METHODS or name == "all":
            method = None if name == "all" else name.upper()
            return lambda *handlers: self.add(method, handlers)
        raise AttributeError(name)


def route_method(route: Route, req: Any, method: str | None = None) -> str:
    """The method `route`'s handlers are chosen by for `req` (HEAD runs the GET handlers of
    a route that names no HEAD); sets `req.route`, as `Route.steps` does first. `method`:
    `req.method` when the caller has just read it (None: read here)."""
    if method is None:
        method = req.method
    if method == "HEAD" and "HEAD" not in route.methods:
        method = "GET"
    req.route = route
    return method
