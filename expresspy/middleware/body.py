"""`express.json()`, `express.urlencoded()`, `express.text()`, `express.raw()`: body-parser 2.4.

Each returns an `async def parser(req, res, next)` middleware. A parser sets `req.body` when
the request has a body (Transfer-Encoding or a numeric Content-Length), its Content-Type
matches `type`, and no earlier parser read it; otherwise `req.body` stays None and the request
goes on untouched. Problems go to `next(err)` as `HTTPError`s with body-parser's `status`,
`type` and message (see docs/middleware.md for the table).

Options are keywords (`limit="1mb"`, `default_charset=...`) or one dict with body-parser's
camelCase names (`{"limit": "1mb", "defaultCharset": ...}`):

- `limit`: bytes, int or "100kb"-style string (default "100kb"). For a compressed body the
  inflated size counts. An invalid value raises `ValueError` at construction.
- `type`: a media type ("application/json", "json", "*/*", "+json"), a list of them, or a
  callable `type(req) -> bool`.
- `inflate`: decompress gzip/deflate (and br when the `brotli` package is installed); False
  answers 415 to a compressed body.
- `verify(req, res, buf, encoding)`: called with the raw bytes; raising refuses the request
  with 403 `entity.verify.failed` (or the exception's `type` attribute).
"""

from __future__ import annotations

import json as _json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from expresspy.errors import HTTPError, status_of
from expresspy.http import qs
from expresspy.middleware import _jsonerror, _read
from expresspy.middleware._options import Middleware, gather, parse_bytes

if TYPE_CHECKING:
    from expresspy.request import Request

__all__ = ["OMIT", "json", "raw", "text", "urlencoded"]

TypeOption = str | list[str] | tuple[str, ...] | Callable[[Any], bool]
Verify = Callable[[Any, Any, bytes, str | None], Any]

#: body-parser's default `limit`: 100kb.
DEFAULT_LIMIT = 100 * 1024
#: urlencoded's default `parameterLimit` and extended `depth` (body-parser 2.x, qs strictDepth).
DEFAULT_PARAMETER_LIMIT = 1000
DEFAULT_DEPTH = 32
#: Extended urlencoded lists may hold at least this many items (body-parser's arrayLimit floor).
MIN_ARRAY_LIMIT = 100
# Python's int() refuses longer digit strings (CVE-2020-10735); longer JSON numbers become
# floats, as every JSON number is in JavaScript.
_INT_DIGITS = 4300
_FIRST_NON_WHITESPACE = re.compile(r"[ \t\n\r]*(.?)", re.DOTALL)

_COMMON = {"limit": None, "type": None, "inflate": True, "verify": None}


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


#: Return this from a JSON `reviver` to drop the key (JavaScript's `undefined`).
OMIT: Any = _Omit()


@dataclass(frozen=True)
class _Reader:
    """What one parser does: which requests it takes, how it reads, how it parses."""

    name: str
    limit: int
    inflate: bool
    verify: Verify | None
    should_parse: Callable[[Any], bool]
    parse: Callable[[Any, str | None], Any]
    default_charset: str | None  # None: bytes are parsed as they are (raw)
    valid_charset: Callable[[str], bool] | None = None

    def charset(self, req: Request) -> str | None:
        """The charset to decode with; raises 415 for one this parser or Python refuses."""
        if self.default_charset is None:
            return None
        charset = _read.request_charset(req) or self.default_charset
        if self.valid_charset is not None and not self.valid_charset(charset):
            raise _read.charset_error(charset)
        if _read.find_codec(charset) is None:
            raise _read.charset_error(charset)
        return charset

    async def body(self, req: Request, res: Any) -> Any:
        charset = self.charset(req)
        buf = await _read.read_body(req, self.limit, self.inflate)
        if self.verify is not None:
            _run_verify(self.verify, req, res, buf, charset)
        value: Any = buf if charset is None else _read.decode_text(buf, charset)
        try:
            return self.parse(value, charset)
        except HTTPError:
            raise
        except ValueError as exc:
            raise HTTPError(400, str(exc), type="entity.parse.failed", body=value) from exc

    def middleware(self) -> Middleware:
        async def parser(req: Any, res: Any, next: Callable[..., None]) -> None:
            if (
                _read.body_already_read(req)
                or not _read.has_body(req)
                or not self.should_parse(req)
            ):
                next()
                return
            try:
                req.body = await self.body(req, res)
            except HTTPError as err:
                next(err)
                return
            next()

        parser.__name__ = parser.__qualname__ = self.name
        return parser


