"""Request: Express's `req`, over an ASGI 3 HTTP scope or the built-in server's native exchange.

Names follow Express with Python spelling (`req.original_url`), and every camelCase name has an
alias (`req.originalUrl`) so ported code runs unchanged. `req.body` is None until a body parser
sets it; the raw body is read with `await req.read(limit)` or `async for chunk in req.stream()`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from expresspy.attributes import unset_attribute
from expresspy.errors import HTTPError
from expresspy.extensions import MISSING, find_extension
from expresspy.http.fresh import is_fresh
from expresspy.http.negotiate import choose
from expresspy.http.ranges import Ranges, parse_range
from expresspy.http.typeis import has_body, type_is
from expresspy.incoming import IncomingEvents
from expresspy.router.pattern import Params
from expresspy.runtime.next import Exchange
from expresspy.session.missing import NO_SESSION

if TYPE_CHECKING:
    from expresspy.application import Application
    from expresspy.middleware.vhost import Vhost
    from expresspy.response import Response
    from expresspy.router.route import Route
    from expresspy.server.types import NativeExchange
    from expresspy.session.session import Session

Receive = Callable[[], Any]

# Headers Node keeps only the first of when a client repeats them (http.IncomingMessage).
_FIRST_WINS = frozenset(
    {
        "age",
        "authorization",
        "content-length",
        "content-type",
        "etag",
        "expires",
        "from",
        "host",
        "if-modified-since",
        "if-unmodified-since",
        "last-modified",
        "location",
        "max-forwards",
        "proxy-authorization",
        "referer",
        "retry-after",
        "server",
        "user-agent",
    }
)


# Decoded names of the headers clients send most, as servers pass them (lower case, ASGI).
_HEADER_NAMES = {
    name.encode("latin-1"): name
    for name in (
        "host",
        "user-agent",
        "accept",
        "accept-encoding",
        "accept-language",
        "connection",
        "cookie",
        "content-type",
        "content-length",
        "cache-control",
        "referer",
        "origin",
        "if-none-match",
        "if-modified-since",
        "x-forwarded-for",
        "x-forwarded-proto",
        "authorization",
        "upgrade-insecure-requests",
        "sec-fetch-mode",
        "sec-fetch-site",
    )
}


def _collect_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Lower-cased header names to values, folding repeats the way Node's http module does."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in raw:
        name = _HEADER_NAMES.get(raw_name)
        if name is None:
            name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        if name not in headers:
            headers[name] = value
        elif name in _FIRST_WINS:
            continue
        elif name == "cookie":
            headers[name] += "; " + value
        else:
            headers[name] += ", " + value
    return headers


def simple_query_parser(query: str) -> dict[str, Any]:
    """Express's default ("simple") query parser: Node's querystring.

    Repeated keys give lists, `+` is a space, no nesting (`a[b]=1` keeps the key `a[b]`), at
    most 1000 keys.
    """
    parsed: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True, max_num_fields=None)[:1000]:
        current = parsed.get(key)
        if current is None:
            parsed[key] = value
        elif isinstance(current, list):
            current.append(value)
        else:
            parsed[key] = [current, value]
    return parsed


class Request(IncomingEvents):
    """The incoming request, with Express's API. Created once per request by the app.

    Node's events work too: `req.on("data"|"end"|"close"|"aborted", fn)` (expresspy.incoming).
    """

    # Defaults shared by every request until one is assigned: fewer stores per request.
    base_url: str = ""
    body: Any = None
    secret: str | None = None
    route: Route | None = None
    res: Response | None = None
    next: Callable[..., None] | None = None  # the running handler's next (router)
    aborted = False
    _body_consumed = False
    _query_cache: tuple[str, Any] | None = None
    _scope: MutableMapping[str, Any] | None = None
    _native: NativeExchange | None = None

    # Attributes middleware adds, declared for type checkers only (no value here: until a
    # middleware sets one, reading it gives None, as JavaScript reads undefined; see
    # expresspy/attributes.py). An app may set attributes of its own on `req` too; a misspelt
    # read is a type error and, at run time, an AttributeError with a did-you-mean.
    session: Session  # session(); None on requests it did not handle, NO_SESSION without it
    session_id: str | None
    sessionID: str | None
    session_store: Any
    original_method: str | None  # method_override()
    originalMethod: str | None
    file: Any  # multer
    files: Any  # multer, multipart()
    user: Any  # passport
    auth_info: Any
    authInfo: Any
    login: Callable[..., Any]
    logIn: Callable[..., Any]
    logout: Callable[..., Any]
    logOut: Callable[..., Any]
    is_authenticated: Callable[[], bool]
    isAuthenticated: Callable[[], bool]
    is_unauthenticated: Callable[[], bool]
    isUnauthenticated: Callable[[], bool]
    flash: Callable[..., Any]  # connect-flash
    csrf_token: Callable[..., str]  # csrf
    csrfToken: Callable[..., str]
    rate_limit: Any  # rate_limit()
    rateLimit: Any
    vhost: Vhost  # vhost()

    if TYPE_CHECKING:

        def __setattr__(self, name: str, value: Any) -> None:
            """Any attribute may be set (middleware and apps add their own)."""

    def __init__(
        self,
        app: Application,
        scope: MutableMapping[str, Any] | None,
        receive: Receive,
        exchange: Exchange,
        native: NativeExchange | None = None,
    ) -> None:
        """From an ASGI `scope`, or (scope None) from the built-in server's `native`
        exchange, whose scope is built only if `req.scope` is read."""
        if native is None:
            assert scope is not None
            self._scope = scope
            method: str = scope["method"]
            raw_path = scope.get("raw_path")
            path = raw_path.decode("latin-1") if raw_path else scope.get("path", "/")
            query: bytes = scope.get("query_string", b"")
            raw_headers = scope.get("headers", [])
        else:
            self._native = native
            method = native.method
            path = native.raw_path.decode("latin-1")
            query = native.query_string
            raw_headers = native.headers
        self.app = app
        self._receive = receive
        self._exchange = exchange
        self.method = method
        url = path + "?" + query.decode("latin-1") if query else path
        self.url: str = url
        self.original_url: str = url  # (not `self.url`: a read through __getattr__'s hook)
        self.params: dict[str, Any] = Params()
        self.headers: dict[str, str] = _collect_headers(raw_headers)
        self.cookies: dict[str, Any] = {}
        self.signed_cookies: dict[str, Any] = {}

    @property
    def scope(self) -> MutableMapping[str, Any]:
        """The request's ASGI HTTP scope (on the built-in server's native path, built by the
        server on first read)."""
        scope = self._scope
        if scope is None:
            assert self._native is not None
            scope = self._scope = self._native.scope
        return scope

    @scope.setter
    def scope(self, value: MutableMapping[str, Any]) -> None:
        self._scope = value

    # -- URL ------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The path of `req.url` (relative to the mount point), without the query string."""
        url = self.url
        cut = url.find("?")
        return url if cut < 0 else url[:cut]

    @property
    def query(self) -> Any:
        """The query string parsed by the app's `query parser` setting (a new dict per URL)."""
        url = self.url
        cut = url.find("?")
        raw = "" if cut < 0 else url[cut + 1 :]
        cached = self._query_cache
        if cached is not None and cached[0] == raw:
            return cached[1]
        parser = self.app._query_parser
        value = parser(raw) if parser is not None else {}
        self._query_cache = (raw, value)
        return value

    # -- Node's http.IncomingMessage ------------------------------------------------------

    @property
    def http_version(self) -> str:
        """The HTTP version the client spoke ("1.1", "1.0"); Node's `req.httpVersion`."""
        return str(self.scope.get("http_version", "1.1"))

    @property
    def raw_headers(self) -> list[str]:
        """Header names and values as received, flattened (`[name, value, name, value]`);
        Node's `req.rawHeaders` (names in the case the server passed them: lower case
        under ASGI)."""
        flat: list[str] = []
        for name, value in self.scope.get("headers", []):
            flat += (name.decode("latin-1"), value.decode("latin-1"))
        return flat

    # -- headers --------------------------------------------------------------------------

    def get(self, name: str) -> str | None:
        """A request header by case-insensitive name (`Referer` and `Referrer` are the same).

        Repeated headers are joined with ", " (cookies with "; "), as Node joins them.
        """
        if not name:
            raise TypeError("name argument is required to req.get")
        if not isinstance(name, str):
            raise TypeError("name must be a string to req.get")
        lower = name.lower()
        if lower in ("referer", "referrer"):
            return self.headers.get("referrer") or self.headers.get("referer")
        return self.headers.get(lower)

    header = get

    @property
    def protocol(self) -> str:
        """ "https" over TLS, else "http"; a trusted proxy's X-Forwarded-Proto wins."""
        scheme = "https" if self.scope.get("scheme") == "https" else "http"
        if not self._trusted_peer():
            return scheme
        forwarded = self.headers.get("x-forwarded-proto")
        if forwarded:
            return forwarded.split(",", 1)[0].strip()
        return scheme

    @property
    def secure(self) -> bool:
        """True when `req.protocol` is "https"."""
        return self.protocol == "https"

    @property
    def ip(self) -> str | None:
        """The client address: the socket peer, or per `trust proxy` the X-Forwarded-For hop."""
        chain = self._address_chain()
        return chain[-1] if chain else None

    @property
    def ips(self) -> list[str]:
        """Client-first addresses from X-Forwarded-For that `trust proxy` lets through."""
        chain = self._address_chain()
        return list(reversed(chain[1:])) if len(chain) > 1 else []

    def _address_chain(self) -> list[str]:
        """[socket address, then XFF right to left] while each hop is trusted."""
        client = self.scope.get("client")
        addresses = [client[0]] if client else []
        forwarded = self.headers.get("x-forwarded-for")
        if forwarded:
            addresses += [a.strip(" ") for a in reversed(forwarded.split(",")) if a.strip(" ")]
        trust = self.app._trust_proxy
        chain: list[str] = []
        for hop, address in enumerate(addresses):
            chain.append(address)
            if not trust(address, hop):
                break
        return chain

    def _trusted_peer(self) -> bool:
        client = self.scope.get("client")
        return client is not None and bool(self.app._trust_proxy(client[0], 0))

    @property
    def host(self) -> str | None:
        """The Host header (or a trusted X-Forwarded-Host), port included."""
        host = None
        if self._trusted_peer():
            forwarded = self.headers.get("x-forwarded-host")
            if forwarded:
                host = forwarded.split(",", 1)[0].rstrip() if "," in forwarded else forwarded
        return host or self.headers.get("host") or None

    @property
    def hostname(self) -> str | None:
        """`req.host` without the port (IPv6 literals keep their brackets)."""
        host = self.host
        if not host:
            return None
        end = host.find("]") + 1 if host.startswith("[") else 0
        colon = host.find(":", end)
        return host if colon < 0 else host[:colon]

    @property
    def subdomains(self) -> list[str]:
        """Host labels left of the `subdomain offset` right-most ones, reversed."""
        hostname = self.hostname
        if not hostname:
            return []
        offset = int(self.app.get("subdomain offset") or 0)
        try:
            ipaddress.ip_address(hostname)
        except ValueError:
            return list(reversed(hostname.split(".")))[offset:]
        return [hostname][offset:]

    @property
    def xhr(self) -> bool:
        """True when X-Requested-With is XMLHttpRequest."""
        return (self.headers.get("x-requested-with") or "").lower() == "xmlhttprequest"

    # -- conditional requests and ranges -------------------------------------------------

    @property
    def fresh(self) -> bool:
        """True when the client's cached copy is still valid for the response being built.

        Only for GET/HEAD (and QUERY) with a 2xx or 304 status; compares If-None-Match /
        If-Modified-Since with the response's ETag / Last-Modified (fresh@2 rules).
        """
        res = self.res
        if res is None or self.method not in ("GET", "HEAD", "QUERY"):
            return False
        status = res.status_code
        if not (200 <= status < 300 or status == 304):
            return False
        etag, modified = res.get_header("ETag"), res.get_header("Last-Modified")
        return is_fresh(
            self.headers,
            etag if isinstance(etag, str) else None,
            modified if isinstance(modified, str) else None,
        )

    @property
    def stale(self) -> bool:
        """`not req.fresh`."""
        return not self.fresh

    def range(self, size: int, combine: bool = False) -> Ranges | int | None:
        """Parse the Range header for a representation of `size` bytes.

        None without a Range header, -2 when malformed, -1 when unsatisfiable, else a list of
        inclusive ranges (`r.start`, `r.end`, also `r["start"]`) with the unit in `.type`.
        `combine=True` merges overlapping and adjacent ranges.
        """
        header = self.headers.get("range")
        if not header:
            return None
        return parse_range(size, header, combine=combine)

    # -- negotiation ----------------------------------------------------------------------

    def accepts(self, *types: str | list[str]) -> str | list[str] | bool:
        """The best of `types` for the Accept header, or False (accepts@2 / negotiator).

        Types may be MIME types or extensions ("json", "html"); the winner is returned as
        given. Without an Accept header the first type wins. With no argument, the accepted
        media ranges, best first.
        """
        return choose("accept", self.headers.get("accept"), _flatten_strings(types))

    def accepts_encodings(self, *encodings: str | list[str]) -> str | list[str] | bool:
        """The best of `encodings` for Accept-Encoding, or False.

        As negotiator 1.x decides, "identity" is acceptable unless refused, and a request
        without Accept-Encoding accepts only "identity".
        """
        return choose(
            "accept-encoding", self.headers.get("accept-encoding"), _flatten_strings(encodings)
        )

    def accepts_charsets(self, *charsets: str | list[str]) -> str | list[str] | bool:
        """The best of `charsets` for Accept-Charset (any, without the header), or False."""
        return choose(
            "accept-charset", self.headers.get("accept-charset"), _flatten_strings(charsets)
        )

    def accepts_languages(self, *languages: str | list[str]) -> str | list[str] | bool:
        """The best of `languages` for Accept-Language (`en` matches `en-US`), or False."""
        return choose(
            "accept-language", self.headers.get("accept-language"), _flatten_strings(languages)
        )

    def is_(self, *types: str | list[str]) -> str | bool | None:
        """Express's `req.is(types)`: the first of `types` matching Content-Type.

        None when the request has no body, False when nothing matches; wildcards
        ("application/*", "+json") return the actual type, other offers are returned as given.
        """
        if not has_body(self.headers):
            return None
        return type_is(self.headers.get("content-type"), _flatten_strings(types))

    # -- body -----------------------------------------------------------------------------

    async def stream(self) -> AsyncIterator[bytes]:
        """Yield the request body in chunks as they arrive; it can be consumed once."""
        if self._body_consumed:
            raise RuntimeError("the request body was already read")
        self._body_consumed = True
        while True:
            message = await self._receive()
            kind = message["type"]
            if kind == "http.request":
                chunk = message.get("body", b"")
                if chunk:
                    yield chunk
                if not message.get("more_body", False):
                    return
            elif kind == "http.disconnect":
                self.aborted = True
                if self.res is not None:
                    self.res._client_left()
                raise HTTPError(400, "request aborted", type="request.aborted")

    async def read(self, limit: int | None = None) -> bytes:
        """Read the whole body; past `limit` bytes raise HTTPError 413 (entity.too.large)."""
        declared = self.headers.get("content-length")
        if limit is not None and declared and declared.isdigit() and int(declared) > limit:
            raise HTTPError(413, "request entity too large", type="entity.too.large")
        chunks: list[bytes] = []
        size = 0
        async for chunk in self.stream():
            size += len(chunk)
            if limit is not None and size > limit:
                raise HTTPError(413, "request entity too large", type="entity.too.large")
            chunks.append(chunk)
        return b"".join(chunks)

    # -- camelCase aliases for ported Express code -----------------------------------------

    @property
    def originalUrl(self) -> str:
        """Alias of `original_url`."""
        return self.original_url

    @property
    def baseUrl(self) -> str:
        """Alias of `base_url`."""
        return self.base_url

    @property
    def signedCookies(self) -> dict[str, Any]:
        """Alias of `signed_cookies`."""
        return self.signed_cookies

    httpVersion = http_version
    rawHeaders = raw_headers
    acceptsEncodings = accepts_encodings
    acceptsCharsets = accepts_charsets
    acceptsLanguages = accepts_languages

    if not TYPE_CHECKING:  # hidden from mypy, so that a misspelt attribute is a type error

        def __getattr__(self, name: str) -> Any:
            # Only names no instance or class attribute answers get here: app.request
            # extensions, then the attribute rule (expresspy/attributes.py).
            if name.startswith("__"):
                raise AttributeError(name)
            found = find_extension(self.__dict__.get("app"), "request", name, self)
            if found is not MISSING:
                return found
            if name == "session":  # no session middleware ran: say so on first use
                return NO_SESSION
            # Names middleware sets read None until set; any other name is an error.
            return unset_attribute(self, "req", name)


def _flatten_strings(values: tuple[str | list[str], ...]) -> list[str]:
    flat: list[str] = []
    for value in values:
        if isinstance(value, (list, tuple)):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


# `is` is a keyword, so `req.is_` is the spelling; getattr(req, "is") works for ported code.
setattr(Request, "is", Request.is_)
