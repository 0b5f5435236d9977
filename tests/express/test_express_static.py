"""Port of Express 5 test/express.static.js (serve-static as express.static).

The fixtures are tests/express/fixtures/ (the files of Express's test/fixtures/ that these
cases read). Two upstream titles snake-case to the same name ("should support -n" and
"should support n-"); the second takes a ``_2`` suffix. Error pages name the error
``BadRequestError: Bad Request`` in Express and ``SendError: Bad Request`` here (http-errors'
class names are JavaScript's), so the patterns match ``Error: Bad Request``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request, should_not_have_body, should_not_have_header

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = str(FIXTURES)
#: A root of 10,000 path segments: stat() fails with ENAMETOOLONG.
TOO_LONG_ROOT = ROOT + "/foobar" * 9999


def send_404(req: Any, res: Any, next: Any) -> None:
    res.send_status(404)


def create_app(root: str = ROOT, options: dict[str, Any] | None = None) -> Any:
    """express.static.js's ``createApp(dir, options)``: static, then a bare 404."""
    app = express()
    app.use(express.static(root, options))
    app.use(send_404)
    return app


def get(path: str, options: dict[str, Any] | None = None) -> Any:
    return request(create_app(ROOT, options)).get(path)


def matches(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def test_express_static__basic_operations__should_require_root_path() -> None:
    with pytest.raises(TypeError, match="root path required"):
        express.static(None)  # type: ignore[arg-type]  # express.static() passes undefined


def test_express_static__basic_operations__should_require_root_path_to_be_string() -> None:
    with pytest.raises(TypeError, match=r"root path.*string"):
        express.static(42)  # type: ignore[arg-type]


def test_express_static__basic_operations__should_serve_static_files() -> None:
    get("/todo.txt").expect(200, "- groceries")


def test_express_static__basic_operations__should_support_nesting() -> None:
    get("/users/tobi.txt").expect(200, "ferret")


def test_express_static__basic_operations__should_set_content_type() -> None:
    get("/todo.txt").expect("Content-Type", "text/plain; charset=utf-8").expect(200)


def test_express_static__basic_operations__should_set_last_modified() -> None:
    get("/todo.txt").expect("Last-Modified", matches(r"\d{2} \w{3} \d{4}")).expect(200)


def test_express_static__basic_operations__should_default_max_age_0() -> None:
    get("/todo.txt").expect("Cache-Control", "public, max-age=0").expect(200)


def test_express_static__basic_operations__should_support_urlencoded_pathnames() -> None:
    get("/%25%20of%20dogs.txt").expect(200, "20%")


def test_express_static__basic_operations__should_not_choke_on_auth_looking_url() -> None:
    get("//todo@txt").expect(404, "Not Found")


def test_express_static__basic_operations__should_support_index_html() -> None:
    get("/users/").expect(200).expect("Content-Type", matches("html")).expect(
        "<p>tobi, loki, jane</p>"
    )


def test_express_static__basic_operations__should_support() -> None:
    # "should support ../"
    get("/users/../todo.txt").expect(200, "- groceries")


def test_express_static__basic_operations__should_support_head() -> None:
    request(create_app()).head("/todo.txt").expect(200).expect(should_not_have_body()).end()


def test_express_static__basic_operations__should_skip_post_requests() -> None:
    request(create_app()).post("/todo.txt").expect(404, "Not Found")


def test_express_static__basic_operations__should_support_conditional_requests() -> None:
    app = create_app()
    etag = request(app).get("/todo.txt").end().headers["etag"]
    request(app).get("/todo.txt").set("If-None-Match", etag).expect(304)


def test_express_static__basic_operations__should_support_precondition_checks() -> None:
    get("/todo.txt").set("If-Match", '"foo"').expect(412)


def test_express_static__basic_operations__should_serve_zero_length_files() -> None:
    get("/empty.txt").expect(200, "")


def test_express_static__basic_operations__should_ignore_hidden_files() -> None:
    get("/.name").expect(404, "Not Found")


def test_express_static__current_dir__should_be_served_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 'should be served with "."': the root "." is the working directory.
    monkeypatch.chdir(FIXTURES.parent.parent)
    request(create_app(".")).get("/express/fixtures/todo.txt").expect(200, "- groceries")


def test_express_static__acceptranges__when_false__should_not_include_accept_ranges() -> None:
    get("/nums.txt", {"acceptRanges": False}).expect(
        should_not_have_header("Accept-Ranges")
    ).expect(200, "123456789")


def test_express_static__acceptranges__when_false__should_ignore_rage_request_header() -> None:
    (
        get("/nums.txt", {"acceptRanges": False})
        .set("Range", "bytes=0-3")
        .expect(should_not_have_header("Accept-Ranges"))
        .expect(should_not_have_header("Content-Range"))
        .expect(200, "123456789")
    )


def test_express_static__acceptranges__when_true__should_include_accept_ranges() -> None:
    get("/nums.txt", {"acceptRanges": True}).expect("Accept-Ranges", "bytes").expect(
        200, "123456789"
    )


def test_express_static__acceptranges__when_true__should_obey_rage_request_header() -> None:
    (
        get("/nums.txt", {"acceptRanges": True})
        .set("Range", "bytes=0-3")
        .expect("Accept-Ranges", "bytes")
        .expect("Content-Range", "bytes 0-3/9")
        .expect(206, "1234")
    )


def test_express_static__cachecontrol__when_false__should_not_include_cache_control() -> None:
    get("/nums.txt", {"cacheControl": False}).expect(
        should_not_have_header("Cache-Control")
    ).expect(200, "123456789")


def test_express_static__cachecontrol__when_false__should_ignore_maxage() -> None:
    get("/nums.txt", {"cacheControl": False, "maxAge": 12000}).expect(
        should_not_have_header("Cache-Control")
    ).expect(200, "123456789")


def test_express_static__cachecontrol__when_true__should_include_cache_control() -> None:
    get("/nums.txt", {"cacheControl": True}).expect("Cache-Control", "public, max-age=0").expect(
        200, "123456789"
    )


def test_express_static__extensions__should_be_not_be_enabled_by_default() -> None:
    get("/todo").expect(404)


def test_express_static__extensions__should_be_configurable() -> None:
    get("/todo", {"extensions": "txt"}).expect(200, "- groceries")


def test_express_static__extensions__should_support_disabling_extensions() -> None:
    get("/todo", {"extensions": False}).expect(404)


def test_express_static__extensions__should_support_fallbacks() -> None:
    get("/todo", {"extensions": ["htm", "html", "txt"]}).expect(200, "<li>groceries</li>")


def test_express_static__extensions__should_404_if_nothing_found() -> None:
    get("/bob", {"extensions": ["htm", "html", "txt"]}).expect(404)


def test_express_static__fallthrough__should_default_to_true() -> None:
    get("/does-not-exist").expect(404, "Not Found")


FALL = {"fallthrough": True}
NO_FALL = {"fallthrough": False}


def test_express_static__fallthrough__when_true__should_fall_through_when_options_request() -> None:
    request(create_app(ROOT, FALL)).options("/todo.txt").expect(404, "Not Found")


def test_express_static__fallthrough__when_true__should_fall_through_when_url_malformed() -> None:
    get("/%", FALL).expect(404, "Not Found")


def test_express_static__fallthrough__when_true__should_fall_through_when_traversing_past_root() -> (
    None
):
    get("/users/../../todo.txt", FALL).expect(404, "Not Found")


def test_express_static__fallthrough__when_true__should_fall_through_when_url_too_long() -> None:
    request(create_app(TOO_LONG_ROOT, FALL)).get("/").expect(404, "Not Found")


def test_express_static__fallthrough__when_true__with_redirect_true__should_fall_through_when_directory() -> (
    None
):
    get("/pets/", {**FALL, "redirect": True}).expect(404, "Not Found")


def test_express_static__fallthrough__when_true__with_redirect_true__should_redirect_when_directory_without_slash() -> (
    None
):
    get("/pets", {**FALL, "redirect": True}).expect(301, matches("Redirecting"))


def test_express_static__fallthrough__when_true__with_redirect_false__should_fall_through_when_directory() -> (
    None
):
    get("/pets/", {**FALL, "redirect": False}).expect(404, "Not Found")


def test_express_static__fallthrough__when_true__with_redirect_false__should_fall_through_when_directory_without_slash() -> (
    None
):
    get("/pets", {**FALL, "redirect": False}).expect(404, "Not Found")


def test_express_static__fallthrough__when_false__should_405_when_options_request() -> None:
    request(create_app(ROOT, NO_FALL)).options("/todo.txt").expect("Allow", "GET, HEAD").expect(405)


def test_express_static__fallthrough__when_false__should_400_when_url_malformed() -> None:
    get("/%", NO_FALL).expect(400, matches("Error: Bad Request"))


def test_express_static__fallthrough__when_false__should_403_when_traversing_past_root() -> None:
    get("/users/../../todo.txt", NO_FALL).expect(403, matches("Error: Forbidden"))


def test_express_static__fallthrough__when_false__should_404_when_url_too_long() -> None:
    request(create_app(TOO_LONG_ROOT, NO_FALL)).get("/").expect(404, matches("ENAMETOOLONG"))


NOT_FOUND = matches("Error: Not Found|ENOENT")


def test_express_static__fallthrough__when_false__with_redirect_true__should_404_when_directory() -> (
    None
):
    get("/pets/", {**NO_FALL, "redirect": True}).expect(404, NOT_FOUND)


def test_express_static__fallthrough__when_false__with_redirect_true__should_redirect_when_directory_without_slash() -> (
    None
):
    get("/pets", {**NO_FALL, "redirect": True}).expect(301, matches("Redirecting"))


def test_express_static__fallthrough__when_false__with_redirect_false__should_404_when_directory() -> (
    None
):
    get("/pets/", {**NO_FALL, "redirect": False}).expect(404, NOT_FOUND)


def test_express_static__fallthrough__when_false__with_redirect_false__should_404_when_directory_without_slash() -> (
    None
):
    get("/pets", {**NO_FALL, "redirect": False}).expect(404, NOT_FOUND)


def test_express_static__hidden_files__should_be_served_when_dotfiles_allow_is_given() -> None:
    get("/.name", {"dotfiles": "allow"}).expect(200).expect(b"tobi")


def test_express_static__immutable__should_default_to_false() -> None:
    get("/nums.txt").expect("Cache-Control", "public, max-age=0")


def test_express_static__immutable__should_set_immutable_directive_in_cache_control() -> None:
    get("/nums.txt", {"immutable": True, "maxAge": "1h"}).expect(
        "Cache-Control", "public, max-age=3600, immutable"
    )


def test_express_static__lastmodified__when_false__should_not_include_last_modified() -> None:
    get("/nums.txt", {"lastModified": False}).expect(
        should_not_have_header("Last-Modified")
    ).expect(200, "123456789")


def test_express_static__lastmodified__when_true__should_include_last_modified() -> None:
    get("/nums.txt", {"lastModified": True}).expect(
        "Last-Modified", matches(r"^\w{3}, \d+ \w+ \d+ \d+:\d+:\d+ \w+$")
    ).expect(200, "123456789")


def test_express_static__maxage__should_accept_string() -> None:
    get("/todo.txt", {"maxAge": "30d"}).expect(
        "cache-control", f"public, max-age={60 * 60 * 24 * 30}"
    ).expect(200)


def test_express_static__maxage__should_be_reasonable_when_infinite() -> None:
    get("/todo.txt", {"maxAge": float("inf")}).expect(
        "cache-control", f"public, max-age={60 * 60 * 24 * 365}"
    ).expect(200)


def snow_app() -> Any:
    """The redirect cases' app: ``/snow`` is rewritten to the fixture ``/snow ☃``."""
    app = express()

    def rewrite(req: Any, res: Any, next: Any) -> None:
        req.original_url = req.url = re.sub(r"/snow(/|$)", "/snow \u2603\\1", req.original_url)
        next()

    app.use(rewrite)
    app.use(express.static(ROOT))
    return app


def test_express_static__redirect__should_redirect_directories() -> None:
    request(snow_app()).get("/users").expect("Location", "/users/").expect(301)


def test_express_static__redirect__should_include_html_link() -> None:
    request(snow_app()).get("/users").expect("Location", "/users/").expect(301, matches("/users/"))


def test_express_static__redirect__should_redirect_directories_with_query_string() -> None:
    request(snow_app()).get("/users?name=john").expect("Location", "/users/?name=john").expect(301)


def test_express_static__redirect__should_not_redirect_to_protocol_relative_locations() -> None:
    request(snow_app()).get("//users").expect("Location", "/users/").expect(301)


def test_express_static__redirect__should_ensure_redirect_url_is_properly_encoded() -> None:
    (
        request(snow_app())
        .get("/snow")
        .expect("Location", "/snow%20%E2%98%83/")
        .expect("Content-Type", matches("html"))
        .expect(301, matches(r">Redirecting to /snow%20%E2%98%83/<"))
    )


def test_express_static__redirect__should_respond_with_default_content_security_policy() -> None:
    request(snow_app()).get("/users").expect(
        "Content-Security-Policy", "default-src 'none'"
    ).expect(301)


def test_express_static__redirect__should_not_redirect_incorrectly() -> None:
    request(snow_app()).get("/").expect(404)


def test_express_static__redirect__when_false__should_disable_redirect() -> None:
    get("/users", {"redirect": False}).expect(404)


def custom_header_app() -> Any:
    def set_headers(res: Any, *rest: Any) -> None:
        res.set_header("x-custom", "set")

    app = express()
    app.use(express.static(ROOT, {"setHeaders": set_headers}))
    return app


def test_express_static__setheaders__should_reject_non_functions() -> None:
    with pytest.raises(TypeError, match=r"setHeaders.*function"):
        express.static(ROOT, {"setHeaders": 3})


def test_express_static__setheaders__should_get_called_when_sending_file() -> None:
    request(custom_header_app()).get("/nums.txt").expect("x-custom", "set").expect(200)


def test_express_static__setheaders__should_not_get_called_on_404() -> None:
    request(custom_header_app()).get("/bogus").expect(should_not_have_header("x-custom")).expect(
        404
    )


def test_express_static__setheaders__should_not_get_called_on_redirect() -> None:
    request(custom_header_app()).get("/users").expect(should_not_have_header("x-custom")).expect(
        301
    )


def test_express_static__when_traversing_past_root__should_catch_urlencoded() -> None:
    # "should catch urlencoded ../"
    get("/users/%2e%2e/%2e%2e/todo.txt", NO_FALL).expect(403)


def test_express_static__when_traversing_past_root__should_not_allow_root_path_disclosure() -> None:
    get("/users/../../fixtures/todo.txt", NO_FALL).expect(403)


def ranged(spec: str) -> Any:
    return get("/nums.txt").set("Range", spec)


def test_express_static__when_request_has_range_header__should_support_byte_ranges() -> None:
    ranged("bytes=0-4").expect("12345")


def test_express_static__when_request_has_range_header__should_be_inclusive() -> None:
    ranged("bytes=0-0").expect("1")


def test_express_static__when_request_has_range_header__should_set_content_range() -> None:
    ranged("bytes=2-5").expect("Content-Range", "bytes 2-5/9")


def test_express_static__when_request_has_range_header__should_support_n() -> None:
    # "should support -n"
    ranged("bytes=-3").expect("789")


def test_express_static__when_request_has_range_header__should_support_n_2() -> None:
    # "should support n-"
    ranged("bytes=3-").expect("456789")


def test_express_static__when_request_has_range_header__should_respond_with_206_partial_content() -> (
    None
):
    ranged("bytes=0-4").expect(206)


def test_express_static__when_request_has_range_header__should_set_content_length_to_the_of_octets_transferred() -> (
    None
):
    ranged("bytes=2-3").expect("Content-Length", "2").expect(206, "34")


def test_express_static__when_request_has_range_header__when_last_byte_pos_of_the_range_is_greater_than_current_length__is_taken_to_be_equal_to_one_less_than_the_current_length() -> (
    None
):
    ranged("bytes=2-50").expect("Content-Range", "bytes 2-8/9")


def test_express_static__when_request_has_range_header__when_last_byte_pos_of_the_range_is_greater_than_current_length__should_adapt_the_content_length_accordingly() -> (
    None
):
    ranged("bytes=2-50").expect("Content-Length", "7").expect(206)


def test_express_static__when_request_has_range_header__when_the_first_byte_pos_of_the_range_is_greater_than_the_current_length__should_respond_with_416() -> (
    None
):
    ranged("bytes=9-50").expect(416)


def test_express_static__when_request_has_range_header__when_the_first_byte_pos_of_the_range_is_greater_than_the_current_length__should_include_a_content_range_header_of_complete_length() -> (
    None
):
    ranged("bytes=9-50").expect("Content-Range", "bytes */9").expect(416)


def test_express_static__when_request_has_range_header__when_syntactically_invalid__should_respond_with_200_and_the_entire_contents() -> (
    None
):
    ranged("asdf").expect("123456789")


def mounted(mount: str, root: str, options: dict[str, Any] | None = None) -> Any:
    app = express()
    app.use(mount, express.static(root, options))
    return app


def test_express_static__when_index_at_mount_point__should_redirect_correctly() -> None:
    app = mounted("/users", str(FIXTURES / "users"))
    request(app).get("/users").expect("Location", "/users/").expect(301)


def test_express_static__when_mounted__should_redirect_relative_to_the_originalurl() -> None:
    app = mounted("/static", ROOT)
    request(app).get("/static/users").expect("Location", "/static/users/").expect(301)


def test_express_static__when_mounted__should_not_choke_on_auth_looking_url() -> None:
    request(mounted("/static", ROOT)).get("//todo@txt").expect(404)


def test_express_static__when_mounted_root_as_a_file__should_load_the_file_when_on_trailing_slash() -> (
    None
):
    app = mounted("/todo.txt", str(FIXTURES / "todo.txt"))
    request(app).get("/todo.txt").expect(200, "- groceries")


def test_express_static__when_mounted_root_as_a_file__should_404_when_trailing_slash() -> None:
    request(mounted("/todo.txt", str(FIXTURES / "todo.txt"))).get("/todo.txt/").expect(404)


def test_express_static__when_responding_non_2xx_or_304__should_not_alter_the_status() -> None:
    app = express()

    def set_501(req: Any, res: Any, next: Any) -> None:
        res.status(501)
        next()

    app.use(set_501)
    app.use(express.static(ROOT))
    request(app).get("/todo.txt").expect(501, "- groceries")


def no_index_app() -> Any:
    app = mounted("/static", ROOT, {"index": False})
    app.use(send_404)
    return app


def test_express_static__when_index_file_serving_disabled__should_next_on_directory() -> None:
    request(no_index_app()).get("/static/users/").expect(404, "Not Found")


def test_express_static__when_index_file_serving_disabled__should_redirect_to_trailing_slash() -> (
    None
):
    request(no_index_app()).get("/static/users").expect("Location", "/static/users/").expect(301)


def test_express_static__when_index_file_serving_disabled__should_next_on_mount_point() -> None:
    request(no_index_app()).get("/static/").expect(404, "Not Found")


def test_express_static__when_index_file_serving_disabled__should_redirect_to_trailing_slash_mount_point() -> (
    None
):
    request(no_index_app()).get("/static").expect("Location", "/static/").expect(301)
