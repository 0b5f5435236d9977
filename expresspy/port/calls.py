"""Calls and `new`: the String/Array/Map/Set/Date methods tutorials use, Node built-ins,
Express's own API, and `new` of JavaScript's classes (JavaScript's global functions and the
methods of its global objects, JSON, Math, Object, console, ..., are in :mod:`.jsglobals`).

An array callback whose body is one expression becomes a comprehension or generator
(`users.find(u => u.id === id)` → `next((u for u in users if u["id"] == id), None)`); any other
callback becomes a named function first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .context import COMPARE, PRIMARY, PRODUCT, SUM, Expr, Untranslatable, chain_context, is_simple
from .expressions import ExpressionTranslator
from .jsglobals import JS_GLOBAL_OBJECTS, GlobalCalls
from .jsglobals import join_args as _join
from .literals import py_string
from .naming import handler_name, snake_case
from .parse import fields

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = [
    "PARAM_KINDS",
    "ROUTE_METHODS",
    "CallTranslator",
    "param_names",
]

#: The methods of app/router/route that take handlers, named after their route.
ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "all", "use", "head", "options"}
#: Parameter names whose kind is known in any function (tutorials are consistent here).
PARAM_KINDS = {
    "req": "req",
    "request": "req",
    "res": "res",
    "response": "res",
    "err": "error",
    "error": "error",
    "next": "function",
    "done": "function",
    "cb": "function",
}
_UNMAPPED_BUILTINS = {
    "reduce",
    "reduceRight",
    "flat",
    "flatMap",
    "fill",
    "copyWithin",
    "entries",
    "keys",
    "values",
    "lastIndexOf",
    "findLast",
    "findLastIndex",
    "at",
    "localeCompare",
    "charCodeAt",
    "codePointAt",
    "normalize",
    "search",
    "matchAll",
    "substr",
    "forEach",
    "map",
    "filter",
    "find",
    "some",
    "every",
    "findIndex",
    "sort",
    "splice",
    "concat",
    "toLocaleString",
    "toLocaleDateString",
    "toLocaleTimeString",
    "valueOf",
    "toJSON",
    "toString",
    "toFixed",
    "toISOString",
    "split",
    "replace",
    "replaceAll",
    "match",
    "slice",
    "substring",
    "padStart",
    "padEnd",
    "repeat",
    "charAt",
    "includes",
    "indexOf",
    "trim",
    "toLowerCase",
    "toUpperCase",
    "startsWith",
    "endsWith",
    "join",
    "push",
    "pop",
    "shift",
    "unshift",
    "reverse",
}
#: JavaScript's classes that become expresspy.js's, and the kind of their instances.
_JS_TYPES = {"Date": "date", "Map": "map", "Set": "set"}
_NODE_FS_IMPORT = "from expresspy.port import node_fs"
#: fs's synchronous calls of one path: (Python code, the value's kind). readdirSync's names
#: come sorted, as libuv's scandir sorts them.
_NODE_FS_SYNC = {
    "readdirSync": ("sorted(os.listdir({0}))", "list"),
    "statSync": ("node_fs.stat_sync({0})", "stats"),
}
_STRING_METHODS = {
    "toLowerCase": "lower",
    "toUpperCase": "upper",
    "trim": "strip",
    "trimStart": "lstrip",
    "trimEnd": "rstrip",
    "startsWith": "startswith",
    "endsWith": "endswith",
}


class CallTranslator(GlobalCalls):
    """Call and `new` rules (see the module doc)."""

    def require_value(self, node: Node, module: str) -> Expr:  # pragma: no cover - overridden
        """`require('module')` used inside an expression."""
        raise Untranslatable(node)

    def chain_value(self, node: Node) -> Expr:  # pragma: no cover - overridden
        """An awaited `.then`/`.catch` chain as a settled value (see promises.py)."""
        raise Untranslatable(node)

    def require_computed(self, node: Node, path: Node) -> Expr:  # pragma: no cover - overridden
        """`require(path)` of a path computed at run time."""
        raise Untranslatable(node, "dynamic require")

    def args(self, node: Node, hint: str = "callback") -> list[Expr]:
        """Translate call arguments; functions among them are named from `hint`."""
        result = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                inner = self.expr(child.named_children[0])
                result.append(Expr("*" + inner.at(PRIMARY), None))
                continue
            self.name_hint.append(hint)
            try:
                result.append(self.expr(child))
            finally:
                self.name_hint.pop()
        return result

    def x_call_expression(self, node: Node) -> Expr:
        callee, args_node = fields(node, "function", "arguments")
        if args_node.type == "template_string":
            raise Untranslatable(node, "tagged template")
        if callee.type == "identifier":
            return self.call_function(node, self.text(callee), args_node)
        if callee.type == "member_expression":
            obj_node, prop_node = fields(callee, "object", "property")
            return self.call_method(node, obj_node, self.text(prop_node), args_node)
        if callee.type == "import":
            raise Untranslatable(node, "dynamic import")
        if callee.type == "super":
            return Expr(f"super().__init__({_join(self.args(args_node))})", None, PRIMARY)
        fn = self.expr(callee)
        if fn.kind == "class" and callee.type == "call_expression":
            # `require('connect-redis')(session)`: the old factory form gives the class.
            return fn
        return Expr(f"{fn.at(PRIMARY)}({_join(self.args(args_node))})", None, PRIMARY)

    # -- plain functions ----------------------------------------------------------------------
    def call_function(self, node: Node, name: str, args_node: Node) -> Expr:
        """`name(args)`: a global of JavaScript's, a binding of the file, or `require`."""
        if name == "require" and self.scope.find(name) is None:
            first = args_node.named_children[0] if args_node.named_children else None
            if first is None:
                raise Untranslatable(node, "require without a path")
            if first.type != "string":
                return self.require_computed(node, first)
            return self.require_value(node, self.string_value(first))
        bound = self.scope.find(name)
        if bound is None:
            global_call = self.global_call(node, name, args_node)
            if global_call is not None:
                return global_call
            if not self.jinja and name not in self.hoisted_names():
                # A global of Node's without a rule (or a name from nowhere): never guess.
                raise Untranslatable(node, f"unknown function {name}")
        kind = self.scope.kind(name)
        if kind is not None and kind.startswith("member:"):
            _, package_kind, member = kind.split(":")
            return self.builtin_call(node, Expr("", package_kind), member, args_node)
        if kind == "cookie_session":
            return self.cookie_session(node, args_node)
        args = self.args(args_node, snake_case(name) + "_callback")
        fn = self.expr_of_name(name)
        if kind == "express":
            return Expr(f"{fn}({_join(args)})", "app", PRIMARY)
        if kind == "error_factory":
            return Expr(f"{fn}({_join(args)})", "error", PRIMARY)
        if kind == "handlebars":  # the old `exphbs({...})` call
            return Expr(f"handlebars_engine({_join(args)})", "engine", PRIMARY)
        if kind == "router_factory":
            return Expr(f"{fn}({_join(args)})", "router", PRIMARY)
        if fn in self.promise_functions:
            return Expr(f"{fn}({_join(args)})", "promise", PRIMARY)
        return Expr(f"{fn}({_join(args)})", None, PRIMARY)

    def hoisted_names(self) -> set[str]:
        """Functions declared anywhere at the top of the file (JavaScript hoists them)."""
        return self.declared_functions

    def expr_of_name(self, name: str) -> str:
        """The Python code a bound name reads as."""
        return self.expr_for_identifier(name).code

    def expr_for_identifier(self, name: str) -> Expr:
        """An identifier by name (what x_identifier gives for it)."""
        scope = self.scope.find(name)
        if scope is None:
            return Expr(snake_case(name), None)
        return Expr(scope.names[name], scope.kinds[name])

    def call_method(self, node: Node, obj_node: Node, method: str, args_node: Node) -> Expr:
        """`obj.method(args)`: globals' methods first, then by the object's kind."""
        if obj_node.type == "identifier" and self.scope.find(self.text(obj_node)) is None:
            found = self.global_method(node, self.text(obj_node), method, args_node)
            if found is not None:
                return found
            if self.text(obj_node) in JS_GLOBAL_OBJECTS and not self.jinja:
                # `Math.sign(x)`, `Array.of(...)`: a global's method without a rule.
                raise Untranslatable(node, f"{self.text(obj_node)}.{method}")
        if method in ("then", "catch", "finally") and not self.jinja:
            if chain_context(node) not in ("await", "arrow"):
                # Kept for later or inside a larger expression: awaiting it here would
                # change when it runs.
                raise Untranslatable(node, "promise chain inside an expression")
            return self.chain_value(node)
        if self.text(obj_node) == "res.locals" or method in ("call", "apply", "bind"):
            raise Untranslatable(node, "method")
        obj = self.expr(obj_node)
        kind = obj.kind
        if kind in ("map", "set") and not self.jinja:
            return self.collection_call(obj, method, args_node)
        if kind in ("app", "router", "route", "express") and not self.jinja:
            return self.express_call(obj, method, args_node)
        if kind == "handlebars" and method in ("engine", "create"):
            return Expr(f"handlebars_engine({_join(self.args(args_node))})", "engine", PRIMARY)
        if kind in ("path", "fs", "fs_promises", "crypto", "dotenv"):
            return self.builtin_call(node, obj, method, args_node)
        if kind in (
            "req",
            "res",
            "session",
            "passport",
            "instance",
            "self",
            "module",
            "namespace",
            "class",
            "callable",
            "session_factory",
            "multer_instance",
            "date",
        ):
            return self.attribute_call(obj, method, args_node, kind)
        array = self.array_call(node, obj, method, args_node)
        if array is not None:
            return array
        text = self.string_call(obj, method, args_node)
        if text is not None:
            return text
        if kind == "dict" and method not in ("hasOwnProperty",):
            # A function stored in an object literal: `db.findAll()` → `db["findAll"]()`.
            args = self.args(args_node, snake_case(method))
            return Expr(f'{obj.at(PRIMARY)}["{method}"]({_join(args)})', None, PRIMARY)
        if method == "hasOwnProperty":
            key = self.args(args_node)[0]
            return Expr(f"{key.at(COMPARE + 1)} in {obj.at(COMPARE + 1)}", "bool", COMPARE)
        if kind == "error":
            return self.attribute_call(obj, method, args_node, kind)
        if kind in ("str", "int", "num", "bool", "list") and not self.jinja:
            # A String/Number/Array method without a rule: no Python method means the same.
            raise Untranslatable(node, f"method {method}")
        if kind == "regex":
            return Expr(
                f"{obj.at(PRIMARY)}.{method}({_join(self.args(args_node))})",
                "bool" if method == "test" else None,
                PRIMARY,
            )
        if method in _UNMAPPED_BUILTINS:
            # A String/Array method without a rule: calling it as a Python method would be
            # silently wrong.
            raise Untranslatable(node, f"method {method}")
        if kind is None and obj_node.type == "identifier" and self.is_param(self.text(obj_node)):
            # `obj.range(...)` on a parameter: an object literal (a dict here) or an instance.
            self.need("from expresspy import js")
            args = self.args(args_node, snake_case(method))
            names = [py_string(method)] + (
                [py_string(snake_case(method))] if snake_case(method) != method else []
            )
            return Expr(f"js.method({obj.code}, {', '.join(names)})({_join(args)})", None, PRIMARY)
        # A method of an object we know nothing about (a namespace from another module, a
        # class instance): call it under its Python name.
        return self.attribute_call(obj, method, args_node, kind)

    def collection_call(self, obj: Expr, method: str, args_node: Node) -> Expr:
        """A js.Map/js.Set method: `has` is `in`, `get` the dict's; the rest are js's own
        (`set`, `add`, `delete`, `for_each`, `entries`, ...)."""
        args = self.args(args_node, f"{snake_case(method)}_callback")
        if method == "has" and len(args) == 1:
            return Expr(f"{args[0].at(COMPARE + 1)} in {obj.at(COMPARE + 1)}", "bool", COMPARE)
        kind = obj.kind if method in ("set", "add") else ("bool" if method == "delete" else None)
        return Expr(f"{obj.at(PRIMARY)}.{snake_case(method)}({_join(args)})", kind, PRIMARY)

    def is_param(self, name: str) -> bool:
        """True when `name` is a plain parameter of the function that binds it."""
        scope = self.scope.find(name)
        return scope is not None and name in scope.params

    def attribute_call(self, obj: Expr, method: str, args_node: Node, kind: str | None) -> Expr:
        """A method of an expresspy or Python object: snake_case, arguments as they are."""
        name = snake_case(method)
        if kind == "req" and method == "is":
            name = "is_"
        hint = snake_case(method)
        if kind in ("session", "req", "res"):
            hint = f"after_{snake_case(method)}"
        args = self.args(args_node, hint)
        if kind == "res" and method == "render" and args and args[0].kind == "str":
            # res.render('index.ejs'): the translated view is index.html.
            args[0] = Expr(re.sub(r'\.(ejs|hbs|handlebars)"$', '.html"', args[0].code), "str")
        result_kind = None
        if kind == "res" and method in (
            "status",
            "set",
            "cookie",
            "clearCookie",
            "type",
            "append",
            "vary",
            "location",
            "links",
            "attachment",
        ):
            result_kind = "res"
        if kind in ("req",) and method in ("get", "header"):
            result_kind = "str"
        return Expr(f"{obj.at(PRIMARY)}.{name}({_join(args)})", result_kind, PRIMARY)

    def express_call(self, obj: Expr, method: str, args_node: Node) -> Expr:
        """app/router methods: handlers named after their route (`get_users_id`)."""
        children = [c for c in args_node.named_children if c.type != "comment"]
        path = None
        if children and children[0].type == "string":
            path = self.string_value(children[0])
        hint = "callback"
        if method in ROUTE_METHODS:
            hint = handler_name(method, path) if (path or method != "use") else "middleware"
            if method == "use" and any(_arity(self, c) == 4 for c in children):
                hint = "error_handler"
            if method == "use" and path:
                hint = handler_name("use", path)
        elif method == "param":
            hint = f"param_{snake_case(path or 'value')}"
        elif method == "listen":
            hint = "on_listen"
        args = self.args(args_node, hint)
        if method == "listen" and args and args[0].kind != "int":
            # Node accepts "3000" (process.env.PORT); the Python server wants an int.
            args[0] = Expr(f"int({args[0].code})", "int", PRIMARY)
        kind = {"Router": "router", "route": "route"}.get(method)
        if obj.kind == "route" or (method in ROUTE_METHODS and method != "use"):
            kind = obj.kind
        name = method if method[:1].isupper() else snake_case(method)
        return Expr(f"{obj.at(PRIMARY)}.{name}({_join(args)})", kind, PRIMARY)

    def builtin_call(self, node: Node, obj: Expr, method: str, args_node: Node) -> Expr:
        """Node built-ins: path, fs (basics), crypto, dotenv."""
        args = self.args(args_node)
        joined = _join(args)
        if obj.kind == "path":
            simple = {
                "join": "os.path.join",
                "basename": "os.path.basename",
                "dirname": "os.path.dirname",
                "normalize": "os.path.normpath",
                "isAbsolute": "os.path.isabs",
            }
            if method in simple:
                return Expr(f"{simple[method]}({joined})", "str", PRIMARY)
            if method == "resolve":
                return Expr(f"os.path.abspath(os.path.join({joined}))", "str", PRIMARY)
            if method == "extname" and len(args) == 1:
                return Expr(f"os.path.splitext({joined})[1]", "str", PRIMARY)
        if obj.kind in ("fs", "fs_promises"):
            awaited = obj.kind == "fs_promises"
            simple_fs = {"existsSync": "os.path.exists({0})"}
            if method in simple_fs:
                self.need("import os")
                return Expr(simple_fs[method].format(args[0].code), "bool", PRIMARY)
            if not awaited and method in _NODE_FS_SYNC and len(args) == 1:
                code, kind = _NODE_FS_SYNC[method]
                self.need("import os" if code.startswith("sorted") else _NODE_FS_IMPORT)
                return Expr(code.format(args[0].code), kind, PRIMARY)
            if not awaited and method == "readFile" and args and args[-1].kind == "function":
                # The callback form: the callback gets (err, data) before the call returns.
                self.need(_NODE_FS_IMPORT)
                return Expr(f"node_fs.read_file({joined})", None, PRIMARY)
            if method in ("readFileSync", "readFile") and (method.endswith("Sync") or awaited):
                if len(args) >= 2:
                    return Expr(f'Path({args[0].code}).read_text(encoding="utf-8")', "str", PRIMARY)
                return Expr(f"Path({args[0].code}).read_bytes()", None, PRIMARY)
            if method in ("writeFileSync", "writeFile") and (method.endswith("Sync") or awaited):
                return Expr(
                    f'Path({args[0].code}).write_text({args[1].code}, encoding="utf-8")',
                    None,
                    PRIMARY,
                )
        if obj.kind == "crypto":
            if method == "randomUUID":
                self.need("import uuid")
                return Expr("str(uuid.uuid4())", "str", PRIMARY)
            if method == "randomBytes" and len(args) == 1:
                self.need("import secrets")
                return Expr(f"secrets.token_bytes({args[0].code})", "bytes", PRIMARY)
        if obj.kind == "dotenv" and method == "config":
            return Expr("load_dotenv()", None, PRIMARY)
        raise Untranslatable(node, f"{obj.kind}.{method}")

    # -- arrays ------------------------------------------------------------------------------
    def inline_callback(
        self, node: Node, count: int, array: str | None = None
    ) -> tuple[list[str], Expr] | None:
        """A callback whose body is one expression: its parameter names and body, else None.

        The names are bound in a fresh scope for the body's translation only (comprehension
        variables), so they do not leak into the function around it. With `array` (the code of
        a simple name), a third parameter (`(x, i, arr) => ...`) names that array.
        """
        if node.type not in ("arrow_function", "function_expression"):
            return None
        body = node.child_by_field_name("body")
        if body is None:
            return None
        if body.type == "statement_block":
            statements = [c for c in body.named_children if c.type != "comment"]
            if (
                len(statements) != 1
                or statements[0].type != "return_statement"
                or not statements[0].named_children
            ):
                return None
            body = statements[0].named_children[0]
        params = param_names(self, node)
        if params is None or len(params) > count + (array is not None):
            return None
        self.push_scope(is_function=False)
        try:
            names = [self.scope.declare(p, None) for p in params[:count]]
            for third in params[count:]:
                self.scope.declare(third, "list", array)
            return names, self.expr(body)
        finally:
            self.pop_scope()

    def array_call(self, node: Node, obj: Expr, method: str, args_node: Node) -> Expr | None:
        """Array methods (kind "list", or unknown for names only arrays have)."""
        if obj.kind in ("str", "dict", "num", "int", "reqdict"):
            return None
        children = [c for c in args_node.named_children if c.type != "comment"]
        seq = obj.at(PRIMARY)
        if method in ("find", "filter", "map", "some", "every", "findIndex") and children:
            inline = self.inline_callback(children[0], 2, seq if is_simple(seq) else None)
            if inline is not None:
                return self.comprehension(obj, method, *inline)
            fn = self.args(args_node, f"{method}_item")[0]
            fallback = {
                "find": f"{self.builtin('next')}(filter({fn.code}, {obj.code}), None)",
                "filter": f"list(filter({fn.code}, {obj.code}))",
                "map": f"list(map({fn.code}, {obj.code}))",
                "some": f"any(map({fn.code}, {obj.code}))",
                "every": f"all(map({fn.code}, {obj.code}))",
            }
            if method in fallback:
                return Expr(
                    fallback[method], "list" if method in ("filter", "map") else None, PRIMARY
                )
            return None
        simple: dict[str, Callable[[list[Expr]], Expr | None]] = {
            "push": lambda a: Expr(
                f"{seq}.append({a[0].code})" if len(a) == 1 else f"{seq}.extend([{_join(a)}])",
                None,
                PRIMARY,
            ),
            "pop": lambda a: Expr(f"{seq}.pop()", None, PRIMARY) if not a else None,
            "shift": lambda a: Expr(f"{seq}.pop(0)", None, PRIMARY) if not a else None,
            "unshift": lambda a: (
                Expr(f"{seq}.insert(0, {a[0].code})", None, PRIMARY) if len(a) == 1 else None
            ),
            "join": lambda a: self.join_call(obj, a),
            "concat": lambda a: Expr(" + ".join([seq, *(x.at(SUM + 1) for x in a)]), "list", SUM),
            "reverse": lambda a: self.reverse_call(node, obj) if not a else None,
        }
        if method == "push" and self.pre and is_simple(seq) and _value_used(node):
            # `id = list.push(x) - 1`: push gives the new length.
            pushed = simple["push"](self.args(args_node))
            assert pushed is not None
            self.pre[-1].append(pushed.code)
            return Expr(f"len({seq})", "int", PRIMARY)
        if method in simple and (
            obj.kind == "list" or method in ("push", "join", "shift", "unshift", "pop")
        ):
            return simple[method](self.args(args_node))
        if method == "splice" and obj.kind in ("list", None):
            args = self.args(args_node)
            if len(args) == 2 and self.pre:
                start = args[0].code
                self.pre[-1].append(f"removed = {seq}[{start}:{start} + {args[1].at(SUM)}]")
                self.pre[-1].append(f"del {seq}[{start}:{start} + {args[1].at(SUM)}]")
                return Expr("removed", "list")
        if method == "reduce" and len(children) == 2:
            combine, initial = self.args(args_node, "combine")
            self.need("import functools")
            return Expr(
                f"functools.reduce({combine.code}, {obj.code}, {initial.code})", None, PRIMARY
            )
        if method == "sort" and obj.kind in ("list", None) and len(children) <= 1:
            return self.sort_call(obj, args_node, children)
        if method == "forEach":
            raise Untranslatable(node, "forEach inside an expression")
        return None

    def reverse_call(self, node: Node, obj: Expr) -> Expr:
        """`xs.reverse()` reverses in place and returns xs: the statement stays a call; used as
        a value, a name is reversed first, and a fresh list is reversed as a copy."""
        parent = node.parent
        if parent is not None and parent.type == "expression_statement":
            return Expr(f"{obj.at(PRIMARY)}.reverse()", None, PRIMARY)
        if is_simple(obj.code) and self.pre:
            self.pre[-1].append(f"{obj.code}.reverse()")
            return obj
        return (
            Expr(f"{obj.code}[::-1]", "list", PRIMARY)
            if obj.code.startswith(("list(", "["))
            else Expr(f"list(reversed({obj.code}))", "list", PRIMARY)
        )

    def sort_call(self, obj: Expr, args_node: Node, children: list[Node]) -> Expr:
        """`xs.sort(cmp)` sorts in place and returns xs; without cmp it compares as strings."""
        if children:
            self.need("import functools")
            key = f"functools.cmp_to_key({self.args(args_node, 'compare')[0].code})"
        else:
            self.need("from expresspy import js")
            key = "js.string"
        if is_simple(obj.code) and self.pre:
            self.pre[-1].append(f"{obj.code}.sort(key={key})")
            return obj
        return Expr(f"sorted({obj.code}, key={key})", "list", PRIMARY)

    def comprehension(self, obj: Expr, method: str, params: list[str], body: Expr) -> Expr:
        """find/filter/map/some/every/findIndex with an expression callback as Python."""
        seq = obj.code
        loop = f"for {params[0]} in {seq}"
        if len(params) == 2:
            loop = f"for {params[1]}, {params[0]} in enumerate({seq})"
        test = self.condition(body, 3)
        next_ = self.builtin("next")
        if method == "find":
            return Expr(f"{next_}(({params[0]} {loop} if {test}), None)", None, PRIMARY)
        if method == "filter":
            return Expr(f"[{params[0]} {loop} if {test}]", "list")
        if method == "map":
            return Expr(f"[{body.code} {loop}]", "list")
        if method == "some":
            return Expr(f"any({test} {loop})", "bool", PRIMARY)
        if method == "every":
            return Expr(f"all({test} {loop})", "bool", PRIMARY)
        index = params[1] if len(params) == 2 else "index"
        found = f"({index} for {index}, {params[0]} in enumerate({seq}) if {test})"
        return Expr(f"{next_}({found}, -1)", "int", PRIMARY)

    def builtin(self, name: str) -> str:
        """A built-in's name, or `builtins.name` where the file binds the name (`next`)."""
        if self.scope.find(name) is None:
            return name
        self.need("import builtins")
        return f"builtins.{name}"

    def join_call(self, obj: Expr, args: list[Expr]) -> Expr:
        """`array.join(sep)`: None items are empty and values print as JavaScript prints them."""
        self.need("from expresspy import js")
        sep = f", {args[0].code}" if args else ""
        return Expr(f"js.join({obj.code}{sep})", "str", PRIMARY)

    # -- strings -----------------------------------------------------------------------------
    def string_call(self, obj: Expr, method: str, args_node: Node) -> Expr | None:
        """String methods (and the few shared with arrays: includes, indexOf, slice)."""
        args = self.args(args_node)
        subject = obj.at(PRIMARY)
        if method in _STRING_METHODS and (method.startswith(("starts", "ends")) or not args):
            return Expr(
                f"{subject}.{_STRING_METHODS[method]}({_join(args)})",
                "bool" if method.startswith(("starts", "ends")) else "str",
                PRIMARY,
            )
        if method == "includes" and len(args) == 1:
            return Expr(f"{args[0].at(COMPARE + 1)} in {obj.at(COMPARE + 1)}", "bool", COMPARE)
        if method == "indexOf" and len(args) == 1:
            if obj.kind == "str":
                return Expr(f"{subject}.find({args[0].code})", "int", PRIMARY)
            needle = args[0].code
            return Expr(f"{subject}.index({needle}) if {needle} in {obj.code} else -1", "int", 1)
        if method in ("slice", "substring") and 1 <= len(args) <= 2:
            if method == "substring" and any(a.kind != "int" for a in args):
                return None
            if method == "substring" and all(a.code.lstrip("-").isdigit() for a in args):
                # substring clamps negative bounds to 0 and swaps reversed ones.
                ends = sorted(max(0, int(a.code)) for a in args)
                args = [Expr(str(end), "int") for end in ends]
            bounds = ":".join(a.code for a in args) if len(args) == 2 else f"{args[0].code}:"
            return Expr(f"{subject}[{bounds}]", obj.kind, PRIMARY)
        if method == "split" and len(args) == 1:
            if args[0].code == '""':
                return Expr(f"list({obj.code})", "list", PRIMARY)
            if args[0].kind == "regex":
                return Expr(f"{args[0].code}.compiled.split({obj.code})", "list", PRIMARY)
            return Expr(f"{subject}.split({args[0].code})", "list", PRIMARY)
        if method == "charAt" and len(args) == 1:
            return Expr(f"{subject}[{args[0].code}:{args[0].at(SUM)} + 1]", "str", PRIMARY)
        if method in ("padStart", "padEnd") and len(args) in (1, 2):
            fill = f", {args[1].code}" if len(args) == 2 else ""
            just = "rjust" if method == "padStart" else "ljust"
            return Expr(f"{self.as_string(obj)}.{just}({args[0].code}{fill})", "str", PRIMARY)
        if method == "repeat" and len(args) == 1:
            count = args[0].at(PRIMARY) if args[0].kind == "int" else f"int({args[0].code})"
            return Expr(f"{subject} * {count}", "str", 11)
        if method in ("replace", "replaceAll") and len(args) == 2:
            self.need("from expresspy import js")
            every = ", replace_all=True" if method == "replaceAll" else ""
            return Expr(
                f"js.replace({obj.code}, {args[0].code}, {args[1].code}{every})", "str", PRIMARY
            )
        if method == "match" and len(args) == 1 and args[0].kind == "regex":
            return Expr(f"{args[0].at(PRIMARY)}.match({obj.code})", None, PRIMARY)
        if method == "toString" and not args:
            return Expr(self.as_string(obj), "str", PRIMARY)
        if (
            method == "toString"
            and obj.kind == "bytes"
            and len(args) == 1
            and args[0].code in ('"hex"', '"base64"')
        ):
            # crypto.randomBytes(n).toString('hex')
            if args[0].code == '"hex"':
                return Expr(f"{subject}.hex()", "str", PRIMARY)
            self.need("import base64")
            return Expr(f"base64.b64encode({obj.code}).decode()", "str", PRIMARY)
        if method == "toFixed" and len(args) <= 1:
            self.need("from expresspy import js")
            return Expr(
                f"js.to_fixed({obj.code}{', ' + args[0].code if args else ''})", "str", PRIMARY
            )
        if method == "toISOString" and not args:
            self.need("from expresspy import js")
            return Expr(f"js.iso_string({obj.code})", "str", PRIMARY)
        return None

    # -- new -----------------------------------------------------------------------------------
    def x_new_expression(self, node: Node) -> Expr:
        ctor = node.child_by_field_name("constructor")
        args_node = node.child_by_field_name("arguments")
        assert ctor is not None
        name = self.text(ctor)
        hint = "executor" if name == "Promise" else f"{snake_case(name)}_callback"
        args = self.args(args_node, hint) if args_node is not None else []
        bound = self.scope.find(name) if ctor.type == "identifier" else None
        if bound is None and name in ("Error", "TypeError", "RangeError"):
            return Expr(f"Exception({_join(args)})", "error", PRIMARY)
        if bound is None and name in _JS_TYPES:
            # js.Date keeps milliseconds (`end - start`); js.Map and js.Set keep JavaScript's
            # iteration (pairs, insertion order) and JSON (`{}`).
            self.need("from expresspy import js")
            return Expr(f"js.{name}({_join(args)})", _JS_TYPES[name], PRIMARY)
        if bound is None and name == "Promise":
            self.need("from expresspy import js")
            return Expr(f"js.Promise({_join(args)})", "promise", PRIMARY)
        if bound is None and name == "Array" and not args:
            return Expr("[]", "list")
        if bound is None and name == "Array" and len(args) == 1 and args[0].kind == "int":
            return Expr(f"[None] * {args[0].at(PRODUCT + 1)}", "list", PRODUCT)
        if bound is None and name == "Object" and not args:
            return Expr("{}", "dict")
        if bound is None and name in ("URL", "WeakMap", "WeakSet"):
            raise Untranslatable(node, f"new {name}")
        kind = self.scope.kind(name) if ctor.type == "identifier" else None
        callee = self.expr(ctor)
        if callee.code == "RedisStore" and kind == "class":
            return self.redis_store(node, args_node)
        result = "error" if kind == "error_class" else "instance"
        return Expr(f"{callee.at(PRIMARY)}({_join(args)})", result, PRIMARY)

    def redis_store(self, node: Node, args_node: Node | None) -> Expr:
        """`new RedisStore(options)` of connect-redis as expresspy's `RedisStore(client, ...)`.

        connect-redis takes `{ client, prefix, ttl, disableTTL, disableTouch, serializer }`;
        versions before 4 made their own client from `host`/`port`/`url` (or a local Redis when
        given none), so a store without `client` connects to that URL (default
        redis://127.0.0.1:6379, as the old package's default client did).
        """
        client = None
        host, port = '"127.0.0.1"', "6379"
        keywords: list[str] = []
        for key, value in self.literal_options(node, args_node, "RedisStore options"):
            if key in ("client", "url"):
                client = value.code
            elif key == "host":
                host = value.code
            elif key == "port":
                port = value.code
            elif key in _REDIS_STORE_OPTIONS:
                keywords.append(f"{_REDIS_STORE_OPTIONS[key]}={value.code}")
            else:
                raise Untranslatable(node, f"RedisStore option {key}")
        if client is None:
            parts = [
                h.strip('"') if h.startswith('"') or h.isdigit() else f"{{{h}}}"
                for h in (host, port)
            ]
            fixed = all("{" not in p for p in parts)
            client = ("" if fixed else "f") + f'"redis://{parts[0]}:{parts[1]}"'
        return Expr(
            f"RedisStore({_join([Expr(client), *map(Expr, keywords)])})", "instance", PRIMARY
        )

    def literal_options(
        self, node: Node, args_node: Node | None, what: str
    ) -> list[tuple[str, Expr]]:
        """The (key, translated value) pairs of a call's one object-literal argument (none
        without arguments); anything else (a variable, a spread) is Untranslatable."""
        options = args_node.named_children if args_node is not None else []
        options = [o for o in options if o.type != "comment"]
        if len(options) > 1 or (options and options[0].type != "object"):
            raise Untranslatable(node, what)
        pairs: list[tuple[str, Expr]] = []
        for pair in options[0].named_children if options else []:
            if pair.type == "comment":
                continue
            key_node = pair.child_by_field_name("key")
            value_node = pair.child_by_field_name("value")
            if pair.type != "pair" or key_node is None or value_node is None:
                raise Untranslatable(node, what)
            pairs.append((self.text(key_node).strip("'\""), self.expr(value_node)))
        return pairs

    def cookie_session(self, node: Node, args_node: Node) -> Expr:
        """`cookieSession(options)` as `session()` with a CookieStore (the whole session in a
        signed cookie, as cookie-session keeps it).

        cookie-session's `keys` (the first signs, all verify) and `secret` become `secret`;
        its cookie attributes (`maxAge`, `path`, `sameSite`, ...) go to `cookie`; the cookie is
        named "session" unless `name` says otherwise, and, as with cookie-session, nothing is
        sent until the session holds something (`resave`/`saveUninitialized` false).
        """
        top = {"name": '"session"'}
        cookie: list[str] = []
        for key, translated in self.literal_options(node, args_node, "cookie-session options"):
            value = translated.code
            if key in ("keys", "secret"):
                top["secret"] = value
            elif key == "name":
                top["name"] = value
            elif key in _COOKIE_ATTRIBUTES:
                cookie.append(f"{py_string(key)}: {value}")
            elif not (key == "overwrite" and value == "True"):
                raise Untranslatable(node, f"cookie-session option {key}")
        self.need("from expresspy import session")
        self.need("from expresspy.session import CookieStore")
        entries = [f"{py_string(k)}: {v}" for k, v in top.items()]
        if cookie:
            entries.append('"cookie": {' + ", ".join(cookie) + "}")
        entries += ['"store": CookieStore()', '"resave": False', '"saveUninitialized": False']
        return Expr("session({" + ", ".join(entries) + "})", "callable", PRIMARY)


