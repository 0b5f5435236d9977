"""``session()``: express-session 1.19's middleware, decision for decision.

Per request it reads the signed session id from the cookie, loads the record (or generates a
new session), and puts ``req.session``, ``req.session_id`` and ``req.session_store`` on the
request. Two response hooks finish the job (docs/design.md, "Response lifecycle and hooks"):

* ``res.on_headers``: append the ``Set-Cookie`` header when express-session would;
* ``res.before_finish``: destroy, save or touch the record **before** the response leaves,
  so a client that received a response always finds its session on the next request. A store
  error there replaces the response with the error response.

The decisions (when to save, touch and set the cookie) are express-session's, ported in
:class:`RequestSession`; the research notes (express.md section 6.2) give the probed matrix.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol

from ..options import Middleware
from . import decisions
from .backends import Backend, ServerBackend, backend_for
from .cookie import (
    CookieOptions,
    SessionCookie,
    StoredCookie,
    datetime_to_ms,
    now_ms,
    remembered_cookie,
    stored_cookie,
)
from .insecure import warn_secure_cookie_over_http
from .operation import Callback, SessionOperation, start_operation
from .options import SessionOptions, parse_session_options
from .patch import META_KEY, record_data
from .scope import is_secure, request_path
from .session import Session, loaded_session, session_from_record
from .store import JSON, AsyncTextRecords, SessionRecord, WouldWait, encode_chunks, scan_json
from .store_calls import NOT_SAVED_AGAIN, StoreCalls, forget_deadline

__all__ = ["RequestSession", "SessionHash", "session"]

if TYPE_CHECKING:
    from ..outgoing import ErrorResponder

log = logging.getLogger("expresspy.session")

#: The Expires of a cookie that tells the browser to forget it.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def session(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Return the session middleware (express-session's ``session(options)``).

    Options (Python spelling; Express's camelCase is accepted in a dict): ``secret``
    (required: str/bytes or a list, the first signs and all verify), ``name``
    (``"connect.sid"``), ``store`` (a new :class:`MemoryStore`), ``cookie`` (dict or
    ``fn(req) -> dict``: ``path``, ``domain``, ``http_only``, ``secure`` (bool or "auto"),
    ``max_age`` in **seconds** or ``maxAge`` in **ms**, ``same_site`` (incl. "auto"),
    ``priority``, ``partitioned``), ``genid(req)``, ``proxy``, ``resave``, ``rolling``,
    ``save_uninitialized``, ``unset`` ("keep"/"destroy"), and expresspy's additions:
    ``clear_on_destroy`` (expire the cookie when the session is destroyed), ``store_timeout``
    (seconds each store call may take, 5 by default; then 503), ``concurrency``
    ("last-write" or "merge"), ``absolute_timeout`` and ``idle_timeout`` (seconds, enforced
    on the server). See docs/sessions.md.

    Raises ``ValueError``/``TypeError`` at once for a missing secret or any other
    misconfiguration.
    """
    opts = parse_session_options(options, keywords)
    calls = StoreCalls(opts.store, opts.store_timeout, opts.concurrency == "merge")
    backend = backend_for(opts.store, calls, opts.secrets)
    fixed_cookie = None if callable(opts.cookie) else opts.cookie  # else one per request
    # The common configuration's requests take LeanRequestSession's shorter steps.
    store, secrets = opts.store, opts.secrets
    # Whether every request's cookie path is "/" (the default), which each origin-form target
    # is under: decided once here, not per request
    at_root = fixed_cookie is not None and (fixed_cookie.path or "/") == "/"
    state_class = RequestSession
    if LeanRequestSession.serves(opts, calls, backend, fixed_cookie):
        state_class = LeanRequestSession
    elif AsyncLeanRequestSession.serves(opts, calls, backend, fixed_cookie):
        state_class = AsyncLeanRequestSession

    async def session_middleware(req: Any, res: Any, next: Callable[..., Any]) -> None:
        # req.session as this middleware attaches it (an instance attribute): read from the
        # instance's dict, since an unset name would go through Request.__getattr__'s slow
        # path on every request. None when no session() ran or it was unset.
        if req.__dict__.get("session") is not None:  # an outer session() already ran
            next()
            return
        if not getattr(store, "ready", True):  # store down: no session at all
            req.session = None  # None, not NO_SESSION: the middleware is there (missing.py)
            next()
            return
        cookie_options = fixed_cookie or opts.cookie_for(req)
        url = req.original_url
        if not (at_root and url.startswith("/")) and not _in_scope(url, cookie_options.path or "/"):
            req.session = None
            next()
            return
        if not secrets and not _is_secret(getattr(req, "secret", None)):
            # express-session's check, once the request is known to be the session's
            next(RuntimeError("secret option required for sessions"))
            return
        state = state_class(opts, calls, backend, cookie_options, req, res)
        loading = state.begin(req, res, next)
        if loading is not None:  # the store is called through a coroutine: await it
            await loading

    session_middleware.__name__ = "session"
    # Found by prune_command(app) and other tools that need the app's store.
    session_middleware.session_store = opts.store  # type: ignore[attr-defined]
    return session_middleware


def _in_scope(url: str, path: str) -> bool:
    """Whether the request target ``url`` is under the cookie's ``path``."""
    if path == "/" and url.startswith("/"):  # the default: every origin-form target is
        return True
    return request_path(url).startswith(path)


def _is_secret(value: object) -> bool:
    """Whether `value` (cookie-parser's `req.secret`) can sign: a non-empty str or bytes."""
    return isinstance(value, (str, bytes)) and bool(value)


class SessionRequest(Protocol):
    """What the session machinery needs of `req`: the headers it reads the cookie from, the
    URL it checks the cookie path against, and the attributes it sets."""

    session: Any  # the Session, or None once the handler removed it
    session_id: Any  # a str, unless the app overwrote it (express-session checks where it matters)
    session_store: Any
    original_url: str
    headers: Mapping[str, str]  # lower-case names (what `get` reads)

    def get(self, name: str) -> str | None:
        """A request header."""


