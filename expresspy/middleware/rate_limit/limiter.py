"""`rate_limit(...)` (alias `rateLimit`): express-rate-limit 7's middleware.

    from expresspy.middleware import rate_limit
    from expresspy.middleware.rate_limit import RedisStore

    app.use(rate_limit(window=15 * 60, limit=100, standard_headers="draft-8",
                       legacy_headers=False))
    app.use("/api", rate_limit({"windowMs": 60_000, "limit": 10,
                                "store": RedisStore("redis://127.0.0.1:6379")}))

Options (snake_case keywords, or one dict with express-rate-limit's camelCase names):

- `window` in **seconds**, or `windowMs` / `window_ms` in **milliseconds** (the name says so); a
  timedelta for any of them. Default 60 s. Giving two of them is an error.
- `limit` (legacy `max`): hits allowed per window, or `fn(req, res)` → number. Default 5.
- `message`: the body of a blocked response: a str, a dict/list (sent as JSON), or
  `fn(req, res)`. Default "Too many requests, please try again later.".
- `status_code` (429), `handler(req, res, next, options)` replacing the default answer.
- `standard_headers`: False (default), True ("draft-6"), "draft-6", "draft-7" or "draft-8";
  `legacy_headers` (legacy `headers`): X-RateLimit-* (default True). Retry-After is sent on a
  blocked request when either is on.
- `identifier`: draft-8's policy name, a str or `fn(req, res)`; default like "5-in-1min".
- `key_generator(req, res)`: the client's key; default `req.ip` (the whole address, IPv6
  too, as express-rate-limit 7.5 does).
- `skip(req, res)` → true to let a request through uncounted.
- `skip_successful_requests` / `skip_failed_requests`: take the hit back when the response
  finishes, per `request_was_successful(req, res)` (default: status < 400); a client that goes
  away before the response ends counts as failed.
- `request_property_name` ("rateLimit"): `req.rateLimit` (also `req.rate_limit`) holds
  `limit`, `used`, `remaining` and `resetTime` (a UTC datetime), by key or attribute.
- `store`: MemoryStore (default, per process) or RedisStore (shared); `pass_on_store_error`
  lets requests through when the store fails (else the error goes to `next(err)`).
- `validate`: True / False / a dict of checks (see `validations`); problems are logged once.

Every function option may be `async def`. Bad option types raise TypeError/ValueError at once.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import math
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from expresspy.middleware._options import gather, snake

from . import headers
from .memory import MemoryStore
from .store import ClientRateLimitInfo, check_store, method
from .validations import Validations

__all__ = ["RateLimit", "RateLimitConfig", "RateLimitInfo", "rateLimit", "rate_limit"]

logger = logging.getLogger("expresspy.rate_limit")

DEFAULT_MESSAGE: Final = "Too many requests, please try again later."
_UNSET: Final = object()

DEFAULTS: Final[Mapping[str, Any]] = {
    "window": _UNSET,
    "window_ms": _UNSET,
    "limit": _UNSET,
    "max": _UNSET,
    "message": DEFAULT_MESSAGE,
    "status_code": 429,
    "legacy_headers": _UNSET,
    "headers": _UNSET,
    "standard_headers": False,
    "identifier": None,
    "request_property_name": "rateLimit",
    "skip_failed_requests": False,
    "skip_successful_requests": False,
    "request_was_successful": None,
    "skip": None,
    "key_generator": None,
    "handler": None,
    "pass_on_store_error": False,
    "store": None,
    "validate": True,
    "draft_polli_ratelimit_headers": None,
    "on_limit_reached": None,
}

# Response tasks (decrements) still running: kept so they are not garbage-collected mid-way.
_pending: set[asyncio.Task[None]] = set()


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _positional(fn: Callable[..., Any]) -> int:
    """How many positional arguments `fn` takes (a large number for *args)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 4
    count = 0
    for param in params:
        if param.kind is param.VAR_POSITIONAL:
            return 99
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            count += 1
    return count


def _adapt(fn: Any, name: str) -> Callable[..., Any]:
    """Call `fn` with as many of the arguments as it takes: `lambda req: ...` works where
    express-rate-limit passes (req, res)."""
    if not callable(fn):
        raise TypeError(f"rate_limit(): {name} must be a function, not {fn!r}")
    count = _positional(fn)
    return lambda *args: fn(*args[:count])


def _window_ms(settings: Mapping[str, Any]) -> float:
    """The window in milliseconds from `window` (seconds) or `window_ms` (milliseconds)."""
    given = [(k, settings[k]) for k in ("window", "window_ms") if settings[k] is not _UNSET]
    if len(given) > 1:
        raise TypeError(
            "rate_limit(): give the window once: window (seconds) or windowMs / "
            "window_ms (milliseconds)"
        )
    if not given:
        return 60_000.0
    name, value = given[0]
    if isinstance(value, timedelta):
        ms = value.total_seconds() * 1000
        return int(ms) if ms.is_integer() else ms
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"rate_limit(): {name} must be a number or a timedelta, not {value!r}")
    ms = float(value) * (1000 if name == "window" else 1)
    if not math.isfinite(ms) or ms <= 0:
        raise ValueError(f"rate_limit(): {name} must be a positive finite number, not {value!r}")
    return int(ms) if ms.is_integer() else ms


