"""The app is a plain ASGI 3 callable: the seed tutorial runs unchanged under uvicorn and
hypercorn, with the same answers as under the built-in server (tests/test_foundation.py).
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest

from tests.acceptance.serving import ExpresspyRun

PEERS = ["hypercorn", "uvicorn"]


@pytest.fixture(params=PEERS)
def served_port(request: pytest.FixtureRequest) -> Iterator[int]:
    with ExpresspyRun("examples/seed_tutorial.py", server=request.param) as run:
        yield run.port


def _get(port: int, path: str, cookie: str | None) -> tuple[int, bytes, str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, response.headers.get("Set-Cookie")


def test_seed_tutorial_under_another_asgi_server(served_port: int) -> None:
    status, body, set_cookie = _get(served_port, "/get-session", None)
    assert (status, body, set_cookie) == (200, b"Hello, None!", None)
    status, body, set_cookie = _get(served_port, "/set-session", None)
    assert (status, body) == (200, b"Session data has been set.")
    assert set_cookie is not None and set_cookie.endswith("; Path=/; HttpOnly")
    cookie = set_cookie.split(";", 1)[0]
    assert _get(served_port, "/get-session", cookie)[:2] == (200, b"Hello, john_doe!")
    assert _get(served_port, "/clear-session", cookie)[:2] == (200, b"Session has been cleared.")
    assert _get(served_port, "/get-session", cookie)[:2] == (200, b"Hello, None!")
    status, body, _ = _get(served_port, "/nope", None)
    assert status == 404 and b"<pre>Cannot GET /nope</pre>" in body
