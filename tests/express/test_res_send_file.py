"""Port of Express 5 test/res.sendFile.js.

A client that aborts is a real client on a socket (``aborting_client``): it sends a POST whose
body never completes and closes, so the handler's ``await req.read()`` learns the client is
gone before the file is sent. Node's AsyncLocalStorage is Python's ``contextvars``.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from email.utils import formatdate
from time import time
from typing import Any

from expresspy.errors import HTTPError
from expresspy.server import BackgroundServer
from expresspy.testing import (
    request,
    should_have_body,
    should_have_header,
    should_not_have_header,
)

from .support import (
    FIXTURES,
    after,
    app_calling,
    app_with,
    reporting_status,
    store_persists,
    store_persists_on_error,
)

NAME_TXT = str(FIXTURES / "name.txt")
NUMS_TXT = str(FIXTURES / "nums.txt")
USER_HTML = str(FIXTURES / "user.html")
DOTFILE = str(FIXTURES / ".name")
MISSING = str(FIXTURES / "does-not-exist")
ETAG = re.compile(r'^(?:W/)?"[^"]+"$')


def send_file_app(*args: Any) -> Any:
    return app_calling("send_file", *args)


def serving(*args: Any) -> Any:
    return request(send_file_app(*args)).get("/")


def future_date() -> str:
    return formatdate(time() + 99.999, usegmt=True)


def test_res__sendfile_path__should_error_missing_path() -> None:
    serving(None).expect(500, re.compile("path.*required"))


def test_res__sendfile_path__should_error_for_non_string_path() -> None:
    serving(42).expect(500, re.compile("TypeError: path must be a string to res.sendFile"))


def test_res__sendfile_path__should_error_for_non_absolute_path() -> None:
    serving("name.txt").expect(500, re.compile("TypeError: path must be absolute"))


def test_res__sendfile_path__should_transfer_a_file() -> None:
    serving(NAME_TXT).expect(200, "tobi")


def test_res__sendfile_path__should_transfer_a_file_with_special_characters_in_string() -> None:
    serving(str(FIXTURES / "% of dogs.txt")).expect(200, "20%")


def test_res__sendfile_path__should_include_etag() -> None:
    serving(NAME_TXT).expect("ETag", ETAG).expect(200, "tobi")


def expect_304_on_second_request(app: Any) -> None:
    first = request(app).get("/").expect("ETag", ETAG).expect(200, "tobi")
    request(app).get("/").set("If-None-Match", first.headers["etag"]).expect(304)


def test_res__sendfile_path__should_304_when_etag_matches() -> None:
    expect_304_on_second_request(send_file_app(NAME_TXT))


def test_res__sendfile_path__should_disable_the_etag_function_if_requested() -> None:
    request(send_file_app(NAME_TXT).disable("etag")).get("/").expect(
        should_not_have_header("ETag")
    ).expect(200)


def test_res__sendfile_path__should_404_for_directory() -> None:
    serving(str(FIXTURES / "blog")).expect(404)


def test_res__sendfile_path__should_404_when_not_found() -> None:
    app = send_file_app(str(FIXTURES / "does-no-exist"))

    def fallback(req: Any, res: Any) -> None:
        res.status_code = 200
        res.send("no!")

    app.use(fallback)
    request(app).get("/").expect(404)


def test_res__sendfile_path__should_send_cache_control_by_default() -> None:
    serving(NAME_TXT).expect("Cache-Control", "public, max-age=0").expect(200)


def test_res__sendfile_path__should_not_serve_dotfiles_by_default() -> None:
    serving(DOTFILE).expect(404)


def test_res__sendfile_path__should_not_override_manual_content_types() -> None:
    app = app_with(lambda req, res: res.content_type("application/x-bogus").send_file(NAME_TXT))
    request(app).get("/").expect("Content-Type", "application/x-bogus").end()


class Aborted:
    """What a handler saw for a client that went away while the request body was read."""

    def __init__(self) -> None:
        self.outcome: list[Any] = []
        self.done = threading.Event()

    def record(self, value: Any) -> None:
        self.outcome.append(value)
        self.done.set()


async def read_until_aborted(req: Any) -> None:
    try:
        await req.read()
    except HTTPError as err:
        assert req.aborted, err


def aborting_client(app: Any, seen: Aborted) -> None:
    """POST with a body that never completes, close, and wait for the handler's verdict."""
    with BackgroundServer(app) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc")
        assert seen.done.wait(3), "the handler never reported"


def test_res__sendfile_path__should_not_error_if_the_client_aborts() -> None:
    seen = Aborted()

    async def handler(req: Any, res: Any) -> None:
        await read_until_aborted(req)
        res.on_finish(lambda finished: seen.record("finished"))
        res.send_file(NAME_TXT)

    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        seen.record(err)
        next(err)

    aborting_client(app_with(handler, on_error), seen)
    assert seen.outcome == ["finished"]


def aborted_callback(seen: Aborted) -> Any:
    return lambda err: seen.record(getattr(err, "code", err))


