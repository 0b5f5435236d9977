"""Request content-type matching, as the npm package type-is@2 does it (`req.is_`).

Offers may be full types (`application/json`), wildcards (`application/*`, `*/json`,
`+json` = `*/*+json`), extensions (`json`, `html`) or the aliases `urlencoded` and `multipart`.
A matching offer is returned as given, except that wildcards and `+suffix` offers return the
request's actual type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from expresspy.http import mime

_MEDIA_TYPE = re.compile(
    r" *([A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126})/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}) *"
)
_ALIASES = {"urlencoded": "application/x-www-form-urlencoded", "multipart": "multipart/*"}


def has_body(headers: Mapping[str, str]) -> bool:
    """Whether the request has a body: Transfer-Encoding, or a numeric Content-Length
    (`Content-Length: 0` counts: the body is empty, but present)."""
    if "transfer-encoding" in headers:
        return True
    length = headers.get("content-length")
    if length is None:
        return False
    text = length.strip()
    if not text:
        return True  # JavaScript's Number("") is 0, not NaN
    try:
        float(text)
    except ValueError:
        return False
    return True


def normalize(offer: str) -> str | None:
    """The media range an offer stands for (None for an unknown extension)."""
    if offer in _ALIASES:
        return _ALIASES[offer]
    if offer.startswith("+"):
        return "*/*" + offer
    return offer if "/" in offer else mime.lookup(offer)


def matches(expected: str | None, actual: str) -> bool:
    """Whether media range `expected` (wildcards allowed) matches the type `actual`."""
    if expected is None:
        return False
    actual_parts = actual.split("/")
    expected_parts = expected.split("/")
    if len(actual_parts) != 2 or len(expected_parts) != 2:
        return False
    if expected_parts[0] not in ("*", actual_parts[0]):
        return False
    wanted_sub = expected_parts[1]
    if wanted_sub.startswith("*+"):
        return len(wanted_sub) <= len(actual_parts[1]) + 1 and actual_parts[1].endswith(
            wanted_sub[1:]
        )
    return wanted_sub in ("*", actual_parts[1])


def media_type(content_type: str | None) -> str | None:
    """The lower-cased type of a Content-Type value, None when absent or invalid."""
    if not content_type:
        return None
    base = content_type.split(";", 1)[0].strip(" \t").lower()
    return base if _MEDIA_TYPE.fullmatch(base) else None


def type_is(content_type: str | None, offers: Sequence[str]) -> str | bool:
    """The first offer matching `content_type` (see the module docstring), else False.

    With no offers, the request's type itself (False when it has none or it is invalid).
    """
    actual = media_type(content_type)
    if actual is None:
        return False
    if not offers:
        return actual
    for offer in offers:
        if matches(normalize(offer), actual):
            return actual if offer.startswith("+") or "*" in offer else offer
    return False
