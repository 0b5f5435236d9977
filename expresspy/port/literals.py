"""JavaScript literals (strings, numbers, regular expressions) as Python source text."""

from __future__ import annotations

import json
import re

__all__ = ["decode_string", "number_literal", "py_string"]

_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_SIMPLE = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
    "\n": "",
    "\r\n": "",
    "\u2028": "",
    "\u2029": "",
}


def decode_string(body: str) -> str:
    """The value of a JavaScript string literal's body (the text between its quotes)."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u{"):
            return chr(int(code[2:-1], 16))
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, body)


def py_string(value: str) -> str:
    """A Python string literal for `value`, double-quoted as PEP 8 tools prefer."""
    return json.dumps(value, ensure_ascii=False)


def number_literal(text: str) -> tuple[str, str]:
    """A JavaScript number literal as Python source and its kind ("int" or "num").

    `1e3` is the integer 1000 in JavaScript, and prints so; it stays an int here.
    """
    clean = text.replace("_", "")
    if clean.endswith("n"):  # BigInt
        return clean[:-1], "int"
    lowered = clean.lower()
    if lowered.startswith(("0x", "0o", "0b")):
        return clean, "int"
    if re.fullmatch(r"0\d+", clean):  # legacy octal
        return str(int(clean, 8)), "int"
    value = float(clean)
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value)), "int"
    return repr(value), "num"
