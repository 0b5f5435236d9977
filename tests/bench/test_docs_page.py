"""bench/docs_page.py: rewriting docs/benchmarks.md keeps the hand-recorded sections."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench import docs_page

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "bench" / "results" / "2026-11-27T063026Z.json"
PAGE = REPO / "docs" / "benchmarks.md"


def websocket_section(text: str) -> str:
    return text[text.index("## WebSockets") :]


def test_rewriting_the_page_keeps_the_websocket_section(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    shutil.copy(PAGE, output)
    before = websocket_section(output.read_text())
    assert "| expresspy, built-in (h11) | 1518 / 936 |" in before

    docs_page.write(RESULTS, output)

    after = output.read_text()
    assert after.startswith("# Benchmarks\n")
    assert websocket_section(after) == before
    assert after.count(docs_page.KEEP_MARKER) == 1
    # A second rewrite does not duplicate it.
    docs_page.write(RESULTS, output)
    assert output.read_text() == after


def test_a_page_without_the_marker_gets_only_generated_sections(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nold text\n")
    docs_page.write(RESULTS, output)
    text = output.read_text()
    assert "old text" not in text and "## WebSockets" not in text
    assert "## Results" in text
