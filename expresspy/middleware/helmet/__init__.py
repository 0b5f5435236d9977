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

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from expresspy.middleware._options import Middleware

from ._common import UNSET, Apply, middleware, options_of
from .csp import content_security_policy, csp_part
from .headers import (
    coep_part,
    coop_part,
    corp_part,
    cross_domain_part,
    dns_part,
    fixed_part,
    frame_part,
    hsts_part,
    no_powered_by_part,
    referrer_part,
)

__all__ = ["HEADERS", "Header", "Helmet", "content_security_policy", "helmet"]

logger = logging.getLogger("expresspy.middleware.helmet")


class Header:
    """One of helmet's headers: its option name, legacy alias, builder and default state."""

    def __init__(
        self,
        option: str,
        camel: str,
        build: Callable[..., Apply],
        *,
        alias: str | None = None,
        on: bool = True,
        takes_options: bool = True,
        title: str = "",
        middleware: str = "",
    ) -> None:
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
            logger.warning(
                "%s does not take options. Remove the property to silence this warning.", self.title
            )
            return self.build(None, {})
        if not isinstance(value, Mapping):
            raise TypeError(
                f"helmet(): option {self.camel} must be True, False or a dict of "
                f"{self.title} options, not {value!r}"
            )
        return self.build(value, {})

    def standalone(
        self, options: Mapping[str, Any] | None = None, /, **keywords: Any
    ) -> Middleware:
        """This header alone, as a middleware (helmet.xFrameOptions(...) and friends)."""
        return middleware(self.middleware, [self.build(options, keywords)])


#: helmet's headers in the order helmet() sets them.
HEADERS: Final = (
    Header(
        "content_security_policy",
        "contentSecurityPolicy",
        csp_part,
        title="Content-Security-Policy",
    ),
    Header(
        "cross_origin_embedder_policy",
        "crossOriginEmbedderPolicy",
        coep_part,
        on=False,
        title="Cross-Origin-Embedder-Policy",
    ),
    Header(
        "cross_origin_opener_policy",
        "crossOriginOpenerPolicy",
        coop_part,
        title="Cross-Origin-Opener-Policy",
    ),
    Header(
        "cross_origin_resource_policy",
        "crossOriginResourcePolicy",
        corp_part,
        title="Cross-Origin-Resource-Policy",
    ),
    Header(
        "origin_agent_cluster",
        "originAgentCluster",
        fixed_part("Origin-Agent-Cluster", "?1"),
        takes_options=False,
        title="Origin-Agent-Cluster",
    ),
    Header("referrer_policy", "referrerPolicy", referrer_part, title="Referrer-Policy"),
    Header(
        "strict_transport_security",
        "strictTransportSecurity",
        hsts_part,
        alias="hsts",
        title="Strict-Transport-Security",
    ),
    Header(
        "x_content_type_options",
        "xContentTypeOptions",
        fixed_part("X-Content-Type-Options", "nosniff"),
        alias="noSniff",
        takes_options=False,
        title="X-Content-Type-Options",
    ),
    Header(
        "x_dns_prefetch_control",
        "xDnsPrefetchControl",
        dns_part,
        alias="dnsPrefetchControl",
        title="X-DNS-Prefetch-Control",
    ),
    Header(
        "x_download_options",
        "xDownloadOptions",
        fixed_part("X-Download-Options", "noopen"),
        alias="ieNoOpen",
        takes_options=False,
        title="X-Download-Options",
    ),
    Header(
        "x_frame_options", "xFrameOptions", frame_part, alias="frameguard", title="X-Frame-Options"
    ),
    Header(
        "x_permitted_cross_domain_policies",
        "xPermittedCrossDomainPolicies",
        cross_domain_part,
        alias="permittedCrossDomainPolicies",
        title="X-Permitted-Cross-Domain-Policies",
    ),
    Header(
        "x_powered_by",
        "xPoweredBy",
        no_powered_by_part,
        alias="hidePoweredBy",
        takes_options=False,
        title="X-Powered-By",
    ),
    Header(
        "x_xss_protection",
        "xXssProtection",
        fixed_part("X-XSS-Protection", "0"),
        alias="xssFilter",
        takes_options=False,
        title="X-XSS-Protection",
    ),
)

_ALIASES: Final = {h.alias: h for h in HEADERS if h.alias}


def _top_level(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> dict[str, Any]:
    """helmet()'s options by snake_case name, `UNSET` for absent ones."""
    names = [h.option for h in HEADERS] + [_snake_alias(a) for a in _ALIASES]
    return options_of("helmet()", options, keywords, names)


def _snake_alias(alias: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), alias)


def _parts(settings: Mapping[str, Any]) -> list[Apply]:
    parts: list[Apply] = []
    for header in HEADERS:
        value = settings[header.option]
        if header.alias:
            alias = settings[_snake_alias(header.alias)]
            if value is not UNSET and alias is not UNSET:
                raise ValueError(
                    f"{header.title} option was specified twice. Remove the "
                    f"`{header.alias}` option to fix this error."
                )
            value = alias if value is UNSET or value is None else value
        part = header.part(None if value is UNSET else value)
        if part is not None:
            parts.append(part)
    return parts


class Helmet:
    """The `helmet` callable: `helmet(options)` builds the middleware; its attributes are the
    single-header middlewares under helmet's names (snake_case and camelCase)."""

    content_security_policy: Final = content_security_policy
    contentSecurityPolicy: Final = content_security_policy

    def __call__(
        self, options: Mapping[str, Any] | None = None, /, *rest: Any, **keywords: Any
    ) -> Middleware:
        """Build helmet's middleware; see the module docstring for the options."""
        if rest or (
            options is not None and not isinstance(options, Mapping) and hasattr(options, "method")
        ):
            raise TypeError(
                "It appears you have done something like `app.use(helmet)`, but it "
                "should be `app.use(helmet())`."
            )
        return middleware("helmetMiddleware", _parts(_top_level(options, keywords)))

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
