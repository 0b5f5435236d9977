"""A small cookie jar for ``agent()``: keeps Set-Cookie values and sends them back.

It follows RFC 6265 where that matters to tests against one host: expiry by ``Expires`` or
``Max-Age`` (a past date deletes), ``Path`` prefix matching with the RFC default path,
``Domain`` matching, ``Secure`` only over https. Values are kept exactly as sent.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime


@dataclass
class Cookie:
    """One stored cookie. ``expires`` is a POSIX timestamp, ``None`` for a session cookie."""

    name: str
    value: str
    domain: str = ""
    path: str = "/"
    expires: float | None = None
    secure: bool = False
    http_only: bool = False
    host_only: bool = True
    attributes: dict[str, str] = field(default_factory=dict)

    def expired(self, now: float) -> bool:
        """True once the cookie's expiry time has passed."""
        return self.expires is not None and self.expires <= now

    def matches(self, host: str, path: str, secure: bool) -> bool:
        """True when the cookie goes with a request to ``host`` and ``path``."""
        if self.secure and not secure:
            return False
        return _domain_matches(self, host) and _path_matches(self.path, path)


def _domain_matches(cookie: Cookie, host: str) -> bool:
    host = host.lower()
    if cookie.host_only or not cookie.domain:
        return host == cookie.domain
    return host == cookie.domain or host.endswith("." + cookie.domain)


def _path_matches(cookie_path: str, request_path: str) -> bool:
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"


def default_path(request_path: str) -> str:
    """RFC 6265 §5.1.4: the directory of the request path, ``/`` at the top."""
    if not request_path.startswith("/") or request_path.count("/") == 1:
        return "/"
    return request_path[: request_path.rindex("/")]


def parse_set_cookie(header: str) -> Cookie | None:
    """Parse one Set-Cookie value; ``None`` when it has no ``name=value`` pair.

    Attribute names are read case-insensitively and kept lower-cased in ``attributes``;
    ``domain``/``path``/``expires`` on the result are left for the jar to complete.
    """
    pair, *attrs = header.split(";")
    name, sep, value = pair.partition("=")
    if not sep or not name.strip():
        return None
    cookie = Cookie(name.strip(), value.strip())
    for attr in attrs:
        key, _, attr_value = attr.partition("=")
        cookie.attributes[key.strip().lower()] = attr_value.strip()
    cookie.secure = "secure" in cookie.attributes
    cookie.http_only = "httponly" in cookie.attributes
    return cookie


def _expiry(attributes: dict[str, str], now: float) -> float | None:
    # Max-Age wins over Expires (RFC 6265 §5.3 step 3).
    if "max-age" in attributes:
        try:
            return now + int(attributes["max-age"])
        except ValueError:
            pass
    if "expires" in attributes:
        try:
            return parsedate_to_datetime(attributes["expires"]).timestamp()
        except (TypeError, ValueError):
            return None
    return None


class CookieJar:
    """The cookies one agent holds, keyed by (name, domain, path) as a browser keys them."""

    def __init__(self) -> None:
        self._cookies: dict[tuple[str, str, str], Cookie] = {}

    def store(self, set_cookie_values: list[str], host: str, request_path: str) -> None:
        """Take in the Set-Cookie values of a response to a request for ``host/request_path``."""
        now = time.time()
        for header in set_cookie_values:
            cookie = parse_set_cookie(header)
            if cookie is not None:
                self._store_one(cookie, host.lower(), request_path, now)

    def _store_one(self, cookie: Cookie, host: str, request_path: str, now: float) -> None:
        domain = cookie.attributes.get("domain", "").lstrip(".").lower()
        cookie.host_only = not domain
        cookie.domain = domain or host
        path = cookie.attributes.get("path", "")
        cookie.path = path if path.startswith("/") else default_path(request_path)
        cookie.expires = _expiry(cookie.attributes, now)
        key = (cookie.name, cookie.domain, cookie.path)
        if cookie.expired(now):
            self._cookies.pop(key, None)
        else:
            self._cookies[key] = cookie

    def header_for(self, host: str, path: str, secure: bool = False) -> str | None:
        """The Cookie header value for a request, or ``None`` when no cookie applies.

        Longer paths come first, as RFC 6265 §5.4 asks.
        """
        now = time.time()
        chosen = [
            cookie
            for cookie in self._cookies.values()
            if not cookie.expired(now) and cookie.matches(host, path, secure)
        ]
        chosen.sort(key=lambda cookie: len(cookie.path), reverse=True)
        return "; ".join(f"{c.name}={c.value}" for c in chosen) or None

    def get(self, name: str) -> str | None:
        """The value of the first live cookie called ``name``, if any."""
        now = time.time()
        for cookie in self._cookies.values():
            if cookie.name == name and not cookie.expired(now):
                return cookie.value
        return None

    def clear(self) -> None:
        """Forget every cookie."""
        self._cookies.clear()

    def __iter__(self) -> Iterator[Cookie]:
        now = time.time()
        return iter([c for c in self._cookies.values() if not c.expired(now)])

    def __len__(self) -> int:
        return sum(1 for _ in self)
