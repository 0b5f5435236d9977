"""session() over real HTTP: the seed tutorial and express-session's decision matrix.

The expected cookies and store contents are express-session 1.19's, as probed with Node
(research/express.md section 6.2, "Probed matrix").
"""

from __future__ import annotations

import re
from typing import Any

from expresspy import express, session
from expresspy.cookies import parse_cookie_header, sign
from expresspy.session import MemoryStore
from expresspy.testing import agent, request

from .apps import SpyStore, counter_app

COOKIE = re.compile(r"^connect\.sid=s%3A([A-Za-z0-9_-]{32})\.([A-Za-z0-9%]+); Path=/; HttpOnly$")


def set_cookies(response: Any) -> list[str]:
    return list(response.headers.get_all("set-cookie"))


def sid_of(set_cookie: str) -> str:
    match = re.match(r"connect\.sid=s%3A([^.]+)\.", set_cookie)
    assert match, set_cookie
    return match.group(1)


# --- the seed tutorial (issue 2) ------------------------------------------------------------


def seed_app() -> Any:
    app = express()
    app.use(session(secret="my-secret-key", resave=False, save_uninitialized=False))

    @app.get("/set-session")
    def set_session(req: Any, res: Any) -> None:
        req.session.username = "john_doe"
        res.send("Session data has been set.")

    @app.get("/get-session")
    def get_session(req: Any, res: Any) -> None:
        username = req.session.username
        res.send(f"Hello, {username}!")

    @app.get("/clear-session")
    def clear_session(req: Any, res: Any) -> None:
        def done(err: BaseException | None) -> None:
            if err:
                res.status(500).send("Error clearing session")
            else:
                res.send("Session has been cleared.")

        req.session.destroy(done)

    return app


def test_seed_tutorial_flow_over_real_http() -> None:
    client = agent(seed_app(), server=True)
    first = client.get("/get-session").expect(200, "Hello, None!")
    assert set_cookies(first.response) == []  # an unmodified new session sets no cookie

    r = client.get("/set-session").expect(200, "Session data has been set.")
    r.expect("Content-Type", "text/html; charset=utf-8")
    [cookie] = set_cookies(r.response)
    match = COOKIE.match(cookie)
    assert match, cookie
    sid = match.group(1)
    value = parse_cookie_header(cookie.split(";")[0])["connect.sid"]
    assert value == "s:" + sign(sid, "my-secret-key")  # express-session's signed format

    again = client.get("/get-session").expect(200, "Hello, john_doe!")
    assert set_cookies(again.response) == []
    client.get("/clear-session").expect(200, "Session has been cleared.")
    client.get("/get-session").expect(200, "Hello, None!")


def test_seed_tutorial_tampered_and_unknown_cookies_get_fresh_sessions() -> None:
    app = seed_app()
    client = agent(app, server=True)
    r = client.get("/set-session").expect(200)
    sid = sid_of(set_cookies(r.response)[0])
    tampered = f"connect.sid=s%3A{sid}.AAAA"
    request(app).get("/get-session").set("Cookie", tampered).expect(200, "Hello, None!")
    forged = "connect.sid=" + ("s:" + sign("attacker-chosen", "my-secret-key")).replace(":", "%3A")
    request(app).get("/get-session").set("Cookie", forged).expect(200, "Hello, None!")
    client.get("/get-session").expect(200, "Hello, john_doe!")


# --- express-session's decision matrix ------------------------------------------------------


def test_save_uninitialized_true_cookie_and_store_on_first_visit_only() -> None:
    store = SpyStore()
    client = agent(counter_app(store, save_uninitialized=True), server=True)
    first = client.get("/n").expect(200)
    [cookie] = set_cookies(first.response)
    sid = sid_of(cookie)
    assert list(store.sessions) == [sid]
    assert set_cookies(client.get("/n").expect(200).response) == []
    assert set_cookies(client.get("/inc").expect(200, "1").response) == []  # saved, no cookie
    assert store.calls[-2:] == [("get", sid), ("merge", sid)]
    client.get("/read").expect("1")


def test_save_uninitialized_false_waits_for_first_change() -> None:
    store = SpyStore()
    client = agent(counter_app(store, save_uninitialized=False), server=True)
    assert set_cookies(client.get("/n").response) == []
    assert store.sessions == {}
    first_change = client.get("/inc").expect("1")
    [cookie] = set_cookies(first_change.response)
    assert list(store.sessions) == [sid_of(cookie)]
    assert set_cookies(client.get("/inc").expect("2").response) == []
    client.get("/read").expect("2")


