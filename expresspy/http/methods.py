"""The request methods Node's http module knows (``http.METHODS``), as data."""

from __future__ import annotations

__all__ = ["HTTP_METHODS"]

#: Every method Node's http module knows, lowercased for the ``app.<method>`` helpers.
HTTP_METHODS: tuple[str, ...] = (
    "acl",
    "bind",
    "checkout",
    "connect",
    "copy",
    "delete",
    "get",
    "head",
    "link",
    "lock",
    "m-search",
    "merge",
    "mkactivity",
    "mkcalendar",
    "mkcol",
    "move",
    "notify",
    "options",
    "patch",
    "post",
    "propfind",
    "proppatch",
    "purge",
    "put",
    "query",
    "rebind",
    "report",
    "search",
    "source",
    "subscribe",
    "trace",
    "unbind",
    "unlink",
    "unlock",
    "unsubscribe",
)
