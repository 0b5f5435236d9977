"""Port of Express 5 test/req.hostname.js.

JavaScript's ``String(undefined)`` is ``str(None)`` here: without Host, ``req.hostname`` is None.
"""

from __future__ import annotations

from typing import Any

from expresspy.testing import request

from .support import ending, forwarded_host, hostless, sending


def hostname_of(req: Any) -> Any:
    return req.hostname


def test_req__hostname__should_return_the_host_when_present() -> None:
    request(ending(hostname_of)).post("/").set("Host", "example.com").expect("example.com")


def test_req__hostname__should_strip_port_number() -> None:
    request(ending(hostname_of)).post("/").set("Host", "example.com:3000").expect("example.com")


def test_req__hostname__should_return_undefined_otherwise() -> None:
    request(ending(hostless("hostname"))).post("/").expect("None")


def test_req__hostname__should_work_with_ipv6_host() -> None:
    request(ending(hostname_of)).post("/").set("Host", "[::1]").expect("[::1]")


def test_req__hostname__should_work_with_ipv6_host_and_port() -> None:
    request(ending(hostname_of)).post("/").set("Host", "[::1]:3000").expect("[::1]")


def test_req__hostname__when_trust_proxy_is_enabled__should_respect_x_forwarded_host() -> None:
    forwarded_host(hostname_of, True, "example.com:3000").expect("example.com")


def test_req__hostname__when_trust_proxy_is_enabled__should_ignore_x_forwarded_host_if_socket_addr_not_trusted() -> (
    None
):
    forwarded_host(hostname_of, "10.0.0.1", "example.com").expect("localhost")


def test_req__hostname__when_trust_proxy_is_enabled__should_default_to_host() -> None:
    forwarded_host(hostname_of, True, None, "example.com").expect("example.com")


def test_req__hostname__when_trust_proxy_is_enabled__when_multiple_x_forwarded_host__should_use_the_first_value() -> (
    None
):
    forwarded_host(hostname_of, True, "example.com, foobar.com", answer=sending).expect(
        200, "example.com"
    )


def test_req__hostname__when_trust_proxy_is_enabled__when_multiple_x_forwarded_host__should_remove_ows_around_comma() -> (
    None
):
    forwarded_host(hostname_of, True, "example.com , foobar.com", answer=sending).expect(
        200, "example.com"
    )


def test_req__hostname__when_trust_proxy_is_enabled__when_multiple_x_forwarded_host__should_strip_port_number() -> (
    None
):
    forwarded_host(hostname_of, True, "example.com:8080 , foobar.com:8888", answer=sending).expect(
        200, "example.com"
    )


def test_req__hostname__when_trust_proxy_is_disabled__should_ignore_x_forwarded_host() -> None:
    forwarded_host(hostname_of, None, "evil").expect("localhost")
