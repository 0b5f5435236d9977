"""`cookie_parser(secret)`: the npm package cookie-parser 1.4.

Fills `req.cookies` from the Cookie header and, with a secret, `req.signed_cookies` (alias
`req.signedCookies`) with the values signed by `res.cookie(name, value, signed=True)`.

- A value `s:<value>.<signature>` is a signed cookie: with a secret it moves from
  `req.cookies` to `req.signed_cookies`, holding the value, or `False` when no secret verifies
  the signature (tampered or signed with an unknown secret). Without a secret it stays in
  `req.cookies` as it was.
- A value `j:<json>` is a JSON cookie, replaced by the parsed value when that is valid JSON and
  truthy in JavaScript's sense (`j:0`, `j:""`, `j:null`, `j:false` stay strings).
- `secret` may be a list for rotation: the first one signs (`req.secret`), every one verifies.

Cookie parsing and signatures come from `expresspy.cookies`, shared with sessions; a malformed
header never raises (first occurrence of a name wins, bad escapes are kept raw).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from expresspy.cookies import normalize_secrets, parse_cookie_header, unsign
from expresspy.middleware._jsonerror import reject_constant
from expresspy.middleware._options import Middleware

__all__ = ["cookie_parser", "json_cookie", "json_cookies", "signed_cookie", "signed_cookies"]

Secret = str | bytes


def _secrets(secret: Secret | Sequence[Secret] | None, owner: str) -> tuple[Secret, ...]:
    """None: no secret (signed cookies stay unparsed); anything else must be valid."""
    return () if secret is None else normalize_secrets(secret, owner)


def _js_truthy(value: Any) -> bool:
    """JavaScript truthiness: empty lists and dicts are true, unlike in Python."""
    if isinstance(value, (list, dict)):
        return True
    return bool(value)


def json_cookie(value: Any) -> Any:
    """The parsed JSON of a `j:` value, or None when it is not one or does not parse."""
    if not isinstance(value, str) or not value.startswith("j:"):
        return None
    try:
        return json.loads(value[2:], parse_constant=reject_constant)
    except (ValueError, RecursionError):
        return None


def json_cookies(cookies: dict[str, Any]) -> dict[str, Any]:
    """Replace, in place, each `j:` value that parses to a truthy value; returns `cookies`."""
    for name, value in cookies.items():
        parsed = json_cookie(value)
        if _js_truthy(parsed):
            cookies[name] = parsed
    return cookies


def signed_cookie(value: Any, secret: Secret | Sequence[Secret] | None) -> Any:
    """The value inside an `s:` cookie, `False` for a bad signature; other strings unchanged."""
    if not isinstance(value, str):
        return None
    if not value.startswith("s:"):
        return value
    secrets = _secrets(secret, "signed_cookie()")
    unsigned = unsign(value[2:], secrets) if secrets else None
    return False if unsigned is None else unsigned


def signed_cookies(
    cookies: dict[str, Any], secret: Secret | Sequence[Secret] | None
) -> dict[str, Any]:
    """Move every `s:` cookie out of `cookies` (in place) into the returned dict, unsigned."""
    found: dict[str, Any] = {}
    for name in list(cookies):
        value = cookies[name]
        unsigned = signed_cookie(value, secret)
        if unsigned is not value:
            found[name] = unsigned
            del cookies[name]
    return found


def cookie_parser(secret: Secret | Sequence[Secret] | None = None) -> Middleware:
    """Middleware filling `req.cookies`, `req.signed_cookies` and `req.secret`.

    `secret`: a str/bytes or a list of them (first signs, all verify), or None for no signed
    cookies; an empty secret (or list) raises `ValueError` at once. Runs once per request: a
    second cookie_parser() in the stack passes through.
    """
    secrets = _secrets(secret, "cookie_parser()")

    async def cookieParser(req: Any, res: Any, next: Callable[..., None]) -> None:
        # A second cookie_parser() in the stack leaves the first one's work alone (cookie-parser
        # checks `req.cookies`, which expresspy always presets, hence a flag of our own).
        if getattr(req, "_cookie_parser_done", None):
            next()
            return
        req._cookie_parser_done = True
        req.secret = secrets[0] if secrets else None
        req.cookies = {}
        req.signed_cookies = {}
        header = req.headers.get("cookie")
        if header:
            cookies: dict[str, Any] = dict(parse_cookie_header(header))
            if secrets:
                req.signed_cookies = json_cookies(signed_cookies(cookies, secrets))
            req.cookies = json_cookies(cookies)
        next()

    return cookieParser
