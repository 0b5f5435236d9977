# Test names are the upstream describe/it titles, which are often longer than a line.
"""Port of express-session 1.19.0 test/session.js.

Where expresspy deliberately decides differently, the case asserts expresspy's decision and
says why in a comment: the main one is that a store error at the end of a request (save,
touch, destroy) replaces the response with a 500 (express-session has already sent a 200 and
emits the error on the server), so that a 2xx always means the session was committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import re
import ssl
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from expresspy import express, session
from expresspy.server import BackgroundServer, ServerConfig
from expresspy.session import MemoryStore, Session, SessionCookie, Store
from expresspy.testing import request

from .support import (
    MIN,
    cookie,
    create_server,
    create_session,
    expires,
    run,
    secure_server,
    should_not_have_header,
    should_not_set_session_in_store,
    should_set_cookie,
    should_set_cookie_to_different_session_id,
    should_set_cookie_to_expire_in,
    should_set_cookie_to_value,
    should_set_cookie_with_attribute,
    should_set_cookie_with_attribute_and_value,
    should_set_cookie_without_attribute,
    should_set_session_in_store,
    sid,
)

# The suite leaves resave and saveUninitialized unset on purpose (it tests their defaults);
# expresspy warns about those defaults as express-session does.
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


def counting(start: int = 0) -> Any:
    """``req.session.num = req.session.num || ++count; res.end('session ' + num)``."""
    count = [start]

    def respond(req: Any, res: Any) -> None:
        if not req.session.num:
            count[0] += 1
            req.session.num = count[0]
        res.end(f"session {req.session.num}")

    return respond


def sleep_to_next_second() -> None:
    """Wait until 200 ms into the next second, so a new Expires differs (second resolution)."""
    time.sleep((1000 - (time.time() * 1000) % 1000 + 200) / 1000)


# -- session() --------------------------------------------------------------------------------


def test_session__should_export_constructors() -> None:
    assert all(isinstance(cls, type) for cls in (Session, Store, MemoryStore))


def test_session__should_do_nothing_if_req_session_exists() -> None:
    def setup(req: Any, res: Any) -> None:
        req.session = {}

    request(create_server(setup=setup)).get("/").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)


def test_session__should_error_without_secret() -> None:
    with pytest.warns(FutureWarning, match="no secret option"):
        app = create_server({"secret": None})
    request(app).get("/").expect(500, re.compile("secret.*required"))


def test_session__should_get_secret_from_req_secret() -> None:
    def setup(req: Any, res: Any) -> None:
        req.secret = "keyboard cat"

    with pytest.warns(FutureWarning, match="no secret option"):
        app = create_server({"secret": None}, setup=setup)
    request(app).get("/").expect(200, "")


def test_session__should_create_a_new_session() -> None:
    store = MemoryStore()

    def respond(req: Any, res: Any) -> None:
        req.session.active = True
        res.end("session active")

    request(create_server({"store": store}, respond)).get("/").expect(
        should_set_cookie("connect.sid")
    ).expect(200, "session active")
    assert run(store.length()) == 1


def test_session__should_load_session_from_cookie_sid() -> None:
    server = create_server(None, counting())
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "session 1")
        .response
    )
    request(server).get("/").set("Cookie", cookie(res)).expect(200, "session 1")


def test_session__should_pass_session_fetch_error() -> None:
    store = MemoryStore()

    def respond(req: Any, res: Any) -> None:
        res.end("hello, world")

    server = create_server({"store": store}, respond)
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "hello, world")
        .response
    )

    async def failing_get(sid: str) -> None:
        raise RuntimeError("boom!")

    store.get = failing_get  # type: ignore[method-assign]
    request(server).get("/").set("Cookie", cookie(res)).expect(500, "boom!")


def test_session__should_treat_enoent_session_fetch_error_as_not_found() -> None:
    store = MemoryStore()
    server = create_server({"store": store}, counting())
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "session 1")
        .response
    )

    async def missing(sid: str) -> None:
        raise FileNotFoundError("boom!")  # Python's ENOENT

    store.get = missing  # type: ignore[method-assign]
    request(server).get("/").set("Cookie", cookie(res)).expect(200, "session 2")


def test_session__should_create_multiple_sessions() -> None:
    store = MemoryStore()
    count = [0]

    def respond(req: Any, res: Any) -> None:
        is_new = req.session.num is None
        if not req.session.num:
            count[0] += 1
            req.session.num = count[0]
        res.end("session " + ("created" if is_new else "updated"))

    server = create_server({"store": store}, respond)
    request(server).get("/").expect(200, "session created")
    request(server).get("/").expect(200, "session created")
    assert len(run(store.all())) == 2


def test_session__should_handle_empty_req_url() -> None:
    def setup(req: Any, res: Any) -> None:
        req.url = ""

    request(create_server(setup=setup)).get("/").expect(should_set_cookie("connect.sid")).expect(
        200
    )


def test_session__should_handle_multiple_res_end_calls() -> None:
    def respond(req: Any, res: Any) -> None:
        res.set_header("Content-Type", "text/plain")
        res.end("Hello, world!")
        # Node ignores a second end(); expresspy refuses it, which changes nothing sent.
        with contextlib.suppress(Exception):
            res.end()

    request(create_server(None, respond)).get("/").expect("Content-Type", "text/plain").expect(
        200, "Hello, world!"
    )


def test_session__should_handle_res_end_null_calls() -> None:
    def respond(req: Any, res: Any) -> None:
        res.end(None)

    request(create_server(None, respond)).get("/").expect(200, "")


def test_session__should_handle_reserved_properties_in_storage() -> None:
    store = MemoryStore()
    seen: list[str] = []

    def respond(req: Any, res: Any) -> None:
        seen.append(req.session.id)
        req.session.num = req.session.num or 1
        res.end("session saved")

    server = create_server({"store": store}, respond)
    res = request(server).get("/").expect(200, "session saved").response
    sess = run(store.get(seen[0]))
    sess["save"] = "nope"  # save is reserved
    run(store.set(seen[0], sess))
    request(server).get("/").set("Cookie", cookie(res)).expect(200, "session saved")


def test_session__should_only_have_session_data_enumerable_and_cookie() -> None:
    # A Python mapping enumerates its data; the cookie is an attribute, like id and methods.
    def respond(req: Any, res: Any) -> None:
        req.session.test1 = 1
        req.session.test2 = "b"
        res.end(",".join(sorted(req.session)) + "|" + type(req.session.cookie).__name__)

    request(create_server(None, respond)).get("/").expect(200, "test1,test2|SessionCookie")


def test_session__should_not_save_with_bogus_req_session_id() -> None:
    store = MemoryStore()

    def respond(req: Any, res: Any) -> None:
        req.session_id = lambda: None
        req.session.test1 = 1
        req.session.test2 = "b"
        res.end()

    request(create_server({"store": store}, respond)).get("/").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)
    assert run(store.length()) == 0


def test_session__should_update_cookie_expiration_when_slow_write() -> None:
    async def respond(req: Any, res: Any) -> None:
        req.session.user = "bob"
        res.write("hello, ")
        await asyncio.sleep(0.2)
        res.end("world!")

    server = create_server({"rolling": True}, respond)
    res = request(server).get("/").expect(should_set_cookie("connect.sid")).expect(200).response
    original_expires = expires(res)
    sleep_to_next_second()
    second = request(server).get("/").set("Cookie", cookie(res))
    second.expect(should_set_cookie("connect.sid")).expect(200)
    assert expires(second.response) != original_expires


# -- when response ended ----------------------------------------------------------------------


def hit(body: str | None = "session saved", length: str | None = None) -> Any:
    """A responder that sets ``req.session.hit`` then ends with ``body``."""

    def respond(req: Any, res: Any) -> None:
        req.session.hit = True
        if length is not None:
            res.set_header("Content-Length", length)
        res.end(body)

    return respond


def test_session__when_response_ended__should_have_saved_session() -> None:
    store = MemoryStore()
    saved = should_set_session_in_store(store, 0.2)
    request(create_server({"store": store}, hit())).get("/").expect(200).expect(saved).expect(
        "session saved"
    )


def test_session__when_response_ended__should_have_saved_session_even_with_empty_response() -> None:
    store = MemoryStore()
    saved = should_set_session_in_store(store, 0.2)
    request(create_server({"store": store}, hit(None, "0"))).get("/").expect(200).expect(saved)


def test_session__when_response_ended__should_have_saved_session_even_with_multi_write() -> None:
    store = MemoryStore()

    def respond(req: Any, res: Any) -> None:
        req.session.hit = True
        res.set_header("Content-Length", "12")
        res.write("hello, ")
        res.end("world")

    saved = should_set_session_in_store(store, 0.2)
    request(create_server({"store": store}, respond)).get("/").expect(200).expect(saved).expect(
        "hello, world"
    )


def test_session__when_response_ended__should_have_saved_session_even_with_non_chunked_response() -> (
    None
):
    store = MemoryStore()
    saved = should_set_session_in_store(store, 0.2)
    request(create_server({"store": store}, hit("session saved", "13"))).get("/").expect(
        200
    ).expect(saved).expect("session saved")


def test_session__when_response_ended__should_have_saved_session_with_updated_cookie_expiration() -> (
    None
):
    store = MemoryStore()

    def respond(req: Any, res: Any) -> None:
        req.session.user = "bob"
        res.end(req.session.id)

    server = create_server({"cookie": {"maxAge": MIN}, "store": store}, respond)
    res = request(server).get("/").expect(should_set_cookie("connect.sid")).expect(200).response
    sid_ = res.text
    sess = run(store.get(sid_))
    assert sess, "session saved to store"
    exp = sess["cookie"]["expires"]
    from email.utils import format_datetime

    from expresspy.session.cookie import from_js_iso

    assert format_datetime(from_js_iso(exp), usegmt=True) == expires(res)
    sleep_to_next_second()
    second = request(server).get("/").set("Cookie", cookie(res)).expect(200).response
    sess = run(store.get(sid_))
    assert second.text == sid_
    assert sess, "session still in store"
    assert sess["cookie"]["expires"][:19] != exp[:19], "session cookie expiration updated"


# -- when sid not in store --------------------------------------------------------------------


def test_session__when_sid_not_in_store__should_create_a_new_session() -> None:
    store = MemoryStore()
    server = create_server({"store": store}, counting())
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "session 1")
        .response
    )
    run(store.clear())
    request(server).get("/").set("Cookie", cookie(res)).expect(200, "session 2")


def test_session__when_sid_not_in_store__should_have_a_new_sid() -> None:
    store = MemoryStore()
    server = create_server({"store": store}, counting())
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "session 1")
        .response
    )
    run(store.clear())
    request(server).get("/").set("Cookie", cookie(res)).expect(
        should_set_cookie("connect.sid")
    ).expect(should_set_cookie_to_different_session_id(sid(res))).expect(200, "session 2")


# -- when sid not properly signed -------------------------------------------------------------


def active(req: Any, res: Any) -> None:
    is_new = req.session.active is None
    req.session.active = True
    res.end("session " + ("created" if is_new else "read"))


def test_session__when_sid_not_properly_signed__should_generate_new_session() -> None:
    server = create_server({"store": MemoryStore(), "key": "sessid"}, active)
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("sessid"))
        .expect(200, "session created")
        .response
    )
    val = sid(res)
    assert val
    request(server).get("/").set("Cookie", "sessid=" + val).expect(
        should_set_cookie("sessid")
    ).expect(should_set_cookie_to_different_session_id(val)).expect(200, "session created")


def test_session__when_sid_not_properly_signed__should_not_attempt_fetch_from_store() -> None:
    store = MemoryStore()
    server = create_server({"store": store, "key": "sessid"}, active)
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("sessid"))
        .expect(200, "session created")
        .response
    )
    val = re.sub(r"...\.", ".", cookie(res), count=1)

    async def no_get(sid: str) -> None:
        raise AssertionError("the store was asked for a forged id")

    store.get = no_get  # type: ignore[method-assign]
    request(server).get("/").set("Cookie", val).expect(should_set_cookie("sessid")).expect(
        200, "session created"
    )


# -- when session expired in store ------------------------------------------------------------


def expiring_server(store: MemoryStore) -> Any:
    return create_server({"store": store, "cookie": {"maxAge": 5}}, counting())


def test_session__when_session_expired_in_store__should_create_a_new_session() -> None:
    server = expiring_server(MemoryStore())
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "session 1")
        .response
    )
    time.sleep(0.02)
    request(server).get("/").set("Cookie", cookie(res)).expect(
        should_set_cookie("connect.sid")
    ).expect(200, "session 2")


def test_session__when_session_expired_in_store__should_have_a_new_sid() -> None:
    server = expiring_server(MemoryStore())
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "session 1")
        .response
    )
    time.sleep(0.015)
    request(server).get("/").set("Cookie", cookie(res)).expect(
        should_set_cookie("connect.sid")
    ).expect(should_set_cookie_to_different_session_id(sid(res))).expect(200, "session 2")


def test_session__when_session_expired_in_store__should_not_exist_in_store() -> None:
    store = MemoryStore()
    request(expiring_server(store)).get("/").expect(should_set_cookie("connect.sid")).expect(
        200, "session 1"
    )
    time.sleep(0.01)
    assert len(run(store.all())) == 0


# -- when session without cookie property in store --------------------------------------------


def test_session__when_session_without_cookie_property_in_store__should_pass_error_from_inflate() -> (
    None
):
    store = MemoryStore()
    server = create_server({"store": store}, counting())
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "session 1")
        .response
    )
    run(store.set(str(sid(res)), {"foo": "bar"}))
    # Node's message is JavaScript's TypeError; expresspy names the broken record.
    request(server).get("/").set("Cookie", cookie(res)).expect(
        500, re.compile("session record has no cookie")
    )


# -- proxy option -----------------------------------------------------------------------------


def proxy_enabled() -> Any:
    return create_server({"proxy": True, "cookie": {"secure": True, "maxAge": 5}})


def test_session__proxy_option__when_enabled__should_trust_x_forwarded_proto_when_string() -> None:
    request(proxy_enabled()).get("/").set("X-Forwarded-Proto", "https").expect(
        should_set_cookie("connect.sid")
    ).expect(200)


def test_session__proxy_option__when_enabled__should_trust_x_forwarded_proto_when_comma_separated_list() -> (
    None
):
    request(proxy_enabled()).get("/").set("X-Forwarded-Proto", "https,http").expect(
        should_set_cookie("connect.sid")
    ).expect(200)


def test_session__proxy_option__when_enabled__should_work_when_no_header() -> None:
    request(proxy_enabled()).get("/").expect(should_not_have_header("Set-Cookie")).expect(200)


def test_session__proxy_option__when_disabled__should_not_trust_x_forwarded_proto() -> None:
    server = secure_server({"proxy": False, "cookie": {"secure": True}})
    request(server).get("/").set("X-Forwarded-Proto", "https").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)


def test_session__proxy_option__when_disabled__should_ignore_req_secure() -> None:
    server = secure_server({"proxy": False, "cookie": {"secure": True}})
    request(server).get("/").set("X-Forwarded-Proto", "https").set("X-Secure", "true").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200, "true")


def test_session__proxy_option__when_unspecified__should_not_trust_x_forwarded_proto() -> None:
    server = secure_server({"cookie": {"secure": True}})
    request(server).get("/").set("X-Forwarded-Proto", "https").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)


def test_session__proxy_option__when_unspecified__should_use_req_secure() -> None:
    server = secure_server({"cookie": {"secure": True}})
    request(server).get("/").set("X-Forwarded-Proto", "https").set("X-Secure", "true").expect(
        should_set_cookie("connect.sid")
    ).expect(200, "true")


# -- cookie option ----------------------------------------------------------------------------


def path_server() -> Any:
    return create_server({"cookie": {"path": "/foo/bar"}})


def test_session__cookie_option__when_path_set_to_foo_bar__should_not_set_cookie_for_request() -> (
    None
):
    request(path_server()).get("/").expect(should_not_have_header("Set-Cookie")).expect(200)


def test_session__cookie_option__when_path_set_to_foo_bar__should_not_set_cookie_for_http_foo_bar_request() -> (
    None
):
    request(path_server()).get("/").set("host", "http://foo/bar").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)


def test_session__cookie_option__when_path_set_to_foo_bar__should_set_cookie_for_foo_bar_request() -> (
    None
):
    request(path_server()).get("/foo/bar/baz").expect(should_set_cookie("connect.sid")).expect(200)


def test_session__cookie_option__when_path_set_to_foo_bar__should_set_cookie_for_foo_bar_baz_request() -> (
    None
):
    request(path_server()).get("/foo/bar/baz").expect(should_set_cookie("connect.sid")).expect(200)


def mount_at(path: str) -> Any:
    def setup(req: Any, res: Any) -> None:
        if req.url.startswith(path):
            req.original_url = req.url
            req.url = req.url[len(path) :]

    return setup


def mounted_server() -> Any:
    return create_server({"cookie": {"path": "/foo/bar"}}, setup=mount_at("/foo"))


def test_session__cookie_option__when_path_set_to_foo_bar__when_mounted_at_foo__should_set_cookie_for_foo_bar_request() -> (
    None
):
    request(mounted_server()).get("/foo/bar").expect(should_set_cookie("connect.sid")).expect(200)


def test_session__cookie_option__when_path_set_to_foo_bar__when_mounted_at_foo__should_not_set_cookie_for_foo_foo_bar_request() -> (
    None
):
    request(mounted_server()).get("/foo/foo/bar").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)


def test_session__cookie_option__when_secure_set_to_auto__when_proxy_is_true__should_set_secure_when_x_forwarded_proto_is_https() -> (
    None
):
    server = create_server({"proxy": True, "cookie": {"maxAge": 5, "secure": "auto"}})
    request(server).get("/").set("X-Forwarded-Proto", "https").expect(
        should_set_cookie_with_attribute("connect.sid", "Secure")
    ).expect(200)


def test_session__cookie_option__when_secure_set_to_auto__when_proxy_is_false__should_not_set_secure_when_x_forwarded_proto_is_https() -> (
    None
):
    server = create_server({"proxy": False, "cookie": {"maxAge": 5, "secure": "auto"}})
    request(server).get("/").set("X-Forwarded-Proto", "https").expect(
        should_set_cookie_without_attribute("connect.sid", "Secure")
    ).expect(200)


def test_session__cookie_option__when_secure_set_to_auto__when_proxy_is_undefined__should_set_secure_if_req_secure_true() -> (
    None
):
    server = secure_server({"cookie": {"secure": "auto"}})
    request(server).get("/").set("X-Secure", "true").expect(
        should_set_cookie_with_attribute("connect.sid", "Secure")
    ).expect(200, "true")


def test_session__cookie_option__when_secure_set_to_auto__when_proxy_is_undefined__should_not_set_secure_if_req_secure_false() -> (
    None
):
    server = secure_server({"cookie": {"secure": "auto"}})
    request(server).get("/").set("X-Secure", "false").expect(
        should_set_cookie_without_attribute("connect.sid", "Secure")
    ).expect(200, "false")


def test_session__cookie_option__when_cookie_is_a_function__should_call_custom_function_and_apply_cookie_options() -> (
    None
):
    called = []

    def cookie_options(req: Any) -> dict[str, Any]:
        called.append(True)
        return {"path": "/test", "httpOnly": True, "secure": False}

    request(create_server({"cookie": cookie_options})).get("/test").expect(
        should_set_cookie_with_attribute_and_value("connect.sid", "Path", "/test")
    ).expect(should_set_cookie_with_attribute("connect.sid", "HttpOnly")).expect(
        should_set_cookie_without_attribute("connect.sid", "Secure")
    ).expect(200)
    assert called, "should have called cookie callback"


def test_session__cookie_option__when_cookie_is_a_function__should_provide_req_argument() -> None:
    called = []

    def cookie_options(req: Any) -> dict[str, Any]:
        called.append(True)
        return {"path": req.url, "httpOnly": True, "secure": False}

    request(create_server({"cookie": cookie_options})).get("/test").expect(
        should_set_cookie_with_attribute_and_value("connect.sid", "Path", "/test")
    ).expect(should_set_cookie_with_attribute("connect.sid", "HttpOnly")).expect(
        should_set_cookie_without_attribute("connect.sid", "Secure")
    ).expect(200)
    assert called, "should have called cookie callback"


def same_site_is(value: str) -> Any:
    return should_set_cookie_with_attribute_and_value("connect.sid", "SameSite", value)


def test_session__cookie_option__when_same_site_set_to_auto__basic_functionality__should_set_same_site_none_for_secure_connections() -> (
    None
):
    server = secure_server({"cookie": {"sameSite": "auto"}})
    request(server).get("/").set("X-Secure", "true").expect(same_site_is("None")).expect(
        200, "true"
    )


def test_session__cookie_option__when_same_site_set_to_auto__basic_functionality__should_set_same_site_lax_for_insecure_connections() -> (
    None
):
    server = secure_server({"cookie": {"sameSite": "auto"}})
    request(server).get("/").set("X-Secure", "false").expect(same_site_is("Lax")).expect(
        200, "false"
    )


def test_session__cookie_option__when_same_site_set_to_auto__with_proxy_settings__when_proxy_is_true__should_set_same_site_none_when_x_forwarded_proto_is_https() -> (
    None
):
    server = create_server({"proxy": True, "cookie": {"sameSite": "auto"}})
    request(server).get("/").set("X-Forwarded-Proto", "https").expect(same_site_is("None")).expect(
        200
    )


def test_session__cookie_option__when_same_site_set_to_auto__with_proxy_settings__when_proxy_is_true__should_set_same_site_lax_when_x_forwarded_proto_is_http() -> (
    None
):
    server = create_server({"proxy": True, "cookie": {"sameSite": "auto"}})
    request(server).get("/").set("X-Forwarded-Proto", "http").expect(same_site_is("Lax")).expect(
        200
    )


def test_session__cookie_option__when_same_site_set_to_auto__with_proxy_settings__when_proxy_is_false__should_set_same_site_lax_when_x_forwarded_proto_is_https() -> (
    None
):
    server = create_server({"proxy": False, "cookie": {"sameSite": "auto"}})
    request(server).get("/").set("X-Forwarded-Proto", "https").expect(same_site_is("Lax")).expect(
        200
    )


def test_session__cookie_option__when_same_site_set_to_auto__combined_with_secure_auto__when_secure_is_auto__should_set_both_secure_and_same_site_none_when_secure() -> (
    None
):
    server = secure_server({"cookie": {"secure": "auto", "sameSite": "auto"}})
    request(server).get("/").set("X-Secure", "true").expect(
        should_set_cookie_with_attribute("connect.sid", "Secure")
    ).expect(same_site_is("None")).expect(200, "true")


def test_session__cookie_option__when_same_site_set_to_auto__combined_with_secure_auto__when_secure_is_auto__should_set_neither_secure_nor_same_site_none_when_insecure() -> (
    None
):
    server = secure_server({"cookie": {"secure": "auto", "sameSite": "auto"}})
    request(server).get("/").set("X-Secure", "false").expect(
        should_set_cookie_without_attribute("connect.sid", "Secure")
    ).expect(same_site_is("Lax")).expect(200, "false")


def test_session__cookie_option__when_same_site_set_to_auto__combined_with_secure_auto__when_secure_is_true__should_set_both_secure_and_same_site_none_when_secure() -> (
    None
):
    server = secure_server({"cookie": {"secure": True, "sameSite": "auto"}})
    request(server).get("/").set("X-Secure", "true").expect(
        should_set_cookie_with_attribute("connect.sid", "Secure")
    ).expect(same_site_is("None")).expect(200, "true")


def test_session__cookie_option__when_same_site_set_to_auto__combined_with_secure_auto__when_secure_is_true__should_not_set_cookie_when_insecure() -> (
    None
):
    server = secure_server({"cookie": {"secure": True, "sameSite": "auto"}})
    request(server).get("/").set("X-Secure", "false").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200, "false")


# -- genid option -----------------------------------------------------------------------------


def test_session__genid_option__should_reject_non_function_values() -> None:
    with pytest.raises(TypeError, match=r"genid.*must"):
        session(secret="keyboard cat", genid="bogus!")


def test_session__genid_option__should_provide_default_generator() -> None:
    request(create_server()).get("/").expect(should_set_cookie("connect.sid")).expect(200)


def test_session__genid_option__should_allow_custom_function() -> None:
    value = "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU"
    request(create_server({"genid": lambda req: "apple"})).get("/").expect(
        should_set_cookie_to_value("connect.sid", value)
    ).expect(200)


def test_session__genid_option__should_encode_unsafe_chars() -> None:
    value = "s%3A%25.kzQ6x52kKVdF35Qh62AWk4ZekS28K5XYCXKa%2FOTZ01g"
    request(create_server({"genid": lambda req: "%"})).get("/").expect(
        should_set_cookie_to_value("connect.sid", value)
    ).expect(200)


def test_session__genid_option__should_provide_req_argument() -> None:
    value = "s%3A%2Ffoo.paEKBtAHbV5s1IB8B2zPnzAgYmmnRPIqObW4VRYj%2FMQ"
    request(create_server({"genid": lambda req: req.url})).get("/foo").expect(
        should_set_cookie_to_value("connect.sid", value)
    ).expect(200)


# -- key option and name option ---------------------------------------------------------------


def test_session__key_option__should_default_to_connect_sid() -> None:
    request(create_server()).get("/").expect(should_set_cookie("connect.sid")).expect(200)


def test_session__key_option__should_allow_overriding() -> None:
    request(create_server({"key": "session_id"})).get("/").expect(
        should_set_cookie("session_id")
    ).expect(200)


def test_session__name_option__should_default_to_connect_sid() -> None:
    server = express()
    server.use(session(secret="keyboard cat", resave=False, save_uninitialized=True))
    request(server).get("/").expect(should_set_cookie("connect.sid")).expect(404)


def test_session__name_option__should_set_the_cookie_name() -> None:
    request(create_server({"name": "session_id"})).get("/").expect(
        should_set_cookie("session_id")
    ).expect(200)


# -- rolling option ---------------------------------------------------------------------------


def set_user(req: Any, res: Any) -> None:
    req.session.user = "bob"
    res.end()


def test_session__rolling_option__should_default_to_false() -> None:
    server = create_server(None, set_user)
    res = request(server).get("/").expect(should_set_cookie("connect.sid")).expect(200).response
    request(server).get("/").set("Cookie", cookie(res)).expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)


def test_session__rolling_option__should_force_cookie_on_unmodified_session() -> None:
    server = create_server({"rolling": True}, set_user)
    res = request(server).get("/").expect(should_set_cookie("connect.sid")).expect(200).response
    request(server).get("/").set("Cookie", cookie(res)).expect(
        should_set_cookie("connect.sid")
    ).expect(200)


def test_session__rolling_option__should_not_force_cookie_on_uninitialized_session_if_save_uninitialized_option_is_set_to_false() -> (
    None
):
    store = MemoryStore()
    not_saved = should_not_set_session_in_store(store)
    server = create_server({"store": store, "rolling": True, "saveUninitialized": False})
    request(server).get("/").expect(not_saved).expect(should_not_have_header("Set-Cookie")).expect(
        200
    )


def test_session__rolling_option__should_force_cookie_and_save_uninitialized_session_if_save_uninitialized_option_is_set_to_true() -> (
    None
):
    store = MemoryStore()
    saved = should_set_session_in_store(store)
    server = create_server({"store": store, "rolling": True, "saveUninitialized": True})
    request(server).get("/").expect(saved).expect(should_set_cookie("connect.sid")).expect(200)


def test_session__rolling_option__should_force_cookie_and_save_modified_session_even_if_save_uninitialized_option_is_set_to_false() -> (
    None
):
    store = MemoryStore()
    saved = should_set_session_in_store(store)
    server = create_server({"store": store, "rolling": True, "saveUninitialized": False}, set_user)
    request(server).get("/").expect(saved).expect(should_set_cookie("connect.sid")).expect(200)


# -- resave option ----------------------------------------------------------------------------


def saved_twice(options: dict[str, Any]) -> None:
    """Both the first request and a read-only second one write the session."""
    store = MemoryStore()
    options["store"] = store
    server = create_server(options, set_user)
    saved = should_set_session_in_store(store)
    res = request(server).get("/").expect(saved).expect(200).response
    saved = should_set_session_in_store(store)
    request(server).get("/").set("Cookie", cookie(res)).expect(saved).expect(200)


def test_session__resave_option__should_default_to_true() -> None:
    saved_twice({})


def test_session__resave_option__when_true__should_force_save_on_unmodified_session() -> None:
    saved_twice({"resave": True})


def test_session__resave_option__when_false__should_prevent_save_on_unmodified_session() -> None:
    store = MemoryStore()
    server = create_server({"store": store, "resave": False}, set_user)
    saved = should_set_session_in_store(store)
    res = request(server).get("/").expect(saved).expect(200).response
    not_saved = should_not_set_session_in_store(store)
    request(server).get("/").set("Cookie", cookie(res)).expect(not_saved).expect(200)


def test_session__resave_option__when_false__should_still_save_modified_session() -> None:
    store = MemoryStore()

    def respond(req: Any, res: Any) -> None:
        if req.method == "PUT":
            req.session.token = req.url[1:]
        res.end("token=" + (req.session.token or ""))

    server = create_server({"resave": False, "store": store}, respond)
    saved = should_set_session_in_store(store)
    res = request(server).put("/w6RHhwaA").expect(200).expect(saved).expect("token=w6RHhwaA")
    sess = cookie(res.response)
    not_saved = should_not_set_session_in_store(store)
    request(server).get("/").set("Cookie", sess).expect(200).expect(not_saved).expect(
        "token=w6RHhwaA"
    )
    saved = should_set_session_in_store(store)
    request(server).put("/zfQ3rzM3").set("Cookie", sess).expect(200).expect(saved).expect(
        "token=zfQ3rzM3"
    )


def test_session__resave_option__when_false__should_detect_a_cookie_property_as_modified() -> None:
    store = MemoryStore()

    def respond(req: Any, res: Any) -> None:
        req.session.user = req.session.user or {}
        req.session.user["name"] = "bob"
        req.session.user["cookie"] = req.session.user.get("cookie", 0) + 1
        res.end()

    server = create_server({"store": store, "resave": False}, respond)
    saved = should_set_session_in_store(store)
    res = request(server).get("/").expect(saved).expect(200).response
    saved = should_set_session_in_store(store)
    request(server).get("/").set("Cookie", cookie(res)).expect(saved).expect(200)


def failing(message: str = "boom!") -> Any:
    async def fail(*args: Any) -> None:
        raise RuntimeError(message)

    return fail


def test_session__resave_option__when_false__should_pass_session_touch_error() -> None:
    store = MemoryStore()
    server = create_server({"store": store, "resave": False}, hit())
    res = request(server).get("/").expect(200, "session saved").response
    store.touch = failing()  # type: ignore[method-assign]
    # expresspy: the error replaces the response (express-session emits it after a 200).
    request(server).get("/").set("Cookie", cookie(res)).expect(500, re.compile("boom!"))


# -- saveUninitialized option -----------------------------------------------------------------


def test_session__save_uninitialized_option__should_default_to_true() -> None:
    store = MemoryStore()
    saved = should_set_session_in_store(store)
    request(create_server({"store": store})).get("/").expect(saved).expect(
        should_set_cookie("connect.sid")
    ).expect(200)


def test_session__save_uninitialized_option__should_force_save_of_uninitialized_session() -> None:
    store = MemoryStore()
    saved = should_set_session_in_store(store)
    request(create_server({"store": store, "saveUninitialized": True})).get("/").expect(
        saved
    ).expect(should_set_cookie("connect.sid")).expect(200)


def test_session__save_uninitialized_option__should_prevent_save_of_uninitialized_session() -> None:
    store = MemoryStore()
    not_saved = should_not_set_session_in_store(store)
    request(create_server({"store": store, "saveUninitialized": False})).get("/").expect(
        not_saved
    ).expect(should_not_have_header("Set-Cookie")).expect(200)


def test_session__save_uninitialized_option__should_still_save_modified_session() -> None:
    store = MemoryStore()

    def respond(req: Any, res: Any) -> None:
        req.session.count = (req.session.count or 0) + 1
        res.end()

    saved = should_set_session_in_store(store)
    request(create_server({"store": store, "saveUninitialized": False}, respond)).get("/").expect(
        saved
    ).expect(should_set_cookie("connect.sid")).expect(200)


def test_session__save_uninitialized_option__should_pass_session_save_error() -> None:
    store = MemoryStore()
    store.set = store.merge = failing()  # type: ignore[method-assign]
    server = create_server({"store": store, "saveUninitialized": True}, hit(None))
    # expresspy: the client never gets a 2xx for a session that was not stored.
    request(server).get("/").expect(500, re.compile("boom!"))


def test_session__save_uninitialized_option__should_prevent_uninitialized_session_from_being_touched() -> (
    None
):
    store = MemoryStore()
    store.touch = failing("should not be called")  # type: ignore[method-assign]
    server = create_server({"saveUninitialized": False, "store": store, "cookie": {"maxAge": MIN}})
    request(server).get("/").expect(200)


# -- secret option ----------------------------------------------------------------------------


def user_or_set(req: Any, res: Any) -> None:
    if not req.session.user:
        req.session.user = "bob"
        res.end("set")
    else:
        res.end("get:" + json.dumps(req.session.user))


def test_session__secret_option__should_reject_empty_arrays() -> None:
    with pytest.raises(ValueError, match="secret"):
        create_server({"secret": []})


def test_session__secret_option__should_sign_and_unsign_with_a_string() -> None:
    server = create_server({"secret": "awesome cat"}, user_or_set)
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "set")
        .response
    )
    request(server).get("/").set("Cookie", cookie(res)).expect(200, 'get:"bob"')


def test_session__secret_option__should_sign_and_unsign_with_a_buffer() -> None:
    import secrets

    server = create_server({"secret": secrets.token_bytes(32)}, user_or_set)
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "set")
        .response
    )
    request(server).get("/").set("Cookie", cookie(res)).expect(200, 'get:"bob"')


def bob(req: Any, res: Any) -> None:
    req.session.user = "bob"
    res.end(req.session.user)


def show_user(req: Any, res: Any) -> None:
    res.end(str(req.session.user))


def test_session__secret_option__when_an_array__should_sign_cookies() -> None:
    request(create_server({"secret": ["keyboard cat", "nyan cat"]}, bob)).get("/").expect(
        should_set_cookie("connect.sid")
    ).expect(200, "bob")


def test_session__secret_option__when_an_array__should_sign_cookies_with_first_element() -> None:
    store = MemoryStore()
    server1 = create_server({"secret": ["keyboard cat", "nyan cat"], "store": store}, bob)
    server2 = create_server({"secret": "nyan cat", "store": store}, show_user)
    res = (
        request(server1)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "bob")
        .response
    )
    request(server2).get("/").set("Cookie", cookie(res)).expect(200, "None")


def test_session__secret_option__when_an_array__should_read_cookies_using_all_elements() -> None:
    store = MemoryStore()
    server1 = create_server({"secret": "nyan cat", "store": store}, bob)
    server2 = create_server({"secret": ["keyboard cat", "nyan cat"], "store": store}, show_user)
    res = (
        request(server1)
        .get("/")
        .expect(should_set_cookie("connect.sid"))
        .expect(200, "bob")
        .response
    )
    request(server2).get("/").set("Cookie", cookie(res)).expect(200, "bob")


# -- unset option -----------------------------------------------------------------------------


def count_then_unset(req: Any, res: Any) -> None:
    req.session.count = (req.session.count or 0) + 1
    if req.session.count == 2:
        req.session = None
    res.end()


def test_session__unset_option__should_reject_unknown_values() -> None:
    with pytest.raises(ValueError, match=r"unset.*must"):
        session(secret="keyboard cat", unset="bogus!")


def unset_twice(options: dict[str, Any], left_after: int) -> None:
    store = MemoryStore()
    server = create_server({**options, "store": store}, count_then_unset)
    res = request(server).get("/").expect(200).response
    assert run(store.length()) == 1
    request(server).get("/").set("Cookie", cookie(res)).expect(200)
    assert run(store.length()) == left_after


def test_session__unset_option__should_default_to_keep() -> None:
    unset_twice({}, 1)


def test_session__unset_option__should_allow_destroy_on_req_session_null() -> None:
    unset_twice({"unset": "destroy"}, 0)


def unset_at_once(req: Any, res: Any) -> None:
    req.session = None
    res.end("session destroyed")


def test_session__unset_option__should_not_set_cookie_if_initial_session_destroyed() -> None:
    store = MemoryStore()
    request(create_server({"store": store, "unset": "destroy"}, unset_at_once)).get("/").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)
    assert run(store.length()) == 0


def test_session__unset_option__should_pass_session_destroy_error() -> None:
    store = MemoryStore()
    store.destroy = failing()  # type: ignore[method-assign]
    server = create_server({"store": store, "unset": "destroy"}, unset_at_once)
    # expresspy: the error replaces the response (express-session emits it after a 200).
    request(server).get("/").expect(500, re.compile("boom!"))


# -- res.end patch ----------------------------------------------------------------------------


def write_patch(res: Any) -> None:
    """test/support/utils.js's writePatch: a write after end throws."""
    original_end, original_write = res.end, res.write
    ended = [False]

    def end(*args: Any) -> Any:
        ended[0] = True
        return original_end(*args)

    def write(*args: Any) -> Any:
        if ended[0]:
            raise RuntimeError("write after end")
        return original_write(*args)

    res.end, res.write = end, write


