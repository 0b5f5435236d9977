"""Routing guarantees beyond Express's own test files (issue 4).

Every expected value here was observed on Express 5.3.0 (router 2.3.0, path-to-regexp 8.4.2)
with the same app and the same request, unless the test says otherwise.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from expresspy import express
from expresspy.router import PathError
from expresspy.testing import request

# -- matching cost does not depend on pathological input (ReDoS) -------------------------------

#: One request's budget, in seconds, for a 10 KB adversarial path.
REDOS_BUDGET = 0.5

#: 10 KB paths built to make a backtracking matcher try every split of the separators.
ADVERSARIAL_PATHS = {
    "dashes then x": "/" + "-" * 10_000 + "x/",
    "a- repeated": "/" + "a-" * 5_000 + "/",
    "dashes only": "/" + "-" * 10_000,
    "dots": "/" + "." * 10_000 + "/",
}

#: pattern → whether Express matches each of ADVERSARIAL_PATHS (in that order).
REDOS_PATTERNS = {
    "/:a-:b-:c-:d": (True, False, True, False),
    "/*foo-*bar-:baz": (False, False, False, False),
    "/{:a}{-:b}{-:c}{-:d}": (True, True, True, True),
    "/:a{-:b}{-:c}{-:d}{-:e}": (True, True, True, True),
    "/{:a}{.:b}{.:c}": (True, True, True, True),
    "/*a.*b.*c": (False, False, False, False),
    "/:a.:b.:c.:d": (False, False, False, True),
}

REDOS_CASES = [
    pytest.param(pattern, path, matches, id=f"{pattern} {name}")
    for pattern, expected in REDOS_PATTERNS.items()
    for (name, path), matches in zip(ADVERSARIAL_PATHS.items(), expected, strict=True)
]


@pytest.mark.parametrize(("pattern", "path", "matches"), REDOS_CASES)
def test_redos__adversarial_10kb_path_is_answered_quickly(
    pattern: str, path: str, matches: bool
) -> None:
    app = express()
    app.get(pattern, lambda req, res: res.send("matched"))
    client = request(app)
    client.get("/warm/up").end()  # lifespan and thread pool start outside the timing
    started = time.perf_counter()
    response = client.get(path).end()
    elapsed = time.perf_counter() - started
    assert response.status == (200 if matches else 404)
    assert elapsed < REDOS_BUDGET, f"{pattern} took {elapsed:.3f} s on a 10 KB path"


# -- invalid patterns fail at registration, with the position and the reason -------------------

INVALID_PATTERNS = {
    "/:id?": "Unexpected ? at index 4: /:id?",
    "/*": "Missing parameter name at index 2: /*",
    "/(.*)": "Unexpected ( at index 1: /(.*)",
    "/:a:b": 'Missing text before "b" param: /:a:b',
    "/*a*b": 'Missing text before "b" wildcard: /*a*b',
    "/foo+": "Unexpected + at index 4: /foo+",
    "/{a": "Unexpected end at index 3, expected }: /{a",
    "/a}": "Unexpected } at index 2: /a}",
    "/[x]": "Unexpected [ at index 1: /[x]",
    "/!x": "Unexpected ! at index 1: /!x",
    "/a\\": "Unexpected end after \\ at index 3: /a\\",
    '/:"abc': 'Unterminated quote at index 2: /:"abc',
    "/{a}{b}{c}{d}{e}{f}{g}{h}{i}": "Too many path combinations: /{a}{b}{c}{d}{e}{f}{g}{h}{i}",
}


def _register_route(path: str) -> None:
    express().get(path, lambda req, res: None)


def _register_middleware(path: str) -> None:
    express().use(path, lambda req, res, next: None)


def _register_router_route(path: str) -> None:
    express.Router().route(path)


REGISTRATIONS = [_register_route, _register_middleware, _register_router_route]


@pytest.mark.parametrize("register", REGISTRATIONS)
@pytest.mark.parametrize(("path", "message"), INVALID_PATTERNS.items(), ids=list(INVALID_PATTERNS))
def test_invalid_pattern__raises_path_error_at_registration(
    register: Any, path: str, message: str
) -> None:
    with pytest.raises(PathError) as caught:
        register(path)
    # path-to-regexp appends "; visit https://git.new/pathToRegexpError for info".
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, TypeError)


def test_invalid_pattern__largest_allowed_expansion_registers() -> None:
    _register_route("/{a}{b}{c}{d}{e}{f}{g}{h}")  # 256 combinations: path-to-regexp's cap


# -- deep stacks: no RecursionError ------------------------------------------------------------

LAYERS = 10_000


def _bump(req: Any, res: Any, next: Any) -> None:
    req.count = getattr(req, "count", 0) + 1
    next()


async def _async_bump(req: Any, res: Any, next: Any) -> None:
    req.count = getattr(req, "count", 0) + 1
    next()


def _send_count(req: Any, res: Any) -> None:
    res.send(str(req.count))


@pytest.mark.parametrize("bump", [_bump, _async_bump], ids=["def", "async def"])
def test_deep_stack__ten_thousand_middleware_layers(bump: Any) -> None:
    app = express()
    for _ in range(LAYERS):
        app.use(bump)
    app.use(_send_count)
    request(app).get("/").expect(200, str(LAYERS))


@pytest.mark.parametrize("mode", ["thread", "inline"])
def test_deep_stack__ten_thousand_synchronous_next_calls_in_one_route(mode: str) -> None:
    app = express()
    app.set("sync handlers", mode)
    app.get("/", *([_bump] * LAYERS), _send_count)
    request(app).get("/").expect(200, str(LAYERS))


def test_deep_stack__ten_thousand_layers_in_a_mounted_router() -> None:
    app = express()
    router = express.Router()
    for _ in range(LAYERS):
        router.use(_async_bump)
    app.use("/api", router)
    app.use(_send_count)
    request(app).get("/api/x").expect(200, str(LAYERS))


def test_deep_stack__ten_thousand_non_matching_routes_before_the_match() -> None:
    app = express()
    for i in range(LAYERS):
        app.get(f"/thing{i}", lambda req, res: res.send("wrong"))
    app.get("/", lambda req, res: res.send("right"))
    request(app).get("/").expect(200, "right")


# -- automatic HEAD and OPTIONS ----------------------------------------------------------------


@pytest.fixture
def x_app() -> Any:
    app = express()
    app.get("/x", lambda req, res: res.send("ok"))
    app.post("/x", lambda req, res: res.send("p"))
    app.delete("/:id", lambda req, res: res.end())
    return app


def test_head__runs_get_handlers_and_keeps_headers_without_body(x_app: Any) -> None:
    head = (
        request(x_app)
        .head("/x")
        .expect(200)
        .expect("Content-Type", "text/html; charset=utf-8")
        .expect("Content-Length", "2")
    )
    assert head.content == b""
    assert head.headers["ETag"] == request(x_app).get("/x").expect(200, "ok").headers["ETag"]


def test_wrong_method_on_existing_path__is_404_not_405(x_app: Any) -> None:
    (
        request(x_app)
        .patch("/x")
        .expect(404)
        .expect("Content-Type", "text/html; charset=utf-8")
        .expect("Content-Security-Policy", "default-src 'none'")
        .expect("X-Content-Type-Options", "nosniff")
        .expect("Content-Length", "142")
        .expect(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            "<title>Error</title>\n</head>\n<body>\n<pre>Cannot PATCH /x</pre>\n"
            "</body>\n</html>\n"
        )
    )


def test_options__collects_sorted_methods_of_every_matching_path(x_app: Any) -> None:
    (
        request(x_app)
        .options("/x")
        .expect(200, "DELETE, GET, HEAD, POST")
        .expect("Allow", "DELETE, GET, HEAD, POST")
        .expect("Content-Type", "text/plain")
        .expect("Content-Length", "23")
        .expect("X-Content-Type-Options", "nosniff")
    )


def test_options__an_all_route_that_calls_next_adds_no_methods(x_app: Any) -> None:
    x_app.all("/y", lambda req, res, next: next())
    x_app.get("/y", lambda req, res: res.end())
    allow = "DELETE, GET, HEAD"
    request(x_app).options("/y").expect(200, allow).expect("Allow", allow)


def test_options__a_mounted_router_answers_with_its_own_routes(x_app: Any) -> None:
    router = express.Router()
    router.put("/x", lambda req, res: res.end())
    x_app.use(router)
    # The inner router reaches its end first and answers with what it saw: Express does this.
    request(x_app).options("/x").expect(200, "PUT").expect("Allow", "PUT")


def test_options__an_explicit_options_route_replaces_the_answer(x_app: Any) -> None:
    x_app.options("/x", lambda req, res: res.set("Allow", "GET").send("custom"))
    request(x_app).options("/x").expect(200, "custom").expect("Allow", "GET")


# -- path syntax and dispatch details -----------------------------------------------------------


def _params_app(path: str) -> Any:
    app = express()
    app.get(path, lambda req, res: res.json(req.params))
    return app


def test_path__named_wildcard_is_a_list_of_decoded_segments() -> None:
    request(_params_app("/w/*rest")).get("/w/a/b%2Fc/d").expect(200, {"rest": ["a", "b/c", "d"]})


def test_path__quoted_parameter_name() -> None:
    request(_params_app('/q/:"user id"')).get("/q/tj").expect(200, {"user id": "tj"})


def test_path__optional_extension_binds_the_last_dot() -> None:
    app = _params_app("/f/:file{.:ext}")
    request(app).get("/f/a.b.c").expect(200, {"file": "a.b", "ext": "c"})
    request(app).get("/f/abc").expect(200, {"file": "abc"})


def test_path__parameters_are_url_decoded() -> None:
    app = express()
    app.get("/d/:id", lambda req, res: res.end(req.params["id"]))
    request(app).get("/d/a%20b").expect(200, "a b")
    request(app).get("/d/%2F").expect(200, "/")
    request(app).get("/d/caf%C3%A9").expect(200, "café")


def test_path__malformed_escape_is_a_400_bad_request_in_production() -> None:
    app = _params_app("/bad/:p")
    app.set("env", "production")
    request(app).get("/bad/%E0%A4%A").expect(400, re.compile("<pre>Bad Request</pre>"))


def test_routing_settings__are_read_when_the_router_is_created() -> None:
    app = express()
    app.get("/a", lambda req, res: res.end("a"))
    app.enable("strict routing")  # too late: Express reads it when app.router is created
    app.get("/b/", lambda req, res: res.end("b"))
    request(app).get("/a/").expect(200, "a")
    request(app).get("/b").expect(200, "b")


def test_case_sensitive_routing__applies_to_mount_paths() -> None:
    app = express()
    app.enable("case sensitive routing")
    app.use("/Api", lambda req, res: res.end("api"))
    request(app).get("/api").expect(404)
    request(app).get("/Api/x").expect(200, "api")


def test_app_param__does_not_apply_to_routes_of_mounted_routers() -> None:
    app = express()
    router = express.Router()

    def mark(req: Any, res: Any, next: Any, value: Any) -> None:
        req.hit = "yes"
        next()

    app.param("id", mark)
    router.get("/:id", lambda req, res: res.end(str(getattr(req, "hit", None))))
    app.use("/r", router)
    app.get("/:id", lambda req, res: res.end(str(getattr(req, "hit", None))))
    request(app).get("/r/1").expect(200, "None")
    request(app).get("/1").expect(200, "yes")


def test_app_param__async_callback_raising_goes_to_error_middleware() -> None:
    app = express()

    async def failing(req: Any, res: Any, next: Any, value: Any) -> Any:
        raise Exception("async param")

    app.param("id", failing)
    app.get("/p/:id", lambda req, res: res.end("no"))
    app.use(lambda err, req, res, next: res.end(f"caught {err}"))
    request(app).get("/p/1").expect(200, "caught async param")


def test_router_param__rejects_a_list_of_names() -> None:
    with pytest.raises(TypeError, match="argument name must be a string"):
        express.Router().param(["a"], lambda req, res, next, value: next())  # type: ignore[call-overload]


def test_next_router__in_the_app_router_ends_in_404() -> None:
    app = express()
    app.get("/x", lambda req, res, next: next("router"))
    app.get("/x", lambda req, res: res.end("no"))
    request(app).get("/x").expect(404, re.compile("Cannot GET /x"))


def test_options__with_only_middleware_is_404() -> None:
    app = express()
    app.use(lambda req, res, next: next())
    request(app).options("/x").expect(404, re.compile("Cannot OPTIONS /x"))


def test_head__the_first_matching_route_answers_even_if_a_later_one_is_head() -> None:
    app = express()
    app.get("/t", lambda req, res: res.set("x-h", "get").end("get"))
    app.head("/t", lambda req, res: res.set("x-h", "head").end())
    request(app).head("/t").expect(200).expect("x-h", "get")


def test_sub_app__mounted_at_an_array_of_paths() -> None:
    app, sub = express(), express()
    sub.get("/", lambda req, res: res.json([req.base_url, sub.mountpath]))
    app.use(["/a", "/b"], sub)
    request(app).get("/b").expect(200, ["/b", ["/a", "/b"]])


# -- mounting and URL rewriting ----------------------------------------------------------------


def _snapshot(label: str, req: Any) -> list[Any]:
    return [label, req.url, req.base_url, req.path, req.original_url, dict(req.params)]


def test_mount__rewrites_inside_and_restores_after_a_mounted_router() -> None:
    app = express()
    router = express.Router()
    seen: list[list[Any]] = []

    def inner(req: Any, res: Any, next: Any) -> None:
        seen.append(_snapshot("inner", req))
        next()

    def after(req: Any, res: Any) -> None:
        seen.append(_snapshot("after", req))
        res.json(seen)

    router.get("/:id", inner)
    app.use("/api/:ver", router)
    app.use(after)

    request(app).get("/api/v1/42?z=1").expect(
        200,
        [
            ["inner", "/42?z=1", "/api/v1", "/42", "/api/v1/42?z=1", {"id": "42"}],
            ["after", "/api/v1/42?z=1", "", "/api/v1/42", "/api/v1/42?z=1", {}],
        ],
    )


def test_mount__restores_after_next_router_and_after_an_error() -> None:
    app = express()
    leaving = express.Router()
    failing = express.Router()
    seen: list[list[Any]] = []
    leaving.use(lambda req, res, next: next("router"))
    failing.use(lambda req, res, next: next(Exception("boom")))

    def after(req: Any, res: Any, next: Any) -> None:
        seen.append(_snapshot("after", req))
        next()

    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        seen.append(_snapshot(str(err), req))
        res.json(seen)

    app.use("/a/:x", leaving)
    app.use(after)
    app.use("/a/:x", failing)
    app.use(on_error)

    request(app).get("/a/1/b").expect(
        200,
        [
            ["after", "/a/1/b", "", "/a/1/b", "/a/1/b", {}],
            ["boom", "/a/1/b", "", "/a/1/b", "/a/1/b", {}],
        ],
    )


def test_mount__only_at_segment_boundaries() -> None:
    app = express()
    app.use("/static", lambda req, res: res.send(f"static {req.url}"))
    request(app).get("/static").expect(200, "static /")
    request(app).get("/static/x").expect(200, "static /x")
    request(app).get("/staticx").expect(404)


# -- sub-apps: mount event and settings inheritance --------------------------------------------


def test_sub_app__mount_event_receives_the_parent() -> None:
    app, sub = express(), express()
    parents: list[Any] = []

    @sub.on("mount")
    def mounted(parent: Any) -> None:
        parents.append(parent)

    app.use("/sub", sub)
    assert parents == [app]
    assert sub.parent is app
    assert sub.mountpath == "/sub"
    assert sub.path() == "/sub"


def test_sub_app__inherits_only_settings_without_a_default() -> None:
    app, sub = express(), express()
    app.set("title", "parent")
    app.set("json spaces", 2)
    app.set("etag", False)
    app.set("query parser", "extended")
    app.disable("x-powered-by")

    def report(req: Any, res: Any) -> None:
        res.json(
            {
                "title": req.app.get("title"),
                "spaces": req.app.get("json spaces"),
                "etag": req.app.get("etag"),
                "query parser": req.app.get("query parser"),
                "x-powered-by": req.app.get("x-powered-by"),
                "is sub": req.app is sub,
                "query": req.query,
            }
        )

    sub.get("/", report)
    app.use("/sub", sub)
    # The sub-app's own "x-powered-by" and "etag" defaults apply to its responses.
    (
        request(app)
        .get("/sub?a[b]=1")
        .expect("X-Powered-By", "Express")
        .expect("ETag", re.compile(r'^W/"'))
        .expect(
            200,
            {
                "title": "parent",
                "spaces": 2,
                "etag": "weak",
                "query parser": "simple",
                "x-powered-by": True,
                "is sub": True,
                "query": {"a[b]": "1"},
            },
        )
    )


def test_sub_app__req_app_is_restored_when_the_sub_app_calls_next() -> None:
    app, sub = express(), express()
    seen: list[bool] = []

    def in_sub(req: Any, res: Any, next: Any) -> None:
        seen.append(req.app is sub)
        next()

    sub.use(in_sub)
    app.use("/sub", sub)
    app.use(lambda req, res: res.send(str([*seen, req.app is app])))
    request(app).get("/sub/x").expect(200, "[True, True]")


# -- trust proxy -------------------------------------------------------------------------------

FORWARDED = {
    "X-Forwarded-For": "10.0.0.1, 192.168.1.5, 127.0.0.2",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "example.com:8080",
}
ALL_HOPS = ["10.0.0.1", "192.168.1.5", "127.0.0.2"]


def _trusts_n(n: int) -> Any:
    def trust(addr: str, i: int) -> bool:
        return i < n

    return trust


TRUST_CASES = [
    pytest.param(True, "10.0.0.1", ALL_HOPS, id="true"),
    pytest.param(1, "127.0.0.2", ["127.0.0.2"], id="1 hop"),
    pytest.param(2, "192.168.1.5", ["192.168.1.5", "127.0.0.2"], id="2 hops"),
    pytest.param(3, "10.0.0.1", ALL_HOPS, id="3 hops"),
    pytest.param("loopback", "192.168.1.5", ["192.168.1.5", "127.0.0.2"], id="loopback"),
    pytest.param("loopback, uniquelocal", "10.0.0.1", ALL_HOPS, id="loopback+uniquelocal"),
    pytest.param("127.0.0.1/8, 192.168.0.0/16", "10.0.0.1", ALL_HOPS, id="CIDRs"),
    pytest.param(["loopback", "192.168.1.5"], "10.0.0.1", ALL_HOPS, id="list"),
    pytest.param(_trusts_n(2), "192.168.1.5", ["192.168.1.5", "127.0.0.2"], id="function"),
]


def _proxy_app(setting: Any) -> Any:
    app = express()
    app.set("trust proxy", setting)
    app.get(
        "/",
        lambda req, res: res.json(
            {
                "ip": req.ip,
                "ips": req.ips,
                "protocol": req.protocol,
                "host": req.host,
                "hostname": req.hostname,
            }
        ),
    )
    return app


@pytest.mark.parametrize(("setting", "ip", "ips"), TRUST_CASES)
def test_trust_proxy__trusted_peer(setting: Any, ip: str, ips: list[str]) -> None:
    request(_proxy_app(setting)).get("/").set(FORWARDED).expect(
        200,
        {
            "ip": ip,
            "ips": ips,
            "protocol": "https",
            "host": "example.com:8080",
            "hostname": "example.com",
        },
    )


@pytest.mark.parametrize(
    "setting",
    [False, 0, "10.0.0.0/8", "linklocal", _trusts_n(0)],
    ids=["false", "0 hops", "other CIDR", "linklocal", "function"],
)
def test_trust_proxy__untrusted_peer_ignores_forwarded_headers(setting: Any) -> None:
    response = request(_proxy_app(setting)).get("/").set(FORWARDED).expect(200)
    body = response.body
    assert (body["ip"], body["ips"], body["protocol"]) == ("127.0.0.1", [], "http")
    assert body["hostname"] != "example.com"


@pytest.mark.parametrize("setting", ["not-an-ip", "10.0.0.1/33"])
def test_trust_proxy__invalid_address_fails_when_set(setting: str) -> None:
    # Express raises TypeError("invalid IP address: not-an-ip"); a ValueError is the Python twin.
    with pytest.raises((TypeError, ValueError), match=re.escape(setting)):
        express().set("trust proxy", setting)


def test_trust_proxy__protocol_is_the_first_forwarded_value_trimmed_not_lowercased() -> None:
    app = express()
    app.set("trust proxy", True)
    app.get("/", lambda req, res: res.json([req.protocol, req.secure]))
    request(app).get("/").set("X-Forwarded-Proto", "HTTPS, http").expect(200, ["HTTPS", False])
    request(app).get("/").set("X-Forwarded-Proto", " https , http").expect(200, ["https", True])


# -- query parser ------------------------------------------------------------------------------

MANY_PAIRS = "&".join(f"k{i}=v" for i in range(1005))
ARRAY_OVER_LIMIT = "&".join(f"a[]={i}" for i in range(25))

QUERY_CASES = [
    pytest.param(
        "simple",
        "a=1&a=2&b=x+y&c[d]=3&e",
        {"a": ["1", "2"], "b": "x y", "c[d]": "3", "e": ""},
        id="simple",
    ),
    pytest.param(True, "a=1&a=2&b=x+y", {"a": ["1", "2"], "b": "x y"}, id="true is simple"),
    pytest.param("simple", "a=%E0%A4%A", {"a": "\ufffd%A"}, id="simple malformed escape"),
    pytest.param("extended", "a=1&a=2&b=x+y", {"a": ["1", "2"], "b": "x y"}, id="extended flat"),
    pytest.param(
        "extended",
        "a[]=1&a[]=2&b[0]=x&b[1]=y",
        {"a": ["1", "2"], "b": ["x", "y"]},
        id="extended arrays",
    ),
    pytest.param(
        "extended",
        "a[b][c][d][e][f][g]=1",
        {"a": {"b": {"c": {"d": {"e": {"f": {"[g]": "1"}}}}}}},
        id="extended depth 5",
    ),
    pytest.param("extended", "a[21]=x", {"a": {"21": "x"}}, id="extended index over limit"),
    pytest.param(
        "extended",
        ARRAY_OVER_LIMIT,
        {"a": {str(i): str(i) for i in range(25)}},
        id="extended array over limit",
    ),
    pytest.param("extended", "a=%E0%A4%A", {"a": "%E0%A4%A"}, id="extended malformed escape"),
    pytest.param(False, "a=1&b[c]=2", {}, id="false"),
]


def _query_app(setting: Any) -> Any:
    app = express()
    app.set("query parser", setting)
    app.get("/", lambda req, res: res.json(req.query))
    return app


@pytest.mark.parametrize(("setting", "query", "expected"), QUERY_CASES)
def test_query_parser__settings(setting: Any, query: str, expected: Any) -> None:
    request(_query_app(setting)).get("/?" + query).expect(200, expected)


@pytest.mark.parametrize("setting", ["simple", "extended"])
def test_query_parser__parameter_limit_is_1000(setting: Any) -> None:
    response = request(_query_app(setting)).get("/?" + MANY_PAIRS).expect(200)
    assert len(response.body) == 1000


def test_query_parser__callable_receives_the_raw_query_string() -> None:
    seen: list[str] = []

    def parser(text: str) -> dict[str, str]:
        seen.append(text)
        return {"raw": text}

    raw = "a[b]=1&c=%20"
    request(_query_app(parser)).get("/?" + raw).expect(200, {"raw": raw})
    assert seen == [raw]


def test_an_app_mounted_on_a_plain_router_handles_requests() -> None:
    app, router, sub = express(), express.Router(), express()
    sub.get("/hello", lambda req, res: res.send(f"sub:{req.base_url}:{req.app is sub}"))
    router.use("/r", sub)
    app.use(router)
    request(app).get("/r/hello").expect(200, "sub:/r:True")
    request(app).get("/r/missing").expect(404)


def test_app_path_of_a_sub_app_mounted_on_a_list_of_paths() -> None:
    app, blog, admin = express(), express(), express()
    app.use(["/a", "/b"], blog)
    blog.use("/admin", admin)
    assert (blog.path(), admin.path()) == ("/a,/b", "/a,/b/admin")  # Express: array toString
