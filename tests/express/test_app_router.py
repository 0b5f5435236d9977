"""Port of Express 5's test/app.router.js: the application router.

Cases left out are listed with their reasons in not_ported.toml. QUERY is tested like every
other method (Express skips it on Node < 22 only because Node's parser lacked it).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from expresspy import express
from expresspy.router import HTTP_METHODS
from expresspy.testing import request

# Express's `methods` list minus CONNECT, which the Express test skips.
ROUTABLE_METHODS = [m for m in HTTP_METHODS if m != "connect"]


def sorted_params(req: Any) -> list[list[Any]]:
    """`Object.keys(req.params).sort().map(k => [k, req.params[k]])`."""
    return [[key, req.params[key]] for key in sorted(req.params)]


def send_sorted_params(req: Any, res: Any, next: Any = None) -> None:
    res.send(sorted_params(req))


def test_app_router__should_restore_req_params_after_leaving_router() -> None:
    app = express()
    router = express.Router()

    def handler1(req: Any, res: Any, next: Any) -> None:
        res.set_header("x-user-id", str(req.params.get("id", "undefined")))
        next()

    def handler2(req: Any, res: Any) -> None:
        res.send(req.params["id"])

    def router_mw(req: Any, res: Any, next: Any) -> None:
        res.set_header("x-router", str(req.params.get("id", "undefined")))
        next()

    router.use(router_mw)
    app.get("/user/:id", handler1, router, handler2)

    (
        request(app)
        .get("/user/1")
        .expect("x-router", "undefined")
        .expect("x-user-id", "1")
        .expect(200, "1")
    )


@pytest.mark.parametrize("method", ROUTABLE_METHODS)
def test_app_router__methods__should_include(method: str) -> None:
    app = express()

    def handler(req: Any, res: Any) -> None:
        res.send(method)

    getattr(app, method.replace("-", "_"))("/foo", handler)
    request(app).method(method.upper(), "/foo").expect(200)


@pytest.mark.parametrize("method", ROUTABLE_METHODS)
def test_app_router__methods__should_reject_numbers_for_app(method: str) -> None:
    app = express()
    with pytest.raises(TypeError, match="argument handler must be a function"):
        getattr(app, method.replace("-", "_"))("/", 3)


def test_app_router__methods__should_re_route_when_method_is_altered() -> None:
    app = express()

    def alter(req: Any, res: Any, next: Any) -> Any:
        if req.method != "POST":
            return next()
        req.method = "DELETE"
        res.set_header("X-Method-Altered", "1")
        next()

    app.use(alter)
    app.delete("/", lambda req, res: res.end("deleted everything"))

    request(app).get("/").expect(404)
    request(app).delete("/").expect(200, "deleted everything")
    (request(app).post("/").expect("X-Method-Altered", "1").expect(200, "deleted everything"))


@pytest.fixture
def echo_name_app() -> Any:
    app = express()
    app.get("/:name", lambda req, res: res.send(req.params["name"]))
    return app


def test_app_router__decode_params__should_decode_correct_params(echo_name_app: Any) -> None:
    request(echo_name_app).get("/foo%2Fbar").expect("foo/bar")


def test_app_router__decode_params__should_not_accept_params_in_malformed_paths(
    echo_name_app: Any,
) -> None:
    request(echo_name_app).get("/%foobar").expect(400)


def test_app_router__decode_params__should_not_decode_spaces(echo_name_app: Any) -> None:
    request(echo_name_app).get("/foo+bar").expect("foo+bar")


def test_app_router__decode_params__should_work_with_unicode(echo_name_app: Any) -> None:
    request(echo_name_app).get("/%ce%b1").expect("\u03b1")


def test_app_router__should_be_useable() -> None:
    app = express()
    calls: list[str] = []

    def before(req: Any, res: Any, next: Any) -> None:
        calls.append("before")
        next()

    def get_root(req: Any, res: Any, next: Any) -> None:
        calls.append("GET /")
        next()

    def after(req: Any, res: Any, next: Any) -> None:
        calls.append("after")
        res.json(calls)

    app.use(before)
    app.get("/", get_root)
    app.use(after)

    request(app).get("/").expect(200, ["before", "GET /", "after"])


def test_app_router__when_given_a_regexp__should_match_the_pathname_only() -> None:
    app = express()
    app.get(re.compile(r"^/user/[0-9]+$"), lambda req, res: res.end("user"))
    request(app).get("/user/12?foo=bar").expect("user")


def test_app_router__when_given_a_regexp__should_populate_req_params_with_the_captures() -> None:
    app = express()

    def handler(req: Any, res: Any) -> None:
        res.end(f"{req.params[1]}ing user {req.params[0]}")

    app.get(re.compile(r"^/user/([0-9]+)/(view|edit)?$"), handler)
    request(app).get("/user/10/edit").expect("editing user 10")


def test_app_router__when_given_a_regexp__should_populate_req_params_with_named_captures() -> None:
    app = express()

    def handler(req: Any, res: Any) -> None:
        res.end(f"{req.params[0]}ing user {req.params['userId']}")

    app.get(re.compile(r"^/user/(?P<userId>[0-9]+)/(view|edit)?$"), handler)
    request(app).get("/user/10/edit").expect("editing user 10")


def test_app_router__when_given_a_regexp__should_ensure_regexp_matches_path_prefix() -> None:
    app = express()
    seen: list[str] = []

    def mark(letter: str) -> Any:
        def middleware(req: Any, res: Any, next: Any) -> None:
            seen.append(letter)
            next()

        return middleware

    app.use(re.compile(r"/api.*"), mark("a"))
    app.use(re.compile(r"api"), mark("b"))
    app.use(re.compile(r"/test"), mark("c"))
    app.use(lambda req, res: res.end())

    request(app).get("/test/api/1234").expect(200)
    assert seen == ["c"]


def _user_app(path: str, *settings: str) -> Any:
    app = express()
    for name in settings:
        app.enable(name)
    app.get(path, lambda req, res: res.end("tj"))
    return app


def test_app_router__case_sensitivity__should_be_disabled_by_default() -> None:
    request(_user_app("/user")).get("/USER").expect("tj")


def test_app_router__case_sensitivity__when_case_sensitive_routing_is_enabled__should_match_identical_casing() -> (
    None
):
    request(_user_app("/uSer", "case sensitive routing")).get("/uSer").expect("tj")


def test_app_router__case_sensitivity__when_case_sensitive_routing_is_enabled__should_not_match_otherwise() -> (
    None
):
    request(_user_app("/uSer", "case sensitive routing")).get("/user").expect(404)


def test_app_router__params__should_overwrite_existing_req_params_by_default() -> None:
    app = express()
    router = express.Router()
    router.get("/:action", lambda req, res: res.send(req.params))
    app.use("/user/:user", router)
    request(app).get("/user/1/get").expect(200, '{"action":"get"}')


def test_app_router__params__should_allow_merging_existing_req_params() -> None:
    app = express()
    router = express.Router({"mergeParams": True})
    router.get("/:action", send_sorted_params)
    app.use("/user/:user", router)
    request(app).get("/user/tj/get").expect(200, '[["action","get"],["user","tj"]]')


def test_app_router__params__should_use_params_from_router() -> None:
    app = express()
    router = express.Router(merge_params=True)
    router.get("/:thing", send_sorted_params)
    app.use("/user/:thing", router)
    request(app).get("/user/tj/get").expect(200, '[["thing","get"]]')


def _merged_numeric_params(mount: str, route: str, url: str, expected: str) -> None:
    app = express()
    router = express.Router(merge_params=True)
    router.get(re.compile(route), send_sorted_params)
    app.use(re.compile(mount), router)
    request(app).get(url).expect(200, expected)


def test_app_router__params__should_merge_numeric_indices_req_params() -> None:
    _merged_numeric_params(
        r"^/user/id:(\d+)",
        r"^/(.*)\.(.*)",
        "/user/id:10/profile.json",
        '[["0","10"],["1","profile"],["2","json"]]',
    )


def test_app_router__params__should_merge_numeric_indices_req_params_when_more_in_parent() -> None:
    _merged_numeric_params(
        r"^/user/id:(\d+)/name:(\w+)",
        r"/(.*)",
        "/user/id:10/name:tj/profile",
        '[["0","10"],["1","tj"],["2","profile"]]',
    )


def test_app_router__params__should_merge_numeric_indices_req_params_when_parent_has_same_number() -> (
    None
):
    _merged_numeric_params(
        r"/user/id:(\d+)", r"/name:(\w+)", "/user/id:10/name:tj", '[["0","10"],["1","tj"]]'
    )


def test_app_router__params__should_ignore_invalid_incoming_req_params() -> None:
    app = express()
    router = express.Router(merge_params=True)
    router.get("/:name", send_sorted_params)

    async def clobber(req: Any, res: Any, next: Any) -> None:
        req.params = 3  # wat?
        await router(req, res, next)

    app.use("/user/", clobber)
    request(app).get("/user/tj").expect(200, '[["name","tj"]]')


def test_app_router__params__should_restore_req_params() -> None:
    app = express()
    router = express.Router(merge_params=True)
    router.get(re.compile(r"/user:(\w+)/"), lambda req, res, next: next())

    async def outer(req: Any, res: Any, next: Any) -> None:
        def done(err: Any = None) -> None:
            res.send(sorted_params(req))

        await router(req, res, done)  # type: ignore[call-overload]

    app.use(re.compile(r"/user/id:(\d+)"), outer)
    request(app).get("/user/id:42/user:tj/profile").expect(200, '[["0","42"]]')


def test_app_router__trailing_slashes__should_be_optional_by_default() -> None:
    request(_user_app("/user")).get("/user/").expect("tj")


STRICT = "strict routing"


def _set_middleware_header(req: Any, res: Any, next: Any) -> None:
    res.set_header("x-middleware", "true")
    next()


def test_app_router__trailing_slashes__when_strict_routing_is_enabled__should_match_trailing_slashes() -> (
    None
):
    request(_user_app("/user/", STRICT)).get("/user/").expect("tj")


def test_app_router__trailing_slashes__when_strict_routing_is_enabled__should_pass_though_middleware() -> (
    None
):
    app = express()
    app.enable(STRICT)
    app.use(_set_middleware_header)
    app.get("/user/", lambda req, res: res.end("tj"))
    request(app).get("/user/").expect("x-middleware", "true").expect(200, "tj")


def test_app_router__trailing_slashes__when_strict_routing_is_enabled__should_pass_though_mounted_middleware() -> (
    None
):
    app = express()
    app.enable(STRICT)
    app.use("/user/", _set_middleware_header)
    app.get("/user/test/", lambda req, res: res.end("tj"))
    request(app).get("/user/test/").expect("x-middleware", "true").expect(200, "tj")


def test_app_router__trailing_slashes__when_strict_routing_is_enabled__should_match_no_slashes() -> (
    None
):
    request(_user_app("/user", STRICT)).get("/user").expect("tj")


def _strict_mounted_tj(mount: str, url: str) -> None:
    app = express()
    app.enable(STRICT)
    app.use(mount, lambda req, res: res.end("tj"))
    request(app).get(url).expect(200, "tj")


def test_app_router__trailing_slashes__when_strict_routing_is_enabled__should_match_middleware_when_omitting_the_trailing_slash() -> (
    None
):
    _strict_mounted_tj("/user/", "/user")


def test_app_router__trailing_slashes__when_strict_routing_is_enabled__should_match_middleware() -> (
    None
):
    _strict_mounted_tj("/user", "/user")


def test_app_router__trailing_slashes__when_strict_routing_is_enabled__should_match_middleware_when_adding_the_trailing_slash() -> (
    None
):
    _strict_mounted_tj("/user", "/user/")


def test_app_router__trailing_slashes__when_strict_routing_is_enabled__should_fail_when_omitting_the_trailing_slash() -> (
    None
):
    request(_user_app("/user/", STRICT)).get("/user").expect(404)


def test_app_router__trailing_slashes__when_strict_routing_is_enabled__should_fail_when_adding_the_trailing_slash() -> (
    None
):
    request(_user_app("/user", STRICT)).get("/user/").expect(404)


def test_app_router__should_allow_literal_dot() -> None:
    app = express()

    def handler(req: Any, res: Any) -> None:
        res.end(f"users from {req.params['from']} to {req.params['to']}")

    app.get("/api/users/:from..:to", handler)
    request(app).get("/api/users/1..50").expect("users from 1 to 50")


def _op_user(req: Any, res: Any) -> None:
    res.end(f"{req.params['op']}ing {req.params['user']}")


def test_app_router__name__should_denote_a_capture_group() -> None:
    app = express()
    app.get("/user/:user", lambda req, res: res.end(req.params["user"]))
    request(app).get("/user/tj").expect("tj")


def test_app_router__name__should_match_a_single_segment_only() -> None:
    app = express()
    app.get("/user/:user", lambda req, res: res.end(req.params["user"]))
    request(app).get("/user/tj/edit").expect(404)


def test_app_router__name__should_allow_several_capture_groups() -> None:
    app = express()
    app.get("/user/:user/:op", _op_user)
    request(app).get("/user/tj/edit").expect("editing tj")


def test_app_router__name__should_work_following_a_partial_capture_group() -> None:
    app = express()

    def handler(req: Any, res: Any) -> None:
        old = " (old)" if req.url.startswith("/users") else ""
        res.end(f"{req.params['op']}ing {req.params['user']}{old}")

    app.get("/user{s}/:user/:op", handler)
    request(app).get("/user/tj/edit").expect("editing tj")
    request(app).get("/users/tj/edit").expect("editing tj (old)")


def test_app_router__name__should_work_inside_literal_parenthesis() -> None:
    app = express()
    app.get("/:user\\(:op\\)", _op_user)
    request(app).get("/tj(edit)").expect("editing tj")


def test_app_router__name__should_work_in_array_of_paths() -> None:
    app = express()
    app.get(
        ["/user/:user/poke", "/user/:user/pokes"],
        lambda req, res: res.end("poking " + req.params["user"]),
    )
    request(app).get("/user/tj/poke").expect("poking tj")
    request(app).get("/user/tj/pokes").expect("poking tj")


def _optional_op(req: Any, res: Any) -> None:
    res.end(f"{req.params.get('op') or 'view'}ing {req.params['user']}")


def test_app_router__name_optional__should_denote_an_optional_capture_group() -> None:
    app = express()
    app.get("/user/:user{/:op}", _optional_op)
    request(app).get("/user/tj").expect("viewing tj")


def test_app_router__name_optional__should_populate_the_capture_group() -> None:
    app = express()
    app.get("/user/:user{/:op}", _optional_op)
    request(app).get("/user/tj/edit").expect("editing tj")


def _first_segment(req: Any, res: Any) -> None:
    res.end(req.params["user"][0])


def _joined_segments(req: Any, res: Any) -> None:
    res.end("/".join(req.params["user"]))


def _wildcard_app(path: str, handler: Any) -> Any:
    app = express()
    app.get(path, handler)
    return app


# ":name*" and ":name+" are Express 4 names; in Express 5 both blocks test `*name`.
def test_app_router__name_star__should_match_one_segment() -> None:
    request(_wildcard_app("/user/*user", _first_segment)).get("/user/122").expect("122")


def test_app_router__name_star__should_match_many_segments() -> None:
    app = _wildcard_app("/user/*user", _joined_segments)
    request(app).get("/user/1/2/3/4").expect("1/2/3/4")


def test_app_router__name_star__should_match_zero_segments() -> None:
    app = _wildcard_app("/user{/*user}", lambda req, res: res.end(req.params.get("user")))
    request(app).get("/user").expect("")


def test_app_router__name_plus__should_match_one_segment() -> None:
    request(_wildcard_app("/user/*user", _first_segment)).get("/user/122").expect(200, "122")


def test_app_router__name_plus__should_match_many_segments() -> None:
    app = _wildcard_app("/user/*user", _joined_segments)
    request(app).get("/user/1/2/3/4").expect(200, "1/2/3/4")


def test_app_router__name_plus__should_not_match_zero_segments() -> None:
    app = _wildcard_app("/user/*user", lambda req, res: res.end(req.params.get("user")))
    request(app).get("/user").expect(404)


def test_app_router__dot_name__should_denote_a_format() -> None:
    app = express()
    app.get(
        "/:name.:format",
        lambda req, res: res.end(f"{req.params['name']} as {req.params['format']}"),
    )
    request(app).get("/foo.json").expect(200, "foo as json")
    request(app).get("/foo").expect(404)


def test_app_router__dot_name_optional__should_denote_an_optional_format() -> None:
    app = express()

    def handler(req: Any, res: Any) -> None:
        res.end(f"{req.params['name']} as {req.params.get('format') or 'html'}")

    app.get("/:name{.:format}", handler)
    request(app).get("/foo").expect(200, "foo as html")
    request(app).get("/foo.json").expect(200, "foo as json")


def _never(*args: Any) -> None:
    raise AssertionError("this handler must not run")


def test_app_router__when_next_is_called__should_continue_lookup() -> None:
    app = express()
    calls: list[str] = []

    def optional_bar(req: Any, res: Any, next: Any) -> None:
        calls.append("/foo/:bar?")
        next()

    def foo(req: Any, res: Any, next: Any) -> None:
        calls.append("/foo")
        next()

    def foo2(req: Any, res: Any) -> None:
        calls.append("/foo 2")
        res.json(calls)

    app.get("/foo{/:bar}", optional_bar)
    app.get("/bar", _never)
    app.get("/foo", foo)
    app.get("/foo", foo2)

    request(app).get("/foo").expect(200, ["/foo/:bar?", "/foo", "/foo 2"])


def _hit_then(signal: str) -> Any:
    def handler(req: Any, res: Any, next: Any) -> None:
        res.set("X-Hit", "1")
        next(signal)

    return handler


def test_app_router__when_next_route_is_called__should_jump_to_next_route() -> None:
    app = express()
    app.get("/foo", _hit_then("route"), lambda req, res: res.end("failure"))
    app.get("/foo", lambda req, res: res.end("success"))
    request(app).get("/foo").expect("X-Hit", "1").expect(200, "success")


def test_app_router__when_next_router_is_called__should_jump_out_of_router() -> None:
    app = express()
    router = express.Router()
    router.get("/foo", _hit_then("router"), lambda req, res: res.end("failure"))
    router.get("/foo", lambda req, res: res.end("failure"))
    app.use(router)
    app.get("/foo", lambda req, res: res.end("success"))
    request(app).get("/foo").expect("X-Hit", "1").expect(200, "success")


def test_app_router__when_next_err_is_called__should_break_out_of_app_router() -> None:
    app = express()
    calls: list[str] = []

    def optional_bar(req: Any, res: Any, next: Any) -> None:
        calls.append("/foo/:bar?")
        next()

    def foo(req: Any, res: Any, next: Any) -> None:
        calls.append("/foo")
        next(Exception("fail"))

    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        res.json({"calls": calls, "error": str(err)})

    app.get("/foo{/:bar}", optional_bar)
    app.get("/bar", _never)
    app.get("/foo", foo)
    app.get("/foo", _never)
    app.use(on_error)

    request(app).get("/foo").expect(200, {"calls": ["/foo/:bar?", "/foo"], "error": "fail"})


def test_app_router__when_next_err_is_called__should_call_handler_in_same_route_if_exists() -> None:
    app = express()

    def fn1(req: Any, res: Any, next: Any) -> None:
        next(Exception("boom!"))

    def fn2(req: Any, res: Any, next: Any) -> None:
        res.send("foo here")

    def fn3(err: Any, req: Any, res: Any, next: Any) -> None:
        res.send("route go " + str(err))

    def app_error(err: Any, req: Any, res: Any, next: Any) -> None:
        res.end("error!")

    app.get("/foo", fn1, fn2, fn3)
    app.use(app_error)
    request(app).get("/foo").expect("route go boom!")


async def _create_error(req: Any, res: Any, next: Any) -> Any:
    raise Exception("boom!")


def _saw_error(err: Any, req: Any, res: Any, next: Any) -> None:
    res.send(f"saw {type(err).__name__}: {err}")


def test_app_router__promise_support__should_pass_rejected_promise_value() -> None:
    app = express()
    router = express.Router()
    router.use(_create_error)
    router.use(_saw_error)
    app.use(router)
    request(app).get("/").expect(200, "saw Exception: boom!")


def test_app_router__promise_support__should_ignore_resolved_promise() -> None:
    app = express()
    router = express.Router()
    unexpected: list[str] = []

    async def respond(req: Any, res: Any, next: Any) -> Any:
        res.send("saw GET /foo")
        return "foo"

    router.use(respond)
    router.use(lambda req, res, next: unexpected.append("invoked"))
    app.use(router)
    request(app).get("/foo").expect(200, "saw GET /foo")
    assert unexpected == []


def test_app_router__promise_support__error_handling__should_pass_rejected_promise_value() -> None:
    app = express()
    router = express.Router()

    async def handle_error(err: Any, req: Any, res: Any, next: Any) -> Any:
        raise Exception("caught: " + str(err))

    router.use(_create_error)
    router.use(handle_error)
    router.use(_saw_error)
    app.use(router)
    request(app).get("/").expect(200, "saw Exception: caught: boom!")


def test_app_router__promise_support__error_handling__should_ignore_resolved_promise() -> None:
    app = express()
    router = express.Router()
    unexpected: list[str] = []

    async def handle_error(err: Any, req: Any, res: Any, next: Any) -> Any:
        _saw_error(err, req, res, next)
        return "foo"

    router.use(_create_error)
    router.use(handle_error)
    router.use(lambda req, res, next: unexpected.append("invoked"))
    app.use(router)
    request(app).get("/foo").expect(200, "saw Exception: boom!")
    assert unexpected == []


def test_app_router__should_allow_rewriting_of_the_url() -> None:
    app = express()

    def rewrite(req: Any, res: Any, next: Any) -> None:
        req.user = {"id": 12}  # faux authenticated user
        req.url = f"/user/{req.user['id']}/edit"
        next()

    app.get("/account/edit", rewrite)
    app.get("/user/:id/edit", lambda req, res: res.send("editing user " + req.params["id"]))
    request(app).get("/account/edit").expect("editing user 12")


def test_app_router__should_run_in_order_added() -> None:
    app = express()
    path: list[int] = []

    def push(n: int) -> Any:
        def handler(req: Any, res: Any, next: Any) -> None:
            path.append(n)
            next()

        return handler

    def finish(req: Any, res: Any, next: Any) -> None:
        path.append(5)
        res.end(",".join(map(str, path)))

    app.get("/*path", push(0))
    app.get("/user/:id", push(1))
    app.use(push(2))
    app.all("/user/:id", push(3))
    app.get("/*splat", push(4))
    app.use(finish)

    request(app).get("/user/1").expect(200, "0,1,2,3,4,5")


def test_app_router__should_be_chainable() -> None:
    app = express()
    assert app.get("/", lambda req, res: None) is app


def test_app_router__should_not_use_disposed_router_middleware() -> None:
    # https://github.com/expressjs/express/issues/5743#issuecomment-2277148412
    app = express()
    current: dict[str, Any] = {}

    def set_header(name: str, value: str) -> Any:
        def middleware(req: Any, res: Any, next: Any) -> None:
            res.set_header(name, value)
            next()

        return middleware

    current["router"] = express.Router().use(set_header("old", "foo"))

    async def delegate(req: Any, res: Any, next: Any) -> None:
        await current["router"](req, res, next)

    def yee(req: Any, res: Any, next: Any) -> None:
        res.send("yee")
        next()

    app.use(delegate)
    app.get("/", yee)

    first = request(app).get("/").expect("old", "foo").expect(200, "yee")
    assert "new" not in first.headers

    current["router"] = express.Router().use(set_header("new", "bar"))
    second = request(app).get("/").expect("new", "bar").expect(200, "yee")
    assert "old" not in second.headers
