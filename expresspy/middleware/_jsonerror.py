"""The messages V8's `JSON.parse` gives for invalid JSON, so parse errors read as in Express.

body-parser passes V8's SyntaxError message through (`err.message`), and Express's own tests
compare it. Python's `json` has its own wording, so when `json.loads` fails this module scans
the text once more, the way V8 11 (Node 20) does, and words the first error as V8 would:
"Unexpected token 'x', "[1,x]" is not valid JSON", "Expected property name or '}' in JSON at
position 1", ... Positions count UTF-16 code units, as JavaScript strings do.
"""

from __future__ import annotations

import re

_END = "Unexpected end of JSON input"
_WHITESPACE = " \t\n\r"
_DIGITS = "0123456789"
_HEX = "0123456789abcdefABCDEF"
_ESCAPES = '"\\/bfnrt'
# V8 shows the whole text up to this length, else 10 characters of context on each side.
_CONTEXT = 10
_SHORT_SOURCE = 2 * _CONTEXT + 1
_NON_BMP = re.compile("[\U00010000-\U0010ffff]")


def reject_constant(name: str) -> object:
    """`parse_constant` for json.loads: NaN and Infinity are not JSON, though Python reads them."""
    raise ValueError(name)


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _utf16_units(text: str) -> str:
    """The text with each astral character split into its two surrogates (JS string units)."""

    def split(match: re.Match[str]) -> str:
        code = ord(match.group()) - 0x10000
        return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))

    return _NON_BMP.sub(split, text)


def _printable(text: str) -> str:
    """Join surrogate pairs again and turn lone ones into U+FFFD, as Node prints them."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def token_message(text: str, pos: int) -> str:
    """V8's "Unexpected token" message for the character at `pos` (UTF-16 units)."""
    char = text[pos]
    if len(text) < _SHORT_SOURCE:
        return f"Unexpected token '{char}', \"{text}\" is not valid JSON"
    if pos < _CONTEXT:
        return f"Unexpected token '{char}', \"{text[: pos + _CONTEXT]}\"... is not valid JSON"
    if pos >= len(text) - _CONTEXT:
        return f"Unexpected token '{char}', ...\"{text[pos - _CONTEXT :]}\" is not valid JSON"
    return (
        f"Unexpected token '{char}', ...\"{text[pos - _CONTEXT : pos + _CONTEXT]}\"... "
        "is not valid JSON"
    )


