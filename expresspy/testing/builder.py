"""The chainable request builder shared by the synchronous and asynchronous clients."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from expresspy.testing import _encode
from expresspy.testing._wire import RawRequest
from expresspy.testing.response import TestResponse

if TYPE_CHECKING:
    from typing_extensions import Self

    from expresspy.testing.client import Client

#: Methods for which Node's http client sends no ``Content-Length: 0`` on an empty body.
_NO_BODY_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
#: Statuses after which a followed redirect becomes a body-less GET (303 always, 301/302 as
#: browsers do); 307 and 308 repeat the request as it was.
_REDIRECT_TO_GET = frozenset({301, 302, 303})
_REDIRECTS = frozenset({301, 302, 303, 305, 307, 308})

_UNSET: Any = object()


class RequestBuilder:
    """A request being described: method, path, headers, query, body, redirect policy.

    Every setter returns the builder, so calls chain as in supertest. The request goes out
    once, when the subclass first needs the response.
    """

    def __init__(self, client: Client[Any], method: str, path: str) -> None:
        self._client = client
        self.method = method.upper()
        self.path = path
        self._headers: dict[str, tuple[str, str]] = {}
        self._query: list[str] = []
        self._data: Any = _UNSET
        self._parts: list[_encode.Part] | None = None
        self._max_redirects = 0
        self._timeout = client.timeout
        self._response: TestResponse | None = None
        # superagent asks for compressed bodies (and decodes them) on all but HEAD.
        if self.method != "HEAD":
            self.set("Accept-Encoding", "gzip, deflate")
        for name, value in client.default_headers.items():
            self.set(name, value)

    # -- describing the request ---------------------------------------------------------------

    def set(self, field: str | Mapping[str, str], value: str | int | None = None) -> Self:
        """Set a request header, or several from a mapping; a later value replaces."""
        self._check_not_sent()
        if isinstance(field, Mapping):
            for name, item in field.items():
                self.set(name, item)
            return self
        if value is None:
            raise TypeError(f"set({field!r}) needs a value")
        self._headers[field.lower()] = (field, str(value))
        return self

    def unset(self, field: str) -> Self:
        """Remove a request header set earlier (or by default, like ``Accept-Encoding``)."""
        self._check_not_sent()
        self._headers.pop(field.lower(), None)
        return self

    def type(self, media_type: str) -> Self:
        """Set Content-Type: a full type or a short name (``json``, ``form``, ``html``, ``png``)."""
        return self.set("Content-Type", _encode.resolve_type(media_type))

    def accept(self, media_type: str) -> Self:
        """Set Accept, with the same short names as ``type()``."""
        return self.set("Accept", _encode.resolve_type(media_type))

    def query(self, value: str | Mapping[str, Any]) -> Self:
        """Add to the query string: a mapping is encoded as ``qs`` does, a str goes as is."""
        self._check_not_sent()
        self._query.append(value if isinstance(value, str) else _encode.to_form(value))
        return self

    def auth(self, user: str, password: str = "", *, type: str = "basic") -> Self:
        """Set Authorization: ``basic`` from user and password, or ``bearer`` with a token."""
        if type == "bearer":
            return self.set("Authorization", f"Bearer {user}")
        if type != "basic":
            raise ValueError(f"unknown auth type {type!r}; use 'basic' or 'bearer'")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return self.set("Authorization", f"Basic {token}")

    def send(self, data: Any) -> Self:
        """Give the body, as superagent's ``send``.

        A dict (or list) becomes JSON unless a form type was set; dicts sent twice merge. A str
        with no Content-Type yet makes the request ``application/x-www-form-urlencoded``, and
        strings sent twice join with ``&`` for forms; bytes go as they are, untyped.
        """
        self._check_not_sent()
        if self._parts is not None:
            raise ValueError("send() cannot be mixed with attach()/field(); use one or the other")
        if isinstance(data, str):
            self._send_text(data)
        elif isinstance(data, Mapping) and isinstance(self._data, dict):
            self._data.update(data)
        elif isinstance(data, (Mapping, list, tuple)):
            self._data = dict(data) if isinstance(data, Mapping) else list(data)
            if "content-type" not in self._headers:
                self.type("json")
        else:
            self._data = data
        return self

    def _send_text(self, text: str) -> None:
        if "content-type" not in self._headers:
            self.type("form")
        is_form = self._content_type() == _encode.FORM_TYPE
        if isinstance(self._data, str) and self._data:
            self._data = f"{self._data}&{text}" if is_form else self._data + text
        else:
            self._data = text

    def field(self, name: str, value: str | int | float | bool) -> Self:
        """Add a plain multipart/form-data field."""
        value_text = str(value).lower() if isinstance(value, bool) else str(value)
        self._add_part(_encode.Part(name, value_text.encode()))
        return self

    def attach(
        self,
        field: str,
        file: str | os.PathLike[str] | bytes,
        filename: str | None = None,
        *,
        content_type: str | None = None,
    ) -> Self:
        """Add a multipart/form-data file from a path or from bytes.

        ``filename`` defaults to the path's base name (the field name for bytes); the part's
        type is guessed from the file name unless ``content_type`` is given.
        """
        self._add_part(_encode.file_part(field, file, filename, content_type))
        return self

    def _add_part(self, part: _encode.Part) -> None:
        self._check_not_sent()
        if self._data is not _UNSET:
            raise ValueError("attach()/field() cannot be mixed with send(); use one or the other")
        if self._parts is None:
            self._parts = []
        self._parts.append(part)

    def redirects(self, count: int) -> Self:
        """Follow up to ``count`` redirects (supertest follows none by default)."""
        self._max_redirects = count
        return self

    def timeout(self, seconds: float | None) -> Self:
        """Give up on a response after ``seconds`` (``None``: wait for ever)."""
        self._timeout = seconds
        return self

    # -- building and sending ------------------------------------------------------------------

    def _check_not_sent(self) -> None:
        if self._response is not None:
            raise RuntimeError(
                f"{self.method} {self.path} was already sent; describe the request before the "
                "first expect()/end()"
            )

    def _content_type(self) -> str:
        value = self._headers.get("content-type", ("", ""))[1]
        return value.split(";", 1)[0].strip().lower()

    def _body(self) -> bytes:
        if self._parts is not None:
            body, content_type = _encode.multipart(self._parts)
            self._headers["content-type"] = ("Content-Type", content_type)
            return body
        data = self._data
        if data is _UNSET or data is None or self.method == "HEAD":
            return b""
        if isinstance(data, bytes):
            return data
        if isinstance(data, str):
            return data.encode()
        if self._content_type() == _encode.FORM_TYPE and isinstance(data, Mapping):
            return _encode.to_form(data).encode()
        return _encode.to_json(data)

    def _target(self) -> str:
        if not self._query:
            return self.path
        joiner = "&" if "?" in self.path else "?"
        return self.path + joiner + "&".join(self._query)

    def _raw_request(self) -> RawRequest:
        body = self._body()
        headers = dict(self._headers)
        if body or self.method not in _NO_BODY_METHODS:
            headers.setdefault("content-length", ("Content-Length", str(len(body))))
        target = self._target()
        cookie = self._client.cookie_header(target)
        if cookie is not None and "cookie" not in headers:
            headers["cookie"] = ("Cookie", cookie)
        return RawRequest(self.method, target, list(headers.values()), body)

    async def _perform(self) -> TestResponse:
        """Send the request, follow redirects as asked; runs on the background loop."""
        request = self._raw_request()
        followed: list[str] = []
        while True:
            raw = await self._client.transport.exchange(request)
            self._client.remember_cookies(raw.headers, request.target)
            location = _location(raw.headers)
            if raw.status not in _REDIRECTS or location is None:
                break
            if len(followed) >= self._max_redirects:
                break
            request = self._redirected(request, raw.status, location)
            followed.append(request.target)
        return TestResponse(request.method, request.target, raw, followed)

    def _redirected(self, previous: RawRequest, status: int, location: str) -> RawRequest:
        parts = urlsplit(urljoin(previous.target, location))
        self.path = parts.path or "/"
        self._query = [parts.query] if parts.query else []
        self._headers.pop("host", None)
        self._headers.pop("cookie", None)
        if status in _REDIRECT_TO_GET:
            self.method = "HEAD" if previous.method == "HEAD" and status != 303 else "GET"
            self._data, self._parts = _UNSET, None
            for name in [name for name in self._headers if name.startswith("content-")]:
                del self._headers[name]
        return self._raw_request()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.method} {self._target()}>"


def _location(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "location":
            return value
    return None