def _run_verify(verify: Verify, req: Any, res: Any, buf: bytes, charset: str | None) -> None:
    try:
        verify(req, res, buf, charset)
    except Exception as exc:
        kind = getattr(exc, "type", None)
        # http-errors keeps a status the error carries; 403 otherwise, as body-parser does
        raise HTTPError(
            status_of(exc) or 403,
            str(exc),
            type=kind if isinstance(kind, str) else "entity.verify.failed",
            body=buf,
        ) from exc


def _type_checker(kind: TypeOption) -> Callable[[Any], bool]:
    if callable(kind):
        return kind
    kinds = [kind] if isinstance(kind, str) else list(kind)
    return lambda req: bool(req.is_(kinds))


def _reader(
    name: str,
    settings: Mapping[str, Any],
    default_type: str,
    parse: Callable[[Any, str | None], Any],
    default_charset: str | None,
    valid_charset: Callable[[str], bool] | None = None,
) -> _Reader:
    verify = settings["verify"]
    if verify is not None and not callable(verify):
        raise TypeError("option verify must be function")
    return _Reader(
        name=name,
        limit=parse_bytes(settings["limit"], DEFAULT_LIMIT),
        inflate=settings["inflate"] is not False,
        verify=verify,
        should_parse=_type_checker(settings["type"] or default_type),
        parse=parse,
        default_charset=default_charset,
        valid_charset=valid_charset,
    )


# -- JSON ------------------------------------------------------------------------------------


def _js_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object with JavaScript's key order (integer keys first), as JSON.parse builds."""
    obj = dict(pairs)
    if any(key[:1].isdigit() for key in obj):
        return {key: obj[key] for key in qs.js_key_order(obj)}
    return obj


def _json_int(digits: str) -> int | float:
    return int(digits) if len(digits) <= _INT_DIGITS else float(digits)


# One decoder for every body: json.loads, given hooks, would build a new one (and compile its
# scanner) per call.
_JSON_DECODER = _json.JSONDecoder(
    object_pairs_hook=_js_object, parse_int=_json_int, parse_constant=_jsonerror.reject_constant
)


def _revive(holder: Any, key: str | int, reviver: Callable[[str, Any], Any]) -> Any:
    """JSON.parse's reviver walk: children first, then `reviver(key, value)` on the parent."""
    value = holder[key]
    if isinstance(value, dict):
        for name in list(value):
            revived = _revive(value, name, reviver)
            if revived is OMIT:
                del value[name]
            else:
                value[name] = revived
    elif isinstance(value, list):
        for index in range(len(value)):
            revived = _revive(value, index, reviver)
            value[index] = None if revived is OMIT else revived
    return reviver(str(key), value)


def _json_parser(
    strict: bool, reviver: Callable[[str, Any], Any] | None
) -> Callable[[Any, str | None], Any]:
    def parse(body: str, charset: str | None) -> Any:
        if not body:
            return {}  # body-parser special-cases an empty body, a common client mistake
        if strict and body[0] not in "{[":
            match = _FIRST_NON_WHITESPACE.match(body)
            first = match.group(1) if match else ""
            if first not in ("{", "["):
                raise _parse_error(_jsonerror.strict_violation(body, first or None), body)
        try:
            if body[0] == "\ufeff":  # refused by json.loads before decoding; so here too
                raise _json.JSONDecodeError(
                    "Unexpected UTF-8 BOM (decode using utf-8-sig)", body, 0
                )
            value = _JSON_DECODER.decode(body)
        except RecursionError:
            raise _parse_error("JSON nesting is too deep for the parser", body) from None
        except ValueError as exc:
            message = _jsonerror.v8_message(body) or str(exc)
            raise _parse_error(message, body) from None
        if reviver is not None:
            value = _revive({"": value}, "", reviver)
        return value

    return parse


def _parse_error(message: str, body: str) -> HTTPError:
    return HTTPError(400, message, type="entity.parse.failed", body=body)