def hello_world(req: Any, res: Any) -> None:
    req.session.hit = True
    res.write("hello, ")
    res.end("world")


def test_session__res_end_patch__should_correctly_handle_res_end_res_write_patched_prior() -> None:
    server = create_server(None, hello_world, setup=lambda req, res: write_patch(res))
    request(server).get("/").timeout(2).expect(200, "hello, world")


def test_session__res_end_patch__should_correctly_handle_res_end_res_write_patched_after() -> None:
    def respond(req: Any, res: Any) -> None:
        write_patch(res)
        hello_world(req, res)

    request(create_server(None, respond)).get("/").timeout(2).expect(200, "hello, world")


def test_session__res_end_patch__should_error_when_res_end_is_called_twice() -> None:
    errors: list[str] = []

    def respond(req: Any, res: Any) -> None:
        res.end()
        try:
            res.set_header("Content-Length", "3")
            res.end("foo")
        except Exception as exc:
            errors.append(str(exc))

    plain = express()
    plain.use(respond)
    res = request(plain).get("/").end()
    request(create_server(None, respond)).get("/").expect(res.status, res.text)
    assert len(errors) == 2 and errors[0] == errors[1]


# -- req.session ------------------------------------------------------------------------------


def hits(req: Any, res: Any) -> None:
    req.session.count = (req.session.count or 0) + 1
    res.end(f"hits: {req.session.count}")


