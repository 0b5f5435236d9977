"""Port of Express 5's test/Router.js: `express.Router()`.

Express drives `router.handle(req, res, done)` with plain objects; a Python Router needs a real
request, so each case mounts the router in an app and sends the request through
`expresspy.testing`, recording what `done` would have seen in a last middleware.

Cases left out are listed with their reasons in not_ported.toml.
"""

from __future__ import annotations

import datetime
import threading
import time
from typing import Any

import pytest

from expresspy import Router, express
from expresspy.router import HTTP_METHODS
from expresspy.testing import request


class Outcome:
    """What `router.handle`'s final callback saw: called or not, and the error."""

    def __init__(self) -> None:
        self.called = False
        self.error: Any = None

    def handler(self, req: Any, res: Any, next: Any) -> None:
        self.called = True
        res.end("done")

    def error_handler(self, err: Any, req: Any, res: Any, next: Any) -> None:
        self.called = True
        self.error = err
        res.status(500).end("error")


def handle(router: Router, method: str, url: str) -> tuple[Any, Outcome]:
    """Run `router` for one request; what `router.handle(req, res, done)` would observe."""
    outcome = Outcome()
    app = express()
    app.use(router)
    app.use(outcome.handler)
    app.use(outcome.error_handler)
    return request(app).method(method, url).end(), outcome


def test_router__should_return_a_function_with_router_methods() -> None:
    router = Router()
    assert callable(router)
    assert callable(router.get)
    assert callable(router.handle)
    assert callable(router.use)


def test_router__should_support_use_of_other_routers() -> None:
    router = Router()
    another = Router()
    another.get("/bar", lambda req, res: res.end())
    router.use("/foo", another)
    response, outcome = handle(router, "GET", "/foo/bar")
    assert (response.status, response.text, outcome.called) == (200, "", False)


def test_router__should_support_dynamic_routes() -> None:
    router = Router()
    another = Router()
    seen: list[str] = []

    def bar(req: Any, res: Any) -> None:
        seen.append(req.params["bar"])
        res.end()

    another.get("/:bar", bar)
    router.use("/:foo", another)
    response, outcome = handle(router, "GET", "/test/route")
    assert (response.status, seen, outcome.called) == (200, ["route"], False)


def test_router__should_handle_blank_url() -> None:
    router = Router()
    router.use(lambda req, res: _fail("should not be called"))
    done: list[Any] = []

    async def blank(req: Any, res: Any, next: Any) -> None:
        # router.handle({ url: '' }, ...): no HTTP request has an empty target, so set it here.
        req.url = ""

        def finish(err: Any = None) -> None:
            done.append(err)
            res.end()

        await router(req, res, finish)  # type: ignore[call-overload]

    app = express().use(blank)
    request(app).get("/").expect(200)
    assert done == [None]


def _fail(message: str) -> None:
    raise AssertionError(message)


def test_router__should_not_stack_overflow_with_many_registered_routes() -> None:
    router = Router()

    def wrong(req: Any, res: Any) -> None:
        res.end("wrong handler")

    for i in range(6000):
        router.get(f"/thing{i}", wrong)
    router.get("/", lambda req, res: res.end())
    response, outcome = handle(router, "GET", "/")
    assert (response.status, response.text, outcome.called) == (200, "", False)


def _counting_stack(register: Any) -> tuple[list[int], Any]:
    """6000 synchronous counting layers between a reset and a final check."""
    counter = [0]

    def reset(req: Any, res: Any, next: Any) -> None:
        counter[0] = 0
        next()

    def bump(req: Any, res: Any, next: Any) -> None:
        counter[0] += 1
        next()

    def finish(req: Any, res: Any) -> None:
        res.end(str(counter[0]))

    register(reset)
    for _ in range(6000):
        register(bump)
    register(finish)
    return counter, finish


def test_router__should_not_stack_overflow_with_a_large_sync_route_stack() -> None:
    router = Router()
    _counting_stack(lambda fn: router.get("/foo", fn))
    response, outcome = handle(router, "GET", "/foo")
    assert (response.status, response.text, outcome.called) == (200, "6000", False)


def test_router__should_not_stack_overflow_with_a_large_sync_middleware_stack() -> None:
    router = Router()
    _counting_stack(router.use)
    response, outcome = handle(router, "GET", "/")
    assert (response.status, response.text, outcome.called) == (200, "6000", False)


def test_router__handle__should_dispatch() -> None:
    router = Router()
    router.route("/foo").get(lambda req, res: res.send("foo"))
    response, _ = handle(router, "GET", "/foo")
    assert response.text == "foo"


def _route_all_raises(callback: Any) -> None:
    router = Router()
    with pytest.raises(TypeError):
        router.route("/foo").all(callback)


def test_router__multiple_callbacks__should_throw_if_a_callback_is_null() -> None:
    _route_all_raises(None)


