"""Express 5 route paths (path-to-regexp 8 syntax), compiled once into regular expressions.

Syntax: `:name` (or `:"any name"`) matches one segment; `*name` matches one or more characters
across segments and yields a list of decoded segments; `{...}` is an optional group; `\\x` is a
literal `x`; the characters `()[]?+!}` are reserved and must be escaped. A `re.Pattern` is used
as given (named groups become named parameters, others are numbered from 0).

The generated expressions never backtrack catastrophically: a parameter's character class
excludes the text that follows it in the same segment, so `/:a-:b-:c` over a long input fails in
linear time (the path-to-regexp ReDoS advisories CVE-2024-45296, CVE-2026-4867, CVE-2026-4923),
and optional groups expand to at most 256 alternatives (CVE-2026-4926).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Union

from expresspy.http.text import decode_param

PathSpec = Union[str, "re.Pattern[str]", Sequence[Union[str, "re.Pattern[str]"]]]


class Params(dict[str, Any]):
    """`req.params`: a dict that also finds positional captures by integer (`req.params[0]`)."""

    __slots__ = ()  # no __dict__: one is made per matched layer, per request

    def __missing__(self, key: object) -> Any:
        if isinstance(key, int):
            return self[str(key)]
        raise KeyError(key)

    def get(self, key: Any, default: Any = None) -> Any:
        """`params.get(0)` finds the capture stored under "0"."""
        return super().get(str(key) if isinstance(key, int) else key, default)


MatchResult = tuple[str, Params]

MAX_COMBINATIONS = 256  # path-to-regexp 8.4's cap on optional-group expansion
_RESERVED = frozenset("()[]+?!}")
_ANY = r"[\s\S]"


class PathError(TypeError):
    """A route path that cannot be compiled; the message names the position and the reason."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(f"{message}: {path}")
        self.path = path


@dataclass(frozen=True)
class _Text:
    value: str


@dataclass(frozen=True)
class _Param:
    name: str
    wildcard: bool


@dataclass(frozen=True)
class _Group:
    tokens: tuple[_Token, ...]


_Token = _Text | _Param | _Group


def _is_id_start(ch: str) -> bool:
    return ch in "$_" or ch.isidentifier()


def _is_id_continue(ch: str) -> bool:
    return ch in "$\u200c\u200d" or ("a" + ch).isidentifier()


