"""`helmet(...)`: security headers with the defaults, options and errors of helmet 8.

    from expresspy.middleware import helmet

    app.use(helmet())                                   # helmet 8's thirteen defaults
    app.use(helmet(content_security_policy=False, x_frame_options={"action": "deny"}))
    app.use(helmet({"strictTransportSecurity": {"maxAge": 63072000, "preload": True}}))
    app.use(helmet.content_security_policy(directives={"script-src": ["'self'", nonce]}))

`helmet()` sets, in this order: Content-Security-Policy, Cross-Origin-Opener-Policy,
Cross-Origin-Resource-Policy, Origin-Agent-Cluster, Referrer-Policy, Strict-Transport-Security,
X-Content-Type-Options, X-DNS-Prefetch-Control, X-Download-Options, X-Frame-Options,
X-Permitted-Cross-Domain-Policies, removes X-Powered-By, and sets X-XSS-Protection: 0.
Cross-Origin-Embedder-Policy is off unless asked for (as in helmet 8).

Each top-level option (snake_case keyword, or helmet's camelCase key in one dict) is `False`
(header off), `True`/absent (its default), or a dict of that header's options, as helmet takes
them. helmet's legacy names (`hsts`, `frameguard`, `no_sniff`, `dns_prefetch_control`,
`ie_no_open`, `permitted_cross_domain_policies`, `hide_powered_by`, `xss_filter`) work too; giving
a header under both names is an error. Every header also exists alone, under its helmet name in
both spellings: `helmet.strict_transport_security(...)` / `helmet.strictTransportSecurity(...)`,
`helmet.hsts(...)`, ...

Units: Strict-Transport-Security's `max_age` / `maxAge` is **seconds** in both spellings (helmet's
unit and the header's; a timedelta works too), so copied code keeps its meaning.

Bad options raise `ValueError` with helmet's message when `helmet()` is called (at start-up, not
per request); an option helmet does not know raises `TypeError` (helmet ignores it; we fail loudly,
docs/design.md). A CSP function directive that raises, or returns a value needing quotes, sends its
error to `next(err)` for that request, as helmet does.
"""

from __future__ import annotations

import inspect
import logging
import math
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

from expresspy.http.jsontext import stringify
from expresspy.middleware._options import Middleware, gather

__all__ = ["content_security_policy", "helmet"]

logger = logging.getLogger("expresspy.middleware.helmet")

#: What one header's part of helmet does to a response: None, or the error for `next(err)`.
Apply = Callable[[Any, Any], Awaitable[BaseException | None]]

_UNSET: Final = object()


def _js(value: Any) -> str:
    """JSON.stringify(value), as helmet's messages quote what they received."""
    if isinstance(value, float) and not math.isfinite(value):
        return "null"
    try:
        return stringify(value)
    except (TypeError, ValueError):
        return repr(value)


def _options(owner: str, given: Mapping[str, Any] | None, keywords: Mapping[str, Any],
             names: Sequence[str]) -> dict[str, Any]:
    """The options of one header, snake_case, with `_UNSET` for the ones not given."""
    if given is not None and not isinstance(given, Mapping):
        raise TypeError(f"{owner}: options must be a dict, not {type(given).__name__}")
    return gather(owner, given, keywords, dict.fromkeys(names, _UNSET))


def _given(value: Any, default: Any) -> Any:
    return default if value is _UNSET or value is None else value


def _middleware(name: str, parts: Sequence[Apply]) -> Middleware:
    """One middleware running `parts` in order; the first error goes to `next(err)`."""

    async def middleware(req: Any, res: Any, next: Callable[..., None]) -> None:
        for part in parts:
            error = await part(req, res)
            if error is not None:
                next(error)
                return
        next()

    middleware.__name__ = middleware.__qualname__ = name
    return middleware


def _set(header: str, value: str) -> Apply:
    async def apply(_req: Any, res: Any) -> BaseException | None:
        res.set_header(header, value)
        return None

    return apply


# -- Content-Security-Policy ------------------------------------------------------------------

class _DisableDefaultSrc:
    """helmet's `dangerouslyDisableDefaultSrc`: give it as default-src to send none."""

    def __repr__(self) -> str:
        return "dangerously_disable_default_src"


DANGEROUSLY_DISABLE_DEFAULT_SRC: Final = _DisableDefaultSrc()

