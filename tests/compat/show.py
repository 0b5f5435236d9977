"""Print what a script's steps get back, for writing and debugging scripts.

``python -m tests.compat.show SCRIPT [express|expresspy|both]`` (from the repository root)
replays scripts/SCRIPT.json and prints each step's normalised view (the fields the tests
compare), side by side when both runtimes are asked for.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .harness import start
from .replay import ABSENT, SCRIPTS_DIR, load_script, replay, views


def main(argv: list[str]) -> int:
    """Replay one script on the chosen runtimes and print the views."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    name, _, env = argv[1].partition("@")
    scripts = load_script(SCRIPTS_DIR / f"{name}.json")
    script = next((s for s in scripts if not env or s.env == env), scripts[0])
    wanted = argv[2] if len(argv) > 2 else "express"
    runtimes = ["express", "expresspy"] if wanted == "both" else [wanted]
    shown = {}
    with tempfile.TemporaryDirectory() as logs:
        for runtime in runtimes:
            server = start(runtime, script.app, script.env, Path(logs))
            try:
                shown[runtime] = views(script, replay(script, server.port))
            finally:
                server.stop()
    for index, step in enumerate(script.steps):
        print(f"=== {step.name}: {step.method} {step.path}  ({step.note})")
        fields = sorted({k for side in shown.values() for k in side[index]})
        for name in fields:
            values = {rt: side[index].get(name) for rt, side in shown.items()}
            same = len(set(values.values())) == 1
            if same and ABSENT in values.values():
                continue  # a header neither side sent
            for runtime, value in values.items():
                mark = " " if same else "!"
                print(f" {mark}{runtime[:9]:9} {name}: {value!r}")
                if same:
                    break
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