def test_rolling_resends_cookie_on_every_response() -> None:
    client = agent(counter_app(MemoryStore(), rolling=True), server=True)
    cookies = [set_cookies(client.get(path).response) for path in ("/n", "/n", "/inc", "/read")]
    assert [len(c) for c in cookies] == [1, 1, 1, 1]
    assert len({sid_of(c[0]) for c in cookies}) == 1


def test_max_age_cookie_sent_on_creation_and_modifying_requests_only() -> None:
    client = agent(counter_app(MemoryStore(), cookie={"maxAge": 60000}), server=True)
    created = set_cookies(client.get("/n").response)
    assert re.fullmatch(
        r"connect\.sid=s%3A[^;]+; Path=/; Expires=\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT; HttpOnly",
        created[0],
    )
    assert set_cookies(client.get("/read").response) == []
    assert len(set_cookies(client.get("/inc").response)) == 1


def test_secure_cookie_over_plain_http_is_never_set_but_session_is_stored() -> None:
    store = MemoryStore()
    client = agent(counter_app(store, cookie={"secure": True}), server=True)
    for _ in range(3):
        assert set_cookies(client.get("/n").expect(200).response) == []
    assert len(store.sessions) == 3  # a new session every request, as express-session


def test_secure_cookie_behind_trusted_proxy() -> None:
    app = counter_app(MemoryStore(), cookie={"secure": True})
    app.set("trust proxy", 1)
    r = request(app, server=True).get("/n").set("X-Forwarded-Proto", "https").expect(200)
    [cookie] = set_cookies(r.response)
    assert cookie.endswith("; Path=/; HttpOnly; Secure")


def test_auto_secure_and_same_site_with_proxy_option() -> None:
    app = counter_app(MemoryStore(), proxy=True, cookie={"secure": "auto", "sameSite": "auto"})
    https = request(app, server=True).get("/n").set("X-Forwarded-Proto", "https").expect(200)
    assert set_cookies(https.response)[0].endswith("; Path=/; HttpOnly; Secure; SameSite=None")
    plain = request(app, server=True).get("/n").expect(200)
    assert set_cookies(plain.response)[0].endswith("; Path=/; HttpOnly; SameSite=Lax")


def test_unset_destroy_removes_the_record() -> None:
    store = SpyStore()
    client = agent(counter_app(store, unset="destroy"), server=True)
    sid = sid_of(set_cookies(client.get("/inc").response)[0])
    assert sid in store.sessions
    r = client.get("/unset").expect(200, "unset")
    assert set_cookies(r.response) == []
    assert store.sessions == {}
    assert store.calls[-1] == ("destroy", sid)


def test_unset_keep_leaves_the_record() -> None:
    store = MemoryStore()
    client = agent(counter_app(store, unset="keep"), server=True)
    client.get("/inc").expect("1")
    client.get("/unset").expect("unset")
    assert len(store.sessions) == 1
    client.get("/read").expect("1")


def test_no_session_outside_the_cookie_path() -> None:
    store = MemoryStore()
    client = agent(counter_app(store, cookie={"path": "/inc"}), server=True)
    assert set_cookies(client.get("/n").response) == []
    client.get("/read").expect("no session")
    assert store.sessions == {}
    [cookie] = set_cookies(client.get("/inc").expect("1").response)
    assert cookie.endswith("; Path=/inc; HttpOnly")
    assert len(store.sessions) == 1


def test_old_secret_cookie_is_accepted_and_resigned_with_the_new_one() -> None:
    store = MemoryStore()
    old = agent(counter_app(store, secret="old"), server=True)
    sid = sid_of(set_cookies(old.get("/inc").expect("1").response)[0])
    rotated = counter_app(store, secret=["new", "old"])
    cookie = "connect.sid=" + ("s:" + sign(sid, "old")).replace(":", "%3A").replace("+", "%2B")
    cookie = cookie.replace("/", "%2F")
    r = request(rotated, server=True).get("/inc").set("Cookie", cookie).expect("2")
    assert set_cookies(r.response) == []  # no expiry, not rolling: nothing to re-send
    rolling = counter_app(store, secret=["new", "old"], rolling=True)
    r = request(rolling, server=True).get("/inc").set("Cookie", cookie).expect("3")
    value = parse_cookie_header(set_cookies(r.response)[0].split(";")[0])["connect.sid"]
    assert value == "s:" + sign(sid, "new")


def test_destroy_removes_record_but_keeps_cookie() -> None:
    store = MemoryStore()
    app = counter_app(store)

    client = agent(app, server=True)
    client.get("/inc").expect("1")
    r = client.get("/logout").expect(200, "bye")
    assert set_cookies(r.response) == []
    assert store.sessions == {}
    client.get("/read").expect("None")
