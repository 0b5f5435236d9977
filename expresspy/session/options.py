"""The options of ``session()``: both spellings accepted, checked once, at construction.

``session(secret="s", save_uninitialized=False)`` and
``session({"secret": "s", "saveUninitialized": False, "cookie": {"maxAge": 60000}})`` build the
same :class:`SessionOptions`. Misconfiguration raises ``ValueError``/``TypeError`` with a
message saying what to pass, instead of failing on the first request.
"""

from __future__ import annotations

import secrets as _random
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from ..cookies import normalize_secrets, requires_secure
from ..options import duration_ms
from .cookie import CookieOptions, SessionCookie, parse_cookie_options
from .lifetime import Lifetime
from .memory import MemoryStore
from .store import capabilities_of

__all__ = ["SessionOptions", "generate_session_id", "parse_session_options"]

CookieOptionSource = CookieOptions | Callable[[Any], CookieOptions]

#: Express spellings of session() options and their Python names.
CAMEL_CASE_OPTIONS: dict[str, str] = {
    "saveUninitialized": "save_uninitialized",
    "clearOnDestroy": "clear_on_destroy",
    "key": "name",
}

#: Every accepted option name (Python spelling).
OPTION_NAMES = frozenset(
    {
        "secret", "name", "store", "cookie", "genid", "proxy", "resave", "rolling",
        "save_uninitialized", "unset", "clear_on_destroy", "store_timeout", "concurrency",
        "absolute_timeout", "idle_timeout",
    }
)  # fmt: skip

#: Seconds a store call may take before the request fails with a 503 (``store_timeout``).
#: Generous next to a healthy store's milliseconds, short next to a proxy's 60 s: a dead
#: store shows up as a clear error long before clients give up.
DEFAULT_STORE_TIMEOUT = 5.0

Concurrency = Literal["last-write", "merge"]


def generate_session_id(req: Any = None) -> str:
    """express-session's default id: 24 random bytes as URL-safe base64 without padding.

    32 characters, 192 bits from :mod:`secrets`.
    """
    return _random.token_urlsafe(24)


@dataclass(frozen=True)
class SessionOptions:
    """The validated options of one ``session()`` middleware (see docs/sessions.md)."""

    secrets: tuple[str | bytes, ...]
    name: str = "connect.sid"
    store: Any = field(default_factory=MemoryStore)
    cookie: CookieOptionSource = field(default_factory=CookieOptions)
    genid: Callable[[Any], str] = generate_session_id
    proxy: bool | None = None
    resave: bool = True
    rolling: bool = False
    save_uninitialized: bool = True
    unset: Literal["keep", "destroy"] = "keep"
    clear_on_destroy: bool = False
    store_timeout: float | None = DEFAULT_STORE_TIMEOUT
    concurrency: Concurrency = "last-write"
    lifetime: Lifetime = field(default_factory=Lifetime)

    def cookie_for(self, req: Any) -> CookieOptions:
        """The cookie options for ``req`` (calls the option when it is a function)."""
        if callable(self.cookie):
            return parse_cookie_options(self.cookie(req))
        return self.cookie


def parse_session_options(
    options: Mapping[str, Any] | None, keywords: Mapping[str, Any]
) -> SessionOptions:
    """Merge the positional dict and the keywords, normalise spellings and validate."""
    merged: dict[str, Any] = {}
    for source in (options or {}, keywords):
        for key, value in source.items():
            python_name = CAMEL_CASE_OPTIONS.get(key, key)
            if python_name not in OPTION_NAMES:
                known = ", ".join(sorted(OPTION_NAMES))
                raise ValueError(f"unknown session() option {key!r}; known options: {known}")
            merged[python_name] = value
    merged["secrets"] = _secrets(merged.pop("secret", None))
    merged["lifetime"] = Lifetime(
        _seconds_to_ms(merged.pop("absolute_timeout", None), "absolute_timeout"),
        _seconds_to_ms(merged.pop("idle_timeout", None), "idle_timeout"),
    )
    _default_with_warning(merged, "resave", "resave")
    _default_with_warning(merged, "save_uninitialized", "saveUninitialized")
    _check(merged)
    return SessionOptions(**merged)


def _secrets(secret: object) -> tuple[str | bytes, ...]:
    """The secrets of the `secret` option; none when it is unset (None). Then, as in
    express-session, each request uses cookie-parser's `req.secret`, and a request without
    one fails with "secret option required for sessions" (a warning says so now)."""
    if secret is None:
        warnings.warn(
            "session(): no secret option; it signs with cookie-parser's secret (req.secret) "
            "and answers 500 to requests without one (deprecated in express-session); pass "
            "secret='<a long random string>'",
            FutureWarning,
            stacklevel=4,
        )
        return ()
    return normalize_secrets(secret, "session()")