def json(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Parse JSON bodies (default type application/json) into `req.body`.

    Extra options: `strict` (default True: only an object or array at the top level, else 400),
    `reviver(key, value)` (as JSON.parse's; return `OMIT` to drop a key). The charset must be
    a UTF one (415 otherwise). An empty body gives `{}`. Objects are dicts whose integer keys
    come first, as in JavaScript; duplicate keys keep the last value. A syntax error answers
    400 `entity.parse.failed` with V8's message. Numbers past 4300 digits become floats.
    """
    settings = gather(
        "express.json()", options, keywords, {**_COMMON, "strict": True, "reviver": None}
    )
    reviver = settings["reviver"]
    if reviver is not None and not callable(reviver):
        raise TypeError("option reviver must be function")
    parse = _json_parser(settings["strict"] is not False, reviver)
    return _reader(
        "jsonParser",
        settings,
        "application/json",
        parse,
        "utf-8",
        lambda charset: charset.startswith("utf-"),
    ).middleware()


# -- urlencoded ------------------------------------------------------------------------------


def _positive(value: Any, name: str, *, allow_zero: bool = False) -> int | float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value != value
        or value < (0 if allow_zero else 1)
    ):
        kind = "a zero or a positive number" if allow_zero else "a positive number"
        raise TypeError(f"option {name} must be {kind}")
    return value if value == float("inf") else int(value)


def _parameter_count(body: str, limit: int | float) -> int | None:
    """Pairs in the body, or None past `limit` (counted without splitting the body)."""
    count = body.count("&") + 1
    return None if count > limit else count


def _urlencoded_parser(
    extended: bool, parameter_limit: int | float, depth: int
) -> Callable[[Any, str | None], Any]:
    def parse(body: str, charset: str | None) -> Any:
        if not body:
            return {}
        count = _parameter_count(body, parameter_limit)
        if count is None:
            raise HTTPError(413, "too many parameters", type="parameters.too.many", body=body)
        options = qs.QsOptions(
            depth=depth,
            array_limit=max(MIN_ARRAY_LIMIT, count) if extended else count,
            parameter_limit=parameter_limit,
            strict_depth=True,
            charset=charset or "utf-8",
        )
        try:
            return qs.parse(body, options)
        except qs.DepthExceeded:
            raise HTTPError(
                400, "The input exceeded the depth", type="querystring.parse.rangeError", body=body
            ) from None

    return parse


def urlencoded(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Parse application/x-www-form-urlencoded bodies into `req.body` (a dict).

    Extra options: `extended` (default False: `a[b]=1` stays the key "a[b]"; True: nested
    dicts and lists, as qs), `parameter_limit` (default 1000; more pairs answer 413
    `parameters.too.many`), `depth` (extended only, default 32; deeper keys answer 400
    `querystring.parse.rangeError`), `default_charset` ("utf-8" or "iso-8859-1"). Repeated
    keys give lists. The charset must be utf-8 or iso-8859-1 (415 otherwise).
    """
    settings = gather(
        "express.urlencoded()",
        options,
        keywords,
        {
            **_COMMON,
            "extended": False,
            "parameter_limit": DEFAULT_PARAMETER_LIMIT,
            "depth": DEFAULT_DEPTH,
            "default_charset": "utf-8",
        },
    )
    default_charset = settings["default_charset"] or "utf-8"
    if default_charset not in ("utf-8", "iso-8859-1"):
        raise TypeError("option defaultCharset must be either utf-8 or iso-8859-1")
    extended = bool(settings["extended"])
    parameter_limit = _positive(settings["parameter_limit"], "parameterLimit")
    depth = _positive(settings["depth"], "depth", allow_zero=True)
    parse = _urlencoded_parser(extended, parameter_limit, int(depth) if extended else 0)
    return _reader(
        "urlencodedParser",
        settings,
        "application/x-www-form-urlencoded",
        parse,
        default_charset,
        lambda charset: charset in ("utf-8", "iso-8859-1"),
    ).middleware()


# -- text and raw ----------------------------------------------------------------------------


def _passthrough(value: Any, charset: str | None) -> Any:
    return value


def text(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Read text/plain bodies into `req.body` as a str.

    Extra option: `default_charset` (default "utf-8") for a Content-Type without one; any
    charset Python has a codec for is accepted (415 `charset.unsupported` otherwise).
    """
    settings = gather("express.text()", options, keywords, {**_COMMON, "default_charset": "utf-8"})
    return _reader(
        "textParser", settings, "text/plain", _passthrough, settings["default_charset"] or "utf-8"
    ).middleware()


def raw(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Read application/octet-stream bodies into `req.body` as bytes (no charset handling)."""
    settings = gather("express.raw()", options, keywords, dict(_COMMON))
    return _reader(
        "rawParser", settings, "application/octet-stream", _passthrough, None
    ).middleware()
