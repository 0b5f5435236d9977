"""The summary printed at the end of a run: files written, statements, each TODO with FILE:LINE."""

from __future__ import annotations

from pathlib import Path

from .project import PortResult

__all__ = ["summary"]


def summary(result: PortResult, cwd: Path | None = None) -> list[str]:
    """The summary's lines (TODOs first, then the totals)."""
    lines = [todo.comment()[2:] for todo in result.todos]
    files = len(result.written)
    statements = sum(item.statements for item in result.written)
    todos = len(result.todos)
    lines.extend(result.errors)
    verb = "checked" if cwd is None else "written"
    lines.append(
        f"{files} file{'s' if files != 1 else ''} {verb}, {statements} statements "
        f"and tags translated, {todos} TODO{'s' if todos != 1 else ''}"
        + (f", {len(result.errors)} with syntax errors" if result.errors else "")
    )
    return lines
