"""examples/login in a real browser: headless Chromium, driven by Selenium, against the
example served by `expresspy run` (SQLiteStore sessions).

Signs in through the form, follows links, sees the session survive navigation and a restart
of the server, logs out, and sees the old session gone (replaying its cookie gets nowhere).

Needs Debian's `chromium` and `chromium-driver` packages and the `selenium` Python package
(`bash .ci/install-browser.sh` installs all three); without them the test is skipped.
"""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.acceptance.browser import require_browser, start_browser
from tests.acceptance.serving import ExpresspyRun, free_port

webdriver = require_browser()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    driver = start_browser(webdriver, tmp_path)
    yield driver
    driver.quit()


class LoginSite:
    """The login example served by `expresspy run`, restartable on the same port."""

    def __init__(self, tmp_path: Path) -> None:
        self.db = tmp_path / "sessions.db"
        self.port = free_port()
        self.env = {
            "LOGIN_SESSION_DB": str(self.db),
            "SESSION_SECRET": "browser-test-secret",
            "EXPRESSPY_ENV": "development",
        }
        self.server: ExpresspyRun | None = None

    def start(self) -> None:
        self.server = ExpresspyRun("examples/login/app.py", env=self.env, port=self.port).start()

    def restart(self) -> None:
        assert self.server is not None and self.server.process is not None
        self.server.stop()
        assert self.server.process.returncode is not None
        self.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stored_ids(self) -> set[str]:
        with sqlite3.connect(self.db) as conn:
            return {row[0] for row in conn.execute("SELECT sid FROM sessions")}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[LoginSite]:
    site = LoginSite(tmp_path)
    site.start()
    yield site
    assert site.server is not None
    site.server.stop()


def text_of(driver: WebDriver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def follow(driver: WebDriver, element_id: str) -> None:
    """Click a link or button and wait for the next page to load."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, element_id).click()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(old_page))


def session_id(driver: WebDriver) -> str | None:
    """The browser's connect.sid cookie, as sent (`s%3A<id>.<signature>`), or None."""
    cookie = driver.get_cookie("connect.sid")
    return None if cookie is None else cookie["value"]


def store_id(cookie_value: str) -> str:
    """The id the store files a session under, from its signed cookie value."""
    return unquote(cookie_value).removeprefix("s:").rsplit(".", 1)[0]


def test_browser_login__survives_navigation_and_restart_then_logs_out(
    browser: WebDriver, site: LoginSite
) -> None:
    browser.get(site.url("/"))
    assert text_of(browser, "status") == "You are not signed in."

    follow(browser, "login-link")
    browser.find_element(By.ID, "username").send_keys("ann")
    browser.find_element(By.ID, "password").send_keys("wonderland")
    anonymous_id = session_id(browser)  # the form's CSRF token made a session already
    follow(browser, "submit")

    assert browser.current_url == site.url("/profile")
    assert "Welcome back, Ann Smith!" in browser.page_source
    assert text_of(browser, "visits") == "1"
    signed_in_id = session_id(browser)
    assert signed_in_id and signed_in_id != anonymous_id  # regenerated on login

    # Navigation keeps the session.
    follow(browser, "about-link")
    assert text_of(browser, "status") == "Still signed in as ann."
    follow(browser, "profile-link")
    assert text_of(browser, "visits") == "2"
    assert "Welcome back" not in browser.page_source  # a flash message shows once

    # A restart of the server keeps it too: the session is in the SQLite file.
    site.restart()
    browser.get(site.url("/profile"))
    assert browser.current_url == site.url("/profile")
    assert text_of(browser, "visits") == "3"
    assert session_id(browser) == signed_in_id

    # Logging out destroys the session: its record goes from the store. (The home page it
    # lands on gives the now anonymous browser a new session for its CSRF token.)
    assert store_id(signed_in_id) in site.stored_ids()
    follow(browser, "logout")
    assert browser.current_url == site.url("/")
    assert text_of(browser, "status") == "You are not signed in."
    assert session_id(browser) != signed_in_id
    assert store_id(signed_in_id) not in site.stored_ids()

    # Replaying the old cookie gets nowhere: the session it names no longer exists.
    browser.add_cookie({"name": "connect.sid", "value": signed_in_id, "path": "/"})
    browser.get(site.url("/profile"))
    assert browser.current_url == site.url("/login")
    assert "Please sign in first." in browser.page_source
