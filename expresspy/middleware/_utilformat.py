"""Node's `util.format()` for the values a handler passes, as connect-flash uses it.

    node_format("%s has %d new messages", "ann", 3)      # 'ann has 3 new messages'

The placeholders are Node's: `%s` (String, objects inspected one level deep), `%d` (Number),
`%i` (parseInt), `%f` (parseFloat), `%j` (JSON.stringify), `%o` and `%O` (util.inspect), `%c`
(consumes its argument, prints nothing) and `%%` (a percent sign). A placeholder without an
argument left stays as written; arguments left over are appended, separated by spaces (strings as
they are, anything else inspected). Python values map to JavaScript's: None is `null`, a bool is
`true`/`false`, a dict is an object, a list or tuple an array.

Caveat: `util.inspect` is reproduced for plain data only (`{ a: 1, b: 'x' }`, `[ 1, 2 ]`, nested
levels past the depth shown as `[Object]`/`[Array]`), on one line: Node breaks an inspected value
longer than 72 characters over several lines, this does not; `%o` is shown like `%O` with depth 4
(Node's `%o` also lists hidden properties such as an array's `[length]`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from expresspy.http.jsontext import js_number, stringify

__all__ = ["inspect", "node_format"]

_PLACEHOLDER = re.compile(r"%([sdifjoOc%])")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
_LEADING_INT = re.compile(r"^\s*([-+]?(?:0[xX][0-9a-fA-F]+|\d+))")
_LEADING_FLOAT = re.compile(
    r"^\s*([-+]?(?:Infinity|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))"
)
_JS_INT = re.compile(r"[-+]?\d+|0[xX][0-9a-fA-F]+")
#: util.inspect's default depth (nested levels shown before `[Object]`).
INSPECT_DEPTH = 2


def node_format(fmt: Any, *args: Any) -> str:
    """`util.format(fmt, *args)`: see the module docstring for the placeholders."""
    if not isinstance(fmt, str):
        return " ".join(_appended(value) for value in (fmt, *args))
    if not args:
        return fmt
    remaining = list(args)
    pieces: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(fmt):
        code = match.group(1)
        if code == "%":
            pieces.append(fmt[last : match.start()] + "%")
        elif remaining:
            pieces.append(fmt[last : match.start()] + _placeholder(code, remaining.pop(0)))
        else:
            continue  # no argument left: the placeholder stays as written
        last = match.end()
    pieces.append(fmt[last:])
    return " ".join(["".join(pieces), *(_appended(value) for value in remaining)])


def _appended(value: Any) -> str:
    return value if isinstance(value, str) else inspect(value)


def _placeholder(code: str, value: Any) -> str:
    if code == "s":
        if isinstance(value, (Mapping, list, tuple)):
            return inspect(value, depth=0)
        return _js_text(value)
    if code == "d":
        return _number_text(_to_number(value))
    if code == "i":
        return _number_text(_parse_int(value))
    if code == "f":
        return _number_text(_parse_float(value))
    if code == "j":
        return stringify(value)
    if code == "c":
        return ""
    return inspect(value, depth=4 if code == "o" else INSPECT_DEPTH)


def _js_text(value: Any) -> str:
    """JavaScript's String(value) for a primitive."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    return str(value)


def _number_text(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 and math.copysign(1.0, value) < 0:
        return "-0"
    return js_number(value)


def _to_number(value: Any) -> float:
    """JavaScript's Number(value)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if value is None:
        return 0
    if isinstance(value, (list, tuple)):
        return _to_number(_js_text(value[0]) if len(value) == 1 else "" if not value else "x")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        try:
            return int(text, 0) if _JS_INT.fullmatch(text) else float(text)
        except ValueError:
            return math.nan
    return math.nan


def _parse_int(value: Any) -> float:
    """JavaScript's parseInt(String(value))."""
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    match = _LEADING_INT.match(_js_text(value) if not isinstance(value, str) else value)
    return int(match.group(1), 0) if match else math.nan


def _parse_float(value: Any) -> float:
    """JavaScript's parseFloat(String(value))."""
    match = _LEADING_FLOAT.match(_js_text(value) if not isinstance(value, str) else value)
    if not match:
        return math.nan
    text = match.group(1)
    number = float(text.replace("Infinity", "inf"))
    return int(number) if number.is_integer() and abs(number) < 1e21 else number


def inspect(value: Any, depth: int = INSPECT_DEPTH) -> str:
    """`util.inspect(value)` for plain data, on one line (see the module's caveat)."""
    if isinstance(value, str):
        quote = "'" if "'" not in value else '"' if '"' not in value else "`"
        return quote + value.replace("\n", "\\n") + quote
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        if depth < 0:
            return "[Object]"
        items = [f"{_key(k)}: {inspect(v, depth - 1)}" for k, v in value.items()]
        return "{ " + ", ".join(items) + " }"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if depth < 0:
            return "[Array]"
        return "[ " + ", ".join(inspect(v, depth - 1) for v in value) + " ]"
    return _js_text(value)


def _key(key: Any) -> str:
    text = _js_text(key)
    return text if _IDENTIFIER.match(text) else inspect(text)
