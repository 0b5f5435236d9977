"""cors(): origins, preflights and the header set of the npm package cors 2.8."""

from __future__ import annotations

import re
from typing import Any

from expresspy import express
from expresspy.middleware import cors
from expresspy.testing import request


def cors_app(*args: Any, **kwargs: Any) -> Any:
    app = express()
    app.use(cors(*args, **kwargs))
    app.all("/", lambda req, res: res.send("ok"))
    return app


def test_default_allows_any_origin() -> None:
    res = request(cors_app()).get("/").set("Origin", "https://a.example").expect(200, "ok")
    assert res.headers["access-control-allow-origin"] == "*"
    assert "vary" not in res.headers


def test_default_preflight() -> None:
    res = (
        request(cors_app())
        .options("/")
        .set("Origin", "https://a.example")
        .set("Access-Control-Request-Headers", "X-Foo")
        .expect(204, "")
    )
    assert res.headers["access-control-allow-origin"] == "*"
    assert res.headers["access-control-allow-methods"] == "GET,HEAD,PUT,PATCH,POST,DELETE"
    assert res.headers["access-control-allow-headers"] == "X-Foo"
    assert res.headers["vary"] == "Access-Control-Request-Headers"
    assert res.headers["content-length"] == "0"


def test_fixed_origin_string_is_always_sent_with_vary() -> None:
    res = (
        request(cors_app(origin="https://a.example"))
        .get("/")
        .set("Origin", "https://evil.example")
        .expect(200)
    )
    assert res.headers["access-control-allow-origin"] == "https://a.example"
    assert res.headers["vary"] == "Origin"


def test_list_and_regex_reflect_only_allowed_origins() -> None:
    app = cors_app({"origin": ["https://a.example", re.compile(r"\.example\.org$")]})
    ok = request(app).get("/").set("Origin", "https://x.example.org").expect(200)
    assert ok.headers["access-control-allow-origin"] == "https://x.example.org"
    bad = request(app).get("/").set("Origin", "https://evil.example").expect(200)
    assert "access-control-allow-origin" not in bad.headers
    assert bad.headers["vary"] == "Origin"


def test_true_reflects_and_false_disables() -> None:
    res = request(cors_app(origin=True)).get("/").set("Origin", "https://b.example").expect(200)
    assert res.headers["access-control-allow-origin"] == "https://b.example"
    off = request(cors_app(origin=False)).options("/").set("Origin", "https://b.example")
    off.expect(200, "ok")
    assert "access-control-allow-origin" not in off.headers


def test_origin_callable_sync_and_async() -> None:
    async def check(origin: str | None) -> bool:
        return origin == "https://ok.example"

    app = cors_app(origin=check)
    res = request(app).get("/").set("Origin", "https://ok.example").expect(200)
    assert res.headers["access-control-allow-origin"] == "https://ok.example"
    app2 = cors_app(origin=lambda origin: "https://fixed.example")
    assert (
        request(app2).get("/").expect(200).headers["access-control-allow-origin"]
        == "https://fixed.example"
    )


def test_origin_callable_error_goes_to_next() -> None:
    def boom(origin: str | None) -> bool:
        raise RuntimeError("nope")

    app = cors_app(origin=boom)
    app.use(lambda err, req, res, next: res.status(500).send(str(err)))
    request(app).get("/").expect(500, "nope")


def test_full_option_set_on_preflight() -> None:
    app = cors_app(
        {
            "origin": "https://a.example",
            "methods": ["GET", "POST"],
            "allowedHeaders": ["Content-Type", "X-Token"],
            "exposedHeaders": "X-Total",
            "credentials": True,
            "maxAge": 600,
            "optionsSuccessStatus": 200,
        }
    )
    res = request(app).options("/").set("Origin", "https://a.example").expect(200, "")
    assert res.headers["access-control-allow-methods"] == "GET,POST"
    assert res.headers["access-control-allow-headers"] == "Content-Type,X-Token"
    assert res.headers["access-control-expose-headers"] == "X-Total"
    assert res.headers["access-control-allow-credentials"] == "true"
    assert res.headers["access-control-max-age"] == "600"


def test_exposed_headers_on_simple_requests_but_no_methods() -> None:
    res = request(cors_app(exposed_headers=["X-A", "X-B"], max_age=0)).get("/").expect(200)
    assert res.headers["access-control-expose-headers"] == "X-A,X-B"
    assert "access-control-allow-methods" not in res.headers
    assert "access-control-max-age" not in res.headers


def test_max_age_zero_is_sent_on_preflight() -> None:
    res = request(cors_app(max_age=0)).options("/").expect(204)
    assert res.headers["access-control-max-age"] == "0"


def test_preflight_continue() -> None:
    request(cors_app(preflight_continue=True)).options("/").expect(200, "ok")


def test_options_delegate_per_request() -> None:
    def per_request(req: Any) -> dict[str, Any]:
        return {"origin": req.get("X-Allow") == "1"}

    app = cors_app(per_request)
    res = request(app).get("/").set("Origin", "https://c.example").set("X-Allow", "1")
    assert res.expect(200).headers["access-control-allow-origin"] == "https://c.example"
    res2 = request(app).get("/").set("Origin", "https://c.example").expect(200)
    assert "access-control-allow-origin" not in res2.headers
