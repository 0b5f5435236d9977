"""Port of Express 5 test/req.host.js.

JavaScript's ``String(undefined)`` is ``str(None)`` here: without Host, ``req.host`` is None.
"""

from __future__ import annotations

from typing import Any

from expresspy.testing import request

from .support import ending, forwarded_host, hostless


def host_of(req: Any) -> Any:
    return req.host


def test_req__host__should_return_the_host_when_present() -> None:
    request(ending(host_of)).post("/").set("Host", "example.com").expect("example.com")


def test_req__host__should_strip_port_number() -> None:
    request(ending(host_of)).post("/").set("Host", "example.com:3000").expect(
        200, "example.com:3000"
    )


def test_req__host__should_return_undefined_otherwise() -> None:
    request(ending(hostless("host"))).post("/").expect("None")


def test_req__host__should_work_with_ipv6_host() -> None:
    request(ending(host_of)).post("/").set("Host", "[::1]").expect("[::1]")


def test_req__host__should_work_with_ipv6_host_and_port() -> None:
    request(ending(host_of)).post("/").set("Host", "[::1]:3000").expect(200, "[::1]:3000")


def test_req__host__when_trust_proxy_is_enabled__should_respect_x_forwarded_host() -> None:
    forwarded_host(host_of, True, "example.com").expect("example.com")


def test_req__host__when_trust_proxy_is_enabled__should_ignore_x_forwarded_host_if_socket_addr_not_trusted() -> (
    None
):
    forwarded_host(host_of, "10.0.0.1", "example.com").expect("localhost")


def test_req__host__when_trust_proxy_is_enabled__should_default_to_host() -> None:
    forwarded_host(host_of, True, None, "example.com").expect("example.com")


def test_req__host__when_trust_proxy_is_enabled__when_trusting_hop_count__should_respect_x_forwarded_host() -> (
    None
):
    forwarded_host(host_of, 1, "example.com").expect("example.com")


def test_req__host__when_trust_proxy_is_disabled__should_ignore_x_forwarded_host() -> None:
    forwarded_host(host_of, None, "evil").expect("localhost")
