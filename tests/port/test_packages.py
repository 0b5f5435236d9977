"""npm packages with a first-party counterpart translate to it: vhost, pbkdf2-password."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from expresspy.cli import main
from tests.port.ported import run_python

APP = """\
const express = require('express');
const vhost = require('vhost');
const hash = require('pbkdf2-password')();

const users = {};
hash({ password: 'foobar', salt: 'c2FsdA==' }, function (err, pass, salt, key) {
  users.tj = { salt: salt, hash: key };
});

const api = express();
api.get('/', (req, res) => res.send('api of ' + req.vhost[0]));

const app = express();
app.use(vhost('*.example.com', api));
app.get('/check/:password', (req, res) => {
  hash({ password: req.params.password, salt: users.tj.salt }, function (err, pass, salt, key) {
    res.send(key === users.tj.hash ? 'yes' : 'no');
  });
});
module.exports = app;
"""

CHECK = """
from expresspy.testing import request
import app
request(app.app).get("/").set("Host", "shop.example.com:3000").expect(200, "api of shop")
request(app.app).get("/").set("Host", "example.com").expect(404)
request(app.app).get("/check/foobar").expect(200, "yes")
request(app.app).get("/check/foobaz").expect(200, "no")
"""


def test_vhost_and_pbkdf2_password_translate_to_their_counterparts(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(APP)
    result = CliRunner().invoke(main, ["port", str(tmp_path / "app.js")])
    assert result.exit_code == 0, result.output
    assert "0 TODOs" in result.output
    app_py = (tmp_path / "app.py").read_text()
    assert "from expresspy.middleware import vhost" in app_py
    assert "from expresspy.port.pbkdf2_password import pbkdf2_password" in app_py
    check = run_python(tmp_path, CHECK)
    assert check.returncode == 0, check.stderr
