"""Cookies on the wire: the ``Cookie`` header, ``Set-Cookie`` values and cookie-signature.

Every function here reproduces one piece of the Node packages Express relies on, so that a
cookie written by expresspy is byte-identical to one written by Express and vice versa:

* :func:`parse_cookie_header` and :func:`serialize_cookie` follow ``cookie@0.7.2`` (including
  the CVE-2024-47764 validation of names, values, domains and paths);
* :func:`sign` and :func:`unsign` follow ``cookie-signature`` (the ``s:`` session cookie and
  ``res.cookie(..., signed=True)``);
* :func:`encode_uri_component` and :func:`decode_uri_component` follow JavaScript's global
  functions of the same names;
* :func:`format_http_date` follows ``Date.prototype.toUTCString()``.
"""

from __future__ import annotations

import base64
import hmac
import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

__all__ = [
    "SignatureMemo",
    "decode_uri_component",
    "encode_uri_component",
    "format_http_date",
    "normalize_secrets",
    "parse_cookie_header",
    "requires_secure",
    "serialize_cookie",
    "sign",
    "unsign",
]

# --- validation (cookie@0.7.2, RFC 6265 section 4.1.1) ------------------------------------------
# Each pattern is used with fullmatch(): a plain "$" would accept a trailing "\n", which is
# exactly the header-injection hole CVE-2024-47764 closed.

#: cookie-name = token (RFC 7230 tchar).
COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: cookie-value = *cookie-octet, optionally wrapped in one pair of double quotes.
COOKIE_VALUE = re.compile(r'("?)[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*\1')
#: domain-value = subdomain (RFC 1034/1123 labels), a leading dot tolerated.
COOKIE_DOMAIN = re.compile(
    r"([.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*",
    re.IGNORECASE,
)
#: path-value = any CHAR except CTLs or ";".
COOKIE_PATH = re.compile(r"[\x20-\x3A\x3D-\x7E]*")

#: Accepted ``priority`` values (case-insensitive) and how each is written.
PRIORITIES: dict[str, str] = {"low": "Low", "medium": "Medium", "high": "High"}
#: Accepted string ``same_site`` values (case-insensitive) and how each is written;
#: ``True`` means ``Strict`` and ``False``/``None`` omit the attribute.
SAME_SITE_VALUES: dict[str, str] = {"lax": "Lax", "strict": "Strict", "none": "None"}

# --- encodeURIComponent / decodeURIComponent ----------------------------------------------------

# encodeURIComponent leaves A-Z a-z 0-9 and - _ . ! ~ * ' ( ) alone; quote() always keeps
# letters, digits and "_.-~", so the rest of that set is passed as `safe`.
_URI_COMPONENT_SAFE = "!*'()"
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# A "%" that does not start an escape of an ASCII byte (%00 to %7F): malformed, or the start
# of a multi-byte UTF-8 sequence. When there is none, each escape is one character.
_NOT_ASCII_ESCAPE = re.compile(r"%(?![0-7][0-9A-Fa-f])")


def encode_uri_component(s: str) -> str:
    """Percent-encode ``s`` exactly as JavaScript's ``encodeURIComponent`` does.

    Characters are encoded as UTF-8 bytes. A lone surrogate (which has no UTF-8 form) raises
    ``ValueError``, as JavaScript raises ``URIError``.
    """
    try:
        return quote(s, safe=_URI_COMPONENT_SAFE, encoding="utf-8", errors="strict")
    except UnicodeEncodeError as exc:
        raise ValueError(f"URI malformed: cannot encode {s!r}") from exc


