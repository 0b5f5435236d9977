"""The session request's fast path: MemoryStore's text records, remembered signatures, the
shared JSON encoders and a session freed without the cycle collector, each checked against
the general path it stands in for, over real HTTP."""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from expresspy import Application, express, session
from expresspy.cookies import SignatureMemo, sign, unsign
from expresspy.session import MemoryStore
from expresspy.session.store import JSON, text_records_of
from expresspy.testing import agent


class GeneralMemoryStore(MemoryStore):
    """MemoryStore through get/merge: a subclass is not given the text fast path."""


def _counter_app(store: MemoryStore, ids: Iterator[str], **options: Any) -> Any:
    """A counter whose session ids come from ``ids``, so two runs store the same records."""
    app = express()
    app.use(
        session(
            secret="s",
            store=store,
            resave=False,
            save_uninitialized=True,
            genid=lambda req: next(ids),
            **options,
        )
    )

    @app.get("/")
    def count(req: Any, res: Any) -> None:
        req.session.views = (req.session.views or 0) + 1
        req.session.nested = {"list": [1, "é", None], "flag": True}
        res.send(f"views: {req.session.views}")

    @app.get("/read")
    def read(req: Any, res: Any) -> None:
        res.send(f"views: {req.session.views}")

    return app


def _run(store: MemoryStore, **options: Any) -> dict[str, str]:
    """Three requests of one client (two saves and a touch); the stored texts."""
    client = agent(_counter_app(store, iter(["sid-1", "sid-2"]), **options), server=True)
    client.get("/").expect(200, "views: 1")
    client.get("/").expect(200, "views: 2")
    client.get("/read").expect(200, "views: 2")
    return dict(store.sessions)


def test_only_memory_stores_own_class_gets_the_text_path() -> None:
    assert text_records_of(MemoryStore()) is not None
    assert text_records_of(GeneralMemoryStore()) is None


@pytest.mark.parametrize("options", [{}, {"absolute_timeout": 3600}])
def test_the_text_path_stores_the_bytes_the_general_path_stores(options: dict[str, Any]) -> None:
    fast, general = _run(MemoryStore(), **options), _run(GeneralMemoryStore(), **options)
    assert fast.keys() == general.keys() == {"sid-1"}
    record = json.loads(fast["sid-1"])
    assert list(record) == ["cookie", "views", "nested", *(["_expresspy"] if options else [])]
    assert record["views"] == 2
    if options:  # the metadata holds times: compare all the rest
        for texts in (fast, general):
            record = json.loads(texts["sid-1"])
            assert set(record.pop("_expresspy")) == {"created", "accessed"}
            texts["sid-1"] = JSON.dumps(record)
    assert fast == general


def test_a_record_planted_as_text_is_read_and_replaced_through_the_text_path() -> None:
    store = MemoryStore()
    app = _counter_app(store, iter(["sid-1"]))
    client = agent(app, server=True)
    client.get("/").expect(200, "views: 1")
    # Written behind the store's back (no envelope): parsed in full, then replaced.
    store.sessions["sid-1"] = '{"cookie":{"originalMaxAge":null,"expires":null},"views":41}'
    client.get("/").expect(200, "views: 42")
    assert json.loads(store.sessions["sid-1"])["views"] == 42


def test_a_method_replaced_on_the_instance_is_called() -> None:
    store = MemoryStore()
    calls: list[str] = []
    get, merge = store.get, store.merge

    async def counting_get(sid: str) -> Any:
        calls.append("get")
        return await get(sid)

    async def counting_merge(sid: str, patch: Any) -> bool:
        calls.append("merge")
        return await merge(sid, patch)

    store.get = counting_get  # type: ignore[method-assign]
    store.merge = counting_merge  # type: ignore[method-assign]
    client = agent(_counter_app(store, iter(["sid-1"])), server=True)
    client.get("/").expect(200, "views: 1")
    client.get("/").expect(200, "views: 2")
    assert calls == ["merge", "get", "merge"]


def test_a_session_request_leaves_nothing_to_the_cycle_collector() -> None:
    bindings: list[weakref.ref[Any]] = []
    app = express()
    app.use(session(secret="s", resave=False, save_uninitialized=True))

    @app.get("/")
    def count(req: Any, res: Any) -> None:
        req.session.views = (req.session.views or 0) + 1
        bindings.append(weakref.ref(req.session._binding))
        res.send("ok")

    client = agent(app, server=True)
    client.get("/").expect(200)
    gc.disable()
    try:
        for _ in range(3):
            client.get("/").expect(200, "ok")
        # Freed by reference counting alone: no request <-> session cycle holds them. The
        # client can read the last response before the server's task has let go of that
        # request, so wait a moment for it (a cycle would keep it for good: gc is off).
        deadline = time.monotonic() + 5
        while any(ref() is not None for ref in bindings[1:]) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [ref() for ref in bindings[1:]] == [None, None, None]
    finally:
        gc.enable()


