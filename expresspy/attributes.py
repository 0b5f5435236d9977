"""The attribute rule for `req`, `res`, `app` and routers (SPEC.md "Names on req/res").

A name that Express 5, express-session or a first-party middleware defines exists, with its
camelCase alias, and reads None until it is set (middleware sets `req.user`, `req.file`,
`req.sessionID`, ...). Any other name that was never set raises AttributeError with a
did-you-mean suggestion, so a typo (`req.sesion`) fails where it is written instead of reading
None three calls later. An app may still set attributes of its own (`req.tenant = "acme"`) and
read them back. A few Express/Node names expresspy does not port raise AttributeError saying
what to use instead.

`Request.__getattr__` and friends call `unset_attribute`, which runs only for names the
object does not have (Python looks in the instance and the class first), so the rule costs
nothing on the common paths.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "NOT_PORTED",
    "REQUEST_ALIASES",
    "REQUEST_SET_BY_MIDDLEWARE",
    "UnknownAttributeError",
    "did_you_mean",
    "missing_attribute",
    "unset_attribute",
]

# snake_case name -> camelCase alias, for the names middleware puts on `req`. Either spelling
# reads the value whichever one the middleware assigned.
REQUEST_ALIASES: Mapping[str, str] = {
    "session_id": "sessionID",  # express-session
    "session_store": "sessionStore",
    "original_method": "originalMethod",  # method-override
    "auth_info": "authInfo",  # passport
    "is_authenticated": "isAuthenticated",
    "is_unauthenticated": "isUnauthenticated",
    "csrf_token": "csrfToken",  # csrf-sync
    "rate_limit": "rateLimit",  # express-rate-limit
}
_ALIAS_OF: Mapping[str, str] = {
    **REQUEST_ALIASES,
    **{camel: snake for snake, camel in REQUEST_ALIASES.items()},
    "login": "logIn",
    "logIn": "login",
    "logout": "logOut",
    "logOut": "logout",  # passport
}

#: Every name a first-party middleware (or express-session) sets on `req`: they read None
#: until set. `req.session` is special: see `expresspy.session.missing`.
REQUEST_SET_BY_MIDDLEWARE: frozenset[str] = frozenset(
    {
        "session",
        "file",
        "files",
        "user",
        "flash",
        "vhost",
        *_ALIAS_OF,
    }
)

_REMOVED_IN_5 = "was removed in Express 5"
_NO_SOCKET = (
    "expresspy has no Node socket object: use req.ip, req.secure, req.protocol or "
    "req.scope['client']"
)

#: (kind, name) -> why the name is not there and what to use instead.
NOT_PORTED: Mapping[tuple[str, str], str] = {
    ("req", "param"): f"req.param() {_REMOVED_IN_5}: use req.params, req.body or req.query",
    ("req", "socket"): _NO_SOCKET,
    ("req", "connection"): _NO_SOCKET,
    ("res", "sendfile"): f"res.sendfile() {_REMOVED_IN_5}: use res.send_file (res.sendFile)",
    ("res", "socket"): _NO_SOCKET.replace("req.ip", "res.req.ip"),
    ("res", "connection"): _NO_SOCKET.replace("req.ip", "res.req.ip"),
    ("res", "writeHead"): "res.writeHead() is not ported: use res.status(code).set(headers)",
    ("res", "write_head"): "res.writeHead() is not ported: use res.status(code).set(headers)",
    ("app", "del"): f"app.del() {_REMOVED_IN_5}: use app.delete",
    ("app", "handle"): "app.handle() is internal to Express: an expresspy app is an ASGI app",
    ("router", "listRoutes"): (
        "router 2.3's listRoutes() is not ported with its shape: "
        "router.list_routes() lists every route, mounted ones too"
    ),
}


def unset_attribute(owner: Any, kind: str, name: str) -> Any:
    """What reading `name` gives when the object `owner` (a `kind`: "req", "res", "app",
    "router") has no such attribute: its alias's value, None for a name middleware sets, or
    AttributeError (with why, or a did-you-mean)."""
    if kind == "req" and name in REQUEST_SET_BY_MIDDLEWARE:
        alias = _ALIAS_OF.get(name)
        if alias is not None:
            return owner.__dict__.get(alias)
        return None
    raise missing_attribute(owner, kind, name)


def missing_attribute(owner: Any, kind: str, name: str) -> AttributeError:
    """The AttributeError for a name `owner` does not have: why (a name not ported), or the
    closest known names (worked out only if the message is read: code that probes with
    `getattr(req, name, default)` pays nothing for it)."""
    cls = type(owner).__name__
    reason = NOT_PORTED.get((kind, name))
    if reason is not None:
        return AttributeError(f"'{cls}' object has no attribute {name!r}: {reason}")
    if name.startswith("_"):  # private names are probed by code, not typed by users
        return AttributeError(f"'{cls}' object has no attribute {name!r}")
    own = [n for n in getattr(owner, "__dict__", ()) if not n.startswith("_")]
    return UnknownAttributeError(type(owner), kind, name, own)


class UnknownAttributeError(AttributeError):
    """An unset name that nothing defines; the message suggests the closest known name."""

    def __init__(self, cls: type, kind: str, name: str, own: list[str]) -> None:
        super().__init__(name)
        self.name = name  # as Python's own AttributeError carries it
        self._attr, self._cls, self._kind, self._own = name, cls, kind, own
        self._message: str | None = None

    def __str__(self) -> str:
        if self._message is None:
            known = {n for n in dir(self._cls) if not n.startswith("_")} | set(self._own)
            if self._kind == "req":
                known |= REQUEST_SET_BY_MIDDLEWARE
            self._message = (
                f"'{self._cls.__name__}' object has no attribute {self._attr!r}"
                f"{did_you_mean(self._attr, known)}"
            )
        return self._message


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """ "; did you mean 'x'?" (or "'x' or 'y'") for the names closest to `name`, else ""."""
    candidates = sorted(set(known))
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.7)
    if not close:  # a case slip (`req.sessionId`): compare case-insensitively as well
        lowered = {c.lower(): c for c in candidates}
        close = [
            lowered[m]
            for m in difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.7)
        ]
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
