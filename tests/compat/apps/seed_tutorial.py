"""Twin of seed_tutorial.js: the README's example itself (examples/seed_tutorial.py), so the
differential test compares the very app a new user runs, not a copy of it."""

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "seed_tutorial.py"
app = runpy.run_path(str(EXAMPLE), run_name="seed_tutorial")["app"]
