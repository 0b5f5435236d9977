"""Nested query strings (`a[b][c]=1`, `a[]=1`, `a[0]=1`), parsed as the npm package qs 6.17.

Two callers use it, with the options Express gives qs:

- the `query parser` setting "extended" (`extended_query_parser`): qs's defaults, depth 5,
  array limit 20, 1000 parameters, keys deeper than the depth kept as one literal segment;
- `express.urlencoded(extended=...)`: depth 32 (0 when not extended), `strict_depth` on, so a
  deeper key raises `DepthExceeded`, and an array limit derived from the parameter count.

The result is made of plain `dict`, `list` and `str` only: nothing is ever set as an attribute,
so keys like `constructor` or `__class__` are inert data. A `__proto__` segment is dropped, as
qs drops it. Arrays follow qs's limits: an index at or past `array_limit`, or a list that
would grow past it, turns into a dict keyed by index strings ("0", "1", ...), so no input can
allocate a list longer than the limit. Dict keys come out in JavaScript's order (integer keys
first, ascending), so a parsed value serialises to the same JSON as in Express.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

__all__ = [
    "DEFAULT_OPTIONS",
    "DepthExceeded",
    "QsOptions",
    "extended_query_parser",
    "js_key_order",
    "make_query_parser",
    "parse",
]


@dataclass(frozen=True)
class QsOptions:
    """How `parse` reads a query string; the defaults are qs's (and Express's query parser's).

    `depth`: how many bracket groups after the first key are nested; the rest of a deeper key
    stays one literal segment, or raises `DepthExceeded` with `strict_depth`.
    `array_limit`: the highest index + 1 that makes a list; larger lists become dicts.
    `parameter_limit`: `&`-separated pairs read; the rest is ignored (not an error here; the
    urlencoded parser counts first and answers 413).
    `charset`: "utf-8" or "iso-8859-1", how percent escapes are decoded.
    `charset_sentinel`: honour a `utf8=` pair (the "✓" trick) to pick the charset; it is dropped.
    `interpret_numeric_entities`: turn `&#9786;` into "☺" when the charset is iso-8859-1.
    """

    depth: int = 5
    array_limit: int = 20
    parameter_limit: int | float = 1000
    strict_depth: bool = False
    charset: str = "utf-8"
    charset_sentinel: bool = False
    interpret_numeric_entities: bool = False

    def __post_init__(self) -> None:
        if self.charset not in ("utf-8", "iso-8859-1"):
            raise ValueError("The charset option must be either utf-8 or iso-8859-1")
        if self.depth < 0:
            raise ValueError("option depth must be a zero or a positive number")
        if self.parameter_limit < 1:
            raise ValueError("option parameter_limit must be a positive number")


DEFAULT_OPTIONS = QsOptions()


class DepthExceeded(ValueError):
    """A key nests deeper than `depth` while `strict_depth` is on (qs's RangeError)."""


# -- the JavaScript values qs works with ------------------------------------------------------


class _Array:
    """A JavaScript array, kept sparse so `a[19]=x` costs one slot, not twenty.

    `conflict` mirrors qs's side-channel mark on a pair made by two values for one key.
    """

    __slots__ = ("conflict", "items", "length")

    def __init__(self, values: Iterable[Any] = ()) -> None:
        self.items: dict[int, Any] = dict(enumerate(values))
        self.length = len(self.items)
        self.conflict: int | None = None

    def set(self, index: int, value: Any) -> None:
        self.items[index] = value
        if index >= self.length:
            self.length = index + 1

    def push(self, value: Any) -> None:
        self.set(self.length, value)

    def extend(self, other: Any) -> None:
        """Append like `[].concat(other)`: an array's slots (holes kept), else the value."""
        if isinstance(other, _Array):
            for index, value in other.items.items():
                self.items[self.length + index] = value
            self.length += other.length
        else:
            self.push(other)

    def present(self) -> Iterator[tuple[int, Any]]:
        """The filled slots in index order (what `forEach` and `Object.keys` visit)."""
        for index in sorted(self.items):
            yield index, self.items[index]


class _Object(dict[str, Any]):
    """A JavaScript object. `overflow` and `conflict` mirror qs's side-channel marks: the
    highest index of an array that outgrew the limit, and of a key's accumulated values."""

    __slots__ = ("conflict", "overflow")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.overflow: int | None = None
        self.conflict: int | None = None


_INDEX_KEY = re.compile(r"0|[1-9][0-9]{0,9}")
_LEADING_INT = re.compile(r"\s*([+-]?[0-9]+)")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ANY_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_BRACKETS = re.compile(r"%5[BbDd]")
_ENTITY = re.compile(r"&#(\d+);")
_SENTINEL_UTF8 = "utf8=%E2%9C%93"  # the form field `utf8=✓` browsers send as UTF-8
_SENTINEL_ISO = "utf8=%26%2310003%3B"  # the same, from a page in iso-8859-1


def js_key_order(keys: Iterable[str]) -> list[str]:
    """Keys in JavaScript's own-property order: array indices ascending, then the rest."""
    indices: list[str] = []
    others: list[str] = []
    for key in keys:
        if _INDEX_KEY.fullmatch(key) and int(key) < 0xFFFFFFFF:
            indices.append(key)
        else:
            others.append(key)
    indices.sort(key=int)
    return indices + others


def _parse_int(text: str) -> int | None:
    """JavaScript's `parseInt(text, 10)`; None stands for NaN."""
    match = _LEADING_INT.match(text)
    return int(match.group(1)) if match else None


def _js_int_string(number: int) -> str:
    """`String(n)` for an integer held in a JavaScript double (precision lost past 2**53)."""
    value = float(number)
    if abs(value) >= 1e21:
        return repr(value)  # JavaScript switches to exponent form; never a plain digit string
    return format(Decimal(repr(value)), "f").removesuffix(".0")


def _is_canonical_int(text: str, number: int | None) -> bool:
    return number is not None and _js_int_string(number) == text


def _keys(value: _Object | _Array) -> list[str]:
    if isinstance(value, _Array):
        return [str(index) for index, _ in value.present()]
    return js_key_order(value)


def _to_object(source: _Array) -> _Object:
    """qs arrayToObject: the filled slots of an array as an object keyed by index."""
    return _Object((str(index), value) for index, value in source.present())


def _overflowed(source: _Array, max_index: int) -> _Object:
    obj = _to_object(source)
    obj.overflow = max_index
    return obj


def _combine(first: Any, second: Any, array_limit: int) -> _Array | _Object:
    """qs combine: two values for one key become a list, or a dict past the array limit."""
    if isinstance(first, _Object) and first.overflow is not None:
        index = first.overflow
        for value in second.items.values() if isinstance(second, _Array) else [second]:
            index += 1
            first[str(index)] = value
        first.overflow = index
        return first
    result = _Array()
    result.extend(first)
    result.extend(second)
    if result.length > array_limit:
        return _overflowed(result, result.length - 1)
    return result


def _limited_pair(first: Any, second: Any, array_limit: int) -> _Array | _Object:
    pair = _Array((first, second))
    return _overflowed(pair, 1) if array_limit < 2 else pair


def _merge(target: Any, source: Any, limit: int) -> Any:
    """qs merge: fold `source` (one parsed key) into `target` (the result so far), in place."""
    if source is None or source == "":
        return target  # JavaScript's `if (!source)`
    if isinstance(source, str):
        return _merge_value(target, source, limit)
    if not isinstance(target, (_Array, _Object)):
        return _merge_into_value(target, source, limit)
    if isinstance(target, _Array) and isinstance(source, _Array):
        return _merge_arrays(target, source, limit)
    if isinstance(target, _Object):
        return _merge_keys(target, source, limit)
    acc = _to_object(target)
    if target.conflict is not None:
        acc.conflict = target.length - 1
    return _merge_keys(acc, source, limit)


def _merge_value(target: Any, source: str, limit: int) -> Any:
    if isinstance(target, _Array):
        if len(target.items) >= limit:
            grown = _Array()
            grown.extend(target)
            grown.push(source)
            return _overflowed(grown, target.length)
        target.push(source)
    elif isinstance(target, _Object):
        if target.overflow is not None:
            target.overflow += 1
            target[str(target.overflow)] = source
        elif target.conflict is not None:
            target.conflict += 1
            target[str(target.conflict)] = source
        else:
            pair = _limited_pair(target, source, limit)
            if isinstance(pair, _Array):
                pair.conflict = 1
            return pair
    else:
        return _limited_pair(target, source, limit)
    return target


def _merge_into_value(target: Any, source: _Array | _Object, limit: int) -> Any:
    if isinstance(source, _Object) and source.overflow is not None:
        result = _Object({"0": target})
        for key, value in source.items():
            number = _parse_int(key)
            result["NaN" if number is None else str(number + 1)] = value
        result.overflow = source.overflow + 1
        return result
    combined = _Array([target])
    combined.extend(source)
    if combined.length > limit:
        return _overflowed(combined, combined.length - 1)
    return combined


def _merge_arrays(target: _Array, source: _Array, limit: int) -> Any:
    for index, item in source.present():
        if index in target.items:
            current = target.items[index]
            if isinstance(current, (_Array, _Object)) and isinstance(item, (_Array, _Object)):
                target.items[index] = _merge(current, item, limit)
            else:
                target.push(item)
        else:
            target.set(index, item)
    if len(target.items) > limit:
        return _overflowed(target, target.length - 1)
    return target


def _merge_keys(acc: _Object, source: _Array | _Object, limit: int) -> _Object:
    source_overflow = source.overflow if isinstance(source, _Object) else None
    for key in _keys(source):
        value = source.items[int(key)] if isinstance(source, _Array) else source[key]
        acc[key] = _merge(acc[key], value, limit) if key in acc else value
        if source_overflow is not None and acc.overflow is None:
            acc.overflow = max([source_overflow, *_numeric_keys(acc)])
        number = _parse_int(key)
        canonical = number is not None and str(number) == key
        if acc.overflow is not None and canonical and number is not None and number > acc.overflow:
            acc.overflow = number
        if acc.conflict is not None and canonical and number is not None and number > acc.conflict:
            acc.conflict = number
    return acc


def _numeric_keys(obj: _Object) -> list[int]:
    found: list[int] = []
    for key in obj:
        number = _parse_int(key)
        if number is not None and str(number) == key:
            found.append(number)
    return found


# -- reading the string ------------------------------------------------------------------------


def _decode(text: str, charset: str) -> str:
    """qs's decoder: `+` is a space; a malformed escape leaves the whole text undecoded."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if charset == "iso-8859-1":
        return _ANY_ESCAPE.sub(lambda m: chr(int(m.group()[1:], 16)), text)
    if _BAD_ESCAPE.search(text):
        return text  # decodeURIComponent throws; qs keeps the input as it was
    try:
        return unquote(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return text


def _entity(match: re.Match[str]) -> str:
    code = int(match.group(1))
    # String.fromCharCode keeps the low 16 bits of anything past the last code point.
    return chr(code if code <= 0x10FFFF else code & 0xFFFF)


def _split_pairs(text: str, limit: int | float) -> list[str]:
    """The first `limit` `&`-separated parts, without splitting the rest of a huge input."""
    if limit == float("inf"):
        return text.split("&")
    count = int(limit)
    parts = text.split("&", count)
    return parts[:count]


def _sentinel_charset(parts: list[str], charset: str) -> tuple[str, int]:
    for index, part in enumerate(parts):
        if part.startswith("utf8="):
            if part == _SENTINEL_UTF8:
                charset = "utf-8"
            elif part == _SENTINEL_ISO:
                charset = "iso-8859-1"
            return charset, index
    return charset, -1


def _read_pairs(text: str, options: QsOptions) -> dict[str, Any]:
    """qs parseValues: decode each pair; a repeated key collects its values."""
    text = _BRACKETS.sub(lambda m: "[" if m.group()[2] in "Bb" else "]", text)
    parts = _split_pairs(text, options.parameter_limit)
    charset, skip = options.charset, -1
    if options.charset_sentinel:
        charset, skip = _sentinel_charset(parts, charset)
    pairs: dict[str, Any] = {}
    for index, part in enumerate(parts):
        if index == skip:
            continue
        bracket_equals = part.find("]=")
        cut = part.find("=") if bracket_equals < 0 else bracket_equals + 1
        if cut < 0:
            key, value = _decode(part, charset), ""
        else:
            key, value = _decode(part[:cut], charset), _decode(part[cut + 1 :], charset)
        if value and options.interpret_numeric_entities and charset == "iso-8859-1":
            value = _ENTITY.sub(_entity, value)
        if key in pairs:
            pairs[key] = _combine(pairs[key], value, options.array_limit)
        else:
            pairs[key] = value
    return pairs


def _strip_brackets(segment: str) -> str:
    return segment[1:-1] if segment.startswith("[") and segment.endswith("]") else segment


def _split_key(key: str, options: QsOptions) -> list[str]:
    """qs splitKeyIntoSegments: `a[b][c]` → ["a", "[b]", "[c]"], brackets balanced."""
    if options.depth <= 0:
        return [key]
    first = key.find("[")
    segments = [key if first < 0 else key[:first]] if first != 0 else []
    opened, collected = first, 0
    while opened >= 0 and collected < options.depth:
        close = _matching_bracket(key, opened)
        if close < 0:
            segments.append("[" + key[opened:] + "]")  # unterminated: one literal segment
            return segments
        segments.append(key[opened : close + 1])
        collected += 1
        opened = key.find("[", close + 1)
    if opened >= 0:
        if options.strict_depth:
            raise DepthExceeded(
                f"Input depth exceeded depth option of {options.depth} and strictDepth is true"
            )
        segments.append("[" + key[opened:] + "]")
    return segments


def _matching_bracket(key: str, opened: int) -> int:
    level = 0
    for index in range(opened, len(key)):
        char = key[index]
        if char == "[":
            level += 1
        elif char == "]":
            level -= 1
            if level == 0:
                return index
    return -1


def _build(chain: list[str], value: Any, limit: int) -> Any:
    """qs parseObject: wrap the value in one container per segment, innermost first."""
    leaf = value
    for segment in reversed(chain):
        if segment == "[]":
            if not (isinstance(leaf, _Object) and leaf.overflow is not None):
                leaf = _combine(_Array(), leaf, limit)
            continue
        name = _strip_brackets(segment)
        number = _parse_int(name)
        is_index = (
            segment != name
            and number is not None
            and number >= 0
            and _is_canonical_int(name, number)
        )
        obj: _Array | _Object
        if is_index and number is not None and number < limit:
            obj = _Array()
            obj.set(number, leaf)
        elif is_index and number is not None:
            obj = _Object({str(number): leaf})
            obj.overflow = number
        else:
            obj = _Object()
            if name != "__proto__":
                obj[name] = leaf
        leaf = obj
    return leaf


def _plain(value: Any) -> Any:
    """qs compact plus conversion: holes dropped, JavaScript key order, plain dict and list."""
    if isinstance(value, _Array):
        return [_plain(item) for _, item in value.present()]
    if isinstance(value, _Object):
        return {key: _plain(value[key]) for key in js_key_order(value)}
    return value


def parse(text: str, options: QsOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
    """Parse a query string (without its `?`) into nested dicts, lists and strings, as qs.

    Raises `DepthExceeded` when `options.strict_depth` is set and a key nests too deep.
    """
    if not text:
        return {}
    pairs = _read_pairs(text, options)
    result: Any = _Object()
    for key in js_key_order(pairs):
        if not key:
            continue  # qs ignores a pair with an empty key (`=x`, `&&`)
        built = _build(_split_key(key, options), pairs[key], options.array_limit)
        result = _merge(result, built, options.array_limit)
    plain: dict[str, Any] = _plain(result)
    return plain


def make_query_parser(
    *,
    depth: int = DEFAULT_OPTIONS.depth,
    array_limit: int = DEFAULT_OPTIONS.array_limit,
    parameter_limit: int | float = DEFAULT_OPTIONS.parameter_limit,
) -> Callable[[str], dict[str, Any]]:
    """A `query parser` function with other limits: `app.set("query parser",
    make_query_parser(depth=10))`. Keys deeper than `depth` keep their rest as one literal key.
    """
    options = replace(
        DEFAULT_OPTIONS, depth=depth, array_limit=array_limit, parameter_limit=parameter_limit
    )
    return lambda query: parse(query, options)


def extended_query_parser(query: str) -> dict[str, Any]:
    """Express's "extended" query parser: `qs.parse(query, {allowPrototypes: true})`."""
    return parse(query)
