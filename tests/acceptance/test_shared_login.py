"""examples/shared_login: one login shared by an Express app and an expresspy app.

app.js runs in real Node (Express 5, express-session, connect-redis, installed from the
example's package-lock.json by tests/compat/harness.py into its cache outside the repo) and
app.py with `expresspy run`, both on free ports, on one Redis with a key prefix of this test
module's own. One cookie jar walks between them, as a browser does: cookies belong to the
host, not the port. Without node and npm the tests are skipped, saying how to enable them.
"""

import http.cookiejar
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.acceptance.serving import ROOT, ExpresspyRun, free_port
from tests.compat import harness

EXAMPLE = ROOT / "examples" / "shared_login"
ALICE = {"username": "alice", "password": "wonderland"}
SERVED_BY = {"node": "served by Node.js", "python": "served by Python"}


class NodeRun(ExpresspyRun):
    """`node SCRIPT` with PORT set, started and stopped as ExpresspyRun does `expresspy run`."""

    def __init__(self, script: Path, env: dict[str, str]) -> None:
        port = free_port()
        super().__init__(str(script), env={**env, "PORT": str(port)}, port=port)
        self.command = ["node", str(script)]


def install_node_packages() -> Path:
    """The example's locked packages, installed once into the compat tests' npm cache."""
    return harness.ensure_node_modules(EXAMPLE)  # package.json and its lock live there


@pytest.fixture(scope="module")
def redis_prefix() -> Iterator[tuple[redis.Redis, str]]:
    """A Redis client and the key prefix both apps use, of this test module's own."""
    client = redis.Redis(host="127.0.0.1", port=6379, decode_responses=True)
    yield client, f"test-shared-login-{uuid.uuid4().hex}:"
    client.close()


@pytest.fixture
def store(
    redis_prefix: tuple[redis.Redis, str],
) -> Iterator[tuple[redis.Redis, str]]:
    """The client and prefix; every key under the prefix is removed after each test."""
    yield redis_prefix
    client, prefix = redis_prefix
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)


@pytest.fixture(scope="module")
def servers(redis_prefix: tuple[redis.Redis, str]) -> Iterator[dict[str, ExpresspyRun]]:
    reason = harness.node_tools_missing()
    if reason is not None:
        pytest.skip(reason)
    env = {
        "SHARED_LOGIN_PREFIX": redis_prefix[1],
        "SESSION_SECRET": os.urandom(16).hex(),
        "NODE_PATH": str(install_node_packages()),
        "EXPRESSPY_ENV": "development",
    }
    node = NodeRun(EXAMPLE / "app.js", env)
    python = ExpresspyRun("examples/shared_login/app.py", env=env)
    with node, python:
        yield {"node": node, "python": python}


class Browser:
    """One cookie jar for every server on 127.0.0.1; follows redirects."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, url: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        try:
            with self.opener.open(url, data, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def user_on(self, server: ExpresspyRun) -> Any:
        status, body = self.open(server.url + "/me")
        assert status == 200, body
        return json.loads(body)["user"]

    def session_cookie(self) -> list[str | None]:
        return [cookie.value for cookie in self.jar if cookie.name == "shared.sid"]


def session_keys(store: tuple[redis.Redis, str]) -> list[str]:
    client, prefix = store
    return list(client.scan_iter(prefix + "*"))


@pytest.mark.parametrize(("first", "other"), [("node", "python"), ("python", "node")])
def test_shared_login__log_in_on_one_app__is_logged_in_on_both_until_the_other_logs_out(
    servers: dict[str, ExpresspyRun], store: tuple[redis.Redis, str], first: str, other: str
) -> None:
    browser = Browser()
    assert (browser.user_on(servers[first]), browser.user_on(servers[other])) == (None, None)

    status, page = browser.open(servers[first].url + "/login", ALICE)
    assert (status, SERVED_BY[first] in page) == (200, True), page
    assert "Signed in as <strong>alice</strong>" in page
    assert len(session_keys(store)) == 1
    status, page = browser.open(servers[other].url + "/")
    assert (status, SERVED_BY[other] in page) == (200, True), page
    assert "Signed in as <strong>alice</strong>" in page
    assert (browser.user_on(servers[first]), browser.user_on(servers[other])) == ("alice", "alice")

    status, page = browser.open(servers[other].url + "/logout", {})
    assert (status, "Sign in</button>" in page) == (200, True), page
    assert browser.session_cookie() == []  # cleared by the app that logged out
    assert session_keys(store) == []  # and the record is gone from Redis
    assert (browser.user_on(servers[first]), browser.user_on(servers[other])) == (None, None)


def test_shared_login__log_in_again_on_the_other_app__replaces_the_session(
    servers: dict[str, ExpresspyRun], store: tuple[redis.Redis, str]
) -> None:
    browser = Browser()
    browser.open(servers["node"].url + "/login", ALICE)
    [first_sid] = browser.session_cookie()
    browser.open(servers["python"].url + "/login", ALICE)
    [second_sid] = browser.session_cookie()
    assert first_sid != second_sid  # a new id for a new login (session fixation)
    assert len(session_keys(store)) == 1  # the old record was destroyed, not left behind
    assert browser.user_on(servers["node"]) == "alice"
    browser.open(servers["node"].url + "/logout", {})
    assert session_keys(store) == []


@pytest.mark.parametrize("server", ["node", "python"])
def test_shared_login__wrong_password__logs_in_on_neither(
    servers: dict[str, ExpresspyRun], store: tuple[redis.Redis, str], server: str
) -> None:
    browser = Browser()
    status, page = browser.open(
        servers[server].url + "/login", {"username": "alice", "password": "guess"}
    )
    assert (status, "Wrong name or password." in page) == (401, True), page
    assert browser.session_cookie() == []
    assert session_keys(store) == []
    assert (browser.user_on(servers["node"]), browser.user_on(servers["python"])) == (None, None)