def decode_uri_component(s: str) -> str:
    """Decode ``%XX`` escapes exactly as JavaScript's ``decodeURIComponent`` does.

    Raises ``ValueError`` when the input is malformed: a ``%`` not followed by two hex digits,
    or escapes that do not form valid UTF-8. (``urllib.parse.unquote`` would silently keep or
    replace them instead, which is why it is not used here.)
    """
    if "%" not in s:
        return s
    if _NOT_ASCII_ESCAPE.search(s) is None:
        return _decode_ascii_escapes(s)
    pieces: list[str] = []
    position = 0
    for run in _PERCENT_RUN.finditer(s):
        pieces.append(_literal_part(s, position, run.start()))
        try:
            pieces.append(bytes.fromhex(run.group().replace("%", "")).decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ValueError(f"URI malformed: {run.group()!r} is not UTF-8") from exc
        position = run.end()
    pieces.append(_literal_part(s, position, len(s)))
    return "".join(pieces)


def _decode_ascii_escapes(s: str) -> str:
    """Decode ``s`` whose every ``%`` starts an escape of an ASCII byte (``%00``-``%7F``).

    The common case (a signed cookie's ``%3A``, ``%2F``, ``%2B``; a path's ``%20``): an ASCII
    byte is a whole UTF-8 character, so there is no sequence to validate and each escape is
    replaced on its own, several times faster than the general path.
    """
    head, *escaped = s.split("%")
    return head + "".join([chr(int(part[:2], 16)) + part[2:] for part in escaped])


def _literal_part(s: str, start: int, end: int) -> str:
    """Return ``s[start:end]``, which lies between escapes; a ``%`` there is malformed."""
    part = s[start:end]
    if "%" in part:
        raise ValueError(f"URI malformed: stray '%' in {s!r}")
    return part


# --- the Cookie request header ------------------------------------------------------------------


def parse_cookie_header(header: str) -> dict[str, str]:
    """Parse a ``Cookie`` request header into ``{name: value}`` as ``cookie.parse`` does.

    Pairs are split on ``;`` and on the first ``=``; names and values are trimmed of spaces
    and tabs; one pair of surrounding double quotes is removed from a value; the **first**
    occurrence of a name wins; a value is URL-decoded only when it contains ``%`` and is kept
    raw when decoding fails. Nothing here raises, whatever the client sends.
    """
    cookies: dict[str, str] = {}
    length = len(header)
    if length < 2:  # the shortest pair, "a=", has two characters
        return cookies
    index = 0
    while index < length:
        equals = header.find("=", index)
        if equals == -1:
            break
        end = header.find(";", index)
        if end == -1:
            end = length
        elif equals > end:
            # A fragment without "=" ("a; b=c"): restart after the last ";" before the "=".
            index = header.rfind(";", 0, equals) + 1
            continue
        name = header[index:equals].strip(" \t")
        # cookie@0.7.2 never stores `__proto__` (its parse target treats it as already set).
        if name not in cookies and name != "__proto__":
            cookies[name] = _cookie_value(header[equals + 1 : end])
        index = end + 1
    return cookies


def _cookie_value(raw: str) -> str:
    """Trim, unquote and (when it holds a ``%``) URL-decode one raw cookie value."""
    value = raw.strip(" \t")
    if value.startswith('"') and value.endswith('"'):
        value = value[1:-1]
    if "%" not in value:
        return value
    try:
        return decode_uri_component(value)
    except ValueError:
        return value


# --- the Set-Cookie response header -------------------------------------------------------------


def serialize_cookie(
    name: str,
    value: str,
    *,
    max_age: float | None = None,
    domain: str | None = None,
    path: str | None = None,
    expires: datetime | None = None,
    http_only: bool = False,
    secure: bool = False,
    partitioned: bool = False,
    priority: str | None = None,
    same_site: str | bool | None = None,
    encode: Callable[[str], str] = encode_uri_component,
) -> str:
    """Return one ``Set-Cookie`` header value, byte-identical to ``cookie.serialize``.

    ``max_age`` is in **seconds** and written as ``Max-Age`` (floored). ``expires`` is written
    with :func:`format_http_date` (a naive datetime is taken as UTC; an object with
    ``to_datetime()``, such as :class:`expresspy.js.Date`, is converted first). ``value`` is passed
    through ``encode`` (``encodeURIComponent`` by default) before validation. Attributes come
    in cookie@0.7.2's order: Max-Age, Domain, Path, Expires, HttpOnly, Secure, Partitioned,
    Priority, SameSite. ``same_site=True`` means ``Strict``.

    Raises ``ValueError`` (with a message naming the argument) when the name is not an RFC 7230
    token, the encoded value, domain or path holds characters that could inject attributes
    (``;``, CR, LF, NUL, ...), ``max_age``/``priority``/``same_site`` is not one of the
    accepted values, or the name's prefix asks for attributes the cookie lacks (RFC 6265bis
    section 4.1.3): ``__Secure-`` needs ``secure=True``; ``__Host-`` needs ``secure=True``,
    ``path="/"`` and no ``domain``. Browsers silently drop such cookies; cookie@0.7.2 does
    not check, so this is stricter than Express.
    """
    if not COOKIE_NAME.fullmatch(name):
        raise ValueError(f"argument name is invalid: {name!r} is not an RFC 7230 token")
    _check_prefix(name, secure=secure, path=path, domain=domain)
    encoded = encode(value)
    if not COOKIE_VALUE.fullmatch(encoded):
        raise ValueError(f"argument val is invalid: {encoded!r} is not a cookie value")
    parts = [f"{name}={encoded}"]
    if max_age is not None:
        parts.append(f"Max-Age={_max_age_seconds(max_age)}")
    if domain:
        parts.append(f"Domain={_checked('domain', domain, COOKIE_DOMAIN)}")
    if path:
        parts.append(f"Path={_checked('path', path, COOKIE_PATH)}")
    if expires is not None:
        to_datetime = getattr(expires, "to_datetime", None)
        if callable(to_datetime):  # expresspy.js.Date: a ported `new Date(...)`
            expires = to_datetime()
        if not isinstance(expires, datetime):
            raise TypeError(f"option expires is invalid: {expires!r} is not a datetime")
        parts.append(f"Expires={format_http_date(expires)}")
    parts.extend(flag for flag, on in _flags(http_only, secure, partitioned) if on)
    if priority:
        parts.append(f"Priority={_choice('priority', priority, PRIORITIES)}")
    same_site_attribute = _same_site(same_site)
    if same_site_attribute:
        parts.append(f"SameSite={same_site_attribute}")
    return "; ".join(parts)


#: Cookie name prefixes (RFC 6265bis section 4.1.3), matched case-insensitively as the draft
#: and browsers match them.
SECURE_PREFIX = "__secure-"
HOST_PREFIX = "__host-"


def requires_secure(name: str) -> bool:
    """True when browsers accept a cookie of this name only with ``Secure`` (a prefix)."""
    return name.lower().startswith((SECURE_PREFIX, HOST_PREFIX))


def _check_prefix(name: str, *, secure: bool, path: str | None, domain: str | None) -> None:
    """Refuse a ``__Secure-``/``__Host-`` cookie a browser would drop for its attributes."""
    if not requires_secure(name):
        return
    prefix = name[: name.index("-") + 1]
    if not secure:
        raise ValueError(
            f"cookie {name!r}: the {prefix} prefix requires secure=True "
            "(browsers drop it otherwise)"
        )
    if name.lower().startswith(HOST_PREFIX) and (path != "/" or domain):
        raise ValueError(
            f"cookie {name!r}: the {prefix} prefix requires path='/' and no "
            f"domain, not path={path!r} domain={domain!r} (browsers drop it "
            "otherwise)"
        )


def _flags(http_only: bool, secure: bool, partitioned: bool) -> tuple[tuple[str, bool], ...]:
    """The valueless attributes, in the order cookie@0.7.2 writes them."""
    return (("HttpOnly", http_only), ("Secure", secure), ("Partitioned", partitioned))


def _max_age_seconds(max_age: float) -> int:
    """Floor ``max_age`` to whole seconds; reject NaN and infinities as cookie does."""
    if isinstance(max_age, bool) or not math.isfinite(max_age):
        raise ValueError(f"option maxAge is invalid: {max_age!r} is not a finite number")
    return math.floor(max_age)


def _checked(option: str, value: str, pattern: re.Pattern[str]) -> str:
    """Return ``value`` if it fully matches ``pattern``, else raise a ``ValueError``."""
    if not pattern.fullmatch(value):
        raise ValueError(f"option {option} is invalid: {value!r}")
    return value


def _choice(option: str, value: str, table: dict[str, str]) -> str:
    """Look ``value`` up case-insensitively in ``table``; unknown values raise ``ValueError``."""
    written = table.get(value.lower()) if isinstance(value, str) else None
    if written is None:
        allowed = ", ".join(repr(key) for key in table)
        raise ValueError(f"option {option} is invalid: {value!r} (expected one of {allowed})")
    return written


def _same_site(same_site: str | bool | None) -> str | None:
    """Map the ``same_site`` option to its attribute value (``None`` means omit it)."""
    if same_site is None or same_site is False:
        return None
    if same_site is True:
        return "Strict"
    return _choice("sameSite", same_site, SAME_SITE_VALUES)


# --- dates --------------------------------------------------------------------------------------

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_http_date(dt: datetime) -> str:
    """Format ``dt`` as JavaScript's ``Date.toUTCString()``: ``Thu, 01 Jan 1970 00:00:00 GMT``.

    An aware datetime is converted to UTC; a naive one is taken to be UTC already (HTTP dates
    are always UTC, and guessing the machine's zone would make cookies depend on it).
    Fractions of a second are dropped.
    """
    utc = dt.astimezone(timezone.utc) if dt.tzinfo is not None else dt
    return (
        f"{_WEEKDAYS[utc.weekday()]}, {utc.day:02d} {_MONTHS[utc.month - 1]} {utc.year:04d} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} GMT"
    )


# --- cookie-signature ---------------------------------------------------------------------------


def _as_bytes(data: str | bytes) -> bytes:
    """Secrets and values are UTF-8, as Node's ``createHmac``/``update`` read strings."""
    return data.encode("utf-8") if isinstance(data, str) else data


def _secret_problem(value: object) -> str | None:
    """Why ``value`` is not a usable secret list, or None when it is."""
    if value is None:
        return "None"
    if isinstance(value, (str, bytes)):
        return None if value else "an empty secret"
    if not isinstance(value, (list, tuple)):
        return f"a {type(value).__name__}"
    if not value:
        return "an empty list"
    for index, item in enumerate(value):
        if not isinstance(item, (str, bytes)):
            return f"a {type(item).__name__} at index {index}"
        if not item:
            return f"an empty secret at index {index}"
    return None


def normalize_secrets(value: object, owner: str) -> tuple[str | bytes, ...]:
    """One secret, or a list of them for rotation (the first signs, every one verifies).

    ``value`` must be a non-empty ``str``/``bytes`` or a non-empty list/tuple of them; it
    is checked when the middleware is built, so a bad secret fails at startup rather than on
    the first signed cookie. Raises ``ValueError`` naming ``owner`` (``"session()"``,
    ``"cookie_parser()"``, ...), what was wrong (never the secret itself) and what to pass.
    """
    problem = _secret_problem(value)
    if problem is not None:
        raise ValueError(
            f"{owner} needs a secret (got {problem}): pass secret='<a long random string>' "
            "(e.g. from secrets.token_hex(32), kept out of the code), or a non-empty list of "
            "them to rotate secrets (the first signs, all verify)"
        )
    if isinstance(value, (str, bytes)):
        return (value,)
    assert isinstance(value, (list, tuple))  # _secret_problem checked it
    return tuple(value)


def sign(value: str, secret: str | bytes) -> str:
    """Return ``value + "." + signature`` in cookie-signature's format.

    The signature is HMAC-SHA256 of ``value`` keyed by ``secret``, in **standard** base64
    (``+`` and ``/``, not the URL-safe alphabet) with the ``=`` padding removed. An empty
    secret raises ``ValueError``.
    """
    if not secret:
        raise ValueError("secret must be a non-empty str or bytes")
    # hmac.digest is the one-shot C path: no HMAC object (about 40% less time per signature).
    mac = hmac.digest(_as_bytes(secret), _as_bytes(value), "sha256")
    return value + "." + base64.b64encode(mac).decode("ascii").rstrip("=")


def unsign(signed: str, secrets: Sequence[str | bytes]) -> str | None:
    """Return the value inside ``signed`` if any of ``secrets`` signed it, else ``None``.

    The value is everything before the last ``.``. Each secret is tried in order with a
    constant-time comparison (``hmac.compare_digest``), so rotation works by listing the new
    secret first and the old ones after it. A bare ``str``/``bytes`` is taken as one secret.
    """
    if isinstance(secrets, (str, bytes)):
        secrets = [secrets]
    # Same slicing as cookie-signature: without a ".", rfind() gives -1 and the last character
    # is dropped, which can never verify.
    value = signed[: signed.rfind(".")]
    expected = _as_bytes(signed)
    for secret in secrets:
        if hmac.compare_digest(_as_bytes(sign(value, secret)), expected):
            return value
    return None


#: How many values a :class:`SignatureMemo` remembers in each of its tables.
MEMO_SIZE = 1024
#: The longest ``Cookie`` header a :class:`SignatureMemo` remembers (bounds its memory).
MEMO_HEADER_LENGTH = 1024


class SignatureMemo:
    """:func:`sign` and :func:`unsign` with one fixed list of secrets, remembered.

    A client sends the same signed session cookie with every request, and verifying it is an
    HMAC: the memo verifies each signed value once and then answers from a table. Only values
    that verified are remembered (a forged value is checked every time and never stored), so
    a hit needs the exact signed value some client sent: the table holds nothing an attacker
    could not already present. Each table keeps at most ``size`` entries (then it starts
    afresh). Safe to share between threads (each step is one atomic dict operation).
    """

    __slots__ = ("_cookies", "_signed", "_verified", "secrets", "size")

    def __init__(self, secrets: Sequence[str | bytes], size: int = MEMO_SIZE) -> None:
        self.secrets = tuple(secrets)
        self.size = size
        self._verified: dict[str, str] = {}
        self._signed: dict[str, str] = {}
        self._cookies: dict[tuple[str, str], str] = {}

    def signed_cookie(self, header: str, name: str) -> str | None:
        """The value the signed cookie ``name`` of a ``Cookie`` header carries (``s:`` and
        :func:`sign`'s format, cookie-parser's signed cookies), verified; None when it is
        absent, unsigned or forged.

        Remembered by header (up to ``MEMO_HEADER_LENGTH`` characters), so a client sending
        the same header again costs one lookup: no parse, no decoding, no HMAC.
        """
        key = (name, header)
        value = self._cookies.get(key)
        if value is not None:
            return value
        raw = parse_cookie_header(header).get(name)
        if raw is None or not raw.startswith("s:"):
            return None
        value = self.unsign(raw[2:])
        if value is not None and len(header) <= MEMO_HEADER_LENGTH:
            _remember(self._cookies, key, value, self.size)
        return value

    def unsign(self, signed: str) -> str | None:
        """:func:`unsign` of ``signed`` with the memo's secrets."""
        value = self._verified.get(signed)
        if value is None:
            value = unsign(signed, self.secrets)
            if value is not None:
                _remember(self._verified, signed, value, self.size)
        return value

    def sign(self, value: str) -> str:
        """:func:`sign` of ``value`` with the first secret."""
        signed = self._signed.get(value)
        if signed is None:
            signed = sign(value, self.secrets[0])
            _remember(self._signed, value, signed, self.size)
        return signed


def _remember(table: dict[Any, str], key: Any, value: str, size: int) -> None:
    """Put ``key`` in ``table``, emptying it first when it is full.

    Emptied, not trimmed by its oldest entry: deleting a dict's first entries over and over
    leaves a growing run of deleted slots that each lookup of the first one walks again. A
    full table means more active clients than it holds, for whom it saves little anyway.
    """
    if len(table) >= size:
        table.clear()
    table[key] = value
