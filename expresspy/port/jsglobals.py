"""JavaScript's global functions and the methods of its global objects (console, JSON, Math,
Object, Array, String, Number, Date, Promise, process): plain Python where it means the same,
an :mod:`expresspy.js` helper where it does not, and None (no rule) otherwise, which the call
translator turns into a TODO for the global objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .context import PRIMARY, SUM, Expr
from .expressions import ExpressionTranslator

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["JS_GLOBAL_OBJECTS", "GlobalCalls", "join_args"]

_MATH = {
    "floor": "math.floor",
    "ceil": "math.ceil",
    "sqrt": "math.sqrt",
    "trunc": "math.trunc",
    "log": "math.log",
    "sin": "math.sin",
    "cos": "math.cos",
    "tan": "math.tan",
    "atan": "math.atan",
    "atan2": "math.atan2",
    "exp": "math.exp",
    "log10": "math.log10",
    "log2": "math.log2",
    "hypot": "math.hypot",
}
_CONSOLE = {
    "log": "",
    "info": "",
    "debug": "",
    "error": "file=sys.stderr",
    "warn": "file=sys.stderr",
}
#: JavaScript String/Array/Object methods with no rule here: a TODO, never a guess.
#: JavaScript's global objects: a method of theirs without a rule here is a TODO, never a call
#: of an undefined Python name.
JS_GLOBAL_OBJECTS = frozenset(
    {
        "Math",
        "JSON",
        "Object",
        "Array",
        "String",
        "Number",
        "Boolean",
        "Date",
        "Promise",
        "Symbol",
        "Reflect",
        "Intl",
        "BigInt",
        "RegExp",
        "Buffer",
        "console",
        "process",
    }
)


class GlobalCalls(ExpressionTranslator):
    """The rules for JavaScript's globals (see the module doc)."""

    # Provided by the call translator.
    def args(self, node: Node, hint: str = "callback") -> list[Expr]:  # pragma: no cover
        """Translate call arguments."""
        raise NotImplementedError

    def inline_callback(
        self, node: Node, count: int, array: str | None = None
    ) -> tuple[list[str], Expr] | None:  # pragma: no cover - overridden
        """A one-expression callback's parameter names and body."""
        raise NotImplementedError

    def global_call(self, node: Node, name: str, args_node: Node) -> Expr | None:
        """JavaScript's global functions (parseInt, String, setTimeout, ...)."""
        helpers = {
            "parseInt": ("parse_int", "num"),
            "parseFloat": ("parse_float", "num"),
            "Number": ("number", "num"),
            "String": ("string", "str"),
            "Boolean": ("truthy", "bool"),
            "isNaN": ("is_nan", "bool"),
            "isFinite": ("is_finite", "bool"),
            "setTimeout": ("set_timeout", None),
        }
        if name in helpers:
            helper, kind = helpers[name]
            args = self.args(args_node, "later" if name == "setTimeout" else "callback")
            if name == "String" and args and args[0].kind == "str":
                return args[0]
            if name == "Number" and args and args[0].kind == "none" and args[0].code == "None":
                return Expr("0", "int")  # Number(null)
            if name == "String" and args:
                constant = self.as_string(args[0])  # String(null) is "null"
                if constant.startswith('"'):
                    return Expr(constant, "str")
            self.need("from expresspy import js")
            return Expr(f"js.{helper}({join_args(args)})", kind, PRIMARY)
        if name == "setImmediate":
            return self.deferred(args_node)
        if name == "clearTimeout":
            args = self.args(args_node)
            return Expr(f"{args[0].at(PRIMARY)}.cancel()", None, PRIMARY)
        if name in ("encodeURIComponent", "decodeURIComponent"):
            args = self.args(args_node)
            self.need("from urllib.parse import quote, unquote")
            self.need("from expresspy import js")
            if name == "encodeURIComponent":
                return Expr(f'quote(js.string({args[0].code}), safe="!\'()*-._~")', "str", PRIMARY)
            return Expr(f"unquote({args[0].code})", "str", PRIMARY)
        return None

    def deferred(self, args_node: Node) -> Expr:
        """`setImmediate(fn, ...args)` / `process.nextTick(fn, ...args)`: the callback runs
        after the current operation, as `js.set_timeout(fn, 0, ...args)` runs it."""
        args = self.args(args_node, "later")
        self.need("from expresspy import js")
        return Expr(
            f"js.set_timeout({join_args([*args[:1], Expr('0'), *args[1:]])})", None, PRIMARY
        )

    # -- methods ------------------------------------------------------------------------------

    def global_method(self, node: Node, obj: str, method: str, args_node: Node) -> Expr | None:
        """Methods of JavaScript's global objects (console, JSON, Math, Object, ...)."""
        if obj == "console" and method in _CONSOLE:
            args = self.args(args_node)
            extra = _CONSOLE[method]
            if extra:
                self.need("import sys")
            parts = [a.code for a in args]
            if (
                len(parts) > 1
                and args[0].kind == "str"
                and parts[0].startswith('"')
                and parts[0].count("%s") == len(parts) - 1
                and "%" not in parts[0].replace("%s", "")
            ):
                # console.log('%s %s', a, b) substitutes, as util.format does for %s.
                self.need("from expresspy import js")
                values = ", ".join(f"js.string({p})" for p in parts[1:])
                parts = [f"{parts[0]} % ({values}{',' if len(parts) == 2 else ''})"]
            return Expr(f"print({', '.join(parts + ([extra] if extra else []))})", None, PRIMARY)
        if obj == "process" and method == "nextTick":
            return self.deferred(args_node)
        handlers: dict[str, Callable[[Node, str, Node], Expr | None]] = {
            "JSON": self.json_call,
            "Math": self.math_call,
            "Object": self.object_call,
            "Array": self.array_static,
            "String": self.string_static,
            "Number": self.number_static,
            "Date": self.date_static,
            "Promise": self.promise_static,
        }
        handler = handlers.get(obj)
        return handler(node, method, args_node) if handler is not None else None

    def json_call(self, node: Node, method: str, args_node: Node) -> Expr | None:
        args = self.args(args_node)
        if method == "stringify":
            self.need("from expresspy import js")
            return Expr(f"js.stringify({join_args(args)})", "str", PRIMARY)
        if method == "parse" and len(args) == 1:
            self.need("import json")
            return Expr(f"json.loads({args[0].code})", None, PRIMARY)
        return None

    def math_call(self, node: Node, method: str, args_node: Node) -> Expr | None:
        args = self.args(args_node)
        if method in _MATH:
            self.need("import math")
            return Expr(
                f"{_MATH[method]}({join_args(args)})",
                "int" if method in ("floor", "ceil", "trunc") else "num",
                PRIMARY,
            )
        if method == "round" and len(args) == 1:
            # Math.round rounds halves up (2.5 → 3, -2.5 → -2); Python's round goes to even.
            self.need("import math")
            return Expr(f"math.floor({args[0].at(SUM)} + 0.5)", "int", PRIMARY)
        if method == "random" and not args:
            self.need("import random")
            return Expr("random.random()", "num", PRIMARY)
        if method in ("max", "min", "abs"):
            if len(args) == 1 and args[0].code.startswith("*"):
                return Expr(f"{method}({args[0].code[1:]})", "num", PRIMARY)
            return Expr(f"{method}({join_args(args)})", _numeric_kind(args), PRIMARY)
        if method == "pow" and len(args) == 2:
            return Expr(f"{args[0].at(PRIMARY)} ** {args[1].at(PRIMARY)}", "num", 13)
        return None

    def object_call(self, node: Node, method: str, args_node: Node) -> Expr | None:
        args = self.args(args_node)
        if method == "keys" and len(args) == 1:
            return Expr(f"list({args[0].code})", "list", PRIMARY)
        if method == "values" and len(args) == 1:
            return Expr(f"list({args[0].at(PRIMARY)}.values())", "list", PRIMARY)
        if method == "entries" and len(args) == 1:
            return Expr(f"[list(item) for item in {args[0].at(PRIMARY)}.items()]", "list")
        if method == "assign" and len(args) >= 2 and args[0].code == "{}":
            merged = ", ".join(f"**{a.at(PRIMARY)}" for a in args[1:])
            return Expr("{" + merged + "}", "dict")
        if method == "assign" and len(args) >= 2 and self.pre:
            self.pre[-1].extend(f"{args[0].at(PRIMARY)}.update({a.code})" for a in args[1:])
            return args[0]
        if method == "freeze" and len(args) == 1:
            return args[0]
        if method == "fromEntries" and len(args) == 1:
            return Expr(f"dict({args[0].code})", "dict", PRIMARY)
        return None

    def array_static(self, node: Node, method: str, args_node: Node) -> Expr | None:
        children = [c for c in args_node.named_children if c.type != "comment"]
        if method == "from" and len(children) == 2:
            return self.array_from_length(children[0], children[1])
        args = self.args(args_node)
        if method == "isArray" and len(args) == 1:
            return Expr(f"isinstance({args[0].code}, list)", "bool", PRIMARY)
        if method == "from" and len(args) == 1:
            return Expr(f"list({args[0].code})", "list", PRIMARY)
        return None

    def array_from_length(self, source: Node, fn: Node) -> Expr | None:
        """`Array.from({ length: n }, (_, i) => ...)` as a list comprehension over range(n)."""
        pairs = [c for c in source.named_children if c.type != "comment"]
        key = pairs[0].child_by_field_name("key") if len(pairs) == 1 else None
        value = pairs[0].child_by_field_name("value") if key is not None else None
        inline = self.inline_callback(fn, 2) if value is not None else None
        if source.type != "object" or key is None or self.text(key) != "length" or not inline:
            return None
        assert value is not None
        params, body = inline
        count = self.expr(value).code
        if len(params) < 2:
            return Expr(f"[{body.code} for _ in range({count})]", "list")
        item = f"{params[0]} = None; " if params[0] != "_" else ""
        if item:
            return None  # the item (undefined) is used: not worth a rule
        return Expr(f"[{body.code} for {params[1]} in range({count})]", "list")

    def string_static(self, node: Node, method: str, args_node: Node) -> Expr | None:
        """`String.fromCharCode(code)`."""
        args = self.args(args_node)
        if method == "fromCharCode" and len(args) == 1:
            return Expr(f"chr({args[0].code})", "str", PRIMARY)
        return None

    def number_static(self, node: Node, method: str, args_node: Node) -> Expr | None:
        args = self.args(args_node)
        self.need("from expresspy import js")
        if method in ("parseInt", "parseFloat"):
            helper = "parse_int" if method == "parseInt" else "parse_float"
            return Expr(f"js.{helper}({join_args(args)})", "num", PRIMARY)
        if method == "isInteger" and len(args) == 1:
            value = args[0].code
            return Expr(f"isinstance({value}, int) and not isinstance({value}, bool)", "bool", 3)
        if method == "isNaN" and len(args) == 1:
            self.need("import math")
            value = args[0].code
            return Expr(f"isinstance({value}, float) and math.isnan({value})", "bool", 3)
        return None

    def date_static(self, node: Node, method: str, args_node: Node) -> Expr | None:
        if method == "now" and not args_node.named_children:
            self.need("from expresspy import js")
            return Expr("js.now()", "int", PRIMARY)
        if method == "parse" and len(args_node.named_children) == 1:
            self.need("from expresspy import js")
            return Expr(f"js.Date({self.args(args_node)[0].code}).get_time()", "num", PRIMARY)
        return None

    def promise_static(self, node: Node, method: str, args_node: Node) -> Expr | None:
        args = self.args(args_node)
        if method == "resolve":
            self.need("from expresspy import js")
            return Expr(f"js.resolved({join_args(args)})", "promise", PRIMARY)
        if method == "all" and len(args) == 1:
            self.need("import asyncio")
            return Expr(f"asyncio.gather(*{args[0].at(PRIMARY)})", "promise", PRIMARY)
        return None


def join_args(args: list[Expr]) -> str:
    """Translated arguments as a call's argument list."""
    return ", ".join(a.code for a in args)


def _numeric_kind(args: list[Expr]) -> str:
    return "int" if all(a.kind == "int" for a in args) else "num"