def _seconds_to_ms(value: float | timedelta | None, name: str) -> int | None:
    """A positive duration in seconds (or a timedelta) as ms; ``None`` stays ``None``."""
    try:
        ms = duration_ms(value, unit_ms=1000, name=name)
    except TypeError as exc:
        raise TypeError(f"{name} must be seconds (a number) or a timedelta") from exc
    if ms is not None and ms <= 0:
        raise ValueError(f"{name} must be positive, not {value!r}")
    return ms


def _default_with_warning(merged: dict[str, Any], key: str, express_name: str) -> None:
    """Express's deprecated default (True) when unset, with express-session's warning."""
    if key not in merged:
        warnings.warn(
            f"session(): undefined {express_name} option; provide {key}= (the default True "
            "is deprecated in express-session; False is what most apps want)",
            FutureWarning,
            stacklevel=4,
        )
        merged[key] = True


def _check(merged: dict[str, Any]) -> None:
    """Validate what can be validated before the first request."""
    if merged.get("unset", "keep") not in ("keep", "destroy"):
        raise ValueError('unset option must be "destroy" or "keep"')
    if "genid" in merged and not callable(merged["genid"]):
        raise TypeError("genid option must be a function taking req and returning a str")
    if merged.get("store") is None:
        merged.pop("store", None)
    elif not capabilities_of(merged["store"]).in_cookie and not all(
        callable(getattr(merged["store"], m, None)) for m in ("get", "set", "destroy")
    ):
        # CookieStore configures the cookie back-end: it keeps nothing, so has no methods
        raise TypeError("store must have get, set and destroy methods (see Store)")
    _check_concurrency(merged)
    timeout = merged.get("store_timeout", DEFAULT_STORE_TIMEOUT)
    if timeout is not None and (isinstance(timeout, bool) or not timeout > 0):
        raise ValueError(f"store_timeout must be positive seconds or None, not {timeout!r}")
    cookie = merged.get("cookie")
    name = merged.get("name", "connect.sid")
    if cookie is None:
        merged.pop("cookie", None)
        _check_cookie(CookieOptions(), name)
    elif not callable(cookie):
        merged["cookie"] = parse_cookie_options(cookie)
        _check_cookie(merged["cookie"], name)
    else:  # a function's options are known per request only: check the name alone
        _check_cookie(CookieOptions(secure=True), name)


def _check_concurrency(merged: dict[str, Any]) -> None:
    """``concurrency="merge"`` and ``idle_timeout`` need a store that can merge atomically."""
    mode = merged.get("concurrency", "last-write")
    if mode not in ("last-write", "merge"):
        raise ValueError(f'concurrency must be "last-write" or "merge", not {mode!r}')
    store = merged.get("store")
    capabilities = capabilities_of(store)
    can_merge = store is None or capabilities.merge
    if capabilities.in_cookie:
        can_merge = mode != "merge"  # the cookie is the record: nothing to merge into
    needs = "concurrency='merge'" if mode == "merge" else None
    if merged["lifetime"].idle_ms is not None and not capabilities.in_cookie:
        needs = needs or "idle_timeout"
    if needs and not can_merge:
        raise TypeError(
            f"{needs} needs a store with an atomic merge(sid, patch) method (MemoryStore, "
            f"SQLiteStore and RedisStore have one); {type(store).__name__} has none"
        )


def _check_cookie(options: CookieOptions, name: str) -> None:
    """Serialise a sample cookie so a bad name/domain/path/sameSite fails at construction.

    The sample also carries the name's ``__Secure-``/``__Host-`` requirements (secure, path,
    domain: see serialize_cookie), so ``name="__Host-sid"`` with a ``domain`` fails here.
    """
    if requires_secure(name) and options.secure == "auto":
        # "auto" writes the cookie without Secure on plain HTTP, which browsers then drop.
        raise ValueError(
            f"cookie name {name!r} requires secure=True; secure='auto' would send it without "
            "Secure over plain HTTP (secure=True already skips the cookie there)"
        )
    sample = SessionCookie(options)
    if options.secure == "auto":
        sample.secure = True
    if options.same_site == "auto":
        sample.same_site = "none"
    sample.serialize(name, "s:sample")
    same_site_none = isinstance(sample.same_site, str) and sample.same_site.lower() == "none"
    insecure = options.secure is False or (options.secure is None and options.same_site != "auto")
    if same_site_none and insecure:
        raise ValueError(
            "cookie same_site='none' requires secure=True (or 'auto'); browsers reject "
            "SameSite=None cookies that are not Secure"
        )
