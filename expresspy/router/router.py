"""Router: a stack of Layers walked by `next`, with Express 5's semantics.

A Layer pairs a path matcher with either a middleware function (`router.use`) or a Route (one
per `router.get(...)`/`router.route(...)`). Dispatch is an iterative loop: `next()` moves to the
next matching layer, `next(err)` skips to error handlers, `next("route")` leaves the current
route, `next("router")` leaves the router. Mounted middleware sees `req.url` and `req.base_url`
rewritten relative to its mount path, restored when it calls `next`.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

from expresspy.attributes import missing_attribute
from expresspy.http.methods import HTTP_METHODS
from expresspy.http.url import pathname_of, protohost_of, url_pathname
from expresspy.router.pattern import (
    MatchResult,
    Params,
    PathMatcher,
    PathSpec,
)
from expresspy.router.route import Route, route_method
from expresspy.runtime.dispatch import DONE, DispatchedRequest, Walk, drive, step_for
from expresspy.runtime.handler import Handler, flatten_handlers
from expresspy.runtime.next import Exchange, Next, new_next

if TYPE_CHECKING:
    from typing_extensions import Self

# HTTP_METHODS and url_pathname live in expresspy.http; re-exported for older imports.
__all__ = [
    "HTTP_METHODS",
    "Layer",
    "MethodsMixin",
    "RouteInfo",
    "RoutedRequest",
    "Router",
    "merge_params",
    "path_text",
    "split_use_arguments",
    "url_pathname",
]

logger = logging.getLogger("expresspy")


class RoutedRequest(DispatchedRequest, Protocol):
    """What routing needs of `req` beyond dispatch: the URL and method it matches (read again
    before each layer, so middleware may rewrite them), and the mount state it rewrites."""

    url: str
    method: str
    base_url: str
    params: Any


class Layer:
    """One entry of a router's stack: a path matcher and a handler or a Route."""

    __slots__ = ("handler", "matcher", "mounted_router", "path", "route")

    def __init__(
        self, path: PathSpec, matcher: PathMatcher, handler: Handler | None, route: Route | None
    ) -> None:
        self.path = path
        self.matcher = matcher
        self.handler = handler
        self.route = route
        # A Router mounted as middleware is walked in place (`_mounted_steps`): found once
        # here, not by a type check per request.
        self.mounted_router: Router | None = (
            handler.fn if handler is not None and type(handler.fn) is Router else None
        )


class _ParamState:
    """What `router.param` callbacks did for one parameter in this request.

    `match` is the value they ran for, `value` what they left in `req.params` (they may change
    it), `error` what they passed to `next` ("route" included).
    """

    __slots__ = ("error", "match", "value")

    def __init__(self, value: object) -> None:
        self.match = value
        self.value = value
        self.error: object = None


_F = TypeVar("_F", bound=Callable[..., Any])
_Owner = TypeVar("_Owner", covariant=True)


class _Verb(Protocol[_Owner]):
    """The type of `app.get`, `router.post`, ...: `r.get("/x", h1, h2)` registers and returns
    the router or app; `r.get("/x")` and `r.get("/x", validate)` (as a decorator: the app or
    router then takes the function) keep the decorated function's type."""

    @overload
    def __call__(self, path: PathSpec, /) -> Callable[[_F], _F]: ...

    @overload
    def __call__(self, path: PathSpec, handler: Any, /, *handlers: Any) -> _Owner: ...


