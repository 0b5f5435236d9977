"""What passport adds to each request: ``req.login``, ``req.logout``, ``req.is_authenticated``.

``passport.initialize()`` and every ``passport.authenticate()`` attach them to the request they
run for (bound functions set as attributes, as passport assigns them onto ``req``); a function
the app already set under the same name is kept, as passport keeps it.

``req.login(user, [options], [callback])`` and ``req.logout([options], [callback])`` follow the
project's rule for session methods: they start at once, call ``callback(err_or_None)`` where
they were called (the event loop, or a worker thread for a plain ``def`` handler), and return an
awaitable (``await req.login(user)`` raises the error instead). passport requires a callback;
here a call with neither a callback nor an ``await`` still runs, but its error is only logged.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from expresspy.middleware._options import snake
from expresspy.passport._calls import js_truthy
from expresspy.session.operation import Callback, SessionOperation, start_operation

__all__ = ["PassportRequest", "attach", "normalize_options", "request_failed"]

log = logging.getLogger("expresspy.passport")


@dataclass
class PassportRequest:
    """passport's per-request state (``req._passport``): the instance, loop and user property."""

    instance: Any  # the Authenticator
    loop: asyncio.AbstractEventLoop
    user_property: str = "user"

    @property
    def session_manager(self) -> Any:
        """The instance's SessionManager (login and logout)."""
        return self.instance.session_manager


def normalize_options(
    options: Mapping[str, Any] | None, keywords: Mapping[str, Any]
) -> dict[str, Any]:
    """One options dict with snake_case keys, from passport's camelCase dict and keywords."""
    merged = dict(options or {})
    merged.update(keywords)
    return {snake(key): value for key, value in merged.items()}


def attach(req: Any, instance: Any, user_property: str | None = None) -> PassportRequest:
    """Give ``req`` passport's state and methods (call on the request's event loop).

    The first call on a request binds the methods; later ones (``passport.session()`` after
    ``initialize()``) only update the state.
    """
    state: PassportRequest | None = getattr(req, "_passport", None)
    if state is not None:
        state.instance = instance
        if user_property:
            state.user_property = user_property
        return state
    state = PassportRequest(instance, asyncio.get_running_loop(), user_property or "user")
    req._passport = state
    if getattr(req, state.user_property, None) is None:  # reads None until a login sets it
        setattr(req, state.user_property, None)
    if getattr(req, "logIn", None) is None:
        req.login = req.logIn = _login_method(req, state)
    if getattr(req, "logOut", None) is None:
        req.logout = req.logOut = _logout_method(req, state)
    if getattr(req, "isAuthenticated", None) is None:

        def is_authenticated() -> bool:
            """True when the request has a user (``req.user`` is set)."""
            return js_truthy(getattr(req, state.user_property, None))

        def is_unauthenticated() -> bool:
            """The opposite of ``req.is_authenticated()``."""
            return not is_authenticated()

        req.is_authenticated = req.isAuthenticated = is_authenticated
        req.is_unauthenticated = req.isUnauthenticated = is_unauthenticated
    return state


def _split(options: Any, callback: Any) -> tuple[Mapping[str, Any] | None, Callback | None]:
    """passport's ``(options, done)`` / ``(done)`` argument forms."""
    if callable(options) and callback is None:
        return None, options
    return options, callback


def _login_method(req: Any, state: PassportRequest) -> Callable[..., SessionOperation]:
    def log_in(
        user: Any,
        options: Mapping[str, Any] | Callback | None = None,
        callback: Callback | None = None,
        /,
        **keywords: Any,
    ) -> SessionOperation:
        """Log ``user`` in: set ``req.user``, regenerate the session and store the user in it.

        Options: ``session`` (False: only set ``req.user``), ``keep_session_info``
        (``keepSessionInfo``: keep the old session's data). ``callback(err_or_None)``.
        """
        given, done = _split(options, callback)
        opts = normalize_options(given, keywords)
        if not _with_session(opts):
            setattr(req, state.user_property, user)
            return _finished(state, done)
        return _start(req, state, login_work(req, state, user, opts), done)

    return log_in


async def login_work(
    req: Any, state: PassportRequest, user: Any, options: Mapping[str, Any]
) -> None:
    """``req.login``'s work: set ``req.user`` and, unless option ``session`` is false, log
    the user into the session; on failure ``req.user`` is unset again."""
    setattr(req, state.user_property, user)
    if not _with_session(options):
        return
    try:
        await state.session_manager.log_in(req, user, options)
    except BaseException:
        setattr(req, state.user_property, None)
        raise


def _with_session(options: Mapping[str, Any]) -> bool:
    return js_truthy(options.get("session", True))


def _logout_method(req: Any, state: PassportRequest) -> Callable[..., SessionOperation]:
    def log_out(
        options: Mapping[str, Any] | Callback | None = None,
        callback: Callback | None = None,
        /,
        **keywords: Any,
    ) -> SessionOperation:
        """Log out: unset ``req.user``, remove the user from the session, save, regenerate.

        Option ``keep_session_info`` (``keepSessionInfo``). ``callback(err_or_None)``.
        """
        given, done = _split(options, callback)
        opts = normalize_options(given, keywords)
        setattr(req, state.user_property, None)
        return _start(req, state, state.session_manager.log_out(req, opts), done)

    return log_out


def _start(
    req: Any, state: PassportRequest, work: Coroutine[Any, Any, None], callback: Callback | None
) -> SessionOperation:
    return start_operation(state.loop, work, callback, lambda exc: request_failed(req, exc))


def _finished(state: PassportRequest, callback: Callback | None) -> SessionOperation:
    """A login without session: done at once, as passport calls ``done()`` synchronously."""
    future: concurrent.futures.Future[None] = concurrent.futures.Future()
    future.set_result(None)
    if callback is not None:
        callback(None)
    return SessionOperation(future, state.loop)


def request_failed(req: Any, exc: BaseException) -> None:
    """An exception in a callback that ran after its handler returned: the app's final
    handler answers with the error (or only logs it when the response was already sent)."""
    from expresspy import finalhandler  # the app core's error page (late: import cycle)

    res = getattr(req, "res", None)
    if res is None:
        log.error("passport callback failed: %r", exc)
        return
    finalhandler.finish(req, res, exc, req.app.get("env"))
