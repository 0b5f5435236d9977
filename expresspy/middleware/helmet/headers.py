"""helmet's other headers: each a function from that header's options to its part."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

from ._common import UNSET, Apply, given_or, js, options_of, set_header


def _policy(header: str, allowed: Sequence[str], default: str) -> Callable[..., Apply]:
    """A `{policy: ...}` header (the Cross-Origin-* family): one value out of `allowed`."""

    def build(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
        policy = given_or(options_of(header, options, keywords, ("policy",))["policy"], default)
        if policy not in allowed:
            raise ValueError(f"{header} does not support the {js(policy)} policy")
        return set_header(header, policy)

    return build


coep_part = _policy(
    "Cross-Origin-Embedder-Policy",
    ("require-corp", "credentialless", "unsafe-none"),
    "require-corp",
)
coop_part = _policy(
    "Cross-Origin-Opener-Policy",
    ("same-origin", "same-origin-allow-popups", "noopener-allow-popups", "unsafe-none"),
    "same-origin",
)
corp_part = _policy(
    "Cross-Origin-Resource-Policy", ("same-origin", "same-site", "cross-origin"), "same-origin"
)

REFERRER_TOKENS: Final = frozenset(
    {
        "no-referrer",
        "no-referrer-when-downgrade",
        "same-origin",
        "origin",
        "strict-origin",
        "origin-when-cross-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
        "",
    }
)


def referrer_part(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    """Referrer-Policy: `policy` is one token or a list (default no-referrer), joined with ","."""
    settings = options_of("Referrer-Policy", options, keywords, ("policy",))
    policy = given_or(settings["policy"], ["no-referrer"])
    tokens = [policy] if isinstance(policy, str) else list(policy)
    if not tokens:
        raise ValueError("Referrer-Policy received no policy tokens")
    seen: set[str] = set()
    for token in tokens:
        if token not in REFERRER_TOKENS:
            raise ValueError(f"Referrer-Policy received an unexpected policy token {js(token)}")
        if token in seen:
            raise ValueError(f"Referrer-Policy received a duplicate policy token {js(token)}")
        seen.add(token)
    return set_header("Referrer-Policy", ",".join(tokens))


#: helmet's default HSTS max-age: 365 days, in seconds.
HSTS_MAX_AGE: Final = 365 * 24 * 60 * 60


def _hsts_max_age(value: Any) -> int:
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    ):
        return math.floor(value)
    raise ValueError(
        f"Strict-Transport-Security: {js(value)} is not a valid value for maxAge. "
        "Please choose a positive integer."
    )


def hsts_part(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    """Strict-Transport-Security: `max_age` in seconds (default 365 days), `include_sub_domains`
    (True), `preload`.
    """
    raw = {**(options or {}), **keywords}
    if "maxage" in raw:
        raise ValueError(
            "Strict-Transport-Security received an unsupported property, `maxage`. "
            "Did you mean to pass `maxAge`?"
        )
    if "includeSubdomains" in raw or "include_subdomains" in raw:
        raise ValueError(
            "Strict-Transport-Security middleware should use `includeSubDomains` "
            "instead of `includeSubdomains`. (The correct one has an uppercase "
            '"D".)'
        )
    settings = options_of(
        "Strict-Transport-Security",
        options,
        keywords,
        ("max_age", "include_sub_domains", "preload"),
    )
    directives = [f"max-age={_hsts_max_age(given_or(settings['max_age'], HSTS_MAX_AGE))}"]
    if settings["include_sub_domains"] is UNSET or settings["include_sub_domains"]:
        directives.append("includeSubDomains")
    if given_or(settings["preload"], False):
        directives.append("preload")
    return set_header("Strict-Transport-Security", "; ".join(directives))


def frame_part(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    """X-Frame-Options: `action` "sameorigin" (default) or "deny", any case."""
    settings = options_of("X-Frame-Options", options, keywords, ("action",))
    action = given_or(settings["action"], "sameorigin")
    normal = action.upper() if isinstance(action, str) else action
    if normal == "SAME-ORIGIN":
        normal = "SAMEORIGIN"
    if normal not in ("DENY", "SAMEORIGIN"):
        raise ValueError(f"X-Frame-Options received an invalid action {js(action)}")
    return set_header("X-Frame-Options", normal)


def dns_part(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    """X-DNS-Prefetch-Control: "on" when `allow` is true, else "off"."""
    settings = options_of("X-DNS-Prefetch-Control", options, keywords, ("allow",))
    allow = given_or(settings["allow"], False)
    return set_header("X-DNS-Prefetch-Control", "on" if allow else "off")


def cross_domain_part(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    """X-Permitted-Cross-Domain-Policies: `permitted_policies` (default "none")."""
    settings = options_of(
        "X-Permitted-Cross-Domain-Policies", options, keywords, ("permitted_policies",)
    )
    policies = given_or(settings["permitted_policies"], "none")
    if policies not in ("none", "master-only", "by-content-type", "all"):
        raise ValueError(f"X-Permitted-Cross-Domain-Policies does not support {js(policies)}")
    return set_header("X-Permitted-Cross-Domain-Policies", policies)


def fixed_part(header: str, value: str) -> Callable[..., Apply]:
    """A header that takes no options (helmet ignores any it is given)."""

    def build(_opts: Mapping[str, Any] | None, _keywords: Mapping[str, Any]) -> Apply:
        return set_header(header, value)

    return build


def no_powered_by_part(_opts: Mapping[str, Any] | None, _keywords: Mapping[str, Any]) -> Apply:
    """Remove X-Powered-By (Express sets it before any middleware runs)."""

    async def apply(_req: Any, res: Any) -> BaseException | None:
        res.remove_header("X-Powered-By")
        return None

    return apply
