"""Port of Express 5's test/app.js: the application object, parents, mount paths, env.

NODE_ENV is EXPRESSPY_ENV in expresspy (SPEC: `env` from EXPRESSPY_ENV, default development).
"""

from __future__ import annotations

import asyncio

import pytest

from expresspy import express
from expresspy.testing import request


def test_app__should_inherit_from_event_emitter() -> None:
    app = express()
    seen: list[str] = []
    app.on("foo", lambda: seen.append("foo"))
    asyncio.run(app.emit("foo"))
    assert seen == ["foo"]


def test_app__should_be_callable() -> None:
    assert callable(express())


def test_app__should_404_without_routes() -> None:
    request(express()).get("/").expect(404)


def test_app_parent__should_return_the_parent_when_mounted() -> None:
    app, blog, blog_admin = express(), express(), express()
    app.use("/blog", blog)
    blog.use("/admin", blog_admin)
    assert app.parent is None
    assert blog.parent is app
    assert blog_admin.parent is blog


def test_app_mountpath__should_return_the_mounted_path() -> None:
    admin, app, blog, fallback = express(), express(), express(), express()
    app.use("/blog", blog)
    app.use(fallback)
    blog.use("/admin", admin)
    assert admin.mountpath == "/admin"
    assert app.mountpath == "/"
    assert blog.mountpath == "/blog"
    assert fallback.mountpath == "/"


def test_app_path__should_return_the_canonical() -> None:
    app, blog, blog_admin = express(), express(), express()
    app.use("/blog", blog)
    blog.use("/admin", blog_admin)
    assert app.path() == ""
    assert blog.path() == "/blog"
    assert blog_admin.path() == "/blog/admin"


def test_in_development__should_disable_view_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPRESSPY_ENV", "development")
    assert not express().enabled("view cache")


def test_in_production__should_enable_view_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPRESSPY_ENV", "production")
    assert express().enabled("view cache")


def test_without_node_env__should_default_to_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPRESSPY_ENV", "")
    assert express().get("env") == "development"
