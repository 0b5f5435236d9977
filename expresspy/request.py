"""Request: Express's `req`, over an ASGI 3 HTTP scope.

Names follow Express with Python spelling (`req.original_url`), and every camelCase name has an
alias (`req.originalUrl`) so ported code runs unchanged. `req.body` is None until a body parser
sets it; the raw body is read with `await req.read(limit)` or `async for chunk in req.stream()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from expresspy.errors import HTTPError
from expresspy.http import mime
from expresspy.http.negotiate import accepted_media_types, preferred
from expresspy.router.next import Wakeup

if TYPE_CHECKING:
    from expresspy.application import Application
    from expresspy.response import Response
    from expresspy.router.route import Route

Receive = Callable[[], Any]

# Headers Node keeps only the first of when a client repeats them (http.IncomingMessage).
_FIRST_WINS = frozenset({
    "age", "authorization", "content-length", "content-type", "etag", "expires", "from",
    "host", "if-modified-since", "if-unmodified-since", "last-modified", "location",
    "max-forwards", "proxy-authorization", "referer", "retry-after", "server", "user-agent",
})


def _collect_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Lower-cased header names to values, folding repeats the way Node's http module does."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in raw:
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


class Params(dict[str, Any]):
    """`req.params`: a dict that also finds positional captures by integer (`req.params[0]`)."""

    def __missing__(self, key: object) -> Any:
        if isinstance(key, int):
            return self[str(key)]
        raise KeyError(key)


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


class Request:
    """The incoming request, with Express's API. Created once per request by the app."""

    def __init__(self, app: Application, scope: MutableMapping[str, Any], receive: Receive,
                 wakeup: Wakeup) -> None:
        self.app = app
        self.scope = scope
        self._receive = receive
        self._wakeup = wakeup
        self.method: str = scope["method"]
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else scope.get("path", "/")
        query: bytes = scope.get("query_string", b"")
        self.url: str = path + "?" + query.decode("latin-1") if query else path
        self.original_url: str = self.url
        self.base_url: str = ""
        self.params: dict[str, Any] = Params()
        self.headers: dict[str, str] = _collect_headers(scope.get("headers", []))
        self.body: Any = None
        self.cookies: dict[str, Any] = {}
        self.signed_cookies: dict[str, Any] = {}
        self.secret: str | None = None
        self.route: Route | None = None
        self.res: Response | None = None
        self.aborted = False
        self._body_consumed = False
        self._query_cache: tuple[str, Any] | None = None

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
        raw = "" if cut < 0 else url[cut + 1:]
        cached = self._query_cache
        if cached is not None and cached[0] == raw:
            return cached[1]
        parser = self.app._query_parser
        value = parser(raw) if parser is not None else {}
        self._query_cache = (raw, value)
        return value

    # -- headers --------------------------------------------------------------------------

    def get(self, name: str) -> str | None:
        """A request header by case-insensitive name (`Referer` and `Referrer` are the same)."""
        if not isinstance(name, str):
            raise TypeError("name must be a string to req.get")
        if not name:
            raise TypeError("name argument is required to req.get")
        lower = name.lower()
        if lower in ("referer", "referrer"):
            return self.headers.get("referer", self.headers.get("referrer"))
        return self.headers.get(lower)

    header = get

    @property
    def protocol(self) -> str:
        """"https" over TLS, else "http"; a trusted proxy's X-Forwarded-Proto wins."""
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
            addresses += [a.strip() for a in reversed(forwarded.split(","))]
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
                host = forwarded.split(",", 1)[0].strip()
        return host or self.headers.get("host")

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
        offset = int(self.app.get("subdomain offset"))
        if hostname.replace(".", "").isdigit() or ":" in hostname:
            return [hostname][offset:]
        return list(reversed(hostname.split(".")))[offset:]

    @property
    def xhr(self) -> bool:
        """True when X-Requested-With is XMLHttpRequest."""
        return (self.headers.get("x-requested-with") or "").lower() == "xmlhttprequest"

    # -- negotiation ----------------------------------------------------------------------

    def accepts(self, *types: str | list[str]) -> str | list[str] | bool:
        """The best of `types` for the Accept header (extensions like "json" allowed), or False.

        With no argument, the accepted media ranges, best first.
        """
        offers = _flatten_strings(types)
        header = self.headers.get("accept")
        if not offers:
            return accepted_media_types(header)
        full = {offer: (offer if "/" in offer else mime.lookup(offer) or "") for offer in offers}
        chosen = preferred(header, [full[o] for o in offers if full[o]])
        if not chosen:
            return False
        for offer in offers:
            if full[offer] == chosen[0]:
                return offer
        return False

    def accepts_encodings(self, *encodings: str | list[str]) -> str | list[str] | bool:
        """The best of `encodings` for Accept-Encoding ("identity" is always acceptable)."""
        return self._accepts_plain("accept-encoding", encodings)

    def accepts_charsets(self, *charsets: str | list[str]) -> str | list[str] | bool:
        """The best of `charsets` for Accept-Charset."""
        return self._accepts_plain("accept-charset", charsets)

    def accepts_languages(self, *languages: str | list[str]) -> str | list[str] | bool:
        """The best of `languages` for Accept-Language."""
        return self._accepts_plain("accept-language", languages)

    def _accepts_plain(self, header_name: str, values: tuple[str | list[str], ...]
                       ) -> str | list[str] | bool:
        offers = _flatten_strings(values)
        header = self.headers.get(header_name)
        if header_name == "accept-encoding" and header is not None and "identity" not in header:
            header += ", identity;q=0.0001"
        if not offers:
            return [r for r in preferred(header, [])] if header is None else [
                part.split(";")[0].strip() for part in header.split(",") if part.strip()]
        chosen = preferred(header, offers, media=False)
        return chosen[0] if chosen else False

    def is_(self, *types: str | list[str]) -> str | bool | None:
        """The first of `types` matching the Content-Type, False for none, None with no body."""
        if "transfer-encoding" not in self.headers and not (
            self.headers.get("content-length", "").strip().isdigit()
        ):
            return None
        content_type = self.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        offers = _flatten_strings(types)
        if not offers:
            return content_type or False
        for offer in offers:
            wanted = offer if "/" in offer or offer.startswith("+") else (mime.lookup(offer) or "")
            if _type_matches(wanted.lower(), content_type):
                return content_type if "*" in offer else offer
        return False

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

    acceptsEncodings = accepts_encodings
    acceptsCharsets = accepts_charsets
    acceptsLanguages = accepts_languages

    def __getattr__(self, name: str) -> Any:
        # Attributes middleware adds (req.session, req.user, ...) read as None when unset,
        # the way JavaScript reads them as undefined.
        if name.startswith("__"):
            raise AttributeError(name)
        return None


def _flatten_strings(values: tuple[str | list[str], ...]) -> list[str]:
    flat: list[str] = []
    for value in values:
        if isinstance(value, (list, tuple)):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


def _type_matches(wanted: str, actual: str) -> bool:
    if not actual:
        return False
    if wanted.startswith("+"):
        return actual.endswith(wanted)
    wtype, _, wsub = wanted.partition("/")
    atype, _, asub = actual.partition("/")
    if wtype not in ("*", atype):
        return False
    if wsub.startswith("*+"):
        return asub.endswith(wsub[1:])
    return wsub in ("*", asub)
