"""Numbers in JSON responses are written as JavaScript's JSON.stringify writes them.

The expected texts were produced by Node 20 (`JSON.stringify(value)`).
"""

from __future__ import annotations

import pytest

from expresspy import express
from expresspy.http.jsontext import stringify
from expresspy.testing import request

NODE_JSON = [
    (1.5e-07, "1.5e-7"),
    (1e-05, "0.00001"),
    (0.0001, "0.0001"),
    (0.00012345, "0.00012345"),
    (-3e-09, "-3e-9"),
    (5e-324, "5e-324"),
    (1e-06, "0.000001"),
    (9.99e-07, "9.99e-7"),
    (123.456, "123.456"),
    (0.1, "0.1"),
    (1e21, "1e+21"),
    (1.7976931348623157e308, "1.7976931348623157e+308"),
    (-1e-06, "-0.000001"),
    (2.5e-10, "2.5e-10"),
    (1e-07, "1e-7"),
    (0.5, "0.5"),
    (0.0001, "0.0001"),
    (3.14159e-05, "0.0000314159"),
]


@pytest.mark.parametrize(("value", "expected"), NODE_JSON)
def test_float_is_written_like_json_stringify(value: float, expected: str) -> None:
    assert stringify(value) == expected
    assert stringify({"n": [value]}) == f'{{"n":[{expected}]}}'


def test_small_float_inside_strings_is_left_alone() -> None:
    assert stringify({"s": "1e-07", "n": 1e-07}) == '{"s":"1e-07","n":1e-7}'


def test_res_json_sends_javascript_notation() -> None:
    app = express()
    app.get("/", lambda req, res: res.json({"tiny": 1.5e-7, "small": 0.00001}))
    request(app).get("/").expect(200, '{"tiny":1.5e-7,"small":0.00001}')


def test_a_circular_structure_is_a_type_error_not_a_recursion_error() -> None:
    loop: list[object] = [1]
    loop.append(loop)
    cyclic: dict[str, object] = {}
    cyclic["self"] = {"up": cyclic}
    for value in (loop, cyclic):
        with pytest.raises(TypeError, match="Converting circular structure to JSON"):
            stringify(value)
    shared = [1]
    assert stringify([shared, shared]) == "[[1],[1]]"  # repeated, not circular
    app = express()
    app.set("env", "production")
    app.get("/", lambda req, res: res.json(cyclic))
    request(app).get("/").expect(500)


def test_with_a_replacer_nan_is_null_not_dropped() -> None:
    # JSON.stringify({a: NaN, b: 1}, (k, v) => v) === '{"a":null,"b":1}'
    keep = lambda key, value: value  # noqa: E731
    assert stringify({"a": float("nan"), "b": 1}, keep) == '{"a":null,"b":1}'
    assert stringify({"a": 1, "b": 2}, lambda k, v: None if k == "a" else v) == '{"b":2}'
    app = express()
    app.set("json replacer", keep)
    app.get("/", lambda req, res: res.json({"a": float("inf")}))
    request(app).get("/").expect(200, '{"a":null}')


def test_keys_are_written_as_javascript_strings() -> None:
    # JavaScript object keys are String(key): the bool key was written "True"
    assert stringify({True: 1, None: 2, 1.5: 3}) == '{"true":1,"null":2,"1.5":3}'
