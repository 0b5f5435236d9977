"""The built-in server's native path (`Application.serve_native`) against the ASGI one: the
same request as the app sees it, the same responses, whatever goes around `respond`."""

from __future__ import annotations

from typing import Any

import pytest

from expresspy import express
from expresspy.middleware import compression
from expresspy.testing import request

from .helpers import app_with, json_of

pytestmark = pytest.mark.usefixtures("server_path")  # native and ASGI


def scope_view(req: Any) -> dict[str, Any]:
    """What the app can read of its request, from the parts and from the scope."""
    scope = req.scope
    return {
        "method": req.method,
        "url": req.url,
        "host": req.get("host"),
        "http_version": req.http_version,
        "protocol": req.protocol,
        "ip": req.ip,
        "scope": {
            key: scope[key].decode("latin-1") if isinstance(scope[key], bytes) else scope[key]
            for key in ("type", "method", "path", "raw_path", "query_string", "root_path")
        },
        "scope_headers": [[n.decode(), v.decode()] for n, v in scope["headers"]],
    }


def test_the_request_reads_the_same_on_both_paths() -> None:
    app = app_with(json_of(scope_view), path="/caf%C3%A9/x")
    body = request(app, server=True).get("/caf%C3%A9/x?q=1&r=%20").set("X-Mixed", "V").body
    assert body["method"] == "GET"
    assert body["url"] == "/caf%C3%A9/x?q=1&r=%20"
    assert body["http_version"] == "1.1"
    assert (body["protocol"], body["ip"]) == ("http", "127.0.0.1")
    assert body["scope"] == {
        "type": "http",
        "method": "GET",
        "path": "/café/x",
        "raw_path": "/caf%C3%A9/x",
        "query_string": "q=1&r=%20",
        "root_path": "",
    }
    assert ["x-mixed", "V"] in body["scope_headers"]
    assert body["host"] == body["scope_headers"][0][1]


def test_a_wrapped_send_still_gets_the_response() -> None:
    """compression() wraps `res._send`: the whole response goes through it, not `respond`."""
    app = express()
    app.use(compression(threshold=0))
    app.get("/", lambda req, res: res.type("text").send("z" * 2000))
    response = request(app, server=True).get("/").set("Accept-Encoding", "gzip")
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "z" * 2000


def test_an_error_page_and_a_404_are_the_same_on_both_paths() -> None:
    app = express()
    app.set("env", "production")

    def fail(req: Any, res: Any) -> None:
        raise ValueError("boom")

    app.get("/fail", fail)
    failed = request(app, server=True).get("/fail").expect(500)
    assert "<pre>Internal Server Error</pre>" in failed.text
    missing = request(app, server=True).get("/missing").expect(404)
    assert "<pre>Cannot GET /missing</pre>" in missing.text
