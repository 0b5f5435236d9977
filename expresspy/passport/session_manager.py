"""Logging a user into and out of the session (passport 0.7's SessionManager).

The session record keeps the login as ``{"passport": {"user": <serialized user>}}``, passport's
layout, so a Node app and an expresspy app on one session store share logins.

Both operations replace the session (a new id) against session fixation, as passport 0.6+ does:
login regenerates, then stores the user and saves; logout removes the user, saves, then
regenerates. ``keep_session_info`` (``keepSessionInfo``) copies the old session's data into the
new one; by default nothing survives (so a flash message queued before login is gone).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from expresspy.session.missing import session_of

__all__ = ["NO_SESSION", "SessionManager", "SessionRequired"]

NO_SESSION = (
    "Login sessions require session support. Did you forget to use the session() "
    "middleware (express-session)?"
)


class SessionRequired(RuntimeError):
    """A login or logout on a request without ``req.session`` (no session middleware ran)."""

    def __init__(self) -> None:
        super().__init__(NO_SESSION)


Serialize = Callable[[Any, Any], Awaitable[Any]]


class SessionManager:
    """Stores the serialized user under ``session[key]["user"]`` (``key`` is ``"passport"``)."""

    def __init__(self, serialize: Serialize, key: str = "passport") -> None:
        self.key = key
        self.serialize = serialize

    async def log_in(self, req: Any, user: Any, options: Mapping[str, Any]) -> None:
        """Regenerate the session, serialize ``user`` into it and save it."""
        previous = _session(req)
        await previous.regenerate()
        serialized = await self.serialize(user, req)
        session = _session(req)
        if options.get("keep_session_info"):
            _merge(session, previous)
        record = session.get(self.key)
        if not isinstance(record, dict):
            record = session[self.key] = {}
        record["user"] = serialized
        await session.save()

    async def log_out(self, req: Any, options: Mapping[str, Any]) -> None:
        """Remove the user, save, and regenerate the session."""
        previous = _session(req)
        record = previous.get(self.key)
        if isinstance(record, dict):
            record.pop("user", None)
        await previous.save()
        await previous.regenerate()
        if options.get("keep_session_info"):
            _merge(_session(req), previous)


def _session(req: Any) -> Any:
    session = session_of(req)
    if session is None:
        raise SessionRequired()
    return session


def _merge(session: Any, previous: Any) -> None:
    """utils-merge(new, old): the old data over the new, and the old cookie settings."""
    for key, value in previous.data().items():
        session[key] = value
    session.cookie = previous.cookie
