"""Freeing a finished request by reference counting instead of the cycle collector.

Express gives every request `req.res` and `res.req`: a reference cycle. Left alone, each
finished request (its Request, Response, scope, headers, params: about 24 objects for a hello
world) waits for CPython's cycle collector, which then runs every few dozen requests and hands
back memory that has gone cold in the CPU caches. Breaking one link when the request is over
lets reference counting free it all at once, as uvicorn + Starlette's acyclic objects are.

Only a request that nothing else can reach is unlinked: when anything outside the app's own
dispatch still holds `req` or `res` (a stashed object, a timer's closure, a session bound to
the request), both links stay, so `req.res` and `res.req` keep working for as long as anyone
can ask, exactly as in Express, and the cycle collector frees them later as before. A request
whose handler raised stays with the collector too: the error's traceback holds the handler's
frame, and so the request, and the error may still be wanted after the response (a log handler
that formats it later).
"""

from __future__ import annotations

import sys
from typing import Any

_getrefcount = getattr(sys, "getrefcount", None)  # CPython only; elsewhere the GC handles it


def _counts(first: object, second: object) -> tuple[int, int]:
    assert _getrefcount is not None
    return _getrefcount(first), _getrefcount(second)


class _Probe:
    partner: Any


def _probe_counts(first: _Probe, second: _Probe) -> tuple[int, int]:
    # Called exactly as release() calls _counts, so both see the same references of their own
    # (the caller's locals, the parameters, the call's argument), whatever this Python counts.
    return _counts(first, second)


def _unshared_counts() -> tuple[int, int] | None:
    """What `_counts` reports inside `release` for a pair held by nothing but the caller's
    locals and each other's link."""
    if _getrefcount is None:
        return None
    first, second = _Probe(), _Probe()
    first.partner, second.partner = second, first
    return _probe_counts(first, second)


_UNSHARED = _unshared_counts()


def release(req: Any, res: Any) -> None:
    """Break `res.req` once the request is over, if nothing but the caller holds `req` and
    `res`; call with the caller's only references to both (the ASGI entry's locals)."""
    if _UNSHARED is not None and _counts(req, res) == _UNSHARED:
        del res.req
