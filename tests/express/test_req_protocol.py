"""Port of Express 5 test/req.protocol.js and test/req.secure.js."""

from __future__ import annotations

from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request


def proto_app(trust: Any = None, secure: bool = False, attribute: str = "protocol") -> Any:
    app = express()
    if trust is not None:
        app.set("trust proxy", trust)

    def answer(req: Any, res: Any) -> None:
        value = getattr(req, attribute)
        res.send(("yes" if value else "no") if attribute == "secure" else value)

    app.use(answer)
    if not secure:
        return app

    async def over_tls(scope: Any, receive: Any, send: Any) -> None:
        # the ASGI counterpart of Express's `req.socket.encrypted = true`
        await app({**scope, "scheme": "https"}, receive, send)

    return over_tls


def test_req__protocol__should_return_the_protocol_string() -> None:
    request(proto_app()).get("/").expect("http")


@pytest.mark.parametrize("name,trust,headers,secure,expected", [
    ("should_respect_x_forwarded_proto", True, {"X-Forwarded-Proto": "https"}, False, "https"),
    ("should_default_to_the_socket_addr_if_x_forwarded_proto_not_present", True, {}, True,
     "https"),
    ("should_ignore_x_forwarded_proto_if_socket_addr_not_trusted", "10.0.0.1",
     {"X-Forwarded-Proto": "https"}, False, "http"),
    ("should_default_to_http", True, {}, False, "http"),
    ("when_trusting_hop_count__should_respect_x_forwarded_proto", 1,
     {"X-Forwarded-Proto": "https"}, False, "https"),
])
def test_req__protocol__when_trust_proxy_is_enabled(name: str, trust: Any,
                                                    headers: dict[str, str], secure: bool,
                                                    expected: str) -> None:
    request(proto_app(trust, secure)).get("/").set(headers).expect(expected)


def test_req__protocol__when_trust_proxy_is_disabled__should_ignore_x_forwarded_proto() -> None:
    request(proto_app()).get("/").set("X-Forwarded-Proto", "https").expect("http")


@pytest.mark.parametrize("name,trust,proto,expected", [
    ("when_x_forwarded_proto_is_missing__should_return_false_when_http", None, None, "no"),
    ("when_x_forwarded_proto_is_present__should_return_false_when_http", None, "https", "no"),
    ("should_return_true_when_trust_proxy_is_enabled", True, "https", "yes"),
    ("should_return_false_when_initial_proxy_is_http", True, "http, https", "no"),
    ("should_return_true_when_initial_proxy_is_https", True, "https, http", "yes"),
    ("when_trust_proxy_trusting_hop_count__should_respect_x_forwarded_proto", 1, "https", "yes"),
])
def test_req__secure(name: str, trust: Any, proto: str | None, expected: str) -> None:
    test = request(proto_app(trust, attribute="secure")).get("/")
    if proto:
        test = test.set("X-Forwarded-Proto", proto)
    test.expect(expected)
