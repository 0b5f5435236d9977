"""Port of Express 5 test/req.ips.js."""

from __future__ import annotations

from typing import Any

from .test_req_ip import forwarded


def ips_of(req: Any) -> Any:
    return req.ips


def test_req__ips__when_x_forwarded_for_is_present__when_trust_proxy_is_enabled__should_return_an_array_of_the_specified_addresses() -> (
    None
):
    forwarded(ips_of, trust_proxy=True).expect('["client","p1","p2"]')


def test_req__ips__when_x_forwarded_for_is_present__when_trust_proxy_is_enabled__should_stop_at_first_untrusted() -> (
    None
):
    forwarded(ips_of, trust_proxy=2).expect('["p1","p2"]')


def test_req__ips__when_x_forwarded_for_is_present__when_trust_proxy_is_disabled__should_return_an_empty_array() -> (
    None
):
    forwarded(ips_of).expect("[]")


def test_req__ips__when_x_forwarded_for_is_not_present__should_return() -> None:
    forwarded(ips_of, None).expect("[]")
