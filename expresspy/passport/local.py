"""`LocalStrategy`: a username and password posted by a form (the passport-local package, 1.0).

    from expresspy import passport
    from expresspy.passport import LocalStrategy

    def verify(username, password, done):              # passport-local's form
        user = users.get(username)
        if user is None or not check_password(user, password):
            return done(None, False, {"message": "Incorrect username or password."})
        return done(None, user)

    async def verify(username, password):              # or return the user (None/False: failed)
        user = await db.find_user(username)
        return user if user and check(user, password) else (False, {"message": "Nope"})

    passport.use(LocalStrategy(verify))
    passport.use(LocalStrategy({"usernameField": "email"}, verify))   # or username_field=...

The credentials are read from ``req.body`` (a body parser must run first), else from
``req.query``; a field name may name a nested field, ``"user[name]"``. Without both, the
strategy fails with ``{"message": "Missing credentials"}`` and status 400 (the message can be
changed per route with the ``bad_request_message`` option of ``passport.authenticate``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from expresspy.middleware._options import gather
from expresspy.passport._calls import call_user, js_truthy, takes_done
from expresspy.passport.strategy import Strategy

__all__ = ["LocalStrategy"]

_DEFAULTS = {
    "username_field": "username",
    "password_field": "password",
    "pass_req_to_callback": False,
    "session": True,
}


class LocalStrategy(Strategy):
    """Authenticate with a username and a password from the request (name ``"local"``).

    ``verify(username, password, done)`` (``verify(req, username, password, done)`` with
    ``pass_req_to_callback``) calls ``done(err, user, info)``; or it returns the user, or
    ``(user, info)``, and raises for an error. A false user (None, False) fails with ``info``.
    """

    name = "local"

    def __init__(
        self,
        options: Mapping[str, Any] | Callable[..., Any] | None = None,
        verify: Callable[..., Any] | None = None,
        /,
        **keywords: Any,
    ) -> None:
        if callable(options):
            options, verify = None, options
        if verify is None:
            raise TypeError("LocalStrategy requires a verify callback")
        settings = gather("LocalStrategy", options, keywords, _DEFAULTS)
        self.username_field: str = settings["username_field"] or "username"
        self.password_field: str = settings["password_field"] or "password"
        self.pass_req_to_callback = bool(settings["pass_req_to_callback"])
        self.verify = verify
        self._verify_takes_done = takes_done(verify, 3 if self.pass_req_to_callback else 2)

    async def authenticate(self, req: Any, options: Mapping[str, Any]) -> None:
        """Read the credentials and run ``verify``; see the class docstring."""
        username = _credential(req, self.username_field)
        password = _credential(req, self.password_field)
        if not js_truthy(username) or not js_truthy(password):
            message = options.get("bad_request_message") or "Missing credentials"
            self.fail({"message": message}, 400)
            return
        args = (req, username, password) if self.pass_req_to_callback else (username, password)
        err, values = await call_user(req, self.verify, args, self._verify_takes_done)
        user = values[0] if values else None
        info = values[1] if len(values) > 1 else None
        if js_truthy(err):
            self.error(err)
        elif not js_truthy(user):
            self.fail(info)
        else:
            self.success(user, info)


def _credential(req: Any, field: str) -> Any:
    return _lookup(req.body, field) or _lookup(req.query, field)


def _lookup(source: Any, field: str) -> Any:
    """passport-local's lookup: ``"user[name]"`` walks ``source["user"]["name"]``."""
    if not isinstance(source, Mapping):
        return None
    current: Any = source
    for part in field.replace("]", "").split("["):
        value = current.get(part) if isinstance(current, Mapping) else None
        if value is None:
            return None
        if not isinstance(value, Mapping):
            return None if isinstance(value, list) else value
        current = value
    return None