class MethodsMixin:
    """`get/post/put/patch/delete/options/head/all` and every other Node method, in call and
    decorator form: `r.get("/x", h1, h2)` registers and returns `r`; `@r.get("/x")` decorates.
    """

    def _register(self, method: str | None, path: PathSpec, handlers: tuple[Any, ...]) -> Any:
        raise NotImplementedError

    def _append_to_last_route(self, fn: Any) -> Any:
        raise NotImplementedError

    def _method(self, method: str | None, path: PathSpec, handlers: tuple[Any, ...]) -> Any:
        if handlers:
            # Call form: registers now and returns the router/app. When it was the head of
            # a decorator (`@app.get("/x", validate)`), Python then calls the returned object
            # with the function: see `_append_to_last_route`.
            return self._register(method, path, handlers)

        def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
            self._register(method, path, (fn,))
            return fn

        return decorator

    @overload
    def ws(self, path: PathSpec, /) -> Callable[[_F], _F]: ...

    @overload
    def ws(self, path: PathSpec, handler: Any, /, *handlers: Any) -> Self: ...

    def ws(self, path: PathSpec, *handlers: Any) -> Any:
        """Handle WebSocket upgrades at `path` with `handler(ws, req[, next])`, express-ws's
        `app.ws`: the upgrade runs the middleware chain first, as a GET to
        `path + "/.websocket"` (see `expresspy.websocket.route`). Call and decorator forms."""
        from expresspy.websocket.route import (
            websocket_route_path,
            wrap_websocket_handler,
            wrap_websocket_handlers,
        )

        route_path = websocket_route_path(path)
        if handlers:
            return self._register("GET", route_path, wrap_websocket_handlers(handlers))

        def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
            self._register("GET", route_path, (wrap_websocket_handler(fn),))
            return fn

        return decorator

    if TYPE_CHECKING:
        # Typed as `_Verb`: the call form returns the router (or app), `@r.get("/x")` and
        # `@r.get("/x", validate)` keep the decorated function's type.
        get: _Verb[Self]
        post: _Verb[Self]
        put: _Verb[Self]
        patch: _Verb[Self]
        delete: _Verb[Self]
        options: _Verb[Self]
        head: _Verb[Self]
        all: _Verb[Self]
        # The rarer methods Node knows, made by __getattr__ at run time (m-search as m_search).
        acl: _Verb[Self]
        bind: _Verb[Self]
        checkout: _Verb[Self]
        connect: _Verb[Self]
        copy: _Verb[Self]
        link: _Verb[Self]
        lock: _Verb[Self]
        m_search: _Verb[Self]
        merge: _Verb[Self]
        mkactivity: _Verb[Self]
        mkcalendar: _Verb[Self]
        mkcol: _Verb[Self]
        move: _Verb[Self]
        notify: _Verb[Self]
        propfind: _Verb[Self]
        proppatch: _Verb[Self]
        purge: _Verb[Self]
        query: _Verb[Self]
        rebind: _Verb[Self]
        report: _Verb[Self]
        search: _Verb[Self]
        source: _Verb[Self]
        subscribe: _Verb[Self]
        trace: _Verb[Self]
        unbind: _Verb[Self]
        unlink: _Verb[Self]
        unlock: _Verb[Self]
        unsubscribe: _Verb[Self]

    else:  # hidden from mypy, so that a misspelt method is a type error

        def get(self, path, *handlers):
            """Handle GET (and HEAD) requests at `path`."""
            return self._method("GET", path, handlers)

        def post(self, path, *handlers):
            """Handle POST requests at `path`."""
            return self._method("POST", path, handlers)

        def put(self, path, *handlers):
            """Handle PUT requests at `path`."""
            return self._method("PUT", path, handlers)

        def patch(self, path, *handlers):
            """Handle PATCH requests at `path`."""
            return self._method("PATCH", path, handlers)

        def delete(self, path, *handlers):
            """Handle DELETE requests at `path`."""
            return self._method("DELETE", path, handlers)

        def options(self, path, *handlers):
            """Handle OPTIONS requests at `path` (replacing the automatic answer)."""
            return self._method("OPTIONS", path, handlers)

        def head(self, path, *handlers):
            """Handle HEAD requests at `path` (without it, GET handlers answer HEAD)."""
            return self._method("HEAD", path, handlers)

        def all(self, path, *handlers):
            """Handle every method at `path`."""
            return self._method(None, path, handlers)

        def __getattr__(self, name: str) -> Any:
            # The rarer methods Node knows (purge, propfind, query, m-search as m_search, ...).
            method = name.replace("_", "-")
            if method in HTTP_METHODS:
                return lambda path, *handlers: self._method(method.upper(), path, handlers)
            if name.startswith("__"):
                raise AttributeError(name)
            # why (a name not ported), or a did-you-mean (expresspy/attributes.py)
            raise missing_attribute(self, "router" if isinstance(self, Router) else "app", name)


