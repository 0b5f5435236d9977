"""CookieStore over real HTTP: the whole session in a signed cookie, and nothing on the server."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from expresspy import express, session
from expresspy.session import CookieStore
from expresspy.testing import agent, request

from .test_middleware import set_cookies


def cookie_app(secret: Any = "new key", store: CookieStore | None = None, **options: Any) -> Any:
    app = express()
    options.setdefault("resave", False)
    options.setdefault("save_uninitialized", False)
    app.use(session(secret=secret, store=store or CookieStore(), **options))

    @app.get("/login")
    def login(req: Any, res: Any) -> None:
        req.session.user = "ann"
        req.session.logins = (req.session.logins or 0) + 1
        res.send("in")

    @app.get("/me")
    def me(req: Any, res: Any) -> None:
        res.send(str(req.session.user))

    @app.get("/big")
    def big(req: Any, res: Any) -> None:
        req.session.blob = secrets.token_hex(2500)  # random: compression cannot shrink it
        res.send("stored?")

    @app.get("/logout")
    async def logout(req: Any, res: Any) -> None:
        await req.session.destroy()
        res.send("bye")

    @app.get("/ping")
    def ping(req: Any, res: Any) -> None:
        res.send("pong")

    return app


def session_cookie(response: Any) -> str:
    (value,) = [c for c in set_cookies(response) if c.startswith("connect.sid=")]
    return value.split(";", 1)[0]


def test_the_session_lives_in_the_cookie_only() -> None:
    store = CookieStore()
    client = agent(cookie_app(store=store))
    first = client.get("/login").expect(200, "in").response
    assert "ann" not in session_cookie(first)  # compressed and signed, not plain JSON
    client.get("/me").expect("ann")
    # A second app with the same secret and a fresh store reads the same cookie.
    request(cookie_app()).get("/me").set("Cookie", session_cookie(first)).expect("ann")


def test_a_tampered_cookie_is_refused() -> None:
    cookie = session_cookie(request(cookie_app()).get("/login").response)
    name, value = cookie.split("=", 1)
    forged = name + "=" + value[:-3] + ("AAA" if value[-3:] != "AAA" else "BBB")
    request(cookie_app()).get("/me").set("Cookie", forged).expect("None")


def test_keys_rotate_first_signs_all_verify() -> None:
    old_cookie = session_cookie(request(cookie_app("old key")).get("/login").response)
    rotated = cookie_app(["new key", "old key"])
    request(rotated).get("/me").set("Cookie", old_cookie).expect("ann")
    request(cookie_app("new key")).get("/me").set("Cookie", old_cookie).expect("None")
    resigned = session_cookie(request(rotated).get("/login").set("Cookie", old_cookie).response)
    request(cookie_app("new key")).get("/me").set("Cookie", resigned).expect("ann")


def test_a_session_over_4_kb_fails_loudly_and_sets_no_cookie() -> None:
    client = agent(cookie_app())
    client.get("/login").expect(200)
    r = client.get("/big").expect(500, re.compile("4096 bytes"))
    assert set_cookies(r.response) == []
    client.get("/me").expect("ann")  # the old cookie still works
    client.get("/ping").expect("pong")


def test_an_expired_cookie_replayed_is_refused_on_the_server() -> None:
    app = cookie_app(cookie={"maxAge": 300})
    cookie = session_cookie(request(app).get("/login").response)
    request(app).get("/me").set("Cookie", cookie).expect("ann")
    time.sleep(0.35)
    request(app).get("/me").set("Cookie", cookie).expect("None")


def test_destroy_expires_the_cookie() -> None:
    client = agent(cookie_app())
    client.get("/login").expect(200)
    r = client.get("/logout").expect("bye")
    assert re.search(r"Expires=Thu, 01 Jan 1970", "".join(set_cookies(r.response)))
    client.get("/me").expect("None")
