"""The state one file's translation shares: scopes, imports, hoisted definitions, TODOs.

Statements and expressions are translated by two mixins over this one class
(:mod:`.expressions`, :mod:`.statements`); everything they both need lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .naming import py_name

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = [
    "Context",
    "Expr",
    "LocalModule",
    "Scope",
    "Todo",
    "Untranslatable",
    "chain_context",
    "is_simple",
]

#: Python's precedence levels, low to high, for parenthesising translated sub-expressions.
(
    LAMBDA,
    TERNARY,
    OR,
    AND,
    NOT,
    COMPARE,
    BITOR,
    BITXOR,
    BITAND,
    SHIFT,
    SUM,
    PRODUCT,
    UNARY,
    POWER,
    AWAIT,
    PRIMARY,
    ATOM,
) = range(17)


@dataclass(frozen=True)
class Expr:
    """A translated expression: its Python code, the kind of value it holds, its precedence.

    Kinds the translator reasons with: "str", "int", "num" (a number that may be NaN or
    fractional), "bool", "list", "dict", "none", "req", "res", "app", "router", "session",
    "reqdict" (req.params/query/body/cookies: missing keys read as None), "error",
    "instance", "class", "module", "function", "promise", and None when unknown. `settled`
    marks the value of a promise chain already awaited (awaiting it again changes nothing).
    """

    code: str
    kind: str | None = None
    prec: int = ATOM
    settled: bool = False

    def at(self, level: int) -> str:
        """The code, parenthesised if it binds more loosely than `level` needs."""
        return self.code if self.prec >= level else f"({self.code})"


@dataclass(frozen=True)
class Todo:
    """One construct left for a person: where it was and its original text."""

    file: str
    line: int
    original: str

    def comment(self) -> str:
        """The `# TODO(port): FILE:LINE: <original>` line written at its spot."""
        first = self.original.strip().splitlines()[0] if self.original.strip() else ""
        more = " ..." if len(self.original.strip().splitlines()) > 1 else ""
        return f"# TODO(port): {self.file}:{self.line}: {first}{more}"


def chain_context(node: Node) -> str | None:
    """Where a chain's value goes: "statement", "return", "await", "arrow" (an arrow
    function's expression body), or None for any other place."""
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is None:
        return None
    if parent.type == "expression_statement":
        return "statement"
    if parent.type == "return_statement":
        return "return"
    if parent.type == "await_expression":
        return "await"
    if parent.type == "arrow_function" and parent.child_by_field_name("body") == node:
        return "arrow"
    return None


_EQUALITY = ("===", "!==", "==", "!=")


