"""express.urlencoded(): simple and extended parsing, parameter and depth limits, charsets."""

from __future__ import annotations

import time

import pytest

from expresspy import express
from expresspy.testing import Test, request
from tests.middleware.apps import echo_app

FORM = "application/x-www-form-urlencoded"


def post(app: object, body: str | bytes, content_type: str = FORM) -> Test:
    return request(app).post("/").set("Content-Type", content_type).send(body)


def test_simple_keeps_brackets_in_keys() -> None:
    post(echo_app(express.urlencoded()), "user[name]=tobi&a=1&a=2").expect(
        200, '{"user[name]":"tobi","a":["1","2"]}'
    )


def test_extended_nests() -> None:
    post(echo_app(express.urlencoded(extended=True)), "user[name][first]=tobi&l[]=1&l[]=2").expect(
        200, '{"user":{"name":{"first":"tobi"}},"l":["1","2"]}'
    )


def test_empty_body_gives_empty_dict_and_plus_is_space() -> None:
    post(echo_app(express.urlencoded()), "").expect(200, "{}")
    post(echo_app(express.urlencoded()), "a=b+c%20d").expect(200, '{"a":"b c d"}')


def test_parameter_limit_exact_and_over() -> None:
    app = echo_app(express.urlencoded(parameter_limit=10))
    post(app, "&".join(f"k{i}=v" for i in range(10))).expect(200)
    post(app, "&".join(f"k{i}=v" for i in range(11))).expect(
        413, "[parameters.too.many] too many parameters"
    )


def test_ten_thousand_parameters_refused_fast() -> None:
    app = echo_app(express.urlencoded({"limit": "1mb"}))
    started = time.perf_counter()
    post(app, "&".join(f"k{i}=v" for i in range(10_000))).expect(413)
    post(app, "&" * (1 << 20)).expect(413)
    assert time.perf_counter() - started < 1.0


def test_depth_32_passes_and_33_is_400() -> None:
    app = echo_app(express.urlencoded(extended=True))
    post(app, "a" + "[a]" * 32 + "=1").expect(200)
    post(app, "a" + "[a]" * 33 + "=1").expect(
        400, "[querystring.parse.rangeError] The input exceeded the depth"
    )
    started = time.perf_counter()
    post(app, "a" + "[a]" * 1000 + "=1").expect(400)
    assert time.perf_counter() - started < 0.5


def test_array_limit_turns_long_lists_into_dicts() -> None:
    app = echo_app(express.urlencoded(extended=True))
    body = post(app, "a[150]=x&b=1").expect(200).body
    assert body == {"a": {"150": "x"}, "b": "1"}
    many = post(app, "&".join(["a[]=x"] * 150)).expect(200).body
    assert isinstance(many["a"], list) and len(many["a"]) == 150  # arrayLimit = max(100, count)


def test_prototype_keys_are_inert_data() -> None:
    app = echo_app(express.urlencoded(extended=True))
    body = post(app, "__proto__[x]=1&constructor[prototype][x]=1&__class__[x]=1").expect(200).body
    assert body == {"constructor": {"prototype": {"x": "1"}}, "__class__": {"x": "1"}}
    assert type(body) is dict
    assert not hasattr(dict, "x") and not hasattr(object, "x")


def test_iso_8859_1_charset() -> None:
    post(echo_app(express.urlencoded()), b"name=%E9t%E9", f"{FORM}; charset=iso-8859-1").expect(
        200, '{"name":"été"}'
    )


def test_other_charset_is_415() -> None:
    post(echo_app(express.urlencoded()), "a=b", f"{FORM}; charset=koi8-r").expect(
        415, '[charset.unsupported] unsupported charset "KOI8-R"'
    )


def test_default_charset_must_be_utf8_or_latin1() -> None:
    with pytest.raises(TypeError, match="defaultCharset"):
        express.urlencoded(default_charset="koi8-r")


@pytest.mark.parametrize("value", [0, -1, "x"])
def test_parameter_limit_validation(value: object) -> None:
    with pytest.raises(TypeError, match="parameterLimit must be a positive number"):
        express.urlencoded(parameter_limit=value)


def test_infinite_parameter_limit() -> None:
    app = echo_app(express.urlencoded({"parameterLimit": float("inf")}))
    assert len(post(app, "&".join(f"k{i}=v" for i in range(2000))).expect(200).body) == 2000
