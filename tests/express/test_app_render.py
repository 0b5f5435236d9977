"""Port of Express 5 test/app.render.js.

Express's ``createApp`` registers test/support/tmpl.js for ``.tmpl``; ``support.tmpl`` is its
Python twin. A ``view`` class is constructed as expresspy's ``View`` is:
``View(name, default_engine, root, engines)``. ``render(name, undefined, fn)`` is the same
call as ``render(name, None, fn)`` here.
"""

from __future__ import annotations

from typing import Any

from expresspy import express

from .support import FIXTURES, RenderError, create_app, rendered

DEFAULT_LAYOUT = str(FIXTURES / "default_layout")
LOCAL_LAYOUT = str(FIXTURES / "local_layout")


TOBI = {"name": "tobi"}


def counting_view(message: str = "abstract engine", fail: bool = False) -> Any:
    class CountingView:
        count = 0

        def __init__(self, name: str, *lookup: Any) -> None:
            self.name = name
            self.path = "fake"
            CountingView.count += 1

        def render(self, options: dict[str, Any], fn: Any) -> None:
            if fail:
                raise RuntimeError(message)
            fn(None, message)

    return CountingView


def test_app__render_name_fn__should_support_absolute_paths() -> None:
    app = create_app(user=TOBI)
    assert rendered(app, str(FIXTURES / "user.tmpl")) == (None, "<p>tobi</p>")


def test_app__render_name_fn__should_support_absolute_paths_with_view_engine() -> None:
    app = create_app(user=TOBI)
    app.set("view engine", "tmpl")
    assert rendered(app, str(FIXTURES / "user")) == (None, "<p>tobi</p>")


def test_app__render_name_fn__should_expose_app_locals() -> None:
    assert rendered(create_app(str(FIXTURES), user=TOBI), "user.tmpl") == (None, "<p>tobi</p>")


def test_app__render_name_fn__should_support_index_engine() -> None:
    app = create_app(str(FIXTURES))
    app.set("view engine", "tmpl")
    assert rendered(app, "blog/post") == (None, "<h1>blog post</h1>")


def test_app__render_name_fn__should_handle_render_error_throws() -> None:
    app = express()
    app.set("view", counting_view("err!", fail=True))
    err, _ = rendered(app, "something")
    assert err is not None
    assert str(err) == "err!"


def test_app__render_name_fn__when_the_file_does_not_exist__should_provide_a_helpful_error() -> (
    None
):
    err, _ = rendered(create_app(str(FIXTURES)), "rawr.tmpl")
    assert err is not None
    assert str(err) == f'Failed to lookup view "rawr.tmpl" in views directory "{FIXTURES}"'


def test_app__render_name_fn__when_an_error_occurs__should_invoke_the_callback() -> None:
    err, _ = rendered(create_app(str(FIXTURES)), "user.tmpl")
    assert isinstance(err, RenderError)


def test_app__render_name_fn__when_an_extension_is_given__should_render_the_template() -> None:
    assert rendered(create_app(str(FIXTURES)), "email.tmpl") == (None, "<p>This is an email</p>")


def test_app__render_name_fn__when_view_engine_is_given__should_render_the_template() -> None:
    app = create_app(str(FIXTURES))
    app.set("view engine", "tmpl")
    assert rendered(app, "email") == (None, "<p>This is an email</p>")


def test_app__render_name_fn__when_views_is_given__should_lookup_the_file_in_the_path() -> None:
    assert rendered(create_app(DEFAULT_LAYOUT, user=TOBI), "user.tmpl") == (None, "<p>tobi</p>")


def test_app__render_name_fn__when_views_is_given__when_array_of_paths__should_lookup_the_file_in_the_path() -> (
    None
):
    app = create_app([LOCAL_LAYOUT, DEFAULT_LAYOUT], user=TOBI)
    assert rendered(app, "user.tmpl") == (None, "<span>tobi</span>")


def test_app__render_name_fn__when_views_is_given__when_array_of_paths__should_lookup_in_later_paths_until_found() -> (
    None
):
    app = create_app([LOCAL_LAYOUT, DEFAULT_LAYOUT], name="tobi")
    assert rendered(app, "name.tmpl") == (None, "<p>tobi</p>")


def test_app__render_name_fn__when_views_is_given__when_array_of_paths__should_error_if_file_does_not_exist() -> (
    None
):
    app = create_app([LOCAL_LAYOUT, DEFAULT_LAYOUT], name="tobi")
    err, _ = rendered(app, "pet.tmpl")
    assert err is not None
    assert str(err) == (
        f'Failed to lookup view "pet.tmpl" in views directories '
        f'"{LOCAL_LAYOUT}" or "{DEFAULT_LAYOUT}"'
    )


def test_app__render_name_fn__when_a_view_constructor_is_given__should_create_an_instance_of_it() -> (
    None
):
    app = express()
    app.set("view", counting_view())
    assert rendered(app, "something") == (None, "abstract engine")


def cached_renders(view_cache: bool, *options: Any) -> list[tuple[Any, Any, int]]:
    app = express()
    view = counting_view()
    app.set("view cache", view_cache)
    app.set("view", view)
    results = []
    for _ in range(2):
        err, html = rendered(app, "something", *options)
        results.append((err, html, view.count))
    return results


def test_app__render_name_fn__caching__should_always_lookup_view_without_cache() -> None:
    assert cached_renders(False) == [(None, "abstract engine", 1), (None, "abstract engine", 2)]


def test_app__render_name_fn__caching__should_cache_with_view_cache_setting() -> None:
    assert cached_renders(True) == [(None, "abstract engine", 1), (None, "abstract engine", 1)]


def test_app__render_name_options_fn__should_render_the_template() -> None:
    app = create_app(str(FIXTURES))
    assert rendered(app, "user.tmpl", {"user": TOBI}) == (None, "<p>tobi</p>")


def test_app__render_name_options_fn__should_expose_app_locals() -> None:
    assert rendered(create_app(str(FIXTURES), user=TOBI), "user.tmpl", {}) == (None, "<p>tobi</p>")


def test_app__render_name_options_fn__should_give_precedence_to_app_render_locals() -> None:
    app = create_app(str(FIXTURES), user=TOBI)
    assert rendered(app, "user.tmpl", {"user": {"name": "jane"}}) == (None, "<p>jane</p>")


def test_app__render_name_options_fn__should_accept_null_or_undefined_options() -> None:
    assert rendered(create_app(str(FIXTURES), user=TOBI), "user.tmpl", None) == (
        None,
        "<p>tobi</p>",
    )


def test_app__render_name_options_fn__caching__should_cache_with_cache_option() -> None:
    assert cached_renders(False, {"cache": True}) == [
        (None, "abstract engine", 1),
        (None, "abstract engine", 1),
    ]