def test_a_session_kept_after_its_request_still_saves() -> None:
    kept: list[Any] = []
    store = MemoryStore()
    app = express()
    app.use(session(secret="s", store=store, resave=False, save_uninitialized=False))

    @app.get("/keep")
    async def keep(req: Any, res: Any) -> None:
        req.session.user = "ada"
        kept.append(req.session)
        res.send("kept")

    @app.get("/save-later")
    async def save_later(req: Any, res: Any) -> None:
        session_object = kept[0]
        session_object.later = True
        await session_object.save()
        res.send("saved")

    client = agent(app, server=True)
    client.get("/keep").expect(200, "kept")
    client.get("/save-later").expect(200, "saved")
    [text] = store.sessions.values()
    assert json.loads(text)["later"] is True


def test_the_signature_memo_remembers_only_what_verified() -> None:
    memo = SignatureMemo(["new", "old"], size=2)
    good, forged = sign("id-1", "old"), "id-1.forged"
    assert memo.unsign(good) == unsign(good, ["new", "old"]) == "id-1"
    assert memo.unsign(forged) is None
    assert memo._verified == {good: "id-1"}  # the forged value was not kept
    for index in range(5):  # bounded: a full table starts afresh
        memo.unsign(sign(f"id-{index}", "new"))
    assert 0 < len(memo._verified) <= 2
    assert memo.sign("id-9") == sign("id-9", "new")
    header = f"a=1; connect.sid=s%3A{good.replace('+', '%2B').replace('/', '%2F')}"
    assert memo.signed_cookie(header, "connect.sid") == "id-1"
    assert memo.signed_cookie(header, "connect.sid") == "id-1"  # remembered
    assert memo.signed_cookie("connect.sid=id-1", "connect.sid") is None  # not "s:"-signed


