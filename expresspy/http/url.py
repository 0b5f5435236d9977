"""Reading a request target as Node's ``parseurl`` does: its path, and the ``scheme://host`` of
an absolute-form target (``GET http://example.com/a HTTP/1.1``)."""

from __future__ import annotations

__all__ = ["pathname_of", "protohost_of", "url_pathname"]


def protohost_of(url: str) -> str:
    """The `scheme://host` of an absolute-form request target, else ""."""
    if not url or url.startswith("/"):
        return ""
    query = url.find("?")
    head = url if query < 0 else url[:query]
    scheme_end = head.find("://")
    if scheme_end < 0:
        return ""
    slash = url.find("/", scheme_end + 3)
    return url if slash < 0 else url[:slash]


def pathname_of(url: str, protohost: str) -> str:
    """The path of `url` without its query (and without the protohost of absolute forms)."""
    query = url.find("?")
    path = url if query < 0 else url[:query]
    return path[len(protohost) :] if protohost and path.startswith(protohost) else path


def url_pathname(url: str) -> str:
    """The pathname of a request target as Node's parseurl reads it (`//a/b` is a path)."""
    return pathname_of(url, protohost_of(url))
