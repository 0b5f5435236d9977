"""`csrf()`: CSRF protection with a token kept in the session (the synchronizer-token pattern).

    from expresspy.middleware import csrf

    app.use(session(secret="...", resave=False, save_uninitialized=False))
    app.use(express.urlencoded())
    app.use(csrf())

    @app.get("/form")
    def form(req, res):
        res.render("form", {"csrf_token": req.csrf_token()})   # <input name="_csrf" ...>

Unsafe requests (any method but GET, HEAD and OPTIONS) must send the session's token, in the body
field ``_csrf`` or one of the headers ``x-csrf-token``, ``csrf-token``, ``xsrf-token``,
``x-xsrf-token`` (csurf's places, without its query parameter), else the request fails with an
``HTTPError`` 403, ``code == "EBADCSRFTOKEN"``, message ``"invalid csrf token"``, as csurf and
csrf-sync fail it, so an error handler can test ``err.code``.

The model is csrf-sync 4 (the maintained successor of the deprecated csurf): one random token
per session, stored in ``req.session.csrfToken`` (csrf-sync's key, so a Node app on the same
session store accepts the same token), made on first use by ``req.csrf_token()`` and replaced by
``req.csrf_token(True)``. How it differs from both is listed in docs/auth.md.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from expresspy.errors import HTTPError
from expresspy.middleware._options import gather
from expresspy.session.missing import session_of

__all__ = ["CsrfProtection", "csrf", "default_token_getter"]

#: The session key the token lives under (csrf-sync's default).
SESSION_KEY = "csrfToken"
#: Where the default getter looks, in order: the body field, then csurf's four headers.
BODY_FIELD = "_csrf"
TOKEN_HEADERS = ("csrf-token", "xsrf-token", "x-csrf-token", "x-xsrf-token")

_DEFAULTS: dict[str, Any] = {
    "ignored_methods": ("GET", "HEAD", "OPTIONS"),
    "get_token_from_request": None,
    "get_token_from_state": None,
    "store_token_in_state": None,
    "size": 128,
    "error_config": None,
    "skip_csrf_protection": None,
}
_ERROR_DEFAULTS = {"status_code": 403, "message": "invalid csrf token", "code": "EBADCSRFTOKEN"}


def default_token_getter(req: Any) -> Any:
    """The token a request carries: ``req.body["_csrf"]``, else the first token header set."""
    body = req.body
    if isinstance(body, Mapping) and body.get(BODY_FIELD):
        return body[BODY_FIELD]
    for name in TOKEN_HEADERS:
        value = req.headers.get(name)
        if value:
            return value
    return None


def _session_of(req: Any) -> Any:
    session = session_of(req)
    if session is None:
        raise RuntimeError(
            "misconfigured csrf: req.session is missing; add the session() middleware before "
            "csrf() (the token is kept in the session)"
        )
    return session


def _token_from_session(req: Any) -> Any:
    return _session_of(req).get(SESSION_KEY)


def _store_in_session(req: Any, token: str | None) -> None:
    session = _session_of(req)
    if token is None:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = token


class CsrfProtection:
    """The middleware :func:`csrf` returns, with csrf-sync's helpers as methods.

    Use it as middleware (``app.use(protection)``), or per route
    (``app.post("/transfer", protection, handler)``).
    """

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.ignored_methods = frozenset(m.upper() for m in settings["ignored_methods"])
        self.get_token_from_request: Callable[[Any], Any] = (
            settings["get_token_from_request"] or default_token_getter
        )
        self.get_token_from_state: Callable[[Any], Any] = (
            settings["get_token_from_state"] or _token_from_session
        )
        self.store_token_in_state: Callable[[Any, str | None], None] = (
            settings["store_token_in_state"] or _store_in_session
        )
        self.size = int(settings["size"])
        if self.size < 16:
            raise ValueError(f"csrf(): size is {self.size} bytes; use at least 16 (128 bits)")
        self.skip: Callable[[Any], Any] | None = settings["skip_csrf_protection"]
        error = gather("csrf() error_config", settings["error_config"], {}, _ERROR_DEFAULTS)
        self.error_status = int(error["status_code"])
        self.error_message = str(error["message"])
        self.error_code = str(error["code"])
        self.__name__ = "csrf"

    def invalid_csrf_token_error(self) -> HTTPError:
        """A new error for a request without a valid token (403, ``code`` EBADCSRFTOKEN)."""
        return HTTPError(self.error_status, self.error_message, code=self.error_code)

    invalidCsrfTokenError = invalid_csrf_token_error

    def generate_token(self, req: Any, overwrite: bool = False) -> str:
        """The request's token: the stored one, or a new one (always new with ``overwrite``).

        A token is ``size`` random bytes from :mod:`secrets`, hex-encoded.
        """
        current = self.get_token_from_state(req)
        if not overwrite and isinstance(current, str):
            return current
        token = secrets.token_hex(self.size)
        self.store_token_in_state(req, token)
        return token

    generateToken = generate_token

    def revoke_token(self, req: Any) -> None:
        """Forget the stored token (the next ``req.csrf_token()`` makes a new one)."""
        self.store_token_in_state(req, None)

    revokeToken = revoke_token

    def requires_protection(self, req: Any) -> bool:
        """True unless the method is ignored or ``skip_csrf_protection(req)`` returns True."""
        if req.method in self.ignored_methods:
            return False
        return not (self.skip is not None and self.skip(req) is True)

    def is_request_valid(self, req: Any) -> bool:
        """True when the request carries the stored token (compared in constant time)."""
        received = self.get_token_from_request(req)
        stored = self.get_token_from_state(req)
        if not isinstance(received, str) or not isinstance(stored, str):
            return False
        return hmac.compare_digest(received.encode(), stored.encode())

    isRequestValid = is_request_valid

    async def __call__(self, req: Any, res: Any, next: Callable[..., None]) -> None:
        def csrf_token(overwrite: bool = False) -> str:
            return self.generate_token(req, overwrite)

        req.csrf_token = req.csrfToken = csrf_token
        try:
            valid = not self.requires_protection(req) or self.is_request_valid(req)
        except Exception as exc:  # a getter's failure (or no session) is the request's error
            next(exc)
            return
        if valid:
            next()
        else:
            next(self.invalid_csrf_token_error())


def csrf(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> CsrfProtection:
    """Return CSRF middleware (csrf-sync's ``csrfSynchronisedProtection``, csurf's errors).

    Options (snake_case keywords, or one dict with csrf-sync's camelCase names):

    * ``ignored_methods``: methods never checked (``("GET", "HEAD", "OPTIONS")``);
    * ``get_token_from_request(req)``: where a request's token is read (default: body field
      ``_csrf``, then headers ``csrf-token``, ``xsrf-token``, ``x-csrf-token``, ``x-xsrf-token``);
    * ``get_token_from_state(req)`` / ``store_token_in_state(req, token_or_None)``: where the
      token is kept (default ``req.session.csrfToken``);
    * ``size``: random bytes per token (128, as csrf-sync; at least 16);
    * ``error_config``: ``{"status_code": 403, "message": "invalid csrf token",
      "code": "EBADCSRFTOKEN"}`` (camelCase ``statusCode`` accepted);
    * ``skip_csrf_protection(req)``: return True to let a request through unchecked.

    Every request gets ``req.csrf_token(overwrite=False)`` (alias ``req.csrfToken``).
    """
    settings = gather("csrf()", options, keywords, _DEFAULTS)
    methods: Iterable[str] = settings["ignored_methods"]
    if isinstance(methods, str):
        raise TypeError("csrf(): ignored_methods must be a list of methods, not a string")
    return CsrfProtection(settings)