def _stores_undefined(root: Node) -> bool:
    """Whether any `undefined` (or `void x`) under `root` is a value, not a comparison's side."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "undefined" or (node.type == "identifier" and node.text == b"undefined"):
            parent = node.parent
            while parent is not None and parent.type == "parenthesized_expression":
                parent = parent.parent
            operator = parent.child_by_field_name("operator") if parent is not None else None
            compared = (
                parent is not None
                and parent.type == "binary_expression"
                and operator is not None
                and operator.text is not None
                and operator.text.decode() in _EQUALITY
            )
            if not compared:
                return True
        if node.type == "unary_expression" and (node.text or b"").startswith(b"void"):
            return True
        stack.extend(node.children)
    return False


def is_simple(code: str) -> bool:
    """A name or a dotted attribute chain: safe to evaluate twice, fine as a method receiver."""
    return code.replace(".", "").replace("_", "").isalnum()


class Untranslatable(Exception):
    """Raised inside the translator for a construct it does not handle; caught per statement."""

    def __init__(self, node: Node, why: str = "") -> None:
        super().__init__(why)
        self.node = node


@dataclass(frozen=True)
class LocalModule:
    """What another file of the project exports, for rewriting `require('./x')` to an import.

    ``module`` is the dotted Python module; ``default`` the Python name bound by
    `module.exports = name` / `export default name` (None when it exports several names).
    """

    module: str
    default: str | None
    kind: str | None = None


@dataclass
class Scope:
    """One function (or the module): its bindings (JS name → kind) and Python names."""

    parent: Scope | None = None
    is_function: bool = False
    kinds: dict[str, str | None] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    assigned: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)  # the function's plain parameters

    def declare(self, js_name: str, kind: str | None, py: str | None = None) -> str:
        """Bind a JavaScript name here; returns its Python name."""
        self.kinds[js_name] = kind
        self.names[js_name] = py if py is not None else py_name(js_name)
        return self.names[js_name]

    def find(self, js_name: str) -> Scope | None:
        """The scope that binds `js_name`, searching outwards."""
        scope: Scope | None = self
        while scope is not None:
            if js_name in scope.kinds:
                return scope
            scope = scope.parent
        return None

    def kind(self, js_name: str) -> str | None:
        """The kind bound to `js_name`, or None when unknown or unbound."""
        scope = self.find(js_name)
        return scope.kinds[js_name] if scope is not None else None

    def py(self, js_name: str) -> str:
        """The Python name for `js_name` (snake_case when it is not bound anywhere)."""
        scope = self.find(js_name)
        return scope.names[js_name] if scope is not None else py_name(js_name)


class Context:
    """One file's translation state (see the module doc)."""

    def __init__(
        self,
        display: str,
        source: bytes,
        local_modules: dict[str, LocalModule] | None = None,
        module_path: str = "",
    ) -> None:
        self.display = display
        self.source = source
        self.local_modules = local_modules or {}
        self.module_path = module_path
        self.imports: dict[str, None] = {}
        self.todos: list[Todo] = []
        self.statements = 0
        self.scope = Scope()
        self.used_names: set[str] = set()
        # Definitions hoisted out of the statement being translated (a multi-statement
        # callback becomes a named def just before its use); one list per open statement.
        self.hoisted: list[list[str]] = []
        self.pre: list[list[str]] = []
        self.name_hint: list[str] = []
        self.is_async: list[bool] = []
        self.returns_promise: list[bool] = []
        # Functions of this file whose calls give awaitables (async, or returning a Promise).
        self.promise_functions: set[str] = set()
        # Every `function name()` of the file: callable before their declaration, as in JS.
        self.declared_functions: set[str] = set()
        # What `this` means inside a function assigned to an object's property (`app.x = ...`).
        self.this_binding: list[Expr] = []
        # Whether a `return` ends one pass of a loop: True in a forEach callback's body, which
        # becomes a `for` loop's, False in the functions inside it.
        self.return_continues: list[bool] = []
        self.view_engine: str | None = None
        # Extensions of engines the app defines itself (`app.engine('md', fn)`).
        self.custom_engines: set[str] = set()
        # Whether the file uses `undefined` as a value (see undefined_values).
        self.undefined_seen: bool | None = None

    # -- small services -----------------------------------------------------------------
    def undefined_values(self, node: Node) -> bool:
        """Whether this file uses `undefined` as a value (`{ a: undefined }`, `return
        undefined`, `void 0`), not only in tests (`x === undefined`).

        Only then can a value be ``js.undefined`` rather than None, and tests of "nothing"
        (`x == null`, `x ?? y`, `x?.y`, defaults) check for both; files that never store
        `undefined` keep Python's plain `is None`.
        """
        if self.undefined_seen is None:
            root = node
            while root.parent is not None:
                root = root.parent
            self.undefined_seen = _stores_undefined(root)
        return self.undefined_seen

    def text(self, node: Node) -> str:
        """The original source text of a node."""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def need(self, line: str) -> None:
        """Record an import line the translated file needs."""
        self.imports.setdefault(line, None)

    def todo(self, node: Node) -> str:
        """Record a TODO for `node` and return its comment line."""
        item = Todo(self.display, node.start_point[0] + 1, self.text(node))
        self.todos.append(item)
        return item.comment()

    def unique(self, base: str) -> str:
        """A module-unique function name from `base` (`get_login`, then `get_login_2`)."""
        name = py_name(base)  # a keyword or a builtin the code calls gets a trailing `_`
        number = 2
        while name in self.used_names or self.scope.find(name) is not None:
            name = f"{base}_{number}"
            number += 1
        self.used_names.add(name)
        return name

    def push_scope(self, is_function: bool = True) -> Scope:
        """Open a function scope; returns it."""
        self.scope = Scope(parent=self.scope, is_function=is_function)
        return self.scope

    def pop_scope(self) -> Scope:
        """Close the innermost scope; returns it."""
        scope = self.scope
        assert scope.parent is not None
        self.scope = scope.parent
        return scope
