"""`require()` of a computed path: translated to `expresspy.port.require.require(path,
__file__)`, which finds the translation of the file Node would load and returns its exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from expresspy.cli import main
from expresspy.port.require import require
from tests.port.ported import run_python

APP = {
    "app.js": "const express = require('express');\n"
    "const path = require('path');\n"
    "const app = express();\n"
    "function format(file) {\n"
    "  const obj = require(file);\n"
    "  return (req, res) => res.format(obj);\n"
    "}\n"
    "app.get('/users', format('./users'));\n"
    "app.get('/parts', (req, res) => {\n"
    "  res.json(['one', 'two-words'].map((name) => require('./parts/' + name).label));\n"
    "});\n"
    "app.get('/names', (req, res) => {\n"
    "  res.json(['one', 'two-words'].map((name) => require('./parts/' + name).name || name));\n"
    "});\n"
    "app.get('/data', (req, res) => res.json(require(path.join(__dirname, 'data.json'))));\n"
    "const db = require('./lib/db');\n"
    "app.get('/same', (req, res) => {\n"
    "  db.users.push('bob');\n"
    "  res.json(require(['.', 'lib', 'db'].join('/')).users);\n"
    "});\n"
    "module.exports = app;\n",
    "users.js": "exports.text = function (req, res) { res.send('ann, bob'); };\n"
    "exports.json = function (req, res) { res.json(['ann', 'bob']); };\n",
    "parts/one.js": "exports.label = 'one';\n",
    "parts/two-words/index.js": "exports.label = 'two';\n",
    "lib/db.js": "const users = ['ann'];\nmodule.exports = { users };\n",
    "data.json": '{"a": [1, 2]}\n',
}

CHECK = """
from expresspy.testing import request
import app
request(app.app).get("/users").set("Accept", "application/json").expect('["ann","bob"]')
request(app.app).get("/users").set("Accept", "text/plain").expect("ann, bob")
request(app.app).get("/parts").expect('["one","two"]')
request(app.app).get("/names").expect('["one","two-words"]')
request(app.app).get("/data").expect('{"a":[1,2]}')
request(app.app).get("/same").expect('["ann","bob"]')
"""


def test_a_computed_require_loads_the_translated_module_and_its_exports(tmp_path: Path) -> None:
    """Relative and absolute paths, a folder's index, a dashed folder, a JSON file; the module
    is the one `import` gives (the same `db.users`), its exports come as a dict, and a name
    it does not export reads undefined (`obj.name || name`)."""
    for name, text in APP.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = CliRunner().invoke(main, ["port", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 TODOs" in result.output
    app_py = (tmp_path / "app.py").read_text()
    assert "from expresspy.port.require import export, require" in app_py
    assert "obj = require(file, __file__)" in app_py
    assert '__all__ = ["text", "json"]' in (tmp_path / "users.py").read_text()
    check = run_python(tmp_path, CHECK)
    assert check.returncode == 0, check.stderr


def test_a_package_named_at_run_time_is_refused() -> None:
    with pytest.raises(ModuleNotFoundError, match="require it with a string literal"):
        require("vhost", __file__)


def test_a_missing_file_names_the_places_looked_at(tmp_path: Path) -> None:
    with pytest.raises(ModuleNotFoundError) as caught:
        require("./nope.js", str(tmp_path / "app.py"))
    message = str(caught.value)
    assert str(tmp_path / "nope.py") in message
    assert str(tmp_path / "nope.js" / "index.py") in message