class SessionResponse(Protocol):
    """What the session machinery needs of `res`: two lifecycle hooks, appending a header,
    and the app's error responder (for a failing session callback)."""

    @property
    def app(self) -> ErrorResponder: ...

    def on_headers(self, fn: Callable[[Any], None]) -> None:
        """Run `fn(res)` as the headers freeze."""

    def before_finish(self, fn: Callable[[], Any]) -> None:
        """Await `fn()` before the response's last bytes go out."""

    def append(self, field: str, value: Any = ...) -> Any:
        """Append a header value."""


class RequestSession:
    """The session machinery of one request: load, then save/touch/set-cookie at the end.

    It holds its request and response weakly: ``req.session`` reaches it (the session's
    binding) and so does ``res`` (its hooks), so strong references back would make each
    session request a reference cycle left to the cycle collector. The request and response
    outlive every use during the request (the app holds them); a session kept past its
    request finds it gone (:attr:`req`).
    """

    # The state of a request as it starts: class values, so that an instance stores only
    # what its request changes (most requests change a few).
    cookie_id: str | None = None  # the id the client sent, if valid
    original_id: str | None = None  # the session's id and data snapshot as the request began
    original_hash: str | None = None
    saved_hash: str | None = None  # the snapshot last saved during this request
    touched = False
    pending: set[concurrent.futures.Future[None]] | None = None  # operations the handler began
    destroyed = False  # destroy() was called during this request
    stored_id: str | None = None  # the id whose record is known to be in the store
    baseline: dict[str, Any] | None = None  # the data as stored (merge mode diffs it)
    meta: dict[str, int] | None = None  # creation/last-use times (lifetime limits)
    failure: BaseException | None = None  # raised while setting the cookie
    cookie_record: SessionRecord | None = None  # a CookieStore's record

    def __init__(
        self,
        opts: SessionOptions,
        calls: StoreCalls,
        backend: Backend,
        cookie_options: CookieOptions,
        req: SessionRequest,
        res: SessionResponse,
    ) -> None:
        self.opts = opts
        self.cookie_options = cookie_options
        try:
            self._req: Callable[[], Any] = weakref.ref(req)
            self._res: Callable[[], Any] = weakref.ref(res)
        except TypeError:  # objects without weak references (a __slots__ class): held
            self._req, self._res = _holder(req), _holder(res)
        self.store = opts.store
        # express-session's `secret || [req.secret]`: cookie-parser's secret when it has none
        self.secrets: tuple[str | bytes, ...] = opts.secrets or (getattr(req, "secret", ""),)
        self.calls = calls
        self.backend = backend  # where the record lives: the server's store or the cookie
        self.loop = asyncio.get_running_loop()

    @property
    def req(self) -> SessionRequest:
        """The request; ``RuntimeError`` once it is over and freed."""
        req: SessionRequest | None = self._req()
        if req is None:
            raise RuntimeError(
                "this session's request is over: use req.session while the request "
                "(or a callback holding req) is alive"
            )
        return req

    @property
    def res(self) -> SessionResponse:
        """The response; ``RuntimeError`` once it is over and freed."""
        res: SessionResponse | None = self._res()
        if res is None:
            raise RuntimeError("this session's response is over")
        return res

    # -- the request's start -----------------------------------------------------------------

    def begin(
        self, req: SessionRequest, res: SessionResponse, next: Callable[..., Any]
    ) -> Awaitable[None] | None:
        """getcookie, then inflate the stored session or generate a new one; then next().

        Returns what to await when the record comes through a store coroutine; a new session
        and a store with :class:`~expresspy.session.store.TextRecords` need none.
        """
        self.attach(req, res, self.read_cookie(req))
        if not self.cookie_id:
            self.generate()
            next()
            return None
        text = self.calls.text_for("get")
        if text is None or self.backend.cookie_is_record:
            return self.load(next)
        lifetime = self.opts.lifetime
        calls = self.calls
        try:
            if calls.parts and not lifetime.enabled:
                found = calls.read_now(text, self.cookie_id, parts=True)
                if type(found) is tuple:  # the record as its cookie's and data's JSON
                    self.inflate_parts(self.req, self.cookie_id, *found)
                    next()
                    return None
                record: SessionRecord | None = found  # type: ignore[assignment]
            else:
                record = calls.read_now(text, self.cookie_id)  # type: ignore[assignment]
            if record and lifetime.enabled and lifetime.expired(record.get(META_KEY), now_ms()):
                return self.load(next)  # the store's destroy is a coroutine: the general path
            self.inflate(record) if record else self.generate()
        except WouldWait:  # the store would have to wait for this one: its coroutine does
            return self.load(next)
        except Exception as exc:  # as in load()
            next(exc)
            return None
        next()
        return None

    def attach(self, req: SessionRequest, res: SessionResponse, sid: str | None) -> None:
        """Make this the request's session state: its store, the id its cookie carries
        (``sid``; None without one), and the two response hooks."""
        req.session_store = self.store
        self.cookie_id = req.session_id = sid
        res.on_headers(self.on_headers)
        res.before_finish(self.before_finish)

    async def load(self, next: Callable[..., Any]) -> None:
        """:meth:`begin`'s load through the back-end's coroutine, then next()."""
        assert self.cookie_id is not None
        try:
            record = await self.backend.load(self.cookie_id, self.cookie_record)
            if record and self.opts.lifetime.expired(record.get(META_KEY), now_ms()):
                # Past the absolute or idle limit: gone, as if the store had expired it.
                await self.backend.expire(self.cookie_id)
                record = None
            self.inflate(record) if record else self.generate()
        except Exception as exc:  # a failing store or a corrupt record: an error, never a
            next(exc)  # silent new session that would log the user out
            return
        next()

    def read_cookie(self, req: SessionRequest) -> str | None:
        """The session id from the signed cookie, or None when absent, unsigned or forged."""
        header = req.get("cookie")
        sid: str | None = ""
        if header:
            sid, record = self.backend.read_header(header, self.opts.name, self.secrets)
            if record is not None:  # a CookieStore's: kept for the load
                self.cookie_record = record
        if not sid:  # cookie-parser fallbacks, as express-session reads them
            signed = getattr(req, "signed_cookies", None) or {}
            candidate = signed.get(self.opts.name) if isinstance(signed, Mapping) else None
            sid = candidate if isinstance(candidate, str) else None
        if not sid:
            plain = getattr(req, "cookies", None) or {}
            sid = self._unsign(plain.get(self.opts.name) if isinstance(plain, Mapping) else None)
        return sid or None

    def _unsign(self, raw: object) -> str | None:
        """The id a cookie value carries, verified; None when it carries none.

        With a CookieStore the value is the signed record itself; it is kept for load().
        """
        sid, record = self.backend.read(raw, self.secrets)
        if record is not None:
            self.cookie_record = record
        return sid or None

    def generate(self) -> None:
        """A new session for this request: the baseline its changes are seen against."""
        self.new_session()
        self.original_id = self.req.session_id
        self.original_hash = self.snapshot(self.req.session)
        self.saved_hash = None

    def new_session(self) -> None:
        """A new session with a new id and a fresh cookie from the options (express-session's
        ``store.generate``).

        The baseline (``original_id``/``original_hash``) is left alone: after ``regenerate()``
        the new session's id differs from the one loaded, so it counts as modified and is saved
        with its cookie sent, even with ``save_uninitialized`` false and nothing else set.
        """
        sid = self.opts.genid(self.req)
        if not isinstance(sid, str) or not sid:
            raise TypeError(f"genid must return a non-empty str, not {sid!r}")
        cookie = SessionCookie(self.cookie_options)
        secure = is_secure(self.req, self.opts.proxy)
        if self.cookie_options.secure == "auto":
            cookie.secure = secure
        if self.cookie_options.same_site == "auto":
            cookie.same_site = "none" if secure else "lax"
        self._attach(Session(sid, cookie, None, self))
        self.stored_id = None
        self.baseline = {}
        self.meta = self.opts.lifetime.new_meta(now_ms())

    def inflate(self, record: Mapping[str, Any]) -> None:
        """Adopt a stored session; its stored cookie attributes win over the options.

        Raises when the stored data cannot be serialised again (a NaN from another writer, a
        custom store's objects): that record could never be saved, so it fails the request.
        """
        sid = self.cookie_id
        assert sid is not None
        loaded = session_from_record(sid, record, self)
        self._attach(loaded)
        self.original_id = sid
        failure: Exception | None = None
        try:  # one serialisation gives both the snapshot and the merge baseline
            text: str | None = JSON.dumps(loaded.data())
        except (TypeError, ValueError) as exc:
            text, failure = None, exc
        self.original_hash = text if text is not None else self.unserialisable(loaded)
        self.saved_hash = None if self.opts.resave else self.original_hash
        self.stored_id = sid
        if failure is not None:
            raise failure
        assert text is not None
        # Only concurrency="merge" diffs against the baseline: other modes skip the copy.
        self.baseline = JSON.loads(text) if self.calls.merge_keys else None
        lifetime = self.opts.lifetime
        self.meta = lifetime.adopt(record.get(META_KEY), now_ms()) if lifetime.enabled else None

    def inflate_parts(
        self, req: SessionRequest, sid: str, cookie_text: str, data_text: str
    ) -> None:
        """:meth:`inflate` of a record a store keeps as its cookie's JSON and its data's
        (written by :meth:`write_text`: JSON's own text of a plain object, without the
        reserved keys), with no lifetime limits. The data's text is its snapshot as it is
        (JSON writes again what it read from JSON's text); the cookie stays text until read.
        ``sid``: the id the client sent (``req.session_id`` already)."""
        data = scan_json(data_text, 0)[0]  # JSON's own text of an object: parsed in one step
        cookie = remembered_cookie(cookie_text) or stored_cookie(cookie_text)
        req.session = loaded_session(sid, cookie, data, self)
        self.original_id = self.stored_id = sid
        self.original_hash = data_text
        if not self.opts.resave:
            self.saved_hash = data_text
        if self.calls.merge_keys:
            self.baseline = JSON.loads(data_text)

    def _attach(self, sess: Session | None) -> None:
        """Make ``sess`` the request's session (and its id the request's id)."""
        req = self.req
        req.session = sess
        if sess is not None:
            req.session_id = sess.id

    # -- express-session's decisions -----------------------------------------------------------

    @classmethod
    def snapshot(cls, sess: Session) -> str:
        """The session's data as JSON, without its cookie (cookie changes are not changes):
        what "modified" and "saved" are decided on, by comparing texts (express-session
        compares hashes of the same JSON, which is equal exactly when the texts are).

        Data that cannot be serialised gives a unique value, so it counts as modified and
        the save reports the real error.
        """
        try:
            return JSON.dumps(sess.data())
        except (TypeError, ValueError):
            return cls.unserialisable(sess)

    @staticmethod
    def unserialisable(sess: Session) -> str:
        """A snapshot of data that has no JSON: equal to no other (never ``{``-led JSON)."""
        return f"unserialisable:{id(sess)}:{object()!r}"

    def should_save(self, now: SessionHash | None = None) -> bool:
        """express-session's ``shouldSave`` for this request's session."""
        req = self._req()  # alive: called while the request runs (weakref.ref's call)
        sid, sess = req.session_id, req.__dict__.get("session")
        if not isinstance(sid, str) or sess is None:
            return False
        return self.saves(sid, sess, _at(sess, now))

    def saves(self, sid: str, sess: Session, digest: Callable[[], str]) -> bool:
        """:func:`decisions.should_save` of ``sess`` under ``req.session_id`` ``sid``, whose
        data's snapshot ``digest()`` gives."""
        return decisions.should_save(
            self.opts.save_uninitialized,
            self.cookie_id,
            sid,
            sess.id,
            self.original_id,
            self.original_hash,
            self.saved_hash,
            digest,
        )

    def should_touch(self, now: SessionHash | None = None) -> bool:
        """express-session's ``shouldTouch``: a loaded, unmodified session."""
        sid = self.req.session_id
        return isinstance(sid, str) and decisions.should_touch(
            self.cookie_id, sid, self.should_save(now)
        )

    def should_set_cookie(self, now: SessionHash | None = None) -> bool:
        """express-session's ``shouldSetCookie`` (a CookieStore's cookie is its record, so it
        is re-sent on every save and idle-timeout refresh too)."""
        req = self._req()  # alive: called while the request runs
        sid, sess = req.session_id, req.__dict__.get("session")
        if not isinstance(sid, str) or sess is None:
            return False
        if self.backend.cookie_is_record and self.cookie_id == sid:
            return self.opts.rolling or self.should_save(now) or self.needs_refresh()
        return decisions.should_set_cookie(
            self.opts.save_uninitialized,
            self.opts.rolling,
            self.cookie_id,
            sid,
            sess.id,
            not _no_expiry(sess),
            self.original_id,
            self.original_hash,
            _at(sess, now),
        )

    def needs_refresh(self) -> bool:
        """The idle-timeout clock of a loaded session should be written back."""
        if self.meta is None or self.stored_id is None:
            return False
        return self.opts.lifetime.needs_refresh(self.meta, now_ms())

    def should_destroy(self) -> bool:
        """``unset="destroy"`` and the handler removed ``req.session``."""
        if self.opts.unset != "destroy":  # the default, "keep": nothing else to read
            return False
        req = self.req
        return bool(req.session_id) and req.__dict__.get("session") is None

    def touch_once(self) -> None:
        """Restart the cookie's lifetime once per request."""
        if self.touched:
            return
        sess = self._req().__dict__.get("session")  # alive: called while the request runs
        if sess is not None:
            sess.touch()
            self.touched = True

    # -- the response's end ------------------------------------------------------------------

    def record(self, sess: Session) -> SessionRecord:
        """The stored form of ``sess``, with the lifetime metadata when limits are enforced."""
        record = sess.to_json()
        if self.meta is not None:
            self.meta["accessed"] = now_ms()
            record[META_KEY] = dict(self.meta)
        return record

    def on_headers(self, res: Any) -> None:
        """Append ``Set-Cookie`` when express-session would (runs as the headers freeze).

        An error here (a cookie that cannot be serialised, a CookieStore session over 4 KB)
        is kept and raised by :meth:`before_finish`, which replaces the response with the
        error response: raising here would fail every later attempt to send one.
        """
        try:
            self.set_cookie(res)
        except Exception as exc:
            self.failure = exc

    def set_cookie(self, res: Any) -> None:
        """The work of :meth:`on_headers`."""
        req = self._req()  # alive: the headers freeze while the request runs
        sess = req.__dict__.get("session")
        if sess is None:
            cleared = self.destroyed or self.should_destroy()
            if (
                self.cookie_id
                and cleared
                and (self.opts.clear_on_destroy or self.backend.cookie_is_record)
            ):
                res.append("Set-Cookie", self.expired_cookie())
            return
        if (
            req.session_id == self.cookie_id
            and not self.opts.rolling
            and _no_expiry(sess)
            and not self.backend.cookie_is_record
        ):
            # shouldSetCookie of the id the client sent, without rolling or an expiry, is
            # false whatever the data: the common request, decided without a snapshot
            return
        # Nothing between here and the end of this method can change the data, so every
        # check shares one snapshot (touch_once and the encoding read or move only the cookie).
        now = SessionHash(sess)
        if not self.should_set_cookie(now):
            return
        if sess.cookie.secure and not is_secure(self.req, self.opts.proxy):
            # a Secure cookie over plain HTTP would be dropped by the browser: say so, once
            warn_secure_cookie_over_http(self.opts, self.req)
            return
        self.touch_once()
        backend = self.backend
        record = None
        if backend.cookie_is_record:  # the cookie carries the record: writing it saves it
            record = self.record(sess)
            self.saved_hash = now()
        header = backend.cookie_header(
            self.opts.name, self.req.session_id, sess, record, self.secrets
        )
        res.append("Set-Cookie", header)

    def expired_cookie(self) -> str:
        """A Set-Cookie that makes the browser forget the session cookie."""
        cookie = SessionCookie(self.cookie_options)
        cookie.expires = EPOCH
        return cookie.serialize(self.opts.name, "")

    def before_finish(self) -> Awaitable[None] | None:
        """Destroy, save or touch the record; the response waits for it (errors replace it).

        Returns what to await for a store coroutine, or None when nothing needs one (a store
        with :class:`~expresspy.session.store.TextRecords` is written to directly).
        """
        if self.failure is not None:
            raise self.failure
        if self.pending:
            return self.finish_after_pending()
        return self.finish()

    async def finish_after_pending(self) -> None:
        """:meth:`before_finish` once the operations the handler started have finished."""
        await self.wait_pending()
        finishing = self.finish()
        if finishing is not None:
            await finishing

    def finish(self) -> Awaitable[None] | None:
        """The work of :meth:`before_finish`: what to await, if anything."""
        if self.backend.cookie_is_record:
            return None  # the cookie, already set, is the whole record
        if self.opts.unset == "destroy" and self.should_destroy():
            return self.backend.destroy(self.req.session_id)
        return self.end(self._req())  # alive: the response is not sent yet

    def end(self, req: SessionRequest) -> Awaitable[None] | None:
        """:meth:`finish`'s save or touch of ``req``'s session: what to await, if anything."""
        sess = req.__dict__.get("session")
        if sess is None:
            return None
        if not self.touched:  # touch_once, with the session at hand
            type(sess).touch(sess)  # from its class: a read on the session passes its hook
            self.touched = True
        sid = req.session_id
        if not isinstance(sid, str):  # neither saved nor touched (should_save/should_touch)
            return None
        # One snapshot for both decisions and the save: nothing runs between here and the
        # save recording it, so the data cannot change in between. Taken now, not when a
        # decision first reads it: a save or a touch, which every request ends in but a
        # rare few, needs it anyway. The data (the session's own __dict__) is read directly,
        # not through `data()`: each method looked up on a session passes its __getattr__
        # hook and makes a bound method (docs/performance.md).
        data = sess.__dict__
        try:
            now = JSON.dumps(data)
        except (TypeError, ValueError):
            now = self.unserialisable(sess)
        saving = self.saves(sid, sess, now.__str__)  # the digest, already known
        if saving:
            return self.write_text(sess, now, data)
        if decisions.should_touch(self.cookie_id, sid, saving):
            if self.needs_refresh():
                return self.calls.refresh(sess.id, self.record(sess))
            return self.calls.touch(sess.id, self.record(sess))
        return None

    def write_text(
        self, sess: Session, data_text: str, data: dict[str, Any]
    ) -> Awaitable[None] | None:
        """Save ``sess``, whose data is ``data`` with JSON ``data_text``; what to await, if
        anything.

        A store with :class:`~expresspy.session.store.TextRecords` (written to now) or
        :class:`~expresspy.session.store.AsyncTextRecords` gets the record's text, put
        together from that JSON and the cookie's, never encoded as a whole. Any other store,
        ``concurrency="merge"`` and data that is no plain JSON object go through
        :meth:`store_session`.
        """
        calls = self.calls
        text = calls.text_for("merge")
        later = calls.async_text_for("merge") if text is None else None
        if (
            (text is None and later is None)
            or calls.merge_keys
            or not data_text.startswith("{")
            or "cookie" in data
            or META_KEY in data
        ):
            return self.store_session(sess, digest=data_text)
        self.saved_hash = data_text
        meta = None
        if self.meta is not None:
            self.meta["accessed"] = now_ms()
            meta = dict(self.meta)
        sid = sess.id
        cookie_text, expires = _cookie_json(sess)
        record = record_text(cookie_text, data_text, meta)
        existing = self.stored_id == sid
        if text is None:
            assert later is not None
            return self.write_later(later, sid, record, expires, meta, existing)
        parts = (cookie_text, data_text) if meta is None and calls.parts else None
        try:
            calls.write_text_now(
                text, sid, record, expires=expires, meta=meta, existing=existing, parts=parts
            )
        except WouldWait:  # it would have to wait: the same write through its coroutine
            later = calls.async_text_for("merge")
            if later is None:
                return self.store_session(sess, digest=data_text)
            return self.write_later(later, sid, record, expires, meta, existing)
        self.stored_id = sid
        return None

    async def write_later(
        self,
        text: AsyncTextRecords,
        sid: str,
        record: str,
        expires: int | None,
        meta: dict[str, Any] | None,
        existing: bool,
    ) -> None:
        """:meth:`write_text`'s write through a store's async text path."""
        await self.calls.write_text(
            text, sid, record, expires=expires, meta=meta, existing=existing
        )
        self.stored_id = sid

    async def wait_pending(self) -> None:
        """Let operations the handler started (save, destroy, ...) finish first."""
        while self.pending:
            await asyncio.wrap_future(next(iter(self.pending)))

    async def store_session(
        self, sess: Session, record: SessionRecord | None = None, digest: str | None = None
    ) -> None:
        """``req.session.save()``'s work: remember it as saved, then write it.

        ``record`` and ``digest`` are the form and hash captured when ``save()`` was called
        (later changes belong to a later save). A session loaded from the store is only
        updated, never re-created.
        """
        self.saved_hash = digest or self.snapshot(sess)
        record = record or self.record(sess)
        write = self.backend.save(
            sess.id, record, existing=self.stored_id == sess.id, baseline=self.baseline
        )
        if write is None:  # the cookie is the record
            return
        await write
        self.stored_id = sess.id
        self.baseline = record_data(record)

    # -- SessionBinding: what req.session's methods call ---------------------------------------

    def start(self, work: Coroutine[Any, Any, None], callback: Callback | None) -> SessionOperation:
        """Run ``work`` on the request's loop; the response will wait for it to finish.

        The tracker is a thread-safe future, registered before this returns, so a handler
        in a worker thread that calls ``save()`` then ``res.send()`` cannot outrun the save.
        """
        tracker: concurrent.futures.Future[None] = concurrent.futures.Future()
        if self.pending is None:
            self.pending = set()
        self.pending.add(tracker)

        async def tracked() -> None:
            try:
                await work
            finally:
                self.pending.discard(tracker)  # type: ignore[union-attr]  # made above
                tracker.set_result(None)

        return start_operation(self.loop, tracked(), callback, self.callback_failed)

    def callback_failed(self, exc: BaseException) -> None:
        """An exception in a session callback gets the default error response.

        The handler has returned by then, so its ``next`` is spent; the app's final handler
        answers instead (and only logs when the response was already sent).
        """
        req, res = self._req(), self._res()
        if req is None or res is None:  # over and freed: nobody to answer
            log.error("a session callback failed after its request was over", exc_info=exc)
            return
        res.app.respond_error(req, res, exc)

    def save(self, session: Session, callback: Callback | None) -> SessionOperation:
        """See :meth:`Session.save`."""
        record = self.record(session)  # captured now: later changes belong to a later save
        self.saved_hash = digest = self.snapshot(session)
        return self.start(self.store_session(session, record, digest), callback)

    def destroy(self, session: Session, callback: Callback | None) -> SessionOperation:
        """See :meth:`Session.destroy`."""
        req = self._req()
        if req is not None and req.session is session:  # a request that is over has none
            req.session = None
        self.destroyed = True
        return self.start(self.backend.destroy(session.id), callback)

    def regenerate(self, session: Session, callback: Callback | None) -> SessionOperation:
        """See :meth:`Session.regenerate`."""

        async def work() -> None:
            try:
                await self.backend.destroy(self.req.session_id)
            finally:
                self.new_session()

        return self.start(work(), callback)

    def reload(self, session: Session, callback: Callback | None) -> SessionOperation:
        """See :meth:`Session.reload`."""

        async def work() -> None:
            record = await self.backend.load(session.id, self.cookie_record)
            if not record:
                raise LookupError("failed to load session")
            self._attach(session_from_record(session.id, record, self))
            self.baseline = JSON.loads(JSON.dumps(self.req.session.data()))

        return self.start(work(), callback)