def test_res__sendfile_path_fn__should_invoke_the_callback_when_complete() -> None:
    cb = after(2)
    request(send_file_app(NAME_TXT, cb)).get("/").expect(200).end()
    cb()
    cb.wait()  # type: ignore[attr-defined]


def test_res__sendfile_path_fn__should_invoke_the_callback_when_client_aborts() -> None:
    seen = Aborted()

    async def handler(req: Any, res: Any) -> None:
        await read_until_aborted(req)
        res.send_file(NAME_TXT, aborted_callback(seen))

    aborting_client(app_with(handler), seen)
    assert seen.outcome == ["ECONNABORTED"]


def test_res__sendfile_path_fn__should_invoke_the_callback_when_client_already_aborted() -> None:
    seen = Aborted()

    async def handler(req: Any, res: Any) -> None:
        res.on_finish(lambda finished: finished.send_file(NAME_TXT, aborted_callback(seen)))
        await read_until_aborted(req)

    aborting_client(app_with(handler), seen)
    assert seen.outcome == ["ECONNABORTED"]


def test_res__sendfile_path_fn__should_invoke_the_callback_without_error_when_head() -> None:
    cb = after(2)
    request(app_with(lambda req, res: res.send_file(NAME_TXT, cb))).head("/").expect(200).end()
    cb()
    cb.wait()  # type: ignore[attr-defined]


def test_res__sendfile_path_fn__should_invoke_the_callback_without_error_when_304() -> None:
    cb = after(3)
    expect_304_on_second_request(app_with(lambda req, res: res.send_file(NAME_TXT, cb)))
    cb()
    cb.wait()  # type: ignore[attr-defined]


def test_res__sendfile_path_fn__should_invoke_the_callback_on_404() -> None:
    app = app_with(lambda req, res: res.send_file(MISSING, reporting_status(res)))
    request(app).get("/").expect(200, "got 404 error")


def test_res__sendfile_path_fn__async_local_storage__should_persist_store() -> None:
    store_persists(
        "send_file", NAME_TXT, ("Content-Type", "text/plain; charset=utf-8"), (200, "tobi")
    )


def test_res__sendfile_path_fn__async_local_storage__should_persist_store_on_error() -> None:
    store_persists_on_error("send_file", MISSING)


def test_res__sendfile_path_options__should_pass_options_to_send_module() -> None:
    serving(NAME_TXT, {"start": 0, "end": 1}).expect(200, "to")


def test_res__sendfile_path_options__with_acceptranges_option__when_true__should_advertise_byte_range_accepted() -> (
    None
):
    serving(NUMS_TXT, {"acceptRanges": True}).expect(200).expect("Accept-Ranges", "bytes").expect(
        "123456789"
    )


def test_res__sendfile_path_options__with_acceptranges_option__when_true__should_respond_to_range_request() -> (
    None
):
    serving(NUMS_TXT, {"acceptRanges": True}).set("Range", "bytes=0-4").expect(206, "12345")


def test_res__sendfile_path_options__with_acceptranges_option__when_false__should_not_advertise_accept_ranges() -> (
    None
):
    serving(NUMS_TXT, {"acceptRanges": False}).expect(200).expect(
        should_not_have_header("Accept-Ranges")
    ).end()


def test_res__sendfile_path_options__with_acceptranges_option__when_false__should_not_honor_range_requests() -> (
    None
):
    serving(NUMS_TXT, {"acceptRanges": False}).set("Range", "bytes=0-4").expect(200, "123456789")


def test_res__sendfile_path_options__with_cachecontrol_option__when_true__should_send_cache_control_header() -> (
    None
):
    serving(USER_HTML, {"cacheControl": True}).expect(200).expect(
        "Cache-Control", "public, max-age=0"
    )


def test_res__sendfile_path_options__with_cachecontrol_option__when_false__should_not_send_cache_control_header() -> (
    None
):
    serving(USER_HTML, {"cacheControl": False}).expect(200).expect(
        should_not_have_header("Cache-Control")
    ).end()


def test_res__sendfile_path_options__with_dotfiles_option__when_allow__should_allow_dotfiles() -> (
    None
):
    serving(DOTFILE, {"dotfiles": "allow"}).expect(200).expect(should_have_body(b"tobi")).end()


def test_res__sendfile_path_options__with_dotfiles_option__when_deny__should_deny_dotfiles() -> (
    None
):
    serving(DOTFILE, {"dotfiles": "deny"}).expect(403).expect(re.compile("Forbidden"))


def test_res__sendfile_path_options__with_dotfiles_option__when_ignore__should_ignore_dotfiles() -> (
    None
):
    serving(DOTFILE, {"dotfiles": "ignore"}).expect(404).expect(re.compile("Not Found"))


def test_res__sendfile_path_options__with_headers_option__should_set_headers_on_response() -> None:
    serving(USER_HTML, {"headers": {"X-Foo": "Bar", "X-Bar": "Foo"}}).expect(200).expect(
        "X-Foo", "Bar"
    ).expect("X-Bar", "Foo")


