"""What a type checker sees of the public API: known names check, misspelt ones are errors.

Runs ``mypy --strict`` on a small app, as a user of the package would, and asserts the exact
errors: a misspelt ``req`` attribute, ``res`` method and ``app`` method are each reported,
while middleware-set attributes, an app's own attributes and the typed ``Next`` and
``Middleware`` check cleanly.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = """\
from expresspy import Middleware, Next, Request, Response, express

app = express()


async def audit(req: Request, res: Response, next: Next) -> None:
    req.user = {"name": "ada"}  # what passport sets, declared
    req.tenant = "acme"  # an app's own attribute: setting it is fine
    if req.session is not None:
        req.session.visits = (req.session.visits or 0) + 1
    req.sesion_typo.user = 1  # line 11
    next()


def hello(req: Request, res: Response) -> None:
    res.status(200).send("hi")
    res.sned("x")  # line 17


first: Middleware = audit
app.use(first)
app.get("/", hello)
app.purge("/cache", hello)
app.m_search("/", hello)
app.gett("/x")  # line 25
"""

EXPECTED = [
    (11, '"Request" has no attribute "sesion_typo"'),
    (17, '"Response" has no attribute "sned"'),
    (25, '"Application" has no attribute "gett"; maybe "get"?'),
]


def test_strict_mypy_rejects_misspelt_names_and_accepts_the_api(tmp_path: Path) -> None:
    source = tmp_path / "app_under_check.py"
    source.write_text(SNIPPET)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file=",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--hide-error-context",
            "--no-pretty",
            "--show-error-codes",
            str(source),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    errors = [
        (int(match[1]), match[2])
        for match in re.finditer(
            r"^.*?:(\d+): error: (.*?)(?:  \[[a-z-]+\])?$", result.stdout, re.MULTILINE
        )
    ]
    assert errors == EXPECTED, result.stdout + result.stderr