class Router(MethodsMixin):
    """An isolated stack of middleware and routes: Express's `express.Router()`.

    Options as in Express: `case_sensitive` ("/Foo" differs from "/foo"), `strict` ("/foo/"
    differs from "/foo"), `merge_params` (keep the parent router's `req.params`). A Router is
    itself middleware: mount it with `app.use("/path", router)`.
    """

    def __init__(
        self,
        options: dict[str, Any] | None = None,
        *,
        case_sensitive: bool = False,
        merge_params: bool = False,
        strict: bool = False,
    ) -> None:
        if options:
            case_sensitive = bool(options.get("caseSensitive", case_sensitive))
            merge_params = bool(options.get("mergeParams", merge_params))
            strict = bool(options.get("strict", strict))
        self.case_sensitive = case_sensitive
        self.merge_params = merge_params
        self.strict = strict
        # What introspection sees as `router.__call__` (ASGI servers, handler registration):
        # the async middleware form, while calling the router also accepts one function.
        self.__dict__["__call__"] = self._as_middleware
        self._last_route: tuple[Route, str | None] | None = None
        self._stack: list[Layer] = []
        self.params: dict[str, list[Handler]] = {}
        # Layers that may match, by the request path's first segment (see `_candidates`).
        self._by_segment: dict[str, tuple[int, ...]] = {}

    @property
    def stack(self) -> list[Layer]:
        """The layers, in registration order (read-only view; register through the API)."""
        return self._stack

    def _add_layer(self, layer: Layer) -> None:
        self._stack.append(layer)
        self._by_segment.clear()

    # -- registration ---------------------------------------------------------------------

    @overload
    def use(self, path: PathSpec, /) -> Callable[[_F], _F]: ...

    @overload
    def use(self, *args: Any) -> Router: ...

    def use(self, *args: Any) -> Any:
        """Mount middleware at a path prefix (default "/"): `use(fn)`, `use("/api", fn, ...)`.

        Returns the router, so calls chain, as Express's do; with a path only
        (`@router.use("/api")`) a decorator that mounts the function and returns it.
        """
        path, handlers = split_use_arguments(args)
        if not handlers:
            if args:  # `@router.use("/api")`: a decorator that mounts the function
                return _use_decorator(self, path)
            raise TypeError("argument handler is required")
        for fn in handlers:
            if not callable(fn):
                raise TypeError("argument handler must be a function")
            matcher = PathMatcher(path, end=False, strict=False, sensitive=self.case_sensitive)
            self._add_layer(Layer(path, matcher, Handler(self._adapt(fn, path)), None))
        return self

    def use_first(self, fn: Callable[..., Any]) -> Any:
        """Put middleware before every layer registered so far (for tools that must see every
        request, such as the CLI's access log). Not an Express API."""
        self.use(fn)
        self._stack.insert(0, self._stack.pop())
        self._by_segment.clear()
        return self

    def _adapt(self, fn: Any, path: PathSpec) -> Any:
        """Turn what `use` was given into middleware: an app (an ASGI callable with a
        `_mounted` middleware form) runs as middleware, as Express lets `router.use(app)` do.
        Application's router overrides this to also set the sub-app's parent and mount path.
        """
        mounted = getattr(fn, "_mounted", None)
        return mounted if callable(mounted) else fn

    def route(self, path: PathSpec) -> Route:
        """Create a Route at `path` and return it, for `router.route("/x").get(h).post(h2)`."""
        route = Route(path)
        matcher = PathMatcher(path, end=True, strict=self.strict, sensitive=self.case_sensitive)
        self._add_layer(Layer(path, matcher, None, route))
        return route

    def _register(self, method: str | None, path: PathSpec, handlers: tuple[Any, ...]) -> Any:
        route = self.route(path).add(method, handlers)
        self._last_route = (route, method)
        return self

    def _append_to_last_route(self, fn: Any) -> Any:
        """Add `fn` after the handlers of the route registered last (the decorator form with
        middleware, `@router.get("/x", validate)`) and return `fn` unchanged."""
        if self._last_route is None or not callable(fn):
            raise TypeError(
                "a router is called as middleware with (req, res, next); called with one "
                "function it only ends a decorator such as @router.get('/x', validate)"
            )
        route, method = self._last_route
        self._last_route = None
        route.add(method, (fn,))
        return fn

    @overload
    def param(self, name: str, fn: None = None) -> Callable[[_F], _F]: ...

    @overload
    def param(self, name: str, fn: Callable[..., Any]) -> Any: ...

    def param(self, name: str, fn: Callable[..., Any] | None = None) -> Any:
        """Register `fn(req, res, next, value, name)` for the route parameter `name`.

        It runs once per request per value, before the first handler whose path has that
        parameter, and only for paths registered on this router (Express's scope rule).
        Without `fn`, returns a decorator: `@router.param("id")`.
        """
        if fn is None:

            def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
                self.param(name, f)
                return f

            return decorator
        if not isinstance(name, str):
            raise TypeError("argument name must be a string")
        if not name:
            raise TypeError("argument name is required")
        if not callable(fn):
            raise TypeError("argument fn must be a function")
        self.params.setdefault(name, []).append(Handler(fn))
        return self

    def list_routes(self, prefix: str = "") -> list[RouteInfo]:
        """Every route reachable through this router, mounted routers and sub-apps included.

        Each entry has the methods, the full path (mount paths joined) and the handlers, for
        `expresspy routes` and for tests. Regex paths are shown as their pattern.
        """
        routes: list[RouteInfo] = []
        for layer in self._stack:
            path = prefix + path_text(layer.path)
            if layer.route is not None:
                routes.append(
                    RouteInfo(
                        layer.route.listed_methods(), path, [h.fn for _, h in layer.route.stack]
                    )
                )
                continue
            assert layer.handler is not None
            mounted = _mounted_router(layer.handler.fn)
            if mounted is not None:
                routes.extend(mounted.list_routes("" if path == "/" else path.rstrip("/")))
        return routes

    def iter_handlers(self) -> Iterator[Callable[..., Any]]:
        """Every function registered on this router and, recursively, on the routers and
        sub-apps mounted on it: middleware, route handlers and `param` callbacks, each once,
        in stack order (for tools such as `expresspy sessions prune`)."""
        seen: set[int] = set()
        yield from self._handlers(seen)

    def _handlers(self, seen: set[int]) -> Iterator[Callable[..., Any]]:
        if id(self) in seen:
            return
        seen.add(id(self))
        for callbacks in self.params.values():
            yield from (handler.fn for handler in callbacks)
        for layer in self._stack:
            if layer.route is not None:
                yield from (handler.fn for _, handler in layer.route.stack)
                continue
            assert layer.handler is not None
            mounted = _mounted_router(layer.handler.fn)
            if mounted is not None:
                yield from mounted._handlers(seen)
            else:
                yield layer.handler.fn

    # -- dispatch -------------------------------------------------------------------------

    @overload
    def __call__(self, fn: _F, /) -> _F: ...

    @overload
    def __call__(self, req: Any, res: Any, next: Next, /) -> Coroutine[Any, Any, None]: ...

    def __call__(self, *args: Any) -> Any:
        """`router(req, res, next)` runs it as middleware (a coroutine to await);
        `router(fn)` ends a decorator with middleware, `@router.post("/", auth, validate)`:
        `fn` becomes the last handler of the route registered just before."""
        if len(args) == 1:
            return self._append_to_last_route(args[0])
        return self._as_middleware(*args)

    async def _as_middleware(self, req: Any, res: Any, next: Next) -> None:
        """Run as middleware: walk the stack, then hand the outcome to the parent's `next`."""
        outcome = await self.run(req, res)
        if outcome is not DONE:
            next(outcome)

    async def handle(self, req: Any, res: Any, callback: Callable[[Any], Any]) -> None:
        """Express's `router.handle(req, res, callback)`: run, then call back with the outcome
        (None, an error) unless a handler answered."""
        outcome = await self.run(req, res)
        if outcome is not DONE:
            callback(None if outcome == "router" else outcome)

    async def run(self, req: Any, res: Any, err: object = None) -> Any:
        """Walk the stack for `req`; return DONE, an error, or None when the stack ran out."""
        return await drive(self.walk(req, res, err), req, res)

    def walk(self, req: RoutedRequest, res: Any, err: object = None) -> Walk:
        """The walk of the stack for `req` (see `expresspy.runtime.dispatch`): yields the
        handler of each matching layer, returns DONE, an error, or None when the stack ran out.

        `_next_layer` chooses each layer; this runs it: its parameters, its `router.param`
        callbacks, then its route or its middleware (mounted at its path). The two share
        the walk's `_WalkState`.
        """
        url: str = req.url
        if not url:  # no pathname to match: Express runs no layer at all
            return err
        # No __init__ (a Python __init__ would be one more call per walk): every field is set
        # here (`method` by `_next_layer`, before it is read).
        state = _WalkState()
        state.protohost = "" if url[0] == "/" else protohost_of(url)  # origin-form: no call
        state.url = None  # the cursor points nowhere yet
        state.path = ""
        state.candidates = ()
        state.next_candidate = 0
        state.error = err
        known_method: str | None = req.method
        state.options_methods = [] if known_method == "OPTIONS" else None
        state.param_states = None
        # What the loop reads of the router and of `req` per layer, read once: each read on
        # either passes its class's __getattr__ hook, which Python 3.11 cannot specialise.
        state.stack = self._stack
        state.exchange = exchange = req._exchange
        merging = self.merge_params
        parent_url: str = req.base_url
        parent_params: Any = req.params
        # The first layer is chosen with the url and method just read (nothing ran since);
        # after a layer ran, `_next_layer` reads them again (a middleware may rewrite them).
        known_url: str | None = url
        while (selected := _next_layer(self, req, state, known_url, known_method)) is not None:
            known_url = known_method = None
            layer, (matched, params) = selected
            # The matcher builds a fresh Params per match, so it becomes req.params as it is.
            req.params = Params(merge_params(params, parent_params)) if merging else params
            if params and self.params:
                state.method = None  # a callback may rewrite req.method
                outcome = yield from self._param_steps(params, req, res, state)
                if outcome is not None:  # the response ended, or the callbacks skip the layer
                    if outcome is DONE:
                        return DONE
                    continue
            route = layer.route
            if route is not None:
                handlers = route.stack
                if len(handlers) == 1:  # most routes: `route.steps`, without its generator
                    method = route_method(route, req, state.method)
                    only_method, only = handlers[0]
                    if only.handles_requests and (only_method is None or only_method == method):
                        # step_for(only, None, ...) written out, as below: a Python call
                        # less for each handler a request runs
                        nxt = new_next(exchange)
                        outcome = yield only, (req, res, nxt)[: only.arity], nxt
                        if len(handlers) > 1:  # it added handlers to its route: run them too
                            rest = (islice(handlers, 1, None), method, outcome)
                            outcome = yield from route.steps(req, res, rest)
                        elif outcome == "route":
                            outcome = None
                    else:
                        outcome = None
                else:
                    outcome = yield from route.steps(req, res)
            else:
                handler = layer.handler
                assert handler is not None
                if not (
                    handler.handles_errors if state.error is not None else handler.handles_requests
                ):
                    continue
                mounted = layer.mounted_router
                if matched or mounted is not None:
                    outcome = yield from _mounted_steps(
                        handler, mounted, matched, parent_url, state, req, res
                    )
                else:  # middleware or an error handler at the root
                    nxt = new_next(exchange)
                    if handler.handles_errors:
                        outcome = yield handler, (state.error, req, res, nxt), nxt
                    else:
                        outcome = yield handler, (req, res, nxt)[: handler.arity], nxt
            if outcome is None:  # the usual `next()`: no string comparisons
                state.error = None
                continue
            if outcome is DONE:
                return DONE
            if outcome == "router":
                state.error = None
                break
            state.error = None if outcome == "route" else outcome
        req.base_url = parent_url
        req.params = parent_params
        return _stack_ran_out(res, state)

    def _param_steps(
        self, params: dict[str, Any], req: RoutedRequest, res: Any, walk: _WalkState
    ) -> Walk:
        """Run `router.param` callbacks for the matched parameters, once per value per request.

        Returns None to run the layer, DONE when a callback ended the response, or _SKIP when
        a callback passed an error (the walk's error from then on) or "route". A value seen
        before reuses what its callbacks left in `req.params`; an error (other than "route")
        they raised before is raised again for any later value, as Express does.
        """
        if walk.param_states is None:
            walk.param_states = {}
        outcome = yield from self._param_callbacks(params, req, res, walk.param_states)
        if outcome is None or outcome is DONE:
            return outcome
        if outcome != "route":
            walk.error = walk.error or outcome
        return _SKIP

    def _param_callbacks(
        self, params: dict[str, Any], req: RoutedRequest, res: Any, states: dict[str, _ParamState]
    ) -> Walk:
        """The callbacks of `_param_steps`: returns None, DONE, or what they passed to `next`."""
        for name in list(params):  # params may be req.params itself, which callbacks change
            callbacks = self.params.get(name)
            if callbacks is None:
                continue
            value = req.params[name]
            state = states.get(name)
            if state is not None and (
                state.match == value or (state.error is not None and state.error != "route")
            ):
                req.params[name] = state.value
                if state.error is not None:
                    return state.error
                continue
            state = states[name] = _ParamState(value)
            for callback in callbacks:
                nxt = new_next(req._exchange)
                args = (req, res, nxt, value, name)[: callback.arity]
                outcome = yield callback, args, nxt
                state.value = req.params.get(name)
                if outcome is DONE:
                    return DONE
                if outcome is not None:
                    state.error = outcome
                    return outcome
        return None


