"""Port of Express 5 test/req.subdomains.js."""

from __future__ import annotations

from typing import Any

from expresspy.testing import request

from .support import sending


def subdomains_of(req: Any) -> Any:
    return req.subdomains


def subdomains(host: str, **settings: Any) -> Any:
    return request(sending(subdomains_of, **settings)).get("/").set("Host", host)


def test_req__subdomains__when_present__should_return_an_array() -> None:
    subdomains("tobi.ferrets.example.com").expect(200, ["ferrets", "tobi"])


def test_req__subdomains__when_present__should_work_with_ipv4_address() -> None:
    subdomains("127.0.0.1").expect(200, [])


def test_req__subdomains__when_present__should_work_with_ipv6_address() -> None:
    subdomains("[::1]").expect(200, [])


def test_req__subdomains__otherwise__should_return_an_empty_array() -> None:
    subdomains("example.com").expect(200, [])


def test_req__subdomains__with_no_host__should_return_an_empty_array() -> None:
    def hostless(req: Any) -> Any:
        req.headers["host"] = None
        return req.subdomains

    request(sending(hostless)).get("/").expect(200, [])


def test_req__subdomains__with_trusted_x_forwarded_host__should_return_an_array() -> None:
    app = sending(subdomains_of, trust_proxy=True)
    request(app).get("/").set("X-Forwarded-Host", "tobi.ferrets.example.com").expect(
        200, ["ferrets", "tobi"]
    )


def test_req__subdomains__when_subdomain_offset_is_set__when_subdomain_offset_is_zero__should_return_an_array_with_the_whole_domain() -> (
    None
):
    subdomains("tobi.ferrets.sub.example.com", subdomain_offset=0).expect(
        200, ["com", "example", "sub", "ferrets", "tobi"]
    )


def test_req__subdomains__when_subdomain_offset_is_set__when_subdomain_offset_is_zero__should_return_an_array_with_the_whole_ipv4() -> (
    None
):
    subdomains("127.0.0.1", subdomain_offset=0).expect(200, ["127.0.0.1"])


def test_req__subdomains__when_subdomain_offset_is_set__when_subdomain_offset_is_zero__should_return_an_array_with_the_whole_ipv6() -> (
    None
):
    subdomains("[::1]", subdomain_offset=0).expect(200, ["[::1]"])


def test_req__subdomains__when_subdomain_offset_is_set__when_present__should_return_an_array() -> (
    None
):
    subdomains("tobi.ferrets.sub.example.com", subdomain_offset=3).expect(200, ["ferrets", "tobi"])


def test_req__subdomains__when_subdomain_offset_is_set__otherwise__should_return_an_empty_array() -> (
    None
):
    subdomains("sub.example.com", subdomain_offset=3).expect(200, [])
