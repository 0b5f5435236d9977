"""The same client over a real socket: server=True and a URL."""

from __future__ import annotations

import pytest

from expresspy.testing import agent, request
from expresspy.testing.transports import HTTPTransport

from .apps import CountingLifespanApp, cookie_app, echo, header


def test_server_mode_speaks_real_http() -> None:
    client = request(echo, server=True)
    got = client.post("/over/the%20wire?x=1").send({"a": 1}).expect(200).body
    assert got["path"] == "/over/the wire"
    assert got["query"] == "x=1"
    assert got["body"] == '{"a":1}'
    host = header(got, "host")
    assert host is not None and host.startswith("127.0.0.1:")
    assert host != "127.0.0.1:80"


def test_url_mode_reaches_a_running_server_and_agent_cookies_work() -> None:
    server_client = request(cookie_app, server=True)
    server_client.get("/warm-up").expect(200)
    url = f"http://127.0.0.1:{server_client.transport._http.port}"  # type: ignore[attr-defined]
    a = agent(url)
    a.get("/login").expect(200)
    a.get("/me").expect(200, "sid=abc; theme=dark")


def test_server_mode_runs_lifespan_and_head() -> None:
    app = CountingLifespanApp()
    client = request(app, server=True)
    client.get("/").expect(200, {"startups": 1, "state": "from startup"})
    client.head("/").expect(200, "")
    assert app.startups == 1


def test_url_with_a_path_prefix() -> None:
    transport = HTTPTransport("http://localhost:8080/api/")
    assert (transport.hostname, transport.port, transport.prefix) == ("localhost", 8080, "/api")
    assert transport.host == "localhost"
    assert transport.netloc == "localhost:8080"


@pytest.mark.parametrize("url", ["ftp://x", "https://example.com", "127.0.0.1:3000"])
def test_unsupported_urls_fail_loudly(url: str) -> None:
    # request() once claimed to accept https:// URLs, which then failed on the first request
    with pytest.raises(ValueError, match=r"pass an http:// URL .*\(https:// is not supported\)"):
        request(url)
