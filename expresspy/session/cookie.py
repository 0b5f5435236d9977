"""The session cookie: its attributes, its expiry and its JSON form (express-session's Cookie).

A :class:`SessionCookie` lives on every session as ``req.session.cookie``. Stores persist it as
express-session does, so a record written by a Node app reads back here unchanged::

    {"originalMaxAge": 60000, "expires": "2026-11-26T19:08:37.283Z", "httpOnly": true,
     "path": "/", "sameSite": "lax"}

Units: ``max_age`` and ``original_max_age`` are **seconds** (Python spelling); ``maxAge`` and
``originalMaxAge`` are **milliseconds** (Express spelling). A ``timedelta`` works for both.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from ..cookies import serialize_cookie
from ..options import camel, duration_ms, option_name

__all__ = [
    "CookieOptions",
    "SessionCookie",
    "StoredCookie",
    "datetime_to_ms",
    "from_js_iso",
    "ms_to_datetime",
    "now_ms",
    "stored_cookie",
    "to_js_iso",
]

SecureOption = bool | Literal["auto"] | None
SameSiteOption = bool | str | None


def now_ms() -> int:
    """Wall-clock time in whole milliseconds since the epoch (JavaScript's ``Date.now()``)."""
    return time.time_ns() // 1_000_000


def ms_to_datetime(ms: int) -> datetime:
    """The aware UTC datetime ``ms`` milliseconds after the epoch."""
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)


def datetime_to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch; a naive datetime is taken as UTC (as HTTP dates are)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)


def to_js_iso(moment: datetime) -> str:
    """Format as JavaScript's ``Date.toISOString()``: ``2026-11-26T19:08:37.283Z``."""
    utc = ms_to_datetime(datetime_to_ms(moment))
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def from_js_iso(text: str) -> datetime:
    """Parse an ISO-8601 date as written by ``Date.toISOString()``; raises ``ValueError``."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return ms_to_datetime(datetime_to_ms(moment))


@dataclass(frozen=True)
class CookieOptions:
    """The ``cookie`` option of ``session()``, normalised (see :func:`parse_cookie_options`).

    ``max_age_ms`` is in milliseconds. ``secure`` and ``same_site`` may be ``"auto"``: decided
    per request from whether the connection is secure. ``None`` means "not set" (the attribute
    is left out of the cookie and of the stored JSON).
    """

    path: str = "/"
    domain: str | None = None
    http_only: bool = True
    secure: SecureOption = None
    max_age_ms: int | None = None
    expires: datetime | None = None
    same_site: SameSiteOption = None
    priority: str | None = None
    partitioned: bool | None = None


#: The ``cookie`` option's CookieOptions fields (Express's camelCase spellings map onto them).
COOKIE_OPTION_FIELDS = frozenset(
    {
        "path",
        "domain",
        "http_only",
        "secure",
        "same_site",
        "priority",
        "partitioned",
        "expires",
    }
)


def parse_cookie_options(options: Mapping[str, Any] | CookieOptions | None) -> CookieOptions:
    """Build :class:`CookieOptions` from a mapping in either spelling.

    ``maxAge`` is milliseconds, ``max_age`` seconds (a ``timedelta`` works for both). Unknown
    keys and ``max_age`` together with ``expires`` raise ``ValueError`` (fail loudly on typos).
    """
    if options is None:
        return CookieOptions()
    if isinstance(options, CookieOptions):
        return options
    fields: dict[str, Any] = {}
    for key, value in options.items():
        if key == "maxAge" and isinstance(value, datetime):
            fields["expires"] = _deprecated_max_age_date(value)
        elif key == "maxAge":
            fields["max_age_ms"] = duration_ms(value, unit_ms=1, name="maxAge")
        elif key == "max_age":
            fields["max_age_ms"] = duration_ms(value, unit_ms=1000, name="max_age")
        elif (field := option_name(key, COOKIE_OPTION_FIELDS)) is not None:
            fields[field] = value
        else:
            spellings = {*COOKIE_OPTION_FIELDS, *map(camel, COOKIE_OPTION_FIELDS)}
            known = ", ".join(sorted({*spellings, "maxAge", "max_age"}))
            raise ValueError(f"unknown session cookie option {key!r}; known options: {known}")
    if fields.get("max_age_ms") is not None and fields.get("expires") is not None:
        raise ValueError("pass either max_age (seconds) / maxAge (ms) or expires, not both")
    return CookieOptions(**fields)


def _deprecated_max_age_date(moment: datetime) -> datetime:
    """express-session's deprecated ``maxAge: Date``: the moment becomes ``expires``."""
    warnings.warn(
        "maxAge given as a datetime; pass a duration (maxAge in ms, max_age in seconds) "
        "or expires=datetime instead",
        DeprecationWarning,
        stacklevel=4,
    )
    return moment