def _next_layer(
    router: Router,
    req: RoutedRequest,
    state: _WalkState,
    url: str | None,
    method: str | None,
) -> tuple[Layer, MatchResult] | None:
    """The walk's next layer whose path matches the request's path and whose route (if
    any) handles its method, with what its path matched; None when the stack ran out.

    The path and the method are read again each time, as Express does, so a middleware
    may rewrite `req.url` or `req.method` to re-route the request. A malformed %-escape
    in a parameter becomes the walk's error (400). `url` and `method`: `req.url` and
    `req.method` when the walk has just read them (None: read here); the method read is left
    in `state.method` for the walk. A function, not a method: one read of the router less.
    """
    if url is None:
        url = req.url
    if url is not state.url:  # the same object as last time: the path is unchanged
        state.url = url
        path = pathname_of(url, state.protohost)
        if path != state.path or not state.next_candidate:  # a rewrite, or the start
            # Go on after the last layer visited, among the layers that may match path.
            candidates = _candidates(router, path)
            visited = state.next_candidate
            state.next_candidate = (
                bisect.bisect_right(candidates, state.candidates[visited - 1]) if visited else 0
            )
            state.path = path
            state.candidates = candidates
    stack, path, candidates = state.stack, state.path, state.candidates
    index = state.next_candidate
    while index < len(candidates):
        layer = stack[candidates[index]]
        index += 1
        matcher = layer.matcher
        if matcher.match_all:  # `use(fn)` at "/": matches every path, consumes none
            state.next_candidate = index
            state.method = method
            return layer, ("", Params())
        try:
            found = matcher.match(path)
        except Exception as exc:
            state.error = state.error or exc
            continue
        if found is None:
            continue
        route = layer.route
        if route is not None:
            if state.error is not None:
                continue
            if method is None:  # read once per choice: no handler runs while it chooses
                method = req.method
            if method not in route.methods and not _runs_unnamed(route, method, state):
                continue
        state.next_candidate = index
        state.method = method
        return layer, found
    state.next_candidate = index
    return None


