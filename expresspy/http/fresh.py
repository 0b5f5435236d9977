"""Conditional GET freshness, as the npm package fresh@2 decides it."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime


def _parse_date(value: str) -> float | None:
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def _etag_list_matches(header: str, etag: str | None) -> bool:
    if etag is None:
        return False
    plain = etag[2:] if etag.startswith("W/") else etag
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate in (etag, plain, "W/" + plain):
            return True
    return False


def is_fresh(request_headers: Mapping[str, str], etag: str | None,
             last_modified: str | None) -> bool:
    """True when the client's cached copy (If-None-Match / If-Modified-Since) is still valid.

    `Cache-Control: no-cache` forces a full response; If-None-Match wins over
    If-Modified-Since; ETags compare weakly.
    """
    none_match = request_headers.get("if-none-match")
    modified_since = request_headers.get("if-modified-since")
    if not none_match and not modified_since:
        return False
    cache_control = request_headers.get("cache-control")
    if cache_control and "no-cache" in cache_control.lower():
        return False
    if none_match and none_match.strip() != "*" and not _etag_list_matches(none_match, etag):
        return False
    if modified_since:
        if last_modified is None:
            return False
        since = _parse_date(modified_since)
        modified = _parse_date(last_modified)
        if since is None or modified is None or modified > since:
            return False
    return True
