"""req.session's methods, security properties and failure handling, over real HTTP."""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from expresspy import express, session
from expresspy.cookies import sign
from expresspy.session import MemoryStore, SQLiteStore, generate_session_id
from expresspy.session.redis import RedisStore
from expresspy.testing import agent, request

from .apps import SpyStore, counter_app
from .conftest import REDIS_URL
from .test_middleware import set_cookies, sid_of


def signed_cookie(sid: str, secret: str = "keyboard cat") -> str:
    value = "s:" + sign(sid, secret)
    return "connect.sid=" + value.replace(":", "%3A").replace("+", "%2B").replace("/", "%2F")


# --- ids and cookies the client controls -----------------------------------------------------


def test_session_ids_are_192_bit_url_safe_and_distinct() -> None:
    ids = {generate_session_id() for _ in range(10000)}
    assert len(ids) == 10000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", sid) for sid in ids)


@pytest.mark.parametrize(
    "cookie",
    [
        "connect.sid=s%3Aabc.AAAA",  # bad signature
        "connect.sid=abc",  # unsigned
        "connect.sid=" + "s%3A" + "x" * 10000,  # oversized
        "connect.sid=s%3A%00%22%27.x",  # NUL and quotes
        "connect.sid=%E0%A4%A",  # broken escape
        signed_cookie("abc", "wrong secret"),
    ],
)
def test_bad_cookies_cause_no_store_call_and_a_fresh_session(cookie: str) -> None:
    store = SpyStore()
    r = request(counter_app(store), server=True).get("/inc").set("Cookie", cookie).expect("1")
    assert store.names() == ["merge"]  # no get: the forged id never reaches the store
    assert len(set_cookies(r.response)) == 1


def test_unknown_well_signed_id_is_replaced_never_adopted() -> None:
    store = SpyStore()
    app = counter_app(store)
    r = request(app, server=True).get("/inc").set("Cookie", signed_cookie("attacker")).expect("1")
    new_sid = sid_of(set_cookies(r.response)[0])
    assert new_sid != "attacker"
    assert store.calls == [("get", "attacker"), ("merge", new_sid)]
    assert "attacker" not in store.sessions


# --- resave and touch ------------------------------------------------------------------------


def test_resave_false_touches_unmodified_sessions() -> None:
    store = SpyStore()
    client = agent(counter_app(store, resave=False), server=True)
    sid = sid_of(set_cookies(client.get("/inc").response)[0])
    client.get("/read").expect("1")
    assert store.calls[-2:] == [("get", sid), ("touch", sid)]


def test_resave_true_saves_unmodified_sessions() -> None:
    store = SpyStore()
    client = agent(counter_app(store, resave=True), server=True)
    sid = sid_of(set_cookies(client.get("/inc").response)[0])
    client.get("/read").expect("1")
    assert store.calls[-2:] == [("get", sid), ("merge", sid)]


# --- the methods, from sync and async handlers -----------------------------------------------


class SlowStore(MemoryStore):
    """A MemoryStore whose writes take 200 ms, to show the response waits for them."""

    async def set(self, sid: str, session: dict[str, Any]) -> None:
        await asyncio.sleep(0.2)
        await super().set(sid, session)


def test_save_before_redirect_from_a_thread_lands_before_the_response() -> None:
    store = SlowStore()
    app = counter_app(store, save_uninitialized=False)
    threads: list[str] = []

    @app.get("/login")
    def login(req: Any, res: Any) -> None:
        threads.append(threading.current_thread().name)
        req.session.user = "john"
        req.session.save()  # neither awaited nor called back: must still land first
        res.redirect("/read")

    r = request(app, server=True).get("/login").expect(302)
    sid = sid_of(set_cookies(r.response)[0])
    assert sid in store.sessions  # stored before the client saw the redirect
    assert threads and threads[0] != "MainThread"


def test_callback_from_a_plain_handler_runs_off_the_loop() -> None:
    app = counter_app(MemoryStore())
    seen: list[Any] = []

    @app.get("/save-cb")
    def save_cb(req: Any, res: Any) -> None:
        req.session.n = 41

        def done(err: BaseException | None) -> None:
            seen.append((err, threading.current_thread().name))
            res.send("saved")

        req.session.save(done)

    client = agent(app, server=True)
    client.get("/save-cb").expect(200, "saved")
    client.get("/inc").expect("42")
    assert seen[0][0] is None


def test_blocking_result_from_a_plain_handler() -> None:
    app = counter_app(MemoryStore())

    @app.get("/sync-regenerate")
    def regen(req: Any, res: Any) -> None:
        old = req.session_id
        req.session.regenerate().result(5)
        req.session.n = 100
        res.send(f"{old != req.session_id}")

    client = agent(app, server=True)
    client.get("/inc").expect("1")
    client.get("/sync-regenerate").expect("True")
    client.get("/inc").expect("101")