def _candidates(router: Router, path: str) -> tuple[int, ...]:
    """Positions of the layers that can match `path`, in order: those whose paths may
    start with its first segment (the segment as `pattern.PathMatcher.first_segments`
    sees it).

    Built once per segment and kept until a layer is added, so a request visits only
    the layers that could match it instead of every route of the app. A function, not a
    method: one read of the router less (it passes the router's __getattr__ hook).
    """
    end = path.find("/", 1)
    segment = path[1:] if end < 0 else path[1:end]
    if not router.case_sensitive:
        segment = segment.lower()
    found = router._by_segment.get(segment)
    if found is not None:
        return found
    if len(router._by_segment) >= 4096:  # bound the cache against random first segments
        router._by_segment.clear()
    found = tuple(
        position
        for position, layer in enumerate(router._stack)
        if layer.matcher.first_segments is None or segment in layer.matcher.first_segments
    )
    router._by_segment[segment] = found
    return found


_SKIP: Any = object()  # from _param_steps: the layer does not run


class _WalkState:
    """One walk of a router's stack: what `Router._next_layer` (choosing the next layer) and
    `Router.walk` (running it) share.

    The cursor is `_next_layer`'s: `url`, the `req.url` it last read, `path` its path,
    `candidates` the positions of the layers that may match that path and `next_candidate`
    the index of the next one to try. `error` is what the walk passes on (routes are skipped
    while there is one); `options_methods`, for an OPTIONS request, collects the methods of
    the routes whose path matched; `param_states` is made when a `router.param` callback runs.
    `stack` (the router's) and `exchange` (the request's) are read once per walk, not once per
    layer (reads on Router and Request pass their `__getattr__` hook).
    """

    __slots__ = (
        "candidates",
        "error",
        "exchange",
        "method",
        "next_candidate",
        "options_methods",
        "param_states",
        "path",
        "protohost",
        "stack",
        "url",
    )

    protohost: str  # the scheme://host of an absolute-form req.url, else ""
    url: str | None
    path: str
    candidates: tuple[int, ...]
    next_candidate: int
    error: object
    options_methods: list[str] | None
    param_states: dict[str, _ParamState] | None
    stack: list[Layer]  # the router's stack (the list itself: layers added later are seen)
    exchange: Exchange  # req._exchange
    method: str | None  # the req.method that chose the last layer, None after a callback ran


