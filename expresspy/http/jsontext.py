"""JSON text as JavaScript's JSON.stringify writes it, and JSONP wrapping as `res.jsonp` does.

Differences from `json.dumps` that Express clients observe, and how each is bridged:
- compact separators by default, `", "`/`": "` with indentation (the `json spaces` setting);
- integral floats print without `.0` (`2.0` → `2`), NaN and infinities become `null`;
- floats below 1e-4 print as JavaScript does (`1e-05` → `0.00001`, `1.5e-07` → `1.5e-7`);
- datetimes become ISO strings with milliseconds and `Z` (Date.prototype.toJSON);
- objects with `to_json()`/`toJSON()` are replaced by its result; sets and tuples are arrays;
- `expresspy.js.undefined` (ported code's `undefined`) leaves its object key out and is
  `null` in an array;
- what Python apps send that JavaScript has no type for: a `Decimal` is written as the number
  JavaScript would hold (a double; NaN and infinities become `null`), a `UUID` as its string,
  a dataclass instance as an object of its fields; anything else goes to the `default` hook
  (the app's `json encoder` setting), or fails with TypeError as json.dumps does.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from expresspy.js import undefined

Replacer = Callable[[str, Any], Any] | Sequence[str] | None
#: The `json encoder` setting: called with a value JSON has no form for; returns one it has.
Default = Callable[[Any], Any] | None

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_JSONP_CALLBACK_CHARS = re.compile(r"[^\[\]\w$.]", re.ASCII)


def _replace(value: Any, replacer: Callable[[str, Any], Any] | None, key: str) -> Any:
    """What JSON.stringify sees for `key`: toJSON() (or a datetime's ISO form), then replacer."""
    value = _custom_json(value)
    return value if replacer is None else replacer(key, value)


# Exact built-in types JSON.stringify writes as they are: no toJSON can hide on them, so the
# checks for datetimes, toJSON methods and ABCs (each a failed getattr or an ABC lookup) are
# skipped for them, most values of most bodies.
_PLAIN_SCALARS = frozenset({str, int, bool, type(None)})


def _js_key(key: Any) -> str:
    """A dict key as JavaScript's String(key) writes it (True → "true", None → "null")."""
    if key.__class__ is str:
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        if math.isfinite(key):
            return js_number(key)
        return "NaN" if key != key else ("Infinity" if key > 0 else "-Infinity")
    return str(key)


def _to_js(
    value: Any,
    replacer: Callable[[str, Any], Any] | None,
    allowed: frozenset[str] | None,
    active: set[int],
    default: Default = None,
) -> Any:
    """Rewrite `value` (already through `_replace`) into what JSON.stringify would write.

    `active` holds the ids of the containers being converted (the path from the root), so a
    circular structure raises TypeError as JSON.stringify does, not RecursionError. `default`
    replaces values of types JSON has no form for (json.dumps's hook of the same name).
    """
    cls = value.__class__
    if cls in _PLAIN_SCALARS:
        return value
    if value is undefined:
        return None  # an array item; object keys holding it are left out below
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e21:
            return int(value)
        if abs(value) < 1e-4:  # where Python's repr and JavaScript's toString part ways
            return _SmallFloat(value)
        return value
    if cls is dict or cls is list:
        is_mapping = cls is dict
    elif isinstance(value, Mapping):
        is_mapping = True
    elif isinstance(value, (list, tuple, set, frozenset)):
        is_mapping = False
    elif is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in fields(value)}
        is_mapping = True
    elif isinstance(value, Decimal):
        return _to_js(float(value), replacer, allowed, active)
    elif isinstance(value, UUID):
        return str(value)
    elif default is not None:
        return _to_js(_replace(default(value), replacer, ""), replacer, allowed, active)
    else:
        return value  # json's encoder raises "Object of type ... is not JSON serializable"
    if id(value) in active:
        raise TypeError("Converting circular structure to JSON")
    active.add(id(value))
    try:
        if not is_mapping:
            return [
                _to_js(_replace(v, replacer, str(i)), replacer, allowed, active, default)
                for i, v in enumerate(value)
            ]
        out: dict[str, Any] = {}
        for k, v in value.items():
            name = _js_key(k)
            if allowed is not None and name not in allowed:
                continue
            child = _replace(v, replacer, name)
            # a replacer returning None drops the property, as `undefined` does (a NaN it
            # returns is still written as null)
            if (child is None and v is not None and replacer is not None) or child is undefined:
                continue
            out[name] = _to_js(child, replacer, allowed, active, default)
        return out
    finally:
        active.discard(id(value))


_PLAIN_DEPTH = 32  # deeper (or circular) values take the full conversion, which reports cycles