def test_regenerate_deletes_old_record_and_issues_new_id() -> None:
    store = SpyStore()
    app = counter_app(store)

    @app.get("/login")
    async def login(req: Any, res: Any) -> None:
        await req.session.regenerate()
        req.session.user = "john"
        res.send(req.session_id)

    client = agent(app, server=True)
    old = sid_of(set_cookies(client.get("/inc").response)[0])
    r = client.get("/login").expect(200)
    new = r.text
    assert new != old
    assert sid_of(set_cookies(r.response)[0]) == new
    assert ("destroy", old) in store.calls
    assert list(store.sessions) == [new]
    request(app, server=True).get("/read").set("Cookie", signed_cookie(old)).expect("None")


@pytest.mark.parametrize("loaded", [False, True], ids=["new-session", "loaded-session"])
def test_regenerate_alone_saves_the_new_session_and_sends_its_cookie(loaded: bool) -> None:
    # express-session 1.19: the regenerated session's id differs from the one the request
    # started with, so it counts as modified even with saveUninitialized false and no data.
    store = SpyStore()
    app = counter_app(store, save_uninitialized=False, resave=True)

    @app.get("/regen")
    async def regen(req: Any, res: Any) -> None:
        await req.session.regenerate()
        res.send(req.session_id)

    client = agent(app, server=True)
    old = sid_of(set_cookies(client.get("/inc").response)[0]) if loaded else None
    r = client.get("/regen").expect(200)
    assert [sid_of(c) for c in set_cookies(r.response)] == [r.text]
    assert r.text != old and list(store.sessions) == [r.text]
    client.get("/read").expect("None")


def test_reload_reads_the_stored_copy() -> None:
    store = MemoryStore()
    app = counter_app(store)

    @app.get("/reload")
    async def reload(req: Any, res: Any) -> None:
        req.session.n = 999
        await req.session.reload()
        res.send(str(req.session.n))

    @app.get("/reload-missing")
    def reload_missing(req: Any, res: Any) -> None:
        req.session.reload(lambda err: res.send(str(err)))

    client = agent(app, server=True)
    client.get("/inc").expect("1")
    client.get("/reload").expect("1")
    request(app, server=True).get("/reload-missing").expect("failed to load session")


def test_an_exception_in_a_callback_becomes_a_500() -> None:
    app = counter_app(MemoryStore())

    @app.get("/boom")
    def boom(req: Any, res: Any) -> None:
        def done(err: BaseException | None) -> None:
            raise RuntimeError("callback failed")

        req.session.save(done)

    request(app, server=True).get("/boom").expect(500)


def test_a_callback_of_no_parameter_is_called_without_the_error() -> None:
    """`req.session.regenerate(function () {...})`, as Express code and its ports write it."""
    app = counter_app(MemoryStore())

    @app.get("/again")
    def again(req: Any, res: Any) -> None:
        req.session.regenerate(lambda: res.redirect("/inc"))

    @app.get("/out")
    def out(req: Any, res: Any) -> None:
        req.session.destroy(lambda: res.send("gone"))

    client = agent(app, server=True)
    client.get("/again").expect(302).expect("Location", "/inc")
    client.get("/out").expect(200, "gone")


def test_clear_on_destroy_expires_the_cookie() -> None:
    app = counter_app(MemoryStore(), clear_on_destroy=True)

    client = agent(app, server=True)
    client.get("/inc").expect("1")
    r = client.get("/logout").expect("bye")
    assert set_cookies(r.response) == [
        "connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly"
    ]


# --- store failures --------------------------------------------------------------------------


class BrokenStore(MemoryStore):
    """Reads work until ``fail_get``; writes fail when ``fail_set``, raising ``error``."""

    fail_get = False
    fail_set = False
    error: type[Exception] = RuntimeError

    async def get(self, sid: str) -> dict[str, Any] | None:
        if self.fail_get:
            raise self.error("store down")
        return await super().get(sid)

    async def set(self, sid: str, session: dict[str, Any]) -> None:
        if self.fail_set:
            raise self.error("store down")
        await super().set(sid, session)

    async def merge(self, sid: str, patch: Any) -> bool:
        if self.fail_set:
            raise self.error("store down")
        return await super().merge(sid, patch)


# A store that raises a bug-like error is a 500; one that cannot reach its backend
# (ConnectionError, TimeoutError) is a 503 with Retry-After: an outage, retry soon.
FAILURES = [
    (RuntimeError, 500),
    (ConnectionError, 503),
    (ConnectionRefusedError, 503),
    (TimeoutError, 503),
]


