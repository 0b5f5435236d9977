"""JavaScript statements, functions and classes as Python.

Each statement is translated on its own: what it cannot translate becomes one
`# TODO(port): FILE:LINE: <original>` line at its spot, and the rest of the file goes on. A
function expression with a body becomes a named `def` placed just before the statement that
uses it (named from its route: `app.get('/login', ...)` → `get_login`); assignments to a name
of an enclosing function or of the module get their `nonlocal`/`global` line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .calls import ROUTE_METHODS
from .context import COMPARE, PRIMARY, TERNARY, Expr, Untranslatable
from .expressions import TYPEOF_TESTS
from .functions import INDENT, indent
from .literals import py_string
from .naming import snake_case
from .parse import fields
from .promises import PromiseTranslator

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["StatementTranslator"]

_FUNCTIONS = {
    "arrow_function",
    "function_expression",
    "function",
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
}
_AUGMENTED = {"+=", "-=", "*=", "/=", "%=", "**=", "|=", "&=", "^=", "<<=", ">>="}


class StatementTranslator(PromiseTranslator):
    """Statement, function and class rules (see the module doc)."""

    exports: dict[str, str]
    default_export: str | None = None
    main_block: list[str]

    # Provided by the module translator (imports depend on the project).
    def require_binding(
        self, node: Node, target: Node | None, module: str, member: str | None = None
    ) -> list[str]:
        """`const X = require('m')` (or an import): the lines it becomes."""
        raise Untranslatable(node)  # pragma: no cover - overridden

    # -- blocks ---------------------------------------------------------------------------
    def block(self, nodes: list[Node]) -> list[str]:
        """Statements in order, comments kept, one blank line kept where the source had some."""
        lines: list[str] = []
        previous_end: int | None = None
        for node in nodes:
            if (
                previous_end is not None
                and node.start_point[0] > previous_end + 1
                and lines
                and lines[-1] != ""
            ):
                lines.append("")
            lines.extend(self.statement(node))
            previous_end = node.end_point[0]
        return lines

    def body(self, node: Node | None) -> list[str]:
        """A statement or block as an indented Python suite (never empty)."""
        if node is None:
            lines: list[str] = []
        elif node.type == "statement_block":
            lines = self.block(list(node.named_children))
        else:
            lines = self.statement(node)
        while lines and lines[-1] == "":
            lines.pop()
        if not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
            lines.append("pass")
        return indent(lines)

    def statement(self, node: Node) -> list[str]:
        """One statement: hoisted defs first, then pre-statements, then its own lines."""
        if node.type == "comment":
            return self.comment(node)
        self.hoisted.append([])
        self.pre.append([])
        try:
            own = self.translate_statement(node)
            hoisted, pre = self.hoisted[-1], self.pre[-1]
        except Untranslatable:
            own, hoisted, pre = [self.todo(node)], [], []
        finally:
            self.hoisted.pop()
            self.pre.pop()
        if node.type not in ("comment", "empty_statement"):
            self.statements += 1
        return hoisted + pre + own

    def comment(self, node: Node) -> list[str]:
        """`// x` → `# x`; a block comment becomes one `#` line per line."""
        text = self.text(node)
        if text.startswith("//"):
            return [
                "#" + (" " if not text[2:].startswith(" ") and text[2:] else "") + text[2:].rstrip()
            ]
        inner = text[2:-2].strip("*").strip("\n")
        lines = []
        for line in inner.splitlines():
            line = line.strip()
            if line.startswith("*"):
                line = line[1:].strip()
            lines.append(("# " + line).rstrip())
        return lines or ["#"]

    def translate_statement(self, node: Node) -> list[str]:
        """Dispatch on the statement's type."""
        method = getattr(self, "s_" + node.type, None)
        if method is None:
            raise Untranslatable(node, f"statement {node.type}")
        result: list[str] = method(node)
        return result

    # -- declarations ---------------------------------------------------------------------
    def s_lexical_declaration(self, node: Node) -> list[str]:
        lines: list[str] = []
        for declarator in node.named_children:
            if declarator.type != "variable_declarator":
                continue
            lines.extend(self.declarator(declarator))
        return lines

    s_variable_declaration = s_lexical_declaration

    def declarator(self, node: Node) -> list[str]:
        """`name = value`, with require, functions and destructuring handled."""
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        assert name_node is not None
        module = _required_module(self, value_node)
        if module is not None:
            assert value_node is not None
            return self.require_binding(value_node, name_node, module)
        member = _required_member(self, value_node)
        if member is not None and name_node.type == "identifier":
            # `const LocalStrategy = require('passport-local').Strategy`
            assert value_node is not None
            return self.require_binding(value_node, name_node, member[0], member[1])
        if (
            name_node.type == "identifier"
            and value_node is not None
            and value_node.type == "assignment_expression"
        ):
            return self.chained_export(name_node, value_node)
        if name_node.type == "identifier":
            name = self.text(name_node)
            if value_node is None:
                # `let x;` holds undefined (None unless the file stores js.undefined).
                return [f"{self.scope.declare(name, None)} = {self.x_undefined(node).code}"]
            if value_node.type in _FUNCTIONS:
                py = self.scope.declare(name, "function")
                return self.function_def(value_node, py)
            if value_node.type == "class":
                return self.class_def(value_node, name)
            self.name_hint.append(snake_case(name))
            try:
                value = self.expr(value_node)
            finally:
                self.name_hint.pop()
            existing = self.scope.kinds.get(name)
            # A name set to null/undefined is assigned something else later: its kind is open.
            kind = None if value.kind in ("none", "undefined") else value.kind
            py = self.scope.declare(name, kind if existing is None else existing)
            return [f"{py} = {value.code}"]
        if name_node.type in ("object_pattern", "array_pattern"):
            if value_node is None:
                raise Untranslatable(node, "pattern without value")
            return self.destructure(name_node, self.expr(value_node))
        raise Untranslatable(node, "declarator")

    def chained_export(self, name_node: Node, value_node: Node) -> list[str]:
        """`var app = module.exports = express()` / `var pets = exports.pets = []`."""
        left, right = fields(value_node, "left", "right")
        target = self.text(left)
        if target not in ("module.exports", "exports") and not target.startswith("exports."):
            raise Untranslatable(value_node, "chained assignment")
        name = self.text(name_node)
        value = self.expr(right)
        py = self.scope.declare(name, value.kind)
        if target.startswith("exports."):
            self.exports[target.split(".", 1)[1]] = py
        else:
            self.default_export = py
        return [f"{py} = {value.code}"]

    # -- expression statements ----------------------------------------------------------
    def s_expression_statement(self, node: Node) -> list[str]:
        expr = node.named_children[0]
        if expr.type == "string":
            return []  # 'use strict' and other directives
        if expr.type == "assignment_expression":
            return self.assignment(expr)
        if expr.type == "augmented_assignment_expression":
            return self.augmented(expr)
        if expr.type == "update_expression":
            arg = expr.child_by_field_name("argument")
            assert arg is not None
            op = "+" if "++" in self.text(expr) else "-"
            return [f"{self.target(arg)} {op}= 1"]
        if expr.type == "unary_expression" and self.text(expr).startswith("delete"):
            arg = expr.child_by_field_name("argument")
            assert arg is not None
            return self.delete(arg)
        if expr.type == "call_expression":
            special = self.special_call_statement(expr)
            if special is not None:
                return special
        if expr.type == "sequence_expression":
            lines: list[str] = []
            for part in expr.named_children:
                lines.extend(self.translate_statement_expression(part))
            return lines
        value = self.expr(expr)
        if value.kind == "promise" and self.is_async and expr.type == "call_expression":
            # `save(item);` of an async function runs it in JavaScript; a coroutine that is
            # not awaited never runs, so the call is awaited where it stands.
            self.is_async[-1] = True
            return [f"await {value.code}"]
        return [value.code]

    def translate_statement_expression(self, node: Node) -> list[str]:
        """One part of a comma sequence used as a statement."""
        if node.type == "assignment_expression":
            return self.assignment(node)
        return [self.code(node)]

    def delete(self, arg: Node) -> list[str]:
        """`delete obj.key` → `obj.pop("key", None)` (no error when the key is missing)."""
        if arg.type == "member_expression":
            obj_node, prop_node = fields(arg, "object", "property")
            obj = self.expr(obj_node)
            return [f"{obj.at(PRIMARY)}.pop({py_string(self.text(prop_node))}, None)"]
        if arg.type == "subscript_expression":
            obj_node, index_node = fields(arg, "object", "index")
            obj = self.expr(obj_node)
            if obj.kind in ("list", None):
                # An array keeps its length; the item becomes a hole (null in JSON).
                self.need("from expresspy import js")
                return [f"js.delete({obj.code}, {self.code(index_node)})"]
            return [f"{obj.at(PRIMARY)}.pop({self.code(index_node)}, None)"]
        raise Untranslatable(arg, "delete")

    def assignment(self, node: Node) -> list[str]:
        left, right = fields(node, "left", "right")
        left_text = self.text(left)
        if left_text == "module.exports" or left_text == "exports":
            return self.module_exports(right)
        if (
            left_text.startswith(("module.exports.", "exports."))
            and left.type == "member_expression"
            and self.scope.parent is None
        ):
            prop = left.child_by_field_name("property")
            assert prop is not None
            name = self.text(prop)
            py = snake_case(name)
            self.exports[name] = py
            if right.type in _FUNCTIONS:
                self.scope.declare(name, "function", py)
                return self.function_def(right, py)
            value = self.expr(right)
            if value.code == py:
                return []
            self.scope.declare(name, value.kind, py)
            return [f"{py} = {value.code}"]
        if left.type in ("object_pattern", "array_pattern"):
            return self.destructure(left, self.expr(right))
        if left.type == "member_expression" and right.type in _FUNCTIONS:
            obj_node, prop_node = fields(left, "object", "property")
            owner = self.expr(obj_node)
            if owner.kind in ("app", "router") and owner.code.isidentifier():
                # `app.resource = function (path, obj) { this.get(...) }`: `this` is the app.
                name = self.unique(snake_case(self.text(prop_node)))
                self.this_binding.append(owner)
                try:
                    lines = self.function_def(right, name)
                finally:
                    self.this_binding.pop()
                attribute = snake_case(self.text(prop_node))
                return [*lines, f"{owner.code}.{attribute} = {name}"]
            if owner.kind == "extensions":
                # `app.response.message = function (msg) { this... }`: a method on every res.
                name = self.unique(snake_case(self.text(prop_node)))
                this_kind = "req" if owner.code.endswith(".request") else "res"
                self.this_binding.append(Expr("self", this_kind))
                try:
                    lines = self.function_def(right, name)
                finally:
                    self.this_binding.pop()
                lines[0] = lines[0].replace("(", "(self, ", 1).replace("(self, )", "(self)")
                return [*lines, f"{self.target(left)} = {name}"]
        if (
            left.type == "identifier"
            and right.type in _FUNCTIONS
            and self.scope.find(self.text(left)) is None
        ):
            py = self.scope.declare(self.text(left), "function")
            return self.function_def(right, py)
        hint = snake_case(left_text.split(".")[-1]) if "." in left_text else snake_case(left_text)
        self.name_hint.append(hint)
        try:
            value = self.expr(right)
        finally:
            self.name_hint.pop()
        return [f"{self.target(left)} = {value.code}"]

    def module_exports(self, value_node: Node) -> list[str]:
        """`module.exports = x`: the module's default export (importers import that name)."""
        if value_node.type == "identifier":
            self.default_export = self.scope.py(self.text(value_node))
            return []
        if value_node.type == "object" and all(
            c.type in ("shorthand_property_identifier", "comment")
            for c in value_node.named_children
        ):
            for child in value_node.named_children:
                if child.type == "shorthand_property_identifier":
                    name = self.text(child)
                    self.exports[name] = self.scope.py(name)
            return []
        name = snake_case(self.module_path.rsplit(".", 1)[-1]) or "exported"
        if value_node.type in _FUNCTIONS:
            self.default_export = name
            return self.function_def(value_node, name)
        value = self.expr(value_node)
        self.default_export = name
        return [f"{name} = {value.code}"]

    def augmented(self, node: Node) -> list[str]:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        op_node = node.child_by_field_name("operator")
        assert left is not None and right is not None and op_node is not None
        op = self.text(op_node)
        target = self.target(left)
        value = self.expr(right)
        if op in ("||=", "&&=", "??="):
            test = {"||=": f"not {target}", "&&=": target, "??=": f"{target} is None"}[op]
            return [f"if {test}:", f"{INDENT}{target} = {value.code}"]
        if op == "+=" and value.kind not in ("int", "num", "str"):
            self.need("from expresspy import js")
            return [f"{target} = js.add({target}, {value.code})"]
        if op not in _AUGMENTED:
            raise Untranslatable(node, f"operator {op}")
        return [f"{target} {op} {value.code}"]

    def special_call_statement(self, node: Node) -> list[str] | None:
        """Calls that become more than a call: route decorators, forEach, app.listen, .then."""
        callee, args_node = fields(node, "function", "arguments")
        if callee.type != "member_expression":
            return None
        obj_node, prop_node = fields(callee, "object", "property")
        method = self.text(prop_node)
        args = [c for c in args_node.named_children if c.type != "comment"]
        if method == "forEach" and args:
            return self.for_each(obj_node, args[0], node)
        if method in ("then", "catch", "finally"):
            return self.promise_chain(node)
        kind = self.expr(obj_node).kind if obj_node.type == "identifier" else None
        if kind == "app" and method == "listen" and self.scope.parent is None:
            self.main_block.extend(self.statement_lines(node))
            return []
        if (
            kind == "app"
            and method == "set"
            and len(args) == 2
            and args[0].type == "string"
            and self.string_value(args[0]) == "view engine"
        ):
            return self.view_engine_setting(obj_node, args[1])
        if (
            kind == "app"
            and method == "engine"
            and len(args) == 2
            and _EJS_HOOK.fullmatch(self.text(args[1]).replace(" ", ""))
        ):
            # app.engine('.html', require('ejs').__express): EJS views under another extension.
            ext = self.string_value(args[0]).lstrip(".") if args[0].type == "string" else None
            if ext is None:
                raise Untranslatable(node, "view engine extension")
            self.view_engine = "ejs"
            self.need("from expresspy.port.engines import ejs_engine")
            out_ext = "html" if ext == "ejs" else ext
            return [f"{self.code(obj_node)}.engine({py_string(out_ext)}, ejs_engine())"]
        if kind == "app" and method == "engine" and len(args) == 2:
            self.name_hint.append("render_" + self.engine_extension(node, args[0]))
            try:
                engine = self.expr(args[1])
            finally:
                self.name_hint.pop()
            if "handlebars_engine" not in engine.code:
                return self.custom_engine(node, obj_node, args[0], engine)
            self.view_engine = "handlebars"
            return [f'{self.code(obj_node)}.engine("html", {engine.code})']
        if (
            kind in ("app", "router")
            and method in ROUTE_METHODS - {"use"}
            and len(args) == 2
            and args[0].type == "string"
            and args[1].type in _FUNCTIONS
            and args[1].child_by_field_name("body") is not None
            and args[1].child_by_field_name("body").type == "statement_block"  # type: ignore[union-attr]
        ):
            path = self.string_value(args[0])
            from .naming import handler_name

            name = self.unique(handler_name(method, path))
            target = self.expr(obj_node).code
            decorator = f"@{target}.{snake_case(method)}({py_string(path)})"
            return self.function_def(args[1], name, (decorator,))
        return None

    def statement_lines(self, node: Node) -> list[str]:
        """A call statement translated plainly (used for the main block)."""
        self.hoisted.append([])
        self.pre.append([])
        try:
            code = self.code(node)
            return self.hoisted[-1] + self.pre[-1] + [code]
        finally:
            self.hoisted.pop()
            self.pre.pop()

    def engine_extension(self, node: Node, ext: Node) -> str:
        """The extension of `app.engine(ext, fn)` without its dot (`'.md'` → `md`)."""
        if ext.type != "string":
            raise Untranslatable(node, "view engine extension")
        return self.string_value(ext).lstrip(".")

    def custom_engine(self, node: Node, app: Node, ext: Node, engine: Expr) -> list[str]:
        """`app.engine('md', function (path, options, fn) {...})`: the app's own engine.

        expresspy's `app.engine` takes Express's engine signature, so the translated function
        is registered as it is; its templates are copied, not translated.
        """
        if engine.kind not in ("function", None):
            raise Untranslatable(node, "view engine")
        extension = self.engine_extension(node, ext)
        self.custom_engines.add(extension)
        return [f"{self.code(app)}.engine({py_string(extension)}, {engine.code})"]

    def view_engine_setting(self, app: Node, value: Node) -> list[str]:
        """`app.set('view engine', 'ejs')` → our engine for the translated `.html` views."""
        engine = self.string_value(value) if value.type == "string" else None
        app_code = self.code(app)
        if value.type != "string":
            # An engine named at run time (`app.set('view engine', obj.engine)`): the helper
            # registers the engine of the translated views for 'ejs' and 'hbs'.
            self.need("from expresspy.port.engines import set_view_engine")
            return [f"set_view_engine({app_code}, {self.code(value)})"]
        if engine is not None and engine.lstrip(".") in self.custom_engines:
            return [f'{app_code}.set("view engine", {py_string(engine)})']
        if self.view_engine is not None and engine not in ("ejs", "hbs", "handlebars"):
            # An engine registered for its own extension (`app.engine('.html', ejs)`).
            return [f'{app_code}.set("view engine", {py_string(str(engine))})']
        if engine not in ("ejs", "hbs", "handlebars"):
            raise Untranslatable(value, "view engine")
        setting = f'{app_code}.set("view engine", "html")'
        if self.view_engine is not None:
            return [setting]  # app.engine(...) registered it already
        self.view_engine = "ejs" if engine == "ejs" else "handlebars"
        factory = "ejs_engine" if engine == "ejs" else "handlebars_engine"
        self.need(f"from expresspy.port.engines import {factory}")
        return [f'{app_code}.engine("html", {factory}())', setting]

    def for_each(self, seq_node: Node, fn: Node, node: Node) -> list[str]:
        """`xs.forEach((x, i) => {...})` → `for i, x in enumerate(xs):` (a return is continue)."""
        if fn.type not in ("arrow_function", "function_expression"):
            seq = self.expr(seq_node)
            item = self.unique("item")
            return [f"for {item} in {seq.code}:", f"{INDENT}{self.code(fn)}({item})"]
        params = self.params(fn)
        if params is None or len(params) > 2 or any("=" in p or "*" in p for p in params):
            raise Untranslatable(node, "forEach callback")
        body = fn.child_by_field_name("body")
        assert body is not None
        if _returns_in_loop(body):
            raise Untranslatable(node, "return inside a loop inside forEach")
        seq = self.expr(seq_node)
        self.declare_params(fn)
        names = params or ["_"]
        source = f"enumerate({seq.code})"
        if seq.kind == "map":  # forEach((value, key) => ...)
            source = (
                f"{seq.at(PRIMARY)}.items()" if len(names) == 2 else f"{seq.at(PRIMARY)}.values()"
            )
        elif seq.kind == "set" and len(names) == 2:
            raise Untranslatable(node, "Set forEach with two parameters")
        head = (
            f"for {names[0]} in {source if seq.kind == 'map' else seq.code}:"
            if len(names) == 1
            else f"for {names[1]}, {names[0]} in {source}:"
        )
        self.return_continues.append(True)  # a `return` ends this element's pass
        try:
            if body.type == "statement_block":
                return [head, *self.body(body)]
            return [head, *indent([self.code(body)])]
        finally:
            self.return_continues.pop()

    # -- control flow -----------------------------------------------------------------------
    def s_if_statement(self, node: Node) -> list[str]:
        cond = node.child_by_field_name("condition")
        then = node.child_by_field_name("consequence")
        other = node.child_by_field_name("alternative")
        assert cond is not None
        test = self.text(cond).strip("() ").replace(" ", "")
        if (
            test in ("!module.parent", "require.main===module")
            and other is None
            and self.scope.parent is None
        ):
            # Node's "run only when started directly" is Python's __main__ check.
            body = self.body(then)
            self.main_block.extend(
                line[len(INDENT) :] if line.startswith(INDENT) else line for line in body
            )
            return []
        lines = [f"if {self.condition(self.expr(cond))}:", *self.body(then)]
        while other is not None:
            inner = [c for c in other.named_children if c.type != "comment"]
            branch = inner[0] if inner else None
            if branch is not None and branch.type == "if_statement":
                cond2 = branch.child_by_field_name("condition")
                assert cond2 is not None
                lines.append(f"elif {self.condition(self.expr(cond2))}:")
                lines.extend(self.body(branch.child_by_field_name("consequence")))
                other = branch.child_by_field_name("alternative")
            else:
                lines.append("else:")
                lines.extend(self.body(branch))
                other = None
        return lines

    def s_statement_block(self, node: Node) -> list[str]:
        return self.block(list(node.named_children))

    def s_empty_statement(self, node: Node) -> list[str]:
        return []

    def s_break_statement(self, node: Node) -> list[str]:
        return ["break"]

    def s_continue_statement(self, node: Node) -> list[str]:
        return ["continue"]

    def s_throw_statement(self, node: Node) -> list[str]:
        value = self.expr(node.named_children[0])
        if value.kind == "error" or value.kind == "instance":
            return [f"raise {value.code}"]
        self.need("from expresspy import js")
        return [f"raise Exception(js.string({value.code}))"]

    def s_try_statement(self, node: Node) -> list[str]:
        body = node.child_by_field_name("body")
        handler = node.child_by_field_name("handler")
        final = node.child_by_field_name("finalizer")
        lines = ["try:", *self.body(body)]
        if handler is not None:
            param = handler.child_by_field_name("parameter")
            if param is not None:
                name = self.scope.declare(self.text(param), "error")
                lines.append(f"except Exception as {name}:")
            else:
                lines.append("except Exception:")
            lines.extend(self.body(handler.child_by_field_name("body")))
        if final is not None:
            lines.append("finally:")
            lines.extend(self.body(final.named_children[0] if final.named_children else None))
        return lines

    def s_while_statement(self, node: Node) -> list[str]:
        cond = node.child_by_field_name("condition")
        assert cond is not None
        return [
            f"while {self.condition(self.expr(cond))}:",
            *self.body(node.child_by_field_name("body")),
        ]

    def s_do_statement(self, node: Node) -> list[str]:
        cond = node.child_by_field_name("condition")
        assert cond is not None
        body = self.body(node.child_by_field_name("body"))
        return [
            "while True:",
            *body,
            f"{INDENT}if not ({self.condition(self.expr(cond))}):",
            f"{INDENT * 2}break",
        ]

    def s_for_in_statement(self, node: Node) -> list[str]:
        left, right = fields(node, "left", "right")
        of = any(self.text(c) == "of" for c in node.children if not c.is_named)
        source = self.for_source(right, left)
        if left.type == "identifier":
            target = self.target(left)
        elif left.type == "array_pattern":
            names = [
                self.scope.declare(self.text(c), None)
                for c in left.named_children
                if c.type == "identifier"
            ]
            target = ", ".join(names)
        elif left.type == "object_pattern":
            item = self.unique("item")
            head = [f"for {item} in {source}:"]
            return (
                head
                + indent(self.destructure(left, Expr(item, None)))
                + self.body(node.child_by_field_name("body"))
            )
        else:
            raise Untranslatable(node, "for target")
        if not of:
            source = source  # for-in walks the keys: iterating a dict does too
        return [f"for {target} in {source}:", *self.body(node.child_by_field_name("body"))]

    def for_source(self, right: Node, left: Node) -> str:
        """What a for-of walks: `Object.entries(o)` (or a Map) with a [k, v] pattern is
        `o.items()`."""
        if right.type == "call_expression" and left.type == "array_pattern":
            callee = right.child_by_field_name("function")
            args = right.child_by_field_name("arguments")
            if callee is not None and self.text(callee) == "Object.entries" and args is not None:
                return f"{self.expr(args.named_children[0]).at(PRIMARY)}.items()"
        source = self.expr(right)
        if source.kind == "map" and left.type == "array_pattern":
            return f"{source.at(PRIMARY)}.items()"
        return source.code

    def s_for_statement(self, node: Node) -> list[str]:
        init = node.child_by_field_name("initializer")
        cond = node.child_by_field_name("condition")
        update = node.child_by_field_name("increment")
        counted = self.counted_loop(init, cond, update)
        body = node.child_by_field_name("body")
        if counted is not None:
            return [counted, *self.body(body)]
        if body is None or _has_continue(body):
            raise Untranslatable(node, "for loop")  # a while loop would skip the update
        # Any other for loop: its parts around a while loop.
        lines = self.statement(init) if init is not None and init.type != ";" else []
        test = "True"
        if cond is not None and cond.type not in (";", "empty_statement"):
            cond_expr = cond.named_children[0] if cond.type == "expression_statement" else cond
            test = self.condition(self.expr(cond_expr))
        step = self.s_expression_statement_of(update) if update is not None else []
        return [*lines, f"while {test}:", *self.body(body), *indent(step)]

    def s_expression_statement_of(self, node: Node) -> list[str]:
        """An expression (a for loop's update) translated as a statement."""
        if node.type == "update_expression":
            arg = node.child_by_field_name("argument")
            assert arg is not None
            return [f"{self.target(arg)} {'+' if '++' in self.text(node) else '-'}= 1"]
        if node.type == "augmented_assignment_expression":
            return self.augmented(node)
        if node.type == "sequence_expression":
            return [
                line
                for part in node.named_children
                for line in self.s_expression_statement_of(part)
            ]
        return self.translate_statement_expression(node)

    def counted_loop(self, init: Node | None, cond: Node | None, update: Node | None) -> str | None:
        """`for (let i = A; i < B; i++)` → `for i in range(A, B):` (also `<=`, `i += 1`)."""
        if init is None or cond is None or update is None:
            return None
        declarators = [c for c in init.named_children if c.type == "variable_declarator"]
        if len(declarators) != 1:
            return None
        name_node = declarators[0].child_by_field_name("name")
        start_node = declarators[0].child_by_field_name("value")
        if name_node is None or start_node is None or name_node.type != "identifier":
            return None
        name = self.text(name_node)
        step = self.text(update).replace(" ", "")
        down = step in (f"{name}--", f"--{name}", f"{name}-=1")
        if step not in (f"{name}++", f"++{name}", f"{name}+=1") and not down:
            return None
        cond_expr = cond.named_children[0] if cond.type == "expression_statement" else cond
        if cond_expr.type != "binary_expression":
            return None
        left = cond_expr.child_by_field_name("left")
        op = cond_expr.child_by_field_name("operator")
        right = cond_expr.child_by_field_name("right")
        if (
            left is None
            or op is None
            or right is None
            or self.text(left) != name
            or self.text(op) not in ((">", ">=") if down else ("<", "<="))
        ):
            return None
        py = self.scope.declare(name, "int")
        start = self.expr(start_node)
        stop = self.expr(right)
        if down:
            end = (
                stop.code
                if self.text(op) == ">"
                else (
                    str(int(stop.code) - 1)
                    if stop.code.lstrip("-").isdigit()
                    else f"{stop.at(11)} - 1"
                )
            )
            return f"for {py} in range({start.code}, {end}, -1):"
        stop_code = stop.code if self.text(op) == "<" else f"{stop.at(11)} + 1"
        if start.code == "0":
            return f"for {py} in range({stop_code}):"
        return f"for {py} in range({start.code}, {stop_code}):"

    def s_switch_statement(self, node: Node) -> list[str]:
        value_node, body = fields(node, "value", "body")
        typeof = self.typeof_subject(value_node)
        subject = self.expr(value_node) if typeof is None else Expr("", None)
        lines: list[str] = []
        pending: list[str] = []
        has_default = False
        cases = [c for c in body.named_children if c.type != "comment"]
        for case in cases:
            test = case.child_by_field_name("value")
            statements = [c for c in case.named_children if c != test]
            if test is not None:
                pending.append(self.code(test))
            else:
                has_default = True
            if not statements:
                continue  # falls through to the next case
            last = [s for s in statements if s.type != "comment"][-1]
            if last.type not in (
                "break_statement",
                "return_statement",
                "throw_statement",
                "continue_statement",
            ):
                raise Untranslatable(case, "switch case that falls through")
            # The closing `break` goes (a comment after it, which belongs to the next case, stays).
            kept = [s for s in statements if s != last or last.type != "break_statement"]
            suite = indent(self.block(kept)) or indent(["pass"])
            if has_default and case != cases[-1]:
                raise Untranslatable(case, "switch default before other cases")
            if has_default:  # `case 'html': default:` is the default
                lines.extend(["else:", *suite] if lines else suite)
                continue
            if typeof is not None:
                head = " or ".join(self.typeof_case(typeof, p, case) for p in pending)
            elif len(pending) == 1:
                head = f"{subject.at(COMPARE + 1)} == {pending[0]}"
            else:
                head = f"{subject.at(COMPARE + 1)} in ({', '.join(pending)})"
            lines.extend([f"{'elif' if lines else 'if'} {head}:", *suite])
            pending = []
        return lines

    def typeof_subject(self, node: Node) -> Expr | None:
        """The operand of `switch (typeof x)` (cases then test isinstance), else None."""
        while node.type == "parenthesized_expression" and node.named_children:
            node = node.named_children[0]
        operator = node.child_by_field_name("operator")
        argument = node.child_by_field_name("argument")
        if (
            node.type != "unary_expression"
            or operator is None
            or argument is None
            or self.text(operator) != "typeof"
        ):
            return None
        return self.expr(argument)

    def typeof_case(self, operand: Expr, label: str, case: Node) -> str:
        """One `case 'object':` of `switch (typeof x)` as the test `typeof x === 'object'`."""
        template = TYPEOF_TESTS.get(label.strip('"'))
        if template is None or not label.startswith('"'):
            raise Untranslatable(case, "typeof case")
        return template.format(x=operand.at(PRIMARY))

    # -- modules (ES) -----------------------------------------------------------------------
    def s_import_statement(self, node: Node) -> list[str]:
        source = node.child_by_field_name("source")
        assert source is not None
        module = self.string_value(source)
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        return self.require_binding(node, clause, module)

    def s_export_statement(self, node: Node) -> list[str]:
        declaration = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        is_default = any(self.text(c) == "default" for c in node.children if not c.is_named)
        if declaration is not None:
            lines = self.translate_statement(declaration)
            name_node = declaration.child_by_field_name("name")
            if name_node is not None:
                self.exports[self.text(name_node)] = self.scope.py(self.text(name_node))
                if is_default:
                    self.default_export = self.scope.py(self.text(name_node))
            for declarator in declaration.named_children:
                inner = declarator.child_by_field_name("name")
                if declarator.type == "variable_declarator" and inner is not None:
                    self.exports[self.text(inner)] = self.scope.py(self.text(inner))
            return lines
        if is_default and value is not None:
            return self.module_exports(value)
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is not None:
            for spec in clause.named_children:
                name = spec.child_by_field_name("name")
                if name is not None:
                    self.exports[self.text(name)] = self.scope.py(self.text(name))
            return []
        raise Untranslatable(node, "export")

    def condition_of(self, value: Expr) -> str:
        """Alias kept for readability at call sites."""
        return self.condition(value, TERNARY + 1)


