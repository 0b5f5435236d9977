"""Port of Express 5 test/res.append.js."""

from __future__ import annotations

from typing import Any

from expresspy.testing import request

from .support import app_with, header_values, then_next


def ending_with(action: Any) -> Any:
    def last(req: Any, res: Any) -> None:
        action(res)
        res.end()

    return last


def append_fizz(res: Any) -> None:
    res.append("Set-Cookie", "fizz=buzz")


def test_res__append_field_val__should_append_multiple_headers() -> None:
    app = app_with(
        then_next(lambda req, res: res.append("Set-Cookie", "foo=bar")), ending_with(append_fizz)
    )
    request(app).get("/").expect(200).expect(
        header_values("Set-Cookie", ["foo=bar", "fizz=buzz"])
    ).end()


def test_res__append_field_val__should_accept_array_of_values() -> None:
    app = app_with(ending_with(lambda res: res.append("Set-Cookie", ["foo=bar", "fizz=buzz"])))
    request(app).get("/").expect(200).expect(
        header_values("Set-Cookie", ["foo=bar", "fizz=buzz"])
    ).end()


def test_res__append_field_val__should_get_reset_by_res_set_field_val() -> None:
    def append_two(req: Any, res: Any) -> None:
        res.append("Set-Cookie", "foo=bar")
        res.append("Set-Cookie", "fizz=buzz")

    app = app_with(
        then_next(append_two), ending_with(lambda res: res.set("Set-Cookie", "pet=tobi"))
    )
    request(app).get("/").expect(200).expect(header_values("Set-Cookie", ["pet=tobi"])).end()


def test_res__append_field_val__should_work_with_res_set_field_val_first() -> None:
    app = app_with(
        then_next(lambda req, res: res.set("Set-Cookie", "foo=bar")), ending_with(append_fizz)
    )
    request(app).get("/").expect(200).expect(
        header_values("Set-Cookie", ["foo=bar", "fizz=buzz"])
    ).end()


def test_res__append_field_val__should_work_together_with_res_cookie() -> None:
    app = app_with(then_next(lambda req, res: res.cookie("foo", "bar")), ending_with(append_fizz))
    request(app).get("/").expect(200).expect(
        header_values("Set-Cookie", ["foo=bar; Path=/", "fizz=buzz"])
    ).end()