def _runs_unnamed(route: Route, method: str, state: _WalkState) -> bool:
    """Whether a route whose path matched runs for a `method` it does not name: as
    `Route.handles_method` says (HEAD runs GET routes, `all` every method), and for HEAD
    anyway, as in Express (it then finds no handler). For OPTIONS, the route's methods are
    collected for the automatic answer."""
    if route.handles_method(method):
        return True
    if state.options_methods is not None:
        state.options_methods.extend(route.allowed_methods())
    return method == "HEAD"


def _mounted_steps(
    handler: Handler,
    router: Router | None,
    matched: str,
    parent_url: str,
    state: _WalkState,
    req: RoutedRequest,
    res: Any,
) -> Walk:
    """Run middleware mounted at the path prefix `matched` (it sees `req.url` and
    `req.base_url` relative to it), or a mounted Router, walked in place instead of as a
    handler: no driver of its own, and a run of sync layers continues through it."""
    mount = _MountPoint(matched, state.protohost, parent_url) if matched else None
    slash_added = mount is not None and mount.enter(req)
    try:
        if router is not None:
            try:
                return (yield from router.walk(req, res))
            except Exception as exc:  # a failing walk, as a failing handler
                return exc
        return (yield step_for(handler, state.error, req, res, state.exchange))
    finally:
        if mount is not None:
            mount.leave(req, slash_added)


