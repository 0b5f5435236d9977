"""The command over a project: which files, what names, rewritten imports, what it refuses."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from expresspy.cli import main
from expresspy.port.naming import handler_name, module_name, snake_case
from tests.port.ported import run_python


def _project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


APP = {
    "app.js": "const express = require('express');\n"
    "const todos = require('./routes/todos');\n"
    "const { greet } = require('./lib/signed-cookies');\n"
    "const app = express();\n"
    "app.use('/todos', todos);\n"
    "app.get('/', (req, res) => res.send(greet('you')));\n"
    "module.exports = app;\n",
    "routes/todos.js": "const express = require('express');\n"
    "const router = express.Router();\n"
    "router.get('/', (req, res) => res.json([1, 2.0]));\n"
    "module.exports = router;\n",
    "lib/signed-cookies.js": "function greet(name) { return `hi ${name}`; }\n"
    "module.exports = { greet };\n",
    "node_modules/x/index.js": "this is not even JavaScript (\n",
    "public/js/site.js": "document.title = 'browser code';\n",
    "public/style.css": "body {}\n",
    "views/index.ejs": "<p><%= title %></p>\n",
    "package.json": "{}\n",
}


def test_names_become_modules() -> None:
    """File stems and route handlers get idiomatic Python names."""
    assert module_name("signed-cookies") == "signed_cookies"
    assert module_name("multerErrorHandler") == "multer_error_handler"
    assert module_name("site") == "site_app"  # would hide the standard library's site
    assert module_name("redis") == "redis_app"
    assert snake_case("getUserById") == "get_user_by_id"
    assert snake_case("API_KEY") == "API_KEY"
    assert handler_name("get", "/users/:id") == "get_users_id"
    assert handler_name("post", "/") == "post_index"


def test_a_project_is_translated_beside_its_sources(tmp_path: Path) -> None:
    """Every .js outside node_modules and public/, every view; imports rewritten; it runs."""
    root = _project(tmp_path, APP)
    result = CliRunner().invoke(main, ["port", str(root)])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    assert written == ["app.py", "lib/signed_cookies.py", "routes/todos.py"]
    assert (root / "views/index.html").read_text() == "<p>{{ title }}</p>\n"
    assert not (root / "public/js/site.py").exists()
    app_py = (root / "app.py").read_text()
    assert "from routes.todos import router as todos" in app_py
    assert "from lib.signed_cookies import greet" in app_py
    assert "4 files written" in result.output and "0 TODOs" in result.output
    check = run_python(
        root,
        "from expresspy.testing import request; import app; "
        "request(app.app).get('/todos').expect('[1,2]'); "
        "request(app.app).get('/').expect('hi you')",
    )
    assert check.returncode == 0, check.stderr


def test_existing_files_are_not_overwritten_without_force(tmp_path: Path) -> None:
    """A second run refuses (naming the file) and changes nothing; --force overwrites."""
    root = _project(tmp_path, APP)
    runner = CliRunner()
    assert runner.invoke(main, ["port", str(root)]).exit_code == 0
    (root / "app.py").write_text("# my edits\n")
    again = runner.invoke(main, ["port", str(root)])
    assert again.exit_code == 1
    assert "use --force" in again.output and "app.py" in again.output
    assert (root / "app.py").read_text() == "# my edits\n"
    assert runner.invoke(main, ["port", str(root), "--force"]).exit_code == 0
    assert (root / "app.py").read_text().startswith("# Translated from app.js")


def test_out_folder_gets_the_other_files_too(tmp_path: Path) -> None:
    """With -o the output runs on its own: static files are copied, package.json is not."""
    root = _project(tmp_path / "src", APP)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["port", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "public/style.css").read_text() == "body {}\n"
    assert (out / "public/js/site.js").exists()
    assert not (out / "package.json").exists()
    assert not (root / "app.py").exists()


def test_check_fails_on_a_todo_and_lists_it(tmp_path: Path) -> None:
    """--check exits 1 while a TODO remains, naming FILE:LINE; nothing is written."""
    root = _project(tmp_path, {"app.js": "const a = 1;\nconst x = require('left-pad');\n"})
    result = CliRunner().invoke(main, ["port", str(root), "--check"])
    assert result.exit_code == 1
    assert "TODO(port): app.js:2: const x = require('left-pad');" in result.output
    assert "1 TODO" in result.output
    assert not (root / "app.py").exists()


def test_syntax_error_is_one_line_and_fails(tmp_path: Path) -> None:
    """A file that does not parse: one FILE:LINE:COL line on stderr, exit status 1."""
    root = _project(tmp_path, {"ok.js": "const a = 1;\n", "bad.js": "const a = 1;\nif (a {\n"})
    result = CliRunner().invoke(main, ["port", str(root)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "syntax error near" in line]
    assert len(errors) == 1 and errors[0].startswith("bad.js:2:"), result.output
    assert (root / "ok.py").exists()


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    """A path that does not exist is named; nothing is written."""
    result = CliRunner().invoke(main, ["port", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.output


def test_without_tree_sitter_the_command_says_what_to_install(tmp_path: Path) -> None:
    """The `port` extra is optional: without it, one clear line and exit status 1."""
    (tmp_path / "app.js").write_text("const a = 1;\n")
    code = (
        "import sys; sys.modules['tree_sitter'] = None; "
        "from expresspy.cli import main; main(['port', 'app.js'])"
    )
    done = run_python(tmp_path, code)
    assert done.returncode == 1
    assert "pip install 'expresspy[port]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_ejs_registered_for_html_translates_those_views(tmp_path: Path) -> None:
    """`app.engine('.html', require('ejs').__express)`: views/*.html are EJS (Express's ejs
    example); with -o they are written as Jinja2 under the same name."""
    root = _project(
        tmp_path / "src",
        {
            "index.js": "const express = require('express');\nconst app = express();\n"
            "app.engine('.html', require('ejs').__express);\n"
            "app.set('view engine', 'html');\n"
            "app.get('/', (req, res) => res.render('users', { n: 2.0 }));\n"
            "module.exports = app;\n",
            "views/users.html": "<%- include('header.html') %><p><%= n %></p>\n",
            "views/header.html": "<h1>Users</h1>\n",
        },
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["port", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    index = (out / "index.py").read_text()
    assert 'app.engine("html", ejs_engine())' in index
    assert 'app.set("view engine", "html")' in index
    assert (out / "views/users.html").read_text() == '{% include "header.html" %}<p>{{ n }}</p>\n'
    check = run_python(
        out,
        "from expresspy.testing import request; import index; "
        "request(index.app).get('/').expect('<h1>Users</h1>\\n<p>2</p>\\n')",
    )
    assert check.returncode == 0, check.stderr


def test_views_beside_controllers_are_translated_but_not_public_ones(tmp_path: Path) -> None:
    """Every folder named `views` holds templates (MVC controllers keep theirs beside them);
    one under public/ is the browser's, and a `views` folder inside views/ is part of it."""
    root = _project(
        tmp_path,
        {
            "app.js": "const express = require('express');\nconst app = express();\n",
            "views/index.ejs": "<p><%= title %></p>\n",
            "views/admin/views/list.ejs": "<li><%= item %></li>\n",
            "controllers/user/views/show.hbs": "<h1>{{name}}</h1>\n",
            "controllers/pet/views/edit.ejs": "<%= pet.name %>\n",
            "public/views/raw.ejs": "<%= browser %>\n",
        },
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["port", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert written == [
        "controllers/pet/views/edit.html",
        "controllers/user/views/show.html",
        "views/admin/views/list.html",
        "views/index.html",
    ]
    assert "<h1>{{ name }}</h1>" in (out / "controllers/user/views/show.html").read_text()


def test_marked_renders_markdown_as_marked_writes_it() -> None:
    """`require('marked')` is expresspy.port.marked: CommonMark HTML, one block a line."""
    from expresspy.port import marked

    html = marked.parse("# {title}\n\nJust an _example_ with `code`.\n\n- a\n- b\n")
    assert html == (
        "<h1>{title}</h1>\n<p>Just an <em>example</em> with <code>code</code>.</p>\n"
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
    )