def _required_module(ctx: StatementTranslator, value: Node | None) -> str | None:
    """The module name of `require('m')` (also `require('m').default`), else None."""
    if value is None or value.type != "call_expression":
        return None
    callee = value.child_by_field_name("function")
    args = value.child_by_field_name("arguments")
    if (
        callee is None
        or args is None
        or ctx.text(callee) != "require"
        or ctx.scope.find("require") is not None
    ):
        return None
    first = args.named_children[0] if args.named_children else None
    if first is None or first.type != "string":
        return None
    return ctx.string_value(first)


#: `require('ejs').__express` / `.renderFile`: EJS registered for some extension.
_EJS_HOOK = re.compile(r"require\(['\"]ejs['\"]\)\.(__express|renderFile)")


def _required_member(ctx: StatementTranslator, value: Node | None) -> tuple[str, str] | None:
    """(module, member) of `require('m').member`, else None."""
    if value is None or value.type != "member_expression":
        return None
    obj = value.child_by_field_name("object")
    prop = value.child_by_field_name("property")
    module = _required_module(ctx, obj)
    if module is None or prop is None:
        return None
    return module, ctx.text(prop)


def _has_continue(node: Node) -> bool:
    """Whether a loop body continues (outside nested loops and functions)."""
    for child in node.named_children:
        if child.type == "continue_statement":
            return True
        nested = child.type in _FUNCTIONS or child.type.endswith(
            ("for_statement", "for_in_statement", "while_statement", "do_statement")
        )
        if not nested and _has_continue(child):
            return True
    return False


def _has_return(node: Node) -> bool:
    """Whether a function body returns (outside nested functions)."""
    for child in node.named_children:
        if child.type == "return_statement":
            return True
        if child.type not in _FUNCTIONS and _has_return(child):
            return True
    return False


_LOOPS = {"for_statement", "for_in_statement", "while_statement", "do_statement"}


def _returns_in_loop(node: Node, in_loop: bool = False) -> bool:
    """Whether a function body returns from inside a loop (outside nested functions): there
    `continue` would not end the callback's pass, so a forEach stays a TODO."""
    for child in node.named_children:
        if child.type == "return_statement" and in_loop:
            return True
        if child.type not in _FUNCTIONS and _returns_in_loop(
            child, in_loop or child.type in _LOOPS
        ):
            return True
    return False
