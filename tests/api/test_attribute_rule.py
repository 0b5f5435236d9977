"""The attribute rule (SPEC.md "Names on req/res"), walked over Express 5's whole API.

Every name Express 5.3.0 defines on app, req, res and router (lib/application.js,
lib/request.js, lib/response.js, router 2.3's index.js, plus the properties its docs list and
the Node http names they build on), express-session's and the first-party middleware's names
exist with their camelCase alias, or raise an AttributeError that says why they are not
ported. Names middleware sets read None until set; any other unset name is an AttributeError
with a did-you-mean; an app's own attributes are kept.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from expresspy import Router, express, session
from expresspy.attributes import NOT_PORTED
from expresspy.session import MemoryStore
from expresspy.testing import request

from .helpers import error_message_app

pytestmark = pytest.mark.usefixtures("server_path")  # native and ASGI

# Express 5.3.0's public names (camelCase as in JavaScript).
EXPRESS_REQ = [
    # lib/request.js methods and getters
    "accepts",
    "acceptsCharsets",
    "acceptsEncodings",
    "acceptsLanguages",
    "get",
    "header",
    "is",
    "range",
    "fresh",
    "host",
    "hostname",
    "ip",
    "ips",
    "path",
    "protocol",
    "query",
    "secure",
    "stale",
    "subdomains",
    "xhr",
    # set by the app and router (documented properties)
    "app",
    "baseUrl",
    "body",
    "cookies",
    "method",
    "originalUrl",
    "params",
    "res",
    "route",
    "signedCookies",
    "next",
    # Node's http.IncomingMessage, which tutorials read through req
    "url",
    "headers",
    "httpVersion",
    "rawHeaders",
    "aborted",
    # removed in Express 5, or Node objects without a Python counterpart
    "param",
    "socket",
    "connection",
    "on",
    "once",
]
EXPRESS_RES = [
    # lib/response.js
    "append",
    "attachment",
    "clearCookie",
    "contentType",
    "cookie",
    "download",
    "format",
    "get",
    "header",
    "json",
    "jsonp",
    "links",
    "location",
    "redirect",
    "render",
    "send",
    "sendFile",
    "sendStatus",
    "set",
    "status",
    "type",
    "vary",
    # documented properties
    "app",
    "headersSent",
    "locals",
    "req",
    # Node's http.ServerResponse
    "statusCode",
    "setHeader",
    "getHeader",
    "getHeaders",
    "getHeaderNames",
    "hasHeader",
    "removeHeader",
    "write",
    "end",
    "writableEnded",
    "sendfile",
    "writeHead",
    "socket",
    "on",
    "once",
]
EXPRESS_APP = [
    # lib/application.js
    "all",
    "disable",
    "disabled",
    "enable",
    "enabled",
    "engine",
    "listen",
    "param",
    "path",
    "render",
    "route",
    "set",
    "use",
    "handle",
    # documented properties, events and the routing methods
    "locals",
    "mountpath",
    "router",
    "on",
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "options",
    "head",
    "del",
]
EXPRESS_ROUTER = [
    "all",
    "param",
    "route",
    "use",
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "options",
    "head",
    "handle",
    "listRoutes",
]
# express-session and the first-party middleware (multer, passport, connect-flash, csrf-sync,
# express-rate-limit, cookie-parser, body parsers, method-override).
MIDDLEWARE_REQ = [
    "session",
    "sessionID",
    "sessionStore",
    "file",
    "files",
    "user",
    "login",
    "logIn",
    "logout",
    "logOut",
    "isAuthenticated",
    "isUnauthenticated",
    "authInfo",
    "flash",
    "csrfToken",
    "rateLimit",
    "cookies",
    "signedCookies",
    "secret",
    "body",
    "originalMethod",
]
NAMES = {
    "req": EXPRESS_REQ + MIDDLEWARE_REQ,
    "res": EXPRESS_RES,
    "app": EXPRESS_APP,
    "router": EXPRESS_ROUTER,
}


def snake(name: str) -> str:
    """The Python spelling of an Express name (`sessionID` → `session_id`, `is` → `is_`)."""
    special = {"is": "is_", "logIn": "login", "logOut": "logout"}  # passport: login, logout
    if name in special:
        return special[name]
    return re.sub(r"(?<=[a-z])([A-Z]+)", lambda m: "_" + m[1].lower(), name)


def check(kind: str, obj: Any, name: str) -> str:
    """ "ok" when `obj.name` reads; the reason when it is documented as not ported."""
    try:
        getattr(obj, name)
    except AttributeError as exc:
        reason = NOT_PORTED.get((kind, name))
        assert reason is not None, f"{kind}.{name}: {exc}"
        assert str(exc).endswith(reason), str(exc)
        return "not ported"
    return "ok"


def walk(objects: dict[str, Any]) -> dict[str, str]:
    outcome: dict[str, str] = {}
    for kind, names in NAMES.items():
        for name in names:
            for spelling in {name, snake(name)}:
                outcome[f"{kind}.{spelling}"] = check(kind, objects[kind], spelling)
    return outcome


def test_every_express_express_session_and_middleware_name_exists_with_its_alias() -> None:
    seen: dict[str, str] = {}
    app = express()

    @app.get("/")
    def walk_names(req: Any, res: Any) -> None:
        seen.update(walk({"req": req, "res": res, "app": req.app, "router": Router()}))
        res.send("walked")

    request(app, server=True).get("/").expect(200, "walked")
    missing = {name: how for name, how in seen.items() if how not in ("ok", "not ported")}
    assert not missing
    not_ported = {name for name, how in seen.items() if how == "not ported"}
    # Removed in Express 5 or without a Python counterpart; Node's `on`/`once` may come later.
    assert {
        "req.param",
        "req.socket",
        "res.sendfile",
        "res.writeHead",
        "res.write_head",
        "app.del",
        "app.handle",
        "router.listRoutes",
    } <= not_ported
    assert not_ported <= {f"{kind}.{name}" for kind, name in NOT_PORTED}
    assert len(seen) == 171  # every name above, in both spellings


def test_names_middleware_sets_read_none_until_set_in_either_spelling() -> None:
    app = express()

    @app.get("/")
    def read(req: Any, res: Any) -> None:
        names = [
            "sessionID",
            "session_id",
            "sessionStore",
            "session_store",
            "file",
            "files",
            "user",
            "authInfo",
            "auth_info",
            "flash",
            "csrfToken",
            "csrf_token",
            "rateLimit",
            "rate_limit",
            "originalMethod",
            "original_method",
            "logIn",
        ]
        res.json({name: getattr(req, name) for name in names})

    body = request(app, server=True).get("/").expect(200).response.body
    assert set(body.values()) == {None} and len(body) == 17


def test_session_id_and_session_store_have_their_camel_case_aliases() -> None:
    store = MemoryStore()
    app = express()
    app.use(session(secret="s" * 32, store=store, resave=False, save_uninitialized=False))

    @app.get("/")
    def ids(req: Any, res: Any) -> None:
        res.json(
            [
                req.sessionID == req.session_id == req.session.id,
                req.sessionStore is store,
                req.session_store is store,
            ]
        )

    request(app, server=True).get("/").expect(200, [True, True, True])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("sesion", "'Request' object has no attribute 'sesion'; did you mean 'session'?"),
        ("sessionId", "'Request' object has no attribute 'sessionId'; did you mean 'sessionID'?"),
        ("usr", "'Request' object has no attribute 'usr'; did you mean 'user'?"),
        ("bdy", "'Request' object has no attribute 'bdy'; did you mean 'body'?"),
        ("zzz_nothing_like_it", "'Request' object has no attribute 'zzz_nothing_like_it'"),
        (
            "param",
            "'Request' object has no attribute 'param': req.param() was removed in "
            "Express 5: use req.params, req.body or req.query",
        ),
    ],
)
def test_an_unset_unknown_name_on_req_raises_with_a_did_you_mean(name: str, message: str) -> None:
    app = error_message_app(lambda req: getattr(req, name))
    request(app, server=True).get("/").expect(200, message)


def test_a_misspelt_attribute_in_a_handler_is_a_500_naming_it() -> None:
    app = express()
    app.set("env", "development")
    app.get("/", lambda req, res: res.send(req.sesion.user))
    request(app, server=True).get("/").expect(
        500,
        re.compile(
            "AttributeError: &#39;Request&#39; object has no attribute &#39;sesion&#39;; "
            "did you mean &#39;session&#39;"
        ),
    )


def test_an_app_sets_and_reads_its_own_attributes() -> None:
    app = express()

    def tenant(req: Any, res: Any, next: Any) -> None:
        req.tenant = "acme"
        req.user = {"name": "ada"}
        res.shown_at = 3
        next()

    app.use(tenant)
    app.get("/", lambda req, res: res.json([req.tenant, req.user, res.shown_at]))
    request(app, server=True).get("/").expect(200, ["acme", {"name": "ada"}, 3])


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (
            lambda: express(),
            "gett",
            "'Application' object has no attribute 'gett'; did you mean 'get'?",
        ),
        (
            lambda: express(),
            "del",
            "'Application' object has no attribute 'del': app.del() was "
            "removed in Express 5: use app.delete",
        ),
        (lambda: Router(), "usee", "'Router' object has no attribute 'usee'; did you mean 'use'?"),
    ],
)
def test_app_and_router_typos_suggest_the_name(make: Any, name: str, message: str) -> None:
    with pytest.raises(AttributeError) as caught:
        getattr(make(), name)
    assert str(caught.value) == message


def test_a_response_typo_suggests_the_method() -> None:
    app = express()

    @app.get("/")
    def typo(req: Any, res: Any) -> None:
        try:
            res.sned("x")
        except AttributeError as exc:
            res.send(str(exc))

    request(app, server=True).get("/").expect(
        200, "'Response' object has no attribute 'sned'; did you mean 'send'?"
    )


def test_http_version_and_raw_headers_are_nodes() -> None:
    app = express()
    app.get(
        "/",
        lambda req, res: res.json(
            [
                req.httpVersion,
                req.http_version,
                req.rawHeaders[-2:],
                req.raw_headers == req.rawHeaders,
            ]
        ),
    )
    request(app, server=True).get("/").set("X-Trace", "abc").expect(
        200, ["1.1", "1.1", ["x-trace", "abc"], True]
    )