class LeanRequestSession(RequestSession):
    """:class:`RequestSession` for the common configuration, its usual request in fewer steps.

    The configuration (:meth:`serves`): the cookie signed with ``session()``'s own secrets
    (remembered by :class:`~expresspy.cookies.SignatureMemo`), a store that keeps records as
    their cookie's and data's JSON (``read_parts_now``: MemoryStore, SQLiteStore; one that
    may decline with ``WouldWait`` takes the general path for that call), no lifetime limits,
    ``concurrency="last-write"``, ``unset="keep"``, neither ``rolling`` nor a cookie option
    that is a function. The usual request: a client sending back its valid cookie, the
    record found, saved or left as it is. Each step does that case with the same decisions
    (:mod:`~expresspy.session.decisions`) and hands any other to :class:`RequestSession`.
    """

    backend: ServerBackend
    store: Any  # MemoryStore or SQLiteStore, of its own class (StoreCalls.parts, write_parts_now)

    @staticmethod
    def serves(
        opts: SessionOptions,
        calls: StoreCalls,
        backend: Backend,
        fixed_cookie: CookieOptions | None,
    ) -> bool:
        """Whether ``session()`` with these options runs its requests through this class."""
        return (
            calls.parts
            and callable(getattr(opts.store, "write_parts_now", None))
            and _lean_configuration(opts, calls, backend, fixed_cookie)
        )

    def begin(
        self, req: SessionRequest, res: SessionResponse, next: Callable[..., Any]
    ) -> Awaitable[None] | None:
        """:meth:`RequestSession.begin`: the id from a remembered ``Cookie`` header, the
        record from the store's parts."""
        # signed_id(), attach() and take_found() written out here: a Python call each on
        # every session request (docs/performance.md).
        header = req.headers.get("cookie")
        sid = None
        if header:
            sid = self.backend.memo.signed_cookie(header, self.opts.name)  # type: ignore[union-attr]
        store = self.store
        if not sid or "get" in store.__dict__:  # no such cookie, or get() replaced
            return super().begin(req, res, next)
        req.session_store = store
        self.cookie_id = req.session_id = sid
        res.on_headers(self.on_headers)
        res.before_finish(self.before_finish)
        try:
            found = store.read_parts_now(sid)
            if type(found) is tuple:  # the record as its cookie's and data's JSON
                self.inflate_parts(req, sid, found[0], found[1])
            else:
                self.take_found(req, sid, found)
        except WouldWait:  # the store would have to wait for this one: its coroutine does
            return self.load(next)
        except Exception as exc:  # as in RequestSession.load()
            next(exc)
            return None
        next()
        return None

    def signed_id(self, req: SessionRequest) -> str | None:
        """The session id of the request's signed cookie, or None (no cookie, not signed
        with ``session()``'s secrets)."""
        # `req.get("cookie")` without its method: the lookup on `req` passes Request's
        # __getattr__ hook, and `get`'s checks are for names it is given (this one is fixed).
        header = req.headers.get("cookie")
        if not header:
            return None
        return self.backend.memo.signed_cookie(header, self.opts.name)  # type: ignore[union-attr]

    def take_found(
        self, req: SessionRequest, sid: str, found: SessionRecord | tuple[str, str] | None
    ) -> None:
        """The session of what the store found for ``sid``: its record as its cookie's and
        data's JSON (a tuple), a record, or nothing (a new session)."""
        if type(found) is tuple:
            cookie_text, data_text = found
            self.inflate_parts(req, sid, cookie_text, data_text)
        elif found:
            self.inflate(found)  # type: ignore[arg-type]  # a record, not a tuple
        else:
            self.generate()

    def before_finish(self) -> Awaitable[None] | None:
        """:meth:`RequestSession.before_finish`, without the checks this configuration
        never needs (a CookieStore's record, ``unset="destroy"``), and :meth:`end` of the
        usual session written out in it (a Python call less on every session request).

        The usual session: the one loaded for the id the client sent, still under that id,
        its stored cookie unread (``touch()`` changes nothing of it). Its decisions, as
        :func:`decisions.should_save` and :func:`decisions.should_touch` make them for that
        session: saved when its data's snapshot differs from the one last saved (or
        loaded), else touched. Any other session takes :meth:`RequestSession.end`."""
        if self.failure is not None or self.pending:
            return super().before_finish()  # which ends in end(): this, once they are done
        req = self._req()  # alive: the response is not sent yet
        # Both read from the request's dict, one hooked read: what begin() set there. An id
        # not found there (deleted, or set as sessionID) takes the general path, which reads
        # req.session_id through its aliases.
        attributes = req.__dict__
        sess = attributes.get("session")
        sid = attributes.get("session_id")
        if sess is None or self.touched or sid != self.cookie_id or sid != self.original_id:
            return super().end(req)
        cookie = sess._cookie
        if type(cookie) is not StoredCookie or sess._sid != sid:
            return super().end(req)
        data = sess.__dict__
        try:  # JSON.dumps(data), a Python frame less
            now = "".join(encode_chunks(data, 0))
        except (TypeError, ValueError, RecursionError):  # its unique snapshot, saved and
            return super().end(req)  # failing there
        self.touched = True
        if now == self.saved_hash:  # isSaved (the same id): not saved, touched
            return self.touch_parts(sess, sid, cookie.json)
        return self.write_parts(sess, sid, cookie.json, None, now, data)

    def end(self, req: SessionRequest) -> Awaitable[None] | None:
        """:meth:`RequestSession.end`, the usual session's as :meth:`before_finish` ends it
        (reached once the operations the handler started have finished)."""
        return self.before_finish()

    def touch_parts(self, sess: Session, sid: str, cookie_text: str) -> Awaitable[None] | None:
        """The touch of :meth:`end`'s session (``sid``, its stored cookie's JSON
        ``cookie_text``, no expiry): by the store's ``touch_parts_now`` when it has one and
        ``touch`` is its own, else its ``touch``."""
        calls = self.calls
        touch_now = calls.touch_parts
        if touch_now is not None and "touch" not in self.store.__dict__:
            try:
                if touch_now(sid, cookie_text):
                    return None
            except WouldWait:  # it would have to wait, having written nothing
                pass
        return calls.touch(sid, self.record(sess))

    def on_headers(self, res: Any) -> None:
        """:meth:`RequestSession.on_headers`; nothing to do for the session of the id the
        client sent, its stored cookie (no expiry) unread."""
        attributes = self._req().__dict__  # alive: the headers freeze while the request runs
        sess = attributes.get("session")
        if (  # req.session and req.session_id as before_finish reads them
            sess is not None
            and attributes.get("session_id") == self.cookie_id
            and type(getattr(sess, "_cookie", None)) is StoredCookie
        ):
            return  # shouldSetCookie: the same id, not rolling, no expiry
        super().on_headers(res)

    def write_text(
        self, sess: Session, data_text: str, data: dict[str, Any]
    ) -> Awaitable[None] | None:
        """:meth:`RequestSession.write_text` to the store's parts, written to directly."""
        cookie_text, expires = _cookie_json(sess)
        return self.write_parts(sess, sess.id, cookie_text, expires, data_text, data)

    def write_parts(
        self,
        sess: Session,
        sid: str,
        cookie_text: str,
        expires: int | None,
        data_text: str,
        data: dict[str, Any],
    ) -> Awaitable[None] | None:
        """:meth:`write_text` of ``sess`` (whose id is ``sid``), its cookie's JSON and
        expiry (:func:`_cookie_json`) known."""
        # parts_fit() and record_text() written out: a Python call each on every save.
        store = self.store
        if (
            "merge" in store.__dict__
            or not data_text.startswith("{")
            or "cookie" in data
            or META_KEY in data
        ):
            return super().write_text(sess, data_text, data)
        self.saved_hash = data_text
        members = data_text[1:-1]
        record = '{"cookie":' + cookie_text + ("," + members + "}" if members else "}")
        # The store's own writes (MemoryStore's, SQLiteStore's), which never fail for want of
        # a back end
        parts = (cookie_text, data_text)
        try:
            if expires is None:
                written = store.write_parts_now(sid, record, parts, self.stored_id != sid)
            else:
                written = store.write_text_now(
                    sid, record, expires=expires, meta=None, create=self.stored_id != sid,
                    parts=parts,
                )  # fmt: skip
        except WouldWait:  # it would have to wait, having written nothing: the general path
            return super().write_text(sess, data_text, data)
        if not written:
            log.info(NOT_SAVED_AGAIN)
        self.stored_id = sid
        return None

    def parts_fit(self, data_text: str, data: dict[str, Any]) -> bool:
        """Whether the record can go to the store as its cookie's and data's JSON: the
        store's ``merge`` is its own, and the data is an object without the record's
        reserved keys."""
        return (
            "merge" not in self.store.__dict__
            and data_text.startswith("{")
            and "cookie" not in data
            and META_KEY not in data
        )


