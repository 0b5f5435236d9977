"""Port of Express 5 test/res.download.js.

Express names its fixtures relative to the working directory (``test/fixtures/user.html``);
``relative`` gives the same kind of path to this folder's fixtures from wherever pytest runs.
"""

from __future__ import annotations

import os
from typing import Any

from expresspy import express
from expresspy.testing import request, should_have_body, should_not_have_header

from .support import (
    FIXTURES,
    after,
    app_calling,
    app_with,
    store_persists,
    store_persists_on_error,
)

USER_BODY = "<p>{{user.name}}</p>"
HTML_UTF8 = "text/html; charset=utf-8"
AS_DOCUMENT = "attachment; filename=document"


def relative(name: str) -> str:
    return os.path.relpath(FIXTURES / name)


USER_HTML = relative("user.html")


def downloading(*args: Any) -> Any:
    return request(app_calling("download", *args)).get("/")


def routed_download() -> Any:
    app = express()
    app.get("/", lambda req, res: res.download(USER_HTML))
    return request(app).get("/")


def test_res__download_path__should_transfer_as_an_attachment() -> None:
    downloading(USER_HTML).expect("Content-Type", HTML_UTF8).expect(
        "Content-Disposition", "attachment; filename=user.html"
    ).expect(200, USER_BODY)


def test_res__download_path__should_accept_range_requests() -> None:
    routed_download().expect("Accept-Ranges", "bytes").expect(200, USER_BODY)


def test_res__download_path__should_respond_with_requested_byte_range() -> None:
    routed_download().set("Range", "bytes=0-2").expect("Content-Range", "bytes 0-2/20").expect(
        206, "<p>"
    )


def test_res__download_path_filename__should_provide_an_alternate_filename() -> None:
    downloading(USER_HTML, "document").expect("Content-Type", HTML_UTF8).expect(
        "Content-Disposition", AS_DOCUMENT
    ).expect(200)


def downloads_with_callback(*args: Any, disposition: str) -> None:
    cb = after(2)
    downloading(USER_HTML, *args, cb).expect(200).expect("Content-Type", HTML_UTF8).expect(
        "Content-Disposition", disposition
    )
    cb()
    cb.wait()  # type: ignore[attr-defined]


def test_res__download_path_fn__should_invoke_the_callback() -> None:
    downloads_with_callback(disposition="attachment; filename=user.html")


