"""Conditional requests: freshness as the npm package fresh@2 decides it, and the
If-Match / If-Unmodified-Since / If-Range checks of the npm package send@1.

All functions take the request headers as a mapping with lower-case names, and the response's
ETag and Last-Modified values (None when absent). ETags compare weakly (`W/"x"` matches `"x"`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

_NO_CACHE = re.compile(r"(?:^|,)\s*?no-cache\s*?(?:,|$)")


def parse_http_date(value: str | None) -> float | None:
    """Seconds since the epoch for an HTTP date, None when absent or unparsable."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def parse_token_list(header: str) -> list[str]:
    """Split an ETag list on commas, dropping spaces around the items (fresh's tokenizer)."""
    return [item.strip(" ") for item in header.split(",")]


def etag_matches(candidates: str, etag: str) -> bool:
    """Whether any tag of the list `candidates` matches `etag` by weak comparison."""
    return any(
        tag in (etag, "W/" + etag) or "W/" + tag == etag for tag in parse_token_list(candidates)
    )


def is_fresh(
    request_headers: Mapping[str, str], etag: str | None, last_modified: str | None
) -> bool:
    """True when the client's cached copy (If-None-Match / If-Modified-Since) is still valid.

    `Cache-Control: no-cache` forces a full response; If-None-Match, when present, decides
    alone (`*` always matches); otherwise Last-Modified must be at or before
    If-Modified-Since.
    """
    modified_since = request_headers.get("if-modified-since")
    none_match = request_headers.get("if-none-match")
    if not modified_since and not none_match:
        return False
    cache_control = request_headers.get("cache-control")
    if cache_control and _NO_CACHE.search(cache_control):
        return False
    if none_match:
        if none_match == "*":
            return True
        return bool(etag) and etag_matches(none_match, etag or "")
    modified = parse_http_date(last_modified)
    since = parse_http_date(modified_since)
    return modified is not None and since is not None and modified <= since


def is_conditional(request_headers: Mapping[str, str]) -> bool:
    """Whether the request carries any of the four conditional headers send looks at."""
    return any(
        request_headers.get(name)
        for name in ("if-match", "if-unmodified-since", "if-none-match", "if-modified-since")
    )


def precondition_failed(
    request_headers: Mapping[str, str], etag: str | None, last_modified: str | None
) -> bool:
    """True when If-Match or If-Unmodified-Since rules the request out (answer 412)."""
    match = request_headers.get("if-match")
    if match:
        if not etag:
            return True
        return match != "*" and not etag_matches(match, etag)
    since = parse_http_date(request_headers.get("if-unmodified-since"))
    if since is not None:
        modified = parse_http_date(last_modified)
        return modified is None or modified > since
    return False


def range_is_fresh(
    request_headers: Mapping[str, str], etag: str | None, last_modified: str | None
) -> bool:
    """If-Range: True when the Range header may be honoured (the validator still matches)."""
    if_range = request_headers.get("if-range")
    if not if_range:
        return True
    if '"' in if_range:
        return bool(etag) and (etag or "") in if_range
    modified = parse_http_date(last_modified)
    since = parse_http_date(if_range)
    return modified is not None and since is not None and modified <= since
