"""The misconfiguration checks express-rate-limit 7 runs, logged rather than raised.

As in express-rate-limit, each limiter runs its checks while it is created and on its first
counted request, then switches them off, so each problem is logged once per limiter (an error
on the `expresspy.rate_limit` logger; a change warning as a warning). `validate=False` turns them
all off; `validate={"trust_proxy": False}` (or `{"trustProxy": False}`) one of them.
"""

from __future__ import annotations

import ipaddress
import logging
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from expresspy.middleware._options import snake

__all__ = ["RateLimitValidationError", "Validations"]

logger = logging.getLogger("expresspy.rate_limit")

SUPPORTED_DRAFTS = ("draft-6", "draft-7", "draft-8")

#: The checks by (snake_case) name, in express-rate-limit's order.
CHECKS = (
    "ip",
    "trust_proxy",
    "x_forwarded_for_header",
    "positive_hits",
    "unshared_store",
    "single_count",
    "limit",
    "draft_polli_headers",
    "on_limit_reached",
    "headers_draft_version",
    "headers_reset_time",
    "validations_config",
    "creation_stack",
)

# Stores already used by a limiter (ERR_ERL_STORE_REUSE); weak, so a dropped store is forgotten.
_used_stores: weakref.WeakSet[Any] = weakref.WeakSet()
# Per request, the prefixed keys each store counted (ERR_ERL_DOUBLE_COUNT).
_counted: weakref.WeakKeyDictionary[Any, dict[Any, list[str]]] = weakref.WeakKeyDictionary()


