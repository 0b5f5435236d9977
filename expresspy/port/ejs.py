"""EJS templates as Jinja2: `<%= x %>` → `{{ x }}`, `<%- x %>` → `{{ x|raw }}`,
`<%- include('p') %>` → `{% include "p.html" %}`, and the scriptlets tutorials write
(`if`/`else`, `forEach`, `for...of`, counted `for`, `const x = ...`) as Jinja2 statements.

EJS's whitespace rules are applied while translating, so the Jinja2 template needs none of its
own: `<%_` slurps the spaces and tabs before it, `_%>` those after it, and `-%>`/`_%>` remove
the one newline that follows.
"""

from __future__ import annotations

import posixpath
import re

from .context import Untranslatable
from .parse import PortSyntaxError
from .views import TemplateExpressions, TemplateTodo, ViewResult, literal

__all__ = ["translate_ejs"]

_TAG = re.compile(r"<%(?!%)([_=\-#]?)(.*?)([_\-]?)%>", re.DOTALL)
_IF = re.compile(r"^if\s*\((.*)\)\s*\{$", re.DOTALL)
_ELSE_IF = re.compile(r"^\}\s*else\s+if\s*\((.*)\)\s*\{$", re.DOTALL)
_ELSE = re.compile(r"^\}\s*else\s*\{$")
_CLOSE = re.compile(r"^\}\s*\)?\s*;?$")
_FOR_EACH = re.compile(
    r"^(.+)\.forEach\(\s*(?:function\s*\(\s*(\w+)\s*(?:,\s*(\w+)\s*)?\)|\(?\s*(\w+)\s*"
    r"(?:,\s*(\w+)\s*)?\)?\s*=>)\s*\{$",
    re.DOTALL,
)
_FOR_OF = re.compile(r"^for\s*\(\s*(?:const|let|var)\s+(\w+)\s+of\s+(.+)\)\s*\{$", re.DOTALL)
_FOR_COUNT = re.compile(
    r"^for\s*\(\s*(?:let|var)\s+(\w+)\s*=\s*0\s*;\s*\1\s*<\s*(.+?)\s*;\s*\1\+\+\s*\)\s*\{$",
    re.DOTALL,
)
_DECLARE = re.compile(r"^(?:const|let|var)\s+(\w+)\s*=\s*(.+?);?$", re.DOTALL)
_INCLUDE = re.compile(r"^include\(\s*(['\"])(.+?)\1\s*(?:,\s*(\{.*\}))?\s*\)\s*;?$", re.DOTALL)


def _slurp(text: str) -> str:
    """EJS's pre-pass: spaces and tabs before `<%_` and after `_%>` go."""
    return re.sub(r"_%>[ \t]*", "_%>", re.sub(r"[ \t]*<%_", "<%_", text))


def translate_ejs(source: str, display: str, folder: str = "") -> ViewResult:
    """Translate an EJS template; `folder` is its folder under views/ (for includes)."""
    text = _slurp(source)
    tx = TemplateExpressions(display)
    out: list[str] = []
    blocks: list[str] = []
    position = 0
    trim_next = False
    count = 0
    for match in _TAG.finditer(text):
        chunk = text[position : match.start()]
        if trim_next:
            chunk = re.sub(r"^(?:\r\n|\r|\n)", "", chunk)
        out.append(literal(chunk.replace("<%%", "<%").replace("%%>", "%>")))
        opener, code, closer = match.group(1), match.group(2).strip(), match.group(3)
        line = text.count("\n", 0, match.start()) + 1
        trim_next = closer in ("-", "_")
        position = match.end()
        if opener == "#":
            continue
        count += 1
        try:
            out.append(_tag(tx, opener, code, line, blocks, folder))
        except (Untranslatable, PortSyntaxError, TemplateTodo):
            out.append(tx.todo_at(line, match.group(0)))
    tail = text[position:]
    if trim_next:
        tail = re.sub(r"^(?:\r\n|\r|\n)", "", tail)
    out.append(literal(tail.replace("<%%", "<%").replace("%%>", "%>")))
    for block in reversed(blocks):
        out.append(tx.todo_at(source.count("\n") + 1, f"unclosed {block}"))
    return ViewResult("".join(out), tx.todos, count)


def _tag(
    tx: TemplateExpressions, opener: str, code: str, line: int, blocks: list[str], folder: str
) -> str:
    """One tag's Jinja2 text."""
    if opener in ("=", "-"):
        include = _INCLUDE.match(code)
        if include is not None and opener == "-":
            return _include(tx, include, line, folder)
        expr = tx.template_expr(code.rstrip(";"), line)
        return "{{ " + expr + (" }}" if opener == "=" else "|raw }}")
    return _scriptlet(tx, code, line, blocks)


def _include(tx: TemplateExpressions, match: re.Match[str], line: int, folder: str) -> str:
    name = posixpath.normpath(posixpath.join(folder, match.group(2)))
    if not name.endswith(".html"):
        name = posixpath.splitext(name)[0] + ".html" if name.endswith(".ejs") else name + ".html"
    statement = '{% include "' + name + '" %}'
    if match.group(3):
        return _include_with(tx, match.group(3), statement, line)
    return statement


def _include_with(tx: TemplateExpressions, obj: str, statement: str, line: int) -> str:
    """`include('p', {a: x})` → `{% with a=x %}{% include %}{% endwith %}`."""
    pairs = re.findall(r"(\w+)\s*:\s*([^,}]+)", obj)
    if not pairs:
        raise TemplateTodo
    assigns = ", ".join(f"{k}={tx.template_expr(v.strip(), line)}" for k, v in pairs)
    return "{% with " + assigns + " %}" + statement + "{% endwith %}"


def _scriptlet(tx: TemplateExpressions, code: str, line: int, blocks: list[str]) -> str:
    """Control flow and declarations inside `<% ... %>`."""
    code = code.strip().rstrip(";").strip() if not code.strip().endswith("{") else code.strip()
    if match := _ELSE_IF.match(code):
        _expect(blocks, "if")
        return "{% elif " + tx.template_expr(match.group(1), line) + " %}"
    if _ELSE.match(code):
        _expect(blocks, "if")
        return "{% else %}"
    if match := _IF.match(code):
        blocks.append("if")
        return "{% if " + tx.template_expr(match.group(1), line) + " %}"
    if match := _FOR_EACH.match(code):
        item = match.group(2) or match.group(4)
        index = match.group(3) or match.group(5)
        seq = tx.template_expr(match.group(1), line)
        blocks.append("for")
        head = "{% for " + item + " in " + seq + " %}"
        return head + ("{% set " + index + " = loop.index0 %}" if index else "")
    if match := _FOR_OF.match(code):
        blocks.append("for")
        return "{% for " + match.group(1) + " in " + tx.template_expr(match.group(2), line) + " %}"
    if match := _FOR_COUNT.match(code):
        blocks.append("for")
        bound = tx.template_expr(match.group(2), line)
        return "{% for " + match.group(1) + " in range(" + bound + ") %}"
    if _CLOSE.match(code):
        if not blocks:
            raise TemplateTodo
        return "{% end" + blocks.pop() + " %}"
    if match := _DECLARE.match(code):
        return "{% set " + match.group(1) + " = " + tx.template_expr(match.group(2), line) + " %}"
    raise TemplateTodo


def _expect(blocks: list[str], kind: str) -> None:
    if not blocks or blocks[-1] != kind:
        raise TemplateTodo
