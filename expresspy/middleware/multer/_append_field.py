"""append-field 1.0: how multer stores a text field in `req.body` from its `a[b][0]` name.

`a[b]` nests objects, `a[0]` makes an array (with None holes, JSON's `null`, where JavaScript
has sparse slots), `a[]` appends; a name repeated without brackets turns the value into a
list; a name append-field cannot read as a path (`a[b`, `[x]`) is a plain key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_ARRAY_INDEX", "append_field", "parse_path"]

#: The largest `a[N]` index honoured when no `fieldArrayIndexLimit` is set. JavaScript's
#: arrays are sparse, so multer lets `a[999999999]` cost nothing; a Python list would hold a
#: billion Nones, so a larger index is refused as LIMIT_FIELD_ARRAY_INDEX (multer's own code
#: for its opt-in limit). Raise it with `limits={"fieldArrayIndexLimit": n}`.
MAX_ARRAY_INDEX = 10_000

_FIRST_KEY = re.compile(r"[^\[]*")
_DIGIT_STEP = re.compile(r"\[(\d+)\]")
_NAME_STEP = re.compile(r"\[([^\]]+)\]")


@dataclass
class _Step:
    key: str | int
    is_array: bool = False  # this step's key indexes an array
    next_is_array: bool = False
    append: bool = False
    last: bool = False


def parse_path(name: str) -> list[_Step]:
    """The steps of a field name, as append-field's parsePath reads it."""
    failure = [_Step(name, last=True)]
    first = _FIRST_KEY.match(name)
    assert first is not None  # matches the empty string at worst
    if not first.group(0):
        return failure
    tail = _Step(first.group(0))
    steps = [tail]
    pos = first.end()
    while pos < len(name):
        if name.startswith("[]", pos):
            pos += 2
            tail.append = True
            if pos != len(name):
                return failure
            continue
        digits = _DIGIT_STEP.match(name, pos)
        if digits is not None:
            pos = digits.end()
            tail.next_is_array = True
            tail = _Step(int(digits.group(1)), is_array=True)
            steps.append(tail)
            continue
        word = _NAME_STEP.match(name, pos)
        if word is None:
            return failure
        pos = word.end()
        tail = _Step(word.group(1))
        steps.append(tail)
    tail.last = True
    return steps


def _get(context: Any, key: str | int) -> Any:
    if isinstance(context, list):
        if isinstance(key, int):
            return context[key] if key < len(context) else None
        return None
    return context.get(str(key))


def _put(context: Any, key: str | int, value: Any) -> None:
    if isinstance(context, list) and isinstance(key, int):
        if key >= len(context):
            context.extend([None] * (key + 1 - len(context)))
        context[key] = value
    else:
        context[str(key)] = value


def _as_object(items: list[Any]) -> dict[str, Any]:
    return {str(i): item for i, item in enumerate(items) if item is not None}


def _set_last(context: Any, step: _Step, current: Any, value: str) -> None:
    if current is None:
        _put(context, step.key, [value] if step.append else value)
    elif isinstance(current, list):
        current.append(value)
    elif isinstance(current, dict):
        _set_last(current, _Step("", last=True), current.get(""), value)
    else:
        _put(context, step.key, [current, value])


def _descend(context: Any, step: _Step, current: Any) -> Any:
    if current is None:
        made: Any = [] if step.next_is_array else {}
        _put(context, step.key, made)
        return made
    if isinstance(current, dict):
        return current
    if isinstance(current, list):
        if step.next_is_array:
            return current
        converted = _as_object(current)
        _put(context, step.key, converted)
        return converted
    nested = {"": current}
    _put(context, step.key, nested)
    return nested


def append_field(store: dict[str, Any], name: str, value: str) -> None:
    """Add the field `name` = `value` to `store` (`req.body`) as append-field does."""
    context: Any = store
    for step in parse_path(name):
        if isinstance(context, list) and not isinstance(step.key, int):
            # an object key under an array: append-field's array became an object
            raise ValueError(f"invalid field name {name!r}")
        current = _get(context, step.key)
        if step.last:
            _set_last(context, step, current, value)
            return
        context = _descend(context, step, current)
