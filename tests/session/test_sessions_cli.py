"""``expresspy sessions count|list|show|destroy|prune`` on every store, through the real CLI
(click's runner, the app loaded from a file as ``expresspy`` loads it)."""

from __future__ import annotations

import asyncio
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from expresspy.cli import main
from expresspy.session import PostgresStore, RedisStore, SQLiteStore
from expresspy.session.store import call_store

from .conftest import POSTGRES_URL, REDIS_URL

LIVE = "2999-01-01T00:00:00.000Z"
EXPIRED = "2001-01-01T00:00:00.000Z"


def _cookie(expires: str | None) -> dict[str, Any]:
    return {"originalMaxAge": 1000, "expires": expires, "httpOnly": True, "path": "/"}


def store_source(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Python source building the store of ``kind`` on this test's own resources (the app
    file and :func:`seed` both build their store from it)."""
    if kind == "sqlite":
        return f"SQLiteStore({str(tmp_path / 'sessions.db')!r}, prune_interval=None)"
    if kind == "redis":
        prefix = request.getfixturevalue("redis_prefix")
        return f"RedisStore({REDIS_URL!r}, prefix={prefix!r})"
    schema = request.getfixturevalue("pg_schema")
    return f"PostgresStore({POSTGRES_URL!r}, schema_name={schema!r}, prune_session_interval=False)"


STORES = {"SQLiteStore": SQLiteStore, "RedisStore": RedisStore, "PostgresStore": PostgresStore}


def write_app(tmp_path: Path, name: str, store: str | None) -> str:
    """An app file using ``store`` (Python source) in session(), or no session at all."""
    middleware = (
        ""
        if store is None
        else (
            f"app.use(session(secret='s', resave=False, save_uninitialized=False, store={store}))"
        )
    )
    path = tmp_path / f"{name}.py"
    path.write_text(
        textwrap.dedent(f"""
        from expresspy import express, session
        from expresspy.session import CookieStore, MemoryStore, PostgresStore, RedisStore
        from expresspy.session import SQLiteStore

        app = express()
        {middleware}
    """)
    )
    return str(path)


def seed(source: str, records: dict[str, dict[str, Any]]) -> None:
    """Write ``records`` with a store built from ``source``, in its own loop."""

    async def main() -> None:
        store = eval(source, dict(STORES))  # the test's own constructor call, as in the app
        for sid, record in records.items():
            await call_store(store.set, sid, record)
        closer = getattr(store, "aclose", None) or getattr(store, "close", None)
        result = closer() if closer else None
        if asyncio.iscoroutine(result):
            await result

    asyncio.run(main())


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["sessions", *args])


@pytest.mark.parametrize("kind", ["sqlite", "redis", "postgres"])
def test_count_list_show_destroy_and_prune(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    source = store_source(kind, request, tmp_path)
    name = {"sqlite": "SQLiteStore", "redis": "RedisStore", "postgres": "PostgresStore"}[kind]
    seed(source, {"alice": {"cookie": _cookie(LIVE), "user": "alice", "é": [1]},
                  "bob": {"cookie": _cookie(LIVE), "user": "bob"}})  # fmt: skip
    app = write_app(tmp_path, f"cli_{kind}_app", source)

    result = cli("count", app)
    assert (result.exit_code, result.output) == (0, f"{name}: 2 session(s)\n")
    result = cli("list", app)
    assert result.exit_code == 0, result.output
    assert result.output == (f"{name}: 2 session(s)\nalice  expires {LIVE}\n"
                             f"bob  expires {LIVE}\n")  # fmt: skip
    result = cli("show", app, "alice")
    assert result.exit_code == 0, result.output
    header, _, body = result.output.partition("\n")
    assert header == f"{name}: session alice"
    assert json.loads(body) | {"id": "alice"} == {"cookie": _cookie(LIVE), "user": "alice",
                                                  "é": [1], "id": "alice"}  # fmt: skip
    result = cli("destroy", app, "alice")
    assert (result.exit_code, result.output) == (0, f"{name}: session alice destroyed\n")
    result = cli("show", app, "alice")
    assert (result.exit_code, result.output) == (1, f"{name}: no session alice\n")
    result = cli("destroy", app, "nobody")
    assert (result.exit_code, result.output) == (1, f"{name}: no session nobody\n")
    assert cli("count", app).output == f"{name}: 1 session(s)\n"

    if kind != "redis":  # Redis expires keys by itself
        seed(source, {"old": {"cookie": _cookie(EXPIRED)}})
    result = cli("prune", app)
    assert result.exit_code == 0, result.output
    expected = {
        "sqlite": f"{name}: 1 expired session(s) deleted\n",
        "postgres": f"{name}: 1 expired session(s) deleted\n",
        "redis": f"{name}: expires sessions by itself, nothing to prune\n",
    }[kind]
    assert result.output == expected
    assert cli("list", app).output == f"{name}: 1 session(s)\nbob  expires {LIVE}\n"


def test_a_cookie_store_says_it_keeps_nothing_on_the_server(tmp_path: Path) -> None:
    app = write_app(tmp_path, "cli_cookie_app", "CookieStore()")
    for args in (["count"], ["list"], ["show", "x"], ["destroy", "x"]):
        result = cli(args[0], app, *args[1:])
        assert result.exit_code == 1
        assert result.output == (
            "CookieStore keeps each session in its client's cookie: "
            f"there is nothing on the server to {args[0]}\n"
        )


def test_a_memory_store_says_this_process_cannot_see_its_sessions(tmp_path: Path) -> None:
    result = cli("count", write_app(tmp_path, "cli_memory_app", "MemoryStore()"))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "MemoryStore: 0 session(s)",
        "MemoryStore keeps sessions in the memory of the process serving the app; this "
        "command runs in another process and sees none of them",
    ]


@pytest.mark.parametrize("action", ["count", "list", "show", "destroy", "prune"])
def test_an_app_without_sessions_is_a_clear_error(tmp_path: Path, action: str) -> None:
    app = write_app(tmp_path, f"cli_plain_{action}", None)
    result = cli(action, app, *(["x"] if action in ("show", "destroy") else []))
    assert result.exit_code == 1
    assert "Error: no session store found" in result.output
    assert "pass an app using session()" in result.output
