"""Promise chains as `await`: `p.then(f).catch(h).finally(g)` becomes statements.

A chain is translated where its value goes: as a statement (`db.find(id).then(...)`), returned
(`return db.find(id).then(u => res.json(u))`, or an arrow function's body), or awaited
(`const x = await fetchThing().then(r => r.value)`). Each `.then` binds its callback's parameter
to the awaited value and runs the callback's body in place; `.catch` wraps what came before in
`try`/`except Exception as err`; `.finally` in `try`/`finally`. The function around the chain
becomes `async def`. A chain kept as a value for later (`const p = x.then(...)`) or used inside
a larger expression is left as a TODO: awaiting it early would change when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .calls import param_names
from .context import AWAIT, PRIMARY, Expr, Untranslatable, is_simple
from .functions import FunctionTranslator, indent
from .parse import fields

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["CHAIN_METHODS", "PromiseTranslator"]

#: The Promise methods a chain is made of.
CHAIN_METHODS = ("then", "catch", "finally")

#: `console` methods passed as callbacks (`.catch(console.error)`) and print's extra argument.
_CONSOLE_CALLBACKS = {
    "console.log": "",
    "console.info": "",
    "console.error": "file=sys.stderr",
    "console.warn": "file=sys.stderr",
}

#: What the translated chain's final value becomes (`return v`, `v` as a statement, `x = v`).
Finish = Callable[[Expr], list[str]]


class PromiseTranslator(FunctionTranslator):
    """The chain rules (see the module doc)."""

    # Provided by the statement translator.
    def block(self, nodes: list[Node]) -> list[str]:  # pragma: no cover - overridden
        """Statements in order, as Python lines."""
        raise NotImplementedError

    def chain_steps(self, node: Node) -> tuple[Node, list[tuple[str, Node]]]:
        """The promise a chain starts from and its (method, callback) steps in order."""
        steps: list[tuple[str, Node]] = []
        current = node
        while current.type == "call_expression":
            callee = current.child_by_field_name("function")
            args_node = current.child_by_field_name("arguments")
            if callee is None or callee.type != "member_expression" or args_node is None:
                break
            prop, obj = fields(callee, "property", "object")
            method = self.text(prop)
            if method not in CHAIN_METHODS:
                break
            args = [c for c in args_node.named_children if c.type != "comment"]
            if len(args) != 1:
                raise Untranslatable(node, f"{method} with {len(args)} callbacks")
            steps.insert(0, (method, args[0]))
            current = obj
            while current.type == "parenthesized_expression" and current.named_children:
                current = current.named_children[0]
        return current, steps

    def promise_chain(self, node: Node) -> list[str]:
        """A chain as a statement: its value, if any, is a statement of its own."""
        return self.chain_lines(node, _as_statement)

    def returned_chain(self, node: Node) -> list[str]:
        """`return p.then(...)`: the chain, then `return` of its value."""
        return self.chain_lines(node, _as_return)

    def chain_value(self, node: Node) -> Expr:
        """An awaited chain (or an arrow's body): its lines go before the statement; the
        value is settled (awaiting it again is a no-op)."""
        if not self.pre:
            raise Untranslatable(node, "promise chain outside a statement")
        names: list[str] = []  # the variable a closing `try` stores the value in, once needed

        def store(value: Expr) -> list[str]:
            if not names:
                names.append(self.unique("result"))
            return self.assign_to(names[0])(value)

        lines, value = self.chain_parts(node, store)
        self.pre[-1].extend(lines)
        if value is None:
            return Expr(names[0], None, settled=True)
        return Expr(value.code, value.kind, value.prec, settled=True)

    def chain_lines(self, node: Node, finish: Finish) -> list[str]:
        """The chain's lines ending with `finish` of its value."""
        lines, value = self.chain_parts(node, finish)
        return lines if value is None else lines + finish(value)

    def chain_parts(self, node: Node, finish: Finish) -> tuple[list[str], Expr | None]:
        """The chain's lines and its value still to be used (None once `finish` was applied
        inside a closing `try`)."""
        if not self.is_async:
            raise Untranslatable(node, "promise chain outside a function")
        self.is_async[-1] = True
        base, steps = self.chain_steps(node)
        lines, value = self.captured(base)
        current = _awaited(value, always=True)
        for index, (method, fn) in enumerate(steps):
            last = index == len(steps) - 1
            if method == "then":
                more, current = self.callback_in_place(fn, current)
                lines += more
                continue
            result = "" if last else self.unique("result")
            end = finish if last else self.assign_to(result)
            body = lines + end(current)
            if method == "catch":
                more, handled = self.callback_in_place(fn, None, error=True)
                head = "except Exception as err:" if _takes_error(self, fn) else "except Exception:"
                lines = ["try:", *indent(body), head, *indent(more + end(handled))]
            else:
                more, after = self.callback_in_place(fn, None)
                lines = ["try:", *indent(body), "finally:", *indent(more + _as_statement(after))]
            if last:
                return lines, None
            current = Expr(result, None)
        return lines, current

    @staticmethod
    def assign_to(name: str) -> Finish:
        """A finish that stores the value in `name`."""
        return lambda value: [f"{name} = {value.code}"]

    def captured(self, node: Node) -> tuple[list[str], Expr]:
        """An expression and the lines it needs first (hoisted defs, pre-statements), kept
        apart from the statement around it so they run in the chain's order."""
        self.hoisted.append([])
        self.pre.append([])
        try:
            value = self.expr(node)
            return self.hoisted[-1] + self.pre[-1], value
        finally:
            self.hoisted.pop()
            self.pre.pop()

    def callback_in_place(
        self, fn: Node, argument: Expr | None, error: bool = False
    ) -> tuple[list[str], Expr]:
        """A `.then`/`.catch`/`.finally` callback run in place: lines that bind its parameter
        to `argument` (`err` for a catch) and run its body, and the value it returns."""
        names = param_names(self, fn)
        body = fn.child_by_field_name("body")
        inline = (
            body is not None
            and names is not None
            and len(names) <= 1
            and not self.text(fn).startswith("async")
            and _returns_last_only(body)
        )
        if not inline:
            return self.callback_called(fn, argument, error)
        assert body is not None and names is not None
        lines: list[str] = []
        if names:
            py = self.scope.declare(names[0], "error" if error else None, "err" if error else None)
            if argument is not None:
                lines.append(f"{py} = {argument.code}")
        elif argument is not None:
            lines += _as_statement(argument)
        if body.type != "statement_block":
            more, value = self.captured(body)
            return lines + more, _awaited(value)
        statements = [c for c in body.named_children if c.type != "comment"]
        last = statements[-1] if statements else None
        if last is None or last.type != "return_statement" or not last.named_children:
            return lines + self.block(list(body.named_children)), Expr("None", "none")
        kept = [c for c in body.named_children if c != last]
        more, value = self.captured(last.named_children[0])
        return lines + self.block(kept) + more, _awaited(value)

    def callback_called(
        self, fn: Node, argument: Expr | None, error: bool
    ) -> tuple[list[str], Expr]:
        """A callback that is not run in place (a name, or a function with several returns):
        called with the value (`next(err)`)."""
        given = "err" if error else ("" if argument is None else argument.code)
        printer = _CONSOLE_CALLBACKS.get(self.text(fn).replace(" ", ""))
        if printer is not None and self.scope.find("console") is None:
            # `.catch(console.error)`: the method as a callback prints its argument.
            if printer:
                self.need("import sys")
            return [], Expr(f"print({', '.join(filter(None, (given, printer)))})", None, PRIMARY)
        self.name_hint.append("on_error" if error else "on_result")
        try:
            lines, callee = self.captured(fn)
        finally:
            self.name_hint.pop()
        kind = "promise" if callee.code in self.promise_functions else None
        call = Expr(f"{callee.at(PRIMARY)}({given})", kind, PRIMARY)
        return lines, _awaited(call)


def _awaited(value: Expr, always: bool = False) -> Expr:
    """`await value` for a promise (always for the chain's start), else the value."""
    if value.settled or not (always or value.kind == "promise"):
        return value
    return Expr(f"await {value.at(AWAIT)}", None, AWAIT)


def _as_statement(value: Expr) -> list[str]:
    """A value as a statement: nothing for a name or None, the expression otherwise."""
    if value.code in ("None", "") or is_simple(value.code):
        return []
    return [value.code]


def _as_return(value: Expr) -> list[str]:
    """`return value` (a bare `return` for a callback that returned nothing)."""
    return ["return" if value.code == "None" else f"return {value.code}"]


def _takes_error(ctx: PromiseTranslator, fn: Node) -> bool:
    """Whether a catch callback receives the error (a reference always may)."""
    names = param_names(ctx, fn)
    return names is None or bool(names) or fn.type not in ("arrow_function", "function_expression")


def _returns_last_only(body: Node) -> bool:
    """An expression body, or a block whose only `return` (if any) is its last statement."""
    if body.type != "statement_block":
        return True
    statements = [c for c in body.named_children if c.type != "comment"]
    if any(_has_return(s) for s in statements[:-1]):
        return False
    return (
        not statements
        or statements[-1].type == "return_statement"
        or not _has_return(statements[-1])
    )


def _has_return(node: Node) -> bool:
    """Whether `node` is or holds a `return` (outside nested functions)."""
    if node.type == "return_statement":
        return True
    if node.type in ("arrow_function", "function_expression", "function_declaration"):
        return False
    return any(_has_return(child) for child in node.named_children)
