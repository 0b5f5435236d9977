"""Port of Express 5 test/app.engine.js."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from expresspy import express

from .support import FIXTURES, rendered


def render(path: str, options: dict[str, Any], fn: Any) -> None:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        fn(err)
        return
    fn(None, text.replace("{{user.name}}", options["user"]["name"]))


def tobi_app(ext: str, view_engine: str | None = None) -> Any:
    app = express()
    app.set("views", str(FIXTURES))
    app.engine(ext, render)
    if view_engine is not None:
        app.set("view engine", view_engine)
    app.locals["user"] = {"name": "tobi"}
    return app


def test_app__engine_ext_fn__should_map_a_template_engine() -> None:
    assert rendered(tobi_app(".html"), "user.html") == (None, "<p>tobi</p>")


def test_app__engine_ext_fn__should_throw_when_the_callback_is_missing() -> None:
    with pytest.raises(TypeError, match="callback function required"):
        express().engine(".html", None)  # type: ignore[arg-type]


def test_app__engine_ext_fn__should_work_without_leading() -> None:
    assert rendered(tobi_app("html"), "user.html") == (None, "<p>tobi</p>")


def test_app__engine_ext_fn__should_work_view_engine_setting() -> None:
    assert rendered(tobi_app("html", "html"), "user") == (None, "<p>tobi</p>")


def test_app__engine_ext_fn__should_work_view_engine_with_leading() -> None:
    assert rendered(tobi_app(".html", ".html"), "user") == (None, "<p>tobi</p>")
