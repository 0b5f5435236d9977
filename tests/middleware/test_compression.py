"""compression(): negotiation, threshold, no-transform, streaming and files."""

from __future__ import annotations

import gzip
import http.client
from pathlib import Path
from typing import Any

import pytest

from expresspy import express
from expresspy.middleware import compression
from expresspy.server import BackgroundServer, ServerConfig
from expresspy.testing import request

BIG = "hello world " * 200  # 2400 bytes, over the 1kb threshold


def app_with(*args: Any, **kwargs: Any) -> Any:
    app = express()
    app.use(compression(*args, **kwargs))
    app.get("/big", lambda req, res: res.send(BIG))
    app.get("/small", lambda req, res: res.send("tiny"))
    app.get("/png", lambda req, res: res.type("png").send(b"\x89PNG" + bytes(3000)))
    app.get("/notransform", lambda req, res: res.set("Cache-Control", "no-transform").send(BIG))

    def stream(req: Any, res: Any) -> None:
        res.type("text")
        for i in range(100):
            res.write(f"line {i}\n" * 20)
        res.end()

    app.get("/stream", stream)
    return app


def raw_get(app: Any, path: str, accept: str | None = "gzip") -> Any:
    test = request(app).get(path).unset("Accept-Encoding")
    if accept is not None:
        test = test.set("Accept-Encoding", accept)
    return test.end()


def test_gzip_when_accepted() -> None:
    res = raw_get(app_with(), "/big")
    assert res.status == 200
    assert res.headers["content-encoding"] == "gzip"
    assert res.headers["vary"] == "Accept-Encoding"
    assert "content-length" not in res.headers or int(res.headers["content-length"]) == len(
        res.content
    )
    assert res.text == BIG  # the test client decodes Content-Encoding as superagent does


def test_deflate_and_preference_for_gzip() -> None:
    res = raw_get(app_with(), "/big", "deflate")
    assert res.headers["content-encoding"] == "deflate"
    assert res.text == BIG
    assert raw_get(app_with(), "/big", "deflate, gzip").headers["content-encoding"] == "gzip"
    assert (
        raw_get(app_with(), "/big", "gzip;q=0.5, deflate").headers["content-encoding"] == "deflate"
    )


def test_identity_only_or_no_header() -> None:
    for accept in ("identity", None, "gzip;q=0"):
        res = raw_get(app_with(), "/big", accept)
        assert "content-encoding" not in res.headers
        assert res.text == BIG


def test_enforce_encoding_without_header() -> None:
    res = raw_get(app_with(enforce_encoding="gzip"), "/big", None)
    assert res.headers["content-encoding"] == "gzip"


def test_below_threshold_is_not_compressed_but_varies() -> None:
    res = raw_get(app_with(), "/small")
    assert "content-encoding" not in res.headers
    assert res.headers["vary"] == "Accept-Encoding"
    assert res.text == "tiny"
    res = raw_get(app_with(threshold=0), "/small")
    assert res.headers["content-encoding"] == "gzip" and res.text == "tiny"


def test_incompressible_type_and_no_transform() -> None:
    assert "content-encoding" not in raw_get(app_with(), "/png").headers
    res = raw_get(app_with(), "/notransform")
    assert "content-encoding" not in res.headers and "vary" not in res.headers


def test_head_is_not_compressed() -> None:
    res = request(app_with()).head("/big").set("Accept-Encoding", "gzip").end()
    assert res.status == 200 and "content-encoding" not in res.headers


def test_streamed_response_is_compressed_chunk_by_chunk() -> None:
    res = raw_get(app_with(), "/stream")
    expected = "".join(f"line {i}\n" * 20 for i in range(100))
    assert res.headers["content-encoding"] == "gzip"
    assert res.text == expected


def test_static_file_over_real_server_with_zero_copy(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(BIG * 10)
    app = express()
    app.use(compression())
    app.get("/page", lambda req, res: res.send_file(str(tmp_path / "page.html")))
    server = BackgroundServer(app, ServerConfig(port=0)).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/page", headers={"Accept-Encoding": "gzip"})
        res = conn.getresponse()
        wire = res.read()
        conn.close()
    finally:
        server.stop()
    assert res.status == 200
    assert res.getheader("Content-Encoding") == "gzip"
    assert len(wire) < len(BIG)  # really compressed on the wire
    assert gzip.decompress(wire).decode() == BIG * 10


def test_304_is_left_alone() -> None:
    app = app_with()
    etag = raw_get(app, "/big").headers["etag"]
    res = request(app).get("/big").set("Accept-Encoding", "gzip").set("If-None-Match", etag).end()
    assert res.status == 304 and res.content == b""
    assert "content-encoding" not in res.headers


@pytest.mark.parametrize("options", [{"chunkSize": 16384}, {"strategy": 1}, {"brotli": {}}])
def test_options_it_does_not_implement_are_refused(options: dict[str, Any]) -> None:
    # they used to be accepted and silently ignored
    with pytest.raises(TypeError, match="is not implemented by expresspy"):
        compression(options)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("level", 10),
        ("level", -2),
        ("level", "9"),
        ("level", True),
        ("window_bits", 8),
        ("mem_level", 0),
    ],
)
def test_out_of_range_numbers_fail_when_built(name: str, value: Any) -> None:
    # level=10 used to fail on the first compressed response instead
    with pytest.raises(ValueError, match=rf"option {name} must be an int"):
        compression(**{name: value})
