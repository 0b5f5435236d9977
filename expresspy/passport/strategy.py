"""`Strategy`: the base class of every authentication strategy (the passport-strategy package).

A strategy decides, for one request, who the user is. Write one by subclassing and defining
``authenticate(req, options)`` (plain or ``async def``); it ends by calling exactly one action:

    class ApiKeyStrategy(Strategy):
        name = "apikey"

        def __init__(self, verify):
            super().__init__()
            self.verify = verify

        async def authenticate(self, req, options):
            key = req.get("X-Api-Key")
            if not key:
                return self.fail("ApiKey", 401)      # a challenge for WWW-Authenticate
            user = await self.verify(key)
            self.success(user) if user else self.fail({"message": "Unknown key"})

    passport.use(ApiKeyStrategy(find_user_by_key))

The actions are passport's: ``success(user, info)``, ``fail(challenge, status)`` (try the next
strategy, else answer 401), ``redirect(url, status=302)``, ``pass_()`` (also reachable as
``getattr(strategy, "pass")``: go on without deciding) and ``error(err)``. They may be called
from any thread, also later from a callback. Each request works on a shallow copy of the
registered strategy (as passport uses ``Object.create``), so attributes set while
authenticating do not leak into other requests. A strategy that never calls an action leaves
the request waiting, as in passport.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["Actions", "Strategy"]


class Actions(Protocol):
    """What a strategy's actions report to (the authenticate middleware's attempt)."""

    def settle(self, kind: str, *args: Any) -> None:
        """Record the outcome ``kind`` ("success", "fail", ...) with its arguments."""


class Strategy:
    """Base class for strategies: set ``name`` and override :meth:`authenticate`."""

    #: The name ``passport.use(strategy)`` registers it under.
    name: str | None = None
    _actions: Actions | None = None

    def authenticate(self, req: Any, options: Mapping[str, Any]) -> Any:
        """Authenticate ``req``; ``options`` are those given to ``passport.authenticate()``,
        with snake_case keys. Must call one action (now, or later from a callback)."""
        raise NotImplementedError("a Strategy subclass must define authenticate(req, options)")

    # -- the actions, live only on the per-request copy made by bind() ------------------------

    def success(self, user: Any, info: Any = None) -> None:
        """Authentication succeeded: ``user`` is logged in (``info`` goes to messages)."""
        self._report("success", user, info)

    def fail(self, challenge: Any = None, status: int | None = None) -> None:
        """Authentication failed. ``challenge`` is a ``WWW-Authenticate`` value (str) or an
        info dict such as ``{"message": "Bad password"}``; ``fail(400)`` gives a status only."""
        if isinstance(challenge, int) and not isinstance(challenge, bool) and status is None:
            challenge, status = None, challenge
        self._report("fail", challenge, status)

    def redirect(self, url: str, status: int = 302) -> None:
        """Send the client elsewhere (e.g. to an identity provider); ends the response."""
        self._report("redirect", url, status)

    def pass_(self) -> None:
        """Neither success nor failure: go on to the next middleware."""
        self._report("pass")

    def error(self, err: BaseException) -> None:
        """An internal error (a database down, ...): becomes ``next(err)``."""
        self._report("error", err)

    def bind(self, actions: Actions) -> Strategy:
        """A copy of this strategy whose actions report to ``actions`` (one per request)."""
        clone = copy.copy(self)
        clone._actions = actions
        return clone

    def _report(self, kind: str, *args: Any) -> None:
        if self._actions is None:
            raise RuntimeError(
                f"{type(self).__name__}.{kind}() can only be called while passport runs the "
                "strategy (inside authenticate())"
            )
        self._actions.settle(kind, *args)


setattr(Strategy, "pass", Strategy.pass_)  # `pass` is a keyword: reachable by getattr only
