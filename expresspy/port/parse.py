"""Parsing JavaScript with tree-sitter (the optional `port` extra), imported on first use.

A syntax error is reported as one line, `FILE:LINE:COL: syntax error near '...'`, at the first
node the grammar could not place.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

__all__ = ["PortSyntaxError", "fields", "parse"]

INSTALL_HINT = "expresspy port parses JavaScript with tree-sitter: pip install 'expresspy[port]'"


class PortSyntaxError(Exception):
    """A JavaScript file that does not parse; ``str()`` is the one-line FILE:LINE:COL report."""

    def __init__(self, file: str, line: int, column: int, near: str) -> None:
        super().__init__(f"{file}:{line}:{column}: syntax error near {near!r}")
        self.file, self.line, self.column = file, line, column


def fields(node: Node, *names: str) -> tuple[Node, ...]:
    """The children of ``node`` under the field ``names``, in order, each one the grammar
    always gives that node type (an assertion error, a translator bug, when one is missing)."""
    found = tuple(node.child_by_field_name(name) for name in names)
    assert all(child is not None for child in found), (node.type, names)
    return found  # type: ignore[return-value]  # None ruled out just above


@lru_cache(maxsize=1)
def _parser() -> Parser:
    try:
        import tree_sitter
        import tree_sitter_javascript
    except ImportError as exc:
        raise RuntimeError(INSTALL_HINT) from exc
    language: Any = tree_sitter.Language(tree_sitter_javascript.language())
    return tree_sitter.Parser(language)


def parse(source: bytes, file: str) -> Node:
    """The program node of `source`; raises PortSyntaxError (file is the name in the report)."""
    tree = _parser().parse(source)
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root) or root
        line, column = bad.start_point[0] + 1, bad.start_point[1] + 1
        near = source[bad.start_byte : bad.end_byte].decode("utf-8", "replace").split("\n")[0]
        raise PortSyntaxError(file, line, column, near[:40] or bad.type)
    return root


def _first_error(node: Node) -> Node | None:
    """The first ERROR or MISSING node in source order."""
    if node.type == "ERROR" or node.is_missing:
        return node
    for child in node.children:
        if child.has_error or child.is_missing or child.type == "ERROR":
            found = _first_error(child)
            if found is not None:
                return found
    return None
