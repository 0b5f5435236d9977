"""Port of Express 5 test/res.status.js."""

from __future__ import annotations

import math
import re
from typing import Any

from expresspy import express
from expresspy.testing import request


def ending_with_status(code: Any) -> Any:
    app = express()
    app.use(lambda req, res: res.status(code).end())
    return app


def expect_status(code: int) -> None:
    request(ending_with_status(code)).get("/").expect(code)


def expect_invalid(code: Any) -> None:
    request(ending_with_status(code)).get("/").expect(500, re.compile("Invalid status code"))


def test_res__status_code__should_set_the_status_code_when_valid() -> None:
    expect_status(200)


def test_res__status_code__accept_valid_ranges__should_set_the_response_status_code_to_101() -> (
    None
):
    expect_status(101)


def test_res__status_code__accept_valid_ranges__should_set_the_response_status_code_to_201() -> (
    None
):
    expect_status(201)


def test_res__status_code__accept_valid_ranges__should_set_the_response_status_code_to_302() -> (
    None
):
    expect_status(302)


def test_res__status_code__accept_valid_ranges__should_set_the_response_status_code_to_403() -> (
    None
):
    expect_status(403)


def test_res__status_code__accept_valid_ranges__should_set_the_response_status_code_to_501() -> (
    None
):
    expect_status(501)


def test_res__status_code__accept_valid_ranges__should_set_the_response_status_code_to_700() -> (
    None
):
    expect_status(700)


def test_res__status_code__accept_valid_ranges__should_set_the_response_status_code_to_800() -> (
    None
):
    expect_status(800)


def test_res__status_code__accept_valid_ranges__should_set_the_response_status_code_to_900() -> (
    None
):
    expect_status(900)


def test_res__status_code__invalid_status_codes__should_raise_error_for_status_code_below_100() -> (
    None
):
    expect_invalid(99)


def test_res__status_code__invalid_status_codes__should_raise_error_for_status_code_above_999() -> (
    None
):
    expect_invalid(1000)


def test_res__status_code__invalid_status_codes__should_raise_error_for_non_integer_status_codes() -> (
    None
):
    expect_invalid(200.1)


def test_res__status_code__invalid_status_codes__should_raise_error_for_undefined_status_code() -> (
    None
):
    # JavaScript's undefined and null are both Python's None.
    expect_invalid(None)


def test_res__status_code__invalid_status_codes__should_raise_error_for_null_status_code() -> None:
    expect_invalid(None)


def test_res__status_code__invalid_status_codes__should_raise_error_for_string_status_code() -> (
    None
):
    expect_invalid("200")


def test_res__status_code__invalid_status_codes__should_raise_error_for_nan_status_code() -> None:
    expect_invalid(math.nan)
