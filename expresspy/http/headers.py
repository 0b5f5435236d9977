"""Response header rules: validation against injection, charset, Vary and Link values.

`check_header` is the single gate every response header passes through (Node's `setHeader`
rules): a name must be an RFC 9110 token and a value may hold only tab, visible ASCII and
obs-text (0x80-0xFF). CR, LF and NUL therefore raise `InvalidHeaderError` in the handler, so
nothing of a smuggled header ever reaches the wire.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from expresspy.http.negotiate import _split_params

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_INVALID_VALUE_CHAR = re.compile(r"[^\t\x20-\x7e\x80-\xff]")
_QUOTE_NEEDED = re.compile(r'[\\"]')

# Names that passed the token check: responses set the same few names over and over, so a set
# lookup (~30 ns) replaces the regex (~150 ns). Bounded, since names can come from input.
_CHECKED_NAMES: set[str] = set()
_CHECKED_NAMES_MAX = 1024


class InvalidHeaderError(ValueError):
    """A header name or value that could corrupt the response (CR, LF, NUL, bad token).

    Raised synchronously by `res.set`, `res.append`, `res.set_header`, `res.location`, ...;
    the error flow then answers 500 and the offending header is never written.
    """


def check_header(name: str, value: str) -> None:
    """Raise `InvalidHeaderError` unless `name: value` is safe to write (Node's rules)."""
    if not isinstance(name, str) or name not in _CHECKED_NAMES:
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise InvalidHeaderError(f"Header name must be a valid HTTP token [{name!r}]")
        if len(_CHECKED_NAMES) < _CHECKED_NAMES_MAX:
            _CHECKED_NAMES.add(name)
    # Printable ASCII (0x20-0x7E, the usual value) is valid: two C calls instead of a regex.
    if not (
        isinstance(value, str) and value.isascii() and value.isprintable()
    ) and _INVALID_VALUE_CHAR.search(value):
        raise InvalidHeaderError(f"Invalid character in header content [{name!r}]")


def is_token(text: str) -> bool:
    """Whether `text` is an RFC 9110 token."""
    return _TOKEN.fullmatch(text) is not None


def _quote(value: str) -> str:
    if _TOKEN.fullmatch(value):
        return value
    return '"' + _QUOTE_NEEDED.sub(lambda m: "\\" + m.group(), value) + '"'


@lru_cache(maxsize=256)  # res.send calls it for every str body, with a handful of types
def set_charset(content_type: str, charset: str) -> str:
    """Return `content_type` with its charset parameter set, as Express's setCharset does.

    The type is lower-cased, other parameters keep their order, and `charset` replaces an
    existing one in place (`text/html; charset=latin1` → `text/html; charset=utf-8`).
    """
    media, params = _split_params(content_type)
    params = {key: value.strip('"') for key, value in params.items()}
    params["charset"] = charset
    if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+", media):
        raise TypeError(f"Invalid type: {media.lower()}")
    return "; ".join([media.lower(), *(f"{k}={_quote(v)}" for k, v in params.items())])


def split_list(value: str | Sequence[str] | None) -> list[str]:
    """Split a comma-separated header value (or several) into trimmed non-empty items."""
    if value is None:
        return []
    joined = value if isinstance(value, str) else ", ".join(value)
    return [item.strip(" \t") for item in joined.split(",") if item.strip(" \t")]


def vary_value(current: str | Sequence[str] | None, fields: str | Sequence[str]) -> str:
    """The Vary header after adding `fields`, as the npm package vary does ("" means unset).

    A string is split on commas, a list is taken item by item; each field is added once
    (case-insensitively) after the existing value, which is kept as written; `*` anywhere
    gives `*`. A field that is not a token raises TypeError.
    """
    wanted = split_list(fields) if isinstance(fields, str) else list(fields)
    for field in wanted:
        if not is_token(field):
            raise TypeError("field argument contains an invalid header name")
    value = "" if current is None else (current if isinstance(current, str) else ", ".join(current))
    if value == "*":
        return value
    seen = [item.lower() for item in split_list(value)]
    if "*" in wanted or "*" in seen:
        return "*"
    for field in wanted:
        if field.lower() not in seen:
            seen.append(field.lower())
            value = f"{value}, {field}" if value else field
    return value


def format_links(current: str | None, links: Mapping[str, str | Sequence[str]]) -> str:
    """The Link header after adding `links` (`{rel: url | [urls]}`), as `res.links` writes it."""
    parts = [current] if current else []
    for rel, urls in links.items():
        for url in [urls] if isinstance(urls, str) else urls:
            parts.append(f'<{url}>; rel="{rel}"')
    return ", ".join(parts)
