"""The Range request header, parsed exactly as the npm package range-parser@1.3 parses it.

`parse_range(size, header)` returns `MALFORMED` (-2, Express's "malformed") when the header
cannot be parsed, `UNSATISFIABLE` (-1) when no range fits in `size` bytes, or a `Ranges` list
of inclusive byte ranges with the unit in `.type`. Ranges past the end are clamped; with
`combine=True` overlapping and adjacent ranges are merged (keeping the order they were asked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNSATISFIABLE = -1
MALFORMED = -2

_DIGITS = re.compile(r"[0-9]+")


@dataclass
class ByteRange:
    """An inclusive byte range: `start` to `end`, both offsets into the representation."""

    start: int
    end: int

    def __getitem__(self, key: str) -> int:
        # req.range(size)[0]["start"] reads as in JavaScript
        return int(getattr(self, key))

    def to_json(self) -> dict[str, int]:
        """`{"start": ..., "end": ...}`, what res.json writes for a range."""
        return {"start": self.start, "end": self.end}


class Ranges(list[ByteRange]):
    """A list of `ByteRange` with the range unit (normally "bytes") in `.type`."""

    def __init__(self, unit: str, ranges: list[ByteRange]) -> None:
        super().__init__(ranges)
        self.type = unit


def _position(text: str) -> int | None:
    return int(text) if _DIGITS.fullmatch(text) else None


def _parse_one(size: int, spec: str) -> ByteRange | int | None:
    """One `start-end` element: a range, MALFORMED, or None when it does not fit."""
    dash = spec.find("-")
    if dash < 0:
        return MALFORMED
    start_text, end_text = spec[:dash].strip(), spec[dash + 1 :].strip()
    start, end = _position(start_text), _position(end_text)
    if not start_text:  # suffix range: the last `end` bytes
        start, end = (None if end is None else size - end), size - 1
    elif not end_text:
        end = size - 1
    if start is None or end is None:
        return MALFORMED
    end = min(end, size - 1)
    if start > end or start < 0:
        return None
    return ByteRange(start, end)


def _combine(ranges: list[ByteRange]) -> list[ByteRange]:
    ordered = sorted(((r.start, r.end, i) for i, r in enumerate(ranges)), key=lambda t: t[0])
    merged: list[list[int]] = []
    for start, end, index in ordered:
        if merged and start <= merged[-1][1] + 1:
            last = merged[-1]
            if end > last[1]:
                last[1] = end
                last[2] = min(last[2], index)
        else:
            merged.append([start, end, index])
    merged.sort(key=lambda item: item[2])
    return [ByteRange(start, end) for start, end, _ in merged]


def parse_range(size: int, header: str, *, combine: bool = False) -> Ranges | int:
    """Parse `header` for a representation of `size` bytes (see the module docstring)."""
    equals = header.find("=")
    if equals < 0:
        return MALFORMED
    found: list[ByteRange] = []
    for spec in header[equals + 1 :].split(","):
        item = _parse_one(size, spec)
        if item == MALFORMED:
            return MALFORMED
        if isinstance(item, ByteRange):
            found.append(item)
    if not found:
        return UNSATISFIABLE
    return Ranges(header[:equals], _combine(found) if combine else found)


def content_range(size: int, byte_range: ByteRange | None = None, unit: str = "bytes") -> str:
    """A Content-Range value: `bytes 0-99/1000`, or `bytes */1000` for a 416 answer."""
    span = f"{byte_range.start}-{byte_range.end}" if byte_range else "*"
    return f"{unit} {span}/{size}"
