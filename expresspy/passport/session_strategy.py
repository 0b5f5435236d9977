"""`SessionStrategy`: restore the logged-in user from the session (passport's "session").

``passport.session()`` runs it on every request: when ``req.session["passport"]["user"]`` holds
a serialized user, the deserializers turn it back into the user, set as ``req.user`` (or the
``user_property`` given to ``passport.initialize()``). A user the deserializers no longer find
(they give None or False) is removed from the session, and the request goes on anonymous.
It never fails a request: it always passes, or errors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from expresspy.passport._calls import js_truthy
from expresspy.passport.session_manager import SessionRequired
from expresspy.passport.strategy import Strategy
from expresspy.session.missing import session_of

__all__ = ["SessionStrategy"]

Deserialize = Callable[[Any, Any], Awaitable[Any]]


class SessionStrategy(Strategy):
    """The built-in strategy named ``"session"``."""

    name = "session"

    def __init__(self, deserialize: Deserialize, key: str = "passport") -> None:
        super().__init__()
        self.key = key
        self.deserialize = deserialize

    async def authenticate(self, req: Any, options: Mapping[str, Any]) -> None:
        """Deserialize the session's user into ``req.user``; then pass (or error)."""
        session = session_of(req)
        if session is None:
            self.error(SessionRequired())
            return
        record = session.get(self.key)
        serialized = record.get("user") if isinstance(record, dict) else None
        if serialized is None or serialized is False or serialized == "":
            self.pass_()
            return
        try:
            user = await self.deserialize(serialized, req)
        except Exception as exc:
            self.error(exc)
            return
        if not js_truthy(user):
            record.pop("user", None)
        else:
            state = getattr(req, "_passport", None)
            setattr(req, state.user_property if state is not None else "user", user)
        self.pass_()
