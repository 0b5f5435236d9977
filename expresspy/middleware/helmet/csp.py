"""helmet's Content-Security-Policy: directives parsed and checked once, the header built once,
or per request when a directive holds functions (a nonce)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from typing import Any, Final

from expresspy.middleware._options import Middleware

from ._common import Apply, given_or, js, middleware, options_of, set_header

__all__ = ["content_security_policy", "get_default_directives", "parse_directives"]


class _DisableDefaultSrc:
    """helmet's `dangerouslyDisableDefaultSrc`: give it as default-src to send none."""

    def __repr__(self) -> str:
        return "dangerously_disable_default_src"


DANGEROUSLY_DISABLE_DEFAULT_SRC: Final = _DisableDefaultSrc()

#: Keywords that are only keywords in quotes ('self'); helmet rejects them bare.
SHOULD_BE_QUOTED: Final = frozenset(
    {
        "none",
        "self",
        "strict-dynamic",
        "report-sample",
        "inline-speculation-rules",
        "unsafe-inline",
        "unsafe-eval",
        "unsafe-hashes",
        "wasm-unsafe-eval",
    }
)
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
        raise ValueError(f"Content-Security-Policy received an invalid directive name {js(raw)}")
    return re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)


def _value_error(name: str, value: str) -> ValueError | None:
    if _SEPARATOR.search(value):
        return ValueError(
            f"Content-Security-Policy received an invalid directive value for {js(name)}"
        )
    return None


def _entry_error(name: str, entry: str) -> ValueError | None:
    if entry in SHOULD_BE_QUOTED or entry.startswith(_QUOTED_PREFIXES):
        return ValueError(
            f"Content-Security-Policy received an invalid directive value for "
            f"{js(name)}. {js(entry)} should be quoted"
        )
    return None


def _directive_value(name: str, raw: Any) -> list[Any]:
    """One directive's value as a list of strings and functions; raises helmet's errors."""
    if isinstance(raw, str):
        values: list[Any] = [raw]
    elif isinstance(raw, (list, tuple, set, frozenset)):
        values = list(raw)
    else:
        raise ValueError(
            f"Content-Security-Policy received an invalid directive value for {js(name)}"
        )
    for entry in values:
        if isinstance(entry, str):
            error = _value_error(name, entry) or _entry_error(name, entry)
            if error is not None:
                raise error
        elif not callable(entry):
            raise TypeError(
                f"Content-Security-Policy directive {js(name)}: each value must be "
                f"a string or a function (req, res) -> string, not {entry!r}"
            )
    return values


def parse_directives(
    directives: Mapping[str, Any] | None, use_defaults: bool = True
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
            raise ValueError(f"Content-Security-Policy received a duplicate directive {js(name)}")
        seen.add(name)
        if raw_value is None or raw_value is DANGEROUSLY_DISABLE_DEFAULT_SRC:
            if name != "default-src" and raw_value is not None:
                raise ValueError(
                    f"Content-Security-Policy: tried to disable {js(name)} as if "
                    "it were default-src; simply omit the key"
                )
            if name == "default-src" and raw_value is None:
                raise ValueError(_NO_DEFAULT_SRC.format("it was set to `null`"))
            disabled_default_src = disabled_default_src or name == "default-src"
            result.pop(name, None)
            continue
        result[name] = _directive_value(name, raw_value)
    if not result:
        raise ValueError(
            "Content-Security-Policy has no directives. Either set some or disable the header"
        )
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


async def _dynamic_policy(
    req: Any, res: Any, directives: Mapping[str, list[Any]]
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


def csp_part(options: Mapping[str, Any] | None, keywords: Mapping[str, Any]) -> Apply:
    """Content-Security-Policy (or -Report-Only) from `directives`, `use_defaults` and
    `report_only`."""
    settings = options_of(
        "helmet.content_security_policy()",
        options,
        keywords,
        ("directives", "use_defaults", "report_only"),
    )
    header = (
        "Content-Security-Policy-Report-Only"
        if given_or(settings["report_only"], False)
        else "Content-Security-Policy"
    )
    directives = settings["directives"]
    directives = given_or(directives, None)
    if directives is not None and not isinstance(directives, Mapping):
        raise TypeError("helmet.content_security_policy(): directives must be a dict")
    parsed = parse_directives(directives, bool(given_or(settings["use_defaults"], True)))
    static = _static_policy(parsed)
    if static is not None:
        return set_header(header, static)

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

    def __call__(self, options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
        return middleware("contentSecurityPolicyMiddleware", [csp_part(options, keywords)])


content_security_policy = _ContentSecurityPolicy()