def _is_plain(value: Any, depth: int) -> bool:
    """Whether json.dumps already writes `value` exactly as JSON.stringify does, so `_to_js`
    can be skipped (docs/performance.md, "Small costs avoided"): exact dicts with str keys,
    lists, str, int, bool, None, and floats both print alike (finite, fractional, at least
    1e-4)."""
    cls = value.__class__
    if cls is dict:
        if depth > _PLAIN_DEPTH:
            return False
        for key, item in value.items():
            if key.__class__ is not str:
                return False
            if item.__class__ not in _PLAIN_SCALARS and not _is_plain(item, depth + 1):
                return False
        return True
    if cls is list:
        if depth > _PLAIN_DEPTH:
            return False
        for item in value:
            if item.__class__ not in _PLAIN_SCALARS and not _is_plain(item, depth + 1):
                return False
        return True
    if cls is float:
        return math.isfinite(value) and not value.is_integer() and abs(value) >= 1e-4
    return cls in _PLAIN_SCALARS


class _SmallFloat(float):
    """A float JSON must write in JavaScript's notation (see `js_number`)."""


def js_number(value: float) -> str:
    """Format a finite float as JavaScript's Number.prototype.toString does."""
    text = repr(value)
    sign = "-" if text.startswith("-") else ""
    mantissa, _, exponent = text.lstrip("-").partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    all_digits = int_part + frac_part
    digits = all_digits.lstrip("0")
    point = len(int_part) - (len(all_digits) - len(digits)) + int(exponent or 0)
    digits = digits.rstrip("0") or "0"
    count = len(digits)
    if count <= point <= 21:
        return sign + digits + "0" * (point - count)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    power = point - 1
    head = digits[0] + ("." + digits[1:] if count > 1 else "")
    return f"{sign}{head}e{'+' if power > 0 else '-'}{abs(power)}"


class _JSNumberEncoder(json.JSONEncoder):
    """json.dumps with JavaScript's float notation, through the pure-Python encoder (the C
    one cannot be told how to write floats). Used only when a small float is present."""

    def iterencode(self, o: Any, _one_shot: bool = False) -> Any:
        encoder = json.encoder.encode_basestring  # ensure_ascii=False, as stringify uses
        return json.encoder._make_iterencode(  # type: ignore[attr-defined]
            {},
            self.default,
            encoder,
            self.indent,
            _float_text,
            self.key_separator,
            self.item_separator,
            self.sort_keys,
            self.skipkeys,
            _one_shot,
        )(o, 0)


def _float_text(value: float) -> str:
    return js_number(value) if isinstance(value, _SmallFloat) else float.__repr__(value)


def _custom_json(value: Any) -> Any:
    cls = value.__class__
    if cls in _PLAIN_SCALARS or cls is dict or cls is list or cls is float:
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, date):
        return value.isoformat() + "T00:00:00.000Z"
    for method in ("to_json", "toJSON"):
        fn = getattr(value, method, None)
        if callable(fn):
            return fn()
    return value


# res.json's usual case, built once: json.dumps with options makes a new encoder per call.
_COMPACT_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def stringify(
    value: Any,
    replacer: Replacer = None,
    spaces: int | str | None = None,
    escape: bool = False,
    default: Default = None,
) -> str:
    """JSON.stringify(value, replacer, spaces), plus Express's `json escape` (`<>&` → \\u00XX).

    `replacer` is a function `(key, value) -> value` (turning a value into None drops the
    object property, as `undefined` does in JavaScript) or a list of the keys to keep. `spaces`
    is a number of spaces (capped at 10, as JavaScript does) or an indent string. `default`
    is called with each value of a type JSON has no form for (after the built-in ones listed
    in this module's docstring) and returns its replacement. Raises TypeError for values JSON
    cannot represent and for circular structures.
    """
    allowed = (
        frozenset(replacer)
        if isinstance(replacer, Sequence) and not isinstance(replacer, str)
        else None
    )
    fn = replacer if callable(replacer) else None
    indent: int | str | None = None
    if isinstance(spaces, int) and not isinstance(spaces, bool) and spaces > 0:
        indent = min(spaces, 10)
    elif isinstance(spaces, str) and spaces:
        indent = spaces[:10]
    separators = (",", ":") if indent is None else (",", ": ")
    if replacer is None and _is_plain(value, 0):
        converted = value  # _to_js would rebuild it unchanged
    else:
        converted = _to_js(_replace(value, fn, ""), fn, allowed, set(), default)
    if indent is None:
        text = _COMPACT_ENCODER.encode(converted)
    else:
        text = json.dumps(
            converted, ensure_ascii=False, separators=separators, indent=indent, allow_nan=False
        )
    if "e-" in text or "0.0000" in text:  # maybe a small float: redo with JavaScript's form
        text = "".join(
            _JSNumberEncoder(
                ensure_ascii=False, separators=separators, indent=indent, allow_nan=False
            ).iterencode(converted)
        )
    if escape:
        text = re.sub(r"[<>&]", lambda m: _HTML_ESCAPES[m.group()], text)
    return text


def jsonp_body(callback: str, json_text: str) -> str:
    """Wrap `json_text` in `callback` as Express does, after stripping unsafe characters.

    The callback keeps only `[`, `]`, word characters, `$` and `.`; U+2028/U+2029 are escaped
    (they end a JavaScript line); the `/**/` prefix defeats the Rosetta Flash attack.
    """
    name = _JSONP_CALLBACK_CHARS.sub("", callback)
    body = json_text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"/**/ typeof {name} === 'function' && {name}({body});"
