"""The response a test request returns, parsed the way supertest parses it."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl

from expresspy.testing._wire import RawResponse
from expresspy.testing.cookiejar import parse_set_cookie
from expresspy.testing.headers import Headers

#: superagent's test for a JSON media type: ``/json`` or a ``+json`` suffix, not ``json-seq``.
_JSON_TYPE = re.compile(r"[/+]json($|[^-\w])", re.IGNORECASE)
#: Media types whose body superagent hands over as a Buffer (here: ``bytes``).
_BINARY_TOP_TYPES = frozenset({"audio", "font", "image", "video"})
_BINARY_SUBTYPES = frozenset({"gz", "gzip"})
_BINARY_TYPES = frozenset({"application/octet-stream", "application/pdf"})
_FORM_TYPE = "application/x-www-form-urlencoded"


def media_type(content_type: str) -> str:
    """The lower-case ``type/subtype`` of a Content-Type value, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def media_params(content_type: str) -> dict[str, str]:
    """The parameters of a Content-Type value, names lower-cased, quotes removed."""
    params: dict[str, str] = {}
    for part in content_type.split(";")[1:]:
        name, sep, value = part.partition("=")
        if sep:
            params[name.strip().lower()] = value.strip().strip('"')
    return params


def is_json_type(mime: str) -> bool:
    """True for the media types superagent parses as JSON."""
    return bool(_JSON_TYPE.search(mime))


def is_binary_type(mime: str) -> bool:
    """True for the media types superagent keeps as a Buffer rather than text."""
    top, _, sub = mime.partition("/")
    return top in _BINARY_TOP_TYPES or sub in _BINARY_SUBTYPES or mime in _BINARY_TYPES


def parse_form(text: str) -> dict[str, Any]:
    """Parse an urlencoded body; a name given more than once maps to a list of values."""
    parsed: dict[str, Any] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        if name not in parsed:
            parsed[name] = value
        elif isinstance(parsed[name], list):
            parsed[name].append(value)
        else:
            parsed[name] = [parsed[name], value]
    return parsed


def _parse_json(response: TestResponse) -> Any:
    # superagent: ``res.text && JSON.parse(res.text)``, so an empty body stays "".
    if not response.text:
        return ""
    try:
        return json.loads(response.text)
    except ValueError as exc:
        raise ValueError(
            f"{response.request_line} answered {response.type} that is not valid JSON: {exc}"
        ) from exc


def _parse_form(response: TestResponse) -> Any:
    return parse_form(response.text)


def _as_bytes(response: TestResponse) -> Any:
    return response.content


def _no_body(response: TestResponse) -> Any:
    return {}


def _body_parser(method: str, mime: str) -> Callable[[TestResponse], Any]:
    if method == "HEAD":
        return _no_body
    if is_binary_type(mime):
        return _as_bytes
    if mime == _FORM_TYPE:
        return _parse_form
    if is_json_type(mime):
        return _parse_json
    return _no_body


def _decode_content(headers: Headers, body: bytes) -> bytes:
    """Undo gzip/deflate content coding, as superagent does before parsing."""
    coding = headers.get("content-encoding", "").strip().lower()
    if not body or coding not in ("gzip", "deflate"):
        return body
    if coding == "gzip":
        return zlib.decompress(body, 16 + zlib.MAX_WBITS)
    try:
        return zlib.decompress(body)
    except zlib.error:  # "deflate" is often sent raw, without the zlib wrapper
        return zlib.decompress(body, -zlib.MAX_WBITS)


class TestResponse:
    """One complete response: status, headers, raw and decoded body, parsed body.

    ``body`` follows supertest: parsed JSON for JSON media types (``""`` when the body is
    empty), a dict for ``application/x-www-form-urlencoded``, ``bytes`` for binary media types
    (images, audio, ``application/octet-stream`` …) and ``{}`` for everything else, whose
    content is in ``text``. ``text`` is always the body decoded as UTF-8.
    """

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, method: str, url: str, raw: RawResponse, redirects: list[str]) -> None:
        self.method = method
        self.url = url
        self.status: int = raw.status
        self.headers = Headers(raw.headers)
        self.content: bytes = _decode_content(self.headers, raw.body)
        self.redirects = redirects
        content_type = self.headers.get("content-type", "")
        self.type: str = media_type(content_type)
        self.charset: str | None = media_params(content_type).get("charset")
        self._parse_body = _body_parser(method, self.type)

    @property
    def status_code(self) -> int:
        """The status, under the name Python HTTP clients use."""
        return self.status

    @property
    def header(self) -> Headers:
        """The headers, under superagent's other name for them."""
        return self.headers

    @property
    def request_line(self) -> str:
        """``METHOD url`` of the request that got this response, for messages."""
        return f"{self.method} {self.url}"

    @cached_property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")

    @cached_property
    def body(self) -> Any:
        """The parsed body (see the class docstring); invalid JSON raises ``ValueError``."""
        return self._parse_body(self)

    @cached_property
    def cookies(self) -> dict[str, str]:
        """Name to value of every cookie this response sets (the last one wins)."""
        parsed = (parse_set_cookie(value) for value in self.headers.get_all("set-cookie"))
        return {cookie.name: cookie.value for cookie in parsed if cookie is not None}

    def __repr__(self) -> str:
        return f"<TestResponse {self.status} for {self.request_line}>"
