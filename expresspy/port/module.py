"""One JavaScript file as one Python module: imports from `require`/`import`, the body, the
`if __name__ == "__main__":` block for `app.listen`, and the provenance line on top."""

from __future__ import annotations

import posixpath
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .context import Expr, LocalModule, Todo, Untranslatable
from .functions import indent
from .naming import py_name, snake_case
from .packages import PACKAGES
from .parse import parse
from .statements import StatementTranslator

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["ModuleResult", "format_python", "translate_module"]

#: Seconds `ruff format` may take on one translated file.
FORMAT_TIMEOUT = 20.0
LINE_LENGTH = 100
_STDLIB = (
    "import asyncio",
    "import base64",
    "import builtins",
    "import functools",
    "import json",
    "import math",
    "import os",
    "import random",
    "import re",
    "import secrets",
    "import sys",
    "import traceback",
    "import uuid",
    "from datetime",
    "from pathlib",
    "from types",
    "from urllib",
)


@dataclass(frozen=True)
class ModuleResult:
    """A translated file: its Python text, its TODOs, how many statements, its view engine."""

    text: str
    todos: list[Todo]
    statements: int
    view_engine: str | None


class ModuleTranslator(StatementTranslator):
    """Binds `require`/`import` to Python imports and assembles the module."""

    def __init__(
        self,
        display: str,
        source: bytes,
        local_modules: dict[str, LocalModule],
        module_path: str,
        file_key: str,
    ) -> None:
        super().__init__(display, source, local_modules, module_path)
        self.file_key = file_key
        self.exports = {}
        self.main_block = []

    # -- require / import ---------------------------------------------------------------
    def local_module(self, module: str) -> LocalModule | None:
        """The project file `module` (`./routes/todos`) names, relative to this file."""
        if not module.startswith("."):
            return None
        base = posixpath.dirname(self.file_key)
        key = posixpath.normpath(posixpath.join(base, module))
        for candidate in (key, posixpath.splitext(key)[0], key + "/index"):
            if candidate in self.local_modules:
                return self.local_modules[candidate]
        return None

    def express_itself(self, module: str) -> bool:
        """`require('../..')` in Express's own examples: the Express package itself."""
        if not module.startswith(".") or self.local_module(module) is not None:
            return False
        base = posixpath.dirname(self.file_key)
        key = posixpath.normpath(posixpath.join(base, module))
        return key.startswith("..") and (key.endswith("..") or key.endswith("lib/express"))

    def require_value(self, node: Node, module: str) -> Expr:
        if self.express_itself(module):
            module = "express"
        local = self.local_module(module)
        if local is not None:
            if local.default is None:
                self.need(f"import {local.module}")
                return Expr(local.module, "module")
            alias = snake_case(local.module.rsplit(".", 1)[-1]) + "_" + local.default
            self.need(f"from {local.module} import {local.default} as {alias}")
            return Expr(alias, local.kind)
        package = PACKAGES.get(module)
        if package is None:
            raise Untranslatable(node, f"unknown package {module}")
        for line in package.imports:
            self.need(line)
        if package.kind == "dotenv":
            return Expr("load_dotenv", "dotenv")
        return Expr(package.expr or module, package.kind)

    def require_computed(self, node: Node, path: Node) -> Expr:
        """`require(file)` of a computed path: resolved at run time, from this file's folder,
        to what the translation of the file there exports (`expresspy.port.require`)."""
        self.need("from expresspy.port.require import require")
        return Expr(f"require({self.expr(path).code}, __file__)", "exports")

    def require_binding(
        self, node: Node, target: Node | None, module: str, member: str | None = None
    ) -> list[str]:
        if target is None:
            self.require_value(node, module)
            return []
        if self.express_itself(module):
            module = "express"
        local = self.local_module(module)
        if local is not None:
            if member is not None:
                raise Untranslatable(node, "member of a local module")
            return self.bind_local(node, target, local)
        if module.startswith("."):
            raise Untranslatable(node, f"local module {module} not found")
        package = PACKAGES.get(module)
        if package is None:
            raise Untranslatable(node, f"unknown package {module}")
        for line in package.imports:
            self.need(line)
        bound = self.bindings(target)
        if member is not None:
            bound = [(bound[0][0], member)]
        for name_node, member_name in bound:
            name = self.text(name_node)
            if member_name is None:
                py = package.expr or _default_name(module)
                self.scope.declare(name, package.kind, py)
                continue
            mapped = package.member(member_name)
            if mapped is None:
                raise Untranslatable(node, f"{member_name} of {module}")
            kind = {"Router": "router_factory"}.get(member_name, "function")
            if package.kind == "class":
                kind = "class"  # `const { RedisStore } = require('connect-redis')`
            if package.kind in ("crypto", "path", "fs", "fs_promises"):
                # `const { randomUUID } = require('crypto')`: calls translate as the member's.
                kind = f"member:{package.kind}:{member_name}"
            self.scope.declare(name, kind, mapped)
        return []

    def bindings(self, target: Node) -> list[tuple[Node, str | None]]:
        """(local name node, imported member or None for the whole module) of a binding."""
        if target.type == "identifier":
            return [(target, None)]
        result: list[tuple[Node, str | None]] = []
        if target.type == "object_pattern":
            for child in target.named_children:
                if child.type == "shorthand_property_identifier_pattern":
                    result.append((child, self.text(child)))
                elif child.type == "pair_pattern":
                    key = child.child_by_field_name("key")
                    value = child.child_by_field_name("value")
                    if key is None or value is None or value.type != "identifier":
                        raise Untranslatable(target, "require pattern")
                    result.append((value, self.text(key)))
                else:
                    raise Untranslatable(target, "require pattern")
            return result
        if target.type == "import_clause":
            for child in target.named_children:
                if child.type == "identifier":
                    result.append((child, None))
                elif child.type == "namespace_import":
                    result.append((child.named_children[0], None))
                elif child.type == "named_imports":
                    for spec in child.named_children:
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is None or alias is None:
                            continue
                        result.append((alias, self.text(name)))
            return result
        raise Untranslatable(target, "require target")

    def bind_local(self, node: Node, target: Node, local: LocalModule) -> list[str]:
        """`const x = require('./x')` → `from x import router as x` (or `import pkg.x as x`)."""
        names: list[str] = []
        for name_node, member in self.bindings(target):
            name = self.text(name_node)
            if member is None:
                py = py_name(name)
                if local.default is None:
                    self.need(
                        f"import {local.module} as {py}"
                        if local.module != py
                        else f"import {local.module}"
                    )
                    self.scope.declare(name, "module", py)
                else:
                    alias = "" if local.default == py else f" as {py}"
                    self.need(f"from {local.module} import {local.default}{alias}")
                    self.scope.declare(name, local.kind, py)
                continue
            py_member = py_name(member)
            py = py_name(name)
            names.append(py_member if py == py_member else f"{py_member} as {py}")
            self.scope.declare(name, "function" if member[:1].islower() else "class", py)
        if names:
            self.need(f"from {local.module} import {', '.join(names)}")
        return []

    # -- the module -------------------------------------------------------------------------
    def translate(self, root: Node) -> str:
        """The whole Python module for a parsed program."""
        nodes = list(root.named_children)
        self.declared_functions = _function_names(root, self.source)
        header: list[str] = []
        while nodes and nodes[0].type == "comment":
            header.extend(self.comment(nodes.pop(0)))
        self.is_async.append(False)  # top-level await is not supported: stays False
        body = self.block(nodes)
        self.is_async.pop()
        body = _space_definitions(body)
        lines = [f"# Translated from {self.display} by `expresspy port`; edit it freely.", *header]
        if header:
            lines.append("")
        imports = self.import_lines()
        if imports:
            lines.extend(imports)
            lines.extend(["", ""] if body and _is_definition(body[0]) else [""])
        if self.exports and self.default_export is None:
            # `exports.x = ...`: the module's public names, which a computed `require` of it
            # returns as the JavaScript exports object (expresspy.port.require).
            names = ", ".join(f'"{name}"' for name in dict.fromkeys(self.exports.values()))
            lines.extend([f"__all__ = [{names}]", ""])
        lines.extend(body)
        if self.main_block:
            while lines and lines[-1] == "":
                lines.pop()
            lines.extend(["", "", 'if __name__ == "__main__":', *indent(self.main_block)])
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join(lines) + "\n"

    def import_lines(self) -> list[str]:
        """Imports grouped as PEP 8 asks: standard library, third party, expresspy, local."""
        groups: list[list[str]] = [[], [], [], []]
        for line in self.imports:
            if line.startswith(_STDLIB):
                groups[0].append(line)
            elif line.startswith("from dotenv"):
                groups[1].append(line)
            elif line.startswith(("from expresspy", "import expresspy")):
                groups[2].append(line)
            else:
                groups[3].append(line)
        result: list[str] = []
        for group in groups:
            if group:
                if result:
                    result.append("")
                result.extend(
                    sorted(_merge_from_imports(group), key=lambda s: (s.startswith("from"), s))
                )
        return result