class AsyncLeanRequestSession(LeanRequestSession):
    """:class:`LeanRequestSession` for a store whose records come through its coroutines
    (RedisStore with its own client): the usual request's load and save each one coroutine
    of this class awaiting the store's directly, the store's record handed out as its
    cookie's and data's JSON when it is the text the store wrote from them.

    The configuration (:meth:`serves`): :class:`LeanRequestSession`'s, with a store that
    has ``read_parts`` (:meth:`RedisStore.read_parts`) and
    :class:`~expresspy.session.store.AsyncTextRecords`, keeps the deadlines of its calls
    itself (:attr:`StoreCalls.keeps_deadline`: told each call's deadline, it fails the
    call past it) and a ``store_timeout``. The decisions, the errors (503s) and the save
    (the store's ``write_text``, which never brings a destroyed session back) are the
    general path's; any other case goes to :class:`RequestSession`.
    """

    @staticmethod
    def serves(
        opts: SessionOptions,
        calls: StoreCalls,
        backend: Backend,
        fixed_cookie: CookieOptions | None,
    ) -> bool:
        """Whether ``session()`` with these options runs its requests through this class."""
        return (
            calls.async_text is not None
            and callable(getattr(opts.store, "read_parts", None))
            and calls.keeps_deadline
            and calls.timeout is not None
            and _lean_configuration(opts, calls, backend, fixed_cookie)
        )

    def begin(
        self, req: SessionRequest, res: SessionResponse, next: Callable[..., Any]
    ) -> Awaitable[None] | None:
        """:meth:`RequestSession.begin`: the id from a remembered ``Cookie`` header, the
        record from the store's ``read_parts``."""
        sid = self.signed_id(req)
        replaced = self.store.__dict__
        if not sid or "get" in replaced or "read_parts" in replaced:
            return RequestSession.begin(self, req, res, next)
        self.attach(req, res, sid)
        return self.load_parts(req, sid, next)

    async def load_parts(self, req: SessionRequest, sid: str, next: Callable[..., Any]) -> None:
        """:meth:`RequestSession.load` through the store's ``read_parts``, within the
        deadline the store keeps."""
        calls = self.calls
        failure = None
        token = calls.tell_deadline(calls.timeout)  # type: ignore[arg-type]  # serves()
        try:
            found = await self.store.read_parts(sid)
        except FileNotFoundError:  # no such session, as express-session reads ENOENT
            found = None
        except Exception as exc:  # a failing store or a corrupt record: an error, never a
            failure = calls.failure("get", exc)  # silent new session
        finally:
            forget_deadline(token)
        if failure is not None:
            next(failure)
            return
        try:
            self.take_found(req, sid, found)
        except Exception as exc:  # as in RequestSession.load()
            next(exc)
            return
        next()

    def write_parts(
        self,
        sess: Session,
        sid: str,
        cookie_text: str,
        expires: int | None,
        data_text: str,
        data: dict[str, Any],
    ) -> Awaitable[None] | None:
        """:meth:`LeanRequestSession.write_parts` through the store's ``write_text``, its
        record's parts handed over too."""
        if "write_text" in self.store.__dict__ or not self.parts_fit(data_text, data):
            return RequestSession.write_text(self, sess, data_text, data)
        self.saved_hash = data_text
        record = record_text(cookie_text, data_text, None)
        return self.save_parts(sid, record, expires, (cookie_text, data_text))

    def touch_parts(self, sess: Session, sid: str, cookie_text: str) -> Awaitable[None] | None:
        """:meth:`LeanRequestSession.touch_parts` by the store's own ``touch_parts(sid)``
        (:meth:`RedisStore.touch_parts`), when it has one and ``touch`` is its own."""
        touch = self.calls.touch_parts_later
        if touch is None or "touch" in self.store.__dict__:
            return self.calls.touch(sid, self.record(sess))
        return self.touch_in_time(touch, sess, sid)

    async def touch_in_time(
        self, touch: Callable[[str], Awaitable[bool]], sess: Session, sid: str
    ) -> None:
        """``touch(sid)`` within the deadline the store keeps; the store's ``touch`` when
        that declines (it needs the record)."""
        calls = self.calls
        token = calls.tell_deadline(calls.timeout)  # type: ignore[arg-type]  # serves()
        try:
            touched = await touch(sid)
        except Exception as exc:
            raise calls.failure("touch", exc)  # noqa: B904  # the cause is failure()'s
        finally:
            forget_deadline(token)
        if not touched:
            await calls.touch(sid, self.record(sess))

    async def save_parts(
        self, sid: str, record: str, expires: int | None, parts: tuple[str, str]
    ) -> None:
        """:meth:`RequestSession.write_later` of ``record`` (put together from ``parts``),
        within the deadline the store keeps."""
        calls = self.calls
        token = calls.tell_deadline(calls.timeout)  # type: ignore[arg-type]  # serves()
        try:
            written = await self.store.write_text(
                sid, record, expires=expires, meta=None, create=self.stored_id != sid,
                parts=parts,
            )  # fmt: skip
        except Exception as exc:
            raise calls.failure("merge", exc)  # noqa: B904  # the cause is failure()'s
        finally:
            forget_deadline(token)
        if not written:
            log.info(NOT_SAVED_AGAIN)
        self.stored_id = sid


