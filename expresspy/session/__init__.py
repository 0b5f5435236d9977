"""Sessions: express-session's ``session()`` middleware, the session object and the stores.

``from expresspy import session`` is all most apps need::

    app.use(session(secret=os.environ["SESSION_SECRET"], resave=False,
                    save_uninitialized=False, cookie={"max_age": 3600}))

See docs/sessions.md for every option (and its unit), the stores and how to choose one.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

from .cookie import CookieOptions, SessionCookie
from .cookiestore import CookieStore
from .errors import (
    CorruptSessionRecord,
    SessionStoreBusy,
    SessionStoreTimeout,
    SessionStoreUnavailable,
    SessionTooLarge,
)
from .memory import MemoryStore
from .middleware import session
from .operation import SessionOperation
from .options import SessionOptions, generate_session_id
from .patch import SessionPatch
from .prune import prune_command
from .session import ReservedSessionKey, Session
from .sqlite import SQLiteStore
from .store import JSON, Serializer, SessionStore, Store, StoreCapabilities, capabilities_of

if TYPE_CHECKING:  # for type checkers; at run time __getattr__ below imports them on first use
    from .postgres import PostgresStore
    from .redis import RedisStore

__all__ = [
    "JSON",
    "CookieOptions",
    "CookieStore",
    "CorruptSessionRecord",
    "MemoryStore",
    "PostgresStore",
    "RedisStore",
    "ReservedSessionKey",
    "SQLiteStore",
    "Serializer",
    "Session",
    "SessionCookie",
    "SessionOperation",
    "SessionOptions",
    "SessionPatch",
    "SessionStore",
    "SessionStoreBusy",
    "SessionStoreTimeout",
    "SessionStoreUnavailable",
    "SessionTooLarge",
    "Store",
    "StoreCapabilities",
    "capabilities_of",
    "generate_session_id",
    "prune_command",
    "session",
]


def __getattr__(name: str) -> object:
    # RedisStore and PostgresStore need optional extras (redis; psycopg), so they are loaded
    # on first use, and a missing extra is a clear ImportError only then.
    if name == "RedisStore":
        from .redis import RedisStore

        return RedisStore
    if name == "PostgresStore":
        from .postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _SessionPackage(types.ModuleType):
    """``expresspy.session`` is both this package and the ``session()`` middleware factory.

    ``from expresspy import session`` gives the package, and calling it is calling
    :func:`session`; so ``session(secret=...)``, ``session.MemoryStore`` and
    ``import expresspy.session as sessions`` all name one object, whichever was imported
    first.
    """

    # The function itself, not a wrapper: no extra frame, so warnings still name the caller.
    __call__ = staticmethod(session)


sys.modules[__name__].__class__ = _SessionPackage
