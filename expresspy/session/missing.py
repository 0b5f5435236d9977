"""`req.session` when no session middleware ran: a falsy stand-in that explains itself.

With `app.use(session(...))` in front of a route, `req.session` is the session (or None when
express-session would leave it undefined: a store that is down, a cookie path that does not
cover the URL, after `destroy()`). Without it, `req.session` is `NO_SESSION`: falsy, so
`if req.session:` and `if not req.session:` read as in JavaScript, and any use of it
(`req.session.user`, `req.session["user"]`, `req.session.user = u`, `"user" in req.session`)
raises `SessionNotSetError` saying to add the middleware, instead of Python's
`'NoneType' object has no attribute 'user'`.
"""

from __future__ import annotations

from typing import Any, NoReturn

__all__ = ["NO_SESSION", "SessionNotSetError", "session_of"]

_MESSAGE = (
    "req.session is not set: add app.use(session(...)) before this route "
    "(from expresspy import session)"
)


class SessionNotSetError(AttributeError):
    """`req.session` was used on a request no session middleware handled."""

    def __init__(self) -> None:
        super().__init__(_MESSAGE)


class _NoSession:
    """The value of `req.session` without session middleware (see the module docstring)."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<req.session: no session middleware>"

    def _refuse(self, *args: Any) -> NoReturn:
        raise SessionNotSetError()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probe dunders: plain answer
            raise AttributeError(name)
        raise SessionNotSetError()

    __setattr__ = __delattr__ = _refuse
    __getitem__ = __setitem__ = __delitem__ = __contains__ = __iter__ = __len__ = _refuse


NO_SESSION: Any = _NoSession()


def session_of(req: Any) -> Any:
    """`req.session`, or None when there is none (no middleware, or none for this request).
    For middleware that works with or without sessions."""
    session = getattr(req, "session", None)
    return None if session is NO_SESSION else session