class SessionHash:
    """The snapshot of one session's data at one decision point (:meth:`RequestSession.snapshot`,
    its JSON), computed on first use.

    express-session hashes the data again for each of its checks; within one point nothing
    can run between those checks, so they all read this one value instead, and a save made
    at that point writes it.
    """

    __slots__ = ("session", "value")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.value: str | None = None

    def __call__(self) -> str:
        """The snapshot, computed once."""
        if self.value is None:
            self.value = RequestSession.snapshot(self.session)
        return self.value


def _lean_configuration(
    opts: SessionOptions,
    calls: StoreCalls,
    backend: Backend,
    fixed_cookie: CookieOptions | None,
) -> bool:
    """Whether the options are the lean classes' configuration, whatever the store: the
    cookie signed with ``session()``'s own secrets, no lifetime limits,
    ``concurrency="last-write"``, ``unset="keep"``, neither ``rolling`` nor a cookie option
    that is a function."""
    return (
        isinstance(backend, ServerBackend)
        and backend.memo is not None
        and backend.memo.secrets == opts.secrets
        and not calls.merge_keys
        and not opts.lifetime.enabled
        and not opts.rolling
        and opts.unset == "keep"
        and fixed_cookie is not None
    )


def record_text(cookie: str, data: str, meta: dict[str, Any] | None) -> str:
    """The JSON of the record ``{"cookie": ..., **data, META_KEY: meta}`` from the JSON of its
    cookie and of its data (an object without the reserved keys), as :data:`JSON` would write
    the record: the data's members are copied, not encoded again."""
    members = data[1:-1]
    text = '{"cookie":' + cookie
    if members:
        text += "," + members
    if meta is not None:
        text += f',"{META_KEY}":' + JSON.dumps(meta)
    return text + "}"


def _cookie_json(sess: Session) -> tuple[str, int | None]:
    """The JSON of the session's cookie, and its expiry in ms (None: none)."""
    stored = sess._cookie
    if type(stored) is StoredCookie:  # a loaded cookie never read: its JSON is known
        return stored.json, None
    cookie = sess.cookie  # a cookie that was built (new, or read by the app)
    expires = None if cookie.expires is None else datetime_to_ms(cookie.expires)
    return JSON.dumps(cookie.to_json()), expires


def _no_expiry(sess: Session) -> bool:
    """``sess.cookie.expires is None``, without building a stored cookie (it has none)."""
    return type(sess._cookie) is StoredCookie or sess.cookie.expires is None


def _holder(target: Any) -> Callable[[], Any]:
    """A strong stand-in for ``weakref.ref(target)`` (the cycle collector frees it)."""
    return lambda: target


def _at(sess: Session, now: SessionHash | None) -> SessionHash:
    """``now`` when it is the hash of ``sess``, else a fresh one (computed when read)."""
    return now if now is not None and now.session is sess else SessionHash(sess)
