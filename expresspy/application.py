"""Application: `express()`'s app, with its settings, its router, and its ASGI 3 entry point.

The app is an ASGI 3 callable, so any ASGI server (the built-in one, uvicorn, hypercorn) can
serve it; `app.listen()` runs the built-in server. Everything Express decides when a setting
changes (ETag function, query parser, trust proxy) is compiled in `set`, never per request.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine, MutableMapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from expresspy import finalhandler, unanswered
from expresspy.environment import environment
from expresspy.extensions import Extensions
from expresspy.http.etag import EtagFunction, compile_etag_setting
from expresspy.refcycle import release
from expresspy.request import Request, simple_query_parser
from expresspy.response import Response
from expresspy.router.pattern import PathSpec
from expresspy.router.route import DONE, Route
from expresspy.router.router import (
    MethodsMixin,
    Router,
    _use_decorator,
    path_text,
    split_use_arguments,
)
from expresspy.runtime.dispatch import drive
from expresspy.runtime.executor import SyncHandlers
from expresspy.runtime.next import Exchange, Next
from expresspy.trust import TrustFunction, compile_trust

if TYPE_CHECKING:
    from expresspy.server.types import NativeExchange

logger = logging.getLogger("expresspy")

QueryParser = Callable[[str], Any]
_F = TypeVar("_F", bound=Callable[..., Any])
#: Express's settings, which `app.get(name)` reads (types only: any other name reads too).
SettingName = Literal[
    "case sensitive routing",
    "env",
    "etag",
    "jsonp callback name",
    "json escape",
    "json replacer",
    "json spaces",
    "query parser",
    "strict routing",
    "subdomain offset",
    "trust proxy",
    "view",
    "views",
    "view cache",
    "view engine",
    "etag fn",
    "query parser fn",
    "trust proxy fn",
    "response warning",
    "x-powered-by",
    "sync handlers",
]
_TRUST_NOTHING = compile_trust(False)


def _compile_query_parser(value: Any) -> QueryParser | None:
    if callable(value):
        return value  # type: ignore[no-any-return]
    if value is True or value == "simple":
        return simple_query_parser
    if value == "extended":
        from expresspy.http.qs import extended_query_parser

        return extended_query_parser
    if value is False:
        return None
    raise TypeError(f"unknown value for query parser function: {value!r}")


class Application(MethodsMixin):
    """An Express application. Create it with `express()`."""

    def __init__(self) -> None:
        self._settings: dict[str, Any] = {}
        self._listeners: dict[str, list[Callable[..., Any]]] = {}
        self._router: Router | None = None
        self._sync = SyncHandlers()  # where plain `def` handlers run (runtime/executor.py)
        self._etag_fn: EtagFunction | None = None
        self._query_parser: QueryParser | None = None
        self._trust_set_explicitly = False
        self.parent: Application | None = None
        self.mountpath: PathSpec = "/"
        self.locals: dict[str, Any] = {"settings": self._settings}
        self.engines: dict[str, Callable[..., Any]] = {}
        self.cache: dict[str, Any] = {}  # compiled views, when the `view cache` setting is on
        self.request = Extensions()
        self._unanswered = unanswered.Watch()  # the `response warning` setting
        self.response = Extensions()
        # ASGI servers decide "ASGI 3" by `app.__call__` being a coroutine function: they see
        # the async entry point, while calling the app also ends a decorator (`__call__`).
        self.__dict__["__call__"] = self._asgi
        self._default_configuration()

    def _default_configuration(self) -> None:
        env = environment()
        self.set("env", env)
        self.set("x-powered-by", True)
        self.set("etag", "weak")
        self.set("query parser", "simple")
        self.set("subdomain offset", 2)
        self.set("trust proxy", False)
        self._trust_set_explicitly = False
        self.set("jsonp callback name", "callback")
        self.set("views", os.path.abspath("views"))
        self.set("view cache", env == "production")
        self.set("sync handlers", "thread")
        self.set(unanswered.SETTING, unanswered.default_for(env))

    # -- settings -------------------------------------------------------------------------

    def set(self, name: str, *value: Any) -> Any:
        """`app.set(name, value)` sets a setting and returns the app; `app.set(name)` reads."""
        if not value:
            return self._setting(name)
        val = value[0]
        self._settings[name] = val
        # Compiled forms are settings too ("etag fn", ...), as in Express; the hot path reads
        # attributes instead of the settings dict.
        if name == "etag":
            self._etag_fn = self._settings["etag fn"] = compile_etag_setting(val)
        elif name == "query parser":
            self._query_parser = self._settings["query parser fn"] = _compile_query_parser(val)
        elif name == "trust proxy":
            self._settings["trust proxy fn"] = compile_trust(val)
            self._trust_set_explicitly = True
        elif name == "sync handlers":
            if val not in ("thread", "inline"):
                raise ValueError('setting "sync handlers" must be "thread" or "inline"')
            self._sync.inline = val == "inline"
        elif name == unanswered.SETTING:
            unanswered.check_setting(val)
        return self

    def _setting(self, name: str) -> Any:
        if name in self._settings:
            return self._settings[name]
        return self.parent._setting(name) if self.parent is not None else None

    def enable(self, name: str) -> Application:
        """Set a boolean setting to True."""
        return self.set(name, True)  # type: ignore[no-any-return]

    def disable(self, name: str) -> Application:
        """Set a boolean setting to False."""
        return self.set(name, False)  # type: ignore[no-any-return]

    def enabled(self, name: str) -> bool:
        """Whether a setting is truthy."""
        return bool(self._setting(name))

    def disabled(self, name: str) -> bool:
        """Whether a setting is falsy."""
        return not self._setting(name)

    @property
    def settings(self) -> dict[str, Any]:
        """This app's own settings (read others through `app.get(name)`)."""
        return self._settings

    @property
    def _trust_proxy(self) -> TrustFunction:
        trust: TrustFunction = self._setting("trust proxy fn") or _TRUST_NOTHING
        return trust

    # -- events ---------------------------------------------------------------------------

    @overload
    def on(self, event: str, fn: None = None) -> Callable[[_F], _F]: ...

    @overload
    def on(self, event: str, fn: Callable[..., Any]) -> Any: ...

    def on(self, event: str, fn: Callable[..., Any] | None = None) -> Any:
        """Listen for "mount" (`fn(parent)`), "startup" or "shutdown" (ASGI lifespan).

        Works as a decorator too: `@app.on("startup")`.
        """
        if fn is None:

            def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
                self._listeners.setdefault(event, []).append(f)
                return f

            return decorator
        self._listeners.setdefault(event, []).append(fn)
        return self

    async def emit(self, event: str, *args: Any) -> None:
        """Call every listener of `event` in order; async listeners are awaited."""
        for fn in self._listeners.get(event, []):
            result = fn(*args)
            if asyncio.iscoroutine(result):
                await result

    # -- routing --------------------------------------------------------------------------

    @property
    def router(self) -> Router:
        """The app's base router, created on first use with the routing settings of that moment."""
        if self._router is None:
            self._router = Router(
                case_sensitive=bool(self._setting("case sensitive routing")),
                strict=bool(self._setting("strict routing")),
            )
            self._router._adapt = self._adapt_mounted  # type: ignore[method-assign]
        return self._router

    @overload
    def use(self, path: PathSpec, /) -> Callable[[_F], _F]: ...

    @overload
    def use(self, *args: Any) -> Application: ...

    def use(self, *args: Any) -> Any:
        """Mount middleware, routers or whole sub-apps, optionally under a path prefix.

        Returns the app, as Express does; with a path only (`@app.use("/api")`) it returns
        a decorator that mounts the function and gives it back unchanged."""
        path, handlers = split_use_arguments(args)
        if not handlers:
            if args:  # `@app.use("/api")`: a decorator that mounts the function
                return _use_decorator(self, path)
            raise TypeError("app.use() requires a middleware function")
        self.router.use(path, *handlers)
        return self

    def _adapt_mounted(self, fn: Any, path: PathSpec) -> Any:
        if isinstance(fn, Application):
            fn.mountpath = path
            fn.parent = self
            fn._sync.parent = self._sync
            if not fn._trust_set_explicitly:  # inherit the parent's, as Express does
                fn._settings.pop("trust proxy", None)
                fn._settings.pop("trust proxy fn", None)
            for listener in fn._listeners.get("mount", []):
                listener(self)
            return fn._mounted
        return fn

    async def _mounted(self, req: Request, res: Response, next: Next) -> None:
        """Run this app as middleware of its parent: its own settings, then back."""
        parent_app = req.app
        req.app = res.app = self  # Express re-prototypes req and res: the sub-app's settings
        if self._settings.get("x-powered-by") and not res.headers_sent:
            res.set_header("X-Powered-By", "Express")
        try:
            outcome = await self.router.run(req, res)
        finally:
            req.app = res.app = parent_app
        if outcome is not DONE:
            next(outcome)

    def route(self, path: PathSpec) -> Route:
        """A Route at `path`, for `app.route("/book").get(h).post(h2)`."""
        return self.router.route(path)

    @overload
    def param(self, name: str | list[str], fn: None = None) -> Callable[[_F], _F]: ...

    @overload
    def param(self, name: str | list[str], fn: Callable[..., Any]) -> Any: ...

    def param(self, name: str | list[str], fn: Callable[..., Any] | None = None) -> Any:
        """Register a route-parameter callback (see `Router.param`); a decorator without fn."""
        if fn is None:

            def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
                self.param(name, f)
                return f

            return decorator
        for one in name if isinstance(name, list) else [name]:  # only the app takes a list
            self.router.param(one, fn)
        return self

    def _register(self, method: str | None, path: PathSpec, handlers: tuple[Any, ...]) -> Any:
        self.router._register(method, path, handlers)
        return self

    def _append_to_last_route(self, fn: Any) -> Any:
        return self.router._append_to_last_route(fn)

    # A setting's name is a str, as a path is: the first overload wins for those names, and
    # makes this signature differ from the other methods' (hence the ignore).
    @overload  # type: ignore[override]
    def get(self, name: SettingName, /) -> Any: ...

    @overload
    def get(self, path: PathSpec, /) -> Callable[[_F], _F]: ...

    @overload
    def get(self, path: PathSpec, handler: Any, /, *handlers: Any) -> Application: ...

    def get(self, path: PathSpec, *handlers: Any) -> Any:
        """`app.get(name)` reads a setting; `app.get(path, *handlers)` routes GET requests."""
        if not handlers and isinstance(path, str) and not _looks_like_route(path):
            return self._setting(path)
        return super().get(path, *handlers)

    def engine(self, ext: str, fn: Callable[..., Any]) -> Application:
        """Register a template engine `fn(path, options, callback)` for files ending in `ext`."""
        from expresspy.view import register_engine

        register_engine(self.engines, ext, fn)
        return self

    def render(self, name: str, options: Any = None, callback: Any = None) -> None:
        """Render view `name` with `options` (app.locals merged) and call
        `callback(err, html)`; `render(name, callback)` works too, as in Express."""
        from expresspy.view import render

        if callable(options):
            options, callback = None, options
        render(self, name, options, callback)

    def path(self) -> str:
        """The app's absolute mount path ("" for the root app)."""
        if self.parent is None:
            return ""
        # A list of mount paths prints as JavaScript's array toString: "/a,/b".
        return self.parent.path() + path_text(self.mountpath, joiner=",")

    # -- serving --------------------------------------------------------------------------

    @overload
    def __call__(self, fn: _F, /) -> _F: ...

    @overload
    def __call__(
        self, scope: MutableMapping[str, Any], receive: Any, send: Any, /
    ) -> Coroutine[Any, Any, None]: ...

    def __call__(self, *args: Any) -> Any:
        """`app(scope, receive, send)`: the ASGI 3 entry point (a coroutine to await).
        `app(fn)`: the end of a decorator with middleware, `@app.get("/x", validate)`
        (the call form registered the route and returned the app; `fn` becomes its last
        handler and is returned unchanged)."""
        if len(args) == 1:
            return self._append_to_last_route(args[0])
        if len(args) == 3 and args[0]["type"] == "http":  # per request: no coroutine between
            return self._serve(None, *args)
        return self._asgi(*args)

    async def _asgi(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        """The ASGI 3 entry point."""
        kind = scope["type"]
        if kind == "http":
            await self._serve(None, scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            from expresspy.websocket.upgrade import serve_websocket

            await serve_websocket(self, scope, receive, send)
        else:
            raise RuntimeError(f"expresspy does not handle ASGI {kind!r} connections")

    def serve_native(self, exchange: NativeExchange) -> Coroutine[Any, Any, None]:
        """The built-in server's native entry (`expresspy.server.types.NativeApp`): serve one
        HTTP request from the server's exchange, with no ASGI scope unless something reads
        `req.scope` and, for a whole response, one `exchange.respond` call instead of two
        ASGI messages. Behaves exactly as the ASGI entry; other servers use that one."""
        return self._serve(exchange, None, exchange.receive, exchange.send)

    async def _serve(
        self,
        native: NativeExchange | None,
        scope: MutableMapping[str, Any] | None,
        receive: Any,
        send: Any,
    ) -> None:
        """One HTTP request, from an ASGI scope or from the built-in server's native exchange
        (one coroutine either way: `release` below needs req and res held by this frame only)."""
        # Every attribute read on the app passes its __getattr__ hook (MethodsMixin's), which
        # Python 3.11 cannot specialise: each is read once here (docs/performance.md).
        # The native exchange knows its loop: asyncio.get_running_loop() costs Python 3.11 a
        # getpid() system call on every request
        loop = native.loop if native is not None else asyncio.get_running_loop()
        sync = self._sync
        if sync.pool is None:  # the thread pool is made on the first request
            sync.start()
        req = Request(self, scope, receive, Exchange(loop), native)
        res = Response(self, req, send, loop)
        if native is not None:
            res._respond = native.respond
        req.res = res
        settings = self._settings
        if settings.get("x-powered-by"):
            res._headers["x-powered-by"] = "Express"
        seconds = settings.get(unanswered.SETTING)
        watch = self._unanswered if seconds else None
        watched = watch.start(loop, seconds, req, res) if watch is not None else None
        router = self._router
        if router is None:
            router = self.router
        try:
            # router.run(req, res), without its coroutine frame
            outcome = await drive(router.walk(req, res), req, res)
            if outcome is not DONE:
                self.respond_error(req, res, outcome)
        except Exception as exc:  # a bug in middleware internals must still get an answer
            logger.exception("unhandled error while dispatching")
            if not res.headers_sent:
                self.respond_error(req, res, exc)
        finally:
            if watched is not None:
                assert watch is not None
                watch.stop(watched)
        if not res.complete_at_once():
            await res.complete()
        release(req, res)

    def respond_error(self, req: Request, res: Response, err: object) -> None:
        """Express's finalhandler: the 404 page when `err` is None, else the error page (in
        this app's "env"); only logged once the headers went out. Called when the stack ran
        out, and by `res.complete()` when a `before_finish` hook failed."""
        finalhandler.finish(req, res, err, self._setting("env"))

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            kind = message["type"]
            phase = kind.rsplit(".", 1)[-1]
            if phase not in ("startup", "shutdown"):
                continue
            try:
                await self.emit(phase)
            except Exception as exc:
                logger.exception("lifespan %s failed", phase)
                await send({"type": f"lifespan.{phase}.failed", "message": str(exc)})
                return
            await send({"type": f"lifespan.{phase}.complete"})
            if phase == "shutdown":
                self._sync.shutdown()
                return

    def listen(self, *args: Any, **options: Any) -> None:
        """Serve the app with the built-in server until interrupted (blocks).

        Express's forms: `listen()`, `listen(port)`, `listen(port, cb)`,
        `listen(port, host, cb)`, `listen(port, host, backlog, cb)`, `listen(path, cb)` (a
        Unix socket), and the keywords `port`, `host` (127.0.0.1 unless told), `backlog`,
        `callback`. `cb()` (or `cb(None)`) runs once the server listens; as in Express 5 a
        failure to listen is passed to a callback that takes an argument, `cb(err)`. Without
        one, a port in use prints one line and exits with status 1. Other keywords go to
        `expresspy.server.ServerConfig` (limits, timeouts, TLS files), and
        `access_log_format` picks the access log's format, as `expresspy run`'s flag does.
        Under `expresspy run` the call is ignored (with one log line): the command serves.
        """
        from expresspy.listen import listen

        listen(self, args, options)


def _looks_like_route(path: str) -> bool:
    return path.startswith("/") or path.startswith("*") or path.startswith("{")
