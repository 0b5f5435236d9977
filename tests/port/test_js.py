"""expresspy.js against Node itself: each row is a JavaScript expression and its Python twin,
evaluated on both sides and compared as (typeof, String(value))."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from expresspy import js

from .nodejs import describe, evaluate

NUMBERS = [
    0,
    -0.0,
    1,
    45.0,
    -3.5,
    0.1 + 0.2,
    1e21,
    1e-7,
    123456789012345680000.0,
    1.5e-6,
    2**53,
    1 / 3,
    100.0,
    1e100,
    -1e-10,
    5e-324,
    float("inf"),
    float("-inf"),
    12.5e3,
]

ROWS: list[tuple[str, Callable[[], Any]]] = [
    # String(x)
    *[(f"String({n!r})".replace("inf", "Infinity"), (lambda n=n: js.string(n))) for n in NUMBERS],
    ("String(undefined)", lambda: js.string(None)),
    ("JSON.stringify(null)", lambda: js.stringify(None)),
    ("String([1, [2, 3], null, undefined, 'x'])", lambda: js.string([1, [2, 3], None, None, "x"])),
    ("String([])", lambda: js.string([])),
    ("String({a: 1})", lambda: js.string({"a": 1})),
    ("String(true)", lambda: js.string(True)),
    (
        "`${undefined}-${[1,2]}-${4.0}`",
        lambda: f"{js.string(None)}-{js.string([1, 2])}-{js.string(4.0)}",
    ),
    # parseInt / parseFloat / Number
    *[
        (f"parseInt({s!r})", (lambda s=s: js.parse_int(s)))
        for s in [
            "2abc",
            "abc",
            "  42  ",
            "-17px",
            "+3",
            "0x1F",
            "1e3",
            "",
            "3.99",
            "-0x10",
            "١٢",
            "12٣",
        ]
    ],
    ("parseInt('ff', 16)", lambda: js.parse_int("ff", 16)),
    ("parseInt('0x1f', 16)", lambda: js.parse_int("0x1f", 16)),
    ("parseInt('101', 2)", lambda: js.parse_int("101", 2)),
    ("parseInt('z', 37)", lambda: js.parse_int("z", 37)),
    ("parseInt(undefined)", lambda: js.parse_int(None)),
    ("parseInt(12.9)", lambda: js.parse_int(12.9)),
    *[
        (f"parseFloat({s!r})", (lambda s=s: js.parse_float(s)))
        for s in ["3.14abc", ".5", "1e3x", "0x10", "Infinityx", "-.5e-2", "abc", "45.0", " 7 "]
    ],
    *[
        (f"Number({s!r})", (lambda s=s: js.number(s)))
        for s in ["", "  ", "12px", "0x1f", "1e3", " 42 ", "-0b11", "Infinity", "4.50", "0o17"]
    ],
    ("Number(undefined)", lambda: js.number(None)),
    ("Number(true)", lambda: js.number(True)),
    ("Number([5])", lambda: js.number([5])),
    ("isNaN('abc')", lambda: js.is_nan("abc")),
    ("isNaN('12')", lambda: js.is_nan("12")),
    # JSON.stringify
    (
        "JSON.stringify({b: 1, a: [1, 2.5, 'x'], 2: true, 1: null})",
        lambda: js.stringify({"b": 1, "a": [1, 2.5, "x"], "2": True, "1": None}),
    ),
    (
        "JSON.stringify({a: undefined, b: 45.0, c: NaN, d: [undefined, () => 1]})",
        lambda: js.stringify(
            {"a": js.undefined, "b": 45.0, "c": float("nan"), "d": [js.undefined, len]}
        ),
    ),
    ("JSON.stringify('é\"\\\\\\n\\u0001😀')", lambda: js.stringify('é"\\\n\x01😀')),
    (
        "JSON.stringify({a: {b: [1, {}], c: []}}, null, 2)",
        lambda: js.stringify({"a": {"b": [1, {}], "c": []}}, None, 2),
    ),
    (
        "JSON.stringify({a: 1, b: 2, c: 3}, ['a', 'c'])",
        lambda: js.stringify({"a": 1, "b": 2, "c": 3}, ["a", "c"]),
    ),
    ("JSON.stringify([1e21, 0.1, -0])", lambda: js.stringify([1e21, 0.1, -0.0])),
    (
        "JSON.stringify(undefined)",
        lambda: js.undefined if js.stringify(js.undefined) is None else "defined",
    ),
    ("JSON.stringify({x: 1}, null, '--')", lambda: js.stringify({"x": 1}, None, "--")),
    # .length in UTF-16 units
    *[(f"{s!r}.length", (lambda s=s: js.length(s))) for s in ["héllo", "😀", "a😀b𝄞", ""]],
    ("[1, 2, 3].length", lambda: js.length([1, 2, 3])),
    # truthiness
    *[
        (f"!!({src})", (lambda v=v: js.truthy(v)))
        for src, v in [
            ("[]", []),
            ("{}", {}),
            ("''", ""),
            ("0", 0),
            ("NaN", float("nan")),
            ("'0'", "0"),
            ("null", None),
            ("-0", -0.0),
            ("' '", " "),
            ("0.0", 0.0),
        ]
    ],
    # + between strings and numbers
    ("'1' + 2", lambda: js.add("1", 2)),
    ("1 + 2", lambda: js.add(1, 2)),
    ("[1, 2] + 3", lambda: js.add([1, 2], 3)),
    ("undefined + 1", lambda: js.add(None, 1)),
    ("true + 1", lambda: js.add(True, 1)),
    ("'n: ' + 4.0", lambda: js.add("n: ", 4.0)),
    ("'' + {}", lambda: js.add("", {})),
    # ==
    *[
        (f"{a_src} == {b_src}", (lambda a=a, b=b: js.loose_eq(a, b)))
        for a_src, a, b_src, b in [
            ("'1'", "1", "1", 1),
            ("0", 0, "''", ""),
            ("null", None, "undefined", None),
            ("null", None, "0", 0),
            ("true", True, "'1'", "1"),
            ("[1,2]", [1, 2], "'1,2'", "1,2"),
            ("'a'", "a", "'b'", "b"),
            ("NaN", float("nan"), "NaN", float("nan")),
            ("'1.0'", "1.0", "1", 1),
        ]
    ],
    # regular expressions: $, flags, \d, named groups, replace
    ("/^abc$/.test('abc\\n')", lambda: js.regex("^abc$").test("abc\n")),
    ("/^abc$/m.test('x\\nabc\\ny')", lambda: js.regex("^abc$", "m").test("x\nabc\ny")),
    ("/ABC/i.test('xabcx')", lambda: js.regex("ABC", "i").test("xabcx")),
    ("/^\\d+$/.test('١٢')", lambda: js.regex(r"^\d+$").test("١٢")),
    ("/^\\w+$/.test('é')", lambda: js.regex(r"^\w+$").test("é")),
    ("/a.b/.test('a\\nb')", lambda: js.regex("a.b").test("a\nb")),
    ("/a.b/s.test('a\\nb')", lambda: js.regex("a.b", "s").test("a\nb")),
    (
        "'2024-01-05'.replace(/(?<y>\\d+)-(\\d+)/, '$2/$<y> [$&] $$')",
        lambda: js.replace("2024-01-05", js.regex(r"(?<y>\d+)-(\d+)"), "$2/$<y> [$&] $$"),
    ),
    ("'a-b-c'.replace('-', '+')", lambda: js.replace("a-b-c", "-", "+")),
    ("'a-b-c'.replace(/-/g, '+')", lambda: js.replace("a-b-c", js.regex("-", "g"), "+")),
    ("'a-b-c'.replaceAll('-', '$&$&')", lambda: js.replace("a-b-c", "-", "$&$&", True)),
    (
        "'x1y22'.replace(/\\d+/g, (m) => m.length)",
        lambda: js.replace("x1y22", js.regex(r"\d+", "g"), lambda m, *_: js.length(m)),
    ),
    ("'a1b22'.match(/\\d+/g)", lambda: js.regex(r"\d+", "g").match("a1b22")),
    ("'a1b22'.match(/(\\d)(\\d)/)", lambda: js.regex(r"(\d)(\d)").match("a1b22")),
    ("'abc'.match(/\\d/)", lambda: js.regex(r"\d").match("abc")),
    ("/[]/.test('a')", lambda: js.regex("[]").test("a")),
    ("/a\\/b/.test('a/b')", lambda: js.regex(r"a\/b").test("a/b")),
    # the helpers the translator uses for globals and methods
    *[
        (f"isFinite({src})", (lambda v=v: js.is_finite(v)))
        for src, v in [("'12'", "12"), ("'1e400'", "1e400"), ("'x'", "x"), ("''", "")]
    ],
    ("NaN || 5", lambda: js.or_(float("nan"), 5)),
    ("[] || 5", lambda: js.or_([], 5)),
    ("['a', 'b'][1]", lambda: js.item(["a", "b"], 1)),
    ("['a', 'b']['1']", lambda: js.item(["a", "b"], "1")),
    ("['a', 'b']['x']", lambda: js.item(["a", "b"], "x") is None and js.undefined),
    ("({1: 'one'})[1]", lambda: js.item({"1": "one"}, 1)),
    ("[1, null, undefined, [2, 3]].join('-')", lambda: js.join([1, None, None, [2, 3]], "-")),
    *[
        (f"({n}).toFixed({d})", (lambda n=n, d=d: js.to_fixed(n, d)))
        for n, d in [(2.5, 0), (1.005, 2), (-1.5, 0), (1e21, 2), (0.000001, 7), (-0.0001, 2)]
    ],
    ("new Date(1700000000123).toISOString()", lambda: js.iso_string(1700000000123)),
    # Date: time values, parsing, local parts with carry-over, text forms, arithmetic
    *[
        (f"new Date({n}).toISOString()", (lambda n=n: js.Date(n).to_iso_string()))
        for n in (0, -1, 1e12 + 0.9, 253402300799999, -62135596800000)
    ],
    *[
        (f"Date.parse({text!r})", (lambda text=text: js.Date(text).get_time()))
        for text in (
            "2024-01-05",
            "2024-01-05T10:00:00Z",
            "2024-01-05T10:00:00.5+02:00",
            "2024-01-05T10:00",
            "2024-01",
            "2024-02-30",
            "January 5, 2024",
            "Jan 5, 2024 10:30:00",
            "2024/01/05",
            "01/05/2024",
            "Fri, 05 Jan 2024 10:00:00 GMT",
            "Fri Jan 05 2024 10:00:00 GMT+0200 (Eastern European Standard Time)",
            "2024-13-01",
            "2024-01-32",
            "",
        )
    ],
    ("new Date(2024, 12, 0).getDate()", lambda: js.Date(2024, 12, 0).get_date()),
    ("new Date(99, 0).getFullYear()", lambda: js.Date(99, 0).get_full_year()),
    ("new Date(2024, 1, 29, 25).getDay()", lambda: js.Date(2024, 1, 29, 25).get_day()),
    ("new Date(8.64e15 + 1).getTime()", lambda: js.Date(8.64e15 + 1).get_time()),
    ("new Date(NaN).getMonth()", lambda: js.Date(float("nan")).get_month()),
    ("String(new Date(1704448800123))", lambda: js.string(js.Date(1704448800123))),
    ("String(new Date(NaN))", lambda: js.string(js.Date(float("nan")))),
    ("new Date(1704448800123).toUTCString()", lambda: js.Date(1704448800123).to_utc_string()),
    ("new Date(1704448800123).toDateString()", lambda: js.Date(1704448800123).to_date_string()),
    (
        "new Date(1704488400000).toLocaleString()",
        lambda: js.Date(1704488400000).to_locale_string(),
    ),
    ("new Date(5000) - new Date(1500)", lambda: js.Date(5000) - js.Date(1500)),
    ("new Date(5000) - 1", lambda: js.Date(5000) - 1),
    ("new Date(5000) > new Date(1500)", lambda: js.Date(5000) > js.Date(1500)),
    ("new Date(5000) + 1", lambda: js.add(js.Date(5000), 1)),
    ("+new Date(5000)", lambda: js.number(js.Date(5000))),
    (
        "JSON.stringify({ at: new Date(5000), bad: new Date(NaN) })",
        lambda: js.stringify({"at": js.Date(5000), "bad": js.Date(float("nan"))}),
    ),
    ("new Date(new Date(5000)).getTime()", lambda: js.Date(js.Date(5000)).get_time()),
    # Map and Set: order, iteration, JSON, String
    (
        "[...new Map([['b', 1], ['a', 2]]).set('b', 3)]",
        lambda: [*js.Map([["b", 1], ["a", 2]]).set("b", 3)],
    ),
    ("JSON.stringify(new Map([[1, 2]]))", lambda: js.stringify(js.Map([[1, 2]]))),
    ("String(new Map())", lambda: js.string(js.Map())),
    ("[...new Set([3, 1, 3, true, 1, '1'])]", lambda: [*js.Set([3, 1, 3, True, 1, "1"])]),
    ("[...new Set([3, 1]).entries()]", lambda: [*js.Set([3, 1]).entries()]),
    ("new Set([[1], [1]]).size", lambda: js.Set([[1], [1]]).size),
    ("JSON.stringify(new Set([1]))", lambda: js.stringify(js.Set([1]))),
    ("String(new Set([1]))", lambda: js.string(js.Set([1]))),
    ("new Map([['a', 1]]).delete('a')", lambda: js.Map([["a", 1]]).delete("a")),
]


@pytest.fixture(scope="module")
def node_results() -> list[tuple[str, str]]:
    """Every row's JavaScript side, evaluated in one Node process."""
    return evaluate([src for src, _ in ROWS])


@pytest.mark.parametrize("index", range(len(ROWS)), ids=[src for src, _ in ROWS])
def test_helper_matches_node(index: int, node_results: list[tuple[str, str]]) -> None:
    """The helper's result prints as Node's does."""
    source, python = ROWS[index]
    assert describe(python()) == node_results[index], source


def test_undefined_is_a_falsy_singleton() -> None:
    """`undefined` is one object, false, and not None (so stringify can tell it from null)."""
    assert js.undefined is type(js.undefined)()
    assert not js.undefined
    assert js.undefined is not None
    assert repr(js.undefined) == "undefined"


def test_function_replacer_is_refused() -> None:
    """A function replacer would be silently ignored; it raises instead."""
    with pytest.raises(TypeError, match="function replacer"):
        js.stringify({"a": 1}, lambda k, v: v)