def test_session__req_session__should_persist() -> None:
    store = MemoryStore()
    server = create_server({"store": store}, hits)
    res = request(server).get("/").expect(200, "hits: 1").response
    assert run(store.get(str(sid(res))))
    request(server).get("/").set("Cookie", cookie(res)).expect(200, "hits: 2")


def test_session__req_session__should_only_set_cookie_when_modified() -> None:
    modify = [True]

    def respond(req: Any, res: Any) -> None:
        if modify[0]:
            req.session.count = (req.session.count or 0) + 1
        res.end(str(req.session.count))

    server = create_server(None, respond)
    res = request(server).get("/").expect(200, "1").response
    res = request(server).get("/").set("Cookie", cookie(res)).expect(200, "2").response
    val = cookie(res)
    modify[0] = False
    request(server).get("/").set("Cookie", val).expect(should_not_have_header("Set-Cookie")).expect(
        200, "2"
    )
    modify[0] = True
    request(server).get("/").set("Cookie", val).expect(should_set_cookie("connect.sid")).expect(
        200, "3"
    )


def test_session__req_session__should_not_have_enumerable_methods() -> None:
    # Iterating a session gives its data keys (the cookie is an attribute, not data).
    def respond(req: Any, res: Any) -> None:
        req.session.foo = "foo"
        req.session.bar = "bar"
        res.end(",".join(sorted(key for key in req.session)))

    request(create_server(None, respond)).get("/").expect(200, "bar,foo")


