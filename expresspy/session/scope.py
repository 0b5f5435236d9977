"""Whether a request is in a session cookie's scope: its path, and whether it is secure enough
for a ``Secure`` cookie (express-session's ``issecure``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = ["is_secure", "request_path"]


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
