"""res.render / app.render with the built-in Jinja2 engine and custom engines (expresspy.view)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from expresspy import express
from expresspy.application import Application
from expresspy.testing import request
from expresspy.view import View, register_engine, render


@pytest.fixture
def views(tmp_path: Path) -> Path:
    (tmp_path / "user.html").write_text("<p>{{ name }} {{ site }} {{ title }}</p>")
    (tmp_path / "base.html").write_text("<main>{% block body %}{% endblock %}</main>")
    (tmp_path / "page.html").write_text(
        '{% extends "base.html" %}{% block body %}{{ body }}{% endblock %}'
    )
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "index.html").write_text("blog index")
    (tmp_path / "hello.tpl").write_text("Hello, NAME!")
    return tmp_path


def app_for(views: Path, **settings: Any) -> Application:
    app = express()
    app.set("env", "test")
    app.set("views", str(views))
    for name, value in settings.items():
        app.set(name.replace("_", " "), value)
    return app


def test_render_merges_app_locals_res_locals_and_options_and_escapes(views: Path) -> None:
    app = app_for(views)
    app.locals["site"] = "app"
    app.locals["title"] = "app title"

    def handler(req: Any, res: Any) -> None:
        res.locals["title"] = "res title"
        res.render("user.html", {"name": "<tobi>"})

    app.get("/", handler)
    request(app).get("/").expect("Content-Type", "text/html; charset=utf-8").expect(
        200, "<p>&lt;tobi&gt; app res title</p>"
    )


def test_default_engine_extension_inheritance_and_index_lookup(views: Path) -> None:
    app = app_for(views, view_engine="html")
    app.get("/page", lambda req, res: res.render("page", {"body": "content"}))
    app.get("/blog", lambda req, res: res.render("blog"))
    request(app).get("/page").expect(200, "<main>content</main>")
    request(app).get("/blog").expect(200, "blog index")


def test_custom_engine_with_callback(views: Path) -> None:
    app = app_for(views)

    def tpl(path: str, options: dict[str, Any], callback: Any) -> None:
        callback(None, Path(path).read_text().replace("NAME", options["name"]))

    register_engine(app.engines, "tpl", tpl)
    app.get("/", lambda req, res: res.render("hello.tpl", {"name": "tobi"}))
    request(app).get("/").expect(200, "Hello, tobi!")


def test_missing_view_goes_to_next_with_expresss_message(views: Path) -> None:
    app = app_for(views)
    app.get("/", lambda req, res: res.render("nope.html"))
    request(app).get("/").expect(
        500,
        re.compile(
            f"Failed to lookup view &quot;nope.html&quot; in views directory &quot;{views}&quot;"
        ),
    )


def test_callback_receives_html_or_error(views: Path) -> None:
    app = app_for(views)
    app.get(
        "/",
        lambda req, res: res.render(
            "user.html", {"name": "n"}, lambda err, html: res.send(f"[{err}] {html}")
        ),
    )
    app.get(
        "/bad",
        lambda req, res: res.render("x.unknown", lambda err, html: res.status(299).send(str(err))),
    )
    request(app).get("/").expect(200, "[None] <p>n  </p>")
    request(app).get("/bad").expect(299, 'Module "unknown" does not provide a view engine.')


def test_engine_errors_reach_the_error_flow(views: Path) -> None:
    app = app_for(views)

    def broken(path: str, options: dict[str, Any], callback: Any) -> None:
        raise RuntimeError("engine exploded")

    register_engine(app.engines, ".tpl", broken)
    app.get("/", lambda req, res: res.render("hello.tpl"))
    request(app).get("/").expect(500, re.compile("engine exploded"))


def test_view_cache_reuses_the_resolved_view(views: Path) -> None:
    app = app_for(views, view_cache=True)
    results: list[Any] = []
    render(app, "user.html", {"name": "a"}, lambda err, html: results.append(html))
    (views / "user.html").unlink()
    render(app, "user.html", {"name": "b"}, lambda err, html: results.append(html))
    assert results == ["<p>a  </p>", "<p>b  </p>"]


def test_several_view_folders_and_the_lookup_error_lists_them(tmp_path: Path, views: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    app = app_for(views)
    app.set("views", [str(other), str(views)])
    errors: list[Any] = []
    render(app, "user", {"view engine": "html"}, lambda err, html: errors.append(err))
    render(app, "user.html", {"name": "z"}, lambda err, html: errors.append(html))
    assert str(errors[0]) == "No default engine was specified and no extension was provided."
    assert errors[1] == "<p>z  </p>"
    render(app, "none.html", None, lambda err, html: errors.append(str(err)))
    assert errors[2] == (
        f'Failed to lookup view "none.html" in views directories "{other}" or "{views}"'
    )


def test_view_class_can_be_replaced_by_the_view_setting(views: Path) -> None:
    class LoudView(View):
        def render(self, options: dict[str, Any], callback: Any) -> None:
            super().render(options, lambda err, html: callback(err, (html or "").upper()))

    app = app_for(views, view=LoudView)
    out: list[Any] = []
    render(app, "user.html", {"name": "q"}, lambda err, html: out.append(html))
    assert out == ["<P>Q  </P>"]