def session_type(req: Any, res: Any) -> None:
    res.end("undefined" if req.session is None else "object")


def test_session__req_session__should_not_be_set_if_store_is_disconnected() -> None:
    store = MemoryStore()
    store.ready = False  # express-session's store.emit('disconnect')
    request(create_server({"store": store}, session_type)).get("/").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200, "undefined")


def test_session__req_session__should_be_set_when_store_reconnects() -> None:
    store = MemoryStore()
    server = create_server({"store": store}, session_type)
    store.ready = False
    request(server).get("/").expect(should_not_have_header("Set-Cookie")).expect(200, "undefined")
    store.ready = True  # store.emit('connect')
    request(server).get("/").expect(200, "object")


def test_session__req_session__destroy__should_destroy_the_previous_session() -> None:
    def respond(req: Any, res: Any) -> None:
        def done(err: BaseException | None) -> None:
            if err:
                res.status_code = 500
            res.end(str(req.session))

        req.session.destroy(done)

    request(create_server(None, respond)).get("/").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200, "None")


def test_session__req_session__regenerate__should_destroy_replace_the_previous_session() -> None:
    def respond(req: Any, res: Any) -> None:
        old = req.session.id

        def done(err: BaseException | None) -> None:
            if err:
                res.status_code = 500
            res.end(str(req.session.id == old).lower())

        req.session.regenerate(done)

    server = create_server(None, respond)
    res = request(server).get("/").expect(should_set_cookie("connect.sid")).expect(200).response
    request(server).get("/").set("Cookie", cookie(res)).expect(
        should_set_cookie("connect.sid")
    ).expect(should_set_cookie_to_different_session_id(sid(res))).expect(200, "false")


