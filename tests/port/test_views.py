"""EJS and Handlebars templates: rendered by the real npm engines and, translated, by
expresspy.port.engines; the bytes must be identical."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from expresspy import js
from expresspy.port.engines import ejs_engine, handlebars_engine
from expresspy.port.views import translate_view
from tests.compat.harness import ensure_node_modules

from .nodejs import NODE_TIMEOUT, require_node

DATA: dict[str, Any] = {
    "title": "Shop & <Co>",
    "user": {"name": "O'Neil", "admin": False},
    "none": None,
    "items": [{"name": "a", "price": 45.0}, {"name": "b&c", "price": 1.5}],
    "empty": [],
    "html": "<b>hi</b>",
    "tags": ["x", "y"],
    "ratio": 0.30000000000000004,
    "count": 0,
    "scores": {"ann": 3, "bob": 5},
    "quote": '`a` = "b"',
}

EJS: dict[str, dict[str, str]] = {
    "escape-and-raw": {"index.ejs": "<p><%= title %> <%- html %> <%= html %> <%= quote %></p>\n"},
    "values-print-as-js": {
        "index.ejs": "<%= items[0].price %>|<%= ratio %>|<%= tags %>|"
        "<%= none %>|<%= user.missing %>|<%= count %>\n"
    },
    "if-else": {
        "index.ejs": "<% if (user.admin) { %>admin<% } else if (user.name) { %>"
        "<%= user.name %><% } else { %>anon<% } %>\n"
    },
    "for-each-and-index": {
        "index.ejs": "<ul>\n<% items.forEach(function(item, i) { %>\n"
        "  <li><%= i %>: <%= item.name %></li>\n<% }) %>\n"
        "</ul>\n"
    },
    "for-of-arrow": {"index.ejs": "<% for (const t of tags) { -%>\n[<%= t %>]\n<% } -%>\nend\n"},
    "counted-for": {"index.ejs": "<% for (let i = 0; i < items.length; i++) { %><%= i %><% } %>\n"},
    "whitespace-slurp": {"index.ejs": "a\n    <%_ if (true) { _%>   \n  b\n  <%_ } _%>\nc\n"},
    "newline-trim": {"index.ejs": "<% const n = tags.length; -%>\nn=<%= n %>\n<%# note -%>\nx\n"},
    "literal-percent": {"index.ejs": "<%% not a tag %%> and {{ braces }} {% too %}\n"},
    "include": {
        "index.ejs": "<%- include('parts/head', {heading: title}) %>\nbody\n"
        "<%- include('parts/foot') %>\n",
        "parts/head.ejs": "<h1><%= heading %></h1>\n",
        "parts/foot.ejs": "<footer><%= title %></footer>\n",
    },
    "typeof-undefined": {
        "index.ejs": "<% if (typeof nobody !== 'undefined') { %>yes<% } %>"
        "<% if (typeof title === 'undefined') { %>no<% } %>"
        "<%= typeof title !== 'undefined' ? title : '-' %>\n"
    },
    "template-literal-and-methods": {
        "index.ejs": "<%= `${user.name.toUpperCase()}:${tags.join('/')}` %> <%= title.length %>\n"
    },
}

HANDLEBARS: dict[str, dict[str, str]] = {
    "escape-and-triple": {"home.handlebars": "<p>{{title}} {{{html}}} {{html}} {{quote}}</p>\n"},
    "values-print-as-js": {
        "home.handlebars": "{{items.0.price}}|{{ratio}}|{{tags}}|{{none}}|"
        "{{user.missing}}|{{count}}\n"
    },
    "if-else-unless": {
        "home.handlebars": "{{#if user.admin}}admin{{else}}{{user.name}}{{/if}}"
        "{{#unless empty.length}} none{{/unless}}\n"
    },
    "each-standalone-lines": {
        "home.handlebars": "<ul>\n  {{#each items}}\n    <li>{{@index}} "
        "{{name}} {{../title}}</li>\n  {{else}}\n"
        "    <li>none</li>\n  {{/each}}\n</ul>\n"
    },
    "each-empty-else": {"home.handlebars": "{{#each empty}}x{{else}}empty{{/each}}\n"},
    "each-object": {
        "home.handlebars": "{{#each scores}}{{@key}}={{this}}{{#if @last}}.{{/if}} {{/each}}\n"
    },
    "with": {"home.handlebars": "{{#with user}}{{name}}/{{../title}}{{/with}}\n"},
    "comments-and-tilde": {"home.handlebars": "a\n{{!-- gone --}}\n  {{~ title ~}}  \nb\n"},
    "layout-and-partial": {
        "home.handlebars": "<h1>{{title}}</h1>\n",
        "layouts/main.handlebars": "<html>\n  <body>\n    {{> nav}}\n    {{{body}}}\n"
        "  </body>\n</html>\n",
        "partials/nav.handlebars": "<nav>{{user.name}}</nav>\n",
    },
    "helpers": {
        "home.handlebars": "{{shout title}} {{add count 2}} {{year}} {{{shout html}}} "
        '{{lookup tags 1}} {{shout "a b"}} {{#each items}}{{shout name}}{{/each}}\n'
    },
    "block-params": {
        "home.handlebars": "{{#each items as |item i|}}{{i}}:{{item.name}}/{{name}}/{{../title}} "
        "{{/each}}{{#each scores as |score who|}}{{who}}={{score}} {{/each}}"
        "{{#with user as |u|}}{{u.name}}{{/with}}"
        "{{#each items as |item|}}{{#each ../tags as |t|}}{{item.name}}{{t}} {{/each}}{{/each}}"
        "{{#each tags as |t|}}{{t.length}}{{/each}}\n"
    },
    "multi-line-partial-indented": {
        "home.handlebars": "<ul>\n    {{> items}}\n</ul>\n",
        "partials/items.handlebars": "<li>{{title}}</li>\n\n<li>two</li>\n",
    },
}

#: The helpers both engines get (express-handlebars' `helpers` option), as Python.
HELPERS: dict[str, Any] = {
    "shout": lambda s: js.string(s).upper() + "!",
    "add": lambda a, b: js.add(a, b),
    "year": lambda: 2024,
}

_NODE_RENDER = """
const [kind, root, dataJson] = process.argv.slice(1);
const data = JSON.parse(dataJson);
const path = require('path');
if (kind === 'ejs') {
  require('ejs').renderFile(path.join(root, 'index.ejs'), data, (err, html) => {
    if (err) { console.error(err); process.exit(1); }
    process.stdout.write(html);
  });
} else {
  const hbs = require('express-handlebars').create({
    layoutsDir: path.join(root, 'layouts'), partialsDir: path.join(root, 'partials'),
    defaultLayout: require('fs').existsSync(path.join(root, 'layouts')) ? 'main' : false,
    helpers: {
      shout: (s) => String(s).toUpperCase() + '!', add: (a, b) => a + b, year: () => 2024,
    },
  });
  hbs.renderView(path.join(root, 'home.handlebars'), { ...data, settings: { views: root } })
    .then((html) => process.stdout.write(html), (err) => { console.error(err); process.exit(1); });
}
"""


def node_render(kind: str, root: Path) -> str:
    """What the npm engine renders for the files under root."""
    done = subprocess.run(
        [require_node(), "-e", _NODE_RENDER, kind, str(root), json.dumps(DATA)],
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=True,
        env={**os.environ, "NODE_PATH": str(ensure_node_modules())},
    )
    return done.stdout


def python_render(kind: str, root: Path) -> str:
    """Translate every template under root and render the entry one with our engines."""
    for path in sorted(root.rglob("*.*")):
        if path.suffix in (".ejs", ".handlebars"):
            result = translate_view(path, root, path.name)
            assert not result.todos, [t.comment() for t in result.todos]
            path.with_suffix(".html").write_text(result.text)
    engine = (
        ejs_engine()
        if kind == "ejs"
        else handlebars_engine(
            {
                "defaultLayout": "main" if (root / "layouts").is_dir() else False,
                "helpers": HELPERS,
            }
        )
    )
    entry = root / ("index.html" if kind == "ejs" else "home.html")
    rendered: list[str | None] = []
    engine(
        str(entry),
        {**DATA, "settings": {"views": str(root)}},
        lambda err, html: rendered.append(html),
    )
    assert rendered and rendered[0] is not None
    return rendered[0]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize("name", sorted(EJS))
def test_ejs_renders_the_same_bytes(name: str, tmp_path: Path) -> None:
    """An EJS template and its Jinja2 translation render identically."""
    _write(tmp_path, EJS[name])
    expected = node_render("ejs", tmp_path)
    assert python_render("ejs", tmp_path) == expected


@pytest.mark.parametrize("name", sorted(HANDLEBARS))
def test_handlebars_renders_the_same_bytes(name: str, tmp_path: Path) -> None:
    """A Handlebars template (with its layout and partials) renders identically."""
    _write(tmp_path, HANDLEBARS[name])
    expected = node_render("handlebars", tmp_path)
    assert python_render("handlebars", tmp_path) == expected


def test_unknown_tag_is_a_todo_comment() -> None:
    """A tag without a rule stays visible as a Jinja2 comment naming FILE:LINE."""
    from expresspy.port.ejs import translate_ejs

    result = translate_ejs("a\n<% users.sort(); %>\nb\n", "views/x.ejs")
    assert [t.line for t in result.todos] == [2]
    assert "{# TODO(port): views/x.ejs:2: <% users.sort(); %> #}" in result.text


def test_app_helpers_reach_the_translated_templates(tmp_path: Path) -> None:
    """express-handlebars' `helpers: {...}` in app.js is translated with the engine, and the
    translated view calls them."""
    from expresspy.port.module import translate_module

    source = (
        b"const express = require('express');\n"
        b"const { engine } = require('express-handlebars');\n"
        b"const app = express();\n"
        b"app.engine('handlebars', engine({ defaultLayout: false, helpers: {\n"
        b"  upper: (s) => s.toUpperCase(), eq(a, b) { return a === b; } } }));\n"
        b"app.set('view engine', 'handlebars');\n"
    )
    module = translate_module(source, "app.js", {}, "app", "app.js")
    assert not module.todos, [t.comment() for t in module.todos]
    _write(tmp_path, {"home.handlebars": "{{upper title}} {{eq count 0}}\n"})
    view = translate_view(tmp_path / "home.handlebars", tmp_path, "home.handlebars")
    (tmp_path / "home.html").write_text(view.text)
    namespace: dict[str, Any] = {"__name__": "app"}
    exec(compile(module.text, "app.py", "exec"), namespace)
    app = namespace["app"]
    app.set("views", str(tmp_path))
    rendered: list[str | None] = []
    app.render("home", {"title": "hi", "count": 0}, lambda err, html: rendered.append(html))
    assert rendered == ["HI true"]
