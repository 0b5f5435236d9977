"""examples/scale_out: two instances (each `--workers 2`) behind nginx share one login.

The test runs what docs/deploy.md describes: two `expresspy run` instances on their own ports,
sessions in the real Redis or the real PostgreSQL, and Debian's nginx with the example's own
nginx.conf (only its ports and prefix changed) as a round-robin load balancer. It logs in
through nginx, checks that every following request sees the login whichever instance and worker
answers, then kills one instance outright (SIGKILL, workers too) and checks that no session is
lost: the survivor serves the same login with the page count still climbing by one per request.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import redis

from tests.acceptance.serving import ROOT, ExpresspyRun, free_port

EXAMPLE = "examples/scale_out/app.py"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class SharedStore:
    """Where the instances keep sessions for one test: its own Redis prefix or its own
    PostgreSQL table, emptied of everything afterwards."""

    def __init__(self, kind: str, redis_prefix: str) -> None:
        self.kind = kind
        self.redis_prefix = redis_prefix
        self.table = f"scale_out_{uuid.uuid4().hex}"

    def env(self) -> dict[str, str]:
        if self.kind == "redis":
            return {"SESSION_PREFIX": self.redis_prefix}
        return {
            "SESSION_STORE": "postgres",
            "DATABASE_URL": POSTGRES_URL,
            "SESSION_TABLE": self.table,
        }

    def records(self) -> int:
        """How many session records the store holds."""
        if self.kind == "redis":
            client = redis.Redis(host="127.0.0.1", port=6379)
            try:
                return len(list(client.scan_iter(self.redis_prefix + "*")))
            finally:
                client.close()
        with psycopg.connect(POSTGRES_URL) as conn:
            row = conn.execute(f'SELECT count(*) FROM "{self.table}"').fetchone()
            return int(row[0]) if row else 0

    def drop(self) -> None:
        if self.kind == "postgres":
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'DROP TABLE IF EXISTS "{self.table}"')


def _nginx_config(folder: Path, listen: int, upstreams: list[int]) -> Path:
    """The example's nginx.conf with this test's ports."""
    text = (ROOT / "examples/scale_out/nginx.conf").read_text()
    text = text.replace("127.0.0.1:8080", f"127.0.0.1:{listen}")
    text = text.replace("127.0.0.1:3001", f"127.0.0.1:{upstreams[0]}")
    text = text.replace("127.0.0.1:3002", f"127.0.0.1:{upstreams[1]}")
    if os.geteuid() == 0:
        # nginx started by root runs its workers as nobody, who may not enter pytest's
        # private temporary folder where the prefix (temp files) lives.
        text = "user root;\n" + text
    config = folder / "nginx.conf"
    config.write_text(text)
    return config


class Nginx:
    """nginx in the foreground with `config`, its prefix (pid, temp files) in `folder`."""

    def __init__(self, config: Path, folder: Path, port: int) -> None:
        self.port = port
        self.log = (folder / "nginx.log").open("wb")
        self.process = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", f"{folder}/"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (folder / "nginx.log").read_text()
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("nginx did not listen")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)  # nginx's graceful stop
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Browser:
    """A client of the load balancer that keeps the session cookie, one connection a request
    (as separate browser tabs would), so nginx may send each to either instance."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie: str | None = None

    def request(
        self, method: str, path: str, form: str | None = None
    ) -> tuple[int, dict[str, object], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=form, headers=headers)
            response = conn.getresponse()
            body = json.loads(response.read())
            set_cookie = response.getheader("Set-Cookie")
            if set_cookie:
                self.cookie = set_cookie.split(";")[0]
            return response.status, body, response.getheader("X-Instance") or ""
        finally:
            conn.close()


def _descendants(pid: int) -> list[int]:
    """The process ids below `pid` (an instance's workers), read from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


def _kill_instance(server: ExpresspyRun) -> None:
    """SIGKILL an instance's supervisor and every worker: no graceful anything."""
    assert server.process is not None
    pids = [server.process.pid, *_descendants(server.process.pid)]
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    server.process.wait(10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids[1:]) and time.monotonic() < deadline:
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    """Whether `pid` is still a running process (not gone, not a zombie)."""
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path(NGINX).exists(), reason="needs nginx: bash .ci/install-nginx.sh")
@pytest.mark.parametrize("kind", ["redis", "postgres"])
def test_two_instances_behind_nginx_share_one_login(
    kind: str, redis_prefix: str, tmp_path: Path
) -> None:
    store = SharedStore(kind, redis_prefix)
    ports, listen = [free_port(), free_port()], free_port()
    env = {**store.env(), "EXPRESSPY_ENV": "production"}
    instances = [
        ExpresspyRun(EXAMPLE, "--workers", "2", port=port, env={**env, "INSTANCE": name})
        for name, port in zip("ab", ports, strict=True)
    ]
    balancer: Nginx | None = None
    try:
        for instance in instances:
            instance.start()
        balancer = Nginx(_nginx_config(tmp_path, listen, ports), tmp_path, listen)
        browser = Browser(listen)

        status, body, _ = browser.request("POST", "/login", "username=ann&password=nope")
        assert (status, body, browser.cookie) == (
            401,
            {"error": "wrong username or password"},
            None,
        )
        status, body, _ = browser.request("POST", "/login", "username=ann&password=wonderland")
        assert (status, body["user"]) == (200, "ann")
        assert browser.cookie is not None and browser.cookie.startswith("connect.sid=s%3A")

        # Every request after the login sees it, whichever instance and worker answers, and
        # the count written by one instance is read by the other on the next request.
        instances_seen: set[object] = set()
        for views in range(1, 31):
            status, body, served_by = browser.request("GET", "/")
            assert (status, body["user"], body["views"]) == (200, "ann", views), served_by
            instances_seen.add(body["instance"])
        assert instances_seen == {"a", "b"}, "nginx sent every request to one instance"

        stranger = Browser(listen)
        status, body, _ = stranger.request("GET", "/")
        assert (status, body["user"], stranger.cookie) == (200, None, None)

        assert store.records() == 1  # the login's, shared; the stranger saved nothing

        # One instance dies without warning; nginx moves on to the other, and the session,
        # kept in the shared store, is all there: the count goes on from where it was.
        _kill_instance(instances[0])
        for views in range(31, 41):
            status, body, _ = browser.request("GET", "/")
            assert (status, body["user"], body["views"], body["instance"]) == (
                200,
                "ann",
                views,
                "b",
            )

        status, body, _ = browser.request("POST", "/logout")
        assert (status, body) == (200, {"user": None})
        status, body, _ = browser.request("GET", "/")
        assert (status, body["user"]) == (200, None)
        assert store.records() == 0
    finally:
        if balancer is not None:
            balancer.stop()
        for instance in instances:
            instance.stop()
        store.drop()
