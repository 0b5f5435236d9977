"""Port of Express 5 test/req.secure.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def secure_app(trust: Any = None) -> Any:
    app = express()
    if trust is not None:
        app.set("trust proxy", trust)
    app.get("/", lambda req, res: res.send("yes" if req.secure else "no"))
    return app


def test_req__secure__when_x_forwarded_proto_is_missing__should_return_false_when_http() -> None:
    request(secure_app()).get("/").expect("no")


def test_req__secure__when_x_forwarded_proto_is_present__should_return_false_when_http() -> None:
    request(secure_app()).get("/").set("X-Forwarded-Proto", "https").expect("no")


def test_req__secure__when_x_forwarded_proto_is_present__should_return_true_when_trust_proxy_is_enabled() -> (
    None
):
    request(secure_app(True)).get("/").set("X-Forwarded-Proto", "https").expect("yes")


def test_req__secure__when_x_forwarded_proto_is_present__should_return_false_when_initial_proxy_is_http() -> (
    None
):
    request(secure_app(True)).get("/").set("X-Forwarded-Proto", "http, https").expect("no")


def test_req__secure__when_x_forwarded_proto_is_present__should_return_true_when_initial_proxy_is_https() -> (
    None
):
    request(secure_app(True)).get("/").set("X-Forwarded-Proto", "https, http").expect("yes")


def test_req__secure__when_x_forwarded_proto_is_present__when_trust_proxy_trusting_hop_count__should_respect_x_forwarded_proto() -> (
    None
):
    request(secure_app(1)).get("/").set("X-Forwarded-Proto", "https").expect("yes")