#: cookie-session's cookie attributes, which express-session takes under `cookie`.
_COOKIE_ATTRIBUTES = (
    "maxAge",
    "expires",
    "path",
    "domain",
    "sameSite",
    "secure",
    "httpOnly",
    "partitioned",
    "priority",
)

#: connect-redis's option names and RedisStore's keywords.
_REDIS_STORE_OPTIONS = {
    "prefix": "prefix",
    "ttl": "ttl",
    "disableTTL": "disable_ttl",
    "disableTouch": "disable_touch",
    "serializer": "serializer",
}


def _arity(ctx: ExpressionTranslator, node: Node) -> int:
    """How many parameters a function node declares (-1 when it is not a function)."""
    if node.type not in ("arrow_function", "function_expression", "function"):
        return -1
    names = param_names(ctx, node)
    return len(names) if names is not None else -1


def param_names(ctx: ExpressionTranslator, node: Node) -> list[str] | None:
    """Plain identifier parameters of a function node, or None when any is a pattern."""
    params = node.child_by_field_name("parameters")
    single = node.child_by_field_name("parameter")
    if single is not None:
        return [ctx.text(single)] if single.type == "identifier" else None
    if params is None:
        return []
    names = []
    for child in params.named_children:
        if child.type != "identifier":
            return None
        names.append(ctx.text(child))
    return names


def _value_used(call: Node) -> bool:
    """Whether a call's value is stored or returned, and the call runs whenever its statement
    does: up through arithmetic and parentheses to a declaration, assignment or return (a
    pre-statement must not run where `a && xs.push(x)` would skip it)."""
    node = call.parent
    while node is not None and (
        node.type == "parenthesized_expression"
        or (
            node.type == "binary_expression"
            and node.child_by_field_name("operator") is not None
            and node.child_by_field_name("operator").type in ("+", "-", "*", "/")  # type: ignore[union-attr]
        )
    ):
        node = node.parent
    return node is not None and node.type in (
        "variable_declarator",
        "assignment_expression",
        "return_statement",
    )
