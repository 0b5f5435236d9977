"""`Authenticator`: passport's object (``require('passport')`` is one shared instance of it).

    from expresspy import passport

    passport.use(LocalStrategy(verify))

    @passport.serialize_user
    def serialize(user, done):
        done(None, user["id"])

    @passport.deserialize_user
    async def deserialize(user_id):          # the return form: the user, or None if gone
        return await db.get_user(user_id)

    app.use(session(...))
    app.use(passport.initialize())
    app.use(passport.session())
    app.post("/login", passport.authenticate("local", success_redirect="/",
                                             failure_redirect="/login"))

Serializers, deserializers and info transformers form chains, as in passport: each is tried in
the order registered; one that answers ``done("pass")`` (or ``done()`` with no value) hands over
to the next. A serializer receives ``(user, done)`` or ``(req, user, done)``; a deserializer
``(serialized, done)`` or ``(req, serialized, done)``; either may instead take just the value
and return the result (``async def`` or plain ``def``; see ``expresspy.passport._calls``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from expresspy.middleware._options import Middleware
from expresspy.passport._calls import UNDEFINED, call_user, js_truthy, positional_arity
from expresspy.passport.authenticate import Authenticate
from expresspy.passport.request import attach, normalize_options
from expresspy.passport.session_manager import SessionManager
from expresspy.passport.session_strategy import SessionStrategy
from expresspy.passport.strategy import Strategy

__all__ = ["Authenticator"]

UserCallback = Callable[..., Any]
Layer = tuple[UserCallback, int]


class Authenticator:
    """A set of strategies and (de)serializers; ``passport`` is the shared instance.

    ``Authenticator()`` (alias ``Passport()``) makes an independent one, as
    ``new passport.Passport()`` does.
    """

    def __init__(self) -> None:
        self.key = "passport"
        self._strategies: dict[str, Strategy] = {}
        # Each callback with its number of parameters, read once (it picks the calling form).
        self._serializers: list[Layer] = []
        self._deserializers: list[Layer] = []
        self._info_transformers: list[Layer] = []
        self.use(SessionStrategy(self.deserialize, key=self.key))
        self.session_manager = SessionManager(self.serialize, key=self.key)

    # -- strategies ---------------------------------------------------------------------------

    def use(self, name: str | Strategy, strategy: Strategy | None = None) -> Authenticator:
        """Register ``strategy`` under ``name``, or under ``strategy.name``; returns self."""
        if strategy is None:
            if not isinstance(name, Strategy):
                raise TypeError("passport.use() needs a Strategy (or a name and a Strategy)")
            strategy, key = name, name.name
        else:
            key = name if isinstance(name, str) else None
        if not isinstance(strategy, Strategy):
            raise TypeError(
                f"passport.use(): {strategy!r} is not a Strategy; subclass "
                "expresspy.passport.Strategy"
            )
        if not key:
            raise ValueError("Authentication strategies must have a name")
        self._strategies[key] = strategy
        return self

    def unuse(self, name: str) -> Authenticator:
        """Remove the strategy registered under ``name``; returns self."""
        self._strategies.pop(name, None)
        return self

    def strategy(self, name: str) -> Strategy | None:
        """The strategy registered under ``name``, or None."""
        return self._strategies.get(name)

    # -- middleware ---------------------------------------------------------------------------

    def initialize(
        self, options: Mapping[str, Any] | None = None, /, **keywords: Any
    ) -> Middleware:
        """Middleware giving each request ``req.login``/``logout``/``is_authenticated``.

        Option ``user_property`` (``userProperty``): the request attribute the user is set on
        (default ``"user"``). Also records the request's event loop, which a custom-callback
        call of ``authenticate`` from a plain ``def`` handler needs.
        """
        opts = normalize_options(options, keywords)
        user_property = opts.get("user_property")

        async def initialize(req: Any, res: Any, next: Callable[..., None]) -> None:
            attach(req, self, user_property)
            next()

        return initialize

    def authenticate(
        self,
        strategy: str | Strategy | Sequence[str | Strategy],
        options: Mapping[str, Any] | Callable[..., Any] | None = None,
        callback: Callable[..., Any] | None = None,
        /,
        **keywords: Any,
    ) -> Authenticate:
        """Middleware that authenticates with ``strategy`` (a name, a Strategy, or a list).

        ``options`` as passport's dict (``{"failureRedirect": "/login"}``) and/or snake_case
        keywords (``failure_redirect="/login"``): ``session``, ``success_redirect``,
        ``success_return_to_or_redirect``, ``failure_redirect``, ``failure_flash``,
        ``success_flash``, ``failure_message``, ``success_message``, ``fail_with_error``,
        ``assign_property``, ``auth_info``, ``keep_session_info``, plus any option a strategy
        reads (``bad_request_message`` for LocalStrategy). ``callback(err, user, info,
        status)`` replaces passport's own handling (see ``expresspy.passport.authenticate``).
        """
        if callable(options) and callback is None:
            options, callback = None, options
        opts = normalize_options(options if isinstance(options, Mapping) else None, keywords)
        return Authenticate(self, strategy, opts, callback)

    def authorize(
        self,
        strategy: str | Strategy | Sequence[str | Strategy],
        options: Mapping[str, Any] | Callable[..., Any] | None = None,
        callback: Callable[..., Any] | None = None,
        /,
        **keywords: Any,
    ) -> Authenticate:
        """``authenticate`` that sets ``req.account`` instead of logging in."""
        if callable(options) and callback is None:
            options, callback = None, options
        opts = normalize_options(options if isinstance(options, Mapping) else None, keywords)
        opts["assign_property"] = "account"
        return Authenticate(self, strategy, opts, callback)

    def session(self, options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
        """``authenticate("session")``: restore ``req.user`` from the session on each request."""
        run = self.authenticate("session", options, **keywords).run

        async def session(req: Any, res: Any, next: Callable[..., None]) -> None:
            await run(req, res, next)

        return session

    # -- serializers --------------------------------------------------------------------------

    def serialize_user(self, fn: UserCallback) -> UserCallback:
        """Register a serializer (usable as a decorator): user -> what the session stores."""
        self._serializers.append(_layer(fn, "serialize_user"))
        return fn

    serializeUser = serialize_user

    def deserialize_user(self, fn: UserCallback) -> UserCallback:
        """Register a deserializer (usable as a decorator): stored value -> user (None/False:
        the user is gone and the login is dropped)."""
        self._deserializers.append(_layer(fn, "deserialize_user"))
        return fn

    deserializeUser = deserialize_user

    def transform_auth_info(self, fn: UserCallback) -> UserCallback:
        """Register an info transformer: ``fn(info)`` returns, ``fn(info, done)`` or
        ``fn(req, info, done)`` calls back; the result becomes ``req.auth_info``."""
        self._info_transformers.append(_layer(fn, "transform_auth_info"))
        return fn

    transformAuthInfo = transform_auth_info

    async def serialize(self, user: Any, req: Any = None) -> Any:
        """Run the serializer chain; raises when no serializer gives a value (0 is one)."""
        found, obj = await _chain(self._serializers, req, user, _serialized)
        if not found:
            raise RuntimeError("Failed to serialize user into session")
        return obj

    async def deserialize(self, obj: Any, req: Any = None) -> Any:
        """Run the deserializer chain: the user, or False when a deserializer said None/False
        (the user is gone); raises when none answers."""
        found, user = await _chain(self._deserializers, req, obj, _deserialized)
        if not found:
            raise RuntimeError("Failed to deserialize user out of session")
        return user if js_truthy(user) else False

    async def transform(self, info: Any, req: Any = None) -> Any:
        """Run the info transformers; ``info`` itself when none gives a value."""
        found, transformed = await _chain(self._info_transformers, req, info, js_truthy)
        return transformed if found else info


Passport = Authenticator


async def _chain(
    layers: list[Layer], req: Any, value: Any, answers: Callable[[Any], bool]
) -> tuple[bool, Any]:
    """Run a passport chain on ``value``: ``(True, result)`` from the first layer whose result
    ``answers``, or ``(False, None)``. ``done("pass")`` and ``done()`` go on; an error raises.

    A layer takes ``(req, value, done)``, ``(value, done)`` or ``(value)`` (and returns).
    """
    for layer, arity in layers:
        args = (req, value) if arity == 3 else (value,)
        err, results = await call_user(req, layer, args, with_done=arity in (2, 3))
        if err == "pass":
            err = None
        if js_truthy(err):
            raise err if isinstance(err, BaseException) else RuntimeError(str(err))
        result = results[0] if results else UNDEFINED
        if answers(result):
            return True, result
    return False, None


def _serialized(obj: Any) -> bool:
    """passport: ``obj || obj === 0``."""
    return js_truthy(obj) or (obj == 0 and not isinstance(obj, bool))


def _deserialized(user: Any) -> bool:
    """passport: a user, or an explicit null/false (the user is gone)."""
    return js_truthy(user) or user is None or user is False


def _layer(fn: Any, what: str) -> Layer:
    if not callable(fn):
        raise TypeError(f"passport.{what}() needs a function, got {type(fn).__name__}")
    return fn, positional_arity(fn)
