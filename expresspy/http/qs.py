"""The "extended" query parser: nested keys (`a[b][c]=1`, `a[]=1`), as Express's qs setting.

Limits follow qs's defaults as Express uses them: depth 5, array index limit 20, 1000
parameters. Keys that would shadow Python internals are kept as plain strings; no object
attribute is ever set from input (there is no prototype to pollute).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

DEPTH = 5
ARRAY_LIMIT = 20
PARAMETER_LIMIT = 1000
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def _split_key(key: str, depth: int) -> list[str]:
    first = key.find("[")
    if first <= 0:
        return [key]
    parts = [key[:first]]
    rest = key[first:]
    pos = 0
    while len(parts) <= depth:
        m = _SEGMENT.match(rest, pos)
        if m is None:
            break
        parts.append(m.group(1))
        pos = m.end()
    if pos < len(rest):
        parts.append(rest[pos:])  # qs keeps what is beyond the depth as one literal key
    return parts


def _assign(target: dict[str, Any], parts: list[str], value: str) -> None:
    node: Any = target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if part == "" or (part.isdigit() and int(part) <= ARRAY_LIMIT):
                index = len(node) if part == "" else int(part)
                if last:
                    if index >= len(node):
                        node.append(value)
                    else:
                        node[index] = [node[index], value] if not isinstance(
                            node[index], list) else [*node[index], value]
                    return
                while len(node) <= index:
                    node.append({})
                node = node[index]
                continue
            converted = {str(k): v for k, v in enumerate(node)}
            node.clear()
            node = converted
        if last:
            existing = node.get(part)
            if existing is None:
                node[part] = value
            elif isinstance(existing, list):
                existing.append(value)
            else:
                node[part] = [existing, value]
            return
        child = node.get(part)
        next_is_array = parts[i + 1] == "" or (
            parts[i + 1].isdigit() and int(parts[i + 1]) <= ARRAY_LIMIT)
        if child is None or not isinstance(child, (dict, list)):
            child = [] if next_is_array else {}
            node[part] = child
        node = child


def extended_query_parser(query: str) -> dict[str, Any]:
    """Parse a query string into nested dicts and lists (Express's "extended" parser)."""
    result: dict[str, Any] = {}
    pairs = parse_qsl(query, keep_blank_values=True)[:PARAMETER_LIMIT]
    for key, value in pairs:
        if not key:
            continue
        _assign(result, _split_key(key, DEPTH), value)
    return result
