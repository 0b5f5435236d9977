"""`vhost(hostname, handle)`: hand requests for one host name to an app, a router or a
middleware (the vhost package, 3.0).

    app.use(vhost("*.example.com", redirect_app))   # foo.example.com, bar.example.com
    app.use(vhost("example.com", main_app))
    app.use(vhost(re.compile(r"(.+)\\.local"), dev_app))

A string pattern matches the whole host name, ignoring case; each `*` in it matches one DNS
label (`[^.]+`). A compiled regular expression is anchored at both ends unless it already is,
and matches ignoring case too. The host name is the request's `Host` header without its port
(an IPv6 literal keeps its brackets): as in the package, `X-Forwarded-Host` and the
`trust proxy` setting play no part. A request for another host, or without a `Host` header,
goes on to the next middleware; a matching one gets `req.vhost` (see `Vhost`) and runs
through `handle`, whose `next()` continues after the vhost middleware.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from expresspy.options import Middleware
from expresspy.router import Router

__all__ = ["Vhost", "vhost"]

# A source that already ends in `$`: an unescaped one (after an even number of backslashes).
_END_ANCHORED = re.compile(r"(?:^|[^\\])(?:\\\\)*\$\Z")
# Global inline flags, `(?x)`, must stay at the start of a Python pattern: `^` goes after them.
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
# What `*` matches in a string pattern: one label of a dotted host name.
_LABEL = "([^.]+)"


@dataclass(frozen=True)
class Vhost:
    """`req.vhost`: what a matching request's host name gave the pattern.

    `vhost[0]`, `vhost[1]`, ... are the groups of the match in order (each `*` of a string
    pattern is one; a group that took no part is None, JavaScript's undefined); `length` is
    their count; `host` is the `Host` header as sent (with its port), `hostname` the part
    matched. `vhost["host"]`, `vhost["hostname"]` and `vhost["length"]` read the same as the
    attributes, as the package's plain object does.
    """

    host: str
    hostname: str
    groups: tuple[str | None, ...]

    @property
    def length(self) -> int:
        """How many groups the pattern has (the package's `length`)."""
        return len(self.groups)

    def to_json(self) -> dict[str, Any]:
        """What `res.json(req.vhost)` writes: the package's object, groups first by index (a
        group that took no part is left out, as JSON.stringify leaves out undefined)."""
        groups = {str(i): group for i, group in enumerate(self.groups) if group is not None}
        return {**groups, "host": self.host, "hostname": self.hostname, "length": self.length}

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str) and not key.isdigit():
            if key in ("host", "hostname", "length"):
                return getattr(self, key)
            raise KeyError(key)
        return self.groups[int(key)]

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self) -> Iterator[str | None]:
        return iter(self.groups)


def host_pattern(hostname: str | re.Pattern[str]) -> re.Pattern[str]:
    """The regular expression a vhost matches host names with: anchored at both ends and
    ignoring case (a compiled pattern keeps its other flags)."""
    if isinstance(hostname, re.Pattern):
        source, flags = hostname.pattern, hostname.flags
    else:
        source, flags = _LABEL.join(re.escape(part) for part in hostname.split("*")), 0
    inline = _INLINE_FLAGS.match(source)
    prefix, body = (inline.group(), source[inline.end() :]) if inline else ("", source)
    if not body.startswith("^"):
        body = "^" + body
    if not _END_ANCHORED.search(body):
        body += "$"
    return re.compile(prefix + body, flags | re.IGNORECASE)


def hostname_of(host: str) -> str:
    """A `Host` header without its port; an IPv6 literal (`[::1]:3000`) keeps its brackets."""
    offset = host.find("]") + 1 if host.startswith("[") else 0
    colon = host.find(":", offset)
    return host if colon == -1 else host[:colon]


def match_host(pattern: re.Pattern[str], host: str | None) -> Vhost | None:
    """The `Vhost` of a request whose `Host` header is `host`, or None when it does not match
    (or there is no host name)."""
    if not host:
        return None
    hostname = hostname_of(host)
    found = pattern.search(hostname) if hostname else None
    if found is None:
        return None
    return Vhost(host, hostname, found.groups())


def vhost(hostname: str | re.Pattern[str], handle: Any) -> Middleware:
    """Middleware that runs `handle` (an app, a router or a `(req, res, next)` middleware)
    for requests whose host name matches `hostname`, after setting `req.vhost`.

    `hostname` is a string where `*` matches one label (`"*.example.com"`), or a compiled
    regular expression; both match the whole host name, ignoring case. Other requests go on
    to the next middleware. An app given as `handle` is not mounted (it has no parent and
    keeps its own settings), as in Express, where vhost calls the app as a function.
    `handle` runs as the one layer of a router of its own, so `next("route")` or
    `next("router")` from a plain middleware leaves that router only (in Express it
    skips the rest of the route or router that holds the vhost middleware).
    """
    if not hostname:
        raise TypeError("argument hostname is required")
    if not isinstance(hostname, str | re.Pattern):
        raise TypeError("argument hostname must be a string or a compiled regular expression")
    if handle is None:
        raise TypeError("argument handle is required")
    if not callable(handle):
        raise TypeError("argument handle must be a function")
    pattern = host_pattern(hostname)
    # A router of one layer runs `handle` as any middleware runs: an app or a router as
    # middleware, a plain `def` in the thread pool, a coroutine awaited.
    inner = Router()
    inner.use(handle)

    async def vhost_middleware(req: Any, res: Any, next: Callable[..., None]) -> None:
        found = match_host(pattern, req.headers.get("host"))
        if found is None:
            next()
            return
        req.vhost = found
        await inner.handle(req, res, next)  # Express's router.handle(req, res, done)

    return vhost_middleware