def test_router__multiple_callbacks__should_throw_if_a_callback_is_not_a_function() -> None:
    _route_all_raises("not a function")


def test_router__multiple_callbacks__should_not_throw_if_all_callbacks_are_functions() -> None:
    router = Router()
    router.route("/foo").all(lambda req, res: None).all(lambda req, res: None)


def _record_error(seen: list[str]) -> Any:
    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        seen.append(str(err))
        res.end()

    return on_error


def test_router__error__should_skip_non_error_middleware() -> None:
    router = Router()
    seen: list[str] = []
    router.get("/foo", lambda req, res, next: next(Exception("foo")))
    router.get("/bar", lambda req, res, next: next(Exception("bar")))
    router.use(lambda req, res, next: _fail("non-error middleware ran"))
    router.use(_record_error(seen))
    handle(router, "GET", "/foo")
    assert seen == ["foo"]


def test_router__error__should_handle_throwing_inside_routes_with_params() -> None:
    router = Router()
    seen: list[str] = []

    def boom(req: Any, res: Any) -> Any:
        raise Exception("foo")

    router.get("/foo/:id", boom)
    router.use(lambda req, res, next: _fail("non-error middleware ran"))
    router.use(_record_error(seen))
    handle(router, "GET", "/foo/2")
    assert seen == ["foo"]


def test_router__error__should_handle_throwing_in_handler_after_async_param() -> None:
    router = Router()
    seen: list[str] = []

    def user_param(req: Any, res: Any, next: Any, val: Any) -> None:
        def later() -> None:
            req.user = val
            next()

        threading.Timer(0.001, later).start()

    def oh_no(req: Any, res: Any, next: Any) -> Any:
        raise Exception("oh no!")

    router.param("user", user_param)
    router.use("/:user", oh_no)
    router.use(_record_error(seen))
    handle(router, "GET", "/bob")
    assert seen == ["oh no!"]


def test_router__error__should_handle_throwing_inside_error_handlers() -> None:
    router = Router()
    seen: list[str] = []

    def boom(req: Any, res: Any, next: Any) -> Any:
        raise Exception("boom!")

    def oops(err: Any, req: Any, res: Any, next: Any) -> Any:
        raise Exception("oops")

    router.use(boom)
    router.use(oops)
    router.use(_record_error(seen))
    handle(router, "GET", "/")
    assert seen == ["oops"]


def _url_recorder(hits: list[str]) -> Any:
    def record(req: Any, res: Any, next: Any) -> None:
        hits.append(req.url)
        next()

    return record


def _fqdn_case(mounts: list[str | None], url: str, expected: list[str]) -> None:
    """Each mount (None: no path) records `req.url`; then `done` must run without error."""
    router = Router()
    hits: list[str] = []
    for mount in mounts:
        if mount is None:
            router.use(_url_recorder(hits))
        else:
            router.use(mount, _url_recorder(hits))
    _, outcome = handle(router, "GET", url)
    assert hits == expected
    assert outcome.called
    assert outcome.error is None


FQDN_POST = "http://example.com/blog/post/1"


def test_router__fqdn__should_not_obscure_fqdns() -> None:
    _fqdn_case([None], "http://example.com/foo", ["http://example.com/foo"])


def test_router__fqdn__should_ignore_fqdn_in_search() -> None:
    _fqdn_case(["/proxy"], "/proxy?url=" + FQDN_POST, ["/?url=" + FQDN_POST])


def test_router__fqdn__should_ignore_fqdn_in_path() -> None:
    _fqdn_case(["/proxy"], "/proxy/" + FQDN_POST, ["/" + FQDN_POST])


def test_router__fqdn__should_adjust_fqdn_req_url() -> None:
    _fqdn_case(["/blog"], FQDN_POST, ["http://example.com/post/1"])


def test_router__fqdn__should_adjust_fqdn_req_url_with_multiple_handlers() -> None:
    _fqdn_case([None, "/blog"], FQDN_POST, [FQDN_POST, "http://example.com/post/1"])


def test_router__fqdn__should_adjust_fqdn_req_url_with_multiple_routed_handlers() -> None:
    _fqdn_case(
        ["/blog", "/blog", None],
        FQDN_POST,
        ["http://example.com/post/1", "http://example.com/post/1", FQDN_POST],
    )


def test_router__all__should_support_using_all_to_capture_all_http_verbs() -> None:
    router = Router()
    count = [0]

    def counter(req: Any, res: Any) -> None:
        count[0] += 1
        res.end()

    router.all("/foo", counter)
    app = express().use(router)
    for method in HTTP_METHODS:
        request(app).method(method.upper(), "/foo?bar=baz").expect(200)
    assert count[0] == len(HTTP_METHODS)


