"""Port of Express 5 test/req.protocol.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def protocol_app(trust: Any = None, *, encrypted: bool = False) -> Any:
    app = express()
    if trust is not None:
        app.set("trust proxy", trust)
    app.use(lambda req, res: res.end(req.protocol))
    if not encrypted:
        return app

    async def over_tls(scope: Any, receive: Any, send: Any) -> None:
        # the ASGI counterpart of Express's `req.socket.encrypted = true`: the server says
        # the connection is TLS through the scope's scheme
        await app({**scope, "scheme": "https"}, receive, send)

    return over_tls


def test_req__protocol__should_return_the_protocol_string() -> None:
    request(protocol_app()).get("/").expect("http")


def test_req__protocol__when_trust_proxy_is_enabled__should_respect_x_forwarded_proto() -> None:
    request(protocol_app(True)).get("/").set("X-Forwarded-Proto", "https").expect("https")


def test_req__protocol__when_trust_proxy_is_enabled__should_default_to_the_socket_addr_if_x_forwarded_proto_not_present() -> (
    None
):
    request(protocol_app(True, encrypted=True)).get("/").expect("https")


def test_req__protocol__when_trust_proxy_is_enabled__should_ignore_x_forwarded_proto_if_socket_addr_not_trusted() -> (
    None
):
    request(protocol_app("10.0.0.1")).get("/").set("X-Forwarded-Proto", "https").expect("http")


def test_req__protocol__when_trust_proxy_is_enabled__should_default_to_http() -> None:
    request(protocol_app(True)).get("/").expect("http")


def test_req__protocol__when_trust_proxy_is_enabled__when_trusting_hop_count__should_respect_x_forwarded_proto() -> (
    None
):
    request(protocol_app(1)).get("/").set("X-Forwarded-Proto", "https").expect("https")


def test_req__protocol__when_trust_proxy_is_disabled__should_ignore_x_forwarded_proto() -> None:
    request(protocol_app()).get("/").set("X-Forwarded-Proto", "https").expect("http")
