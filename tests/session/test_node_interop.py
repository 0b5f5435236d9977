"""One login shared by a real Node app and an expresspy app, through Redis (express-session +
connect-redis) and through PostgreSQL (express-session + connect-pg-simple).

Both use the same store (Redis key prefix, or PostgreSQL schema and table), secret and cookie
name. A login, a change and a logout on either side are seen by the other. Needs node and npm:
the pinned packages of tests/session/node/ (Redis) and tests/compat/node/ (PostgreSQL) are
installed once into the compat tests' npm cache (~/.cache/expresspy-compat or
$EXPRESSPY_COMPAT_CACHE), never into the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from expresspy import express, session
from expresspy.session.postgres import PostgresStore
from expresspy.session.redis import RedisStore
from expresspy.testing import request
from tests.compat.harness import NODE_DIR as COMPAT_NODE_DIR
from tests.compat.harness import ensure_node_modules

from .conftest import POSTGRES_URL, REDIS_URL

NODE_DIR = Path(__file__).parent / "node"
SECRET = "shared between Node and Python"
#: Seconds for the Node app to start listening.
START_TIMEOUT = 20


@pytest.fixture(params=["redis", "postgres"])
def backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The shared store: the Node app's script and environment, and the expresspy store."""
    if request.param == "redis":
        prefix = request.getfixturevalue("redis_prefix")
        return {"modules": NODE_DIR,
                "env": {"STORE": "redis", "REDIS_URL": REDIS_URL, "PREFIX": prefix},
                "store": lambda: RedisStore(REDIS_URL, prefix=prefix)}  # fmt: skip
    schema = request.getfixturevalue("pg_schema")
    return {"modules": COMPAT_NODE_DIR,  # whose pinned packages include connect-pg-simple 10
            "env": {"STORE": "postgres", "DATABASE_URL": POSTGRES_URL, "SCHEMA": schema},
            "store": lambda: PostgresStore(POSTGRES_URL, schema_name=schema)}  # fmt: skip


@pytest.fixture
def node_app(backend: dict[str, Any]) -> Iterator[str]:
    """The Node app's base URL, on the test's store."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not found: install Node.js >= 18 with npm "
                    "(e.g. `apt-get install nodejs npm`) to run the Node interop test")  # fmt: skip
    env = {**os.environ, "NODE_PATH": str(ensure_node_modules(backend["modules"])), "PORT": "0",
           "SECRET": SECRET, "NODE_ENV": "test", **backend["env"]}  # fmt: skip
    proc = subprocess.Popen(
        ["node", str(NODE_DIR / "app.js")], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "listening <port>", or the error that stopped it
        assert line.startswith("listening "), line + proc.stdout.read()
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        proc.wait(START_TIMEOUT)


def python_app(store: Any) -> Any:
    """The same app as app.js, in expresspy."""
    app = express()
    app.use(session(store=store, secret=SECRET, resave=False, save_uninitialized=False,
                    cookie={"maxAge": 60000}))  # fmt: skip

    @app.get("/login")
    async def login(req: Any, res: Any) -> None:
        await req.session.regenerate()
        req.session.user = req.query["user"]
        res.json({"ok": True})

    @app.get("/change")
    def change(req: Any, res: Any) -> None:
        req.session.color = req.query["color"]
        res.json({"ok": True})

    @app.get("/me")
    def me(req: Any, res: Any) -> None:
        res.json({"user": req.session.user, "color": req.session.color})

    @app.get("/logout")
    async def logout(req: Any, res: Any) -> None:
        await req.session.destroy()
        res.json({"ok": True})

    return app


class Browser:
    """One cookie, sent to both apps (they share a host, so a browser would do the same)."""

    def __init__(self, clients: dict[str, Any]) -> None:
        self.clients = clients
        self.cookie = ""

    def get(self, side: str, path: str) -> Any:
        test = self.clients[side].get(path)
        if self.cookie:
            test = test.set("Cookie", self.cookie)
        response = test.expect(200).response
        for value in response.headers.get_all("set-cookie"):
            if value.startswith("connect.sid="):
                self.cookie = value.split(";", 1)[0]
        return response.body


@pytest.mark.parametrize("first", ["node", "python"])
def test_login_change_and_logout_are_shared(
    node_app: str, backend: dict[str, Any], first: str
) -> None:
    other = "python" if first == "node" else "node"
    clients = {"node": request(node_app),
               "python": request(python_app(backend["store"]()), server=True)}  # fmt: skip
    browser = Browser(clients)
    browser.get(first, "/login?user=ann")
    assert browser.get(other, "/me") == {"user": "ann", "color": None}  # login seen
    browser.get(other, "/change?color=blue")
    assert browser.get(first, "/me") == {"user": "ann", "color": "blue"}  # change seen
    browser.get(first, "/change?color=red")
    assert browser.get(other, "/me") == {"user": "ann", "color": "red"}
    browser.get(other, "/logout")
    assert browser.get(first, "/me") == {"user": None, "color": None}  # logout ends both
    browser.get(first, "/login?user=bob")
    browser.get(first, "/logout")
    assert browser.get(other, "/me") == {"user": None, "color": None}
