"""Names: JavaScript identifiers and file names as idiomatic Python names.

`getUserById` → `get_user_by_id`, `signed-cookies.js` → `signed_cookies.py`, a route handler
named from its route (`app.get('/users/:id', ...)` → `get_users_id`), and Python keywords
avoided (`from` → `from_`).
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys

__all__ = ["handler_name", "module_name", "py_name", "snake_case"]

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^0-9a-zA-Z_]+")
# Names a ported module may not shadow without surprises (they are used by translated code).
# Third-party modules expresspy or ported code imports, which a project file must not hide.
_SHADOWED = {
    "expresspy",
    "redis",
    "jinja2",
    "markupsafe",
    "h11",
    "httptools",
    "click",
    "itsdangerous",
    "psycopg",
    "psycopg_pool",
    "dotenv",
    "tree_sitter",
    "wsproto",
}
_RESERVED = {
    "True",
    "False",
    "None",
    "js",
    "os",
    "re",
    "json",
    "math",
    "self",
    # Builtins that translated code calls: a `function list()` must not hide them.
    "abs",
    "all",
    "any",
    "bool",
    "callable",
    "dict",
    "Exception",
    "float",
    "getattr",
    "int",
    "isinstance",
    "len",
    "list",
    "max",
    "min",
    "print",
    "range",
    "round",
    "sorted",
    "str",
    "sum",
    "super",
    "tuple",
}


def snake_case(name: str) -> str:
    """`getUserById` → `get_user_by_id`, `API_KEY` unchanged, `signed-cookies` → `signed_cookies`.

    ALL_CAPS names (constants) are kept as they are; a leading `$` becomes nothing.
    """
    cleaned = name.lstrip("$")
    if cleaned.isupper() or cleaned == "":
        return _NOT_WORD.sub("_", cleaned) or "_"
    words = _NOT_WORD.sub("_", _CAMEL_BOUNDARY.sub("_", cleaned))
    return re.sub(r"_+", "_", words).lower()


def py_name(name: str) -> str:
    """A JavaScript binding name as a Python one: snake_case, keywords get a trailing `_`.

    Class names (Capitalised, not ALL_CAPS) stay as they are.
    """
    is_class = name[:1].isupper() and not name.isupper()
    result = name if is_class else snake_case(name)
    if keyword.iskeyword(result) or result in _RESERVED:
        result += "_"
    return result


def module_name(stem: str) -> str:
    """A file stem as an importable module name (`multerErrorHandler` → `multer_error_handler`).

    A name that would hide a standard-library module or a package expresspy imports
    (`site.js`, `redis.js`) gets `_app` appended: `site_app.py`, `redis_app.py`.
    """
    result = snake_case(stem)
    if result[:1].isdigit():
        result = "m_" + result
    if result in _SHADOWED or result in getattr(sys, "stdlib_module_names", ()):
        result += "_app"
    elif keyword.iskeyword(result) or result in dir(builtins):
        result += "_"
    return result


def handler_name(method: str, path: str | None) -> str:
    """A route handler's name from its method and path: ('get', '/users/:id') → get_users_id."""
    words = [w for w in re.split(r"[^0-9a-z]+", snake_case(path or "")) if w]
    base = "_".join([method.lower(), *words]) if words else f"{method.lower()}_index"
    return base if not keyword.iskeyword(base) else base + "_"
