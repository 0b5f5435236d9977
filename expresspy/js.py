"""JavaScript semantics for ported code, where Python's nearest idiom answers differently.

`expresspy port` writes plain Python wherever the types make the idioms agree, and calls these
helpers where they do not (or where it cannot tell): ``parseInt("2abc")`` is 2 while
``int("2abc")`` raises; ``String(45.0)`` is ``"45"`` while ``str(45.0)`` is ``"45.0"``;
``JSON.stringify`` is compact while ``json.dumps`` puts spaces after separators; ``"😀".length``
is 2 (UTF-16 code units) while ``len("😀")`` is 1; JavaScript's ``$`` never matches before a
final newline while Python's does. Hand-written code may use them too.

Values map as ported code maps them: ``None`` stands for both ``undefined`` and ``null`` (a
missing key read with ``.get`` and a ``null`` literal both become None). Where the two print
differently, None prints as ``undefined`` (the common case in tutorials: a missing query value
or session field in a template literal) and the sentinel :data:`undefined` exists for code that
must tell them apart (``stringify`` drops object keys whose value is :data:`undefined`, and
keeps None as ``null``). Numbers are Python ``int`` and ``float``; NaN is ``float("nan")``.
JavaScript's ``Map``, ``Set`` and ``Date`` are :class:`Map`, :class:`Set` and :class:`Date`
(from :mod:`expresspy.jstypes`): a dict that iterates as pairs, an insertion-ordered set, and
a moment in milliseconds.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from expresspy.jstypes import Date, Map, Set, call_loosely

__all__ = [
    "Date",
    "Map",
    "Promise",
    "RegExp",
    "Set",
    "add",
    "defined",
    "delete",
    "escape_html",
    "has",
    "is_finite",
    "is_nan",
    "iso_string",
    "item",
    "join",
    "length",
    "loose_eq",
    "method",
    "now",
    "number",
    "number_string",
    "or_",
    "parse_float",
    "parse_int",
    "regex",
    "replace",
    "resolved",
    "set_timeout",
    "string",
    "stringify",
    "to_fixed",
    "truthy",
    "undefined",
]


class _Undefined:
    """The type of :data:`undefined`: falsy, equal only to itself, printed ``undefined``."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "undefined"


#: JavaScript's ``undefined`` where it must differ from ``null`` (None); see the module doc.
undefined = _Undefined()

NAN = float("nan")

# JavaScript's WhiteSpace and LineTerminator code points, which parseInt/Number/trim skip.
_JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_DECIMAL_PREFIX = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_NUMBER_LITERAL = re.compile(
    r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|0[xX][0-9a-fA-F]+|0[oO][0-7]+"
    r"|0[bB][01]+"
)


def number_string(value: float) -> str:
    """A number as JavaScript's ``Number.prototype.toString()`` writes it (ECMAScript 6.1.6.1.20).

    Integral floats lose their ``.0`` (``45.0`` → ``"45"``), exponents appear from 1e21 and
    below 1e-6 (``"1e+21"``, ``"1e-7"``), and NaN/Infinity are spelled as in JavaScript.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) < 10**21:
            return str(value)
        value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"  # also -0
    sign = "-" if value < 0 else ""
    digits, exponent = _shortest_digits(abs(value))
    k = len(digits)
    n = exponent  # value = 0.digits * 10**n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp = f"e{'+' if e >= 0 else '-'}{abs(e)}"
    if k == 1:
        return sign + digits + exp
    return sign + digits[0] + "." + digits[1:] + exp


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest decimal digits of a positive finite float and n with value = 0.d * 10**n.

    repr gives the shortest digits that round-trip, which is what JavaScript requires too.
    """
    text = repr(value)
    mantissa, _, exp_part = text.partition("e")
    exponent = int(exp_part) if exp_part else 0
    whole, _, frac = mantissa.partition(".")
    if frac == "0":
        frac = ""
    digits = (whole + frac).lstrip("0")
    # position of the decimal point relative to the start of `digits`
    leading_zeros = len(whole + frac) - len((whole + frac).lstrip("0"))
    n = len(whole) - leading_zeros + exponent
    return digits.rstrip("0") or "0", n


