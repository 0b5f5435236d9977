"""Functions and classes: a JavaScript function becomes a `def` (a lambda when it is one short
expression), a class keeps its methods with `self`, `constructor` becomes `__init__`.

A function used as a value is placed, as a named `def`, just before the statement that uses it
(named from its route: `app.get('/login', ...)` → `get_login`). Assignments to a name of an
enclosing function or of the module get their `nonlocal`/`global` line; parameters named like
Express's (req, res, next, err) get their kinds.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .calls import PARAM_KINDS, CallTranslator
from .context import PRIMARY, Expr, Scope, Untranslatable, is_simple
from .literals import py_string
from .naming import py_name, snake_case
from .parse import fields

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["INDENT", "FunctionTranslator", "indent"]

INDENT = "    "
#: A lambda longer than this becomes a def (PEP 8 prefers def; long lambdas read badly).
LAMBDA_LIMIT = 80
_FUNCTIONS = {
    "arrow_function",
    "function_expression",
    "function",
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
}


def indent(lines: list[str]) -> list[str]:
    """Lines one level deeper (blank lines stay blank)."""
    return [INDENT + line if line else line for line in lines]


class FunctionTranslator(CallTranslator):
    """Function, parameter, return and class rules (see the module doc)."""

    # Provided by the statement translator.
    def body(self, node: Node | None) -> list[str]:  # pragma: no cover - overridden
        """A statement or block as an indented Python suite."""
        raise NotImplementedError

    def comment(self, node: Node) -> list[str]:  # pragma: no cover - overridden
        """A comment as `#` lines."""
        raise NotImplementedError

    def function_value(self, node: Node, hint: str) -> Expr:
        """A function used as a value: a short lambda, else a def hoisted before the statement."""
        body = node.child_by_field_name("body")
        if body is not None and body.type == "statement_block":
            # `() => { console.log(x); }`: one call statement reads best as a lambda.
            inner = list(body.named_children)
            if (
                len(inner) == 1
                and inner[0].type == "expression_statement"
                and inner[0].named_children[0].type == "call_expression"
            ):
                body = inner[0].named_children[0]
        if (
            body is not None
            and body.type != "statement_block"
            and not _is_chain(self, body)  # a `.then` chain awaits: a def
            and not self.jinja
            and "async" not in self.text(node).split("(")[0].split("=>")[0]
        ):
            params = self.params(node)
            if params is not None and all("=" not in p and "*" not in p for p in params):
                used_names = set(self.used_names)  # restored when the lambda is dropped
                self.push_scope()
                self.declare_params(node)
                pre: list[str] = []
                self.pre.append(pre)
                # A def the body hoists would land outside the lambda, away from its
                # parameters: such a body needs a def of its own.
                self.hoisted.append(pre)
                self.is_async.append(False)  # an await (a `.then` chain) needs a def
                try:
                    value = self.expr(body)
                    awaits = self.is_async[-1]
                finally:
                    self.is_async.pop()
                    self.hoisted.pop()
                    self.pre.pop()
                    self.pop_scope()
                code = (
                    f"lambda {', '.join(params)}: {value.code}"
                    if params
                    else f"lambda: {value.code}"
                )
                if not pre and not awaits and len(code) <= LAMBDA_LIMIT and "\n" not in code:
                    return Expr(code, "function", 0)
                self.used_names = used_names
        if self.jinja or not self.hoisted:
            raise Untranslatable(node, "function in this position")
        name = self.unique(hint)
        self.hoisted[-1].extend(self.function_def(node, name))
        return Expr(name, "function")

    def params(self, node: Node) -> list[str] | None:
        """The Python parameter list (names only; defaults as `name=value`)."""
        single = node.child_by_field_name("parameter")
        if single is not None:
            return [py_name(self.text(single))]
        params = node.child_by_field_name("parameters")
        if params is None:
            return []
        result: list[str] = []
        body = node.child_by_field_name("body")
        body_text = self.text(body) if body is not None else ""
        for child in params.named_children:
            if child.type == "identifier":
                name = self.text(child)
                optional = _defaults_itself(name, body_text) or any("=" in p for p in result)
                # `route = route || ''` in the body: callers may leave it out, as JS allows.
                result.append(py_name(name) + ("=None" if optional else ""))
            elif child.type == "assignment_pattern":
                left = child.child_by_field_name("left")
                right = child.child_by_field_name("right")
                if left is None or right is None or left.type != "identifier":
                    return None
                result.append(f"{py_name(self.text(left))}={self.code(right)}")
            elif child.type == "rest_pattern":
                result.append("*" + py_name(self.text(child.named_children[0])))
            elif child.type == "object_pattern":
                result.append(f"{self.unique('arg')}")
            elif child.type == "comment":
                continue
            else:
                return None
        return result

    def declare_params(self, node: Node) -> list[str]:
        """Bind the parameters in the current scope; returns destructuring lines for the body."""
        return self._bind_params(node, self.params(node) or [])

    def function_def(self, node: Node, name: str, decorators: tuple[str, ...] = ()) -> list[str]:
        """A function node as `def name(...):` (async when it is, or when it awaits)."""
        params = self.params(node)
        if params is None:
            raise Untranslatable(node, "parameters")
        # Object patterns got generated names in `params`; bind those same names.
        scope = self.push_scope()
        self.is_async.append(self.text(node).lstrip().startswith("async"))
        self.returns_promise.append(False)
        self.return_continues.append(False)
        try:
            pattern_lines = self._bind_params(node, params)
            body_node = node.child_by_field_name("body")
            if body_node is not None and body_node.type == "statement_block":
                body = self.body(body_node)
            elif body_node is not None:
                self.hoisted.append([])
                self.pre.append([])
                try:
                    if _is_chain(self, body_node):  # `(req, res) => db.find().then(...)`
                        own = self.returned_chain(body_node)
                    else:
                        own = [f"return {self.expr(body_node).code}"]
                    body = indent(self.hoisted[-1] + self.pre[-1] + own)
                finally:
                    self.hoisted.pop()
                    self.pre.pop()
            else:
                body = indent(["pass"])
            is_async = self.is_async[-1]
            promising = self.returns_promise[-1]
        finally:
            self.is_async.pop()
            self.returns_promise.pop()
            self.return_continues.pop()
            self.pop_scope()
        if is_async or promising:
            self.promise_functions.add(name)
        declarations = self.scope_declarations(scope)
        head = f"{'async ' if is_async else ''}def {name}({', '.join(params)}):"
        return [*decorators, head, *indent(declarations + pattern_lines), *body]

    def _bind_params(self, node: Node, params: list[str]) -> list[str]:
        """Bind parameters by kind (req, res, err, ...); `params` are their Python names."""
        single = node.child_by_field_name("parameter")
        if single is not None:
            self.scope.declare(self.text(single), PARAM_KINDS.get(self.text(single)))
            return []
        param_nodes = node.child_by_field_name("parameters")
        lines: list[str] = []
        if param_nodes is None:
            return lines
        index = 0
        for child in param_nodes.named_children:
            if child.type == "comment":
                continue
            if child.type == "identifier":
                self.scope.declare(self.text(child), PARAM_KINDS.get(self.text(child)))
                self.scope.params.add(self.text(child))
            elif child.type == "assignment_pattern":
                left = child.child_by_field_name("left")
                assert left is not None
                self.scope.declare(self.text(left), None)
            elif child.type == "rest_pattern":
                self.scope.declare(self.text(child.named_children[0]), "list")
            elif child.type == "object_pattern":
                arg = params[index]
                self.scope.declare(arg, None, arg)
                lines.extend(self.destructure(child, Expr(arg, None)))
            index += 1
        return lines

    def scope_declarations(self, scope: Scope) -> list[str]:
        """`global` / `nonlocal` lines for names the function assigns but does not bind."""
        outer_names: dict[str, list[str]] = {"global": [], "nonlocal": []}
        for name in sorted(scope.assigned):
            if name in scope.kinds:
                continue
            owner = scope.parent.find(name) if scope.parent is not None else None
            if owner is None:
                continue
            word = "global" if owner.parent is None else "nonlocal"
            if not owner.is_function and owner.parent is not None:
                continue  # a comprehension scope
            outer_names[word].append(owner.names[name])
        return [f"{word} {', '.join(names)}" for word, names in outer_names.items() if names]

    def returned_chain(self, node: Node) -> list[str]:  # pragma: no cover - overridden
        """`return p.then(...)` as statements (see promises.py)."""
        raise Untranslatable(node)

    def s_return_statement(self, node: Node) -> list[str]:
        if self.return_continues and self.return_continues[-1]:
            # forEach ignores what its callback returns: the value is evaluated, then next.
            value_lines = [self.code(node.named_children[0])] if node.named_children else []
            return [*value_lines, "continue"]
        if not node.named_children:
            return ["return"]
        if _is_chain(self, node.named_children[0]):
            return self.returned_chain(node.named_children[0])
        value = self.expr(node.named_children[0])
        if value.kind == "promise":
            if self.returns_promise:
                self.returns_promise[-1] = True
            if self.is_async and self.is_async[-1]:
                # An async function returning a promise resolves to the promise's value.
                return [f"return await {value.at(14)}"]
        return [f"return {value.code}"]

    def s_function_declaration(self, node: Node) -> list[str]:
        name_node = node.child_by_field_name("name")
        assert name_node is not None
        name = self.text(name_node)
        bound = self.scope.find(name)
        if bound is not None and bound.kinds[name] == "function":
            py = bound.names[name]
        else:
            py = self.scope.declare(name, "function")
        return self.function_def(node, py)

    def s_class_declaration(self, node: Node) -> list[str]:
        name_node = node.child_by_field_name("name")
        assert name_node is not None
        return self.class_def(node, self.text(name_node))

    def class_def(self, node: Node, name: str) -> list[str]:
        """A simple class: constructor → __init__, methods, static methods, getters."""
        heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
        base = ""
        kind = "class"
        if heritage is not None:
            parent = self.text(heritage.named_children[0])
            if parent in ("Error", "TypeError"):
                base, kind = "Exception", "error_class"
            else:
                base = self.scope.py(parent)
        py = self.scope.declare(name, kind, name)
        body_node = node.child_by_field_name("body")
        assert body_node is not None
        members: list[str] = []
        for member in body_node.named_children:
            if member.type == "comment":
                members.extend(self.comment(member))
                continue
            if member.type != "method_definition":
                raise Untranslatable(member, "class member")
            members.extend([""] if members else [])
            members.extend(self.method_def(member))
        head = f"class {py}({base}):" if base else f"class {py}:"
        return [head, *indent(members or ["pass"])]

    def method_def(self, node: Node) -> list[str]:
        """One method: `self` first; `static` and `get` become decorators."""
        name_node = node.child_by_field_name("name")
        assert name_node is not None
        js_name = self.text(name_node)
        words = [c.type for c in node.children if not c.is_named]
        static = "static" in words
        getter = "get" in words
        name = "__init__" if js_name == "constructor" else snake_case(js_name)
        lines = self.function_def(node, name)
        head = lines[0]
        if not static:
            head = head.replace("(", "(self, ", 1).replace("(self, )", "(self)")
        decorators = ["@staticmethod"] if static else (["@property"] if getter else [])
        return [*decorators, head, *lines[1:]]

    def destructure(self, pattern: Node, source: Expr) -> list[str]:
        """`const { a, b: c = 1, ...rest } = src` and `const [x, y] = src` as assignments."""
        lines: list[str] = []
        if not is_simple(source.code):
            temp = self.unique("value")
            lines.append(f"{temp} = {source.code}")
            source = Expr(temp, source.kind)
        if pattern.type == "array_pattern":
            names = []
            for child in pattern.named_children:
                if child.type != "identifier":
                    raise Untranslatable(pattern, "nested array pattern")
                names.append(self.scope.declare(self.text(child), None))
            # Missing items are undefined in JavaScript: pad with None instead of failing.
            padding = ", ".join(["None"] * len(names))
            if len(names) == 1:
                return [*lines, f"{names[0]} = [*{source.at(PRIMARY)}, None][0]"]
            return [
                *lines,
                f"{', '.join(names)} = [*{source.at(PRIMARY)}, {padding}][:{len(names)}]",
            ]
        taken: list[str] = []
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                key = self.text(child)
                lines.append(f"{self.scope.declare(key, None)} = {self.read_key(source, key)}")
                taken.append(key)
            elif child.type == "object_assignment_pattern":
                left, right = fields(child, "left", "right")
                key = self.text(left)
                default = self.expr(right)
                py = self.scope.declare(key, default.kind)
                lines.extend(self.defaulted(child, source, key, py, default.code))
                taken.append(key)
            elif child.type == "pair_pattern":
                key_node, value = fields(child, "key", "value")
                key = self.text(key_node).strip("'\"")
                taken.append(key)
                if value.type == "identifier":
                    py = self.scope.declare(self.text(value), None)
                    lines.append(f"{py} = {self.read_key(source, key)}")
                elif value.type == "assignment_pattern":
                    left, right = fields(value, "left", "right")
                    py = self.scope.declare(self.text(left), None)
                    lines.extend(self.defaulted(child, source, key, py, self.code(right)))
                else:
                    raise Untranslatable(child, "nested pattern")
            elif child.type == "rest_pattern":
                rest = self.scope.declare(self.text(child.named_children[0]), "dict")
                skip = ", ".join(py_string(k) for k in taken)
                lines.append(
                    f"{rest} = {{key: item for key, item in {source.at(PRIMARY)}.items() "
                    f"if key not in ({skip}{',' if len(taken) == 1 else ''})}}"
                )
            else:
                raise Untranslatable(child, "pattern")
        return lines

    def defaulted(self, node: Node, source: Expr, key: str, py: str, default: str) -> list[str]:
        """`{ key = default }`: the default replaces a missing (undefined) value only, not null.

        Where the file stores js.undefined, a dict key is read with `.get(key, js.undefined)`
        so that an explicit null stays; elsewhere missing and null are both None.
        """
        read = self.read_key(source, key)
        if read.endswith(")") and ".get(" in read and self.undefined_values(node):
            self.need("from expresspy import js")
            return [
                f"{py} = {read[:-1]}, js.undefined)",
                f"if {py} is js.undefined:",
                f"{INDENT}{py} = {default}",
            ]
        return [f"{py} = {read}", f"if {py} is None:", f"{INDENT}{py} = {default}"]

    def read_key(self, source: Expr, key: str) -> str:
        """A destructured key: `.get` on data (missing → None), attributes on objects."""
        if source.kind in (
            "req",
            "res",
            "app",
            "session",
            "instance",
            "self",
            "module",
            "namespace",
        ):
            return self.member(source, key).code
        return f"{source.at(PRIMARY)}.get({py_string(key)})"


def _is_chain(ctx: FunctionTranslator, node: Node) -> bool:
    """Whether `node` is a call of `.then`/`.catch`/`.finally` (a promise chain)."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    callee = node.child_by_field_name("function") if node.type == "call_expression" else None
    prop = callee.child_by_field_name("property") if callee is not None else None
    return prop is not None and ctx.text(prop) in ("then", "catch", "finally")


def _defaults_itself(name: str, body: str) -> bool:
    """True when a function body gives parameter `name` a default (`name = name || x`,
    `name ??= x`, `if (name === undefined)`): the parameter is optional."""
    word = re.escape(name)
    pattern = (
        rf"\b{word}\s*=\s*{word}\s*(\|\||\?\?)|\b{word}\s*(\|\||\?\?)="
        rf"|\b{word}\s*===?\s*undefined\b|typeof\s+{word}\s*===?\s*'undefined'"
    )
    return re.search(pattern, body) is not None
