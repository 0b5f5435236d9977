"""res.send_file: headers, options, ranges, conditional requests, callbacks, traversal and
streaming. Header values were recorded from Express 5.3 (send@1.2) for the same file, size and
modification time."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from expresspy import express
from expresspy.callbacks import running_loop
from expresspy.testing import request

from .helpers import app_with, wire_headers

pytestmark = pytest.mark.usefixtures("server_path")  # native and ASGI

MTIME = 1577934245  # Thu, 02 Jan 2020 03:04:05 GMT
ETAG = 'W/"10-16f6435cc88"'
BASE = [
    ("accept-ranges", "bytes"),
    ("cache-control", "public, max-age=0"),
    ("last-modified", "Thu, 02 Jan 2020 03:04:05 GMT"),
    ("etag", ETAG),
    ("content-type", "text/plain; charset=utf-8"),
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    public = tmp_path / "public"
    (public / "dir").mkdir(parents=True)
    (public / "digits.txt").write_bytes(b"0123456789abcdef")
    (public / "dir" / "index.html").write_bytes(b"<p>index</p>")
    (public / ".hidden").write_bytes(b"dot")
    (tmp_path / "secret.txt").write_bytes(b"SECRET")
    (tmp_path / "public2").mkdir()
    (tmp_path / "public2" / "x.txt").write_bytes(b"SIBLING")
    os.utime(public / "digits.txt", (MTIME, MTIME))
    return public


def file_app(root: Path, **options: Any) -> Any:
    app = express()
    app.set("env", "test")
    app.get(
        "/*path",
        lambda req, res: res.send_file(
            "/".join(req.params["path"]), {"root": str(root), **options}
        ),
    )
    return app


def test_headers_and_body_match_express(root: Path) -> None:
    response = request(file_app(root)).get("/digits.txt").expect(200, "0123456789abcdef")
    assert wire_headers(response) == [*BASE, ("content-length", "16")]


def test_options_as_express_spells_them(root: Path) -> None:
    app = file_app(
        root,
        maxAge="1d",
        immutable=True,
        lastModified=False,
        acceptRanges=False,
        headers={"X-Foo": "bar"},
    )
    response = request(app).get("/digits.txt").set("Range", "bytes=0-1").expect(200)
    assert wire_headers(response) == [
        ("x-foo", "bar"),
        ("cache-control", "public, max-age=86400, immutable"),
        ("etag", ETAG),
        ("content-type", "text/plain; charset=utf-8"),
        ("content-length", "16"),
    ]


def test_python_spelling_max_age_is_seconds_and_cache_control_can_be_off(root: Path) -> None:
    request(file_app(root, max_age=60)).get("/digits.txt").expect(
        "Cache-Control", "public, max-age=60"
    )
    response = (
        request(file_app(root, cache_control=False, max_age=5)).get("/digits.txt").expect(200)
    )
    assert "cache-control" not in dict(wire_headers(response))


def test_etag_follows_the_app_setting(root: Path) -> None:
    app = file_app(root)
    app.set("etag", False)
    response = request(app).get("/digits.txt").expect(200)
    assert "etag" not in dict(wire_headers(response))


@pytest.mark.parametrize(
    "range_header,status,content_range,body",
    [
        ("bytes=2-5", 206, "bytes 2-5/16", "2345"),
        ("bytes=-3", 206, "bytes 13-15/16", "def"),
        ("bytes=10-", 206, "bytes 10-15/16", "abcdef"),
        ("bytes=0-1,2-4", 206, "bytes 0-4/16", "01234"),  # adjacent ranges are combined
        ("bytes=0-1,3-4", 200, None, "0123456789abcdef"),  # several ranges: whole file, as send
        ("bytes=abc", 200, None, "0123456789abcdef"),
        ("items=0-1", 200, None, "0123456789abcdef"),
    ],
)
def test_ranges(
    root: Path, range_header: str, status: int, content_range: str | None, body: str
) -> None:
    response = (
        request(file_app(root)).get("/digits.txt").set("Range", range_header).expect(status, body)
    )
    headers = dict(wire_headers(response))
    assert headers.get("content-range") == content_range
    assert headers["content-length"] == str(len(body))


def test_unsatisfiable_range_is_416_with_content_range(root: Path) -> None:
    request(file_app(root)).get("/digits.txt").set("Range", "bytes=20-30").expect(
        "Content-Range", "bytes */16"
    ).expect(416)


@pytest.mark.parametrize(
    "if_range,status",
    [
        (ETAG, 206),
        ('"other"', 200),
        ("Thu, 02 Jan 2020 03:04:05 GMT", 206),
        ("Wed, 01 Jan 2020 03:04:05 GMT", 200),
    ],
)
def test_if_range(root: Path, if_range: str, status: int) -> None:
    request(file_app(root)).get("/digits.txt").set(
        {"Range": "bytes=0-1", "If-Range": if_range}
    ).expect(status)


def test_start_and_end_options_combine_with_range(root: Path) -> None:
    request(file_app(root, start=2, end=9)).get("/digits.txt").expect(200, "23456789")
    request(file_app(root, start=2, end=9)).get("/digits.txt").set("Range", "bytes=1-2").expect(
        "Content-Range", "bytes 1-2/8"
    ).expect(206, "34")


@pytest.mark.parametrize(
    "headers,status",
    [
        ({"If-None-Match": ETAG}, 304),
        ({"If-None-Match": "*"}, 304),
        ({"If-Modified-Since": "Thu, 02 Jan 2020 03:04:05 GMT"}, 304),
        ({"If-Modified-Since": "Wed, 01 Jan 2020 03:04:05 GMT"}, 200),
        ({"If-None-Match": ETAG, "Cache-Control": "no-cache"}, 200),
        ({"If-Match": '"nope"'}, 412),
        ({"If-Match": ETAG}, 200),
        ({"If-Match": "*"}, 200),
        ({"If-Unmodified-Since": "Wed, 01 Jan 2020 03:04:05 GMT"}, 412),
        ({"If-Unmodified-Since": "Thu, 02 Jan 2020 03:04:05 GMT"}, 200),
    ],
)
def test_conditional_requests(root: Path, headers: dict[str, str], status: int) -> None:
    response = request(file_app(root)).get("/digits.txt").set(headers).expect(status)
    if status == 304:
        assert wire_headers(response) == BASE[:4]
        assert response.content == b""


def test_head_sends_headers_only(root: Path) -> None:
    response = request(file_app(root), server=True).head("/digits.txt").expect(200)
    assert response.content == b""
    assert wire_headers(response) == [*BASE, ("content-length", "16")]


@pytest.mark.parametrize(
    "path,status",
    [
        ("/..%2Fsecret.txt", 403),
        ("/%2e%2e/secret.txt", 403),
        ("/dir/..%2F..%2Fsecret.txt", 403),
        ("/a%00b", 400),
        ("/..%5Csecret.txt", 403),
        ("/dir%5Cindex.html", 403),
        ("/..%2Fpublic2%2Fx.txt", 403),
        ("/%2Fetc%2Fpasswd", 404),
        ("/.hidden", 404),
        ("/dir/../digits.txt", 200),
        ("/nope.txt", 404),
    ],
)
def test_send_file_never_leaves_its_root(root: Path, path: str, status: int) -> None:
    response = request(file_app(root)).get(path).expect(status)
    assert b"SECRET" not in response.content and b"SIBLING" not in response.content


@pytest.mark.parametrize("dotfiles,status", [("allow", 200), ("deny", 403), ("ignore", 404)])
def test_dotfiles_policy(root: Path, dotfiles: str, status: int) -> None:
    request(file_app(root, dotfiles=dotfiles)).get("/.hidden").expect(status)


@pytest.fixture
def linked(root: Path) -> Path:
    """`root` with symlinks to a file and a directory outside it, and to a file and a
    directory inside it."""
    os.symlink(root.parent / "secret.txt", root / "out.txt")
    os.symlink(root.parent, root / "outdir")
    os.symlink(root / "digits.txt", root / "in.txt")
    os.symlink(root / "dir", root / "indir")
    return root


def link_app(root: Path, **options: Any) -> Any:
    """send_file at /f/... and download at /d/..., both under `root` with `options`."""
    given = {"root": str(root), **options}
    app = express()
    app.get("/f/*path", lambda req, res: res.send_file(joined(req), given))
    app.get("/d/*path", lambda req, res: res.download(joined(req), given))
    return app


def joined(req: Any) -> str:
    """The wildcard path of the request, as one relative path."""
    return "/".join(req.params["path"])


@pytest.mark.parametrize("route", ["/f", "/d"])
@pytest.mark.parametrize(
    "path,status",
    [
        ("/out.txt", 404),
        ("/outdir/secret.txt", 404),
        ("/outdir/public/digits.txt", 200),
        ("/in.txt", 200),
        ("/indir/index.html", 200),
        ("/digits.txt", 200),
    ],
)
def test_a_symlink_may_not_lead_out_of_the_root_by_default(
    linked: Path, route: str, path: str, status: int
) -> None:
    # F-07: send_file/download with a root followed a link to any file, as send does;
    # express.static refused. Now both refuse with the same 404 as a missing file.
    app = link_app(linked)
    response = request(app).get(route + path).expect(status)
    assert b"SECRET" not in response.content
    if status == 404:  # no HEAD, ranged or conditional request gets around it either
        request(app).head(route + path).expect(404)
        request(app).get(route + path).set("Range", "bytes=0-2").expect(404)
        request(app).get(route + path).set("If-None-Match", "*").expect(404)


@pytest.mark.parametrize("route", ["/f", "/d"])
def test_follow_symlinks_option(linked: Path, route: str) -> None:
    allowed = request(link_app(linked, follow_symlinks=True))
    allowed.get(route + "/out.txt").expect(200, "SECRET")
    allowed.get(route + "/outdir/secret.txt").expect(200, "SECRET")
    camel = request(link_app(linked, followSymlinks=True))
    camel.get(route + "/out.txt").expect(200, "SECRET")
    none = request(link_app(linked, follow_symlinks=False))
    none.get(route + "/in.txt").expect(404)
    none.get(route + "/indir/index.html").expect(404)
    none.get(route + "/digits.txt").expect(200, "0123456789abcdef")


def test_a_root_that_is_itself_a_symlink_still_serves(linked: Path, tmp_path: Path) -> None:
    os.symlink(linked, tmp_path / "alias")
    app = link_app(tmp_path / "alias")
    request(app).get("/f/digits.txt").expect(200, "0123456789abcdef")
    request(app).get("/f/out.txt").expect(404)


def test_without_a_root_an_absolute_path_is_the_apps_choice(linked: Path) -> None:
    app = express()
    app.get("/", lambda req, res: res.send_file(str(linked / "out.txt")))
    request(app).get("/").expect(200, "SECRET")


def test_an_unknown_follow_symlinks_policy_is_refused(root: Path) -> None:
    request(link_app(root, follow_symlinks="outside")).get("/f/digits.txt").expect(
        500, re.compile("follow_symlinks option must be True, False or &quot;inside&quot;")
    )


def test_relative_path_without_root_is_a_type_error() -> None:
    app = app_with(lambda req, res: res.send_file("relative.txt"))
    request(app).get("/").expect(
        500, re.compile("path must be absolute or specify root to res.sendFile")
    )


def test_directory_goes_to_next_and_index_serves_a_trailing_slash(root: Path) -> None:
    request(file_app(root)).get("/dir").expect(404, re.compile("Cannot GET /dir"))
    request(file_app(root)).get("/dir/").expect(200, "<p>index</p>")


def test_callback_gets_none_after_sending_and_the_error_on_failure(root: Path) -> None:
    outcomes: list[Any] = []
    app = express()
    app.get("/ok", lambda req, res: res.send_file(str(root / "digits.txt"), outcomes.append))
    app.get(
        "/missing",
        lambda req, res: res.send_file(
            "nope.txt",
            {"root": str(root)},
            lambda err: res.status(299).send(f"{err.status} {err.code} {err.expose}"),
        ),
    )
    request(app).get("/ok").expect(200, "0123456789abcdef")
    deadline = time.monotonic() + 2  # a def handler's callback runs in a worker thread
    while not outcomes and time.monotonic() < deadline:
        time.sleep(0.01)
    assert outcomes == [None]
    request(app).get("/missing").expect(299, "404 ENOENT False")


def test_callback_runs_where_send_file_was_called(root: Path) -> None:
    # from a def handler it used to run on the event loop, where blocking stalls the server
    threads: dict[str, tuple[str, bool]] = {}
    done = threading.Event()
    app = express()

    def record(name: str) -> Any:
        def callback(err: Any) -> None:
            threads[name] = (threading.current_thread().name, running_loop() is not None)
            if len(threads) == 2:
                done.set()

        return callback

    @app.get("/sync")
    def sync_handler(req: Any, res: Any) -> None:
        res.send_file(str(root / "digits.txt"), record("sync"))

    @app.get("/async")
    async def async_handler(req: Any, res: Any) -> None:
        res.send_file(str(root / "digits.txt"), record("async"))

    client = request(app, server=True)
    client.get("/sync").expect(200, "0123456789abcdef")
    client.get("/async").expect(200, "0123456789abcdef")
    assert done.wait(5)
    assert threads["sync"][1] is False  # a worker thread, no loop running there
    assert threads["async"][1] is True  # the event loop


def test_a_file_is_sent_with_zero_copy_by_the_real_server(root: Path) -> None:
    app = file_app(root)
    kinds: list[str] = []

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        async def recording(message: dict[str, Any]) -> None:
            if message["type"].startswith("http."):
                kinds.append(message["type"])
            await send(message)

        await app(scope, receive, recording)

    request(spy, server=True).get("/digits.txt").expect(200, "0123456789abcdef")
    assert kinds == ["http.response.start", "http.response.zerocopysend"]


def test_without_zero_copy_the_file_goes_in_bounded_chunks(tmp_path: Path) -> None:
    import asyncio

    from expresspy.send import CHUNK_SIZE, FileBody

    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(CHUNK_SIZE * 3 + 5))
    sizes: list[int] = []
    received = bytearray()

    async def send(message: dict[str, Any]) -> None:
        sizes.append(len(message["body"]))
        received.extend(message["body"])

    body = FileBody(str(big), 7, CHUNK_SIZE * 3 - 10)
    asyncio.run(body.write_to(send, zero_copy=False))
    body.close()
    assert sizes == [CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE - 10]
    assert bytes(received) == big.read_bytes()[7 : 7 + CHUNK_SIZE * 3 - 10]


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_a_1_gib_file_streams_in_constant_memory(tmp_path: Path) -> None:
    import http.client

    from expresspy.server import BackgroundServer, ServerConfig

    size = 1 << 30
    with open(tmp_path / "huge.bin", "wb") as f:
        f.truncate(size)  # sparse: costs no disk
    app = app_with(lambda req, res: res.send_file(str(tmp_path / "huge.bin")))
    with BackgroundServer(app, ServerConfig(port=0)) as server:
        before = _rss_kib()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        connection.request("GET", "/")
        response = connection.getresponse()
        received = 0
        while chunk := response.read(1 << 20):
            received += len(chunk)
        connection.close()
        grown = _rss_kib() - before
    assert received == size
    assert grown < 16 * 1024, f"RSS grew by {grown} KiB"