def test_session__req_session__reload__should_reload_session_from_store() -> None:
    val: list[str] = []

    def respond(req: Any, res: Any) -> None:
        if req.url == "/":
            req.session.active = True
            res.end("session created")
            return
        req.session.url = req.url
        if req.url == "/bar":
            res.end("saw " + req.session.url)
            return
        # A second request on the same session runs (and saves) while this one waits.
        request(server).get("/bar").set("Cookie", val[0]).expect(200, "saw /bar")
        req.session.reload(lambda err: res.end("saw " + req.session.url))

    server = create_server(None, respond)
    res = request(server).get("/").expect(200, "session created").response
    val.append(cookie(res))
    request(server).get("/foo").set("Cookie", val[0]).expect(200, "saw /bar")


def test_session__req_session__reload__should_error_is_session_missing() -> None:
    store = MemoryStore()

    async def respond(req: Any, res: Any) -> None:
        if req.url == "/":
            req.session.active = True
            res.end("session created")
            return
        await store.clear()

        def done(err: BaseException | None) -> None:
            res.status_code = 500 if err else 200
            res.end(str(err) if err else "")

        req.session.reload(done)

    server = create_server({"store": store}, respond)
    res = request(server).get("/").expect(200, "session created").response
    request(server).get("/foo").set("Cookie", cookie(res)).expect(500, "failed to load session")


