"""The errors sessions raise; each reaches the app through ``next(err)`` with a status."""

from __future__ import annotations

from ..errors import HTTPError

__all__ = ["CorruptSessionRecord", "SessionStoreTimeout", "SessionTooLarge"]


class SessionStoreTimeout(HTTPError):
    """A store call did not finish within ``store_timeout`` seconds: 503 with Retry-After.

    The request gets this error instead of a session, never a fresh empty session (which
    would log the user out and could later overwrite the real one).
    """

    def __init__(self, operation: str, seconds: float) -> None:
        super().__init__(
            503,
            f"session store {operation}() did not answer within {seconds:g} s",
            headers={"Retry-After": "1"},
        )
        self.operation = operation
        self.seconds = seconds


class SessionTooLarge(HTTPError):
    """A session does not fit where it must be kept (a cookie holds at most 4096 bytes).

    Raised instead of sending a cookie that browsers would silently drop.
    """

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            500,
            f"the session needs a {size}-byte cookie but browsers keep at most {limit} bytes; "
            "store less in it, or use a server-side store (SQLiteStore, RedisStore)",
        )
        self.size = size
        self.limit = limit


class CorruptSessionRecord(HTTPError):
    """A stored record cannot be read (not JSON, not an object, a malformed expiry): 500.

    Every store raises it from ``get()`` and ``merge()`` instead of answering "no session":
    a fresh session in its place would log the user out and later overwrite the record. The
    message never names the session id, which is a credential.
    """

    def __init__(self, store: str, problem: str) -> None:
        super().__init__(500, f"{store}: a stored session record is corrupt ({problem})")
        self.store = store
        self.problem = problem
