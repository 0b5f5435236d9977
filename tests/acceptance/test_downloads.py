"""Express's test/acceptance/downloads.js, against examples/express/downloads."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from expresspy.testing import request


@pytest.fixture
def app(load_example: Callable[[str], Any]) -> Any:
    return load_example("express/downloads/index.py")


def test_downloads__get__should_have_a_link_to_amazing_txt(app: Any) -> None:
    request(app).get("/").expect(re.compile(r'href="/files/amazing.txt"'))


def test_downloads__get_files_notes_groceries_txt__should_have_a_download_header(app: Any) -> None:
    (
        request(app)
        .get("/files/notes/groceries.txt")
        .expect("Content-Disposition", "attachment; filename=groceries.txt")
        .expect(200)
    )


def test_downloads__get_files_amazing_txt__should_have_a_download_header(app: Any) -> None:
    (
        request(app)
        .get("/files/amazing.txt")
        .expect("Content-Disposition", "attachment; filename=amazing.txt")
        .expect(200)
    )


def test_downloads__get_files_missing_txt__should_respond_with_404(app: Any) -> None:
    request(app).get("/files/missing.txt").expect(404)


def test_downloads__get_files_index_js__should_respond_with_403(app: Any) -> None:
    request(app).get("/files/../index.js").expect(403)
