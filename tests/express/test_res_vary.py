"""Port of Express 5 test/res.vary.js."""

from __future__ import annotations

import re
from typing import Any

from expresspy.testing import request, should_not_have_header

from .support import app_with


def varying(*fields: Any) -> Any:
    def handler(req: Any, res: Any) -> None:
        for each in fields:
            res.vary(*each)
        res.end()

    return request(app_with(handler)).get("/")


def test_res_vary__with_no_arguments__should_throw_error() -> None:
    # Python's own words for a missing argument: "missing 1 required positional argument: 'field'"
    varying(()).expect(500, re.compile("TypeError: .*required.*field"))


def test_res_vary__with_an_empty_array__should_not_set_vary() -> None:
    varying(([],)).expect(should_not_have_header("Vary")).expect(200)


def test_res_vary__with_an_array__should_set_the_values() -> None:
    varying((["Accept", "Accept-Language", "Accept-Encoding"],)).expect(
        "Vary", "Accept, Accept-Language, Accept-Encoding"
    ).expect(200)


def test_res_vary__with_a_string__should_set_the_value() -> None:
    varying(("Accept",)).expect("Vary", "Accept").expect(200)


def test_res_vary__when_the_value_is_present__should_not_add_it_again() -> None:
    varying(
        ("Accept",), ("Accept-Encoding",), ("Accept-Encoding",), ("Accept-Encoding",), ("Accept",)
    ).expect("Vary", "Accept, Accept-Encoding").expect(200)
