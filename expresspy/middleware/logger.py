"""`logger(format)`: HTTP access logs in the formats of the npm package morgan 1.12.

    app.use(logger("dev"))                                  # coloured, to stdout
    app.use(logger("combined", stream=open("access.log", "a")))
    app.use(logger("tiny", log="expresspy.access"))         # through Python logging (INFO)
    app.use(logger(":method :url :status :res[content-length] - :response-time ms"))

Formats: "dev" (status coloured by class; plain when the NO_COLOR environment variable is set),
"combined", "common", "short", "tiny", "default", any name registered with `format()`, a
string of `:tokens` (`:name` or `:name[argument]`; a token without a value prints "-"), or a
callable `fmt(tokens, req, res) -> str | None` (None skips the line). Tokens are morgan's:
method, url, status, response-time[digits], total-time[digits], date[clf|iso|web],
remote-addr, remote-user, http-version, referrer, user-agent, req[header], res[header], pid.
Add one with `token(name, fn)` where `fn(req, res, argument) -> str | None`. Token values
are escaped as morgan escapes them (control characters, quotes, backslashes), so a client
cannot forge log lines.

Options: `stream` (any object with `write(str)`; default sys.stdout, looked up per line),
`log` (a `logging.Logger` or a logger name; lines go to it at INFO instead of a stream),
`immediate` (log when the request arrives: no status or timing then), `skip(req, res) -> bool`,
`color` (for "dev": True or False; None, the default, colours as morgan does unless NO_COLOR
is set). The line is written when the response has been handed to the server, or the client
left.

`access_log(fmt)` is the log `expresspy run` (and `app.listen`) put first in an app: its lines
go through Python logging (the `expresspy.requests` logger, INFO), so `--log-level` and an
app's own logging set-up apply, and "dev" is coloured only when stderr is a terminal.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from expresspy.cookies import format_http_date
from expresspy.middleware._options import Middleware, gather

__all__ = ["ACCESS_LOGGER", "FORMATS", "TOKENS", "access_log", "format", "logger", "token"]

#: The logger `access_log()` writes to.
ACCESS_LOGGER = "expresspy.requests"

TokenFn = Callable[[Any, Any, "str | None"], "str | None"]
FormatFn = Callable[[Mapping[str, TokenFn], Any, Any], "str | None"]

_TOKEN = re.compile(r":([-\w]{2,})(?:\[([^\]]+)\])?")
_UNSAFE = re.compile('[\u0000-\u001f\u007f-\u009f\u2028\u2029"\\\\]')
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_START = "_logger_start"  # perf_counter() when the request reached the logger
_HEADERS_AT = "_logger_headers_at"  # perf_counter() when the response headers were frozen


def escape(value: str) -> str:
    """morgan's escapeLogField: control characters, quotes and backslashes as JS escapes."""
    return _UNSAFE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), value)


def _clf_date(now: datetime) -> str:
    return (
        f"{now.day:02d}/{_MONTHS[now.month - 1]}/{now.year}:"
        f"{now.hour:02d}:{now.minute:02d}:{now.second:02d} +0000"
    )


def _date(req: Any, res: Any, kind: str | None) -> str | None:
    now = datetime.now(timezone.utc)
    if kind in (None, "web"):
        return format_http_date(now)
    if kind == "clf":
        return _clf_date(now)
    if kind == "iso":
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    return None


def _milliseconds(start: float | None, end: float | None, digits: str | None) -> str | None:
    if start is None or end is None:
        return None
    return f"{(end - start) * 1000:.{int(digits) if digits else 3}f}"


def _response_time(req: Any, res: Any, digits: str | None) -> str | None:
    return _milliseconds(getattr(req, _START, None), getattr(res, _HEADERS_AT, None), digits)


def _total_time(req: Any, res: Any, digits: str | None) -> str | None:
    if getattr(res, _HEADERS_AT, None) is None:
        return None
    return _milliseconds(getattr(req, _START, None), time.perf_counter(), digits)


def _status(req: Any, res: Any, arg: str | None) -> str | None:
    return str(res.status_code) if res.headers_sent else None