def string(value: Any) -> str:
    """JavaScript's ``String(value)`` (and what a template literal's ``${value}`` writes).

    None → ``"undefined"`` (see the module doc), booleans → ``"true"``/``"false"``, numbers as
    :func:`number_string`, lists joined with ``","`` (None items empty, nested lists flattened
    the same way), mappings → ``"[object Object]"``; anything else uses ``str``.
    """
    if value is None or value is undefined:
        return "undefined"
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return number_string(value)
    if isinstance(value, (list, tuple)):
        return ",".join("" if item is None or item is undefined else string(item) for item in value)
    if isinstance(value, (Map, Set)):
        return f"[object {type(value).__name__}]"
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)  # a Date is its toString()


def number(value: Any) -> float | int:
    """JavaScript's ``Number(value)``: the whole string must be a number, else NaN.

    ``""`` and whitespace are 0, ``"0x1f"`` is 31, None (``undefined``) is NaN, booleans are
    0/1, a list goes through its string. Integral results are returned as int.
    """
    if value is None or value is undefined:
        return NAN
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Date):
        return value.get_time()
    if isinstance(value, (list, tuple)):
        value = string(value)
    if not isinstance(value, str):
        return NAN
    text = value.strip(_JS_SPACE)
    if text == "":
        return 0
    if _NUMBER_LITERAL.fullmatch(text) is None:
        return NAN
    lowered = text.lower()
    if lowered[:2] in ("0x", "0o", "0b"):
        return int(text, 0)
    result = float(text.replace("Infinity", "inf"))
    return _integral(result)


def _integral(result: float) -> float | int:
    if math.isfinite(result) and result == int(result) and abs(result) < 2**53:
        return int(result)
    return result


def parse_int(value: Any, radix: int | None = None) -> float | int:
    """JavaScript's ``parseInt(value, radix)``: leading digits only, else NaN.

    The value goes through :func:`string` first, leading whitespace and a sign are skipped,
    ``0x`` selects base 16 when radix is None or 16, and parsing stops at the first character
    that is not a digit of the radix (``"2abc"`` → 2, ``"abc"`` → NaN, ``"1e3"`` → 1). Returns
    an int, or ``float("nan")``.
    """
    text = string(value).lstrip(_JS_SPACE)
    sign = 1
    if text[:1] in ("+", "-"):
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    base = 10 if radix is None or radix == 0 else int(radix)
    if base < 2 or base > 36:
        return NAN
    if (radix is None or radix == 0 or base == 16) and text[:2].lower() == "0x":
        base = 16
        text = text[2:]
    allowed = _DIGITS[:base]
    end = 0
    while end < len(text) and text[end].lower() in allowed:
        end += 1
    if end == 0:
        return NAN
    return sign * int(text[:end], base)


def parse_float(value: Any) -> float | int:
    """JavaScript's ``parseFloat(value)``: the longest decimal prefix, else NaN.

    ``"3.14abc"`` → 3.14, ``".5"`` → 0.5, ``"1e3x"`` → 1000, ``"0x10"`` → 0, ``"Infinity"`` →
    inf. Integral results are returned as int (``"45.0"`` → 45), as JavaScript prints them.
    """
    text = string(value).lstrip(_JS_SPACE)
    match = _DECIMAL_PREFIX.match(text)
    if match is None:
        return NAN
    return _integral(float(match.group().replace("Infinity", "inf")))


def is_nan(value: Any) -> bool:
    """JavaScript's global ``isNaN(value)``: true when ``Number(value)`` is NaN."""
    result = number(value)
    return isinstance(result, float) and math.isnan(result)


def is_finite(value: Any) -> bool:
    """JavaScript's global ``isFinite(value)``: ``Number(value)`` is neither NaN nor infinite."""
    result = number(value)
    return not (isinstance(result, float) and not math.isfinite(result))


def truthy(value: Any) -> bool:
    """JavaScript's truthiness: false for None, False, 0, NaN and ``""``; true otherwise.

    Unlike Python, empty lists and empty dicts are true.
    """
    if value is None or value is undefined or value is False:
        return False
    if isinstance(value, (int, float)):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape_html(value: Any) -> str:
    """The npm package escape-html: ``&<>"'`` as ``&amp; &lt; &gt; &quot; &#39;``."""
    return string(value).translate(_HTML_ESCAPES) if value is not None else ""