def test_the_shared_encoders_write_what_json_dumps_writes() -> None:
    reference = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    values: list[Any] = [{"a": [1, 2.5, None, True, 'é\n"']}, "x", 10**30, -0.0, {1: 2}, []]
    for value in values:
        assert JSON.dumps(value) == reference.encode(value)
    circular: list[Any] = []
    circular.append(circular)
    for bad in (float("nan"), circular, {"x": object()}, circular):
        with pytest.raises((ValueError, TypeError)):
            JSON.dumps(bad)
    assert JSON.dumps({"after": "failures"}) == '{"after":"failures"}'
    # One encoder shared by every call keeps no table of what it is inside: a cycle is
    # still json's ValueError, never a RecursionError, and it leaves the encoder working.
    cycle: dict[str, Any] = {}
    cycle["self"] = {"up": cycle}
    for _ in range(2):
        with pytest.raises(ValueError, match="Circular reference"):
            JSON.dumps(cycle)
    shared = [1]
    assert JSON.dumps({"a": shared, "b": [shared, shared]}) == '{"a":[1],"b":[[1],[1]]}'
    assert JSON.loads(' {"a": 1} ') == {"a": 1}  # whitespace: json.loads's own path

    failures: list[str] = []
    data = {"a": [1, {"b": 2}]}

    def encode_many() -> None:
        for _ in range(2000):
            if JSON.dumps(data) != '{"a":[1,{"b":2}]}':
                failures.append("differs")

    threads = [threading.Thread(target=encode_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_data_json_cannot_write_answers_500_and_leaves_the_record_as_it_was(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A loaded session (the lean path) given a cycle or an object: the save fails, the
    request answers 500 with the error logged, and the stored record is the last good one."""
    store = MemoryStore()
    app: Application = _counter_app(store, iter(["sid-1"]))

    @app.get("/cycle")
    def cycle(req: Any, res: Any) -> None:
        loop: list[Any] = []
        loop.append(loop)
        req.session.loop = loop
        res.send("stored")

    @app.get("/object")
    def an_object(req: Any, res: Any) -> None:
        req.session.thing = object()
        res.send("stored")

    client = agent(app, server=True)
    client.get("/").expect(200, "views: 1")
    saved = store.sessions["sid-1"]
    with caplog.at_level(logging.ERROR, logger="expresspy"):
        client.get("/cycle").expect(500)
        client.get("/object").expect(500)
    assert store.sessions["sid-1"] == saved
    logged = "\n".join(record.getMessage() + str(record.exc_info) for record in caplog.records)
    assert "Circular reference" in logged and "not JSON serializable" in logged
    client.get("/").expect(200, "views: 2")


def test_a_stored_cookie_read_by_the_handler_is_the_cookie_of_the_general_path() -> None:
    def app_for(store: MemoryStore) -> Any:
        app = express()
        app.use(session(secret="s", store=store, resave=False, save_uninitialized=True))

        @app.get("/")
        def count(req: Any, res: Any) -> None:
            req.session.views = (req.session.views or 0) + 1
            res.send("ok")

        @app.get("/cookie")
        def cookie(req: Any, res: Any) -> None:
            read = req.session.cookie  # built from the stored JSON on this first read
            assert req.session.cookie is read
            res.json({"json": read.to_json(), "expires": read.expires is None})

        @app.get("/extend")
        def extend(req: Any, res: Any) -> None:
            req.session.cookie.max_age = 60
            req.session.views += 1
            res.send("extended")

        return app

    answers = []
    for store in (MemoryStore(), GeneralMemoryStore()):
        client = agent(app_for(store), server=True)
        client.get("/").expect(200)
        client.get("/").expect(200)
        answers.append(client.get("/cookie").expect(200).body)
        response = client.get("/extend").expect(200, "extended")
        # a cookie given an expiry and a modified session: Set-Cookie again, as the general path
        assert "Expires=" in response.headers["set-cookie"]
        [text] = store.sessions.values()
        assert json.loads(text)["cookie"]["originalMaxAge"] == 60000
    assert answers[0] == answers[1]
    assert answers[0] == {
        "json": {"originalMaxAge": None, "expires": None, "httpOnly": True, "path": "/"},
        "expires": True,
    }


def test_the_usual_sessions_end_decides_as_the_general_path() -> None:
    """LeanRequestSession.end's own decisions (saved when changed, touched when not) and
    each session it hands back (regenerated, unserialisable data): the same responses and
    stored records as the general path's."""

    def app_for(store: MemoryStore, ids: Iterator[str]) -> Application:
        app: Application = _counter_app(store, ids)

        @app.get("/regenerate")
        def regenerate(req: Any, res: Any) -> None:
            def then(err: Any) -> None:
                req.session.views = 100
                res.send("regenerated")

            req.session.regenerate(then)

        @app.get("/change/:how")
        def change(req: Any, res: Any) -> None:
            if req.params["how"] == "unset":
                req.session = None
            else:
                req.session.bad = float("nan")  # no JSON: the save fails the request
            res.send(req.params["how"])

        return app

    def run(store: MemoryStore) -> list[Any]:
        client = agent(app_for(store, iter(["sid-1", "sid-2"])), server=True)
        seen: list[Any] = []
        paths = ("/", "/read", "/read", "/regenerate", "/", "/change/nan", "/read", "/change/unset")
        for path in (*paths, "/"):
            response = client.get(path)
            # (an error page shows its traceback, which names each path's own frames)
            seen.append((path, response.status, response.text if response.status == 200 else None))
            seen.append(response.headers.get("set-cookie") is not None)
            seen.append(dict(store.sessions))
        return seen

    fast, general = run(MemoryStore()), run(GeneralMemoryStore())
    assert fast == general
    assert fast[-1].keys() == {"sid-2"}  # regenerate destroyed sid-1
    assert json.loads(fast[-1]["sid-2"])["views"] == 102


def test_a_request_that_changes_nothing_writes_nothing_to_a_memory_store() -> None:
    """Its touch would write the record's text again as it is: the record, its text and its
    text path are kept as they are."""
    store = MemoryStore()
    client = agent(_counter_app(store, iter(["sid-1"])), server=True)
    client.get("/").expect(200, "views: 1")
    written = store.sessions["sid-1"]
    for _ in range(3):
        client.get("/read").expect(200, "views: 1")
        assert store.sessions["sid-1"] is written  # not written again
    client.get("/").expect(200, "views: 2")
    assert json.loads(store.sessions["sid-1"])["views"] == 2


def test_a_touch_replaced_on_the_instance_is_called() -> None:
    store = MemoryStore()
    touched: list[str] = []
    touch = store.touch

    async def counting_touch(sid: str, session: dict[str, Any]) -> None:
        touched.append(sid)
        await touch(sid, session)

    store.touch = counting_touch  # type: ignore[method-assign]
    client = agent(_counter_app(store, iter(["sid-1"])), server=True)
    client.get("/").expect(200, "views: 1")
    client.get("/read").expect(200, "views: 1")
    client.get("/read").expect(200, "views: 1")
    assert touched == ["sid-1", "sid-1"]


def test_memory_stores_touch_at_once_is_only_for_a_touch_that_writes_the_same_text() -> None:
    store = MemoryStore()
    cookie = '{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}'
    text = '{"cookie":' + cookie + ',"a":1}'
    assert not store.touch_parts_now("sid-1", cookie)  # no record
    store.write_parts_now("sid-1", text, (cookie, '{"a":1}'), True)
    assert store.touch_parts_now("sid-1", cookie)
    # another cookie: touch() writes it into the record
    assert not store.touch_parts_now("sid-1", cookie.replace("true", "false"))
    store.sessions["sid-1"] = '{"cookie":' + cookie + ',"a":2}'  # planted behind its back
    assert not store.touch_parts_now("sid-1", cookie)
