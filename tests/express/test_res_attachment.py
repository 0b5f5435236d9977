"""Port of Express 5 test/res.attachment.js."""

from __future__ import annotations

from typing import Any

from expresspy.testing import request

from .support import app_with

JAPANESE = "attachment; filename=\"???.txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt"


def attaching(filename: str, body: Any = "foo") -> Any:
    return request(app_with(lambda req, res: res.attachment(filename).send(body))).get("/")


def test_res__attachment__should_content_disposition_to_attachment() -> None:
    app = app_with(lambda req, res: res.attachment().send("foo"))
    request(app).get("/").expect("Content-Disposition", "attachment")


def test_res__attachment_filename__should_add_the_filename_param() -> None:
    attaching("/path/to/image.png").expect("Content-Disposition", "attachment; filename=image.png")


def test_res__attachment_filename__should_quote_file_names_that_are_not_a_valid_token() -> None:
    attaching("/path/to/my report.png").expect(
        "Content-Disposition", 'attachment; filename="my report.png"'
    )


def test_res__attachment_filename__should_handle_an_empty_file_name() -> None:
    attaching("").expect("Content-Disposition", 'attachment; filename=""')


def test_res__attachment_filename__should_set_the_content_type() -> None:
    attaching("/path/to/image.png", b"....").expect("Content-Type", "image/png")


def test_res__attachment_utf8filename__should_add_the_filename_and_filename_params() -> None:
    attaching("/locales/日本語.txt", "japanese").expect("Content-Disposition", JAPANESE).expect(200)


def test_res__attachment_utf8filename__should_encode_latin1_file_names_with_an_ascii_fallback_and_filename_param() -> (
    None
):
    attaching("/locales/café.txt", "coffee").expect(
        "Content-Disposition", "attachment; filename=\"caf?.txt\"; filename*=UTF-8''caf%C3%A9.txt"
    ).expect(200)


def test_res__attachment_utf8filename__should_set_the_content_type() -> None:
    attaching("/locales/日本語.txt", "japanese").expect("Content-Type", "text/plain; charset=utf-8")
