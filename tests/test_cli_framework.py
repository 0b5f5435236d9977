"""The framework's CLI commands: `expresspy routes` and `expresspy run --proxy-headers`."""

from __future__ import annotations

import contextlib
import re
import textwrap
import urllib.request
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from expresspy.cli import main
from tests.server.proc import expresspy

APP = textwrap.dedent("""
    from expresspy import express

    app = express()
    api = express.Router()

    @app.get("/")
    def home(req, res):
        res.send(req.ip)

    @api.post("/items/:id")
    async def create_item(req, res):
        res.send_status(201)

    api.all("/any", lambda req, res: res.end())
    app.use("/api", api)
""")


def _write_app(tmp_path: Path) -> Path:
    path = tmp_path / "routes_app.py"
    path.write_text(APP)
    return path


def test_routes_lists_methods_paths_handlers_and_locations(tmp_path: Path) -> None:
    path = _write_app(tmp_path)
    result = CliRunner().invoke(main, ["routes", str(path)])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.strip().splitlines()]
    assert lines[0] == ["Methods", "Path", "Handler", "Location"]
    rows = {(row[0], row[1], row[2]) for row in lines[1:]}
    assert rows == {
        ("GET", "/", "home"),
        ("POST", "/api/items/:id", "create_item"),
        ("ALL", "/api/any", "<lambda>"),
    }
    home_row = next(row for row in lines[1:] if row[2] == "home")
    assert home_row[3] == f"{path}:7"  # the line of its @app.get decorator


def test_routes_refuses_an_asgi_app_that_is_not_expresspy(tmp_path: Path) -> None:
    path = tmp_path / "plain.py"
    path.write_text("async def app(scope, receive, send):\n    pass\n")
    result = CliRunner().invoke(main, ["routes", str(path)])
    assert result.exit_code == 1
    assert "not an expresspy app" in result.output


def _client_ip(url: str) -> str:
    request = urllib.request.Request(url + "/", headers={"X-Forwarded-For": "203.0.113.7"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.read().decode())


def test_run_trusts_forwarded_headers_only_with_proxy_headers(tmp_path: Path) -> None:
    path = _write_app(tmp_path)
    with expresspy(["run", str(path), "--port", "0", "--no-access-log"], tmp_path) as proc:
        proc.wait_for("listening on")
        assert _client_ip(proc.url()) == "127.0.0.1"
    args = [
        "run",
        str(path),
        "--port",
        "0",
        "--no-access-log",
        "--proxy-headers",
        "--forwarded-allow-ips",
        "loopback",
    ]
    with expresspy(args, tmp_path) as proc:
        proc.wait_for("listening on")
        assert _client_ip(proc.url()) == "203.0.113.7"


def test_run_logs_each_response_in_morgan_dev_format(tmp_path: Path) -> None:
    path = _write_app(tmp_path)
    with expresspy(["run", str(path), "--port", "0"], tmp_path) as proc:
        proc.wait_for("listening on")
        _client_ip(proc.url())
        line = proc.wait_for(r"GET / \S*200\S* [0-9.]+ ms - 9").group(0)
    assert "\x1b[" not in line  # stderr is a pipe here: no colours (tests/test_access_log.py)


def test_no_access_log_turns_the_dev_log_off(tmp_path: Path) -> None:
    path = _write_app(tmp_path)
    with expresspy(["run", str(path), "--port", "0", "--no-access-log"], tmp_path) as proc:
        proc.wait_for("listening on")
        _client_ip(proc.url())
        _client_ip(proc.url())
        proc.signal()
        proc.wait_for("expresspy stopped")  # every line written before shutdown is in .log
        assert not any("GET /" in line for line in proc.log)


def test_sessions_prune_deletes_expired_records_of_the_apps_store(tmp_path: Path) -> None:
    import asyncio

    from expresspy import SQLiteStore

    database = tmp_path / "sessions.sqlite3"
    store = SQLiteStore(str(database))
    cookie = {"originalMaxAge": 1000, "httpOnly": True, "path": "/"}

    async def seed() -> None:
        await store.set("old", {"cookie": {**cookie, "expires": "2001-01-01T00:00:00.000Z"}})
        await store.set("new", {"cookie": {**cookie, "expires": "2999-01-01T00:00:00.000Z"}})

    asyncio.run(seed())
    app_file = tmp_path / "session_app.py"
    app_file.write_text(
        textwrap.dedent(f"""
        from expresspy import SQLiteStore, express, session

        app = express()
        app.use(session(secret="s", resave=False, save_uninitialized=False,
                        store=SQLiteStore({str(database)!r})))
    """)
    )
    result = CliRunner().invoke(main, ["sessions", "prune", str(app_file)])
    assert result.exit_code == 0, result.output
    assert result.output == "SQLiteStore: 1 expired session(s) deleted\n"
    assert asyncio.run(store.get("old")) is None
    assert asyncio.run(store.get("new")) is not None


def test_sessions_prune_refuses_an_app_without_sessions(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sessions", "prune", str(_write_app(tmp_path))])
    assert result.exit_code == 1
    assert "no session store found" in result.output


def _drain(proc: Any, seconds: float) -> str:
    """Collect the process's output for `seconds`; return all of it so far."""
    with contextlib.suppress(AssertionError):
        proc.wait_for(r"(?!)", timeout=seconds)  # a pattern that never matches
    return "".join(proc.log)


def test_workers_import_the_app_only_in_workers_and_log_each_request_once(tmp_path: Path) -> None:
    path = tmp_path / "marked_app.py"
    path.write_text(
        textwrap.dedent("""
        import os, sys
        from expresspy import express

        print(f"imported in {os.getpid()}", file=sys.stderr, flush=True)
        app = express()
        app.get("/", lambda req, res: res.send(str(os.getpid())))
    """)
    )
    with expresspy(["run", str(path), "--port", "0", "--workers", "2"], tmp_path) as proc:
        proc.wait_for("listening on")
        imports: set[str] = set()
        for _ in range(20):
            imports = set(re.findall(r"imported in (\d+)", _drain(proc, 0.5)))
            if len(imports) == 2:
                break
        assert len(imports) == 2 and str(proc.popen.pid) not in imports
        with urllib.request.urlopen(proc.url() + "/", timeout=10) as response:
            assert response.read().decode() in imports
        output = _drain(proc, 1.0)
    request_lines = [line for line in output.splitlines() if "GET /" in line]
    assert len(request_lines) == 1, request_lines  # the dev line only, not the server's too
