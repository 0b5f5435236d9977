"""Port of Express 5 test/res.render.js (``.tmpl`` renders with support.tmpl)."""

from __future__ import annotations

import re
from typing import Any

from expresspy.testing import request

from .support import FIXTURES, create_app

VIEWS = str(FIXTURES)
LAYOUTS = [str(FIXTURES / "local_layout"), str(FIXTURES / "default_layout")]
TOBI = {"name": "tobi"}


def rendering(app: Any, *args: Any, before: Any = None) -> Any:
    def handler(req: Any, res: Any) -> None:
        if before is not None:
            before(res)
        res.render(*args)

    app.use(handler)
    return request(app).get("/")


def with_user(name: str) -> Any:
    return lambda res: res.locals.update(user={"name": name})


def error_name(err: Any, req: Any, res: Any, next: Any) -> None:
    res.status(500).send("got error: " + type(err).__name__)


def test_res__render_name__should_support_absolute_paths() -> None:
    rendering(create_app(user=TOBI), str(FIXTURES / "user.tmpl")).expect("<p>tobi</p>")


def test_res__render_name__should_support_absolute_paths_with_view_engine() -> None:
    app = create_app(user=TOBI)
    app.set("view engine", "tmpl")
    rendering(app, str(FIXTURES / "user")).expect("<p>tobi</p>")


def test_res__render_name__should_error_without_view_engine_set_and_file_extension_to_a_non_engine_module() -> (
    None
):
    rendering(create_app(user=TOBI), str(FIXTURES / "broken.send")).expect(
        500, re.compile("does not provide a view engine")
    )


def test_res__render_name__should_error_without_view_engine_set_and_no_file_extension() -> None:
    rendering(create_app(user=TOBI), str(FIXTURES / "user")).expect(
        500, re.compile("No default engine was specified")
    )


def test_res__render_name__should_expose_app_locals() -> None:
    rendering(create_app(VIEWS, user=TOBI), "user.tmpl").expect("<p>tobi</p>")


def test_res__render_name__should_expose_app_locals_with_name_property() -> None:
    rendering(create_app(VIEWS, name="tobi"), "name.tmpl").expect("<p>tobi</p>")


def test_res__render_name__should_support_index_engine() -> None:
    app = create_app(VIEWS)
    app.set("view engine", "tmpl")
    rendering(app, "blog/post").expect("<h1>blog post</h1>")


def test_res__render_name__when_an_error_occurs__should_next_err() -> None:
    app = create_app(VIEWS)
    test = rendering(app, "user.tmpl")
    app.use(error_name)
    test.expect(500, "got error: RenderError")


def test_res__render_name__when_view_engine_is_given__should_render_the_template() -> None:
    app = create_app(VIEWS)
    app.set("view engine", "tmpl")
    rendering(app, "email").expect("<p>This is an email</p>")


def test_res__render_name__when_views_is_given__should_lookup_the_file_in_the_path() -> None:
    rendering(create_app(str(FIXTURES / "default_layout")), "user.tmpl", {"user": TOBI}).expect(
        "<p>tobi</p>"
    )


def test_res__render_name__when_views_is_given__when_array_of_paths__should_lookup_the_file_in_the_path() -> (
    None
):
    rendering(create_app(LAYOUTS), "user.tmpl", {"user": TOBI}).expect("<span>tobi</span>")


def test_res__render_name__when_views_is_given__when_array_of_paths__should_lookup_in_later_paths_until_found() -> (
    None
):
    rendering(create_app(LAYOUTS), "name.tmpl", {"name": "tobi"}).expect("<p>tobi</p>")


def test_res__render_name_option__should_render_the_template() -> None:
    rendering(create_app(VIEWS), "user.tmpl", {"user": TOBI}).expect("<p>tobi</p>")


def test_res__render_name_option__should_expose_app_locals() -> None:
    rendering(create_app(VIEWS, user=TOBI), "user.tmpl").expect("<p>tobi</p>")


def test_res__render_name_option__should_expose_res_locals() -> None:
    rendering(create_app(VIEWS), "user.tmpl", before=with_user("tobi")).expect("<p>tobi</p>")


def test_res__render_name_option__should_give_precedence_to_res_locals_over_app_locals() -> None:
    rendering(create_app(VIEWS, user=TOBI), "user.tmpl", {}, before=with_user("jane")).expect(
        "<p>jane</p>"
    )


def test_res__render_name_option__should_give_precedence_to_res_render_locals_over_res_locals() -> (
    None
):
    rendering(
        create_app(VIEWS), "user.tmpl", {"user": {"name": "jane"}}, before=with_user("tobi")
    ).expect("<p>jane</p>")


def test_res__render_name_option__should_give_precedence_to_res_render_locals_over_app_locals() -> (
    None
):
    rendering(create_app(VIEWS, user=TOBI), "user.tmpl", {"user": {"name": "jane"}}).expect(
        "<p>jane</p>"
    )


def to_loki(res: Any) -> Any:
    return lambda err, html: res.end(html.replace("tobi", "loki"))


def test_res__render_name_options_fn__should_pass_the_resulting_string() -> None:
    app = create_app(VIEWS)
    app.use(lambda req, res: res.render("user.tmpl", {"user": TOBI}, to_loki(res)))
    request(app).get("/").expect("<p>loki</p>")


def test_res__render_name_fn__should_pass_the_resulting_string() -> None:
    app = create_app(VIEWS)

    def handler(req: Any, res: Any) -> None:
        res.locals["user"] = TOBI
        res.render("user.tmpl", to_loki(res))

    app.use(handler)
    request(app).get("/").expect("<p>loki</p>")


def test_res__render_name_fn__when_an_error_occurs__should_pass_it_to_the_callback() -> None:
    app = create_app(VIEWS)

    def handler(req: Any, res: Any) -> None:
        def callback(err: Any, html: Any = None) -> None:
            if err:
                res.status(500).send("got error: " + type(err).__name__)

        res.render("user.tmpl", callback)

    app.use(handler)
    request(app).get("/").expect(500, "got error: RenderError")