def test_res__download_path_fn__async_local_storage__should_persist_store() -> None:
    store_persists(
        "download",
        relative("name.txt"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Disposition", "attachment; filename=name.txt"),
        (200, "tobi"),
    )


def test_res__download_path_fn__async_local_storage__should_persist_store_on_error() -> None:
    store_persists_on_error("download", relative("does-not-exist"))


def test_res__download_path_options__should_allow_options_to_res_sendfile() -> None:
    downloading(relative(".name"), {"dotfiles": "allow", "maxAge": "4h"}).expect(200).expect(
        "Content-Disposition", "attachment; filename=.name"
    ).expect("Cache-Control", "public, max-age=14400").expect(should_have_body(b"tobi")).end()


def test_res__download_path_options__with_headers_option__should_set_headers_on_response() -> None:
    downloading(USER_HTML, {"headers": {"X-Foo": "Bar", "X-Bar": "Foo"}}).expect(200).expect(
        "X-Foo", "Bar"
    ).expect("X-Bar", "Foo")


def test_res__download_path_options__with_headers_option__should_use_last_header_when_duplicated() -> (
    None
):
    downloading(USER_HTML, {"headers": {"X-Foo": "Bar", "x-foo": "bar"}}).expect(200).expect(
        "X-Foo", "bar"
    )


def test_res__download_path_options__with_headers_option__should_override_content_type() -> None:
    downloading(USER_HTML, {"headers": {"Content-Type": "text/x-custom"}}).expect(200).expect(
        "Content-Type", "text/x-custom"
    )


def test_res__download_path_options__with_headers_option__should_not_set_headers_on_404() -> None:
    downloading(relative("does-not-exist"), {"headers": {"X-Foo": "Bar"}}).expect(404).expect(
        should_not_have_header("X-Foo")
    ).end()


def test_res__download_path_options__with_headers_option__when_headers_contains_content_disposition__should_be_ignored() -> (
    None
):
    downloading(USER_HTML, {"headers": {"Content-Disposition": "inline"}}).expect(200).expect(
        "Content-Disposition", "attachment; filename=user.html"
    )


def test_res__download_path_options__with_headers_option__when_headers_contains_content_disposition__should_be_ignored_case_insensitively() -> (
    None
):
    downloading(USER_HTML, {"headers": {"content-disposition": "inline"}}).expect(200).expect(
        "Content-Disposition", "attachment; filename=user.html"
    )


def rooted(path: str) -> Any:
    return downloading(path, {"root": str(FIXTURES)})


def test_res__download_path_options__with_root_option__should_allow_relative_path() -> None:
    rooted("name.txt").expect(200).expect(
        "Content-Disposition", "attachment; filename=name.txt"
    ).expect(should_have_body(b"tobi")).end()


def test_res__download_path_options__with_root_option__should_allow_up_within_root() -> None:
    rooted("fake/../name.txt").expect(200).expect(
        "Content-Disposition", "attachment; filename=name.txt"
    ).expect(should_have_body(b"tobi")).end()


def test_res__download_path_options__with_root_option__should_reject_up_outside_root() -> None:
    outside = ".." + os.sep + os.path.relpath(FIXTURES / "name.txt", FIXTURES.parent)
    rooted(outside).expect(403).expect(should_not_have_header("Content-Disposition")).end()


def test_res__download_path_options__with_root_option__should_reject_reading_outside_root() -> None:
    rooted("../name.txt").expect(403).expect(should_not_have_header("Content-Disposition")).end()


def test_res__download_path_filename_fn__should_invoke_the_callback() -> None:
    downloads_with_callback("document", disposition=AS_DOCUMENT)


def test_res__download_path_filename_options_fn__should_invoke_the_callback() -> None:
    downloads_with_callback("document", {}, disposition=AS_DOCUMENT)


def test_res__download_path_filename_options_fn__should_allow_options_to_res_sendfile() -> None:
    downloading(relative(".name"), "document", {"dotfiles": "allow", "maxAge": "4h"}).expect(
        200
    ).expect("Content-Disposition", AS_DOCUMENT).expect(
        "Cache-Control", "public, max-age=14400"
    ).expect(should_have_body(b"tobi")).end()


def ignored_disposition(content_type: str, disposition: str) -> None:
    headers = {content_type: "text/x-custom", disposition: "inline"}
    downloading(USER_HTML, "document", {"headers": headers}).expect(200).expect(
        "Content-Type", "text/x-custom"
    ).expect("Content-Disposition", AS_DOCUMENT)


def test_res__download_path_filename_options_fn__when_options_headers_contains_content_disposition__should_be_ignored() -> (
    None
):
    ignored_disposition("Content-Type", "Content-Disposition")


def test_res__download_path_filename_options_fn__when_options_headers_contains_content_disposition__should_be_ignored_case_insensitively() -> (
    None
):
    ignored_disposition("content-type", "content-disposition")


def failing_download(on_error: Any) -> Any:
    def handler(req: Any, res: Any, next: Any) -> None:
        def callback(err: Any) -> None:
            if not err:
                next(RuntimeError("expected error"))
                return
            on_error(res, err)

        res.download(relative("foobar.html"), callback)

    return request(app_with(handler)).get("/")


def test_res__on_failure__should_invoke_the_callback() -> None:
    failing_download(lambda res, err: res.send(f"got {err.status} {err.code}")).expect(
        200, "got 404 ENOENT"
    )


def test_res__on_failure__should_remove_content_disposition() -> None:
    failing_download(lambda res, err: res.end("failed")).expect(
        should_not_have_header("Content-Disposition")
    ).expect(200, "failed")