def _remote_user(req: Any, res: Any, arg: str | None) -> str | None:
    scheme, _, encoded = (req.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    name, colon, _ = decoded.partition(":")
    return name if colon else None


def _request_header(req: Any, res: Any, field: str | None) -> str | None:
    value: str | None = req.headers.get((field or "").lower())
    return value


def _response_header(req: Any, res: Any, field: str | None) -> str | None:
    if not res.headers_sent or not field:
        return None
    value = res.get(field)
    if isinstance(value, list):
        return ", ".join(value)
    return None if value is None else str(value)


def _http_version(req: Any, res: Any, arg: str | None) -> str | None:
    return str(req.scope.get("http_version", "1.1"))


#: Token name -> `fn(req, res, argument)`; extend with `token()`.
TOKENS: dict[str, TokenFn] = {
    "url": lambda req, res, arg: req.original_url or req.url,
    "method": lambda req, res, arg: req.method,
    "response-time": _response_time,
    "total-time": _total_time,
    "date": _date,
    "status": _status,
    "referrer": lambda req, res, arg: req.headers.get("referer") or req.headers.get("referrer"),
    "remote-addr": lambda req, res, arg: req.ip,
    "remote-user": _remote_user,
    "pid": lambda req, res, arg: str(os.getpid()),
    "http-version": _http_version,
    "user-agent": lambda req, res, arg: req.headers.get("user-agent"),
    "req": _request_header,
    "res": _response_header,
}


def token(name: str, fn: TokenFn) -> None:
    """Register (or replace) the token `:name`; `fn(req, res, argument)` returns its text."""
    TOKENS[name] = fn


def compile_format(fmt: str) -> FormatFn:
    """Turn a `:token` string into a format function. Unknown tokens raise `ValueError`."""
    pieces: list[str | tuple[str, str | None]] = []
    position = 0
    for match in _TOKEN.finditer(fmt):
        if match.group(1) not in TOKENS:
            raise ValueError(
                f"logger format {fmt!r}: unknown token :{match.group(1)}; "
                "register it with expresspy.middleware.logger.token()"
            )
        pieces.append(fmt[position : match.start()])
        pieces.append((match.group(1), match.group(2)))
        position = match.end()
    pieces.append(fmt[position:])

    def line(tokens: Mapping[str, TokenFn], req: Any, res: Any) -> str:
        out: list[str] = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
            else:
                value = tokens[piece[0]](req, res, piece[1])
                out.append(escape(value) if value else "-")
        return "".join(out)

    return line


def _dev(tokens: Mapping[str, TokenFn], req: Any, res: Any) -> str | None:
    """morgan's dev format: the status coloured red/yellow/cyan/green by its class."""
    status = res.status_code if res.headers_sent else 0
    color = next((c for floor, c in _DEV_COLORS if status >= floor), 0)
    return _dev_compiled[color](tokens, req, res)


_DEV_COLORS = ((500, 31), (400, 33), (300, 36), (200, 32))
_dev_compiled = {
    color: compile_format(
        f"\x1b[0m:method :url \x1b[{color}m:status\x1b[0m "
        ":response-time ms - :res[content-length]\x1b[0m"
    )
    for color in (0, 31, 33, 36, 32)
}

#: Named formats, as morgan defines them; extend with `format()`.
FORMATS: dict[str, FormatFn] = {
    "combined": compile_format(
        ':remote-addr - :remote-user [:date[clf]] ":method :url '
        'HTTP/:http-version" :status :res[content-length] ":referrer" '
        '":user-agent"'
    ),
    "common": compile_format(
        ':remote-addr - :remote-user [:date[clf]] ":method :url '
        'HTTP/:http-version" :status :res[content-length]'
    ),
    "default": compile_format(
        ':remote-addr - :remote-user [:date] ":method :url '
        'HTTP/:http-version" :status :res[content-length] ":referrer" '
        '":user-agent"'
    ),
    "short": compile_format(
        ":remote-addr :remote-user :method :url HTTP/:http-version "
        ":status :res[content-length] - :response-time ms"
    ),
    "tiny": compile_format(":method :url :status :res[content-length] - :response-time ms"),
    "dev": _dev,
}
_PLAIN_DEV = compile_format(":method :url :status :response-time ms - :res[content-length]")


def format(name: str, fmt: str | FormatFn) -> None:  # morgan's name, shadowing format()
    """Register a named format (a `:token` string or a format function)."""
    FORMATS[name] = compile_format(fmt) if isinstance(fmt, str) else fmt


def _format_function(fmt: str | FormatFn, color: bool | None) -> FormatFn:
    if callable(fmt):
        return fmt
    if color is None:
        color = not os.environ.get("NO_COLOR")
    if fmt == "dev" and not color:
        return _PLAIN_DEV
    return FORMATS.get(fmt) or compile_format(fmt)


def _writer(stream: Any, log: logging.Logger | str | None) -> Callable[[str], None]:
    if log is not None:
        target = logging.getLogger(log) if isinstance(log, str) else log
        return target.info

    def write(line: str) -> None:
        # sys.stdout is looked up per line, so redirections made later are honoured
        (sys.stdout if stream is None else stream).write(line + "\n")

    return write


def logger(
    fmt: str | FormatFn = "dev", options: Mapping[str, Any] | None = None, /, **keywords: Any
) -> Middleware:
    """Access-log middleware; see the module docstring for formats, tokens and options."""
    settings = gather(
        "logger()",
        options,
        keywords,
        {"stream": None, "log": None, "immediate": False, "skip": None, "color": None},
    )
    line_of = _format_function(fmt, settings["color"])
    write = _writer(settings["stream"], settings["log"])
    skip = settings["skip"]

    def emit(req: Any, res: Any) -> None:
        if skip is not None and skip(req, res):
            return
        line = line_of(TOKENS, req, res)
        if line is not None:
            write(line)

    def headers_frozen(res: Any) -> None:
        setattr(res, _HEADERS_AT, time.perf_counter())

    async def log_request(req: Any, res: Any, next: Callable[..., None]) -> None:
        setattr(req, _START, time.perf_counter())
        if settings["immediate"]:
            emit(req, res)
        else:
            res.on_headers(headers_frozen)
            res.on_finish(lambda response: emit(req, response))
        next()

    log_request.__name__ = log_request.__qualname__ = "logger"
    return log_request


def access_log(fmt: str | FormatFn = "dev") -> Middleware:
    """The access log of `expresspy run` and `app.listen`: `logger(fmt)` writing to the
    `expresspy.requests` logger at INFO (so the log level and the app's logging set-up apply),
    with "dev" coloured only when stderr is a terminal and NO_COLOR is not set."""
    stderr = sys.stderr
    color = not os.environ.get("NO_COLOR") and bool(getattr(stderr, "isatty", bool)())
    return logger(fmt, log=ACCESS_LOGGER, color=color)
