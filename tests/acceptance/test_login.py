"""examples/login: the form, scrypt hashes, regenerate on login, destroy on logout, SQLite
sessions that outlive the app, CSRF tokens and flash messages."""

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest import MonkeyPatch

from expresspy.testing import Client, Test, agent, request

TOKEN = re.compile(r'name="_csrf" value="([^"]+)"')


@pytest.fixture
def db(tmp_path: Path, monkeypatch: MonkeyPatch) -> Path:
    path = tmp_path / "sessions.db"
    monkeypatch.setenv("LOGIN_SESSION_DB", str(path))
    return path


@pytest.fixture
def app(load_example: Callable[[str], Any], db: Path) -> Any:
    return load_example("login/app.py")


def csrf_token(browser: Client[Test], path: str = "/login") -> str:
    """The token the page at `path` puts in its forms."""
    found = TOKEN.search(browser.get(path).expect(200).text)
    assert found is not None
    return found.group(1)


def sign_in(browser: Client[Test], password: str = "wonderland") -> Test:
    token = csrf_token(browser)
    return (
        browser.post("/login")
        .type("form")
        .send({"_csrf": token, "username": "ann", "password": password})
    )


def stored_sessions(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT sid FROM sessions")]


def sid_of(browser: Client[Test]) -> str:
    assert browser.jar is not None  # an agent
    sid = browser.jar.get("connect.sid")
    assert sid is not None
    return sid


def test_home__anonymous__offers_the_sign_in_link(app: Any) -> None:
    request(app).get("/").expect(200, re.compile("You are not signed in")).expect(
        re.compile('href="/login"')
    )


def test_profile__anonymous__redirects_to_login_with_a_flash_message(app: Any) -> None:
    browser = agent(app)
    browser.get("/profile").expect(302).expect("Location", "/login")
    browser.get("/login").expect(re.compile('class="flash error">Please sign in first.'))
    # Shown once only.
    r = browser.get("/login").expect(200)
    assert "Please sign in first" not in r.text


def test_login__without_csrf_token__is_forbidden(app: Any) -> None:
    (
        request(app)
        .post("/login")
        .type("form")
        .send({"username": "ann", "password": "wonderland"})
        .expect(403, re.compile("invalid CSRF token"))
    )


def test_login__with_another_sessions_token__is_forbidden(app: Any) -> None:
    other = csrf_token(agent(app))
    browser = agent(app)
    csrf_token(browser)
    (
        browser.post("/login")
        .type("form")
        .send({"_csrf": other, "username": "ann", "password": "wonderland"})
        .expect(403)
    )


def test_login__wrong_password__flashes_an_error(app: Any) -> None:
    browser = agent(app)
    sign_in(browser, password="nope").expect(302).expect("Location", "/login")
    browser.get("/login").expect(re.compile("Unknown user or wrong password"))
    browser.get("/profile").expect(302)


def test_login__regenerates_the_session_and_shows_the_profile(app: Any, db: Path) -> None:
    browser = agent(app)
    csrf_token(browser)
    before = sid_of(browser)
    sign_in(browser).expect(302).expect("Location", "/profile")
    after = sid_of(browser)
    assert after != before
    # The old record is gone; only the new one is stored.
    sid = after.split(".")[0].removeprefix("s%3A").removeprefix("s:")
    assert stored_sessions(db) == [sid]
    (
        browser.get("/profile")
        .expect(200)
        .expect(re.compile("Welcome back, Ann Smith!"))
        .expect(re.compile("Signed in as <strong>ann</strong>"))
        .expect(re.compile('id="visits">1<'))
    )
    browser.get("/about").expect(re.compile("Still signed in as <strong>ann</strong>"))
    r = browser.get("/profile").expect(re.compile('id="visits">2<'))
    assert "Welcome back" not in r.text


def test_logout__destroys_the_session(app: Any, db: Path) -> None:
    browser = agent(app)
    sign_in(browser).expect(302)
    old_cookie = "connect.sid=" + sid_of(browser)
    token = csrf_token(browser, "/profile")
    browser.post("/logout").type("form").send({"_csrf": token}).expect(302).expect(
        "Set-Cookie", re.compile(r"connect\.sid=; .*Expires=Thu, 01 Jan 1970")
    )
    assert stored_sessions(db) == []
    # The old cookie, replayed, names no session any more.
    request(app).get("/profile").set("Cookie", old_cookie).expect(302).expect("Location", "/login")


def test_logout__without_csrf_token__is_forbidden(app: Any) -> None:
    browser = agent(app)
    sign_in(browser).expect(302)
    browser.post("/logout").type("form").send({}).expect(403)
    browser.get("/profile").expect(200)


def test_sessions__survive_a_new_app_on_the_same_database(
    load_example: Callable[[str], Any], app: Any, db: Path
) -> None:
    browser = agent(app)
    sign_in(browser).expect(302)
    restarted = load_example("login/app.py")
    cookie = "connect.sid=" + sid_of(browser)
    request(restarted).get("/profile").set("Cookie", cookie).expect(
        200, re.compile("Signed in as <strong>ann</strong>")
    )


def test_passwords__hash_and_verify(load_example: Callable[[str], Any]) -> None:
    hash_password = load_example("login/passwords.py:hash_password")
    verify_password = load_example("login/passwords.py:verify_password")
    stored = hash_password("s3cret")
    assert stored.startswith("scrypt$16384$8$1$")
    assert stored != hash_password("s3cret")  # a new salt each time
    assert verify_password("s3cret", stored)
    assert not verify_password("s3cret!", stored)
    assert not verify_password("s3cret", "garbage")
