"""expresspy.cookies against vectors produced by real Node.

Every expected string below was computed with node 20 and ``cookie@0.7.2``,
``cookie-signature@1.2.2`` and JavaScript's own ``encodeURIComponent``/``decodeURIComponent``/
``Date.prototype.toUTCString`` (scratch script outside the repo), then hard-coded here.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from expresspy import cookies
from expresspy.cookies import (
    decode_uri_component,
    encode_uri_component,
    format_http_date,
    normalize_secrets,
    parse_cookie_header,
    serialize_cookie,
    sign,
    unsign,
)

UTC = timezone.utc

# --- cookie.parse ---------------------------------------------------------------------------

PARSE_VECTORS: list[tuple[str, dict[str, str]]] = [
    ("a=b", {"a": "b"}),
    ("a=b; c=d", {"a": "b", "c": "d"}),
    (' a = b ;c="d e"', {"a": "b", "c": "d e"}),
    ("a=1; a=2", {"a": "1"}),
    ("a=%20x", {"a": " x"}),
    ("a=%E0%A4%A", {"a": "%E0%A4%A"}),
    ("a", {}),
    ("", {}),
    ("x", {}),
    ("a;b=c", {"b": "c"}),
    ("foo;bar=baz;q", {"bar": "baz"}),
    ("=x; y=z", {"": "x", "y": "z"}),
    ('a="', {"a": ""}),
    ('a=""', {"a": ""}),
    ('a="b', {"a": '"b'}),
    ("k=j%3A%7B%22x%22%3A1%7D", {"k": 'j:{"x":1}'}),
    ("c=%ZZ", {"c": "%ZZ"}),
    ("a=\tb\t; b=c=d", {"a": "b", "b": "c=d"}),
    ("connect.sid=s%3Aabc.def%2Bg", {"connect.sid": "s:abc.def+g"}),
    ("a=b;;c=d", {"a": "b", "c": "d"}),
    ("a=%C3%A9", {"a": "é"}),
    ("a=%ff", {"a": "%ff"}),
]


@pytest.mark.parametrize(("header", "expected"), PARSE_VECTORS)
def test_parse_cookie_header_matches_cookie_0_7_2(header: str, expected: dict[str, str]) -> None:
    assert parse_cookie_header(header) == expected


def test_parse_cookie_header_many_cookies_first_wins() -> None:
    header = "; ".join(f"c{i % 100}={i}" for i in range(200))
    parsed = parse_cookie_header(header)
    assert len(parsed) == 100
    assert parsed["c7"] == "7"
    assert parsed["c99"] == "99"


# --- cookie.serialize -----------------------------------------------------------------------

NOV_26 = datetime(2026, 11, 26, 19, 7, 1, tzinfo=UTC)
SERIALIZE_VECTORS: list[tuple[str, str, dict[str, Any], str]] = [
    ("a", "b c", {}, "a=b%20c"),
    (
        "a",
        "b",
        {"max_age": 1.9, "path": "/", "expires": NOV_26, "http_only": True, "same_site": "lax"},
        "a=b; Max-Age=1; Path=/; Expires=Thu, 26 Nov 2026 19:07:01 GMT; HttpOnly; SameSite=Lax",
    ),
    ("x", 'j:{"x":1}', {}, "x=j%3A%7B%22x%22%3A1%7D"),
    (
        "x",
        "v",
        {
            "domain": ".example.com",
            "path": "/p",
            "secure": True,
            "partitioned": True,
            "priority": "HIGH",
            "same_site": True,
        },
        "x=v; Domain=.example.com; Path=/p; Secure; Partitioned; Priority=High; SameSite=Strict",
    ),
    (
        "x",
        "v",
        {"same_site": "None", "secure": True, "priority": "low"},
        "x=v; Secure; Priority=Low; SameSite=None",
    ),
    (
        "x",
        "v",
        {"same_site": "strict", "priority": "medium"},
        "x=v; Priority=Medium; SameSite=Strict",
    ),
    ("x", "v", {"max_age": 0}, "x=v; Max-Age=0"),
    ("x", "v", {"max_age": -5.5}, "x=v; Max-Age=-6"),
    ("x", "é/?&=;+", {}, "x=%C3%A9%2F%3F%26%3D%3B%2B"),
    ("!#$%&'*+-.^_`|~09AZaz", "!*'()-_.~", {}, "!#$%&'*+-.^_`|~09AZaz=!*'()-_.~"),
    (
        "x",
        "",
        {"expires": datetime(1970, 1, 1, tzinfo=UTC)},
        "x=; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ),
    ("x", "v", {"same_site": False, "priority": None}, "x=v"),
]


@pytest.mark.parametrize(("name", "value", "options", "expected"), SERIALIZE_VECTORS)
def test_serialize_cookie_matches_cookie_0_7_2(
    name: str, value: str, options: dict[str, Any], expected: str
) -> None:
    assert serialize_cookie(name, value, **options) == expected


def _raw(value: str) -> str:
    return value


INVALID_VECTORS: list[tuple[str, str, dict[str, Any], str]] = [
    ("a b", "v", {}, "argument name is invalid"),
    ("a=b; x", "v", {}, "argument name is invalid"),
    ("a\n", "v", {}, "argument name is invalid"),
    ("", "v", {}, "argument name is invalid"),
    ("a", "v", {"domain": "ex ample.com"}, "option domain is invalid"),
    ("a", "v", {"domain": "a.com;x"}, "option domain is invalid"),
    ("a", "v", {"domain": "a.com\n"}, "option domain is invalid"),
    ("a", "v", {"path": "/;x"}, "option path is invalid"),
    ("a", "v", {"path": "/\nx"}, "option path is invalid"),
    ("a", "v", {"path": "/\r\nSet-Cookie: evil=1"}, "option path is invalid"),
    ("a", "v", {"path": "/\x00"}, "option path is invalid"),
    ("a", "v", {"priority": "urgent"}, "option priority is invalid"),
    ("a", "v", {"same_site": "sideways"}, "option sameSite is invalid"),
    ("a", "v\n", {"encode": _raw}, "argument val is invalid"),
    ("a", "v\r", {"encode": _raw}, "argument val is invalid"),
    ("a", "v\x00", {"encode": _raw}, "argument val is invalid"),
    ("a", '"v', {"encode": _raw}, "argument val is invalid"),
    ("a", "v; Max-Age=0", {"encode": _raw}, "argument val is invalid"),
    ("a", "v", {"max_age": float("inf")}, "option maxAge is invalid"),
    ("a", "v", {"max_age": float("nan")}, "option maxAge is invalid"),
]


@pytest.mark.parametrize(("name", "value", "options", "message"), INVALID_VECTORS)
def test_serialize_cookie_rejects_what_cookie_rejects(
    name: str, value: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        serialize_cookie(name, value, **options)


def test_serialize_cookie_quoted_value_is_accepted_as_cookie_does() -> None:
    assert serialize_cookie("a", '"v"', encode=_raw) == 'a="v"'


def test_serialize_cookie_naive_expires_is_utc() -> None:
    naive = datetime(2026, 11, 26, 19, 7, 1)
    aware = datetime(2026, 11, 26, 20, 7, 1, tzinfo=timezone(timedelta(hours=1)))
    assert serialize_cookie("a", "b", expires=naive) == serialize_cookie("a", "b", expires=aware)
    assert serialize_cookie("a", "b", expires=naive).endswith(
        "Expires=Thu, 26 Nov 2026 19:07:01 GMT"
    )


# --- encodeURIComponent / decodeURIComponent ------------------------------------------------

ENCODE_VECTORS = [
    ("abc", "abc"),
    ("a b", "a%20b"),
    ("!*'()-_.~", "!*'()-_.~"),
    ("é", "%C3%A9"),
    ("€𝄞", "%E2%82%AC%F0%9D%84%9E"),
    (";/?:@&=+$,#", "%3B%2F%3F%3A%40%26%3D%2B%24%2C%23"),
    ("\x00\r\n", "%00%0D%0A"),
]


@pytest.mark.parametrize(("plain", "encoded"), ENCODE_VECTORS)
def test_encode_uri_component_matches_javascript(plain: str, encoded: str) -> None:
    assert encode_uri_component(plain) == encoded


def test_encode_uri_component_rejects_lone_surrogate() -> None:
    with pytest.raises(ValueError, match="URI malformed"):
        encode_uri_component("a\ud800")


DECODE_VECTORS: list[tuple[str, str | None]] = [
    ("a%20b", "a b"),
    ("%E2%82%AC", "€"),
    ("%F0%9D%84%9E", "𝄞"),
    ("%41%42", "AB"),
    ("plain", "plain"),
    ("%zz", None),
    ("%", None),
    ("%E2%82", None),
    ("%C0%80", None),
    ("%ED%A0%80", None),
    ("a%2", None),
    ("s%3Aab.c%2fd%2B", "s:ab.c/d+"),  # ASCII escapes only: the fast path
    ("%7f%00x", "\x7f\x00x"),
    ("%7F%C3%A9", "\x7fé"),  # ASCII and multi-byte escapes mixed: the general path
    ("%41%", None),
]


@pytest.mark.parametrize(("encoded", "plain"), DECODE_VECTORS)
def test_decode_uri_component_matches_javascript(encoded: str, plain: str | None) -> None:
    if plain is None:
        with pytest.raises(ValueError, match="URI malformed"):
            decode_uri_component(encoded)
    else:
        assert decode_uri_component(encoded) == plain


# --- Date.prototype.toUTCString -------------------------------------------------------------

DATE_VECTORS = [
    (datetime(1970, 1, 1, tzinfo=UTC), "Thu, 01 Jan 1970 00:00:00 GMT"),
    (datetime(2025, 11, 26, 19, 7, 1, tzinfo=UTC), "Wed, 26 Nov 2025 19:07:01 GMT"),
    (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), "Fri, 31 Dec 9999 23:59:59 GMT"),
    (datetime(2000, 2, 29, tzinfo=UTC), "Tue, 29 Feb 2000 00:00:00 GMT"),
    (datetime(2001, 9, 9, 1, 46, 40, 999000, tzinfo=UTC), "Sun, 09 Sep 2001 01:46:40 GMT"),
]


@pytest.mark.parametrize(("moment", "expected"), DATE_VECTORS)
def test_format_http_date_matches_to_utc_string(moment: datetime, expected: str) -> None:
    assert format_http_date(moment) == expected


# --- cookie-signature -----------------------------------------------------------------------

SIGN_VECTORS = [
    ("hello", "tobiiscool", "hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI"),
    ("s3cr3t-id", "k", "s3cr3t-id.bxAfiU5mI4jJTQbLA+Dj0UFlXjwEcM+mKomFBKH7Grk"),
    ("", "k", ".i7mQxAp9YcuXWXqUISUCW+UKyL63RDbjc1uYiTp/ZiA"),
    ("é unicode", "ключ", "é unicode.ROPcG28n9IVCP/il8CAKR3Lws5BLaMqxrP3i1ofaHgM"),
    (
        "HgChHSe7-zPmymDdrdWMWbiy9AjI4lF7",
        "keyboard cat",
        "HgChHSe7-zPmymDdrdWMWbiy9AjI4lF7.w5pbR2y1Li/y32sLkaNFSph94jn0RFEy0UTICq+OCE4",
    ),
]


@pytest.mark.parametrize(("value", "secret", "signed"), SIGN_VECTORS)
def test_sign_matches_cookie_signature(value: str, secret: str, signed: str) -> None:
    assert sign(value, secret) == signed
    assert sign(value, secret.encode("utf-8")) == signed
    assert unsign(signed, [secret]) == value


UNSIGN_VECTORS: list[tuple[str, str, str | None]] = [
    ("hello.bad", "k", None),
    ("nodot", "k", None),
    ("a.b.j+64Xf4O5ZEXP+qQsHKDtNnvAIHe3v1wxoNRgirN2JQ", "k", "a.b"),
    ("x.w47ciBXISJ9kc4l49EAI+FljRVRfC6po72/PXFPlcYk", "other", None),
    ("x.w47ciBXISJ9kc4l49EAI+FljRVRfC6po72/PXFPlcYk", "k", "x"),
    # the url-safe alphabet (what itsdangerous writes) is not cookie-signature's format
    ("x.w47ciBXISJ9kc4l49EAI-FljRVRfC6po72_PXFPlcYk", "k", None),
]


@pytest.mark.parametrize(("signed", "secret", "value"), UNSIGN_VECTORS)
def test_unsign_matches_cookie_signature(signed: str, secret: str, value: str | None) -> None:
    assert unsign(signed, [secret]) == value


def test_unsign_tries_every_secret_in_order() -> None:
    signed_old = sign("sid", "old")
    assert unsign(signed_old, ["new", "old"]) == "sid"
    assert unsign(signed_old, ["new"]) is None
    assert unsign(signed_old, "old") == "sid"
    assert unsign(signed_old, []) is None


def test_unsign_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr("expresspy.cookies.hmac.compare_digest", spy)
    assert unsign(sign("v", "s2"), ["s1", "s2"]) == "v"
    assert len(calls) == 2


def test_sign_rejects_empty_secret() -> None:
    with pytest.raises(ValueError, match="secret must be a non-empty"):
        sign("v", "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("k", ("k",)),
        (b"k", (b"k",)),
        (["new", b"old"], ("new", b"old")),
        (("a",), ("a",)),
    ],
)
def test_normalize_secrets_accepts_one_or_a_list(value: Any, expected: tuple[Any, ...]) -> None:
    assert normalize_secrets(value, "thing()") == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "None"),
        ("", "an empty secret"),
        ([], "an empty list"),
        (["", "k"], "an empty secret at index 0"),
        (["k", 3], "a int at index 1"),
        ({"k"}, "a set"),
    ],
)
def test_normalize_secrets_names_the_owner_and_what_to_pass(value: Any, problem: str) -> None:
    expected = rf"^thing\(\) needs a secret \(got {problem}\): pass secret="
    with pytest.raises(ValueError, match=expected):
        normalize_secrets(value, "thing()")


# --- cookie name prefixes (RFC 6265bis section 4.1.3; stricter than cookie@0.7.2) ----------


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("__Secure-id", {}, "the __Secure- prefix requires secure=True"),
        ("__secure-id", {"path": "/"}, "the __secure- prefix requires secure=True"),
        ("__Host-id", {"path": "/"}, "the __Host- prefix requires secure=True"),
        ("__Host-id", {"secure": True}, "requires path='/' and no domain, not path=None"),
        ("__Host-id", {"secure": True, "path": "/a"}, "requires path='/' and no domain"),
        (
            "__HOST-id",
            {"secure": True, "path": "/", "domain": "example.com"},
            "domain='example.com'",
        ),
    ],
)
def test_serialize_cookie_enforces_name_prefixes(
    name: str, options: dict[str, Any], message: str
) -> None:
    # S-07: browsers silently drop these; raising tells the developer at the res.cookie call
    with pytest.raises(ValueError, match=f"^cookie '{name}': .*{re.escape(message)}"):
        serialize_cookie(name, "v", **options)


def test_serialize_cookie_accepts_prefixed_names_with_their_attributes() -> None:
    assert (
        serialize_cookie("__Secure-id", "v", secure=True, domain="example.com", path="/a")
        == "__Secure-id=v; Domain=example.com; Path=/a; Secure"
    )
    assert serialize_cookie("__Host-id", "v", secure=True, path="/", http_only=True) == (
        "__Host-id=v; Path=/; HttpOnly; Secure"
    )
    assert serialize_cookie("_Host-id", "v") == "_Host-id=v"  # not a prefix
    assert cookies.requires_secure("__host-x") and not cookies.requires_secure("__Hostx")
