"""The default 404 page and error handler, byte-identical to Express 5's (finalhandler 2.1).

Runs when the router's stack ran out: with no error it answers `404 Cannot GET /path`; with an
error it answers the error's status (from `status`/`status_code`, 400-599, else 500) and shows
the traceback in development or only the reason phrase in production.
"""

from __future__ import annotations

import logging
import os
import traceback
from typing import TYPE_CHECKING, Any

from expresspy.errors import status_of
from expresspy.http.statuses import phrase
from expresspy.http.text import encode_url, escape_html, html_page
from expresspy.http.url import url_pathname
from expresspy.runtime.next import NEXT_STACK_ATTRIBUTE

if TYPE_CHECKING:
    from expresspy.request import Request
    from expresspy.response import Response

logger = logging.getLogger("expresspy")


def error_page(message: str) -> bytes:
    """The HTML page finalhandler sends: the message escaped, newlines as <br>."""
    escaped = escape_html(message).replace("\n", "<br>").replace("  ", " &nbsp;")
    return html_page("Error", escaped).encode("utf-8")


# Frames of the dispatcher, the thread pool and the event loop say nothing about the user's bug.
_INTERNAL_FRAMES = (
    os.path.join("expresspy", "router", ""),
    os.path.join("expresspy", "runtime", ""),
    os.path.join("concurrent", "futures"),
    os.path.join("asyncio", ""),
    "threading.py",
)


def describe_error(err: BaseException) -> str:
    """The development-mode text of an error: its traceback without dispatcher frames."""
    stack = (
        traceback.extract_tb(err.__traceback__)
        if err.__traceback__ is not None
        else getattr(err, NEXT_STACK_ATTRIBUTE, [])
    )
    frames = [f for f in stack if not any(part in f.filename for part in _INTERNAL_FRAMES)]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(err), err)
    return "".join(lines).rstrip("\n")


def _not_found_message(req: Request) -> str:
    # The path as Node's parseurl reads it: "//users/42" is a path, not a host.
    return f"Cannot {req.method} {encode_url(url_pathname(req.original_url))}"


def finish(req: Request, res: Response, err: Any, env: str) -> None:
    """Answer a request nobody answered: 404 with no error, else the error page."""
    if res.headers_sent:
        if err is not None:
            logger.error("error after headers were sent", exc_info=_as_exception(err))
        return
    headers: dict[str, str] | None = None
    if err is None:
        status = 404
        message = _not_found_message(req)
    else:
        exc = _as_exception(err)
        status = status_of(exc) or 0
        if status:
            raw_headers = getattr(exc, "headers", None)
            headers = dict(raw_headers) if isinstance(raw_headers, dict) else None
        elif 400 <= res.status_code <= 599:
            status = res.status_code
        else:
            status = 500
        message = phrase(status) if env == "production" else describe_error(exc)
        if env != "test":
            log_error(req, status, exc)
    send_error_page(res, status, message, headers)


def log_error(req: Request, status: int, exc: BaseException) -> None:
    """Log an error answered by the error page: a client's bad input (4xx: a malformed body,
    a too large one, a failed check) at INFO with its message and no traceback, since the
    server did nothing wrong; a 5xx at ERROR with the traceback, to be fixed."""
    if status < 500:
        logger.info(
            "%s %s → %d: %s", req.method, req.original_url, status, str(exc) or type(exc).__name__
        )
    else:
        logger.error("%s %s → %d", req.method, req.original_url, status, exc_info=exc)


def send_error_page(
    res: Response, status: int, message: str, headers: dict[str, str] | None = None
) -> None:
    """Replace whatever the response had with finalhandler's page for `status`."""
    body = error_page(message)
    for name in ("content-encoding", "content-language", "content-range"):
        res._headers.pop(name, None)
    if headers:
        for name, value in headers.items():
            res.set_header(name, str(value))
    res.status_code = status
    res.set_header("Content-Security-Policy", "default-src 'none'")
    res.set_header("X-Content-Type-Options", "nosniff")
    res.set_header("Content-Type", "text/html; charset=utf-8")
    res.set_header("Content-Length", str(len(body)))
    res._finish(body)


def _as_exception(err: Any) -> BaseException:
    if isinstance(err, BaseException):
        return err
    return Exception(str(err))