class RateLimitValidationError(Exception):
    """A detected misconfiguration: `code` (ERR_ERL_...) and `help` (its documentation URL)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.help = f"https://express-rate-limit.github.io/{code}/"
        super().__init__(f"{message} See {self.help} for more information.")


class ChangeWarning(RateLimitValidationError):
    """A behaviour that changed between major versions (logged as a warning)."""


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class Validations:
    """One limiter's checks; `enabled` maps a check's snake_case name to on/off."""

    def __init__(self, validate: bool | Mapping[str, bool] | None) -> None:
        self.enabled: dict[str, bool] = {"default": validate is not False}
        self.unknown: list[str] = []
        if isinstance(validate, Mapping):
            for key, on in validate.items():
                name = snake(key)
                if name not in CHECKS and name != "default":
                    self.unknown.append(key)
                self.enabled[name] = bool(on)

    def disable(self) -> None:
        """Switch every check off (after the first request, as express-rate-limit does)."""
        self.enabled = dict.fromkeys([*CHECKS, "default"], False)

    def run(self, name: str, check: Callable[[], None]) -> None:
        """Run one check if it is on; log what it finds, never raise."""
        if not self.enabled.get(name, self.enabled["default"]):
            return
        try:
            check()
        except ChangeWarning as warning:
            logger.warning("ChangeWarning: %s", warning)
        except RateLimitValidationError as error:
            logger.error("ValidationError: %s", error)

    # -- the checks ----------------------------------------------------------------------

    def validations_config(self) -> None:
        """Unknown names in `validate`."""

        def check() -> None:
            for key in self.unknown:
                known = ", ".join(_camel(c) for c in CHECKS) + ", default"
                raise RateLimitValidationError(
                    "ERR_ERL_UNKNOWN_VALIDATION",
                    f"options.validate.{key} is not recognized. Supported validate options "
                    f"are: {known}.",
                )

        self.run("validations_config", check)

    def ip(self, ip: str | None) -> None:
        """`req.ip` is missing or not an IP address (a port left in it, say)."""

        def check() -> None:
            if ip is None:
                raise RateLimitValidationError(
                    "ERR_ERL_UNDEFINED_IP_ADDRESS",
                    "An undefined 'request.ip' was detected. This might indicate a "
                    "misconfiguration or the connection being destroyed prematurely.",
                )
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                raise RateLimitValidationError(
                    "ERR_ERL_INVALID_IP_ADDRESS",
                    f"An invalid 'request.ip' ({ip}) was detected. Consider passing a custom "
                    "'keyGenerator' function to the rate limiter.",
                ) from None

        self.run("ip", check)

    def trust_proxy(self, req: Any) -> None:
        """`trust proxy` is true: any client can pick its own X-Forwarded-For address."""

        def check() -> None:
            if req.app.get("trust proxy") is True:
                raise RateLimitValidationError(
                    "ERR_ERL_PERMISSIVE_TRUST_PROXY",
                    "The Express 'trust proxy' setting is true, which allows anyone to "
                    "trivially bypass IP-based rate limiting.",
                )

        self.run("trust_proxy", check)

    def x_forwarded_for_header(self, req: Any) -> None:
        """X-Forwarded-For arrives while `trust proxy` is off: every client looks the same."""

        def check() -> None:
            if req.headers.get("x-forwarded-for") and req.app.get("trust proxy") is False:
                raise RateLimitValidationError(
                    "ERR_ERL_UNEXPECTED_X_FORWARDED_FOR",
                    "The 'X-Forwarded-For' header is set but the Express 'trust proxy' "
                    "setting is false (default). This could indicate a misconfiguration which "
                    "would prevent express-rate-limit from accurately identifying users.",
                )

        self.run("x_forwarded_for_header", check)

    def positive_hits(self, hits: Any) -> None:
        """The store answered a hit count that is not a positive integer."""

        def check() -> None:
            if isinstance(hits, bool) or not isinstance(hits, int) or hits < 1:
                raise RateLimitValidationError(
                    "ERR_ERL_INVALID_HITS",
                    "The totalHits value returned from the store must be a positive integer, "
                    f"got {hits}",
                )

        self.run("positive_hits", check)

    def unshared_store(self, store: Any) -> None:
        """One store given to two limiters (their counts would mix)."""

        def check() -> None:
            try:
                reused = store in _used_stores
                _used_stores.add(store)
            except TypeError:  # not weak-referenceable: cannot be tracked
                return
            if reused:
                unique = "" if getattr(store, "local_keys", False) else " (with a unique prefix)"
                raise RateLimitValidationError(
                    "ERR_ERL_STORE_REUSE",
                    "A Store instance must not be shared across multiple rate limiters. Create "
                    f"a new instance of {type(store).__name__}{unique} for each limiter "
                    "instead.",
                )

        self.run("unshared_store", check)

    def single_count(self, req: Any, store: Any, key: str) -> None:
        """Two limiters on one store counted the same key for one request."""

        def check() -> None:
            try:
                per_store = _counted.setdefault(req, {})
            except TypeError:
                return
            owner = store if getattr(store, "local_keys", False) else type(store).__name__
            keys = per_store.setdefault(owner, [])
            prefixed = f"{getattr(store, 'prefix', '') or ''}{key}"
            if prefixed in keys:
                raise RateLimitValidationError(
                    "ERR_ERL_DOUBLE_COUNT",
                    f"The hit count for {key} was incremented more than once for a single request.",
                )
            keys.append(prefixed)

        self.run("single_count", check)

    def limit(self, limit: Any) -> None:
        """`limit=0` blocks everything in v7 (it disabled limiting in v6)."""

        def check() -> None:
            if limit == 0:
                raise ChangeWarning(
                    "WRN_ERL_MAX_ZERO",
                    "Setting limit or max to 0 disables rate limiting in express-rate-limit v6 "
                    "and older, but will cause all requests to be blocked in v7",
                )

        self.run("limit", check)

    def draft_polli_headers(self, value: Any) -> None:
        """The removed `draft_polli_ratelimit_headers` option."""

        def check() -> None:
            if value:
                raise ChangeWarning(
                    "WRN_ERL_DEPRECATED_DRAFT_POLLI_HEADERS",
                    "The draft_polli_ratelimit_headers configuration option is deprecated and "
                    "has been removed in express-rate-limit v7, please set standardHeaders: "
                    "'draft-6' instead.",
                )

        self.run("draft_polli_headers", check)

    def on_limit_reached(self, value: Any) -> None:
        """The removed `onLimitReached` option."""

        def check() -> None:
            if value:
                raise ChangeWarning(
                    "WRN_ERL_DEPRECATED_ON_LIMIT_REACHED",
                    "The onLimitReached configuration option is deprecated and has been removed "
                    "in express-rate-limit v7.",
                )

        self.run("on_limit_reached", check)

    def headers_draft_version(self, version: Any) -> None:
        """`standard_headers` names a draft this version does not know."""

        def check() -> None:
            if version not in SUPPORTED_DRAFTS:
                raise RateLimitValidationError(
                    "ERR_ERL_HEADERS_UNSUPPORTED_DRAFT_VERSION",
                    "standardHeaders: only the following versions of the IETF draft "
                    f"specification are supported: {', '.join(SUPPORTED_DRAFTS)}.",
                )

        self.run("headers_draft_version", check)

    def headers_reset_time(self, reset_time: Any) -> None:
        """draft-7/8 headers need the store's reset time."""

        def check() -> None:
            if not reset_time:
                raise RateLimitValidationError(
                    "ERR_ERL_HEADERS_NO_RESET",
                    "standardHeaders:  'draft-7' requires a 'resetTime', but the store did not "
                    "provide one. The 'windowMs' value will be used instead, which may cause "
                    "clients to wait longer than necessary.",
                )

        self.run("headers_reset_time", check)