#: Keywords that are only keywords in quotes ('self'); helmet rejects them bare.
SHOULD_BE_QUOTED: Final = frozenset({
    "none", "self", "strict-dynamic", "report-sample", "inline-speculation-rules",
    "unsafe-inline", "unsafe-eval", "unsafe-hashes", "wasm-unsafe-eval",
})
_QUOTED_PREFIXES: Final = ("nonce-", "sha256-", "sha384-", "sha512-")
_DIRECTIVE_NAME: Final = re.compile(r"[a-z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?")
_SEPARATOR: Final = re.compile(r"[;,]")


def get_default_directives() -> dict[str, list[str]]:
    """helmet 8's default directives, in its order, as a new dict each call (safe to edit)."""
    return {
        "default-src": ["'self'"],
        "base-uri": ["'self'"],
        "font-src": ["'self'", "https:", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "script-src": ["'self'"],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", "https:", "'unsafe-inline'"],
        "upgrade-insecure-requests": [],
    }


def _directive_name(raw: Any) -> str:
    """`scriptSrc`, `script-src` (helmet's spellings) or `script_src` → `script-src`."""
    name = raw.replace("_", "-") if isinstance(raw, str) else ""
    if not _DIRECTIVE_NAME.fullmatch(name):
        raise ValueError(f"Content-Security-Policy received an invalid directive name {_js(raw)}")
    return re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)


def _value_error(name: str, value: str) -> ValueError | None:
    if _SEPARATOR.search(value):
        return ValueError(f"Content-Security-Policy received an invalid directive value for "
                          f"{_js(name)}")
    return None


def _entry_error(name: str, entry: str) -> ValueError | None:
    if entry in SHOULD_BE_QUOTED or entry.startswith(_QUOTED_PREFIXES):
        return ValueError(f"Content-Security-Policy received an invalid directive value for "
                          f"{_js(name)}. {_js(entry)} should be quoted")
    return None


def _directive_value(name: str, raw: Any) -> list[Any]:
    """One directive's value as a list of strings and functions; raises helmet's errors."""
    if isinstance(raw, str):
        values: list[Any] = [raw]
    elif isinstance(raw, (list, tuple, set, frozenset)):
        values = list(raw)
    else:
        raise ValueError(f"Content-Security-Policy received an invalid directive value for "
                         f"{_js(name)}")
    for entry in values:
        if isinstance(entry, str):
            error = _value_error(name, entry) or _entry_error(name, entry)
            if error is not None:
                raise error
        elif not callable(entry):
            raise TypeError(f"Content-Security-Policy directive {_js(name)}: each value must be "
                            f"a string or a function (req, res) -> string, not {entry!r}")
    return values


def parse_directives(directives: Mapping[str, Any] | None, use_defaults: bool = True
                     ) -> dict[str, list[Any]]:
    """helmet's parseDirectives: the defaults (unless `use_defaults` is false) overlaid with
    `directives`; a directive set to None is removed. Raises `ValueError` with helmet's words.
    """
    result: dict[str, list[Any]] = dict(get_default_directives()) if use_defaults else {}
    disabled_default_src = False
    seen: set[str] = set()
    for raw_name, raw_value in (directives or {}).items():
        name = _directive_name(raw_name)
        if name in seen:
            raise ValueError(f"Content-Security-Policy received a duplicate directive {_js(name)}")
        seen.add(name)
        if raw_value is None or raw_value is DANGEROUSLY_DISABLE_DEFAULT_SRC:
            if name != "default-src" and raw_value is not None:
                raise ValueError(f"Content-Security-Policy: tried to disable {_js(name)} as if "
                                 "it were default-src; simply omit the key")
            if name == "default-src" and raw_value is None:
                raise ValueError(_NO_DEFAULT_SRC.format("it was set to `null`"))
            disabled_default_src = disabled_default_src or name == "default-src"
            result.pop(name, None)
            continue
        result[name] = _directive_value(name, raw_value)
    if not result:
        raise ValueError("Content-Security-Policy has no directives. Either set some or disable "
                         "the header")
    if "default-src" not in result and not disabled_default_src:
        raise ValueError(_NO_DEFAULT_SRC.format("none was provided"))
    return result


_NO_DEFAULT_SRC: Final = (
    "Content-Security-Policy needs a default-src but {}. If you really want to disable it, set "
    "it to `contentSecurityPolicy.dangerouslyDisableDefaultSrc`."
)


def _static_policy(directives: Mapping[str, list[Any]]) -> str | None:
    """The header value when no directive has a function in it, else None."""
    parts: list[str] = []
    for name, values in directives.items():
        if not all(isinstance(v, str) for v in values):
            return None
        joined = " ".join(values)
        parts.append(f"{name} {joined}" if joined else name)
    return ";".join(parts)


