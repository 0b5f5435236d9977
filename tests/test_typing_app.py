"""`mypy --strict` on a small typed user app (tests/typing_app/typed_app.py) passes, and the
types it sees are the real ones: decorated handlers keep their type (with middleware too),
`express.json`/`express.static` are the factories (not Any), and misuse is reported."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "tests" / "typing_app" / "typed_app.py"

REQ_RES = "req: expresspy.request.Request, res: expresspy.response.Response"
MIDDLEWARE = (
    "def (expresspy.request.Request, expresspy.response.Response, "
    "expresspy.types.Next) -> typing.Awaitable[None]"
)
REVEALED = [
    f"def ({REQ_RES})",
    f"def ({REQ_RES}) -> typing.Coroutine[Any, Any, None]",
    f"def ({REQ_RES})",
    f"def ({REQ_RES}, next: expresspy.types.Next)",
    f"def (typing.Mapping[str, Any] | None =, **keywords: Any) -> {MIDDLEWARE}",
    f"def (str | os.PathLike[str], typing.Mapping[str, Any] | None =, **keywords: Any) -> "
    f"{MIDDLEWARE}",
]

MISUSE = """\
from expresspy import Request, Response, express

app = express()


@app.get("/", lambda req, res, next: next())
def home(req: Request, res: Response) -> None:
    res.send("hi")


home(1, 2)  # line 11
express.jsno()  # line 12
app.use(express.json(limit="1mb")).listen(3000)
"""


def strict_mypy(path: Path, tmp_path: Path) -> str:
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
            str(path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    return result.stdout + result.stderr


def test_a_typed_user_app_passes_strict_mypy_with_the_real_types(tmp_path: Path) -> None:
    source = tmp_path / "typed_app.py"
    shutil.copy(APP, source)
    output = strict_mypy(source, tmp_path)
    assert " error: " not in output, output
    assert re.findall(r"note: Revealed type is \"(.*)\"", output) == REVEALED, output


def test_strict_mypy_reports_misuse_of_decorated_handlers_and_express(tmp_path: Path) -> None:
    source = tmp_path / "misuse.py"
    source.write_text(MISUSE)
    output = strict_mypy(source, tmp_path)
    errors = [
        (int(m[1]), m[2])
        for m in re.finditer(r"^.*?:(\d+): error: (.*?)  \[([a-z-]+)\]$", output, re.MULTILINE)
    ]
    lines = sorted({line for line, _ in errors})
    assert lines == [11, 12], output
    assert any(
        line == 12 and '"_Express" has no attribute "jsno"' in text for line, text in errors
    ), output