def test_res__sendfile_path_options__with_headers_option__should_use_last_header_when_duplicated() -> (
    None
):
    serving(USER_HTML, {"headers": {"X-Foo": "Bar", "x-foo": "bar"}}).expect(200).expect(
        "X-Foo", "bar"
    )


def test_res__sendfile_path_options__with_headers_option__should_override_content_type() -> None:
    serving(USER_HTML, {"headers": {"Content-Type": "text/x-custom"}}).expect(200).expect(
        "Content-Type", "text/x-custom"
    )


def test_res__sendfile_path_options__with_headers_option__should_not_set_headers_on_404() -> None:
    serving(MISSING, {"headers": {"X-Foo": "Bar"}}).expect(404).expect(
        should_not_have_header("X-Foo")
    ).end()


def test_res__sendfile_path_options__with_immutable_option__when_true__should_send_cache_control_header_with_immutable() -> (
    None
):
    serving(USER_HTML, {"immutable": True}).expect(200).expect(
        "Cache-Control", "public, max-age=0, immutable"
    )


def test_res__sendfile_path_options__with_immutable_option__when_false__should_not_send_cache_control_header_with_immutable() -> (
    None
):
    serving(USER_HTML, {"immutable": False}).expect(200).expect(
        "Cache-Control", "public, max-age=0"
    )


def test_res__sendfile_path_options__with_lastmodified_option__when_true__should_send_last_modified_header() -> (
    None
):
    serving(USER_HTML, {"lastModified": True}).expect(200).expect(
        should_have_header("Last-Modified")
    ).end()


def test_res__sendfile_path_options__with_lastmodified_option__when_true__should_conditionally_respond_with_if_modified_since() -> (
    None
):
    serving(USER_HTML, {"lastModified": True}).set("If-Modified-Since", future_date()).expect(304)


def test_res__sendfile_path_options__with_lastmodified_option__when_false__should_not_have_last_modified_header() -> (
    None
):
    serving(USER_HTML, {"lastModified": False}).expect(200).expect(
        should_not_have_header("Last-Modified")
    ).end()


def test_res__sendfile_path_options__with_lastmodified_option__when_false__should_not_honor_if_modified_since() -> (
    None
):
    serving(USER_HTML, {"lastModified": False}).set("If-Modified-Since", future_date()).expect(
        200
    ).expect(should_not_have_header("Last-Modified")).end()


def max_age(options: dict[str, Any], expected: str) -> None:
    serving(USER_HTML, options).expect(200).expect("Cache-Control", expected)


def test_res__sendfile_path_options__with_maxage_option__should_set_cache_control_max_age_to_milliseconds() -> (
    None
):
    max_age({"maxAge": 20000}, "public, max-age=20")


def test_res__sendfile_path_options__with_maxage_option__should_cap_cache_control_max_age_to_1_year() -> (
    None
):
    max_age({"maxAge": 99999999999}, "public, max-age=31536000")


def test_res__sendfile_path_options__with_maxage_option__should_min_cache_control_max_age_to_0() -> (
    None
):
    max_age({"maxAge": -20000}, "public, max-age=0")


def test_res__sendfile_path_options__with_maxage_option__should_floor_cache_control_max_age() -> (
    None
):
    max_age({"maxAge": 21911.23}, "public, max-age=21")


def test_res__sendfile_path_options__with_maxage_option__when_cachecontrol_false__should_not_send_cache_control() -> (
    None
):
    serving(USER_HTML, {"cacheControl": False, "maxAge": 20000}).expect(200).expect(
        should_not_have_header("Cache-Control")
    ).end()


def test_res__sendfile_path_options__with_maxage_option__when_string__should_accept_plain_number_as_milliseconds() -> (
    None
):
    max_age({"maxAge": "20000"}, "public, max-age=20")


def test_res__sendfile_path_options__with_maxage_option__when_string__should_accept_suffix_s_for_seconds() -> (
    None
):
    max_age({"maxAge": "20s"}, "public, max-age=20")


def test_res__sendfile_path_options__with_maxage_option__when_string__should_accept_suffix_m_for_minutes() -> (
    None
):
    max_age({"maxAge": "20m"}, "public, max-age=1200")


def test_res__sendfile_path_options__with_maxage_option__when_string__should_accept_suffix_d_for_days() -> (
    None
):
    max_age({"maxAge": "20d"}, "public, max-age=1728000")


def rooted(path: str) -> Any:
    return serving(path, {"root": str(FIXTURES)})


def test_res__sendfile_path_options__with_root_option__should_allow_relative_path() -> None:
    rooted("name.txt").expect(200, "tobi")


def test_res__sendfile_path_options__with_root_option__should_allow_up_within_root() -> None:
    rooted("fake/../name.txt").expect(200, "tobi")


def test_res__sendfile_path_options__with_root_option__should_reject_up_outside_root() -> None:
    outside = os.path.relpath(FIXTURES / "name.txt", FIXTURES.parent)
    rooted(".." + os.sep + outside).expect(403)


def test_res__sendfile_path_options__with_root_option__should_reject_reading_outside_root() -> None:
    rooted("../name.txt").expect(403)
