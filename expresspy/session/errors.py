"""The errors sessions raise; each reaches the app through ``next(err)`` with a status."""

from __future__ import annotations

from ..errors import HTTPError

__all__ = [
    "CorruptSessionRecord",
    "SessionStoreBusy",
    "SessionStoreTimeout",
    "SessionStoreUnavailable",
    "SessionTooLarge",
]


class SessionStoreUnavailable(HTTPError):
    """The store cannot be reached (connection refused, reset, unreachable): 503 with
    Retry-After, since a store outage is "Service Unavailable", not a bug of the app.

    The request gets this error instead of a session, never a fresh empty session (which
    would log the user out and could later overwrite the real one). The message names the
    operation only; the store's own error (with its address) is the ``__cause__``.
    """

    def __init__(self, operation: str, message: str | None = None) -> None:
        super().__init__(
            503,
            message or f"session store {operation}() is unavailable",
            headers={"Retry-After": "1"},
        )
        self.operation = operation


class SessionStoreTimeout(SessionStoreUnavailable):
    """A store call did not finish within ``store_timeout`` seconds: 503 with Retry-After."""

    def __init__(self, operation: str, seconds: float) -> None:
        super().__init__(
            operation, f"session store {operation}() did not answer within {seconds:g} s"
        )
        self.seconds = seconds


class SessionStoreBusy(SessionStoreUnavailable):
    """The store is healthy but every connection to it stayed in use for as long as the call
    could wait (a full connection pool): 503 with Retry-After, reported as load, not as an
    outage. More connections (the store's ``pool_size``) or more workers are the remedy.
    """

    def __init__(self, operation: str, detail: str) -> None:
        super().__init__(operation, f"session store {operation}() is busy: {detail}")


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