class _Scanner:
    """Walks JSON text without building values, raising `_Invalid` at the first error."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str, pos: int | None = None) -> _Invalid:
        return _Invalid(f"{what} in JSON at position {self.pos if pos is None else pos}")

    def unexpected(self, pos: int) -> _Invalid:
        if pos >= len(self.text):
            return _Invalid(_END)
        char = self.text[pos]
        if char == '"':
            return self.fail("Unexpected string", pos)
        if char == "-" or char in _DIGITS:
            return self.fail("Unexpected number", pos)
        return _Invalid(token_message(self.text, pos))

    def skip_whitespace(self) -> str:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        self.pos = pos
        return text[pos] if pos < len(text) else ""

    def scan(self) -> None:
        stack: list[str] = []  # "]" or "}" for each open container
        self.skip_whitespace()
        self.value_or_open(stack)
        while True:
            char = self.skip_whitespace()
            if not stack:
                if char:
                    raise _Invalid(
                        f"Unexpected non-whitespace character after JSON at position {self.pos}"
                    )
                return
            closer = stack[-1]
            if char == closer:
                stack.pop()
                self.pos += 1
            elif char == ",":
                self.pos += 1
                if closer == "}":
                    self.property_name(first=False)
                self.skip_whitespace()
                self.value_or_open(stack)
            elif closer == "]":
                raise self.fail("Expected ',' or ']' after array element")
            else:
                raise self.fail("Expected ',' or '}' after property value")

    def value_or_open(self, stack: list[str]) -> None:
        """Scan one value; for `[`/`{` scan only up to their first member."""
        while True:
            char = self.text[self.pos] if self.pos < len(self.text) else ""
            if char == "[":
                self.pos += 1
                if self.skip_whitespace() == "]":
                    self.pos += 1
                    return
                stack.append("]")
                continue
            if char == "{":
                self.pos += 1
                if self.skip_whitespace() == "}":
                    self.pos += 1
                    return
                stack.append("}")
                self.property_name(first=True)
                self.skip_whitespace()
                continue
            self.scalar(char)
            return

    def property_name(self, *, first: bool) -> None:
        """A `"name" :` inside an object; V8 words the first member's errors specially."""
        if self.skip_whitespace() != '"':
            raise self.fail(
                "Expected property name or '}'" if first else "Expected double-quoted property name"
            )
        self.string()
        if self.skip_whitespace() != ":":
            raise (
                self.fail("Expected ':' after property name")
                if first
                else self.unexpected(self.pos)
            )
        self.pos += 1

    def scalar(self, char: str) -> None:
        if char == '"':
            self.string()
        elif char == "-" or (char and char in _DIGITS):
            self.number()
        elif char in ("t", "f", "n") and char:
            self.literal({"t": "true", "f": "false", "n": "null"}[char])
        else:
            raise self.unexpected(self.pos)

    def string(self) -> None:
        text = self.text
        self.pos += 1
        while True:
            if self.pos >= len(text):
                raise self.fail("Unterminated string")
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return
            if char == "\\":
                self.escape()
            elif char < " ":
                raise self.fail("Bad control character in string literal")
            else:
                self.pos += 1

    def escape(self) -> None:
        text = self.text
        self.pos += 1
        if self.pos >= len(text):
            raise _Invalid(_END)
        kind = text[self.pos]
        if kind in _ESCAPES:
            self.pos += 1
        elif kind == "u":
            for offset in range(1, 5):
                at = self.pos + offset
                if at >= len(text) or text[at] not in _HEX:
                    raise self.fail("Bad Unicode escape", at)
            self.pos += 5
        elif ord(kind) > 0xFF:
            raise self.unexpected(self.pos)  # V8's escape table covers Latin-1 only
        else:
            raise self.fail("Bad escaped character")

    def digits(self) -> bool:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _DIGITS:
            self.pos += 1
        return self.pos > start

    def number(self) -> None:
        text = self.text
        if text[self.pos] == "-":
            self.pos += 1
            if self.pos >= len(text) or text[self.pos] not in _DIGITS:
                raise self.fail("No number after minus sign")
        if text[self.pos] == "0":
            self.pos += 1
            if self.pos < len(text) and text[self.pos] in _DIGITS:
                raise self.unexpected(self.pos)
        else:
            self.digits()
        if text.startswith(".", self.pos):
            self.pos += 1
            if not self.digits():
                raise self.fail("Unterminated fractional number")
        if self.pos < len(text) and text[self.pos] in "eE":
            self.pos += 1
            if self.pos < len(text) and text[self.pos] in "+-":
                self.pos += 1
            if not self.digits():
                raise self.fail("Exponent part is missing a number")

    def literal(self, word: str) -> None:
        for offset, expected in enumerate(word):
            at = self.pos + offset
            if at >= len(self.text):
                raise _Invalid(_END)
            if self.text[at] != expected:
                raise self.unexpected(at)
        self.pos += len(word)


def v8_message(text: str) -> str | None:
    """The message V8's JSON.parse gives for `text`, or None when V8 would accept it."""
    try:
        _Scanner(_utf16_units(text)).scan()
    except _Invalid as invalid:
        return _printable(invalid.message)
    return None


def strict_violation(text: str, first: str | None) -> str:
    """body-parser's message when strict mode meets a first character other than `{`/`[`.

    body-parser masks the text from that character on with `#`, parses that, and puts the
    original characters back in place of each run of `#` in V8's message.
    """
    units = _utf16_units(text)
    index = units.find(first) if first else -1
    masked = units[:index] + "#" * (len(units) - index) if index >= 0 else ""
    message = v8_message(masked) or _END
    restored = re.sub("#+", lambda m: units[index : index + len(m.group())], _utf16_units(message))
    return _printable(restored)