def _check_number(name: str, value: Any, low: float, high: float = math.inf) -> None:
    """A number option (or a function giving one) in [low, high], else TypeError/ValueError."""
    if callable(value) and name == "limit":
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"rate_limit(): {name} must be a number, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"rate_limit(): {name} {value!r} is out of range")


def _standard(value: Any) -> Any:
    return "draft-6" if value is True else value


def _duration(window_ms: float) -> str:
    """express-rate-limit's default identifier's duration ("1min", "15min", "2hrs", "1day")."""
    seconds = window_ms / 1000
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    if seconds < 60:
        return f"{headers.js_number(seconds)}sec"
    if minutes < 60:
        return f"{headers.js_number(minutes)}min"
    if hours < 24:
        return f"{headers.js_number(hours)}hr{'s' if hours > 1 else ''}"
    return f"{headers.js_number(days)}day{'s' if days > 1 else ''}"


class RateLimitInfo(dict[str, Any]):
    """`req.rateLimit`: keys `limit`, `used`, `remaining`, `resetTime` (as express-rate-limit
    sets them, so `res.json(req.rateLimit)` looks the same); also attributes, including
    `reset_time` and `current` (= used)."""

    @property
    def limit(self) -> int:
        """The limit that applied to this request."""
        return int(self["limit"])

    @property
    def used(self) -> int:
        """Hits counted in the window, this one included."""
        return int(self["used"])

    current = used

    @property
    def remaining(self) -> int:
        """Hits left in the window (never below 0)."""
        return int(self["remaining"])

    @property
    def reset_time(self) -> datetime | None:
        """When the window ends (UTC), if the store says."""
        value: datetime | None = self["resetTime"]
        return value

    resetTime = reset_time


class RateLimitConfig:
    """A limiter's settled options (what stores' `init` and handlers' `options` receive).

    Attributes are snake_case (`window_ms` is milliseconds); camelCase names read the same
    values (`options.windowMs`, `options.statusCode`).
    """

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.window_ms = _window_ms(settings)
        limit = settings["limit"] if settings["limit"] is not _UNSET else settings["max"]
        self.limit: Any = 5 if limit is _UNSET or limit is None else limit
        _check_number("limit", self.limit, 0)
        self.message: Any = settings["message"]
        self.status_code: int = settings["status_code"]
        _check_number("status_code", self.status_code, 100, 999)
        legacy = settings["legacy_headers"]
        legacy = settings["headers"] if legacy is _UNSET or legacy is None else legacy
        self.legacy_headers = True if legacy is _UNSET or legacy is None else bool(legacy)
        self.standard_headers: Any = _standard(settings["standard_headers"])
        self.identifier: Any = settings["identifier"]
        self.request_property_name: str = settings["request_property_name"]
        self.skip_failed_requests = bool(settings["skip_failed_requests"])
        self.skip_successful_requests = bool(settings["skip_successful_requests"])
        self.pass_on_store_error = bool(settings["pass_on_store_error"])
        self.store: Any = settings["store"] if settings["store"] is not None else MemoryStore()
        check_store(self.store)
        self.validations = Validations(settings["validate"])
        self.validations.validations_config()
        self.validations.draft_polli_headers(settings["draft_polli_ratelimit_headers"])
        self.validations.on_limit_reached(settings["on_limit_reached"])
        self.skip = _adapt(settings["skip"] or (lambda: False), "skip")
        self.key_generator = _adapt(settings["key_generator"] or self._ip_key, "key_generator")
        self.request_was_successful = _adapt(
            settings["request_was_successful"] or (lambda _req, res: res.status_code < 400),
            "request_was_successful",
        )
        self.handler = _adapt(settings["handler"] or self._default_handler, "handler")

    def __getattr__(self, name: str) -> Any:
        converted = snake(name)
        if converted != name and converted in self.__dict__:
            return self.__dict__[converted]
        raise AttributeError(f"'RateLimitConfig' object has no attribute {name!r}")

    def _ip_key(self, req: Any) -> Any:
        self.validations.ip(req.ip)
        self.validations.trust_proxy(req)
        self.validations.x_forwarded_for_header(req)
        return req.ip

    async def _default_handler(self, req: Any, res: Any) -> None:
        res.status(self.status_code)
        message = self.message
        if callable(message):
            message = await _maybe_await(_adapt(message, "message")(req, res))
        if not res.writable_ended:
            res.send(message)

    async def name(self, req: Any, res: Any) -> str:
        """draft-8's policy name: `identifier`, else "<limit>-in-<duration>"."""
        if self.identifier is None:
            info = getattr(req, self.request_property_name)
            return f"{info['limit']}-in-{_duration(self.window_ms)}"
        if callable(self.identifier):
            return str(await _maybe_await(_adapt(self.identifier, "identifier")(req, res)))
        return str(self.identifier)


