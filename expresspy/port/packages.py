"""The package map: what `require('pkg')` / `import ... from 'pkg'` becomes in expresspy.

Policies as data: each known npm package (and Node built-in) names the Python import that
replaces it and the kind of value the binding holds, which later decides how its members
translate (`bodyParser.json()` → `express.json()`, `path.join` → `os.path.join`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PACKAGES", "Package"]


@dataclass(frozen=True)
class Package:
    """One package's Python counterpart.

    ``imports`` are the import lines it needs; ``expr`` is what the binding becomes (None: the
    binding keeps its own name); ``kind`` is the translator's kind for the binding;
    ``members`` maps a member name (`Strategy`) to its Python name when destructured or read.
    """

    imports: tuple[str, ...]
    expr: str | None
    kind: str
    members: tuple[tuple[str, str], ...] = ()

    def member(self, name: str) -> str | None:
        """The Python name of one member, or None when the package has no such known member."""
        return dict(self.members).get(name)


_PATH_MEMBERS = ("join", "resolve", "basename", "dirname", "extname", "normalize")

PACKAGES: dict[str, Package] = {
    "express": Package(
        ("from expresspy import express",),
        "express",
        "express",
        (
            ("Router", "express.Router"),
            ("json", "express.json"),
            ("urlencoded", "express.urlencoded"),
            ("static", "express.static"),
        ),
    ),
    "express-session": Package(
        ("from expresspy import session",),
        "session",
        "session_factory",
        (("MemoryStore", "MemoryStore"), ("Store", "Store")),
    ),
    "body-parser": Package(
        ("from expresspy import express",),
        "express",
        "express",
        (
            ("json", "express.json"),
            ("urlencoded", "express.urlencoded"),
            ("text", "express.text"),
            ("raw", "express.raw"),
        ),
    ),
    "cookie-parser": Package(
        ("from expresspy.middleware import cookie_parser",), "cookie_parser", "callable"
    ),
    "morgan": Package(("from expresspy.middleware import logger",), "logger", "callable"),
    "cors": Package(("from expresspy.middleware import cors",), "cors", "callable"),
    "compression": Package(
        ("from expresspy.middleware import compression",), "compression", "callable"
    ),
    "method-override": Package(
        ("from expresspy.middleware import method_override",), "method_override", "callable"
    ),
    "serve-static": Package(("from expresspy import express",), "express.static", "callable"),
    "multer": Package(("from expresspy.middleware import multer",), "multer", "module"),
    "connect-flash": Package(("from expresspy.middleware import flash",), "flash", "callable"),
    "helmet": Package(("from expresspy.middleware import helmet",), "helmet", "callable"),
    "express-rate-limit": Package(
        ("from expresspy.middleware import rate_limit",),
        "rate_limit",
        "callable",
        (("rateLimit", "rate_limit"),),
    ),
    "passport": Package(("from expresspy import passport",), "passport", "module"),
    "passport-local": Package(
        ("from expresspy.passport import LocalStrategy",),
        None,
        "module",
        (("Strategy", "LocalStrategy"),),
    ),
    "connect-redis": Package(
        ("from expresspy.session import RedisStore",),
        "RedisStore",
        "class",
        (("RedisStore", "RedisStore"), ("default", "RedisStore")),
    ),
    "cookie-session": Package((), "session", "cookie_session"),
    "connect-pg-simple": Package(
        ("from expresspy.session import PostgresStore",), "PostgresStore", "store_factory"
    ),
    "pbkdf2-password": Package(
        ("from expresspy.port.pbkdf2_password import pbkdf2_password",),
        "pbkdf2_password",
        "callable",
    ),
    "vhost": Package(("from expresspy.middleware import vhost",), "vhost", "callable"),
    "http-errors": Package(("from expresspy import HTTPError",), "HTTPError", "error_factory"),
    "escape-html": Package(("from expresspy import js",), "js.escape_html", "callable"),
    "dotenv": Package(
        ("from dotenv import load_dotenv",), None, "dotenv", (("config", "load_dotenv"),)
    ),
    "path": Package(("import os",), None, "path", tuple((m, m) for m in _PATH_MEMBERS)),
    "node:path": Package(("import os",), None, "path", tuple((m, m) for m in _PATH_MEMBERS)),
    "fs": Package(("from pathlib import Path",), None, "fs"),
    "node:fs": Package(("from pathlib import Path",), None, "fs"),
    "fs/promises": Package(("from pathlib import Path",), None, "fs_promises"),
    "node:fs/promises": Package(("from pathlib import Path",), None, "fs_promises"),
    "crypto": Package(
        (), None, "crypto", (("randomUUID", "randomUUID"), ("randomBytes", "randomBytes"))
    ),
    "node:crypto": Package(
        (), None, "crypto", (("randomUUID", "randomUUID"), ("randomBytes", "randomBytes"))
    ),
    # Markdown: markdown-it-py behind expresspy.port.marked's `parse`.
    "marked": Package(("from expresspy.port import marked",), None, "module"),
    # View engines: the templates are translated to Jinja2; the app registers our engines.
    "ejs": Package((), None, "view_engine"),
    "express-handlebars": Package(
        ("from expresspy.port.engines import handlebars_engine",),
        "handlebars_engine",
        "handlebars",
        (("engine", "handlebars_engine"), ("create", "handlebars_engine")),
    ),
}
