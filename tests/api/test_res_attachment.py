"""res.attachment / res.download: Content-Disposition values recorded from Express 5.3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from expresspy.testing import request

from .helpers import app_with, wire_headers


@pytest.mark.parametrize(
    "filename,content_type,disposition",
    [
        (
            "path/to/foo bär.pdf",
            "application/pdf",
            "attachment; filename=\"foo b?r.pdf\"; filename*=UTF-8''foo%20b%C3%A4r.pdf",
        ),
        ("report.csv", "text/csv; charset=utf-8", "attachment; filename=report.csv"),
        (None, None, "attachment"),
        (
            "100%25.txt",
            "text/plain; charset=utf-8",
            "attachment; filename=100%25.txt; filename*=UTF-8''100%2525.txt",
        ),
    ],
)
def test_attachment(filename: str | None, content_type: str | None, disposition: str) -> None:
    response = (
        request(app_with(lambda req, res: res.attachment(filename).send(b"x"))).get("/").expect(200)
    )
    headers = dict(wire_headers(response))
    assert headers["content-disposition"] == disposition
    assert headers["content-type"] == (content_type or "application/octet-stream")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "digits.txt").write_bytes(b"0123456789abcdef")
    return tmp_path


def test_download_sets_disposition_and_sends_the_file(files: Path) -> None:
    path = str(files / "digits.txt")
    app = app_with(lambda req, res: res.download(path, "dïgits (1).txt"))
    response = request(app).get("/").expect(200, "0123456789abcdef")
    headers = dict(wire_headers(response))
    assert headers["content-disposition"] == (
        "attachment; filename=\"d?gits (1).txt\"; filename*=UTF-8''d%C3%AFgits%20%281%29.txt"
    )
    assert headers["content-type"] == "text/plain; charset=utf-8"


def test_download_with_root_ignores_a_user_content_disposition(files: Path) -> None:
    def handler(req: Any, res: Any) -> None:
        res.download(
            "digits.txt",
            {"root": str(files), "headers": {"Content-Disposition": "inline", "X-A": "b"}},
        )

    request(app_with(handler)).get("/").expect(
        "Content-Disposition", "attachment; filename=digits.txt"
    ).expect("X-A", "b").expect(200, "0123456789abcdef")


def test_download_callback_gets_the_error(files: Path) -> None:
    def handler(req: Any, res: Any) -> None:
        res.download(
            str(files / "missing.txt"), lambda err: res.status(299).send(f"{err.status} {err.code}")
        )

    request(app_with(handler)).get("/").expect(299, "404 ENOENT")


def test_download_relative_path_resolves_from_cwd(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files)
    request(app_with(lambda req, res: res.download("digits.txt"))).get("/").expect(
        "Content-Disposition", "attachment; filename=digits.txt"
    ).expect(200)