async def _dynamic_policy(req: Any, res: Any, directives: Mapping[str, list[Any]]
                          ) -> str | BaseException:
    """The header value for this request, calling each function `fn(req, res)`."""
    parts: list[str] = []
    for name, values in directives.items():
        text = ""
        for entry in values:
            if callable(entry):
                try:
                    entry = entry(req, res)
                    if inspect.isawaitable(entry):
                        entry = await entry
                except Exception as exc:  # helmet hands any throw to next(err)
                    return exc
                entry = str(entry)
                error = _entry_error(name, entry)
                if error is not None:
                    return error
            text += " " + entry
        if text:
            error = _value_error(name, text)
            if error is not None:
                return error
            parts.append(name + text)
        else:
            parts.append(name)
    return ";".join(parts)


def _csp_apply(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    settings = _options("helmet.content_security_policy()", options, keywords,
                        ("directives", "use_defaults", "report_only"))
    header = ("Content-Security-Policy-Report-Only" if _given(settings["report_only"], False)
              else "Content-Security-Policy")
    directives = settings["directives"]
    if directives is not _UNSET and directives is not None and not isinstance(directives,
                                                                               Mapping):
        raise TypeError("helmet.content_security_policy(): directives must be a dict")
    parsed = parse_directives(_given(directives, None), bool(_given(settings["use_defaults"],
                                                                     True)))
    static = _static_policy(parsed)
    if static is not None:
        return _set(header, static)

    async def apply(req: Any, res: Any) -> BaseException | None:
        value = await _dynamic_policy(req, res, parsed)
        if isinstance(value, BaseException):
            return value
        res.set_header(header, value)
        return None

    return apply


class _ContentSecurityPolicy:
    """`helmet.content_security_policy(directives=..., use_defaults=True, report_only=False)`.

    `directives` maps a directive name (`"script-src"`, `"scriptSrc"` or `"script_src"`) to a
    string, a list of strings and functions `fn(req, res) -> str` (called per request, e.g. for
    a nonce; may be async), or None to drop a default. Raises helmet's `ValueError`s.
    """

    dangerously_disable_default_src: Final = DANGEROUSLY_DISABLE_DEFAULT_SRC
    dangerouslyDisableDefaultSrc: Final = DANGEROUSLY_DISABLE_DEFAULT_SRC

    @staticmethod
    def get_default_directives() -> dict[str, list[str]]:
        """helmet's default directives (a fresh dict each call)."""
        return get_default_directives()

    getDefaultDirectives = get_default_directives

    def __call__(self, options: Mapping[str, Any] | None = None, /,
                 **keywords: Any) -> Middleware:
        return _middleware("contentSecurityPolicyMiddleware", [_csp_apply(options, keywords)])


content_security_policy = _ContentSecurityPolicy()


# -- the other headers: each a function from its options to its part ------------------------

def _policy(header: str, allowed: Sequence[str], default: str) -> Callable[..., Apply]:
    """A `{policy: ...}` header (the Cross-Origin-* family): one value out of `allowed`."""

    def build(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
        policy = _given(_options(header, options, keywords, ("policy",))["policy"], default)
        if policy not in allowed:
            raise ValueError(f"{header} does not support the {_js(policy)} policy")
        return _set(header, policy)

    return build


_coep = _policy("Cross-Origin-Embedder-Policy",
                ("require-corp", "credentialless", "unsafe-none"), "require-corp")
_coop = _policy("Cross-Origin-Opener-Policy",
                ("same-origin", "same-origin-allow-popups", "noopener-allow-popups",
                 "unsafe-none"), "same-origin")
_corp = _policy("Cross-Origin-Resource-Policy", ("same-origin", "same-site", "cross-origin"),
                "same-origin")

REFERRER_TOKENS: Final = frozenset({
    "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
    "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url", "",
})


def _referrer(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    policy = _given(_options("Referrer-Policy", options, keywords, ("policy",))["policy"],
                    ["no-referrer"])
    tokens = [policy] if isinstance(policy, str) else list(policy)
    if not tokens:
        raise ValueError("Referrer-Policy received no policy tokens")
    seen: set[str] = set()
    for token in tokens:
        if token not in REFERRER_TOKENS:
            raise ValueError(f"Referrer-Policy received an unexpected policy token {_js(token)}")
        if token in seen:
            raise ValueError(f"Referrer-Policy received a duplicate policy token {_js(token)}")
        seen.add(token)
    return _set("Referrer-Policy", ",".join(tokens))


#: helmet's default HSTS max-age: 365 days, in seconds.
HSTS_MAX_AGE: Final = 365 * 24 * 60 * 60


def _hsts_max_age(value: Any) -> int:
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value >= 0):
        return math.floor(value)
    raise ValueError(f"Strict-Transport-Security: {_js(value)} is not a valid value for maxAge. "
                     "Please choose a positive integer.")


def _hsts(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    raw = {**(options or {}), **keywords}
    if "maxage" in raw:
        raise ValueError("Strict-Transport-Security received an unsupported property, `maxage`. "
                         "Did you mean to pass `maxAge`?")
    if "includeSubdomains" in raw or "include_subdomains" in raw:
        raise ValueError("Strict-Transport-Security middleware should use `includeSubDomains` "
                         "instead of `includeSubdomains`. (The correct one has an uppercase "
                         '"D".)')
    settings = _options("Strict-Transport-Security", options, keywords,
                        ("max_age", "include_sub_domains", "preload"))
    directives = [f"max-age={_hsts_max_age(_given(settings['max_age'], HSTS_MAX_AGE))}"]
    if settings["include_sub_domains"] is _UNSET or settings["include_sub_domains"]:
        directives.append("includeSubDomains")
    if _given(settings["preload"], False):
        directives.append("preload")
    return _set("Strict-Transport-Security", "; ".join(directives))


def _frame(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    action = _given(_options("X-Frame-Options", options, keywords, ("action",))["action"],
                    "sameorigin")
    normal = action.upper() if isinstance(action, str) else action
    if normal == "SAME-ORIGIN":
        normal = "SAMEORIGIN"
    if normal not in ("DENY", "SAMEORIGIN"):
        raise ValueError(f"X-Frame-Options received an invalid action {_js(action)}")
    return _set("X-Frame-Options", normal)


def _dns(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    allow = _given(_options("X-DNS-Prefetch-Control", options, keywords, ("allow",))["allow"],
                   False)
    return _set("X-DNS-Prefetch-Control", "on" if allow else "off")


def _cross_domain(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    settings = _options("X-Permitted-Cross-Domain-Policies", options, keywords,
                        ("permitted_policies",))
    policies = _given(settings["permitted_policies"], "none")
    if policies not in ("none", "master-only", "by-content-type", "all"):
        raise ValueError(f"X-Permitted-Cross-Domain-Policies does not support {_js(policies)}")
    return _set("X-Permitted-Cross-Domain-Policies", policies)


def _fixed(header: str, value: str) -> Callable[..., Apply]:
    """A header that takes no options (helmet ignores any it is given)."""

    def build(_opts: Mapping[str, Any] | None, _keywords: Mapping[str, Any]) -> Apply:
        return _set(header, value)

    return build


def _no_powered_by(_given_options: Mapping[str, Any] | None, _keywords: Mapping[str, Any]) -> Apply:
    async def apply(_req: Any, res: Any) -> BaseException | None:
        res.remove_header("X-Powered-By")
        return None

    return apply


def _csp(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    return _csp_apply(options, keywords)


class Header:
    """One of helmet's headers: its option name, legacy alias, builder and default state."""

    def __init__(self, option: str, camel: str, build: Callable[..., Apply], *,
                 alias: str | None = None, on: bool = True, takes_options: bool = True,
                 title: str = "", middleware: str = "") -> None:
        self.option, self.camel, self.build, self.alias = option, camel, build, alias
        self.on, self.takes_options, self.title = on, takes_options, title
        self.middleware = middleware or camel + "Middleware"

    def part(self, value: Any) -> Apply | None:
        """This header's part for a top-level option value (None: the header is off)."""
        if value is None:
            return self.build(None, {}) if self.on else None
        if value is True:
            return self.build(None, {})
        if value is False:
            return None
        if not self.takes_options:
            logger.warning("%s does not take options. Remove the property to silence this "
                           "warning.", self.title)
            return self.build(None, {})
        if not isinstance(value, Mapping):
            raise TypeError(f"helmet(): option {self.camel} must be True, False or a dict of "
                            f"{self.title} options, not {value!r}")
        return self.build(value, {})

    def standalone(self, options: Mapping[str, Any] | None = None, /,
                   **keywords: Any) -> Middleware:
        """This header alone, as a middleware (helmet.xFrameOptions(...) and friends)."""
        return _middleware(self.middleware, [self.build(options, keywords)])


#: helmet's headers in the order helmet() sets them.
HEADERS: Final = (
    Header("content_security_policy", "contentSecurityPolicy", _csp,
           title="Content-Security-Policy"),
    Header("cross_origin_embedder_policy", "crossOriginEmbedderPolicy", _coep, on=False,
           title="Cross-Origin-Embedder-Policy"),
    Header("cross_origin_opener_policy", "crossOriginOpenerPolicy", _coop,
           title="Cross-Origin-Opener-Policy"),
    Header("cross_origin_resource_policy", "crossOriginResourcePolicy", _corp,
           title="Cross-Origin-Resource-Policy"),
    Header("origin_agent_cluster", "originAgentCluster", _fixed("Origin-Agent-Cluster", "?1"),
           takes_options=False, title="Origin-Agent-Cluster"),
    Header("referrer_policy", "referrerPolicy", _referrer, title="Referrer-Policy"),
    Header("strict_transport_security", "strictTransportSecurity", _hsts, alias="hsts",
           title="Strict-Transport-Security"),
    Header("x_content_type_options", "xContentTypeOptions",
           _fixed("X-Content-Type-Options", "nosniff"), alias="noSniff", takes_options=False,
           title="X-Content-Type-Options"),
    Header("x_dns_prefetch_control", "xDnsPrefetchControl", _dns, alias="dnsPrefetchControl",
           title="X-DNS-Prefetch-Control"),
    Header("x_download_options", "xDownloadOptions", _fixed("X-Download-Options", "noopen"),
           alias="ieNoOpen", takes_options=False, title="X-Download-Options"),
    Header("x_frame_options", "xFrameOptions", _frame, alias="frameguard",
           title="X-Frame-Options"),
    Header("x_permitted_cross_domain_policies", "xPermittedCrossDomainPolicies", _cross_domain,
           alias="permittedCrossDomainPolicies", title="X-Permitted-Cross-Domain-Policies"),
    Header("x_powered_by", "xPoweredBy", _no_powered_by, alias="hidePoweredBy",
           takes_options=False, title="X-Powered-By"),
    Header("x_xss_protection", "xXssProtection", _fixed("X-XSS-Protection", "0"),
           alias="xssFilter", takes_options=False, title="X-XSS-Protection"),
)

_ALIASES: Final = {h.alias: h for h in HEADERS if h.alias}


def _top_level(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]
               ) -> dict[str, Any]:
    """helmet()'s options by snake_case name, `_UNSET` for absent ones."""
    names = [h.option for h in HEADERS] + [_snake_alias(a) for a in _ALIASES]
    return _options("helmet()", options, keywords, names)


def _snake_alias(alias: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), alias)


def _parts(settings: Mapping[str, Any]) -> list[Apply]:
    parts: list[Apply] = []
    for header in HEADERS:
        value = settings[header.option]
        if header.alias:
            alias = settings[_snake_alias(header.alias)]
            if value is not _UNSET and alias is not _UNSET:
                raise ValueError(f"{header.title} option was specified twice. Remove the "
                                 f"`{header.alias}` option to fix this error.")
            value = alias if value is _UNSET or value is None else value
        part = header.part(None if value is _UNSET else value)
        if part is not None:
            parts.append(part)
    return parts


class Helmet:
    """The `helmet` callable: `helmet(options)` builds the middleware; its attributes are the
    single-header middlewares under helmet's names (snake_case and camelCase)."""

    content_security_policy: Final = content_security_policy
    contentSecurityPolicy: Final = content_security_policy

    def __call__(self, options: Mapping[str, Any] | None = None, /, *rest: Any,
                 **keywords: Any) -> Middleware:
        """Build helmet's middleware; see the module docstring for the options."""
        if rest or (options is not None and not isinstance(options, Mapping)
                    and hasattr(options, "method")):
            raise TypeError("It appears you have done something like `app.use(helmet)`, but it "
                            "should be `app.use(helmet())`.")
        return _middleware("helmetMiddleware", _parts(_top_level(options, keywords)))

    def __getattr__(self, name: str) -> Callable[..., Middleware]:
        header = _STANDALONE.get(name)
        if header is None:
            raise AttributeError(f"helmet has no middleware named {name!r}")
        return header.standalone


_STANDALONE: Final = {
    **{h.option: h for h in HEADERS[1:]},
    **{h.camel: h for h in HEADERS[1:]},
    **_ALIASES,
    **{_snake_alias(a): h for a, h in _ALIASES.items()},
}

#: `helmet(...)` builds the middleware; `helmet.x_frame_options(...)` etc. build one header.
helmet = Helmet()
