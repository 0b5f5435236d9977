"""examples/chat in a real browser: headless Chromium (Selenium) against `expresspy run`.

Signs in through the form (the name goes into the session), opens the room in two tabs, and
sees a message typed in one tab arrive in the other over the WebSocket; a visitor without a
session is refused the socket; signing out ends the session for new sockets.

Needs Debian's `chromium` and `chromium-driver` packages and the `selenium` Python package
(`bash .ci/install-browser.sh` installs all three); without them the test is skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.acceptance.browser import require_browser, start_browser
from tests.acceptance.serving import ExpresspyRun

webdriver = require_browser()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def browser(tmp_path: Path) -> Any:
    driver = start_browser(webdriver, tmp_path)
    yield driver
    driver.quit()


@pytest.fixture(params=["expresspy", "uvicorn"])
def chat(request: pytest.FixtureRequest) -> Any:
    with ExpresspyRun(
        "examples/chat/app.py", server=request.param, env={"EXPRESSPY_ENV": "development"}
    ) as server:
        yield server


def wait_for(driver: Any, condition: Any, timeout: float = 10) -> Any:
    return WebDriverWait(driver, timeout).until(lambda d: condition())


def messages(driver: Any) -> list[str]:
    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#messages li")]


def test_two_tabs_talk_over_the_websocket(browser: Any, chat: ExpresspyRun) -> None:
    browser.get(chat.url + "/")
    assert browser.current_url == chat.url + "/login"  # no session yet
    browser.find_element(By.ID, "name").send_keys("ann")
    browser.find_element(By.ID, "enter").click()
    wait_for(browser, lambda: browser.current_url == chat.url + "/")
    wait_for(browser, lambda: browser.find_element(By.ID, "status").text == "connected")
    first = browser.current_window_handle

    browser.switch_to.new_window("tab")  # same browser, same cookie: the same session
    browser.get(chat.url + "/")
    assert browser.find_element(By.ID, "me").text == "ann"
    wait_for(browser, lambda: browser.find_element(By.ID, "status").text == "connected")
    browser.find_element(By.ID, "text").send_keys("hello from tab 2")
    browser.find_element(By.ID, "send").click()
    wait_for(browser, lambda: "ann: hello from tab 2" in messages(browser))

    browser.switch_to.window(first)
    wait_for(browser, lambda: "ann: hello from tab 2" in messages(browser))
    assert messages(browser)[:2] == ["ann joined", "ann joined"]
    browser.find_element(By.ID, "text").send_keys("<b>not bold</b>")
    browser.find_element(By.ID, "send").click()
    wait_for(browser, lambda: "ann: <b>not bold</b>" in messages(browser))  # text, not HTML

    # Signing out ends the session; the page that reconnects is the sign-in form again.
    browser.find_element(By.ID, "logout").click()
    wait_for(browser, lambda: browser.current_url == chat.url + "/login")
    browser.get(chat.url + "/")
    assert browser.current_url == chat.url + "/login"
