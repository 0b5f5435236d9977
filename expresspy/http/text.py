"""Small text encoders Express relies on: encodeurl, escape-html, and parameter decoding."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

# Characters encodeurl@2 leaves alone: RFC 3986 reserved and unreserved characters plus `%`
# (checked separately below) and the `\ | ^` that Express 5 no longer encodes (CVE-2024-29041).
_URL_SAFE = "!#$&'()*+,-./:;=?@[\\]^_|~"
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

_HTML_ESCAPES = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    ord("'"): "&#39;",
}


def encode_url(url: str) -> str:
    """Percent-encode a URL the way the npm package encodeurl@2 does.

    Characters already valid in a URL are kept (so an already-encoded URL is unchanged); a `%`
    that does not start a valid escape becomes `%25`; everything else is UTF-8 percent-encoded.
    """
    url = _BAD_PERCENT.sub("%25", url)
    return quote(url, safe=_URL_SAFE + "%", encoding="utf-8", errors="replace")


def escape_html(text: str) -> str:
    """Escape `& < > " '` for HTML text and attribute values, as escape-html does."""
    return text.translate(_HTML_ESCAPES)


def html_page(title: str, body: str) -> str:
    """The small HTML page Express's modules answer with (finalhandler, serve-static, ...).

    `title` and `body` are inserted as they are: escape them first (`escape_html`). The body
    goes in a `<pre>`; the bytes match Express 5's pages exactly.
    """
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<pre>{body}</pre>\n</body>\n</html>\n"
    )


def decode_param(value: str) -> str:
    """Decode a percent-encoded path parameter as Express's router does.

    Values without `%` are returned as they are. A malformed escape raises `HTTPError(400)`
    with Express's message `Failed to decode param '...'`.
    """
    if "%" not in value:
        return value
    if not _BAD_PERCENT.search(value):
        try:
            return unquote(value, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            pass
    from expresspy.errors import HTTPError

    raise HTTPError(400, f"Failed to decode param '{value}'")


def is_malformed_escape(value: str) -> bool:
    """True when `value` holds a `%` that is not followed by two hex digits."""
    return _BAD_PERCENT.search(value) is not None
