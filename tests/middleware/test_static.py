"""express.static(): options, redirects, dotfiles, ranges, conditionals and traversal."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    (root / "sub").mkdir(parents=True)
    (root / "todo.txt").write_text("- groceries")
    (root / "index.html").write_text("<p>home</p>")
    (root / "sub" / "index.html").write_text("<p>sub</p>")
    (root / "page.html").write_text("<p>page</p>")
    (root / ".env").write_text("SECRET=1")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]")
    (root / "nums.txt").write_text("123456789")
    (tmp_path / "secret.txt").write_text("top secret")
    (tmp_path / "public2").mkdir()
    (tmp_path / "public2" / "x.txt").write_text("sibling")
    os.symlink(tmp_path / "secret.txt", root / "link-out.txt")
    os.symlink(root / "todo.txt", root / "link-in.txt")
    return root


def static_app(root: Path, *args: Any, mount: str | None = None, **kwargs: Any) -> Any:
    app = express()
    middleware = express.static(str(root), *args, **kwargs)
    if mount:
        app.use(mount, middleware)
    else:
        app.use(middleware)
    app.use(lambda req, res: res.status(404).send("fell through"))
    app.use(lambda err, req, res, next: res.status(err.status).send(f"error {err.status}"))
    return app


def test_serves_a_file_with_headers(site: Path) -> None:
    res = request(static_app(site)).get("/todo.txt").expect(200, "- groceries")
    assert res.headers["content-type"] == "text/plain; charset=utf-8"
    assert res.headers["accept-ranges"] == "bytes"
    assert res.headers["cache-control"] == "public, max-age=0"
    assert res.headers["etag"].startswith('W/"')
    assert "last-modified" in res.headers


def test_index_and_redirect(site: Path) -> None:
    app = static_app(site)
    request(app).get("/").expect(200, "<p>home</p>")
    request(app).get("/sub/").expect(200, "<p>sub</p>")
    res = request(app).get("/sub?x=1").expect(301)
    assert res.headers["location"] == "/sub/?x=1"
    assert res.headers["content-security-policy"] == "default-src 'none'"
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.text == (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Redirecting</title>\n</head>\n<body>\n"
        "<pre>Redirecting to /sub/?x=1</pre>\n</body>\n</html>\n"
    )


def test_redirect_at_mount_point_and_disabled(site: Path) -> None:
    request(static_app(site, mount="/static")).get("/static").expect(301).expect(
        "Location", "/static/"
    )
    request(static_app(site, redirect=False)).get("/sub").expect(404, "fell through")


def test_redirect_escapes_html(site: Path) -> None:
    (site / "a'b\"c<d>").mkdir()
    res = request(static_app(site)).get("/a%27b%22c%3Cd%3E").expect(301)
    assert res.headers["location"] == "/a%27b%22c%3Cd%3E/"
    assert "<d>" not in res.text and "<a " not in res.text


def test_index_false_and_custom(site: Path) -> None:
    request(static_app(site, index=False)).get("/sub/").expect(404, "fell through")
    request(static_app(site, index=["page.html"])).get("/").expect(200, "<p>page</p>")


def test_extensions(site: Path) -> None:
    request(static_app(site, extensions=["html"])).get("/page").expect(200, "<p>page</p>")
    request(static_app(site)).get("/page").expect(404, "fell through")


@pytest.mark.parametrize(
    ("dotfiles", "status", "body"),
    [("ignore", 404, "fell through"), ("deny", 403, "fell through"), ("allow", 200, "SECRET=1")],
)
def test_dotfiles(site: Path, dotfiles: str, status: int, body: str) -> None:
    expected = 404 if status == 403 else status  # 4xx falls through to the 404 handler
    request(static_app(site, dotfiles=dotfiles)).get("/.env").expect(expected, body)
    no_fall = static_app(site, dotfiles=dotfiles, fallthrough=False)
    if status != 200:
        request(no_fall).get("/.git/config").expect(status, f"error {status}")


def test_max_age_spellings(site: Path) -> None:
    res = request(static_app(site, max_age=3600, immutable=True)).get("/todo.txt").expect(200)
    assert res.headers["cache-control"] == "public, max-age=3600, immutable"
    res = request(static_app(site, {"maxAge": "1d"})).get("/todo.txt").expect(200)
    assert res.headers["cache-control"] == "public, max-age=86400"
    res = request(static_app(site, {"maxAge": 5000})).get("/todo.txt").expect(200)
    assert res.headers["cache-control"] == "public, max-age=5"


def test_header_options_off(site: Path) -> None:
    res = (
        request(
            static_app(
                site, etag=False, last_modified=False, cache_control=False, accept_ranges=False
            )
        )
        .get("/todo.txt")
        .expect(200)
    )
    for name in ("etag", "last-modified", "cache-control", "accept-ranges"):
        assert name not in res.headers


def test_set_headers(site: Path) -> None:
    seen: list[str] = []

    def hook(res: Any, path: str, stat: os.stat_result) -> None:
        seen.append(os.path.basename(path))
        res.set_header("X-Size", str(stat.st_size))

    request(static_app(site, set_headers=hook)).get("/nums.txt").expect(200).expect("X-Size", "9")
    assert seen == ["nums.txt"]


def test_ranges_and_conditionals(site: Path) -> None:
    app = static_app(site)
    request(app).get("/nums.txt").set("Range", "bytes=2-4").expect(206, "345").expect(
        "Content-Range", "bytes 2-4/9"
    )
    request(app).get("/nums.txt").set("Range", "bytes=20-").expect(416).expect(
        "Content-Range", "bytes */9"
    )
    etag = request(app).get("/nums.txt").expect(200).headers["etag"]
    request(app).get("/nums.txt").set("If-None-Match", etag).expect(304, "")
    request(app).get("/nums.txt").set("If-Match", '"nope"').expect(412)


def test_head_has_no_body(site: Path) -> None:
    res = request(static_app(site)).head("/todo.txt").expect(200)
    assert res.content == b"" and res.headers["content-length"] == "11"


def test_methods_and_fallthrough_false(site: Path) -> None:
    request(static_app(site)).post("/todo.txt").expect(404, "fell through")
    res = request(static_app(site, fallthrough=False)).post("/todo.txt").expect(405, "")
    assert res.headers["allow"] == "GET, HEAD"
    request(static_app(site, fallthrough=False)).get("/missing.txt").expect(404, "error 404")


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        ("/../secret.txt", {403, 404}),
        ("/sub/../../secret.txt", {403, 404}),
        ("/%2e%2e/secret.txt", {403}),
        ("/%2E%2E%2Fsecret.txt", {403}),
        ("/..%2fsecret.txt", {403}),
        ("/.%2e/secret.txt", {403}),
        ("/%252e%252e/secret.txt", {404}),
        ("/..%5csecret.txt", {403}),
        ("/%5c..%5csecret.txt", {403}),
        ("/secret%00.txt", {400}),
        ("/a%00/b", {400}),
        ("/../public2/x.txt", {403, 404}),
        ("/%c0%ae%c0%ae/secret.txt", {400, 404}),
        ("/%", {400}),
        ("/" + "a/" * 10_000, {404}),
    ],
)
def test_traversal_never_serves_outside_root(site: Path, path: str, statuses: set[int]) -> None:
    app = static_app(site, fallthrough=False)
    started = time.perf_counter()
    res = request(app).get(path).end()
    assert res.status in statuses, (path, res.status)
    assert "top secret" not in res.text and "sibling" not in res.text
    assert time.perf_counter() - started < 0.5


def test_symlinks(site: Path) -> None:
    request(static_app(site)).get("/link-out.txt").expect(404, "fell through")
    request(static_app(site)).get("/link-in.txt").expect(200, "- groceries")
    request(static_app(site, follow_symlinks=False)).get("/link-in.txt").expect(404)
    request(static_app(site, follow_symlinks=True)).get("/link-out.txt").expect(200, "top secret")


@pytest.mark.parametrize("value", ["yes", None, 1])
def test_bad_follow_symlinks_fails_at_construction(value: Any) -> None:
    with pytest.raises(TypeError, match='follow_symlinks option must be True, False or "inside"'):
        express.static(".", follow_symlinks=value)


def test_root_validation() -> None:
    with pytest.raises(TypeError, match="root path required"):
        express.static("")