def item(container: Any, key: Any) -> Any:
    """``container[key]`` as JavaScript reads it: None (undefined) when there is no such item.

    A list (or string) takes ``"2"`` like ``2``; a key that is not an index in range is None.
    A mapping is read with ``str(key)`` for number keys (object keys are strings).
    """
    if isinstance(container, Mapping):
        text = number_string(key) if isinstance(key, (int, float)) else key
        return container.get(text)
    index = number(key)
    if isinstance(index, int) and 0 <= index < len(container):
        return container[index]
    return None


def or_(value: Any, default: Any) -> Any:
    """``value || default`` by JavaScript's truthiness (NaN false, ``[]`` and ``{}`` true).

    Unlike ``||``, `default` is evaluated before the call: ported code passes a literal or
    a name here.
    """
    return value if truthy(value) else default


def length(value: Any) -> int:
    """JavaScript's ``.length``: UTF-16 code units for a string, items for a list.

    ``length("héllo")`` is 5 and ``length("😀")`` is 2. Anything with ``len`` otherwise.
    """
    if isinstance(value, str):
        return len(value) + sum(1 for char in value if ord(char) > 0xFFFF)
    return len(value)


def _primitive(value: Any) -> Any:
    """ToPrimitive for the operators: lists, mappings, Maps, Sets and Dates (`date + 1` joins
    strings in JavaScript) become their strings."""
    if isinstance(value, (list, tuple, Mapping, Set, Date)):
        return string(value)
    return value


def add(left: Any, right: Any) -> Any:
    """JavaScript's ``left + right``: concatenation when either side is a string, else a sum.

    ``add("1", 2)`` is ``"12"``, ``add(1, 2)`` is 3, ``add([1, 2], 3)`` is ``"1,23"``,
    ``add(None, 1)`` is NaN (``undefined + 1``), ``add(True, 1)`` is 2.
    """
    left, right = _primitive(left), _primitive(right)
    if isinstance(left, str) or isinstance(right, str):
        return string(left) + string(right)
    result = number(left) + number(right)
    return result


