"""The project walk: which files to translate, what each becomes, and writing them.

For a folder, every `.js/.cjs/.mjs` outside node_modules (and dot-folders) is translated, and
every view template under a folder named `views` (the app's, and any beside controllers).
File names become module names (`signed-cookies.js` → `signed_cookies.py`,
`routes/todos.js` → `routes/todos.py`); a first
pass reads what each file exports so that `require('./routes/todos')` becomes
`from routes.todos import router`. Nothing is overwritten without `force`.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .context import LocalModule, Todo
from .module import translate_module
from .naming import module_name, py_name
from .parse import PortSyntaxError, parse
from .views import translate_view

__all__ = ["PortError", "PortResult", "WrittenFile", "port"]

JS_SUFFIXES = (".js", ".cjs", ".mjs")
VIEW_SUFFIXES = (".ejs", ".hbs", ".handlebars")
SKIPPED_DIRS = {"node_modules", ".git", "test", "tests", "__tests__", "coverage"}


class PortError(Exception):
    """A problem that stops the command (a path that does not exist, a file in the way)."""


@dataclass(frozen=True)
class WrittenFile:
    """One output: where it came from, where it went, its statements and TODOs."""

    source: Path
    target: Path
    statements: int
    todos: list[Todo]


@dataclass
class PortResult:
    """What a run did: the files written, the syntax errors met, the TODOs left."""

    written: list[WrittenFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def todos(self) -> list[Todo]:
        """Every TODO of every file, in file order."""
        return [todo for item in self.written for todo in item.todos]


@dataclass(frozen=True)
class _Source:
    path: Path
    root: Path
    key: str  # posix path relative to the root, without extension
    module: str  # dotted Python module


def _js_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    found = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if any(p in SKIPPED_DIRS or p.startswith(".") for p in parts[:-1]):
            continue
        if path.suffix in JS_SUFFIXES and path.is_file() and not path.name.endswith(".min.js"):
            if "public" in parts[:-1] or "static" in parts[:-1]:
                continue  # browser scripts served as static files
            found.append(path)
    return found


#: `app.engine('.html', require('ejs').__express)`: EJS templates under another extension.
_EJS_ENGINE = re.compile(r"""\.engine\(\s*['"]\.?(\w+)['"]\s*,\s*require\(\s*['"]ejs['"]\s*\)""")


def _ejs_extensions(sources: list[_Source]) -> set[str]:
    """Extensions the app registers EJS for (besides .ejs itself)."""
    found: set[str] = set()
    for source in sources:
        found.update("." + ext for ext in _EJS_ENGINE.findall(source.path.read_text("utf-8")))
    return found - set(VIEW_SUFFIXES)


def _views_folders(root: Path) -> list[Path]:
    """The app's `views/` folder and every other folder named `views` in the project (an
    MVC app keeps each controller's views beside it: `controllers/user/views/`)."""
    if not root.is_dir():
        return [root.parent / "views"] if (root.parent / "views").is_dir() else []
    found: list[Path] = []
    for folder in sorted(root.rglob("views")):
        parts = folder.relative_to(root).parts
        if not folder.is_dir() or any(
            p in SKIPPED_DIRS or p.startswith(".") or p in ("public", "static") for p in parts
        ):
            continue
        if not any(folder.is_relative_to(outer) for outer in found):  # views/x/views is a view
            found.append(folder)
    return found


def _view_files(root: Path, extra: set[str]) -> list[tuple[Path, Path]]:
    """Each template to translate, with the views folder it belongs to."""
    suffixes = set(VIEW_SUFFIXES) | extra
    return [
        (path, views)
        for views in _views_folders(root)
        for path in sorted(views.rglob("*"))
        if path.suffix in suffixes and path.is_file()
    ]


def _source(path: Path, root: Path) -> _Source:
    base = root if root.is_dir() else root.parent
    relative = path.relative_to(base)
    key = posixpath.splitext(relative.as_posix())[0]
    module = ".".join(module_name(part) for part in key.split("/"))
    return _Source(path, base, key, module)


def _exports(source: _Source) -> LocalModule:
    """A first look at a file: its default export's Python name and kind."""
    code = source.path.read_bytes()
    try:
        root = parse(code, str(source.path))
    except PortSyntaxError:
        return LocalModule(source.module, None)
    declared: dict[str, str] = {}
    default: str | None = None
    for node in root.named_children:
        text = code[node.start_byte : node.end_byte].decode("utf-8", "replace")
        if node.type in ("lexical_declaration", "variable_declaration"):
            for declarator in node.named_children:
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is not None and value is not None and name.type == "identifier":
                    value_text = code[value.start_byte : value.end_byte].decode()
                    declared[code[name.start_byte : name.end_byte].decode()] = value_text
        stripped = text.replace(" ", "")
        for prefix in ("module.exports=", "exportdefault"):
            if stripped.startswith(prefix):
                value_text = stripped[len(prefix) :].rstrip(";")
                if value_text.isidentifier():
                    default = value_text
                elif not value_text.startswith("{"):
                    default = "\0" + source.module.rsplit(".", 1)[-1]
    if default is None:
        return LocalModule(source.module, None)
    if default.startswith("\0"):
        from .naming import snake_case

        return LocalModule(source.module, snake_case(default[1:]) or "exported")
    declared_value = declared.get(default, "")
    kind = (
        "router"
        if "Router(" in declared_value
        else ("app" if "express()" in declared_value else None)
    )
    return LocalModule(source.module, py_name(default), kind)


def _target(source: Path, base: Path, out: Path | None, suffix: str, name: str) -> Path:
    relative = source.parent.relative_to(base)
    folder = (out / relative) if out is not None else source.parent
    return folder / (name + suffix)


def port(
    paths: list[Path], out: Path | None = None, force: bool = False, write: bool = True
) -> PortResult:
    """Translate each path (a file or a project folder); write the results unless `write`.

    Raises PortError before writing anything when a path is missing or an output exists
    (without `force`). Syntax errors are collected per file in ``result.errors``.
    """
    result = PortResult()
    plans: list[tuple[Path, Path, str, int, list[Todo]]] = []
    for root in paths:
        if not root.exists():
            raise PortError(f"{root}: no such file or folder")
        sources = [_source(p, root) for p in _js_files(root)]
        local = {s.key: _exports(s) for s in sources}
        base = root if root.is_dir() else root.parent
        engines: set[str] = set()
        for source in sources:
            display = source.path.relative_to(base).as_posix()
            try:
                module = translate_module(
                    source.path.read_bytes(), display, local, source.module, source.key
                )
            except PortSyntaxError as exc:
                result.errors.append(str(exc))
                continue
            if module.view_engine:
                engines.add(module.view_engine)
            stem = source.module.rsplit(".", 1)[-1]
            target = _target(source.path, base, out, ".py", stem)
            plans.append((source.path, target, module.text, module.statements, module.todos))
        ejs_extensions = _ejs_extensions(sources)
        for view, views in _view_files(root, ejs_extensions):
            display = view.relative_to(base).as_posix()
            as_ejs = view.suffix in ejs_extensions
            translated = translate_view(view, views, display, as_ejs)
            target = _target(view, base, out, view.suffix if as_ejs else ".html", view.stem)
            plans.append((view, target, translated.text, translated.statements, translated.todos))
        if out is not None and root.is_dir():
            plans.extend(_assets(root, out, ejs_extensions))
    existing = [t for _, t, _, _, _ in plans if t.exists()]
    if existing and not force and write:
        names = ", ".join(str(t) for t in existing[:5])
        raise PortError(f"would overwrite {names}; use --force to overwrite")
    for source_path, target, text, statements, todos in plans:
        if not write:
            if statements >= 0:
                result.written.append(WrittenFile(source_path, target, statements, todos))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if statements < 0:  # an asset, copied as it is
            shutil.copy2(source_path, target)  # keeps the mtime: ETag and Last-Modified agree
            continue
        target.write_text(text, encoding="utf-8")
        result.written.append(WrittenFile(source_path, target, statements, todos))
    return result


def _assets(
    root: Path, out: Path, ejs_extensions: set[str]
) -> list[tuple[Path, Path, str, int, list[Todo]]]:
    """The project's other files (static files, data), copied so OUT runs on its own.

    Marked with a statement count of -1. package.json, lock files and anything in
    node_modules or a dot-folder stay behind.
    """
    assets: list[tuple[Path, Path, str, int, list[Todo]]] = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if not path.is_file() or any(p in SKIPPED_DIRS or p.startswith(".") for p in parts):
            continue
        if path.suffix in JS_SUFFIXES and not ("public" in parts or "static" in parts):
            continue
        if path.suffix in VIEW_SUFFIXES or path.name in ("package.json", "package-lock.json"):
            continue
        if "views" in parts[:-1] and path.suffix in ejs_extensions:
            continue  # a template translated in place (EJS registered for .html)
        assets.append((path, out / path.relative_to(root), "", -1, []))
    return assets