def _function_names(root: Node, source: bytes) -> set[str]:
    """The names of every function declaration in the file, at any depth."""
    names: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in ("function_declaration", "generator_function_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                names.add(source[name.start_byte : name.end_byte].decode())
        stack.extend(node.named_children)
    return names


def _merge_from_imports(lines: list[str]) -> list[str]:
    """`from m import a` and `from m import b` → `from m import a, b`."""
    merged: dict[str, list[str]] = {}
    plain: list[str] = []
    for line in lines:
        if line.startswith("from ") and " import " in line:
            module, _, names = line[5:].partition(" import ")
            bucket = merged.setdefault(module, [])
            for name in names.split(", "):
                if name not in bucket:
                    bucket.append(name)
        else:
            plain.append(line)
    return plain + [f"from {m} import {', '.join(sorted(n))}" for m, n in merged.items()]


def _is_definition(line: str) -> bool:
    return line.startswith(("def ", "async def ", "class ", "@"))


def _space_definitions(lines: list[str]) -> list[str]:
    """Two blank lines around top-level functions and classes (PEP 8).

    Comment lines directly above a definition (or above the statement after one) stay
    attached to it: the blank lines go above the comments.
    """
    result: list[str] = []
    in_definition = False
    for line in lines:
        if line and not line.startswith((" ", ")", "]", "}", "#")):
            after_decorator = bool(result) and result[-1].startswith("@")
            is_definition = _is_definition(line)
            if (is_definition or in_definition) and not after_decorator:
                _two_blank_lines_above_comments(result)
            in_definition = is_definition
        result.append(line)
    return result


def _two_blank_lines_above_comments(result: list[str]) -> None:
    comments: list[str] = []
    while result and result[-1].startswith("#"):
        comments.insert(0, result.pop())
    while result and result[-1] == "":
        result.pop()
    if result:
        result.extend(["", ""])
    result.extend(comments)


def _default_name(module: str) -> str:
    return snake_case(module.split("/")[-1])


def format_python(text: str) -> str:
    """PEP 8 layout within 100 columns by `ruff format` when it is installed, else as is."""
    ruff = _ruff_command()
    if ruff is None:
        return text
    try:
        done = subprocess.run(
            [ruff, "format", f"--line-length={LINE_LENGTH}", "--stdin-filename", "port.py", "-"],
            input=text,
            capture_output=True,
            text=True,
            timeout=FORMAT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return text
    return done.stdout if done.returncode == 0 else text


def _ruff_command() -> str | None:
    """The `ruff` installed beside this Python (its environment's scripts folder, where pip
    puts it: found when `expresspy port` runs from a venv that is not activated), else the
    first on PATH; None without one."""
    return shutil.which("ruff", path=sysconfig.get_path("scripts")) or shutil.which("ruff")


def translate_module(
    source: bytes,
    display: str,
    local_modules: dict[str, LocalModule],
    module_path: str,
    file_key: str,
) -> ModuleResult:
    """Translate one JavaScript file; raises PortSyntaxError when it does not parse."""
    root = parse(source, display)
    translator = ModuleTranslator(display, source, local_modules, module_path, file_key)
    text = format_python(translator.translate(root))
    return ModuleResult(text, translator.todos, translator.statements, translator.view_engine)