def test_session__req_session__reload__should_not_override_an_overridden_reload_in_case_of_errors() -> (
    None
):
    store = MemoryStore()

    async def respond(req: Any, res: Any) -> None:
        if req.url == "/":
            req.session.active = True
            res.end("session created")
            return
        await store.clear()
        iterations = [20]

        # reload way too many times on top of each other, to overflow the stack if it can
        def reload(err: BaseException | None = None) -> None:
            iterations[0] -= 1
            if not iterations[0]:
                res.end("ok")
                return
            try:
                req.session.reload(reload)
            except Exception as exc:
                res.status_code = 500
                res.end(str(exc))

        reload()

    server = create_server({"store": store, "resave": False}, respond)
    res = request(server).get("/").expect(200, "session created").response
    request(server).get("/foo").set("Cookie", cookie(res)).expect(200, "ok")


def test_session__req_session__save__should_save_session_to_store() -> None:
    store = MemoryStore()

    async def respond(req: Any, res: Any) -> None:
        req.session.hit = True
        await req.session.save()
        sess = await store.get(req.session.id)
        res.end("stored" if sess else "empty")

    request(create_server({"store": store}, respond)).get("/").expect(200, "stored")


def save_then_end(req: Any, res: Any) -> None:
    req.session.hit = True
    req.session.save(lambda err: res.end(str(err) if err else "saved"))


