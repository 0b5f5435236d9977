"""Handlebars templates (as express-handlebars renders them) as Jinja2.

`{{x}}` → `{{ x }}`, `{{{x}}}` → `{{ x|raw }}`, `{{#if}}`/`{{#unless}}`/`{{else}}`,
`{{#each}}` (with `this`, `@index`, `@key`, `@first`, `@last`, `../`, and block params:
`{{#each items as |item i|}}`), `{{#with}}` (also `as |u|`), helper calls (`{{shout title}}` →
`{{ shout(title) }}`, `{{lookup list i}}` → `{{ list[i] }}`; the engine registers the app's
helpers), and `{{> partial}}` → `{% include "partials/partial.html" %}`. Handlebars'
whitespace rules are applied while translating: a block, else, comment or partial tag alone on
its line removes the line (its indentation and its newline), and `~` strips the whitespace on
its side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .context import Todo
from .views import ViewResult, literal

__all__ = ["translate_handlebars"]

_TAG = re.compile(r"\{\{(~?)(\{)?(!--.*?--|!.*?|[#/^>]?[^{}]*?)(\})?(~?)\}\}", re.DOTALL)
_STANDALONE_KINDS = {"#", "/", "else", "!", ">"}
#: A helper call's arguments: quoted strings (which may hold spaces) and other words.
_ARGUMENT = re.compile(r""""[^"]*"|'[^']*'|\S+""")
#: `items as |item index|`: a block's argument and its block params.
_BLOCK_PARAMS = re.compile(r"(?P<value>.+?)\s+as\s+\|\s*(?P<names>[\w$]+(?:\s+[\w$]+)?)\s*\|")
_HELPER_NAME = re.compile(r"[A-Za-z_]\w*")


@dataclass
class _Tag:
    start: int
    end: int
    strip_before: bool
    strip_after: bool
    triple: bool
    body: str
    line: int
    indent: str = ""  # the indentation of a standalone partial's line

    @property
    def kind(self) -> str:
        """ "#", "/", ">", "!", "else" or "" (a value)."""
        head = self.body.strip()
        if head.startswith("!"):
            return "!"
        if head in ("else", "^") or head.startswith("else "):
            return "else"
        if head[:1] in ("#", "/", ">"):
            return head[0]
        return ""


def _tags(text: str) -> list[_Tag]:
    return [
        _Tag(
            m.start(),
            m.end(),
            m.group(1) == "~",
            m.group(5) == "~",
            bool(m.group(2)),
            m.group(3),
            text.count("\n", 0, m.start()) + 1,
        )
        for m in _TAG.finditer(text)
    ]


def _standalone(text: str, tag: _Tag) -> tuple[int, int] | None:
    """The span to cut when `tag` stands alone on its line, else None."""
    if tag.kind not in _STANDALONE_KINDS:
        return None
    line_start = text.rfind("\n", 0, tag.start) + 1
    line_end = text.find("\n", tag.end)
    before = text[line_start : tag.start]
    after = text[tag.end :] if line_end == -1 else text[tag.end : line_end]
    if before.strip(" \t") or after.strip(" \t\r"):
        return None
    return line_start, (len(text) if line_end == -1 else line_end + 1)


class _Scope:
    """Where names resolve: the root context, or a block's item (`this`)."""

    def __init__(
        self,
        this: str | None,
        key: str | None = None,
        parent: _Scope | None = None,
        loop: bool = False,
        params: dict[str, str] | None = None,
    ) -> None:
        self.this, self.key, self.parent, self.loop = this, key, parent, loop
        self.params = params or {}  # block params (`as |item i|`) → Jinja2 names

    def param(self, name: str) -> str | None:
        """The Jinja2 name of block param `name` here or in an enclosing block, else None."""
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.params:
                return scope.params[name]
            scope = scope.parent
        return None


