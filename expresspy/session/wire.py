"""Small request-side helpers of the session middleware: security, path, stored records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .cookie import SessionCookie
from .patch import record_data
from .session import Session, SessionBinding

__all__ = ["is_secure", "request_path", "session_from_record"]


def is_secure(req: Any, proxy: bool | None) -> bool:
    """express-session's ``issecure``: may a ``Secure`` cookie be sent on this request?

    A TLS connection always is. ``proxy=False`` trusts nothing else; ``proxy=None`` defers to
    ``req.secure`` (the app's ``trust proxy`` setting); ``proxy=True`` trusts the first value
    of ``X-Forwarded-Proto``.
    """
    scope = getattr(req, "scope", None)
    if isinstance(scope, Mapping) and scope.get("scheme") in ("https", "wss"):
        return True
    if proxy is False:
        return False
    if proxy is None:
        return req.secure is True
    forwarded = req.get("x-forwarded-proto") or ""
    return forwarded.split(",", 1)[0].strip().lower() == "https"


def request_path(url: str) -> str:
    """The path of a request target (origin form or absolute form), ``/`` when empty."""
    if not url.startswith("/"):
        url = urlsplit(url).path
    return url.split("?", 1)[0].split("#", 1)[0] or "/"


def session_from_record(sid: str, record: Mapping[str, Any], binding: SessionBinding) -> Session:
    """Rebuild a :class:`Session` from a stored record (express-session's createSession).

    Raises ``ValueError`` when the record has no valid cookie (express-session fails the
    request then too: a corrupt record is an error, not a reason to log the user out).
    """
    cookie_data = record.get("cookie")
    if not isinstance(cookie_data, Mapping):
        raise ValueError("session record has no cookie object")
    return Session(sid, SessionCookie.from_json(cookie_data), record_data(record), binding)
