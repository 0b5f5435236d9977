"""multipart(): fields, files on disk, each limit (413) and temp-file cleanup."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from expresspy import express
from expresspy.middleware import multipart
from expresspy.server import BackgroundServer, ServerConfig
from expresspy.testing import request


def removed(paths: list[str]) -> bool:
    """True once none of `paths` exists (files are deleted in a worker thread after the end)."""
    deadline = time.monotonic() + 2
    while any(os.path.exists(p) for p in paths) and time.monotonic() < deadline:
        time.sleep(0.01)
    return not any(os.path.exists(p) for p in paths)


def upload_app(seen: list[Any], *args: Any, **kwargs: Any) -> Any:
    app = express()

    def handler(req: Any, res: Any) -> None:
        files = req.files or []
        seen.extend(files)
        res.json(
            {
                "body": req.body,
                "files": [
                    {
                        "field": f.fieldname,
                        "name": f.originalname,
                        "type": f.mimetype,
                        "size": f.size,
                        "content": Path(f.path).read_text(),
                        "exists": os.path.exists(f.path),
                    }
                    for f in files
                ],
            }
        )

    app.post("/", multipart(*args, **kwargs), handler)
    app.use(
        lambda err, req, res, next: res.status(err.status).send(
            f"{getattr(err, 'code', None)}: {err}"
        )
    )
    return app


def test_fields_and_files(tmp_path: Path) -> None:
    seen: list[Any] = []
    res = (
        request(upload_app(seen, dest=str(tmp_path)))
        .post("/")
        .field("name", "tobi")
        .field("tag", "a")
        .field("tag", "b")
        .attach("doc", b"hello file", "a.txt")
        .attach("doc", b"second", "b.txt")
        .expect(200)
    )
    assert res.body["body"] == {"name": "tobi", "tag": ["a", "b"]}
    assert [
        (f["field"], f["name"], f["size"], f["content"], f["exists"]) for f in res.body["files"]
    ] == [("doc", "a.txt", 10, "hello file", True), ("doc", "b.txt", 6, "second", True)]
    assert res.body["files"][0]["type"] == "text/plain"
    assert [os.path.dirname(f.path) for f in seen] == [str(tmp_path)] * 2
    assert removed([f.path for f in seen])  # removed once the response ended


def test_large_file_streams_to_disk() -> None:
    seen: list[Any] = []
    data = os.urandom(3 * 1024 * 1024)
    app = express()

    def handler(req: Any, res: Any) -> None:
        seen.extend(req.files)
        res.send(str(Path(req.files[0].path).read_bytes() == data))

    app.post("/", multipart(file_size=4 * 1024 * 1024), handler)
    request(app).post("/").attach("f", data, "big.bin").expect(200, "True")
    assert removed([seen[0].path])


@pytest.mark.parametrize(
    ("options", "build", "message"),
    [
        (
            {"file_size": 10},
            lambda t: t.attach("f", b"x" * 11, "f.txt"),
            "LIMIT_FILE_SIZE: File too large",
        ),
        (
            {"files": 1},
            lambda t: t.attach("f", b"1", "1.txt").attach("f", b"2", "2.txt"),
            "LIMIT_FILE_COUNT: Too many files",
        ),
        (
            {"fields": 2},
            lambda t: t.field("a", "1").field("b", "2").field("c", "3"),
            "LIMIT_FIELD_COUNT: Too many fields",
        ),
        (
            {"field_size": 5},
            lambda t: t.field("a", "123456"),
            "LIMIT_FIELD_VALUE: Field value too long",
        ),
        (
            {"parts": 2},
            lambda t: t.field("a", "1").attach("f", b"1", "f").field("b", "2"),
            "LIMIT_PART_COUNT: Too many parts",
        ),
        (
            {"limits": {"fieldNameSize": 3}},
            lambda t: t.field("abcd", "1"),
            "LIMIT_FIELD_KEY: Field name too long",
        ),
        (
            {"field_total_size": 10},
            lambda t: t.field("a", "123456").field("b", "123456"),
            "LIMIT_FIELDS_SIZE: Fields too large",
        ),
        (
            {"limits": {"fieldTotalSize": 10}},
            lambda t: t.field("a", "1234").attach("f", b"x" * 100, "f.txt").field("b", "1234567"),
            "LIMIT_FIELDS_SIZE: Fields too large",
        ),
    ],
)
def test_each_limit_is_413_and_leaves_no_temp_files(
    tmp_path: Path, options: dict[str, Any], build: Any, message: str
) -> None:
    seen: list[Any] = []
    app = upload_app(seen, dest=str(tmp_path), **options)
    build(request(app).post("/")).expect(413, message)
    assert list(tmp_path.iterdir()) == []


def test_not_multipart_passes_through() -> None:
    seen: list[Any] = []
    request(upload_app(seen)).post("/").send({"a": 1}).expect(200, '{"body":null,"files":[]}')


def test_missing_boundary_and_garbage() -> None:
    seen: list[Any] = []
    request(upload_app(seen)).post("/").set("Content-Type", "multipart/form-data").send(
        b"x"
    ).expect(400, "None: Multipart: Boundary not found")
    res = (
        request(upload_app(seen))
        .post("/")
        .set("Content-Type", "multipart/form-data; boundary=zzz")
        .send(b"garbage\r\n")
        .end()
    )
    assert res.status == 400


def test_a_missing_dest_fails_when_built_naming_the_option(tmp_path: Path) -> None:
    # it used to answer every upload with a 400 "Malformed multipart body" showing the path
    with pytest.raises(ValueError, match=r"option dest .* is not an existing writable"):
        multipart(dest=str(tmp_path / "missing"))


def test_a_failing_disk_is_a_500_that_hides_the_path(tmp_path: Path) -> None:
    dest = tmp_path / "uploads"
    dest.mkdir()
    app = express()
    app.set("env", "production")
    app.post("/", multipart(dest=str(dest)), lambda req, res: res.send("stored"))
    dest.rmdir()  # the folder goes away after the build check: mkstemp fails
    res = request(app).post("/").attach("f", b"data", "a.txt").expect(500)
    assert "uploads" not in res.text and "Malformed" not in res.text
    assert "Internal Server Error" in res.text


def test_fields_together_are_capped_by_default_file_bytes_do_not_count() -> None:
    # B-12: each field may reach field_size (1 MiB), but all of them are held in memory, so
    # their sum is capped too (default 1 MiB); file parts go to disk and are not counted.
    seen: list[Any] = []
    app = upload_app(seen)
    half = "x" * (600 * 1024)
    request(app).post("/").field("a", half).field("b", half).expect(
        413, "LIMIT_FIELDS_SIZE: Fields too large"
    )
    res = (
        request(app).post("/").field("a", half).attach("f", b"y" * 600 * 1024, "f.bin").expect(200)
    )
    assert len(res.body["body"]["a"]) == len(half)
    assert removed([f.path for f in seen])


def test_a_huge_form_is_refused_while_it_streams_on_a_real_server() -> None:
    # The review's 300 MB POST, scaled down: announce 150 MiB of 512 KiB fields and send at
    # most 8 MiB of them; the 413 must come once about 1 MiB of fields is held.
    app = express()
    app.post("/u", multipart(), lambda req, res: res.send(str(len(req.body))))
    app.use(
        lambda err, req, res, next: res.status(err.status).send(str(getattr(err, "code", None)))
    )
    value = b"x" * (512 * 1024)
    part = b'--B\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n%s\r\n'
    total = 300 * len(part % (100, value))
    with (
        BackgroundServer(app, ServerConfig(port=0, access_log=False)) as srv,
        socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock,
    ):
        sock.sendall(
            b"POST /u HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
            b"Content-Type: multipart/form-data; boundary=B\r\n"
            b"Content-Length: %d\r\n\r\n" % total
        )
        with contextlib.suppress(OSError):  # the server may close while we still send
            for i in range(16):
                sock.sendall(part % (100 + i, value))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert answer.endswith(b"LIMIT_FIELDS_SIZE")


@pytest.mark.parametrize(
    "cut",
    [
        b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n',  # after a whole part
        b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--B\r\nContent-Disp',
        b'--B\r\nContent-Disposition: form-data; name="f"; filename="f.txt"\r\n\r\nhalf a fi',
        b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--B',
        b"",
    ],
)
def test_a_body_cut_before_the_closing_boundary_is_a_400(tmp_path: Path, cut: bytes) -> None:
    # It used to answer 200 with the fields before the cut and the rest silently missing.
    seen: list[Any] = []
    request(upload_app(seen, dest=str(tmp_path))).post("/").set(
        "Content-Type", "multipart/form-data; boundary=B"
    ).send(cut).expect(400, "None: Unexpected end of form")
    assert list(tmp_path.iterdir()) == []


def test_a_complete_body_with_an_epilogue_still_passes() -> None:
    seen: list[Any] = []
    body = b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--B--\r\nepilogue'
    request(upload_app(seen)).post("/").set("Content-Type", "multipart/form-data; boundary=B").send(
        body
    ).expect(200, '{"body":{"a":"1"},"files":[]}')
