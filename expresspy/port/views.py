"""View templates: EJS and Handlebars files to Jinja2 templates rendered by
:mod:`expresspy.port.engines` (same bytes out). This module holds what both share: the result
type, the Jinja2-flavoured expression translator and the escaping of literal text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .calls import CallTranslator
from .context import Todo
from .parse import parse

__all__ = ["TemplateExpressions", "TemplateTodo", "ViewResult", "literal", "translate_view"]


class TemplateTodo(Exception):
    """A template tag the translator does not handle (it becomes a TODO comment)."""


@dataclass(frozen=True)
class ViewResult:
    """A translated template: its Jinja2 text, its TODOs and how many tags it translated."""

    text: str
    todos: list[Todo]
    statements: int


class TemplateExpressions(CallTranslator):
    """JavaScript expressions as Jinja2 expressions (for EJS tags)."""

    jinja = True

    def __init__(self, display: str) -> None:
        super().__init__(display, b"")
        self.line = 1

    def template_expr(self, source: str, line: int) -> str:
        """Translate one expression's source; raises Untranslatable or PortSyntaxError."""
        code = f"({source}\n)".encode()
        root = parse(code, f"{self.display}:{line}")
        self.source = code
        statement = root.named_children[0]
        return self.code(statement.named_children[0])

    def need(self, line: str) -> None:
        """Templates import nothing: `js` is a global of the engine."""

    def todo_at(self, line: int, original: str) -> str:
        """Record a TODO at a template line; returns the Jinja2 comment for its spot."""
        item = Todo(self.display, line, original)
        self.todos.append(item)
        return "{# " + item.comment()[2:].replace("#}", "# }") + " #}"


def literal(text: str) -> str:
    """Template text that Jinja2 must print as it is (`{{`, `{%`, `{#` protected)."""
    if "{{" in text or "{%" in text or "{#" in text:
        return "{% raw %}" + text + "{% endraw %}"
    return text


def translate_view(path: Path, views_root: Path, display: str, as_ejs: bool = False) -> ViewResult:
    """Translate one template file by its extension (`.ejs`, `.hbs`, `.handlebars`).

    `as_ejs` reads it as EJS whatever its extension (`app.engine('.html', ejs.__express)`).
    """
    text = path.read_text(encoding="utf-8")
    relative_dir = (
        path.parent.relative_to(views_root).as_posix() if path.is_relative_to(views_root) else ""
    )
    if path.suffix == ".ejs" or as_ejs:
        from .ejs import translate_ejs

        return translate_ejs(text, display, "" if relative_dir == "." else relative_dir)
    from .handlebars import translate_handlebars

    return translate_handlebars(text, display)