def test_router__use__should_require_middleware() -> None:
    # Deviation (issue 18): `router.use("/")` with a path only is the decorator form
    # (`@router.use("/api")`); the middleware is required when the decorator is applied.
    with pytest.raises(TypeError, match="argument handler is required"):
        Router().use()
    router = Router()
    with pytest.raises(TypeError, match="argument handler must be a function"):
        router.use("/")(None)  # type: ignore[type-var]
    assert router.stack == []


def _use_rejects(middleware: Any) -> None:
    with pytest.raises(TypeError, match="argument handler must be a function"):
        Router().use("/", middleware)


def test_router__use__should_reject_string_as_middleware() -> None:
    _use_rejects("foo")


def test_router__use__should_reject_number_as_middleware() -> None:
    _use_rejects(42)


def test_router__use__should_reject_null_as_middleware() -> None:
    _use_rejects(None)


def test_router__use__should_reject_date_as_middleware() -> None:
    _use_rejects(datetime.datetime.now())


@pytest.mark.parametrize("url", ["/", "/foo", "foo", "*"])
def test_router__use__should_be_called_for_any_url(url: str) -> None:
    router = Router()
    router.use(lambda req, res: res.end())
    response, outcome = handle(router, "GET", url)
    assert (response.status, outcome.called) == (200, False)


def test_router__use__should_accept_array_of_middleware() -> None:
    order: list[int] = []
    router = Router()

    def step(n: int) -> Any:
        def middleware(req: Any, res: Any, next: Any) -> None:
            order.append(n)
            next()

        return middleware

    def last(req: Any, res: Any) -> None:
        order.append(3)
        res.end()

    router.use([step(1), step(2)], last)
    handle(router, "GET", "/foo")
    assert order == [1, 2, 3]


def test_router__param__should_reject_non_function() -> None:
    router = Router()
    with pytest.raises(TypeError, match="argument fn must be a function"):
        router.param("id", 42)  # type: ignore[call-overload]


def test_router__param__should_call_param_function_when_routing_verbs() -> None:
    router = Router()
    seen: list[str] = []

    def id_param(req: Any, res: Any, next: Any, id: Any) -> None:
        seen.append(id)
        next()

    def route(req: Any, res: Any, next: Any) -> None:
        seen.append(req.params["id"])
        next()

    router.param("id", id_param)
    router.get("/foo/:id/bar", route)
    _, outcome = handle(router, "GET", "/foo/123/bar")
    assert seen == ["123", "123"]
    assert outcome.called
    assert outcome.error is None


def test_router__param__should_call_param_function_when_routing_middleware() -> None:
    router = Router()
    seen: list[str] = []

    def id_param(req: Any, res: Any, next: Any, id: Any) -> None:
        seen.append(id)
        next()

    def middleware(req: Any, res: Any, next: Any) -> None:
        seen.extend([req.params["id"], req.url])
        next()

    router.param("id", id_param)
    router.use("/foo/:id/bar", middleware)
    _, outcome = handle(router, "GET", "/foo/123/bar/baz")
    assert seen == ["123", "123", "/baz"]
    assert outcome.called
    assert outcome.error is None


def _user_param_router(second_mount: str) -> tuple[Router, list[str]]:
    router = Router()
    sub = Router()
    users: list[str] = []

    def user_param(req: Any, res: Any, next: Any, user: Any) -> None:
        users.append(user)
        next()

    sub.get("/bar", lambda req, res, next: next())
    router.param("user", user_param)
    router.use("/foo/:user/", Router())
    router.use(second_mount, sub)
    return router, users


def test_router__param__should_only_call_once_per_request() -> None:
    router, users = _user_param_router("/foo/:user/")
    _, outcome = handle(router, "GET", "/foo/bob/bar")
    assert outcome.error is None
    assert users == ["bob"]


def test_router__param__should_call_when_values_differ() -> None:
    router, users = _user_param_router("/:user/bob/")
    _, outcome = handle(router, "GET", "/foo/bob/bar")
    assert outcome.error is None
    assert users == ["bob", "foo"]


def test_router__parallel_requests__should_not_mix_requests() -> None:
    router = Router()
    sub = Router()
    sub.get("/bar", lambda req, res, next: next())

    def ms_param(req: Any, res: Any, next: Any, ms: Any) -> None:
        req.ms = int(ms)
        time.sleep(req.ms / 1000)
        next()

    def report(req: Any, res: Any) -> None:
        res.send(f"{req.ms} {req.original_url}")

    router.param("ms", ms_param)
    router.use("/foo/:ms/", Router())
    router.use("/foo/:ms/", sub)
    app = express().use(router).use(report)

    results: dict[str, str] = {}

    def send(ms: str) -> None:
        results[ms] = request(app).get(f"/foo/{ms}/bar").expect(200).text

    threads = [threading.Thread(target=send, args=(ms,)) for ms in ("50", "10")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"50": "50 /foo/50/bar", "10": "10 /foo/10/bar"}
