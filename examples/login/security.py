"""Two small middlewares the login app relies on: a CSRF token and flash messages.

Both keep their state in `req.session` and expose it to templates through `res.locals`.
"""

import hmac
import secrets

from expresspy import HTTPError

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def csrf(req, res, next):
    """Keep a random token in the session; refuse unsafe requests that do not echo it.

    Forms send it in the `_csrf` field, scripts in the `X-CSRF-Token` header. The token is
    compared in constant time; a missing or wrong one is a 403.
    """
    token = req.session.csrf_token
    if token is None:
        token = req.session.csrf_token = secrets.token_urlsafe(32)
    res.locals["csrf_token"] = token
    if req.method not in UNSAFE_METHODS:
        return next()
    sent = (req.body or {}).get("_csrf") or req.get("X-CSRF-Token") or ""
    if not hmac.compare_digest(str(sent), token):
        return next(HTTPError(403, "invalid CSRF token"))
    next()


def flash(req, kind, message):
    """Keep `message` for the next page this browser renders (`kind`: "info" or "error")."""
    req.session.flash = [*(req.session.flash or []), {"kind": kind, "message": message}]


def flash_messages(req, res, next):
    """Move the messages flashed by earlier requests into `res.locals.messages`, once."""
    res.locals["messages"] = req.session.flash or []
    if req.session.flash is not None:
        del req.session.flash
    next()