class _Parser:
    """Turns a path string into tokens, raising PathError with the index of the problem."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.index = 0

    def error(self, message: str) -> PathError:
        return PathError(message, self.path)

    def parse(self, end: str = "") -> tuple[_Token, ...]:
        tokens: list[_Token] = []
        text: list[str] = []

        def flush() -> None:
            if text:
                tokens.append(_Text("".join(text)))
                text.clear()

        path = self.path
        while self.index < len(path):
            ch = path[self.index]
            self.index += 1
            if ch == end:
                flush()
                return tuple(tokens)
            if ch == "\\":
                if self.index == len(path):
                    raise self.error(f"Unexpected end after \\ at index {self.index}")
                text.append(path[self.index])
                self.index += 1
            elif ch in ":*":
                name = self.parse_name()
                flush()
                tokens.append(_Param(name, wildcard=ch == "*"))
            elif ch == "{":
                flush()
                tokens.append(_Group(self.parse("}")))
            elif ch in _RESERVED:
                raise self.error(f"Unexpected {ch} at index {self.index - 1}")
            else:
                text.append(ch)
        if end:
            raise self.error(f"Unexpected end at index {self.index}, expected {end}")
        flush()
        return tuple(tokens)

    def parse_name(self) -> str:
        path = self.path
        start = self.index
        if start < len(path) and _is_id_start(path[start]):
            end = start + 1
            while end < len(path) and _is_id_continue(path[end]):
                end += 1
            self.index = end
            return path[start:end]
        if start < len(path) and path[start] == '"':
            return self.parse_quoted_name(start)
        raise self.error(f"Missing parameter name at index {start}")

    def parse_quoted_name(self, quote_start: int) -> str:
        path = self.path
        chars: list[str] = []
        i = quote_start + 1
        while i < len(path):
            ch = path[i]
            if ch == '"':
                self.index = i + 1
                if not chars:
                    raise self.error(f"Missing parameter name at index {self.index}")
                return "".join(chars)
            if ch == "\\" and i + 1 < len(path):
                i += 1
                ch = path[i]
            chars.append(ch)
            i += 1
        raise self.error(f"Unterminated quote at index {quote_start}")


def _expand(tokens: Sequence[_Token], path: str) -> list[list[_Text | _Param]]:
    """Expand optional groups into every flat alternative, longest (all groups present) first."""
    results: list[list[_Text | _Param]] = [[]]
    for token in tokens:
        if isinstance(token, _Group):
            # Each prefix is followed first by the group's alternatives, then by its absence,
            # the order path-to-regexp tries them in (it decides which parameters a path binds).
            choices = [*_expand(token.tokens, path), []]
            results = [prefix + alt for prefix in results for alt in choices]
        else:
            for alt in results:
                alt.append(token)
        if len(results) > MAX_COMBINATIONS:
            raise PathError("Too many path combinations", path)
    return results


def _class_excluding(chars: str) -> str:
    return "[^" + "".join(re.escape(c) for c in dict.fromkeys(chars)) + "]"


def _negate(a: str, b: str) -> str:
    """A one-character pattern that cannot start either text `a` or text `b`."""
    if len(b) > len(a):
        a, b = b, a
    if a == b:
        b = ""
    if len(b) > 1:
        return f"(?:(?!{re.escape(a)}|{re.escape(b)}){_ANY})"
    if len(a) > 1:
        return f"(?:(?!{re.escape(a)}){_class_excluding(b) if b else _ANY})"
    return _class_excluding(a + b)


def _alternative_source(tokens: Sequence[_Text | _Param], path: str, names: list[str]) -> str:
    """The regex source of one flat alternative, with backtracking blocked at every capture."""
    out: list[str] = []
    backtrack = ""  # literal text since the previous capture
    wildcard_backtrack = ""  # literal text since the previous wildcard
    prev_capture = 0  # 0 none, 1 param, 2 wildcard
    segment_captures = 0  # bit 1: a param in this segment, bit 2: a wildcard in this segment
    for i, token in enumerate(tokens):
        if isinstance(token, _Text):
            out.append(re.escape(token.value))
            backtrack += token.value
            if prev_capture == 2:
                wildcard_backtrack += token.value
            if "/" in token.value:
                segment_captures = 0
            continue
        if prev_capture and not backtrack:
            kind = "wildcard" if token.wildcard else "param"
            raise PathError(f'Missing text before "{token.name}" {kind}', path)
        if token.wildcard:
            if segment_captures & 2:
                out.append(f"({_negate(backtrack, '')}+)")
            elif wildcard_backtrack:
                out.append(f"({_negate(wildcard_backtrack, '')}+|{_negate('/', '')}+)")
            else:
                out.append(f"({_ANY}+)")
            wildcard_backtrack = ""
            segment_captures |= 2
            prev_capture = 2
        else:
            if segment_captures & 2:
                out.append(f"({_negate('/', backtrack)}+)")
            elif _wildcard_later_in_segment(tokens, i + 1):
                out.append(f"({_negate('/', _text_after(tokens, i + 1))}+)")
            elif segment_captures & 1:
                out.append(f"({_negate('/', backtrack)}+|{re.escape(backtrack)})")
            else:
                out.append(f"({_negate('/', '')}+)")
            segment_captures |= 1
            prev_capture = 1
        names.append(token.name)
        backtrack = ""
    return "".join(out)


def _wildcard_later_in_segment(tokens: Sequence[_Text | _Param], start: int) -> bool:
    for token in tokens[start:]:
        if isinstance(token, _Param) and token.wildcard:
            return True
        if isinstance(token, _Text) and "/" in token.value:
            return False
    return False


def _text_after(tokens: Sequence[_Text | _Param], start: int) -> str:
    text = ""
    for token in tokens[start:]:
        if not isinstance(token, _Text):
            break
        text += token.value
    return text


Matcher = Callable[[str], "MatchResult | None"]


@dataclass(frozen=True)
class CompiledPath:
    """One compiled route path: a regex, the parameter names of its groups, and wildcard flags."""

    regex: re.Pattern[str]
    names: tuple[str, ...]
    wildcards: frozenset[int]
    literal: str | None  # set when the path has no parameters: matched by string comparison
    first_segments: frozenset[str] | None  # first path segment(s) it can match; None: any
    ignore_case: bool = False  # the regex's IGNORECASE, as a bool: RegexFlag's `&` is Python code


def compile_string(path: str, *, end: bool, strict: bool, sensitive: bool) -> CompiledPath:
    """Compile a string path with Express's router options.

    `end` False makes a prefix match (for `app.use`), which must stop at a `/` or the end.
    `strict` False ignores trailing slashes on both the pattern and the request path.
    """
    if not strict:
        path = path.rstrip("/") if path != "/" else path
    tokens = _Parser(path).parse()
    names: list[str] = []
    sources: list[str] = []
    wildcards: set[int] = set()
    segments: set[str] | None = set()
    for alt in _expand(tokens, path):
        segment = _first_segment(alt)
        if segment is None or segments is None:
            segments = None
        else:
            segments.add(segment if sensitive else segment.lower())
        before = len(names)
        sources.append(_alternative_source(alt, path, names))
        wildcards.update(
            before + k
            for k, tok in enumerate(t for t in alt if isinstance(t, _Param))
            if tok.wildcard
        )
    pattern = "^(?:" + "|".join(sources) + ")"
    if not strict:
        pattern += r"(?:/\Z)?"
    pattern += r"\Z" if end else r"(?=/|\Z)"
    flags = 0 if sensitive else re.IGNORECASE
    literal = None
    if not tokens or (len(tokens) == 1 and isinstance(tokens[0], _Text)):
        literal = path if sensitive else path.lower()
    return CompiledPath(
        re.compile(pattern, flags),
        tuple(names),
        frozenset(wildcards),
        literal,
        None if segments is None else frozenset(segments),
        not sensitive,
    )


def _first_segment(tokens: Sequence[_Text | _Param]) -> str | None:
    """The first path segment every match of this alternative has, or None if it varies."""
    prefix = ""
    literal = True
    for token in tokens:
        if not isinstance(token, _Text):
            literal = False
            break
        prefix += token.value
    if not prefix.startswith("/"):
        return None
    end = prefix.find("/", 1)
    if end > 0:
        return prefix[1:end]
    return prefix[1:] if literal else None


class PathMatcher:
    """Matches request paths against one route path (string, regex, or a list of them).

    `match(path)` returns `(matched_prefix, params)` or None. Parameters are percent-decoded
    (a malformed escape raises HTTPError 400, as Express does); a wildcard yields a list.
    """

    __slots__ = ("_compiled", "_end", "_regexes", "_strict", "first_segments", "match_all")

    def __init__(self, spec: PathSpec, *, end: bool, strict: bool, sensitive: bool) -> None:
        self._end = end
        self._strict = strict
        items = list(_flatten_spec(spec))
        self._compiled: list[CompiledPath] = []
        self._regexes: list[re.Pattern[str]] = []
        for item in items:
            if isinstance(item, re.Pattern):
                self._regexes.append(item)
            else:
                self._compiled.append(
                    compile_string(item, end=end, strict=strict, sensitive=sensitive)
                )
        # app.use("/") matches every path without consuming any of it (router's fast slash).
        self.match_all = not end and items == ["/"]
        # The first segments a matching path can start with; None when any path may match.
        segments: set[str] | None = set()
        for compiled in self._compiled:
            if compiled.first_segments is None or segments is None:
                segments = None
            else:
                segments |= compiled.first_segments
        self.first_segments = (
            None if segments is None or self._regexes or self.match_all else frozenset(segments)
        )

    def match(self, path: str) -> MatchResult | None:
        """Match `path`; return the matched part and the decoded parameters, or None."""
        if self.match_all:
            return "", Params()
        for compiled in self._compiled:
            literal = compiled.literal
            if literal is not None and self._end:  # no parameters: a string comparison
                candidate = path.lower() if compiled.ignore_case else path
                if candidate == literal or (not self._strict and candidate == literal + "/"):
                    return path, Params()
                continue
            m = compiled.regex.match(path)
            if m is not None:
                return m.group(0), _compiled_params(compiled, m)
        for regex in self._regexes:
            m = regex.match(path)
            if m is not None:
                return m.group(0), _regex_params(m)
        return None


def _flatten_spec(spec: PathSpec) -> list[str | re.Pattern[str]]:
    if isinstance(spec, (str, re.Pattern)):
        return [spec]
    flat: list[str | re.Pattern[str]] = []
    for item in spec:
        flat.extend(_flatten_spec(item))
    return flat


def _compiled_params(compiled: CompiledPath, m: re.Match[str]) -> Params:
    """The decoded parameters of a match of `compiled` (a wildcard's as a list of segments)."""
    params = Params()
    for index, value in enumerate(m.groups()):
        if value is None:
            continue
        name = compiled.names[index]
        if index in compiled.wildcards:
            params[name] = [decode_param(part) for part in value.split("/")]
        else:
            params[name] = decode_param(value)
    return params


def _regex_params(m: re.Match[str]) -> Params:
    params = Params()
    named = {index: name for name, index in m.re.groupindex.items()}
    position = 0
    for index in range(1, (m.re.groups or 0) + 1):
        key: str | int
        if index in named:
            key = named[index]
        else:
            key = position
            position += 1
        value = m.group(index)
        if value is not None:
            params[str(key)] = decode_param(value)
    return params