def loose_eq(left: Any, right: Any) -> bool:
    """JavaScript's ``left == right`` (Abstract Equality): ``"1" == 1``, ``null == undefined``.

    None equals only None; a number and a string compare as numbers; a boolean counts as 0/1;
    a list or mapping against a primitive compares through its string; two lists or mappings
    are equal only when they are the same object.
    """
    if left is None or left is undefined or right is None or right is undefined:
        return (left is None or left is undefined) and (right is None or right is undefined)
    if isinstance(left, (list, tuple, Mapping)) and isinstance(right, (list, tuple, Mapping)):
        return left is right
    left, right = _primitive(left), _primitive(right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return bool(number(left) == number(right))


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
# Escapes whose Python meaning is wider than JavaScript's (Unicode digits and letters).
_CLASS_ESCAPES = {"d": "0-9", "D": "^0-9", "w": "A-Za-z0-9_", "W": "^A-Za-z0-9_"}


def _translate_pattern(source: str, multiline: bool) -> str:
    """A JavaScript regex source in Python ``re`` syntax: ``$``, ``\\d``, ``\\w``, ``(?<n>``."""
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            if nxt in _CLASS_ESCAPES:
                ranges = _CLASS_ESCAPES[nxt]
                if in_class:
                    # Inside a class only the positive forms can be inlined.
                    out.append(ranges if not ranges.startswith("^") else "\\" + nxt)
                else:
                    out.append(f"[{ranges}]")
            elif nxt == "/":
                out.append("/")
            else:
                out.append(char + nxt)
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if source[i + 1 : i + 2] == "]":  # JavaScript's [] matches nothing
                out.append("^\\s\\S")
        elif char == "$" and not multiline:
            out.append(r"(?!(?s:.))")  # end of input only, never before a final newline
        elif source.startswith("(?<", i) and source[i + 3 : i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


class RegExp:
    """A JavaScript regular expression: its ``source``, ``flags`` and the compiled Python form.

    ``g`` is kept (it decides how many matches :func:`replace` replaces and what
    :meth:`match_all` returns); ``i``, ``m``, ``s`` map to Python flags; ``u`` and ``y`` change
    nothing here.
    """

    def __init__(self, source: str, flags: str = "") -> None:
        self.source = source
        self.flags = flags
        self.global_ = "g" in flags
        python_flags = 0
        for flag in flags:
            python_flags |= _FLAGS.get(flag, 0)
        self.compiled = re.compile(_translate_pattern(source, "m" in flags), python_flags)

    def test(self, text: Any) -> bool:
        """``re.test(text)``: whether the pattern matches anywhere in ``String(text)``."""
        return self.compiled.search(string(text)) is not None

    def match(self, text: Any) -> list[str | None] | None:
        """``text.match(re)``: every match (``g``) or the first match and its groups, or None."""
        subject = string(text)
        if self.global_:
            found: list[str | None] = [m.group(0) for m in self.compiled.finditer(subject)]
            return found or None
        first = self.compiled.search(subject)
        return None if first is None else [first.group(0), *first.groups()]

    def __repr__(self) -> str:
        return f"/{self.source}/{self.flags}"


def regex(source: str, flags: str = "") -> RegExp:
    """The regex literal ``/source/flags`` (compiled once per call; ``re`` caches patterns)."""
    return RegExp(source, flags)


_REPLACEMENT = re.compile(r"\$(\$|&|`|'|\d{1,2}|<[^>]*>)")


def _expand(template: str, match: re.Match[str]) -> str:
    """A JavaScript replacement string with ``$&``, ``$1``, ``$<name>``, ``$$`` expanded."""

    def one(token: re.Match[str]) -> str:
        code = token.group(1)
        if code == "$":
            return "$"
        if code == "&":
            return match.group(0)
        if code == "`":
            return match.string[: match.start()]
        if code == "'":
            return match.string[match.end() :]
        if code.startswith("<"):
            return match.groupdict().get(code[1:-1]) or ""
        index = int(code)
        if 0 < index <= (match.re.groups or 0):
            return match.group(index) or ""
        return token.group(0)

    return _REPLACEMENT.sub(one, template)


def replace(
    text: Any,
    pattern: str | RegExp,
    replacement: str | Callable[..., Any],
    replace_all: bool = False,
) -> str:
    """``text.replace(pattern, replacement)`` (``replaceAll`` with ``replace_all=True``).

    A string pattern replaces its first occurrence only (all with ``replace_all``); a
    :class:`RegExp` replaces its first match, or all with the ``g`` flag. A string
    replacement expands ``$&``, ``$1``, ``$<name>`` and ``$$``; a function receives the match,
    its groups, the offset and the whole string (as many as it takes), and its result goes
    through :func:`string`.
    """
    subject = string(text)
    compiled = pattern.compiled if isinstance(pattern, RegExp) else re.compile(re.escape(pattern))
    count = 0 if replace_all or (isinstance(pattern, RegExp) and pattern.global_) else 1

    def one(match: re.Match[str]) -> str:
        if callable(replacement):
            # JavaScript passes all of these; a function taking fewer ignores the rest.
            args = (match.group(0), *match.groups(), match.start(), subject)
            return string(call_loosely(replacement, *args))
        return _expand(replacement, match)

    return compiled.sub(one, subject, count=count)


_ARRAY_INDEX = re.compile(r"0|[1-9]\d{0,9}")


def _ordered_items(value: Mapping[Any, Any]) -> Iterable[tuple[str, Any]]:
    """An object's own keys in JavaScript's order: integer-like keys ascending, then the rest."""
    keys = [str(k) for k in value]
    indexes = sorted((k for k in keys if _ARRAY_INDEX.fullmatch(k) and int(k) < 2**32 - 1), key=int)
    rest = [k for k in keys if k not in set(indexes)]
    lookup = {str(k): v for k, v in value.items()}
    return [(k, lookup[k]) for k in indexes + rest]


def _omitted(value: Any) -> bool:
    """Values JSON.stringify leaves out of objects (and writes as null in arrays)."""
    return value is undefined or callable(value)


def has(container: Any, key: Any) -> bool:
    """JavaScript's ``key in container``: a key of a dict, or an index of a list (a number or
    an integer-like string within its length). Items removed with :func:`delete` read as
    null but still count as present (in JavaScript the hole is absent)."""
    if isinstance(container, list):
        index = str(key)
        return bool(_ARRAY_INDEX.fullmatch(index)) and int(index) < len(container)
    if isinstance(container, Mapping):
        return key in container or str(key) in container
    raise TypeError(f"Cannot use 'in' operator to search for '{key}' in {string(container)}")


def delete(container: Any, key: Any) -> bool:
    """JavaScript's ``delete container[key]``: a dict loses the key; a list item becomes None
    (JSON writes a hole as null too) and the list keeps its length. Always True, as in
    JavaScript's sloppy mode."""
    if isinstance(container, list):
        index = str(key)
        if _ARRAY_INDEX.fullmatch(index) and int(index) < len(container):
            container[int(index)] = None
    elif isinstance(container, dict):
        container.pop(key, None)
        container.pop(str(key), None)
    return True


def method(value: Any, key: str, attribute: str | None = None) -> Any:
    """``value.key`` about to be called, for a value that may be an object literal (a dict:
    ``value[key]``) or an instance (``getattr(value, attribute or key)``; ported classes have
    snake_case method names, hence ``attribute``). Raises KeyError/AttributeError when absent,
    as calling undefined raises TypeError in JavaScript."""
    if isinstance(value, Mapping):
        return value[key]
    return getattr(value, attribute or key)


def defined(value: dict[str, Any]) -> dict[str, Any]:
    """An object literal without its keys whose value is :data:`undefined`.

    ``{ field: req.body.caption }`` has the key with an undefined value in JavaScript, which
    ``JSON.stringify`` and ``res.json`` leave out; ported code reads such a value with
    ``.get(key, js.undefined)`` and passes the literal through ``defined``, so the key is
    absent (and reads as None) instead of being sent as ``null``. Returns a new dict.
    """
    return {key: item for key, item in value.items() if item is not undefined}


def stringify(value: Any, replacer: Any = None, space: int | str | None = None) -> str | None:
    """JavaScript's ``JSON.stringify(value, replacer, space)``.

    Compact by default (``{"a":1,"b":[1,2]}``); ``space`` indents as JavaScript does. Numbers
    print as :func:`number_string` (``45.0`` → ``45``), NaN and Infinity as ``null``; object
    keys whose value is :data:`undefined` or a function are dropped, and such items in a list
    become ``null``; integer-like keys come first, ascending, as in a JavaScript object; only
    ``"``, ``\\`` and control characters are escaped (non-ASCII stays as it is). Returns None
    (``undefined``) for a top-level :data:`undefined` or function. ``replacer`` may be a list of
    keys to keep; a function replacer is not supported (TypeError).
    """
    if callable(replacer):
        raise TypeError("stringify: a function replacer is not supported")
    keep = None if replacer is None else {str(k) for k in replacer}
    indent = ""
    if isinstance(space, (int, float)) and not isinstance(space, bool):
        indent = " " * max(0, min(10, int(space)))
    elif isinstance(space, str):
        indent = space[:10]
    if _omitted(value):
        return None
    return _serialize(value, keep, indent, "")


def _serialize(value: Any, keep: set[str] | None, indent: str, current: str) -> str:
    to_json = getattr(value, "to_json", None) or getattr(value, "toJSON", None)
    if callable(to_json):
        value = to_json()
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return "null"
        return number_string(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    inner = current + indent
    if isinstance(value, (list, tuple)):
        parts = [
            "null" if _omitted(item) else _serialize(item, keep, indent, inner) for item in value
        ]
        return _wrap("[", "]", parts, indent, current)
    if isinstance(value, Mapping):
        colon = ": " if indent else ":"
        parts = [
            json.dumps(key, ensure_ascii=False) + colon + _serialize(item, keep, indent, inner)
            for key, item in _ordered_items(value)
            if not _omitted(item) and (keep is None or key in keep)
        ]
        return _wrap("{", "}", parts, indent, current)
    return json.dumps(str(value), ensure_ascii=False)


def _wrap(opening: str, closing: str, parts: list[str], indent: str, current: str) -> str:
    if not parts:
        return opening + closing
    if not indent:
        return opening + ",".join(parts) + closing
    inner = current + indent
    return opening + "\n" + inner + (",\n" + inner).join(parts) + "\n" + current + closing


def join(items: Iterable[Any], separator: str = ",") -> str:
    """``array.join(separator)``: None items are empty, others go through :func:`string`."""
    return separator.join(
        "" if item is None or item is undefined else string(item) for item in items
    )


def to_fixed(value: Any, digits: int = 0) -> str:
    """``number.toFixed(digits)``: a tie rounds away from zero on the exact binary value.

    ``to_fixed(2.5)`` is ``"3"`` (Python's ``f"{2.5:.0f}"`` is ``"2"``); NaN is ``"NaN"``;
    numbers from 1e21 up print as :func:`number_string`.
    """
    from decimal import ROUND_HALF_UP, Decimal

    num = number(value)
    if math.isnan(num):
        return "NaN"
    if abs(num) >= 1e21 or math.isinf(num):
        return number_string(num)
    exact = Decimal(num)  # the float's exact binary value, as the spec computes with
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    # JavaScript writes the sign when the number is below zero, even if it rounds to 0.
    return text[1:] if text.startswith("-") and not num < 0 else text


def now() -> int:
    """``Date.now()``: milliseconds since the epoch, as an int."""
    import time

    return time.time_ns() // 1_000_000


def iso_string(moment: Any = None) -> str:
    """``date.toISOString()``: UTC, milliseconds, ``Z`` (``2024-01-05T10:00:00.000Z``).

    ``moment`` is a :class:`Date`, a timezone-aware datetime (naive ones are taken as UTC), a
    number of milliseconds since the epoch, or None for now.
    """
    from datetime import datetime, timezone

    if isinstance(moment, Date):
        return moment.to_iso_string()
    if moment is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(moment, (int, float)):
        moment = datetime.fromtimestamp(moment / 1000, timezone.utc)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    text: str = moment.strftime("%Y-%m-%dT%H:%M:%S.")
    return text + f"{moment.microsecond // 1000:03d}Z"


def set_timeout(callback: Callable[..., Any], delay: float = 0, *args: Any) -> Any:
    """``setTimeout(callback, delay_ms, ...args)``: a started ``threading.Timer``.

    Cancel it with ``.cancel()`` (``clearTimeout``). The callback runs on the timer's thread;
    expresspy's ``res`` and ``req.session`` may be used from any thread.
    """
    import threading

    timer = threading.Timer(max(0.0, float(delay)) / 1000, callback, args)
    timer.daemon = True
    timer.start()
    return timer


class Promise:
    """``new Promise((resolve, reject) => ...)`` as an awaitable, for ported async code.

    The executor runs at once; ``resolve(value)`` and ``reject(error)`` may be called from any
    thread (a :func:`set_timeout` callback, say). Create it inside a coroutine (an
    ``async def`` handler): it belongs to the running event loop. Only ``await`` is supported;
    ``.then`` chains are translated to ``await`` by ``expresspy port``.
    """

    def __init__(self, executor: Callable[[Callable[..., None], Callable[..., None]], Any]) -> None:
        import asyncio

        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "js.Promise needs a running event loop: create it in an `async def` function"
            ) from None
        self._future: asyncio.Future[Any] = self._loop.create_future()
        try:
            # JavaScript lets the executor take fewer parameters than it is given.
            wanted = _positional_count(executor)
            executor(*(self._resolve, self._reject)[:wanted])
        except Exception as exc:  # an executor that throws rejects the promise
            self._reject(exc)

    def _settle(self, method: str, value: Any) -> None:
        def settle() -> None:
            if not self._future.done():
                getattr(self._future, method)(value)

        self._loop.call_soon_threadsafe(settle)

    def _resolve(self, value: Any = None) -> None:
        self._settle("set_result", value)

    def _reject(self, error: Any = None) -> None:
        if not isinstance(error, BaseException):
            error = Exception(string(error))
        self._settle("set_exception", error)

    def __await__(self) -> Any:
        return self._future.__await__()


def _positional_count(fn: Callable[..., Any]) -> int:
    import inspect

    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 2
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return 2
    return sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


async def resolved(value: Any = None) -> Any:
    """``Promise.resolve(value)``: an awaitable of `value` (awaiting an awaitable awaits it)."""
    if hasattr(value, "__await__"):
        return await value
    return value
