"""Port of Express 5 test/req.ip.js.

The test client connects from 127.0.0.1 (IPv4), which is what ``getExpectedClientAddress``
expects of a server that does not listen on ``::``.
"""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request

from .support import sending

CHAIN = "client, p1, p2"


def ip_of(req: Any) -> Any:
    return req.ip


def forwarded(value_of: Any, chain: str | None = CHAIN, **settings: Any) -> Any:
    test = request(sending(value_of, **settings)).get("/")
    return test if chain is None else test.set("X-Forwarded-For", chain)


def test_req__ip__when_x_forwarded_for_is_present__when_trust_proxy_is_enabled__should_return_the_client_addr() -> (
    None
):
    forwarded(ip_of, trust_proxy=True).expect("client")


def test_req__ip__when_x_forwarded_for_is_present__when_trust_proxy_is_enabled__should_return_the_addr_after_trusted_proxy_based_on_count() -> (
    None
):
    forwarded(ip_of, trust_proxy=2).expect("p1")


def test_req__ip__when_x_forwarded_for_is_present__when_trust_proxy_is_enabled__should_return_the_addr_after_trusted_proxy_based_on_list() -> (
    None
):
    forwarded(
        ip_of, "10.0.0.2, 10.0.0.3, 10.0.0.1", trust_proxy="10.0.0.1, 10.0.0.2, 127.0.0.1, ::1"
    ).expect("10.0.0.3")


def test_req__ip__when_x_forwarded_for_is_present__when_trust_proxy_is_enabled__should_return_the_addr_after_trusted_proxy_from_sub_app() -> (
    None
):
    app = express()
    app.set("trust proxy", 2)
    app.use(sending(ip_of))
    request(app).get("/").set("X-Forwarded-For", CHAIN).expect(200, "p1")


def test_req__ip__when_x_forwarded_for_is_present__when_trust_proxy_is_disabled__should_return_the_remote_address() -> (
    None
):
    forwarded(ip_of).expect(200, "127.0.0.1")


def test_req__ip__when_x_forwarded_for_is_not_present__should_return_the_remote_address() -> None:
    forwarded(ip_of, None, trust_proxy=True).expect(200, "127.0.0.1")