def saved_once_per_request(options: dict[str, Any], respond: Any) -> None:
    store = MemoryStore()
    server = create_server({**options, "store": store}, respond)
    saved = should_set_session_in_store(store)
    res = request(server).get("/").expect(saved).expect(200, "saved").response
    saved = should_set_session_in_store(store)
    request(server).get("/").set("Cookie", cookie(res)).expect(saved).expect(200, "saved")


def test_session__req_session__save__should_prevent_end_of_request_save() -> None:
    saved_once_per_request({}, save_then_end)


def test_session__req_session__save__should_prevent_end_of_request_save_on_reloaded_session() -> (
    None
):
    def respond(req: Any, res: Any) -> None:
        req.session.hit = True
        req.session.reload(lambda err: save_then_end(req, res))

    saved_once_per_request({}, respond)


def test_session__req_session__save__when_save_uninitialized_is_false__should_prevent_end_of_request_save() -> (
    None
):
    saved_once_per_request({"saveUninitialized": False}, save_then_end)


def test_session__req_session__touch__should_reset_session_expiration() -> None:
    store = MemoryStore()

    def respond(req: Any, res: Any) -> None:
        req.session.hit = True
        req.session.touch()
        res.end()

    server = create_server({"resave": False, "store": store, "cookie": {"maxAge": MIN}}, respond)
    res = request(server).get("/").expect(200).response
    first = run(store.get(str(sid(res))))["cookie"]["expires"]
    time.sleep(0.1)
    request(server).get("/").set("Cookie", cookie(res)).expect(200)
    assert run(store.get(str(sid(res))))["cookie"]["expires"] != first


# -- req.session.cookie -----------------------------------------------------------------------


def test_session__req_session__cookie____should_serialize_as_parameters() -> None:
    def respond(req: Any, res: Any) -> None:
        req.session.cookie.http_only = False
        req.session.cookie.secure = True
        res.end()

    request(create_server({"proxy": True}, respond)).get("/").set(
        "X-Forwarded-Proto", "https"
    ).expect(should_set_cookie_without_attribute("connect.sid", "HttpOnly")).expect(
        should_set_cookie_with_attribute("connect.sid", "Secure")
    ).expect(200)


def test_session__req_session__cookie____should_default_to_a_browser_session_length_cookie() -> (
    None
):
    request(create_server({"cookie": {"path": "/admin"}})).get("/admin").expect(
        should_set_cookie_without_attribute("connect.sid", "Expires")
    ).expect(200)


def test_session__req_session__cookie____should_set_cookie_only_once_for_browser_session_cookies() -> (
    None
):
    server = create_server({"cookie": {"path": "/admin"}})
    res = (
        request(server)
        .get("/admin/foo")
        .expect(should_set_cookie("connect.sid"))
        .expect(200)
        .response
    )
    request(server).get("/admin").set("Cookie", cookie(res)).expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)


def test_session__req_session__cookie____should_override_defaults() -> None:
    options = {"httpOnly": False, "maxAge": 5000, "path": "/admin", "priority": "high",
               "secure": True}  # fmt: skip

    def respond(req: Any, res: Any) -> None:
        req.session.cookie.secure = False
        res.end()

    request(create_server({"cookie": options}, respond)).get("/admin").expect(
        should_set_cookie_with_attribute("connect.sid", "Expires")
    ).expect(should_set_cookie_without_attribute("connect.sid", "HttpOnly")).expect(
        should_set_cookie_with_attribute_and_value("connect.sid", "Path", "/admin")
    ).expect(should_set_cookie_without_attribute("connect.sid", "Secure")).expect(
        should_set_cookie_with_attribute_and_value("connect.sid", "Priority", "High")
    ).expect(200)


def test_session__req_session__cookie____should_forward_errors_setting_cookie() -> None:
    # JavaScript's invalid Date has no Python twin; a domain that cannot be serialised, from
    # the per-request cookie function, fails in the same place: while setting the cookie.
    server = create_server({"cookie": lambda req: {"domain": "bad domain;"}})
    request(server).get("/admin").expect(500, re.compile("domain"))


def test_session__req_session__cookie____should_preserve_cookies_set_before_write_head_is_called() -> (
    None
):
    def respond(req: Any, res: Any) -> None:
        res.set_header("Set-Cookie", SessionCookie().serialize("previous", "cookieValue"))
        res.end()

    request(create_server(None, respond)).get("/").expect(
        should_set_cookie_to_value("previous", "cookieValue")
    ).expect(200)


def test_session__req_session__cookie__original_max_age__should_equal_original_max_age() -> None:
    def respond(req: Any, res: Any) -> None:
        res.end(json.dumps(req.session.cookie.originalMaxAge))

    request(create_server({"cookie": {"maxAge": 2000}}, respond)).get("/").expect(200).expect(
        re.compile("^(2000|1999)$")
    )


def original_max_age_twice(store: Store) -> None:
    def respond(req: Any, res: Any) -> None:
        res.end(json.dumps(req.session.cookie.originalMaxAge))

    server = create_server({"cookie": {"maxAge": 2000}, "store": store}, respond)
    res = request(server).get("/").expect(200).expect(re.compile("^(2000|1999)$")).response
    time.sleep(0.1)
    request(server).get("/").set("Cookie", cookie(res)).expect(200).expect(
        re.compile("^(2000|1999)$")
    )


class SmartStore(Store):
    """test/support/smart-store.js: JSON strings, expired records dropped when read."""

    def __init__(self) -> None:
        self.sessions: dict[str, str] = {}

    async def destroy(self, sid: str) -> None:
        self.sessions.pop(sid, None)

    async def get(self, sid: str) -> dict[str, Any] | None:
        text = self.sessions.get(sid)
        if text is None:
            return None
        sess: dict[str, Any] = json.loads(text)
        from expresspy.session.store import is_expired

        if is_expired(sess):
            del self.sessions[sid]
            return None
        return sess

    async def set(self, sid: str, sess: dict[str, Any]) -> None:
        self.sessions[sid] = json.dumps(sess)


def test_session__req_session__cookie__original_max_age__should_equal_original_max_age_for_all_requests() -> (
    None
):
    original_max_age_twice(MemoryStore())


# The upstream file has this title twice (the second with its SmartStore); the suffix keeps
# one Python function per `it`.
def test_session__req_session__cookie__original_max_age__should_equal_original_max_age_for_all_requests_smart_store() -> (
    None
):
    original_max_age_twice(SmartStore())