def _client_info(result: Any) -> tuple[Any, Any]:
    """(hits, reset time) from a store's answer: a ClientRateLimitInfo or a dict."""
    if isinstance(result, ClientRateLimitInfo):
        return result.total_hits, result.reset_time
    if isinstance(result, Mapping):
        return (
            result.get("totalHits", result.get("total_hits")),
            result.get("resetTime", result.get("reset_time")),
        )
    return getattr(result, "total_hits", None), getattr(result, "reset_time", None)


class RateLimit:
    """The middleware `rate_limit()` returns; also `reset_key(key)` / `get_key(key)` (and
    their camelCase names), which reach the limiter's store."""

    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        config.validations.unshared_store(config.store)
        init = method(config.store, "init", "init")
        if init is not None:
            init(config)

    async def reset_key(self, key: str) -> None:
        """Forget one client's hits."""
        await _maybe_await(method(self.config.store, "reset_key", "resetKey")(key))

    resetKey = reset_key

    async def get_key(self, key: str) -> Any:
        """The store's record for `key`; raises when the store cannot read one."""
        get = method(self.config.store, "get", "get")
        if get is None:
            raise RuntimeError("The current store does not support the get/getKey method")
        return await _maybe_await(get(key))

    getKey = get_key

    async def __call__(self, req: Any, res: Any, next: Callable[..., None]) -> None:
        try:
            await self._limit(req, res, next)
        except Exception as exc:
            next(exc)

    async def _limit(self, req: Any, res: Any, next: Callable[..., None]) -> None:
        config = self.config
        if await _maybe_await(config.skip(req, res)):
            next()
            return
        key = await _maybe_await(config.key_generator(req, res))
        try:
            hits, reset_time = _client_info(await _maybe_await(config.store.increment(key)))
        except Exception:
            if not config.pass_on_store_error:
                raise
            logger.exception(
                "express-rate-limit: error from store, allowing request without rate-limiting."
            )
            next()
            return
        config.validations.positive_hits(hits)
        config.validations.single_count(req, config.store, key)
        limit = config.limit
        if callable(limit):
            limit = await _maybe_await(_adapt(limit, "limit")(req, res))
        config.validations.limit(limit)
        info = RateLimitInfo(
            limit=limit, used=hits, remaining=max(limit - hits, 0), resetTime=reset_time
        )
        self._expose(req, info)
        await self._headers(req, res, info, key)
        if config.skip_failed_requests or config.skip_successful_requests:
            self._take_back_later(req, res, key)
        config.validations.disable()
        if hits > limit:
            if config.legacy_headers or config.standard_headers:
                headers.retry_after(res, info, config.window_ms)
            await _maybe_await(config.handler(req, res, next, config))
            return
        next()

    def _expose(self, req: Any, info: RateLimitInfo) -> None:
        """Set `req.<request_property_name>` (and its snake_case twin, `req.rate_limit`)."""
        name = self.config.request_property_name
        setattr(req, name, info)
        if snake(name) != name:
            setattr(req, snake(name), info)

    async def _headers(self, req: Any, res: Any, info: RateLimitInfo, key: str) -> None:
        config = self.config
        if config.legacy_headers:
            headers.legacy_headers(res, info)
        draft = config.standard_headers
        if not draft or res.headers_sent:
            return
        if draft not in ("draft-6", "draft-7", "draft-8"):
            config.validations.headers_draft_version(draft)
            return
        name = await config.name(req, res) if draft == "draft-8" else ""
        if draft != "draft-6":
            config.validations.headers_reset_time(info["resetTime"])
        headers.standard_headers(res, info, draft, config.window_ms, name, str(key))

    def _take_back_later(self, req: Any, res: Any, key: str) -> None:
        """Decrement the hit when the response finishes, if the outcome says so."""
        config = self.config
        loop = asyncio.get_running_loop()

        async def settle() -> None:
            ended = res.writable_ended and not req.aborted
            if ended:
                good = bool(await _maybe_await(config.request_was_successful(req, res)))
                take_back = (config.skip_successful_requests and good) or (
                    config.skip_failed_requests and not good
                )
            else:
                take_back = config.skip_failed_requests
            if take_back:
                await _maybe_await(config.store.decrement(key))

        def start() -> None:
            task = loop.create_task(settle())
            _pending.add(task)
            task.add_done_callback(_finished)

        res.on_finish(lambda _res: loop.call_soon_threadsafe(start))


def _finished(task: asyncio.Task[None]) -> None:
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("rate_limit: could not take a hit back", exc_info=task.exception())


def rate_limit(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> RateLimit:
    """Build a rate-limiting middleware; see the module docstring for the options."""
    if options is not None and not isinstance(options, Mapping):
        raise TypeError("rate_limit() takes a dict of options or keywords")
    given = {k: v for k, v in (options or {}).items() if v is not None}
    settings = gather(
        "rate_limit()", given, {k: v for k, v in keywords.items() if v is not None}, DEFAULTS
    )
    return RateLimit(RateLimitConfig(settings))


rateLimit = rate_limit
