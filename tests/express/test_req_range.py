"""Port of Express 5 test/req.range.js."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def ranged(fn: Any) -> Any:
    app = express()
    app.use(lambda req, res: res.json(fn(req)))
    return app


def test_req__range_size__should_return_parsed_ranges() -> None:
    request(ranged(lambda req: req.range(120))).get("/").set("Range", "bytes=0-50,51-100").expect(
        200, '[{"start":0,"end":50},{"start":51,"end":100}]'
    )


def test_req__range_size__should_cap_to_the_given_size() -> None:
    request(ranged(lambda req: req.range(75))).get("/").set("Range", "bytes=0-100").expect(
        200, '[{"start":0,"end":74}]'
    )


def test_req__range_size__should_cap_to_the_given_size_when_open_ended() -> None:
    request(ranged(lambda req: req.range(75))).get("/").set("Range", "bytes=0-").expect(
        200, '[{"start":0,"end":74}]'
    )


def test_req__range_size__should_have_a_type() -> None:
    request(ranged(lambda req: req.range(120).type)).get("/").set("Range", "bytes=0-100").expect(
        200, '"bytes"'
    )


def test_req__range_size__should_accept_any_type() -> None:
    request(ranged(lambda req: req.range(120).type)).get("/").set("Range", "users=0-2").expect(
        200, '"users"'
    )


def test_req__range_size__should_return_undefined_if_no_range() -> None:
    # Python's "undefined" is None; res.json(None) writes null.
    request(ranged(lambda req: req.range(120))).get("/").expect(200, "null")


def test_req__range_size_options__with_combine_true_option__should_return_combined_ranges() -> None:
    request(ranged(lambda req: req.range(120, combine=True))).get("/").set(
        "Range", "bytes=0-50,51-100"
    ).expect(200, '[{"start":0,"end":100}]')
