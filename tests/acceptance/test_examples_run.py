"""Every example starts with `expresspy run <file>` and answers its first page over real HTTP.

The acceptance tests next to this file test each example's behaviour in-process; this one
proves the command a reader is told to type works, with the default (development)
environment, so request logging and the other non-test paths are exercised too.
"""

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.acceptance.serving import SERVERS, ExpresspyRun


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# target, path, expected status, a pattern the body must contain
EXAMPLES = [
    ("examples/seed_tutorial.py", "/set-session", 200, "Session data has been set"),
    ("examples/express/hello-world/index.py", "/", 200, "Hello World"),
    ("examples/express/auth/index.py", "/login", 200, "<form"),
    ("examples/express/cookies/index.py", "/", 200, "<form"),
    ("examples/express/downloads/index.py", "/files/amazing.txt", 200, "amazing"),
    ("examples/express/error/index.py", "/", 500, "Internal Server Error"),
    ("examples/express/error-pages/index.py", "/500", 500, "keyboard cat!"),
    ("examples/express/multi-router/index.py", "/api/v2/users", 200, "APIv2 users"),
    ("examples/express/params/index.py", "/users/1-3", 200, "tobi, loki, jane"),
    ("examples/express/web-service/index.py", "/api/users?api-key=foo", 200, "tobi"),
    ("examples/express/session/index.py", "/", 200, "First time visiting"),
    ("examples/express/session/redis_app.py", "/", 200, "First time visiting"),
    ("examples/express/static-files/index.py", "/hello.txt", 200, "hey"),
    ("examples/express/ejs/index.py", "/", 200, "tobi &lt;"),
    ("examples/express/ejs/index.py", "/stylesheets/style.css", 200, "font"),
    ("examples/express/content-negotiation/index.py", "/users", 200, "<li>Tobi</li>"),
    ("examples/express/cookie-sessions/index.py", "/", 200, "viewed 1 times"),
    ("examples/express/markdown/index.py", "/", 200, "<h1>Markdown Example</h1>"),
    ("examples/express/resource/index.py", "/users/1..3.json", 200, '"name":"ciaran"'),
    ("examples/express/route-map/index.py", "/users/12/pets", 200, "user 12's pets"),
    ("examples/express/vhost/index.py", "/", 404, "Cannot GET /"),
    pytest.param("examples/express/mvc/index.py", "/users", 200, "Guillermo"),
    pytest.param("examples/express/route-separation/index.py", "/users", 200, "Tobi"),
    ("examples/login/app.py", "/login", 200, "Sign in"),
    ("examples/json_api/app.py", "/api/authors", 200, r"\[\]"),
    ("examples/multi_worker/app.py", "/", 200, '"count":1'),
    ("examples/scale_out/app.py", "/", 200, '"user":null'),
    ("examples/shared_login/app.py", "/", 200, "served by Python"),
    ("examples/chat/app.py", "/login", 200, "Enter the room"),
]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.mark.parametrize("server_name", SERVERS)
@pytest.mark.parametrize(("target", "path", "status", "pattern"), EXAMPLES)
def test_expresspy_run_serves_the_example(
    tmp_path: Path, server_name: str, target: str, path: str, status: int, pattern: str
) -> None:
    """Each example under `expresspy run`, and unchanged under uvicorn and hypercorn."""
    env = {"EXPRESSPY_ENV": "development", "LOGIN_SESSION_DB": str(tmp_path / "s.db")}
    with ExpresspyRun(target, env=env, server=server_name) as server:
        got_status, body = fetch(server.url + path)
    assert (got_status, bool(re.search(pattern, body))) == (status, True), (
        f"{got_status} {body[:300]!r}\n--- server output:\n{server.output()[-2000:]}"
    )
