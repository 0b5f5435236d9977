"""docs/porting.md shows a tutorial and its translation side by side: the Python shown must be
exactly what `expresspy port` writes for the JavaScript shown."""

from __future__ import annotations

import re
from pathlib import Path

from expresspy.port.module import translate_module

PAGE = Path(__file__).resolve().parents[2] / "docs" / "porting.md"


def test_the_translated_tutorial_in_the_docs_is_current() -> None:
    """Regenerate the block with `expresspy port app.js` when this fails."""
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("### A tutorial, translated") :]
    js_block = re.search(r"```js\n(.*?)```", section, re.DOTALL)
    py_block = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert js_block is not None and py_block is not None
    module = translate_module(js_block.group(1).encode(), "app.js", {}, "app", "app")
    assert not module.todos
    assert module.text == py_block.group(1)
