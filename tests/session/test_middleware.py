"""session() over real HTTP: the seed tutorial and express-session's decision matrix.

The expected cookies and store contents are express-session 1.19's, as probed with Node
(research/express.md section 6.2, "Probed matrix").
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest

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


def test_request_fields_copied_into_the_session_cannot_rewrite_its_cookie() -> None:
    # M-04 (the review's m04b.py): a profile form copied key by key into the session used to
    # store {"cookie": {...}} over the real cookie: Domain=example.org, no HttpOnly, 2121.
    store = MemoryStore()
    app = express()
    app.use(express.json())
    app.use(
        session(
            secret="s" * 32,
            store=store,
            resave=False,
            save_uninitialized=False,
            rolling=True,
            cookie={"secure": False, "same_site": "strict", "max_age": 600},
        )
    )

    @app.post("/profile")
    def profile(req: Any, res: Any) -> None:
        for key, value in req.body.items():
            req.session[key] = value
        res.send("ok")

    @app.get("/me")
    def me(req: Any, res: Any) -> None:
        res.send(f"keys={list(req.session)} http_only={req.session.cookie.http_only}")

    client = agent(app, server=True)
    client.post("/profile").send({"name": "ann"}).expect(200, "ok")
    forged = {
        "originalMaxAge": 3e12,
        "expires": "2999-01-01T00:00:00.000Z",
        "httpOnly": False,
        "path": "/",
        "domain": "example.org",
    }
    refused = client.post("/profile").send({"cookie": forged}).expect(500).response
    after = client.get("/me").expect(200, "keys=['name'] http_only=True").response
    for cookie in set_cookies(refused) + set_cookies(after):  # rolling: sent both times
        assert "Domain" not in cookie and cookie.endswith("; HttpOnly; SameSite=Strict")
        assert re.search(r"Expires=\w{3}, \d\d \w{3} 20[23]\d ", cookie), cookie
    client.post("/profile").send({"_expresspy": {"created": 9e15}}).expect(500)
    [record] = [json.loads(text) for text in store.sessions.values()]
    assert record["cookie"]["httpOnly"] is True and "domain" not in record["cookie"]
    assert record["cookie"]["originalMaxAge"] == 600_000
    assert {key for key in record if key != "cookie"} == {"name"}


# --- cookie name prefixes (S-07) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cookie", "message"),
    [
        (
            "__Host-sid",
            {"secure": True, "domain": "example.com"},
            "requires path='/' and no domain",
        ),
        ("__Host-sid", {"secure": True, "path": "/app"}, "requires path='/' and no domain"),
        ("__Host-sid", {}, "the __Host- prefix requires secure=True"),
        ("__Secure-sid", {"secure": False}, "the __Secure- prefix requires secure=True"),
        ("__Secure-sid", {"secure": "auto"}, "secure='auto' would send it without Secure"),
    ],
)
def test_a_prefixed_cookie_name_with_incompatible_options_fails_at_construction(
    name: str, cookie: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        session(secret="s" * 32, resave=False, save_uninitialized=False, name=name, cookie=cookie)


def test_a_host_prefixed_session_cookie_works_over_https_only() -> None:
    app = counter_app(MemoryStore(), name="__Host-sid", cookie={"secure": True})
    app.set("trust proxy", 1)
    client = agent(app, server=True)
    r = client.get("/inc").set("X-Forwarded-Proto", "https").expect("1")
    [cookie] = set_cookies(r.response)
    assert cookie.startswith("__Host-sid=s%3A") and cookie.endswith("; Path=/; HttpOnly; Secure")
    assert set_cookies(client.get("/inc").expect("1").response) == []  # plain HTTP: no cookie


# --- where the session id may come from (S-10) and the cookie path (S-08) --------------------


def test_a_session_id_in_the_query_string_or_body_is_never_adopted() -> None:
    # S-10: only the cookie carries the id; a link or form with a valid signed id (session
    # fixation by URL) gets a new session, never the one it names.
    store = MemoryStore()
    app = express()
    app.use(express.urlencoded(extended=False))
    app.use(express.json())
    app.use(session(secret="s" * 32, store=store, resave=False, save_uninitialized=False))

    @app.get("/login")
    def login(req: Any, res: Any) -> None:
        req.session.user = "ann"
        res.send(req.session_id)

    app.all("/me", lambda req, res: res.send(f"{req.session.user} {req.session_id}"))
    sid = request(app, server=True).get("/login").expect(200).text
    signed = "s:" + sign(sid, "s" * 32)
    encoded = quote(signed, safe="")
    client = request(app, server=True)
    for attempt in [
        client.get(f"/me?connect.sid={encoded}&sid={encoded}&sessionId={quote(sid)}"),
        client.post("/me").type("form").send(f"connect.sid={encoded}&sid={quote(sid)}"),
        client.post("/me").send({"connect.sid": signed, "sid": sid, "session_id": sid}),
        client.get("/me").set("Authorization", f"Bearer {signed}").set("X-Session-Id", sid),
    ]:
        user, used = attempt.expect(200).text.split(" ")
        assert user == "None" and used != sid
        assert set_cookies(attempt.response) == []  # unchanged new session: nothing stored
    assert list(store.sessions) == [sid]
    control = client.get("/me").set("Cookie", f"connect.sid={encoded}").expect(200)
    assert control.text == f"ann {sid}"  # the same id in the cookie is the session


@pytest.mark.parametrize(
    ("path", "has_session"),
    [
        ("/", False),
        ("/ap", False),
        ("/app", True),
        ("/app/x", True),
        ("/app?x=1", True),
        ("/application", True),
        ("/appx/y", True),
        ("/APP", False),
        ("/x/app", False),
    ],
)
def test_the_cookie_path_is_a_string_prefix_of_the_request_path_as_in_express_session(
    path: str, has_session: bool
) -> None:
    # S-08: express-session checks originalUrl.indexOf(cookie.path) === 0, so "/app" also
    # covers "/application". Kept for parity (a Node app sharing the cookie sees the same).
    # Browsers send a Path=/app cookie only to /app and /app/... (RFC 6265 section 5.1.4).
    store = MemoryStore()
    app = express()
    app.use(
        session(
            secret="s" * 32,
            store=store,
            resave=False,
            save_uninitialized=True,
            cookie={"path": "/app"},
        )
    )
    app.use(lambda req, res: res.send("yes" if req.session is not None else "no"))
    r = request(app, server=True).get(path).expect(200, "yes" if has_session else "no")
    cookies = set_cookies(r.response)
    assert len(cookies) == int(has_session) and len(store.sessions) == int(has_session)
    assert all(c.endswith("; Path=/app; HttpOnly") for c in cookies)
