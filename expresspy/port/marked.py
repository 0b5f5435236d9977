"""`marked` (the npm Markdown package) for translated apps: `require('marked')` becomes this
module, so `marked.parse(text)` gives the HTML.

It renders with markdown-it-py, CommonMark plus the GitHub tables and strikethrough that
marked enables by default; raw HTML passes through, as in marked. Small differences from
marked remain (marked adds no `id` to headings since v8, nor does this; its whitespace
between blocks can differ). markdown-it-py is the `markdown` extra:
`pip install 'expresspy[markdown]'`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["parse"]


@cache
def _renderer() -> Any:
    try:
        from markdown_it import MarkdownIt
    except ImportError as err:  # pragma: no cover - the extra is part of the test set-up
        raise ImportError(
            "marked.parse needs markdown-it-py: pip install 'expresspy[markdown]'"
        ) from err
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def parse(text: str, options: Any = None) -> str:
    """`marked.parse(text)`: the HTML of Markdown `text` (marked's options are not read)."""
    return str(_renderer().render(text))
