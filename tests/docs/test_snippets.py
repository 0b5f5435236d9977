"""Every Python code block in README.md and docs/*.md runs without an error.

See snippets.py for the rules: a page's blocks run in order in one fresh interpreter, a block
right after `<!-- no-run -->` is skipped, and `app.listen()` serves one request and returns.
"""

from __future__ import annotations

import pytest

from tests.docs.snippets import Block, blocks_of, pages, run_page

ALL_BLOCKS = [block for page in pages() for block in blocks_of(page)]

# Blocks in pages owned by other areas that fail today, reported to their authors. Each must
# be fixed in its page (or marked `<!-- no-run -->` if it is a fragment), then removed here.
KNOWN_BROKEN: dict[str, str] = {}


def _param(block: Block) -> object:
    reason = KNOWN_BROKEN.get(block.id)
    marks = [pytest.mark.xfail(strict=True, reason=f"docs: {reason}")] if reason else []
    return pytest.param(block, id=block.id, marks=marks)


_results: dict[str, dict[str, str | None]] = {}


def _result(block: Block) -> str | None:
    if block.page not in _results:
        _results[block.page] = run_page([b for b in ALL_BLOCKS if b.page == block.page])
    return _results[block.page][block.id]


@pytest.mark.parametrize("block", [_param(block) for block in ALL_BLOCKS])
def test_doc_block_runs(block: Block) -> None:
    error = _result(block)
    if error is not None:
        pytest.fail(f"{block.id} failed:\n{block.code}\n{error}", pytrace=False)


def test_the_docs_have_blocks_to_run() -> None:
    # A broken fence pattern would otherwise make this file pass by finding nothing.
    assert len(ALL_BLOCKS) >= 10
    assert any(block.page == "README.md" for block in ALL_BLOCKS)