def self_signed(folder: Path) -> tuple[str, str]:
    """A throwaway certificate for 127.0.0.1 (openssl, as tests/server does)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


def test_session__req_session__cookie__secure__should_set_cookie_when_secure(
    tmp_path: Path,
) -> None:
    cert, key = self_signed(tmp_path)
    app = create_server({"cookie": {"secure": True}})
    with BackgroundServer(app, ServerConfig(port=0, certfile=cert, keyfile=key)) as server:
        context = ssl.create_default_context(cafile=cert)
        connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=context)
        connection.request("GET", "/")
        response = connection.getresponse()
        set_cookie = response.getheader("Set-Cookie") or ""
        connection.close()
    assert response.status == 200
    assert set_cookie.startswith("connect.sid=s%3A") and "; Secure" in set_cookie


def test_session__req_session__cookie__secure__should_not_set_cookie_when_insecure() -> None:
    request(create_server({"cookie": {"secure": True}}), server=True).get("/").expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)


def max_age_server() -> tuple[Any, str]:
    """The `.maxAge` describe's server and the cookie its `before` hook got."""

    def respond(req: Any, res: Any) -> None:
        count = req.session.count
        count = 0 if count is None else count + 1  # ++undefined is NaN: the default branch
        if count == 2:
            req.session.cookie.maxAge = 5000
        elif count == 3:
            req.session.cookie.maxAge = 3000000000
        elif count != 1:
            count = 0
        req.session.count = count
        res.end(str(count))

    server = create_server({"cookie": {"maxAge": 2000}}, respond)
    return server, cookie(request(server, server=True).get("/").end())


def max_age_step(steps: int, delta_ms: int) -> None:
    server, session_cookie = max_age_server()
    client = request(server, server=True)
    for step in range(1, steps):
        client.get("/").set("Cookie", session_cookie).expect(200, str(step))
    client.get("/").set("Cookie", session_cookie).expect(
        should_set_cookie_to_expire_in("connect.sid", delta_ms)
    ).expect(200, str(steps))


def test_session__req_session__cookie__max_age__should_set_cookie_expires_relative_to_max_age() -> (
    None
):
    max_age_step(1, 2000)


def test_session__req_session__cookie__max_age__should_modify_cookie_expires_when_changed() -> None:
    max_age_step(2, 5000)


def test_session__req_session__cookie__max_age__should_modify_cookie_expires_when_changed_to_large_value() -> (
    None
):
    max_age_step(3, 3000000000)


def test_session__req_session__cookie__expires__when_given_a_date__should_set_absolute() -> None:
    from datetime import datetime, timezone

    def respond(req: Any, res: Any) -> None:
        req.session.cookie.expires = datetime(1970, 1, 1, tzinfo=timezone.utc)
        res.end()

    request(create_server(None, respond)).get("/").expect(
        should_set_cookie_with_attribute_and_value(
            "connect.sid", "Expires", "Thu, 01 Jan 1970 00:00:00 GMT"
        )
    ).expect(200)


def browser_session(modify: bool) -> Any:
    def respond(req: Any, res: Any) -> None:
        req.session.cookie.expires = None
        if modify:
            req.session.hit = (req.session.hit or 0) + 1
        res.end()

    return create_server(None, respond)


def test_session__req_session__cookie__expires__when_null__should_be_a_browser_session_cookie() -> (
    None
):
    request(browser_session(False)).get("/").expect(
        should_set_cookie_without_attribute("connect.sid", "Expires")
    ).expect(200)


def no_second_cookie(server: Any) -> None:
    res = (
        request(server)
        .get("/")
        .expect(should_set_cookie_without_attribute("connect.sid", "Expires"))
        .expect(200)
        .response
    )
    request(server).get("/").set("Cookie", cookie(res)).expect(
        should_not_have_header("Set-Cookie")
    ).expect(200)


def test_session__req_session__cookie__expires__when_null__should_not_reset_cookie() -> None:
    no_second_cookie(browser_session(False))


def test_session__req_session__cookie__expires__when_null__should_not_reset_cookie_when_modified() -> (
    None
):
    no_second_cookie(browser_session(True))


def partitioned(options: dict[str, Any], check: Any) -> None:
    request(create_server(options)).get("/").expect(check("connect.sid", "Partitioned")).expect(200)


def test_session__req_session__cookie__partitioned__by_default__should_not_set_partitioned_attribute() -> (
    None
):
    partitioned({}, should_set_cookie_without_attribute)


def test_session__req_session__cookie__partitioned__when_false__should_not_set_partitioned_attribute() -> (
    None
):
    partitioned({"cookie": {"partitioned": False}}, should_set_cookie_without_attribute)


def test_session__req_session__cookie__partitioned__when_true__should_set_partitioned_attribute() -> (
    None
):
    partitioned({"cookie": {"partitioned": True}}, should_set_cookie_with_attribute)


# -- synchronous store ------------------------------------------------------------------------


class SyncStore(Store):
    """test/support/sync-store.js: plain ``def`` methods (expresspy runs them in a thread)."""

    def __init__(self) -> None:
        self.sessions: dict[str, str] = {}

    def destroy(self, sid: str) -> None:
        self.sessions.pop(sid, None)

    def get(self, sid: str) -> Any:
        return json.loads(self.sessions[sid]) if sid in self.sessions else None

    def set(self, sid: str, sess: dict[str, Any]) -> None:
        self.sessions[sid] = json.dumps(sess)


def test_session__synchronous_store__should_respond_correctly_on_save() -> None:
    request(create_server({"store": SyncStore()}, hits)).get("/").expect(200, "hits: 1")


def test_session__synchronous_store__should_respond_correctly_on_destroy() -> None:
    def respond(req: Any, res: Any) -> None:
        req.session.count = (req.session.count or 0) + 1
        count = req.session.count
        if count > 1:
            req.session = None
            res.write("destroyed\n")
        res.end(f"hits: {count}")

    server = create_server({"store": SyncStore(), "unset": "destroy"}, respond)
    res = request(server).get("/").expect(200, "hits: 1").response
    request(server).get("/").set("Cookie", cookie(res)).expect(200, "destroyed\nhits: 2")


# -- cookieParser() ---------------------------------------------------------------------------


def behind_cookie_parser(secret: str | None, name: str, replace_header: str | None) -> Any:
    """cookie_parser(), then a step that replaces the Cookie header, then session()."""
    from expresspy.middleware import cookie_parser

    def rewrite(req: Any, res: Any, next: Any) -> None:
        req.headers.pop("cookie", None)
        if replace_header is not None:
            req.headers["cookie"] = replace_header
        next()

    app = express()
    app.use(cookie_parser(secret) if secret else cookie_parser())
    app.use(rewrite)
    app.use(create_session({"key": name}))
    app.use(hits)
    return app


def test_session__cookie_parser__should_read_from_req_cookies() -> None:
    app = behind_cookie_parser(None, "connect.sid", "foo=bar")
    res = request(app).get("/").expect(200, "hits: 1").response
    request(app).get("/").set("Cookie", cookie(res)).expect(200, "hits: 2")


def test_session__cookie_parser__should_reject_unsigned_from_req_cookies() -> None:
    app = behind_cookie_parser(None, "sessid", "foo=bar")
    res = request(app).get("/").expect(200, "hits: 1").response
    request(app).get("/").set("Cookie", f"sessid={sid(res)}").expect(200, "hits: 1")


def test_session__cookie_parser__should_reject_invalid_signature_from_req_cookies() -> None:
    app = behind_cookie_parser(None, "sessid", "foo=bar")
    res = request(app).get("/").expect(200, "hits: 1").response
    val = re.sub(r"...\.", ".", cookie(res), count=1)
    request(app).get("/").set("Cookie", val).expect(200, "hits: 1")


def test_session__cookie_parser__should_read_from_req_signed_cookies() -> None:
    app = behind_cookie_parser("keyboard cat", "connect.sid", None)
    res = request(app).get("/").expect(200, "hits: 1").response
    request(app).get("/").set("Cookie", cookie(res)).expect(200, "hits: 2")
