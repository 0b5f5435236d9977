"""Port of Express 5's test/req.baseUrl.js: `req.base_url` through nested routers."""

from __future__ import annotations

from typing import Any

from expresspy import express
from expresspy.testing import request


def end_base_url(req: Any, res: Any) -> None:
    res.end(req.base_url)


def test_req__base_url__should_be_empty_for_top_level_route() -> None:
    app = express()
    app.get("/:a", end_base_url)
    request(app).get("/foo").expect(200, "")


def test_req__base_url__should_contain_lower_path() -> None:
    app = express()
    sub = express.Router()
    sub.get("/:b", end_base_url)
    app.use("/:a", sub)
    request(app).get("/foo/bar").expect(200, "/foo")


def test_req__base_url__should_contain_full_lower_path() -> None:
    app = express()
    sub1, sub2, sub3 = express.Router(), express.Router(), express.Router()
    sub3.get("/:d", end_base_url)
    sub2.use("/:c", sub3)
    sub1.use("/:b", sub2)
    app.use("/:a", sub1)
    request(app).get("/foo/bar/baz/zed").expect(200, "/foo/bar/baz")


def test_req__base_url__should_travel_through_routers_correctly() -> None:
    urls: list[str] = []
    app = express()
    sub1, sub2, sub3 = express.Router(), express.Router(), express.Router()

    def record(n: int) -> Any:
        def middleware(req: Any, res: Any, next: Any) -> None:
            urls.append(f"{n}@{req.base_url}")
            next()

        return middleware

    def finish(req: Any, res: Any, next: Any) -> None:
        urls.append(f"4@{req.base_url}")
        res.end(",".join(urls))

    sub3.get("/:d", record(0))
    sub2.use("/:c", sub3)
    sub1.use("/", record(1))
    sub1.use("/bar", sub2)
    sub1.use("/bar", record(2))
    app.use(record(3))
    app.use("/:a", sub1)
    app.use(finish)

    request(app).get("/foo/bar/baz/zed").expect(200, "3@,1@/foo,0@/foo/bar/baz,2@/foo/bar,4@")
