"""`require(path, __file__)`: Node's `require` of a path computed at run time, for translated
apps (`expresspy port` writes it where `require()` is given an expression, not a string).

    def format(path):                  # function format(path) {
        obj = require(path, __file__)  #   var obj = require(path);
                                       # }

The path resolves as Node resolves it, from the folder of the file that calls `require` (a
relative `./users`, `../lib/db`) or as it is (an absolute path, built from `__dirname`),
but finds what `expresspy port` wrote for the JavaScript file there: `./users` is `users.py`,
`./signed-cookies.js` is `signed_cookies.py`, a folder is its `index.py` (the same names the
translator gives files); a `.json` file is parsed. The module is imported once, under its
dotted name where its folders allow one.

The value is what the JavaScript module exported: the names `exports.x = ...` defined, as a
dict in their order (the translator lists them in the module's `__all__`), so
`res.format(obj)` and `for (key in obj)` work; a module without `__all__` (one that
exported a single value) is returned as the module itself. A package name (not a path) is
refused: a computed `require('vhost')` has no Python module to map to at run time.

Needs nothing of the `port` extra: translated apps import it without tree-sitter.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from .naming import module_name, snake_case

__all__ = ["export", "require"]


def require(specifier: str, requiring_file: str) -> Any:
    """What `require(specifier)` gives in the JavaScript file translated to `requiring_file`.

    Raises ModuleNotFoundError naming the places looked at when nothing is there.
    """
    if not specifier.startswith((".", "/")):
        raise ModuleNotFoundError(
            f"require({specifier!r}): a package named at run time cannot be mapped to Python; "
            "require it with a string literal so `expresspy port` can translate it"
        )
    target = (Path(requiring_file).resolve().parent / specifier).resolve()
    candidates = _candidates(target)
    for candidate in candidates:
        if candidate.is_file():
            if candidate.suffix == ".json":
                return json.loads(candidate.read_text("utf-8"))
            return exports_of(_import_file(candidate))
    looked = ", ".join(str(c) for c in candidates)
    raise ModuleNotFoundError(f"require({specifier!r}): none of {looked} exists")


def export(exports: Any, name: str) -> Any:
    """`exports.name` of what `require` gave: None (undefined) when there is no such export.

    A dict of exports is read by key; a module (one that exported a single value) by
    attribute, under the snake_case name the translator gave it.
    """
    if isinstance(exports, Mapping):
        return exports.get(name)
    return getattr(exports, name, getattr(exports, snake_case(name), None))


def _candidates(target: Path) -> list[Path]:
    """Where Node's file, then folder, lookup would land, under the translated names."""
    stem = target.stem if target.suffix in (".js", ".cjs", ".mjs") else target.name
    found = [target.parent / f"{module_name(stem)}.py"]
    if target.suffix == ".json":
        found.insert(0, target)
    else:
        found.append(target.parent / f"{target.name}.json")
    found.append(target / "index.py")
    return found


def exports_of(module: ModuleType) -> Any:
    """A translated module's exports: its `__all__` names as a dict, else the module."""
    names = getattr(module, "__all__", None)
    if names is None:
        return module
    return {name: getattr(module, name) for name in names}


def _import_file(file: Path) -> ModuleType:
    """The module of `file`, imported by its dotted name when a `sys.path` entry holds it
    through importable folders (so `import db` elsewhere shares it), else by location."""
    for module in list(sys.modules.values()):
        if _file_of(module) == file:
            return module
    dotted = _dotted_name(file)
    if dotted is not None:
        return importlib.import_module(dotted)
    name = "_required_." + "_".join(part for part in file.with_suffix("").parts[1:])
    name = "".join(c if c.isalnum() or c in "._" else "_" for c in name)
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _file_of(module: ModuleType) -> Path | None:
    file = getattr(module, "__file__", None)
    return Path(file).resolve() if isinstance(file, str) else None


def _dotted_name(file: Path) -> str | None:
    """`controllers.pet.index` for .../controllers/pet/index.py under a `sys.path` entry
    (None when a folder on the way is no identifier, such as `user-pet`)."""
    names = []
    for entry in sys.path:
        base = Path(entry or ".").resolve()
        if file.is_relative_to(base):
            parts = file.relative_to(base).with_suffix("").parts
            if parts and all(part.isidentifier() for part in parts):
                names.append(".".join(parts))
    # The nearest entry: the app's own folder, as its own `import db` finds the module.
    return min(names, key=len) if names else None
