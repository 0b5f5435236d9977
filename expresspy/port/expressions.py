"""JavaScript expressions as Python (or, for views, Jinja2) expressions.

The rules that keep JavaScript's meaning: plain Python where the kinds of the operands make the
idioms agree, an :mod:`expresspy.js` helper where they do not or are unknown (`+` between a
string and something unknown, `==`, template literals of unknown values, `parseInt`, `.length`
of a string). Member access follows the object's kind: Express objects keep attributes
(snake_case), request data reads with `.get` (a missing key is None, as `undefined`), other
data is a dict read with `[...]`. Calls of known globals and methods are in :mod:`.calls`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .context import (
    AND,
    AWAIT,
    COMPARE,
    LAMBDA,
    NOT,
    OR,
    POWER,
    PRIMARY,
    PRODUCT,
    SUM,
    TERNARY,
    UNARY,
    Context,
    Expr,
    Untranslatable,
)
from .literals import decode_string, number_literal, py_string
from .naming import snake_case
from .parse import fields

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["TYPEOF_TESTS", "ExpressionTranslator"]

#: req's data members: plain dicts whose missing keys JavaScript reads as undefined.
REQ_DATA = {"params", "query", "body", "cookies", "signedCookies", "headers", "file"}
#: Kinds whose members are Python attributes (with snake_case names for Express's API).
SNAKE_ATTRS = {"req", "res", "app", "router", "express", "route"}
PLAIN_ATTRS = {
    "session",
    "instance",
    "self",
    "module",
    "class",
    "namespace",
    "passport",
    "extensions",
    "session_cookie",
}
_NUMERIC = {"int", "num"}
#: A dict item read at the end of an expression (`user["name"]`), for `.get` in `??`.
_MISSING_ITEM = re.compile(r'\[("[^"\\]*")\]$')
#: JavaScript's conversion functions used as values (callbacks), as expresspy.js's.
_GLOBAL_VALUES = {"String": "js.string", "Boolean": "js.truthy", "Number": "js.number"}
#: Kinds of the `null` and `undefined` literals.
_NOTHING = {"none", "undefined"}
_BINARY = {
    "-": ("-", SUM),
    "*": ("*", PRODUCT),
    "/": ("/", PRODUCT),
    "%": ("%", PRODUCT),
    "**": ("**", POWER),
    "<": ("<", COMPARE),
    ">": (">", COMPARE),
    "<=": ("<=", COMPARE),
    ">=": (">=", COMPARE),
    "&": ("&", 8),
    "|": ("|", 6),
    "^": ("^", 7),
    "<<": ("<<", 9),
    ">>": (">>", 9),
}
#: `typeof x === NAME` as Python tests of x.
TYPEOF_TESTS = {
    "string": "isinstance({x}, str)",
    "number": "(isinstance({x}, (int, float)) and not isinstance({x}, bool))",
    "boolean": "isinstance({x}, bool)",
    "function": "callable({x})",
    "object": "isinstance({x}, (dict, list))",
    "undefined": "{x} is None",
}


#: A read that answers None for a missing key: `req.body.get("caption")`, `session.get(key)`,
#: and a session field read as an attribute (`req.session.user`; not its `id` or `cookie`).
_MISSING_KEY_READ = re.compile(
    r"(?P<base>\w+\.(?:body|query|params|cookies|signed_cookies|session))"
    r'\.get\((?P<key>"[^"\\]*"|[\w.]+)\)'
    r"|(?P<session>\w+\.session)\.(?!(?:id|cookie)$)(?P<field>[A-Za-z_]\w*)"
)


class ExpressionTranslator(Context):
    """Expression rules; `jinja` switches the output to Jinja2's expression syntax."""

    jinja = False

    # Provided by the statement translator (functions with bodies become hoisted defs).
    def function_value(self, node: Node, hint: str) -> Expr:  # pragma: no cover - overridden
        """A function expression as a Python value (a lambda or a hoisted def's name)."""
        raise Untranslatable(node)

    def expr(self, node: Node) -> Expr:
        """Translate one expression node; raises Untranslatable for what is not handled."""
        method = getattr(self, "x_" + node.type, None)
        if method is None:
            raise Untranslatable(node, f"expression {node.type}")
        result: Expr = method(node)
        return result

    def code(self, node: Node) -> str:
        """Translate one expression node to its code."""
        return self.expr(node).code

    # -- atoms ----------------------------------------------------------------------------
    def x_parenthesized_expression(self, node: Node) -> Expr:
        inner = [c for c in node.named_children if c.type != "comment"]
        if len(inner) != 1:
            raise Untranslatable(node, "sequence expression")
        return self.expr(inner[0])

    def x_identifier(self, node: Node) -> Expr:
        name = self.text(node)
        if name == "undefined":
            return self.x_undefined(node)
        if name == "NaN":
            return Expr('float("nan")', "num", PRIMARY)
        if name == "Infinity":
            return Expr('float("inf")', "num", PRIMARY)
        if name == "__dirname":
            self.need("import os")
            return Expr("os.path.dirname(os.path.abspath(__file__))", "str", PRIMARY)
        if name == "__filename":
            self.need("import os")
            return Expr("os.path.abspath(__file__)", "str", PRIMARY)
        if self.jinja:
            bound = self.scope.find(name)
            return Expr(bound.names[name] if bound is not None else name, None)
        if self.scope.find(name) is None and name in _GLOBAL_VALUES:
            # `xs.map(String)`, `xs.filter(Boolean)`: the global function as a value.
            self.need("from expresspy import js")
            return Expr(_GLOBAL_VALUES[name], "function", PRIMARY)
        return Expr(self.scope.py(name), self.scope.kind(name))

    x_shorthand_property_identifier = x_identifier

    def x_this(self, node: Node) -> Expr:
        if self.this_binding:
            return self.this_binding[-1]
        return Expr("self", "self")

    def x_null(self, node: Node) -> Expr:
        return Expr("none" if self.jinja else "None", "none")

    def x_undefined(self, node: Node) -> Expr:
        if self.jinja:
            return Expr("none", "undefined")
        if self.undefined_values(node):
            self.need("from expresspy import js")
            return Expr("js.undefined", "undefined", PRIMARY)
        return Expr("None", "undefined")

    def nothing_test(self, node: Node, value: Expr, negate: bool = False) -> Expr:
        """`value` is null or undefined: `is None`, or also `js.undefined` where the file
        stores it (see Context.undefined_values)."""
        if self.jinja or not self.undefined_values(node):
            none = "none" if self.jinja else "None"
            return Expr(
                f"{value.at(COMPARE + 1)} is {'not ' if negate else ''}{none}", "bool", COMPARE
            )
        self.need("from expresspy import js")
        word = "not in" if negate else "in"
        return Expr(f"{value.at(COMPARE + 1)} {word} (None, js.undefined)", "bool", COMPARE)

    def x_true(self, node: Node) -> Expr:
        return Expr("true" if self.jinja else "True", "bool")

    def x_false(self, node: Node) -> Expr:
        return Expr("false" if self.jinja else "False", "bool")

    def x_number(self, node: Node) -> Expr:
        code, kind = number_literal(self.text(node))
        return Expr(code, kind)

    def x_string(self, node: Node) -> Expr:
        return Expr(py_string(self.string_value(node)), "str")

    def string_value(self, node: Node) -> str:
        """The value of a string literal node."""
        return decode_string(self.text(node)[1:-1])

    def x_template_string(self, node: Node) -> Expr:
        parts: list[tuple[str, Expr | None]] = []
        for child in node.named_children:
            if child.type == "template_substitution":
                value = self.expr(child.named_children[0])
                constant = _constant_text(value)
                parts.append((constant, None) if constant is not None else ("", value))
            else:  # string_fragment, escape_sequence
                parts.append((decode_string(self.text(child)), None))
        return self.interpolate(parts)

    def interpolate(self, parts: list[tuple[str, Expr | None]]) -> Expr:
        """Literal text and values joined as JavaScript's template literal joins them."""
        if all(value is None for _, value in parts):
            return Expr(py_string("".join(text for text, _ in parts)), "str")
        if self.jinja:
            joined = [
                py_string(text) if value is None else self.as_string(value) for text, value in parts
            ]
            return Expr("(" + " ~ ".join(joined) + ")", "str")
        codes = [self.as_string(value, in_fstring=True) for _, value in parts if value]
        inner = "".join(codes)
        texts = "".join(text for text, value in parts if value is None)
        quote = '"' if '"' not in inner else ("'" if "'" not in inner + texts else None)
        if quote is None or "\\" in inner:
            # Python 3.10 f-strings cannot hold their own quote or a backslash inside {}:
            # join the pieces instead.
            joined = [
                py_string(text) if value is None else self.as_string(value)
                for text, value in parts
                if value is not None or text
            ]
            return Expr(" + ".join(joined), "str", SUM)
        pieces: list[str] = []
        for text, value in parts:
            if value is None:
                pieces.append(py_string(text)[1:-1].replace("{", "{{").replace("}", "}}"))
            else:
                code = self.as_string(value, in_fstring=True)
                pieces.append("{" + (" " + code if code.startswith("{") else code) + "}")
        return Expr("f" + quote + "".join(pieces) + quote, "str")

    def as_string(self, value: Expr, in_fstring: bool = False) -> str:
        """Code for JavaScript's String(value): plain when the kind prints the same."""
        constant = _constant_text(value)
        if constant is not None:
            return py_string(constant)
        if value.kind == "str" or (value.kind == "int" and (in_fstring or self.jinja)):
            return value.code
        if value.kind == "int":
            return f"str({value.code})"
        self.need("from expresspy import js")
        return f"js.string({value.code})"

    def x_regex(self, node: Node) -> Expr:
        pattern = node.child_by_field_name("pattern")
        flags = node.child_by_field_name("flags")
        source = self.text(pattern) if pattern is not None else ""
        self.need("from expresspy import js")
        args = [_raw_string(source)]
        if flags is not None:
            args.append(py_string(self.text(flags)))
        return Expr(f"js.regex({', '.join(args)})", "regex", PRIMARY)

    # -- collections ----------------------------------------------------------------------
    def x_array(self, node: Node) -> Expr:
        items = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                items.append("*" + self.expr(child.named_children[0]).at(PRIMARY))
            else:
                items.append(self.code(child))
        return Expr("[" + ", ".join(items) + "]", "list")

    def x_object(self, node: Node) -> Expr:
        entries: list[str] = []
        methods: list[tuple[str, str]] = []
        may_drop = False
        sent = self.sent_as_json(node)
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "shorthand_property_identifier":
                name = self.text(child)
                entries.append(f"{py_string(name)}: {self.expr(child).code}")
            elif child.type == "pair":
                key_node, value_node = fields(child, "key", "value")
                key = self.property_key(key_node)
                hint = snake_case(self.text(key_node).strip("'\"[]"))
                self.name_hint.append(hint)
                try:
                    value = self.expr(value_node)
                finally:
                    self.name_hint.pop()
                if value.kind == "function":
                    methods.append((self.text(key_node).strip("'\""), value.code))
                code = self.maybe_undefined(value_node, value) if sent else value.code
                may_drop = may_drop or code != value.code
                entries.append(f"{key}: {code}")
            elif child.type == "spread_element":
                entries.append("**" + self.expr(child.named_children[0]).at(PRIMARY))
            elif child.type == "method_definition":
                name_node = child.child_by_field_name("name")
                assert name_node is not None
                name = self.text(name_node)
                value = self.function_value(child, snake_case(name))
                methods.append((name, value.code))
                entries.append(f"{py_string(name)}: {value.code}")
            else:
                raise Untranslatable(child, "object member")
        literal = "{" + ", ".join(entries) + "}"
        if may_drop:
            # `{ field: req.body.caption }` keeps the key only when the value is defined.
            return Expr(f"js.defined({literal})", "dict", PRIMARY)
        return Expr(literal, "dict")

    @staticmethod
    def sent_as_json(node: Node) -> bool:
        """True for an object literal passed straight to `res.json`, `res.send` or
        `JSON.stringify`, where a key with an undefined value is left out."""
        args = node.parent
        call = args.parent if args is not None and args.type == "arguments" else None
        callee = call.child_by_field_name("function") if call is not None else None
        if callee is None or callee.type != "member_expression":
            return False
        prop = callee.child_by_field_name("property")
        name = prop.text.decode() if prop is not None and prop.text is not None else ""
        return name in ("json", "send", "stringify")

    def maybe_undefined(self, node: Node, value: Expr) -> str:
        """A property value read from a missing key, as `.get(key, js.undefined)`.

        JavaScript keeps such a key with an undefined value, which JSON leaves out; the
        object literal then goes through `js.defined` (see x_object). Other values unchanged.
        """
        if self.jinja or node.type not in ("member_expression", "subscript_expression"):
            return value.code
        match = _MISSING_KEY_READ.fullmatch(value.code)
        if match is None:
            return value.code
        self.need("from expresspy import js")
        if match["session"] is not None:
            return f'{match["session"]}.get("{match["field"]}", js.undefined)'
        return f"{match['base']}.get({match['key']}, js.undefined)"

    def property_key(self, key: Node) -> str:
        """An object literal key as a Python dict key."""
        if key.type in ("property_identifier", "identifier"):
            return py_string(self.text(key))
        if key.type == "string":
            return py_string(self.string_value(key))
        if key.type == "number":
            return py_string(self.text(key))
        if key.type == "computed_property_name":
            return self.code(key.named_children[0])
        raise Untranslatable(key, "property key")

    # -- operators ------------------------------------------------------------------------
    def x_binary_expression(self, node: Node) -> Expr:
        op_node = node.child_by_field_name("operator")
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        assert op_node is not None and left_node is not None and right_node is not None
        op = self.text(op_node)
        if op in ("===", "!==", "==", "!="):
            typeof = self.typeof_test(left_node, right_node, op)
            if typeof is not None:
                return typeof
        left, right = self.expr(left_node), self.expr(right_node)
        if op == "&&":
            return Expr(f"{left.at(AND)} and {right.at(AND + 1)}", _same(left, right), AND)
        if op == "||":
            # `(x || 0) + 1`: a number literal as the default says x holds a number.
            kind = (
                right.kind
                if left.kind is None and right_node.type == "number"
                else _same(left, right)
            )
            if left.kind in ("num", "list", "dict") and not self.jinja:
                # NaN is true in Python and [] / {} are false: JavaScript's rule decides.
                self.need("from expresspy import js")
                return Expr(f"js.or_({left.code}, {right.code})", left.kind, PRIMARY)
            return Expr(f"{left.at(OR)} or {right.at(OR + 1)}", kind, OR)
        if op == "??":
            # `o.a ?? d`: a missing key of plain data reads as nothing, not a KeyError.
            left = Expr(_MISSING_ITEM.sub(r".get(\1)", left.code), left.kind, left.prec)
            test = self.nothing_test(node, left, negate=True)
            return Expr(
                f"{left.at(TERNARY + 1)} if {test.code} else {right.at(TERNARY)}",
                _same(left, right),
                TERNARY,
            )
        if op in ("===", "!==", "==", "!="):
            return self.equality(node, left, right, op)
        if op == "+":
            return self.plus(left, right)
        if op == "instanceof":
            return Expr(f"isinstance({left.code}, {right.code})", "bool", PRIMARY)
        if op == "in":
            if right.kind in ("list", None) and not self.jinja:
                # `id in users` of an array asks for an index, not an item.
                self.need("from expresspy import js")
                return Expr(f"js.has({right.code}, {left.code})", "bool", PRIMARY)
            return Expr(f"{left.at(COMPARE + 1)} in {right.at(COMPARE + 1)}", "bool", COMPARE)
        if op not in _BINARY:
            raise Untranslatable(node, f"operator {op}")
        symbol, prec = _BINARY[op]
        if prec in (PRODUCT, POWER) or op == "-":
            # `'5' * '2'` is 10: arithmetic converts a string operand to a number.
            left, right = self.numeric(left), self.numeric(right)
        kind = (
            "bool"
            if prec == COMPARE
            else ("int" if {left.kind, right.kind} == {"int"} and op not in ("/",) else "num")
        )
        right_prec = prec + 1 if op != "**" else prec
        left_prec = prec if op != "**" else prec + 1
        return Expr(f"{left.at(left_prec)} {symbol} {right.at(right_prec)}", kind, prec)

    def numeric(self, value: Expr) -> Expr:
        """A string operand of arithmetic as `js.number(...)`; anything else unchanged."""
        if value.kind != "str" or self.jinja:
            return value
        self.need("from expresspy import js")
        return Expr(f"js.number({value.code})", "num", PRIMARY)

    def typeof_test(self, left: Node, right: Node, op: str) -> Expr | None:
        """`typeof x === 'string'` as isinstance(x, str), and so on."""
        if left.type != "unary_expression" or right.type != "string":
            return None
        operator = left.child_by_field_name("operator")
        argument = left.child_by_field_name("argument")
        if operator is None or argument is None or self.text(operator) != "typeof":
            return None
        template = TYPEOF_TESTS.get(self.string_value(right))
        if template is None:
            return None
        if self.jinja:
            # In a template only the "is it defined" test has a Jinja2 spelling.
            if self.string_value(right) != "undefined":
                raise Untranslatable(left, "typeof in a template")
            name = self.expr(argument).at(PRIMARY)
            word = "defined" if op.startswith("!") else "undefined"
            return Expr(f"{name} is {word}", "bool", COMPARE)
        if self.string_value(right) == "undefined":
            return self.nothing_test(left, self.expr(argument), negate=op.startswith("!"))
        test = template.format(x=self.expr(argument).at(PRIMARY))
        if op.startswith("!"):
            return Expr(
                f"not {test}" if " is " not in test else test.replace(" is ", " is not "),
                "bool",
                NOT,
            )
        return Expr(test, "bool", COMPARE)

    def equality(self, node: Node, left: Expr, right: Expr, op: str) -> Expr:
        """`===` is `==` (`is None` for null/undefined); `==` of unknowns is js.loose_eq."""
        negate = op.startswith("!")
        strict = op in ("===", "!==")
        if right.kind in _NOTHING or left.kind in _NOTHING:
            subject, other = (left, right) if right.kind in _NOTHING else (right, left)
            if strict and other.kind == "none" and not self.jinja:
                # `x === null` is false for undefined, as `is None` is for js.undefined.
                none = "None"
                return Expr(
                    f"{subject.at(COMPARE + 1)} is {'not ' if negate else ''}{none}",
                    "bool",
                    COMPARE,
                )
            return self.nothing_test(node, subject, negate)
        if strict or (left.kind is not None and left.kind == right.kind):
            symbol = "!=" if negate else "=="
            return Expr(f"{left.at(COMPARE + 1)} {symbol} {right.at(COMPARE + 1)}", "bool", COMPARE)
        self.need("from expresspy import js")
        call = f"js.loose_eq({left.code}, {right.code})"
        return Expr(f"not {call}" if negate else call, "bool", NOT if negate else PRIMARY)

    def plus(self, left: Expr, right: Expr) -> Expr:
        """`+`: a sum of numbers, a concatenation of strings, else js.add."""
        if left.kind in _NUMERIC and right.kind in _NUMERIC:
            kind = "int" if left.kind == right.kind == "int" else "num"
            return Expr(f"{left.at(SUM)} + {right.at(SUM + 1)}", kind, SUM)
        if left.kind == "str" or right.kind == "str":
            if self.jinja:
                return Expr(f"{self.as_string(left)} ~ {self.as_string(right)}", "str", SUM)
            if left.kind == "str" and right.kind == "str":
                return Expr(f"{left.at(SUM)} + {right.at(SUM + 1)}", "str", SUM)
            pieces = [self.as_string(left), self.as_string(right)]
            return Expr(
                f"{_paren(pieces[0], left)} + {_paren(pieces[1], right, SUM + 1)}", "str", SUM
            )
        self.need("from expresspy import js")
        return Expr(f"js.add({left.code}, {right.code})", None, PRIMARY)

    def x_unary_expression(self, node: Node) -> Expr:
        op_node, arg_node = fields(node, "operator", "argument")
        op = self.text(op_node)
        if op == "delete":
            raise Untranslatable(node, "delete in an expression")
        arg = self.expr(arg_node)
        if op == "!":
            at = _top_level(arg.code, " in ")
            if arg.prec == COMPARE and at >= 0:
                return Expr(arg.code[:at] + " not in " + arg.code[at + 4 :], "bool", COMPARE)
            return Expr(f"not {self.condition(arg, NOT)}", "bool", NOT)
        if op == "-":
            return Expr(f"-{arg.at(UNARY)}", arg.kind if arg.kind in _NUMERIC else "num", UNARY)
        if op == "+":
            if arg.kind in _NUMERIC:
                return arg
            self.need("from expresspy import js")
            return Expr(f"js.number({arg.code})", "num", PRIMARY)
        if op == "~":
            return Expr(f"~{arg.at(UNARY)}", "int", UNARY)
        if op == "void":
            return self.x_undefined(node)
        raise Untranslatable(node, f"unary {op}")

    def condition(self, value: Expr, level: int = LAMBDA) -> str:
        """A value in a test position: Python truthiness where it agrees with JavaScript's.

        Lists and dicts are always true in JavaScript; a number that may be NaN is tested
        with js.truthy (NaN is false in JavaScript, true in Python).
        """
        if value.kind in ("list", "dict", "map", "set", "date"):
            return f"{value.at(COMPARE + 1)} is not None"
        if value.kind == "num":
            self.need("from expresspy import js")
            return f"js.truthy({value.code})"
        return value.at(level)

    def x_ternary_expression(self, node: Node) -> Expr:
        cond = node.child_by_field_name("condition")
        then = node.child_by_field_name("consequence")
        other = node.child_by_field_name("alternative")
        assert cond is not None and then is not None and other is not None
        a, b = self.expr(then), self.expr(other)
        test = self.condition(self.expr(cond), TERNARY + 1)
        return Expr(f"{a.at(TERNARY + 1)} if {test} else {b.at(TERNARY)}", _same(a, b), TERNARY)

    def x_await_expression(self, node: Node) -> Expr:
        inner = self.expr(node.named_children[0])
        if self.is_async:
            self.is_async[-1] = True
        if inner.settled:
            return inner  # a `.then` chain, awaited where it was translated
        return Expr(
            f"await {inner.at(AWAIT)}", inner.kind if inner.kind != "promise" else None, AWAIT
        )

    def x_update_expression(self, node: Node) -> Expr:
        # `id: nextId++` inside a statement: the increment runs just before the statement.
        arg = node.child_by_field_name("argument")
        assert arg is not None
        op = "+" if "++" in self.text(node) else "-"
        if not self.pre or self.jinja:
            raise Untranslatable(node, "update outside a statement")
        target = self.target(arg)
        self.pre[-1].append(f"{target} {op}= 1")
        prefix = self.text(node).startswith(("++", "--"))
        if prefix:
            return Expr(target, "int")
        back = "-" if op == "+" else "+"
        return Expr(f"{target} {back} 1", "int", SUM)

    def x_assignment_expression(self, node: Node) -> Expr:
        raise Untranslatable(node, "assignment inside an expression")

    def x_sequence_expression(self, node: Node) -> Expr:
        raise Untranslatable(node, "sequence expression")

    # -- members ----------------------------------------------------------------------------
    def x_member_expression(self, node: Node) -> Expr:
        obj_node, prop_node = fields(node, "object", "property")
        optional = any(c.type == "optional_chain" for c in node.children)
        special = self.special_member(obj_node, self.text(prop_node))
        if special is not None:
            return special
        obj = self.expr(obj_node)
        access = self.member(obj, self.text(prop_node))
        if optional and not self.jinja:
            test = self.nothing_test(node, obj)
            return Expr(f"None if {test.code} else {access.at(TERNARY)}", None, TERNARY)
        return access

    def special_member(self, obj_node: Node, prop: str) -> Expr | None:
        """Members of globals: process.env.X, Math.PI, module.exports, Number.MAX_SAFE_INTEGER."""
        if obj_node.type == "member_expression" and self.text(obj_node) == "process.env":
            if self.jinja:
                return None
            self.need("import os")
            return Expr(f"os.environ.get({py_string(prop)})", "str", PRIMARY)
        name = self.text(obj_node)
        if self.scope.find(name) is not None:
            return None
        if name == "module" and prop == "parent" and not self.jinja:
            return Expr('__name__ != "__main__"', "bool", COMPARE)
        if name == "Math" and prop in ("PI", "E"):
            self.need("import math")
            return Expr(f"math.{prop.lower()}", "num", PRIMARY)
        if name == "process" and prop == "env":
            self.need("import os")
            return Expr("os.environ", "dict", PRIMARY)
        if name == "Number" and prop == "MAX_SAFE_INTEGER":
            return Expr("9007199254740991", "int")
        return None

    def member(self, obj: Expr, prop: str) -> Expr:
        """`obj.prop` by the kind of `obj` (see the module doc)."""
        kind = obj.kind
        base = obj.at(PRIMARY)
        if prop == "size" and kind in ("map", "set"):
            return Expr(f"len({obj.code})", "int", PRIMARY)
        if prop == "length":
            if kind == "list":
                return Expr(f"len({obj.code})", "int", PRIMARY)
            self.need("from expresspy import js")
            return Expr(f"js.length({obj.code})", "int", PRIMARY)
        if self.jinja:
            return Expr(f"{base}.{prop}", None, PRIMARY)
        if kind == "req":
            if prop == "session":
                return Expr(f"{base}.session", "session", PRIMARY)
            if prop in REQ_DATA:
                return Expr(f"{base}.{snake_case(prop)}", "reqdict", PRIMARY)
            return Expr(f"{base}.{snake_case(prop)}", None, PRIMARY)
        if kind == "res" and prop == "locals":
            return Expr(f"{base}.locals", "dict", PRIMARY)
        if (kind, prop) in (("res", "req"), ("req", "res")):
            return Expr(f"{base}.{prop}", prop, PRIMARY)
        if kind == "exports":
            # What a computed require() gave: a missing export reads undefined, not KeyError.
            self.need("from expresspy.port.require import export")
            return Expr(f"export({obj.code}, {py_string(prop)})", None, PRIMARY)
        if kind == "app" and prop in ("request", "response"):
            return Expr(f"{base}.{prop}", "extensions", PRIMARY)
        if kind in SNAKE_ATTRS:
            name = prop if prop[:1].isupper() else snake_case(prop)  # express.Router stays
            return Expr(f"{base}.{name}", "router_factory" if prop == "Router" else None, PRIMARY)
        if kind == "namespace" or kind == "module":
            name = prop if prop[:1].isupper() else snake_case(prop)  # multer.MulterError stays
            return Expr(f"{base}.{name}", None, PRIMARY)
        if kind == "session" and prop == "cookie":
            return Expr(f"{base}.cookie", "session_cookie", PRIMARY)
        if kind in PLAIN_ATTRS:
            return Expr(f"{base}.{prop}", None, PRIMARY)
        if kind == "error":
            return self.error_member(base, prop)
        if kind == "reqdict":
            return Expr(f"{base}.get({py_string(prop)})", None, PRIMARY)
        return Expr(f"{base}[{py_string(prop)}]", None, PRIMARY)

    def error_member(self, base: str, prop: str) -> Expr:
        """`err.message` is str(err); other members read as attributes that may be missing."""
        if prop == "message":
            return Expr(f"str({base})", "str", PRIMARY)
        if prop == "name":
            return Expr(f"type({base}).__name__", "str", PRIMARY)
        if prop == "stack":
            self.need("import traceback")
            return Expr(f'"".join(traceback.format_exception({base}))', "str", PRIMARY)
        return Expr(f"getattr({base}, {py_string(prop)}, None)", None, PRIMARY)

    def x_subscript_expression(self, node: Node) -> Expr:
        obj_node, index_node = fields(node, "object", "index")
        obj = self.expr(obj_node)
        index = self.expr(index_node)
        if obj.kind == "reqdict" and not self.jinja:
            return Expr(f"{obj.at(PRIMARY)}.get({index.code})", None, PRIMARY)
        if obj.kind == "exports" and not self.jinja:
            self.need("from expresspy.port.require import export")
            return Expr(f"export({obj.code}, {index.code})", None, PRIMARY)
        computed = index.kind != "int" and not (index.kind == "str" and index.code.startswith('"'))
        if (
            (obj.kind == "list" or (obj.kind is None and computed))
            and index.kind != "int"
            and not self.jinja
        ):
            # `list[req.params.index]`: a string index, or one out of range, as JS reads it.
            self.need("from expresspy import js")
            return Expr(f"js.item({obj.code}, {index.code})", None, PRIMARY)
        if obj.kind in ("app", "router", "express") and not self.jinja:
            # `app[method](path, handler)`: Express's methods are attributes here.
            return Expr(f"getattr({obj.code}, {index.code})", None, PRIMARY)
        if obj.kind in ("session", "dict") and not self.jinja:
            # A missing key of an object reads as undefined, not an error.
            key = index.code if index.kind == "str" else f"str({index.code})"
            return Expr(f"{obj.at(PRIMARY)}.get({key})", None, PRIMARY)
        return Expr(f"{obj.at(PRIMARY)}[{index.code}]", None, PRIMARY)

    def target(self, node: Node) -> str:
        """An assignment target (`obj.prop` stores with `[...]` where reads would use .get)."""
        if node.type == "identifier":
            name = self.text(node)
            bound = self.scope.find(name)
            if bound is None:
                return self.scope.declare(name, None)
            self.scope.assigned.add(name)
            return bound.names[name]
        if node.type == "member_expression":
            obj_node, prop_node = fields(node, "object", "property")
            obj = self.expr(obj_node)
            prop = self.text(prop_node)
            if obj.kind in ("reqdict", "dict", None):
                return f"{obj.at(PRIMARY)}[{py_string(prop)}]"
            if obj.kind == "error":
                return f"{obj.at(PRIMARY)}.{prop}"
            return self.member(obj, prop).code
        if node.type == "subscript_expression":
            obj_node, index_node = fields(node, "object", "index")
            return f"{self.expr(obj_node).at(PRIMARY)}[{self.code(index_node)}]"
        if node.type == "parenthesized_expression":
            return self.target(node.named_children[0])
        raise Untranslatable(node, "assignment target")

    # -- calls and functions are in calls.py / statements.py ---------------------------------
    def x_arrow_function(self, node: Node) -> Expr:
        return self.function_value(node, self.name_hint[-1] if self.name_hint else "callback")

    x_function_expression = x_arrow_function
    x_function = x_arrow_function


def _top_level(code: str, word: str) -> int:
    """Where `word` occurs outside brackets and strings in `code` (once), else -1."""
    depth = 0
    quote = ""
    found = -1
    for i, char in enumerate(code):
        if quote:
            quote = "" if char == quote and code[i - 1] != "\\" else quote
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and code.startswith(word, i):
            if found >= 0:
                return -1
            found = i
    return found


def _constant_text(value: Expr) -> str | None:
    """What a `null` or `undefined` literal prints as ("null", "undefined"), else None."""
    if value.kind == "none" and value.code in ("None", "none"):
        return "null"
    if value.kind == "undefined" and value.code in ("None", "none", "js.undefined"):
        return "undefined"
    return None


def _same(a: Expr, b: Expr) -> str | None:
    return a.kind if a.kind == b.kind else None


def _paren(code: str, value: Expr, level: int = SUM) -> str:
    if code != value.code:
        return code  # wrapped in a call: already primary
    return value.at(level)


def _raw_string(source: str) -> str:
    """A regex source as a Python raw string literal when it can be one, else a plain one."""
    if '"' not in source and not source.endswith("\\") and "\n" not in source:
        return 'r"' + source + '"'
    return py_string(source)
