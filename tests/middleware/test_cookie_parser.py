"""cookie_parser(): plain, signed (with rotation) and JSON cookies, as cookie-parser 1.4."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from expresspy import express, session
from expresspy.cookies import sign
from expresspy.middleware import cookie_parser
from expresspy.session import CookieStore
from expresspy.testing import request


def cookie_app(*args: Any) -> Any:
    app = express()
    app.use(cookie_parser(*args))

    def show(req: Any, res: Any) -> None:
        res.json({"cookies": req.cookies, "signed": req.signed_cookies, "secret": req.secret})

    app.get("/", show)
    return app


def signed(value: str, secret: str) -> str:
    return quote("s:" + sign(value, secret), safe="")


def test_no_cookie_header() -> None:
    request(cookie_app("k")).get("/").expect(200, '{"cookies":{},"signed":{},"secret":"k"}')


def test_plain_cookies_are_decoded() -> None:
    request(cookie_app()).get("/").set("Cookie", "foo=bar; x=%E2%9C%93; bad=%E0%A4%A").expect(
        200,
        json.dumps(
            {
                "cookies": {"foo": "bar", "x": "\u2713", "bad": "%E0%A4%A"},
                "signed": {},
                "secret": None,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        ),
    )


def test_signed_cookie_moves_to_signed_cookies() -> None:
    res = (
        request(cookie_app("tobiiscool"))
        .get("/")
        .set("Cookie", f"foo={signed('foobarbaz', 'tobiiscool')}; plain=1")
        .expect(200)
    )
    assert res.body["cookies"] == {"plain": "1"}
    assert res.body["signed"] == {"foo": "foobarbaz"}


def test_tampered_signature_is_false() -> None:
    value = signed("foobarbaz", "tobiiscool").replace("foobarbaz", "foobarbaZ")
    res = request(cookie_app("tobiiscool")).get("/").set("Cookie", f"foo={value}").expect(200)
    assert res.body == {"cookies": {}, "signed": {"foo": False}, "secret": "tobiiscool"}


def test_secret_rotation_verifies_with_every_secret() -> None:
    app = cookie_app(["new", "old"])
    res = request(app).get("/").set("Cookie", f"a={signed('1', 'old')}; b={signed('2', 'new')}")
    assert res.expect(200).body["signed"] == {"a": "1", "b": "2"}
    assert res.body["secret"] == "new"


def test_signed_value_without_secret_stays_in_cookies() -> None:
    raw = "s:" + sign("v", "k")
    res = request(cookie_app()).get("/").set("Cookie", f"a={quote(raw, safe='')}").expect(200)
    assert res.body["cookies"] == {"a": raw}


def test_json_cookies() -> None:
    header = "; ".join(
        [
            f"obj={quote('j:' + json.dumps({'a': 1}), safe='')}",
            "arr=j:[]",
            "zero=j:0",
            "empty=j:%22%22",
            "bad=j:{x",
            "nan=j:NaN",
        ]
    )
    res = request(cookie_app()).get("/").set("Cookie", header).expect(200)
    assert res.body["cookies"] == {
        "obj": {"a": 1},
        "arr": [],
        "zero": "j:0",
        "empty": 'j:""',
        "bad": "j:{x",
        "nan": "j:NaN",
    }


def test_signed_json_cookie() -> None:
    value = signed("j:" + json.dumps({"user": "tobi"}), "k")
    res = request(cookie_app("k")).get("/").set("Cookie", f"s={value}").expect(200)
    assert res.body["signed"] == {"s": {"user": "tobi"}}


def test_works_with_res_cookie_signed() -> None:
    app = express()
    app.use(cookie_parser("secret"))
    app.get("/set", lambda req, res: res.cookie("u", "tobi", {"signed": True}).end())
    app.get("/get", lambda req, res: res.send(str(req.signed_cookies.get("u"))))
    set_cookie = request(app).get("/set").expect(200).headers["set-cookie"]
    pair = set_cookie.split(";", 1)[0]
    request(app).get("/get").set("Cookie", pair).expect(200, "tobi")


def test_hostile_headers_never_fail() -> None:
    header = "; ".join(f"c{i}=%{i:02x}" for i in range(200)) + "; =; ;;a; c0=dup"
    request(cookie_app("k")).get("/").set("Cookie", header).expect(200)


@pytest.mark.parametrize("secret", ["", [], ["", "k"], [None]])
def test_a_bad_secret_fails_when_built_in_every_owner(secret: Any) -> None:
    # cookie_parser(["", "k"]) used to answer 500 to every signed cookie; each owner
    # normalised secrets its own way
    with pytest.raises(ValueError, match=r"cookie_parser\(\) needs a secret"):
        cookie_parser(secret)
    with pytest.raises(ValueError, match=r"session\(\) needs a secret"):
        session(secret=secret, resave=False, save_uninitialized=False)
    with pytest.raises(ValueError, match=r"CookieStore\(\) needs a secret"):
        CookieStore(secret)


def test_rotated_secrets_verify_with_any_of_them() -> None:
    request(cookie_app(["new", "old"])).get("/").set("Cookie", "a=" + signed("x", "old")).expect(
        200, '{"cookies":{},"signed":{"a":"x"},"secret":"new"}'
    )
