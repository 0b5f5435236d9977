"""A tiny Markdown to HTML converter: the part of `marked` that examples/express/markdown needs.

Blocks: `#` to `######` headings, `-`/`*` bullet lists and paragraphs (separated by blank
lines). Inline: `code`, **strong**, *em* / _em_ and
[text](url). Text is HTML-escaped (marked would pass raw HTML through; an example should not
teach that).
"""

import html
import re

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^[-*]\s+(.*)$")
INLINE = [
    (re.compile(r"\*\*(.+?)\*\*|__(.+?)__"), "strong"),
    (re.compile(r"\*(.+?)\*|\b_(.+?)_\b"), "em"),
]
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`]+)`")


def link(match):
    """A [text](url) link; the url is already escaped but for its quotes."""
    url = match.group(2).replace('"', "&quot;")
    return f'<a href="{url}">{match.group(1)}</a>'


def inline(text):
    """Inline markup of one block's text, which is escaped first."""
    pieces = CODE.split(text)  # odd indexes are code spans, left as they are
    out = []
    for index, piece in enumerate(pieces):
        piece = html.escape(piece, quote=False)
        if index % 2:
            out.append("<code>" + piece + "</code>")
            continue
        for pattern, tag in INLINE:
            piece = pattern.sub(
                lambda m, tag=tag: f"<{tag}>{m.group(1) or m.group(2)}</{tag}>", piece
            )
        out.append(LINK.sub(link, piece))
    return "".join(out)


def parse(text):
    """The HTML for Markdown `text`, one block a line, as marked writes it."""
    out, paragraph, items = [], [], []

    def flush():
        if paragraph:
            out.append("<p>" + inline("\n".join(paragraph)) + "</p>")
            paragraph.clear()
        if items:
            out.append("<ul>\n" + "".join(f"<li>{inline(i)}</li>\n" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
        elif heading := HEADING.match(line):
            flush()
            level = len(heading.group(1))
            out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif bullet := BULLET.match(line):
            if paragraph:
                flush()
            items.append(bullet.group(1))
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return "".join(block + "\n" for block in out)