def _stack_ran_out(res: Any, state: _WalkState) -> Any:
    """The outcome of a walk that ran past its last layer: its error, or None; for an
    OPTIONS request whose path some routes matched, DONE once the automatic answer is sent."""
    if state.options_methods and state.error is None:
        _send_options(res, state.options_methods)
        return DONE
    return state.error


class _MountPoint:
    """Express's URL rewriting around a middleware mounted at a path prefix.

    Entering strips the matched prefix from `req.url` (keeping an absolute-form URL's
    scheme and host) and extends `req.base_url`; leaving puts the prefix back in front of
    whatever `req.url` is then, so a rewrite made by the middleware survives.
    """

    __slots__ = ("parent_url", "protohost", "removed")

    def __init__(self, removed: str, protohost: str, parent_url: str) -> None:
        self.removed = removed
        self.protohost = protohost
        self.parent_url = parent_url

    def enter(self, req: RoutedRequest) -> bool:
        removed, protohost = self.removed, self.protohost
        if not removed:
            return False
        url = protohost + req.url[len(protohost) + len(removed) :]
        slash_added = not protohost and not url.startswith("/")
        req.url = "/" + url if slash_added else url
        req.base_url = self.parent_url + (removed[:-1] if removed.endswith("/") else removed)
        return slash_added

    def leave(self, req: RoutedRequest, slash_added: bool) -> None:
        removed, protohost = self.removed, self.protohost
        if slash_added:
            url = req.url
            if (
                url == "/"
                or url.startswith("/?")
                or (removed.endswith("/") and url.startswith("/"))
            ):
                req.url = url[1:]
        if removed:
            req.base_url = self.parent_url
            req.url = protohost + removed + req.url[len(protohost) :]


