"""Express's examples/markdown, in Python.

The original registers `marked` as the view engine for .md files; tiny_markdown.py, next to
this file, is a small stand-in for it. The engine has Express's signature,
`engine(path, options, callback)`, and replaces `{name}` in the HTML with the escaped local.
"""

import html
import os
import re

import tiny_markdown

from expresspy import express

app = express()

# register .md as an engine in express view system


def markdown_engine(path, options, fn):
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except OSError as err:
        return fn(err)
    rendered = re.sub(
        r"\{([^}]+)\}",
        lambda m: html.escape(str(options.get(m.group(1)) or "")),
        tiny_markdown.parse(text),
    )
    fn(None, rendered)


app.engine("md", markdown_engine)

app.set("views", os.path.join(os.path.dirname(__file__), "views"))

# make it the default, so we don't need .md
app.set("view engine", "md")


@app.get("/")
def index(req, res):
    res.render("index", {"title": "Markdown Example"})


@app.get("/fail")
def fail(req, res):
    res.render("missing", {"title": "Markdown Example"})


if __name__ == "__main__":
    app.listen(3000)
    print("Express started on port 3000")