class _Translator:
    def __init__(self, display: str) -> None:
        self.display = display
        self.todos: list[Todo] = []
        self.scope = _Scope(None)
        self.blocks: list[str] = []
        self.restored: list[bool] = []  # per open block: its {{else}} left the block's context
        self.count = 0
        self.names = 0

    def todo(self, tag: _Tag) -> str:
        item = Todo(self.display, tag.line, "{{" + tag.body + "}}")
        self.todos.append(item)
        return "{# " + item.comment()[2:].replace("#}", "# }") + " #}"

    def path(self, text: str) -> str:
        """A Handlebars path (`user.name`, `this`, `../title`, `@index`) as Jinja2."""
        text = text.strip()
        if text.startswith('"') or text.startswith("'"):
            return '"' + text[1:-1].replace('"', '\\"') + '"'
        if re.fullmatch(r"-?\d+(\.\d+)?", text) or text in ("true", "false"):
            return text
        scope = self.scope
        while text.startswith("../"):
            text = text[3:]
            scope = scope.parent or scope
        if text.startswith("@root."):
            text, scope = text[6:], _Scope(None)
        if text.startswith("@"):
            loop_scope: _Scope | None = scope
            while loop_scope is not None and not loop_scope.loop:
                loop_scope = loop_scope.parent
            name = text[1:]
            if loop_scope is None:
                raise ValueError(text)
            if name == "key" and loop_scope.key:
                return loop_scope.key
            if name == "index":
                return "loop.index0"
            if name in ("first", "last"):
                return f"loop.{name}"
            raise ValueError(text)
        parts = [p for p in re.split(r"[./]", text) if p]
        bound = scope.param(parts[0]) if parts else None
        if bound is not None and len(parts) > 1 and parts[-1] == "length":
            return f"js.length({'.'.join([bound, *parts[1:-1]])})"
        if bound is not None:
            return ".".join([bound, *parts[1:]])
        if len(parts) > 1 and parts[-1] == "length":
            return f"js.length({self.path(text[: text.rindex('length')].rstrip('./'))})"
        if parts and parts[0] == "this":
            parts = parts[1:]
            base = scope.this
            if base is None:
                if not parts:
                    raise ValueError(text)
                return ".".join(parts)
            return ".".join([base, *parts])
        if scope.this is not None:
            return ".".join([scope.this, *parts])
        return ".".join(parts)

    def fresh(self, base: str) -> str:
        self.names += 1
        return base if self.names == 1 else f"{base}{self.names}"

    def tag(self, tag: _Tag) -> str:
        body = tag.body.strip()
        kind = tag.kind
        self.count += 1
        if kind == "!":
            return ""
        try:
            if kind == "#":
                return self.open_block(tag, body[1:].strip())
            if kind == "/":
                name = body[1:].strip()
                if not self.blocks or self.blocks[-1] != name:
                    return self.todo(tag)
                self.blocks.pop()
                restored = self.restored.pop()
                if name in ("each", "with") and not restored:
                    self.scope = self.scope.parent or self.scope
                return (
                    "{% endfor %}"
                    if name == "each"
                    else ("{% endif %}{% endwith %}" if name == "with" else "{% endif %}")
                )
            if kind == "else":
                rest = body[4:].strip() if body.startswith("else") else ""
                if self.blocks and self.blocks[-1] in ("each", "with") and not self.restored[-1]:
                    # The inverse block runs in the outer context.
                    self.scope = self.scope.parent or self.scope
                    self.restored[-1] = True
                if rest.startswith("if "):
                    return "{% elif " + self.condition(rest[3:]) + " %}"
                return "{% else %}"
            if kind == ">":
                name = body[1:].strip()
                if " " in name or self.scope.this is not None:
                    return self.todo(tag)
                include = '{% include "partials/' + name + '.html" %}'
                if tag.indent:
                    # A standalone partial is indented line by line with the tag's indentation.
                    return (
                        "{% filter indent("
                        + repr(tag.indent)
                        + ", blank=True) %}"
                        + include
                        + "{% endfilter %}"
                    )
                return include
            value = self.helper_call(body) if " " in body else self.path(body)
            return "{{ " + value + ("|raw }}" if tag.triple else " }}")
        except ValueError:
            return self.todo(tag)

    def helper_call(self, body: str) -> str:
        """`{{name arg "text" 2}}` as `name(arg, "text", 2)` (`lookup` as a subscript); hash
        arguments (`key=value`) and subexpressions raise ValueError (a TODO)."""
        name, *args = _ARGUMENT.findall(body)
        if _HELPER_NAME.fullmatch(name) is None or any(
            a.startswith("(") or ("=" in a and a[0] not in "\"'") for a in args
        ):
            raise ValueError(body)
        values = [self.path(a) for a in args]
        if name == "lookup" and len(values) == 2:
            return f"{values[0]}[{values[1]}]"
        return f"{name}({', '.join(values)})"

    def condition(self, expression: str) -> str:
        words = expression.split()
        if len(words) != 1:
            raise ValueError(expression)
        return self.path(words[0])

    def open_block(self, tag: _Tag, body: str) -> str:
        name, _, argument = body.partition(" ")
        if name in ("if", "unless", "each", "with"):
            self.restored.append(False)
        if name == "if":
            self.blocks.append("if")
            return "{% if " + self.condition(argument) + " %}"
        if name == "unless":
            self.blocks.append("unless")
            return "{% if not " + self.condition(argument) + " %}"
        argument, names = _block_params(argument)
        if name == "each":
            value = self.condition(argument)
            item, key = self.fresh("item"), self.fresh("key")
            self.blocks.append("each")
            params = dict(zip(names, (item, key), strict=False))
            self.scope = _Scope(item, key, self.scope, loop=True, params=params)
            return "{% for " + key + ", " + item + " in each(" + value + ") %}"
        if names and name != "with":
            raise ValueError(name)  # block params belong to each and with
        if name == "with":
            value = self.condition(argument)
            item = self.fresh("ctx")
            self.blocks.append("with")
            self.scope = _Scope(
                item, None, self.scope, params=dict(zip(names, (item,), strict=False))
            )
            return "{% with " + item + " = " + value + " %}{% if " + item + " %}"
        raise ValueError(name)