def merge_params(params: dict[str, Any], parent: Any) -> dict[str, Any]:
    """Express's mergeParams: parent's parameters under the child's, numeric keys shifted.

    When both have positional captures ("0", "1", ...), the child's are renumbered to follow
    the parent's, so none is lost. A parent that is not a mapping is ignored.
    """
    if not isinstance(parent, dict):
        return params
    merged = dict(parent)
    if "0" not in params or "0" not in parent:
        merged.update(params)
        return merged
    child_count = 0
    while str(child_count) in params:
        child_count += 1
    parent_count = 0
    while str(parent_count) in parent:
        parent_count += 1
    shifted = {k: v for k, v in params.items() if not k.isdigit()}
    for index in range(child_count):
        shifted[str(index + parent_count)] = params[str(index)]
    merged.update(shifted)
    return merged


def _use_decorator(owner: Any, path: PathSpec) -> Callable[[Any], Any]:
    """`@owner.use(path)`: mount the decorated function at `path` and return it unchanged."""

    def decorator(fn: Any) -> Any:
        owner.use(path, fn)
        return fn

    return decorator


def split_use_arguments(args: tuple[Any, ...]) -> tuple[PathSpec, list[Any]]:
    """Express's reading of `use([path], ...fns)`: the first argument is the path unless it
    (or the first leaf of a nested list) is a function."""
    if not args:
        return "/", []
    first = args[0]
    leaf = first
    while isinstance(leaf, (list, tuple)) and leaf:
        leaf = leaf[0]
    if callable(leaf):
        return "/", flatten_handlers(args)
    return first, flatten_handlers(args[1:])


@dataclass(frozen=True)
class RouteInfo:
    """One route as `Router.list_routes` reports it."""

    methods: list[str]
    path: str
    handlers: list[Callable[..., Any]]


def path_text(path: PathSpec, joiner: str = "|") -> str:
    """A path spec as text: a regex by its pattern, a list joined with `joiner`."""
    if isinstance(path, str):
        return path
    if isinstance(path, re.Pattern):
        return path.pattern
    return joiner.join(path_text(p, joiner) for p in path)


def _mounted_router(fn: Any) -> Router | None:
    if isinstance(fn, Router):
        return fn
    owner = getattr(fn, "__self__", None)  # a sub-app's bound `_mounted`
    router = getattr(owner, "router", None)
    return router if isinstance(router, Router) else None


def _send_options(res: Any, methods: list[str]) -> None:
    """Express's automatic OPTIONS answer: 200 with the sorted, unique allowed methods."""
    allow = ", ".join(sorted(set(methods)))
    res.status(200)
    res.set_header("Allow", allow)
    res.set_header("Content-Length", str(len(allow)))
    res.set_header("Content-Type", "text/plain")
    res.set_header("X-Content-Type-Options", "nosniff")
    res.end(allow)
