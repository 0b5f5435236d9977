"""multer(): multer 2.x's API on expresspy — methods, storages, file filter, limits, errors,
cut bodies and clean-up. tests/compat/scripts/multer.json compares the same against multer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from expresspy import express
from expresspy.middleware import multer
from expresspy.middleware.multer import (
    Buffer,
    MulterError,
    MulterFile,
    disk_storage,
    diskStorage,
    memory_storage,
    memoryStorage,
)
from expresspy.middleware.multer._append_field import append_field
from expresspy.server import BackgroundServer, ServerConfig
from expresspy.testing import request

BOUNDARY = "B0undary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def part(
    name: str | None,
    value: str | bytes,
    filename: str | None = None,
    content_type: str | None = None,
) -> bytes:
    disposition = "form-data" + (f'; name="{name}"' if name is not None else "")
    if filename is not None:
        disposition += f'; filename="{filename}"'
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    data = value.encode() if isinstance(value, str) else value
    return head.encode() + b"\r\n" + data + b"\r\n"


def form(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def show(req: Any, res: Any) -> None:
    res.json({"body": req.body, "file": req.file, "files": req.files})


def error_as_data(err: Any, req: Any, res: Any, next: Any) -> None:
    res.status(500).json(
        {
            "name": type(err).__name__,
            "code": getattr(err, "code", None),
            "field": getattr(err, "field", None),
            "filename": getattr(err, "filename", None),
            "message": str(err),
        }
    )


def app_with(middleware: Any, handler: Any = show) -> Any:
    app = express()
    app.post("/", middleware, handler)
    app.use(error_as_data)
    return app


def post(app: Any, body: bytes, content_type: str = CONTENT_TYPE) -> Any:
    return request(app).post("/").set("Content-Type", content_type).send(body).end()


def gone(folder: Path) -> bool:
    """True once `folder` holds no file and still holds none 0.1 s later (removal runs in a
    worker thread, and an upload being aborted may create its file just after a first look
    found the folder empty)."""
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        if not any(folder.iterdir()):
            time.sleep(0.1)
            if not any(folder.iterdir()):
                return True
        time.sleep(0.01)
    return False


# -- the public names ------------------------------------------------------------------------


def test_the_names_multer_exports() -> None:
    assert multer.disk_storage is disk_storage and multer.diskStorage is diskStorage
    assert multer.memory_storage is memory_storage and multer.memoryStorage is memoryStorage
    assert multer.MulterError is MulterError
    assert diskStorage is disk_storage and memoryStorage is memory_storage


def test_options_are_checked_when_built(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="Expected object for argument options"):
        multer("uploads/")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unknown option 'fileFiltr'"):
        multer({"fileFiltr": None})
    with pytest.raises(TypeError, match="unknown limit 'fileSise'"):
        multer(limits={"fileSise": 1})
    with pytest.raises(
        TypeError,
        match=r"Expected limits\.fileSize to be a non-negative "
        r"integer or Infinity",
    ):
        multer({"limits": {"fileSize": 1.5}})
    with pytest.raises(TypeError, match=r"limits\.files"):
        multer(limits={"files": -1})
    multer(limits={"fileSize": float("inf"), "files": None})  # both mean no limit
    with pytest.raises(TypeError, match="_handleFile"):
        multer(storage=object())
    with pytest.raises(TypeError, match="file_filter must be a function"):
        multer(file_filter=True)
    with pytest.raises(TypeError, match=r"each field is \{"):
        multer().fields([{"maxCount": 1}])
    folder = tmp_path / "made" / "here"
    multer(dest=folder)
    assert folder.is_dir()  # multer creates a dest folder (and its parents) when built


# -- methods and storages ---------------------------------------------------------------------


def test_single_on_disk_gives_multers_file_object(tmp_path: Path) -> None:
    res = post(
        app_with(multer(dest=tmp_path).single("avatar")),
        form(part("name", "tobi"), part("avatar", "hello", "me.png", "image/png")),
    )
    assert res.status == 200
    file = res.body["file"]
    assert list(file) == [
        "fieldname",
        "originalname",
        "encoding",
        "mimetype",
        "path",
        "destination",
        "filename",
        "size",
    ]
    assert re.fullmatch(r"[0-9a-f]{32}", file["filename"])  # random, without extension
    assert file["destination"] == str(tmp_path)
    assert file["path"] == str(tmp_path / file["filename"])
    assert (
        file["fieldname"],
        file["originalname"],
        file["encoding"],
        file["mimetype"],
        file["size"],
    ) == ("avatar", "me.png", "7bit", "image/png", 5)
    assert res.body["body"] == {"name": "tobi"} and res.body["files"] is None
    assert Path(file["path"]).read_bytes() == b"hello"  # kept: multer never deletes a success


def test_default_destination_is_the_temp_folder() -> None:
    seen: list[Any] = []

    def keep(req: Any, res: Any) -> None:
        seen.append(req.file)
        res.end()

    post(app_with(multer(storage=disk_storage()).single("f"), keep), form(part("f", "x", "a")))
    try:
        assert seen[0]["destination"] == tempfile.gettempdir()
    finally:
        os.unlink(seen[0]["path"])


def test_memory_storage_buffer_is_bytes_and_json_like_nodes_buffer() -> None:
    seen: list[Any] = []

    def handler(req: Any, res: Any) -> None:
        seen.append(req.file)
        res.json(req.file)

    res = post(app_with(multer().single("f"), handler), form(part("f", b"\x00\xffhi", "a.bin")))
    file = seen[0]
    assert isinstance(file, MulterFile) and isinstance(file["buffer"], Buffer)
    assert file["buffer"] == b"\x00\xffhi" and file.buffer == file["buffer"]
    assert list(file) == ["fieldname", "originalname", "encoding", "mimetype", "buffer", "size"]
    assert res.body["buffer"] == {"type": "Buffer", "data": [0, 255, 104, 105]}
    with pytest.raises(AttributeError, match="no 'path'"):
        _ = file.path


def test_a_disk_file_object_is_plain_json(tmp_path: Path) -> None:
    seen: list[Any] = []

    def handler(req: Any, res: Any) -> None:
        seen.append(req.files)
        res.end()

    post(app_with(multer(dest=tmp_path).array("f"), handler), form(part("f", "x", "a.txt")))
    assert json.loads(json.dumps(seen[0]))[0]["originalname"] == "a.txt"


def test_array_fields_none_and_any() -> None:
    memory = multer(storage=memory_storage())
    body = form(
        part("a", "1", "a.txt"), part("b", "2", "b.txt"), part("b", "3", "c.txt"), part("t", "text")
    )
    res = post(app_with(memory.fields([{"name": "a", "maxCount": 1}, {"name": "b"}])), body)
    assert {k: [f["originalname"] for f in v] for k, v in res.body["files"].items()} == {
        "a": ["a.txt"],
        "b": ["b.txt", "c.txt"],
    }
    res = post(app_with(memory.any()), body)
    assert [f["fieldname"] for f in res.body["files"]] == ["a", "b", "b"]
    assert (
        post(app_with(memory.array("b", 2)), form(part("b", "2", "b.txt"))).body["files"][0]["size"]
        == 1
    )
    res = post(app_with(memory.none()), form(part("t", "text")))
    assert res.body == {"body": {"t": "text"}, "file": None, "files": None}
    res = post(app_with(memory.none()), body)
    assert res.body["code"] == "LIMIT_UNEXPECTED_FILE" and res.body["field"] == "a"
    res = post(app_with(memory.array("b", 1)), body)
    assert (res.body["code"], res.body["field"]) == ("LIMIT_UNEXPECTED_FILE", "a")


def test_the_camelcase_dict_form(tmp_path: Path) -> None:
    def only_text(req: Any, file: Any, cb: Any) -> None:
        cb(None, file["mimetype"] == "text/plain")

    upload = multer(
        {
            "dest": str(tmp_path),
            "fileFilter": only_text,
            "limits": {"fileSize": 3},
            "preservePath": True,
        }
    )
    res = post(
        app_with(upload.any()),
        form(part("f", "abc", "d/a.txt"), part("g", "skipped", "b.png", "image/png")),
    )
    assert [f["originalname"] for f in res.body["files"]] == ["d/a.txt"]
    assert (
        post(app_with(upload.any()), form(part("f", "abcd", "a.txt"))).body["code"]
        == "LIMIT_FILE_SIZE"
    )


def test_custom_disk_storage_callbacks(tmp_path: Path) -> None:
    def destination(req: Any, file: Any, cb: Any) -> None:
        cb(None, str(tmp_path))

    async def filename(req: Any, file: Any, cb: Any) -> None:  # a coroutine works too
        await asyncio.sleep(0)
        threading.Thread(target=cb, args=(None, "x-" + file["originalname"])).start()

    upload = multer(storage=disk_storage({"destination": destination, "filename": filename}))
    res = post(app_with(upload.single("f")), form(part("f", "data", "a.txt")))
    assert res.body["file"]["path"] == str(tmp_path / "x-a.txt")
    assert (tmp_path / "x-a.txt").read_text() == "data"


def test_a_storage_callback_error_goes_to_next(tmp_path: Path) -> None:
    def destination(req: Any, file: Any, cb: Any) -> None:
        cb(ValueError("no room"))

    res = post(
        app_with(multer(storage=disk_storage(destination=destination)).any()),
        form(part("f", "data", "a.txt")),
    )
    assert (res.status, res.body["name"], res.body["message"]) == (500, "ValueError", "no room")


def test_file_filter_error_and_skip_releasing_the_slot() -> None:
    def pick(req: Any, file: Any, cb: Any) -> None:
        if file["originalname"] == "bad":
            cb(Exception("bad file"))
        else:
            cb(None, file["originalname"].endswith(".png"))

    upload = multer(file_filter=pick)
    res = post(
        app_with(upload.array("f", 1)), form(part("f", "1", "a.txt"), part("f", "2", "b.png"))
    )
    assert [f["originalname"] for f in res.body["files"]] == ["b.png"]
    res = post(app_with(upload.array("f", 1)), form(part("f", "1", "bad")))
    assert (res.status, res.body["message"]) == (500, "bad file")


def test_limits_may_be_a_function_of_the_request() -> None:
    upload = multer(limits=lambda req: {"fileSize": int(req.query["max"])})
    app = express()
    app.post("/", upload.any(), show)
    app.use(error_as_data)
    ok = (
        request(app)
        .post("/?max=2")
        .set("Content-Type", CONTENT_TYPE)
        .send(form(part("f", "12", "a")))
        .end()
    )
    assert ok.status == 200
    bad = (
        request(app)
        .post("/?max=1")
        .set("Content-Type", CONTENT_TYPE)
        .send(form(part("f", "12", "a")))
        .end()
    )
    assert bad.body["code"] == "LIMIT_FILE_SIZE"


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "parts", "expected"),
    [
        (
            {"fileSize": 3},
            [part("f", "1234", "a.txt")],
            ("LIMIT_FILE_SIZE", "f", "a.txt", "File too large"),
        ),
        (
            {"files": 1},
            [part("f", "1", "a"), part("g", "2", "b")],
            ("LIMIT_FILE_COUNT", None, None, "Too many files"),
        ),
        (
            {"fields": 1},
            [part("a", "1"), part("b", "2")],
            ("LIMIT_FIELD_COUNT", None, None, "Too many fields"),
        ),
        (
            {"fieldSize": 2},
            [part("a", "123")],
            ("LIMIT_FIELD_VALUE", "a", None, "Field value too long"),
        ),
        (
            {"parts": 1},
            [part("a", "1"), part("f", "2", "b")],
            ("LIMIT_PART_COUNT", None, None, "Too many parts"),
        ),
        (
            {"fieldNameSize": 2},
            [part("abc", "1")],
            ("LIMIT_FIELD_KEY", None, None, "Field name too long"),
        ),
        ({}, [part(None, "1")], ("MISSING_FIELD_NAME", None, None, "Field name missing")),
        ({}, [part(None, "1", "a.txt")], ("MISSING_FIELD_NAME", None, None, "Field name missing")),
        (
            {"fieldNestingDepth": 1},
            [part("a[b][c]", "1")],
            ("LIMIT_FIELD_NESTING", "a[b][c]", None, "Field name nesting too deep"),
        ),
        (
            {"fieldArrayIndexLimit": 5},
            [part("a[6]", "1")],
            ("LIMIT_FIELD_ARRAY_INDEX", "a[6]", None, "Field name array index too large"),
        ),
    ],
)
def test_each_error_code_and_no_file_left(
    tmp_path: Path, limits: dict[str, Any], parts: list[bytes], expected: tuple[Any, ...]
) -> None:
    res = post(app_with(multer(dest=tmp_path, limits=limits).any()), form(*parts))
    assert res.status == 500
    assert (
        res.body["code"],
        res.body["field"],
        res.body["filename"],
        res.body["message"],
    ) == expected
    assert res.body["name"] == "MulterError"
    assert gone(tmp_path)


def test_limits_are_inclusive_and_multers_defaults_apply() -> None:
    upload = multer(limits={"fileSize": 4, "files": 2, "fields": 1, "fieldSize": 3, "parts": 3})
    res = post(
        app_with(upload.any()),
        form(part("a", "123"), part("f", "1234", "x"), part("g", "1234", "y")),
    )
    assert res.status == 200
    # no file size limit by default; field values up to busboy's 1 MiB
    big = b"x" * (3 * 1024 * 1024)
    res = post(
        app_with(multer().any()), form(part("f", big, "big.bin"), part("a", "y" * 1024 * 1024))
    )
    assert res.body["files"][0]["size"] == len(big)
    res = post(app_with(multer().any()), form(part("a", "y" * (1024 * 1024 + 1))))
    assert res.body["code"] == "LIMIT_FIELD_VALUE"


def test_unexpected_file_names_field_and_filename_and_default_handler_is_500() -> None:
    app = express()
    app.set("env", "production")
    app.post("/", multer().single("avatar"), show)
    res = post(app, form(part("other", "1", "x.png")))
    assert res.status == 500 and "Internal Server Error" in res.text
    err = MulterError("LIMIT_UNEXPECTED_FILE", "other", "x.png")
    assert (err.code, err.field, err.filename, str(err)) == (
        "LIMIT_UNEXPECTED_FILE",
        "other",
        "x.png",
        "Unexpected file field",
    )
    assert not hasattr(err, "status")
    assert MulterError("NOPE").message == "Unknown error: NOPE"


@pytest.mark.parametrize(
    "cut",
    [
        part("a", "1"),
        part("a", "1") + f"--{BOUNDARY}".encode(),
        part("f", "complete", "a.txt") + part("g", "half a fi", "b.txt")[:-15],
        b"",
    ],
)
def test_a_cut_body_is_unexpected_end_of_form_and_removes_files(tmp_path: Path, cut: bytes) -> None:
    res = post(app_with(multer(dest=tmp_path).any()), cut)
    assert (res.status, res.body["name"], res.body["message"]) == (
        500,
        "FormError",
        "Unexpected end of form",
    )
    assert gone(tmp_path)


def test_malformed_bodies_and_content_types() -> None:
    app = app_with(multer().any())
    res = post(app, f"--{BOUNDARY}\r\nNo colon\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode())
    assert res.body["message"] == "Malformed part header"
    res = post(app, form(part("a", "1")), "multipart/form-data")
    assert res.body["message"] == "Multipart: Boundary not found"
    res = post(app, form(part("a", "1")), f"multipart/mixed; boundary={BOUNDARY}")
    assert res.body["message"] == f"Unsupported content type: multipart/mixed; boundary={BOUNDARY}"


def test_non_multipart_requests_pass_untouched() -> None:
    app = app_with(multer().single("f"))
    res = request(app).post("/").send({"a": 1}).end()
    assert res.body == {"body": None, "file": None, "files": None}
    app = express()
    app.post("/", express.json(), multer().any(), show)
    assert request(app).post("/").send({"a": 1}).end().body["body"] == {"a": 1}


def test_names_and_values_decode_as_busboy() -> None:
    body = (
        part("a%22b", "v")
        + f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
        f'name="f"; filename="r\u00e9.txt"; filename*=UTF-8\'\'%C3%A9.txt\r\n\r\n'
        "x\r\n".encode()
        + part("g", "x", "r\u00e9sum\u00e9.txt")
        + part("p", "x", "../a/b")
    )
    res = post(app_with(multer().any()), form(body))
    assert res.body["body"] == {'a"b': "v"}
    assert [f["originalname"] for f in res.body["files"]] == [
        "\u00e9.txt",
        "r\u00c3\u00a9sum\u00c3\u00a9.txt",
        "b",
    ]


def test_append_field_as_multer_builds_req_body() -> None:
    body: dict[str, Any] = {}
    for name, value in [
        ("a", "1"),
        ("a", "2"),
        ("o[x]", "1"),
        ("o[y][]", "2"),
        ("o[y][]", "3"),
        ("arr[2]", "z"),
        ("s", "1"),
        ("s[k]", "2"),
        ("l[0]", "a"),
        ("l[k]", "b"),
        ("[x]", "lit"),
        ("b[", "lit"),
    ]:
        append_field(body, name, value)
    assert body == {
        "a": ["1", "2"],
        "o": {"x": "1", "y": ["2", "3"]},
        "arr": [None, None, "z"],
        "s": {"": "1", "k": "2"},
        "l": {"0": "a", "k": "b"},
        "[x]": "lit",
        "b[": "lit",
    }


def test_a_huge_array_index_is_refused_by_default() -> None:
    res = post(app_with(multer().none()), form(part("a[10001]", "x")))
    assert res.body["code"] == "LIMIT_FIELD_ARRAY_INDEX"
    res = post(
        app_with(multer(limits={"fieldArrayIndexLimit": 20000}).none()), form(part("a[10001]", "x"))
    )
    assert len(res.body["body"]["a"]) == 10002


# -- on a real server ---------------------------------------------------------------------------


def raw_post(
    port: int, head_extra: bytes, chunks: list[bytes], length: int, close_early: bool = False
) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Type: "
            + CONTENT_TYPE.encode()
            + b"\r\nContent-Length: %d\r\n" % length
            + head_extra
            + b"\r\n"
        )
        with contextlib.suppress(OSError):  # the server may answer while we still send
            for chunk in chunks:
                sock.sendall(chunk)
        if close_early:
            return b""
        answer = b""
        while data := sock.recv(65536):
            answer += data
        return answer


def test_a_file_over_the_limit_is_refused_and_the_answer_reaches_the_client(tmp_path: Path) -> None:
    # multer reads the rest of the body before answering; a server closing on unread bytes
    # would have the client's TCP stack drop the answer with a reset
    app = app_with(multer(dest=tmp_path, limits={"fileSize": 1024 * 1024}).any())
    head = part("f", b"", "big.bin")[:-2]
    block = b"x" * (256 * 1024)
    with BackgroundServer(app, ServerConfig(port=0, access_log=False)) as srv:
        chunks = [head] + [block] * 12 + [f"\r\n--{BOUNDARY}--\r\n".encode()]
        answer = raw_post(srv.port, b"", chunks, sum(map(len, chunks)))
    assert answer.startswith(b"HTTP/1.1 500 "), answer[:100]
    assert b'"code":"LIMIT_FILE_SIZE"' in answer
    assert gone(tmp_path)


def test_a_client_leaving_mid_upload_leaves_no_file(tmp_path: Path) -> None:
    reached = threading.Event()

    def note(req: Any, file: Any, cb: Any) -> None:
        reached.set()
        cb(None, True)

    app = app_with(multer(dest=tmp_path, file_filter=note).any())
    head = part("f", b"", "big.bin")[:-2]
    with BackgroundServer(app, ServerConfig(port=0, access_log=False)) as srv:
        raw_post(srv.port, b"", [head, b"x" * 65536], 10 * 1024 * 1024, close_early=True)
        assert reached.wait(5)
        assert gone(tmp_path)


def test_param_charset_and_unchecked_field_names_by_default() -> None:
    body = form(part("n" * 300, "1"), part("f", "x", "r\u00e9.txt"))
    res = post(app_with(multer().any()), body)
    assert "n" * 300 in res.body["body"]  # fieldNameSize is only checked when set
    assert res.body["files"][0]["originalname"] == "r\u00c3\u00a9.txt"
    res = post(app_with(multer(def_param_charset="utf8").any()), body)
    assert res.body["files"][0]["originalname"] == "r\u00e9.txt"


def test_a_storage_engine_of_ones_own() -> None:
    class Sizes:
        """Stores nothing, counts the bytes: the documented engine protocol."""

        def __init__(self) -> None:
            self.removed: list[str] = []

        async def open(self, req: Any, file: dict[str, Any]) -> Any:
            engine = self

            class Sink:
                size = 0

                async def write(self, block: bytes) -> None:
                    self.size += len(block)

                async def close(self) -> dict[str, Any]:
                    return {"size": self.size, "where": "nowhere"}

                async def discard(self) -> None:
                    engine.removed.append("discarded")

            return Sink()

        async def remove(self, req: Any, file: dict[str, Any]) -> None:
            self.removed.append(file["originalname"])

    engine = Sizes()
    upload = multer(storage=engine, limits={"fileSize": 5})
    res = post(app_with(upload.any()), form(part("f", "abc", "a.txt")))
    assert res.body["files"][0]["where"] == "nowhere" and res.body["files"][0]["size"] == 3
    res = post(app_with(upload.any()), form(part("f", "abc", "a.txt"), part("g", "123456", "b")))
    assert res.body["code"] == "LIMIT_FILE_SIZE"
    assert engine.removed == ["discarded", "a.txt", "b"]