@pytest.mark.parametrize(("error", "status"), FAILURES)
def test_store_read_error_is_an_error_not_a_fresh_session(
    error: type[Exception], status: int
) -> None:
    store = BrokenStore()
    store.error = error
    client = agent(counter_app(store), server=True)
    client.get("/inc").expect("1")
    store.fail_get = True
    r = client.get("/read").expect(status)
    assert r.response.headers.get("retry-after") == ("1" if status == 503 else None)
    assert set_cookies(r.response) == []
    store.fail_get = False
    client.get("/read").expect("1")


@pytest.mark.parametrize(("error", "status"), FAILURES)
def test_store_write_error_is_an_error_not_a_2xx(error: type[Exception], status: int) -> None:
    store = BrokenStore()
    store.error, store.fail_set = error, True
    r = request(counter_app(store), server=True).get("/inc").expect(status)
    assert r.response.headers.get("retry-after") == ("1" if status == 503 else None)


def test_store_not_ready_means_no_session() -> None:
    store = MemoryStore()
    store.ready = False
    request(counter_app(store), server=True).get("/read").expect("no session")


def test_unreadable_record_is_an_error_never_unpickled(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    with store._lock:
        store._db.execute(
            "INSERT INTO sessions VALUES (?, ?, ?)",
            ("pickled", b"cos\nsystem\n(S'touch /tmp/pwned'\ntR.".decode("latin-1"), 2**62),
        )
    app = counter_app(store)
    app.set("env", "production")
    r = request(app, server=True).get("/inc")
    # a corrupt record is an error (session/middleware.py), never a silent new session
    r = r.set("Cookie", signed_cookie("pickled")).expect(500)
    assert set_cookies(r.response) == []
    assert not Path("/tmp/pwned").exists()
    store.close()


# --- the persistent stores through the app ---------------------------------------------------


def test_sqlite_store_end_to_end(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    client = agent(counter_app(store, save_uninitialized=False), server=True)
    client.get("/inc").expect("1")
    client.get("/inc").expect("2")
    fresh_process_view = SQLiteStore(tmp_path / "s.db")
    assert asyncio.run(fresh_process_view.length()) == 1
    store.close()
    fresh_process_view.close()


def test_redis_store_end_to_end(redis_prefix: str, redis_sync: Any) -> None:
    store = RedisStore(REDIS_URL, prefix=redis_prefix)
    client = agent(counter_app(store, save_uninitialized=False, cookie={"maxAge": 60000}))
    sid = sid_of(set_cookies(client.get("/inc").expect("1").response)[0])
    client.get("/inc").expect("2")
    stored = redis_sync.get(redis_prefix + sid)
    assert stored.startswith('{"cookie":{"originalMaxAge":60000,"expires":"')
    assert stored.endswith('"httpOnly":true,"path":"/"},"n":2}')
    assert 58 <= redis_sync.ttl(redis_prefix + sid) <= 60


# --- options ---------------------------------------------------------------------------------


def test_an_empty_secret_list_fails_at_construction_saying_what_to_pass() -> None:
    # No secret at all falls back to cookie-parser's (tests/habits/test_session_secret.py).
    with pytest.raises(ValueError, match=r"session\(\) needs a secret .* pass secret="):
        session(secret=[], resave=False, save_uninitialized=False)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"saveUnintialized": False},
            ValueError,
            "unknown session\\(\\) option 'saveUnintialized'",
        ),
        ({"unset": "drop"}, ValueError, 'unset option must be "destroy" or "keep"'),
        ({"genid": "x"}, TypeError, "genid option must be a function"),
        ({"store": object()}, TypeError, "store must have get, set and destroy"),
        ({"cookie": {"sameSite": "none"}}, ValueError, "requires secure=True"),
        ({"cookie": {"domain": "bad domain"}}, ValueError, "option domain is invalid"),
        ({"name": "bad name"}, ValueError, "argument name is invalid"),
    ],
)
def test_misconfiguration_fails_loudly(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        session({"secret": "s", "resave": False, "saveUninitialized": False, **options})


def test_undefined_resave_warns_like_express_session() -> None:
    with pytest.warns(FutureWarning, match="undefined resave option"):
        session(secret="s", save_uninitialized=False)


def test_camel_case_dict_and_custom_genid_and_name() -> None:
    app = express()
    app.use(
        session(
            {
                "secret": "s",
                "resave": False,
                "saveUninitialized": False,
                "name": "sid",
                "genid": lambda req: "fixed-" + req.path.strip("/"),
                "cookie": {"maxAge": 60000, "sameSite": "lax"},
            }
        )
    )
    app.get("/x", lambda req, res: (setattr(req.session, "a", 1), res.send(req.session_id)))  # type: ignore[func-returns-value]
    r = request(app, server=True).get("/x").expect(200, "fixed-x")
    [cookie] = set_cookies(r.response)
    assert cookie.startswith("sid=s%3Afixed-x.")
    assert cookie.endswith("; HttpOnly; SameSite=Lax")