class SessionCookie:
    """The cookie of one session: attributes plus an absolute expiry (express-session's Cookie).

    ``expires`` is an aware UTC datetime at millisecond precision, or ``None`` for a browser
    session cookie. Setting ``max_age`` (seconds) or ``maxAge`` (ms) sets ``expires`` to now
    plus that duration; reading them gives the time left (negative once expired).
    ``original_max_age``/``originalMaxAge`` is the lifetime the cookie was given, which
    ``req.session.touch()`` restarts from.
    """

    __slots__ = (
        "_expires",
        "domain",
        "http_only",
        "original_max_age_ms",
        "partitioned",
        "path",
        "priority",
        "same_site",
        "secure",
    )

    def __init__(self, options: CookieOptions | Mapping[str, Any] | None = None) -> None:
        if options is not None and not isinstance(options, (CookieOptions, Mapping)):
            raise TypeError(
                f"argument options must be a mapping of cookie options, not {options!r}"
            )
        opts = parse_cookie_options(options)
        self.path: str | None = opts.path
        self.domain: str | None = opts.domain
        self.http_only: bool | None = opts.http_only
        self.secure: bool | None = None if opts.secure == "auto" else opts.secure
        self.same_site: SameSiteOption = None if opts.same_site == "auto" else opts.same_site
        self.priority: str | None = opts.priority
        self.partitioned: bool | None = opts.partitioned
        #: The configured lifetime in milliseconds, or None for a browser-session cookie.
        self.original_max_age_ms: int | None = None
        self._expires: datetime | None = None
        if opts.expires is not None:
            self.expires = opts.expires
        else:
            self.maxAge = opts.max_age_ms

    # -- expiry ----------------------------------------------------------------------------

    @property
    def expires(self) -> datetime | None:
        """When the cookie (and the session) expires, UTC; ``None`` for a browser session."""
        return self._expires

    @expires.setter
    def expires(self, moment: datetime | None) -> None:
        self._expires = None if moment is None else ms_to_datetime(datetime_to_ms(moment))
        self.original_max_age_ms = self.maxAge

    @property
    def maxAge(self) -> int | None:
        """Milliseconds left before ``expires`` (Express spelling); ``None`` without expiry."""
        return None if self._expires is None else datetime_to_ms(self._expires) - now_ms()

    @maxAge.setter
    def maxAge(self, ms: float | timedelta | None) -> None:
        ms = duration_ms(ms, unit_ms=1, name="maxAge")
        # Set both directly: going through the expires setter would read the clock a second
        # time and could record 59999 for a 60000 ms lifetime.
        self._expires = None if ms is None else ms_to_datetime(now_ms() + ms)
        self.original_max_age_ms = ms

    @property
    def max_age(self) -> float | None:
        """Seconds left before ``expires``; set it (seconds or timedelta) to move ``expires``."""
        left = self.maxAge
        return None if left is None else left / 1000

    @max_age.setter
    def max_age(self, seconds: float | timedelta | None) -> None:
        self.maxAge = duration_ms(seconds, unit_ms=1000, name="max_age")

    @property
    def original_max_age(self) -> float | None:
        """The lifetime the cookie was given, in seconds (``originalMaxAge`` is ms)."""
        ms = self.original_max_age_ms
        return None if ms is None else ms / 1000

    @property
    def originalMaxAge(self) -> int | None:
        """The lifetime the cookie was given, in milliseconds (Express spelling)."""
        return self.original_max_age_ms

    @originalMaxAge.setter
    def originalMaxAge(self, ms: int | None) -> None:
        self.original_max_age_ms = ms

    def reset_max_age(self) -> None:
        """Restart the lifetime: ``expires = now + original_max_age`` (no expiry without one)."""
        ms = self.original_max_age_ms
        if ms is None:  # what the maxAge setter does with None, without its conversions
            self._expires = None
            return
        self.maxAge = ms

    # -- camelCase aliases -----------------------------------------------------------------

    @property
    def httpOnly(self) -> bool | None:
        """Alias of ``http_only``."""
        return self.http_only

    @httpOnly.setter
    def httpOnly(self, value: bool | None) -> None:
        self.http_only = value

    @property
    def sameSite(self) -> SameSiteOption:
        """Alias of ``same_site``."""
        return self.same_site

    @sameSite.setter
    def sameSite(self, value: SameSiteOption) -> None:
        self.same_site = value

    # -- wire forms ------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The stored form, keys in express-session's order; unset attributes are left out."""
        # originalMaxAge and expires are written as null; the others vanish when unset, as
        # undefined properties vanish from JSON.stringify.
        data: dict[str, Any] = {"originalMaxAge": self.original_max_age_ms}
        if self.partitioned is not None:
            data["partitioned"] = self.partitioned
        if self.priority is not None:
            data["priority"] = self.priority
        data["expires"] = None if self._expires is None else to_js_iso(self._expires)
        if self.secure is not None:
            data["secure"] = self.secure
        if self.http_only is not None:
            data["httpOnly"] = self.http_only
        if self.domain is not None:
            data["domain"] = self.domain
        if self.path is not None:
            data["path"] = self.path
        if self.same_site is not None:
            data["sameSite"] = self.same_site
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SessionCookie:
        """Rebuild a cookie from its stored form; the stored attributes win over the config.

        Raises ``ValueError``/``TypeError`` when the record is not a cookie object.
        """
        cookie = cls.__new__(cls)
        get = data.get
        cookie.path = get("path")
        cookie.http_only = get("httpOnly")
        cookie.domain = get("domain")
        cookie.secure = get("secure")
        cookie.same_site = get("sameSite")
        cookie.priority = get("priority")
        cookie.partitioned = get("partitioned")
        expires = get("expires")
        cookie._expires = from_js_iso(expires) if isinstance(expires, str) else None
        original = get("originalMaxAge")
        cookie.original_max_age_ms = int(original) if isinstance(original, (int, float)) else None
        return cookie

    def serialize(self, name: str, value: str) -> str:
        """The ``Set-Cookie`` value for ``name=value`` with these attributes (Expires only,
        never Max-Age, as express-session writes it)."""
        return serialize_cookie(
            name,
            value,
            domain=self.domain,
            path=self.path,
            expires=self._expires,
            http_only=bool(self.http_only),
            secure=bool(self.secure),
            partitioned=bool(self.partitioned),
            priority=self.priority,
            same_site=self.same_site,
        )

    def __repr__(self) -> str:
        return f"SessionCookie({self.to_json()!r})"


