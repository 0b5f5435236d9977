"""Port of Express 5 test/res.links.js."""

from __future__ import annotations

from typing import Any

from expresspy.testing import request

from .support import app_with

API = "http://api.example.com/users?page="
NEXT_LAST = f'<{API}2>; rel="next", <{API}5>; rel="last"'


def linking(*links: dict[str, Any]) -> Any:
    def handler(req: Any, res: Any) -> None:
        for each in links:
            res.links(each)
        res.end()

    return request(app_with(handler)).get("/")


def test_res__links_obj__should_set_link_header_field() -> None:
    linking({"next": f"{API}2", "last": f"{API}5"}).expect("Link", NEXT_LAST).expect(200)


def test_res__links_obj__should_set_link_header_field_for_multiple_calls() -> None:
    linking({"next": f"{API}2", "last": f"{API}5"}, {"prev": f"{API}1"}).expect(
        "Link", f'{NEXT_LAST}, <{API}1>; rel="prev"'
    ).expect(200)


def test_res__links_obj__should_set_multiple_links_for_single_rel() -> None:
    linking({"next": f"{API}2", "last": [f"{API}5", f"{API}1"]}).expect(
        "Link", f'{NEXT_LAST}, <{API}1>; rel="last"'
    ).expect(200)
