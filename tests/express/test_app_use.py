"""Port of Express 5's test/app.use.js: `app.use()` with middleware, paths and sub-apps."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from expresspy import express
from expresspy.testing import request


def hit(n: int, *, end: bool = False) -> Any:
    """Middleware that sets `x-fn-<n>: hit`, then calls next() or ends the response."""

    def middleware(req: Any, res: Any, next: Any) -> None:
        res.set_header(f"x-fn-{n}", "hit")
        if end:
            res.end()
        else:
            next()

    return middleware


def expect_hits(test: Any, *numbers: int) -> Any:
    for n in numbers:
        test = test.expect(f"x-fn-{n}", "hit")
    return test


def saw_method_url(req: Any, res: Any) -> None:
    res.send(f"saw {req.method} {req.url}")


def saw_through(req: Any, res: Any) -> None:
    res.send(f"saw {req.method} {req.url} through {req.original_url}")


def test_app__should_emit_mount_when_mounted() -> None:
    blog = express()
    app = express()
    parents: list[Any] = []
    blog.on("mount", parents.append)
    app.use(blog)
    assert len(parents) == 1
    assert parents[0] is app


def test_app__use_app__should_mount_the_app() -> None:
    blog = express()
    app = express()
    blog.get("/blog", lambda req, res: res.end("blog"))
    app.use(blog)
    request(app).get("/blog").expect("blog")


def test_app__use_app__should_support_mount_points() -> None:
    blog = express()
    forum = express()
    app = express()
    blog.get("/", lambda req, res: res.end("blog"))
    forum.get("/", lambda req, res: res.end("forum"))
    app.use("/blog", blog)
    app.use("/forum", forum)
    request(app).get("/blog").expect(200, "blog")
    request(app).get("/forum").expect(200, "forum")


def test_app__use_app__should_set_the_childs_parent() -> None:
    blog = express()
    app = express()
    app.use("/blog", blog)
    assert blog.parent is app


def test_app__use_app__should_support_dynamic_routes() -> None:
    blog = express()
    app = express()
    blog.get("/", lambda req, res: res.end("success"))
    app.use("/post/:article", blog)
    request(app).get("/post/once-upon-a-time").expect("success")


def test_app__use_app__should_support_mounted_app_anywhere() -> None:
    blog = express()
    other = express()
    app = express()
    mounted: list[tuple[str, Any]] = []
    blog.get("/", lambda req, res: res.end("success"))
    blog.on("mount", lambda parent: mounted.append(("blog", parent)))
    other.on("mount", lambda parent: mounted.append(("other", parent)))

    app.use("/post/:article", hit(1), other, hit(2), blog)

    assert mounted == [("other", app), ("blog", app)]
    expect_hits(request(app).get("/post/once-upon-a-time"), 1, 2).expect("success")


def test_app__use_middleware__should_accept_multiple_arguments() -> None:
    app = express()
    app.use(hit(1), hit(2), hit(3, end=True))
    expect_hits(request(app).get("/"), 1, 2, 3).expect(200)


def test_app__use_middleware__should_invoke_middleware_for_all_requests() -> None:
    app = express()
    app.use(saw_method_url)
    request(app).get("/").expect(200, "saw GET /")
    request(app).options("/").expect(200, "saw OPTIONS /")
    request(app).post("/foo").expect(200, "saw POST /foo")


def test_app__use_middleware__should_accept_array_of_middleware() -> None:
    app = express()
    app.use([hit(1), hit(2), hit(3, end=True)])
    expect_hits(request(app).get("/"), 1, 2, 3).expect(200)


def test_app__use_middleware__should_accept_multiple_arrays_of_middleware() -> None:
    app = express()
    app.use([hit(1), hit(2)], [hit(3, end=True)])
    expect_hits(request(app).get("/"), 1, 2, 3).expect(200)


def test_app__use_middleware__should_accept_nested_arrays_of_middleware() -> None:
    app = express()
    app.use([[hit(1)], hit(2)], [hit(3, end=True)])
    expect_hits(request(app).get("/"), 1, 2, 3).expect(200)


def test_app__use_path_middleware__should_require_middleware() -> None:
    # Deviation (issue 18): `app.use("/")` with a path only is the decorator form
    # (`@app.use("/api")`), so the middleware is required when the decorator is applied.
    app = express()
    with pytest.raises(TypeError, match=re.escape("app.use() requires a middleware function")):
        app.use()
    with pytest.raises(TypeError, match="argument handler must be a function"):
        app.use("/")(None)  # type: ignore[type-var]
    assert app.router.stack == []


def _use_rejects(middleware: Any) -> None:
    app = express()
    with pytest.raises(TypeError, match="argument handler must be a function"):
        app.use("/", middleware)


def test_app__use_path_middleware__should_reject_string_as_middleware() -> None:
    _use_rejects("foo")


def test_app__use_path_middleware__should_reject_number_as_middleware() -> None:
    _use_rejects(42)


def test_app__use_path_middleware__should_reject_null_as_middleware() -> None:
    _use_rejects(None)


def test_app__use_path_middleware__should_reject_date_as_middleware() -> None:
    _use_rejects(datetime.datetime.now())


def test_app__use_path_middleware__should_strip_path_from_req_url() -> None:
    app = express()
    app.use("/foo", saw_method_url)
    request(app).get("/foo/bar").expect(200, "saw GET /bar")


def test_app__use_path_middleware__should_accept_multiple_arguments() -> None:
    app = express()
    app.use("/foo", hit(1), hit(2), hit(3, end=True))
    expect_hits(request(app).get("/foo"), 1, 2, 3).expect(200)


def _mounted_at(mount: str) -> None:
    app = express()
    app.use(mount, saw_method_url)
    request(app).get("/").expect(404)
    request(app).post("/foo").expect(200, "saw POST /")
    request(app).post("/foo/bar").expect(200, "saw POST /bar")


def test_app__use_path_middleware__should_invoke_middleware_for_all_requests_starting_with_path() -> (
    None
):
    _mounted_at("/foo")


def test_app__use_path_middleware__should_work_if_path_has_trailing_slash() -> None:
    _mounted_at("/foo/")


def test_app__use_path_middleware__should_accept_array_of_middleware() -> None:
    app = express()
    app.use("/foo", [hit(1), hit(2), hit(3, end=True)])
    expect_hits(request(app).get("/foo"), 1, 2, 3).expect(200)


def test_app__use_path_middleware__should_accept_multiple_arrays_of_middleware() -> None:
    app = express()
    app.use("/foo", [hit(1), hit(2)], [hit(3, end=True)])
    expect_hits(request(app).get("/foo"), 1, 2, 3).expect(200)


def test_app__use_path_middleware__should_accept_nested_arrays_of_middleware() -> None:
    app = express()
    app.use("/foo", [hit(1), [hit(2)]], [hit(3, end=True)])
    expect_hits(request(app).get("/foo"), 1, 2, 3).expect(200)


def test_app__use_path_middleware__should_support_array_of_paths() -> None:
    app = express()
    app.use(["/foo/", "/bar"], saw_through)
    request(app).get("/").expect(404)
    request(app).get("/foo").expect(200, "saw GET / through /foo")
    request(app).get("/bar").expect(200, "saw GET / through /bar")


def test_app__use_path_middleware__should_support_array_of_paths_with_middleware_array() -> None:
    app = express()

    def fn3(req: Any, res: Any, next: Any) -> None:
        res.set_header("x-fn-3", "hit")
        saw_through(req, res)

    app.use(["/foo/", "/bar"], [[hit(1)], hit(2)], [fn3])
    for mount in ("/foo", "/bar"):
        test = expect_hits(request(app).get(mount), 1, 2, 3)
        test.expect(200, f"saw GET / through {mount}")


def test_app__use_path_middleware__should_support_regexp_path() -> None:
    app = express()
    app.use(re.compile(r"^/[a-z]oo"), saw_through)
    request(app).get("/").expect(404)
    request(app).get("/foo").expect(200, "saw GET / through /foo")
    request(app).get("/zoo/bear").expect(200, "saw GET /bear through /zoo/bear")
    request(app).get("/get/zoo").expect(404)


def test_app__use_path_middleware__should_support_empty_string_path() -> None:
    app = express()
    app.use("", saw_through)
    request(app).get("/").expect(200, "saw GET / through /")