class StoredCookie:
    """A stored cookie kept as its JSON until something reads it (``req.session.cookie``).

    Only a cookie with neither an expiry nor a lifetime is kept so: ``touch()`` changes
    nothing of it (``expires`` stays ``None``), so a request that never reads it saves the
    same JSON it loaded, and nothing needs building. ``text`` is the JSON as loaded,
    ``json`` the JSON :meth:`SessionCookie.to_json` would write of it (the text of a cookie
    this middleware wrote). Immutable: one serves every session that loaded the same text.
    """

    __slots__ = ("json", "text")

    def __init__(self, text: str, json_text: str) -> None:
        self.text = text
        self.json = json_text

    def cookie(self) -> SessionCookie:
        """The cookie itself, as :meth:`SessionCookie.from_json` builds it from ``text``."""
        return SessionCookie.from_json(json.loads(self.text))


#: The stored cookies seen by their JSON text (few: one per cookie configuration).
_STORED: dict[str, StoredCookie] = {}
#: The :class:`StoredCookie` :func:`stored_cookie` remembers for a stored JSON text, or None
#: (tried first on the request path: a C call where :func:`stored_cookie` is a Python one).
remembered_cookie = _STORED.get
#: How many :data:`_STORED` keeps before it starts afresh.
MAX_STORED_COOKIES = 256

#: The compact JSON the stores write (store.JSON's settings; store.py imports this module).
_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def stored_cookie(text: str) -> StoredCookie | SessionCookie:
    """The cookie whose stored JSON is ``text``: a :class:`StoredCookie` when it has neither
    an expiry nor a lifetime (remembered by text), else the :class:`SessionCookie` built from
    it. Raises ``ValueError`` when ``text`` is not a cookie object (as
    :func:`~expresspy.session.session.session_from_record` does)."""
    known = _STORED.get(text)
    if known is not None:
        return known
    data = json.loads(text)
    if not isinstance(data, Mapping):
        raise ValueError("session record has no cookie object")
    cookie = SessionCookie.from_json(data)
    if cookie._expires is not None or cookie.original_max_age_ms is not None:
        return cookie  # touch() moves its expiry: built now, as any cookie is
    try:
        json_text = _compact(cookie.to_json())
    except (TypeError, ValueError):  # a value JSON cannot write: the save reports it
        return cookie
    if len(_STORED) >= MAX_STORED_COOKIES:
        _STORED.clear()
    known = _STORED[text] = StoredCookie(text, json_text)
    return known