def _block_params(argument: str) -> tuple[str, list[str]]:
    """A block's argument without its `as |a b|` part, and the block params' names."""
    match = _BLOCK_PARAMS.fullmatch(argument.strip())
    if match is None:
        return argument, []
    return match["value"], match["names"].split()


def translate_handlebars(source: str, display: str) -> ViewResult:
    """Translate one Handlebars template (a view, a layout or a partial)."""
    # express-handlebars trims every template's source before compiling it (and trims what a
    # view and a layout render: the engine does that part).
    source = source.strip()
    tags = _tags(source)
    cuts: dict[int, tuple[int, int]] = {}
    for tag in tags:
        span = _standalone(source, tag)
        if span is not None:
            if tag.kind == ">":
                # A standalone partial keeps its indentation (Handlebars indents the partial's
                # lines with it) but loses the line's newline.
                tag.indent = source[span[0] : tag.start]
                span = (tag.start, span[1])
            cuts[tag.start] = span
    tx = _Translator(display)
    out: list[str] = []
    position = 0
    strip_next = False
    for index, tag in enumerate(tags):
        span = cuts.get(tag.start)
        text_end = span[0] if span is not None else tag.start
        chunk = source[position : max(position, text_end)]
        if strip_next:
            chunk = chunk.lstrip()
        following = tags[index + 1] if index + 1 < len(tags) else None
        if tag.strip_before:
            chunk = chunk.rstrip()
        out.append(literal(chunk))
        out.append(tx.tag(tag))
        position = span[1] if span is not None else tag.end
        strip_next = tag.strip_after
        del following
    tail = source[position:]
    if strip_next:
        tail = tail.lstrip()
    out.append(literal(tail))
    return ViewResult("".join(out), tx.todos, tx.count)
