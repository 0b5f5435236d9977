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
import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import datetime, timezone
from typing import Any

from ..cookies import parse_cookie_header, sign, unsign
from .cookie import CookieOptions, SessionCookie
from .operation import Callback, SessionOperation, start_operation
from .options import SessionOptions, parse_session_options
from .session import Session
from .store import JSON, call_store
from .wire import is_secure, request_path, session_from_record

__all__ = ["RequestSession", "session"]

log = logging.getLogger("expresspy.session")

#: The Expires of a cookie that tells the browser to forget it.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

Middleware = Callable[[Any, Any, Callable[..., Any]], Awaitable[None]]


def session(options: Mapping[str, Any] | None = None, /, **keywords: Any) -> Middleware:
    """Return the session middleware (express-session's ``session(options)``).

    Options (Python spelling; Express's camelCase is accepted in a dict): ``secret``
    (required: str/bytes or a list, the first signs and all verify), ``name``
    (``"connect.sid"``), ``store`` (a new :class:`MemoryStore`), ``cookie`` (dict or
    ``fn(req) -> dict``: ``path``, ``domain``, ``http_only``, ``secure`` (bool or "auto"),
    ``max_age`` in **seconds** or ``maxAge`` in **ms**, ``same_site`` (incl. "auto"),
    ``priority``, ``partitioned``), ``genid(req)``, ``proxy``, ``resave``, ``rolling``,
    ``save_uninitialized``, ``unset`` ("keep"/"destroy"), ``clear_on_destroy`` (expresspy:
    expire the cookie when the session is destroyed). See docs/sessions.md.

    Raises ``ValueError`` at once for a missing secret or any other misconfiguration.
    """
    opts = parse_session_options(options, keywords)

    async def session_middleware(req: Any, res: Any, next: Callable[..., Any]) -> None:
        if req.session is not None:  # an outer session() already ran
            next()
            return
        if not getattr(opts.store, "ready", True):  # store down: no session at all
            next()
            return
        cookie_options = opts.cookie_for(req)
        if not request_path(req.original_url).startswith(cookie_options.path or "/"):
            next()
            return
        state = RequestSession(opts, cookie_options, req, res, next)
        await state.load()

    session_middleware.__name__ = "session"
    return session_middleware


class RequestSession:
    """The session machinery of one request: load, then save/touch/set-cookie at the end."""

    def __init__(
        self,
        opts: SessionOptions,
        cookie_options: CookieOptions,
        req: Any,
        res: Any,
        next: Callable[..., Any],
    ) -> None:
        self.opts = opts
        self.cookie_options = cookie_options
        self.req = req
        self.res = res
        self.next = next
        self.store = opts.store
        self.loop = asyncio.get_running_loop()
        self.cookie_id: str | None = None  # the id the client sent, if valid
        self.original_id: str | None = None
        self.original_hash: str | None = None
        self.saved_hash: str | None = None
        self.touched = False
        self.pending: set[concurrent.futures.Future[None]] = set()
        self.destroyed = False  # destroy() was called during this request

    # -- the request's start -----------------------------------------------------------------

    async def load(self) -> None:
        """getcookie, then inflate the stored session or generate a new one; then next()."""
        req = self.req
        req.session_store = self.store
        self.cookie_id = req.session_id = self.read_cookie()
        self.res.on_headers(self.on_headers)
        self.res.before_finish(self.before_finish)
        if not self.cookie_id:
            self.generate()
            self.next()
            return
        try:
            record = await call_store(self.store.get, self.cookie_id)
        except FileNotFoundError:  # express-session's ENOENT: "no such session"
            record = None
        except Exception as exc:
            self.next(exc)
            return
        self.inflate(record) if record else self.generate()
        self.next()

    def read_cookie(self) -> str | None:
        """The session id from the signed cookie, or None when absent, unsigned or forged."""
        header = self.req.get("cookie")
        raw = parse_cookie_header(header).get(self.opts.name) if header else None
        sid = self._unsign(raw)
        if not sid:  # cookie-parser fallbacks, as express-session reads them
            signed = getattr(self.req, "signed_cookies", None) or {}
            candidate = signed.get(self.opts.name) if isinstance(signed, Mapping) else None
            sid = candidate if isinstance(candidate, str) else None
        if not sid:
            plain = getattr(self.req, "cookies", None) or {}
            sid = self._unsign(plain.get(self.opts.name) if isinstance(plain, Mapping) else None)
        return sid or None

    def _unsign(self, raw: object) -> str | None:
        """Verify an ``s:``-prefixed value with every secret; anything else is no id."""
        if not isinstance(raw, str) or not raw.startswith("s:"):
            return None
        return unsign(raw[2:], self.opts.secrets)

    def generate(self) -> None:
        """A new session with a new id and a fresh cookie from the options."""
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
        self.original_id = sid
        self.original_hash = self.hash(self.req.session)
        self.saved_hash = None

    def inflate(self, record: Mapping[str, Any]) -> None:
        """Adopt a stored session; its stored cookie attributes win over the options."""
        assert self.cookie_id is not None
        try:
            loaded = session_from_record(self.cookie_id, record, self)
        except (TypeError, ValueError, KeyError) as exc:
            log.warning("unreadable session record replaced by a new session: %r", exc)
            self.generate()
            return
        self._attach(loaded)
        self.original_id = loaded.id
        self.original_hash = self.hash(loaded)
        self.saved_hash = None if self.opts.resave else self.original_hash

    def _attach(self, sess: Session | None) -> None:
        """Make ``sess`` the request's session (and its id the request's id)."""
        self.req.session = sess
        if sess is not None:
            self.req.session_id = sess.id

    # -- express-session's decisions -----------------------------------------------------------

    @staticmethod
    def hash(sess: Session) -> str:
        """SHA-1 of the session's JSON without its cookie (cookie changes are not changes).

        Data that cannot be serialised hashes to a unique value, so it counts as modified
        and the save reports the real error.
        """
        try:
            text = JSON.dumps(sess.data())
        except (TypeError, ValueError):
            return f"unserialisable:{id(sess)}:{object()!r}"
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def is_modified(self, sess: Session) -> bool:
        """The id changed (regenerate) or the data did."""
        return self.original_id != sess.id or self.original_hash != self.hash(sess)

    def is_saved(self, sess: Session) -> bool:
        """Saved during this request and unchanged since."""
        return self.original_id == sess.id and self.saved_hash == self.hash(sess)

    def should_save(self) -> bool:
        """express-session's ``shouldSave``."""
        sid, sess = self.req.session_id, self.req.session
        if not isinstance(sid, str) or sess is None:
            return False
        if not self.opts.save_uninitialized and not self.saved_hash and self.cookie_id != sid:
            return self.is_modified(sess)
        return not self.is_saved(sess)

    def should_touch(self) -> bool:
        """express-session's ``shouldTouch``: a loaded, unmodified session."""
        sid = self.req.session_id
        return isinstance(sid, str) and self.cookie_id == sid and not self.should_save()

    def should_set_cookie(self) -> bool:
        """express-session's ``shouldSetCookie``."""
        sid, sess = self.req.session_id, self.req.session
        if not isinstance(sid, str) or sess is None:
            return False
        if self.cookie_id != sid:
            return self.opts.save_uninitialized or self.is_modified(sess)
        return self.opts.rolling or (sess.cookie.expires is not None and self.is_modified(sess))

    def should_destroy(self) -> bool:
        """``unset="destroy"`` and the handler removed ``req.session``."""
        return (
            bool(self.req.session_id)
            and self.opts.unset == "destroy"
            and (self.req.session is None)
        )

    def touch_once(self) -> None:
        """Restart the cookie's lifetime once per request."""
        if not self.touched and self.req.session is not None:
            self.req.session.touch()
            self.touched = True

    # -- the response's end ------------------------------------------------------------------

    def on_headers(self, res: Any) -> None:
        """Append ``Set-Cookie`` when express-session would (runs as the headers freeze)."""
        sess = self.req.session
        if sess is None:
            if self.opts.clear_on_destroy and self.cookie_id and self.destroyed:
                res.append("Set-Cookie", self.expired_cookie())
            return
        if not self.should_set_cookie():
            return
        if sess.cookie.secure and not is_secure(self.req, self.opts.proxy):
            return  # a Secure cookie over plain HTTP would be dropped by the browser
        self.touch_once()
        value = "s:" + sign(self.req.session_id, self.opts.secrets[0])
        res.append("Set-Cookie", sess.cookie.serialize(self.opts.name, value))

    def expired_cookie(self) -> str:
        """A Set-Cookie that makes the browser forget the session cookie."""
        cookie = SessionCookie(self.cookie_options)
        cookie.expires = EPOCH
        return cookie.serialize(self.opts.name, "")

    async def before_finish(self) -> None:
        """Destroy, save or touch the record; the response waits for it (errors replace it)."""
        await self.wait_pending()
        if self.should_destroy():
            await call_store(self.store.destroy, self.req.session_id)
            return
        sess = self.req.session
        if sess is None:
            return
        self.touch_once()
        if self.should_save():
            await self.store_session(sess)
        elif callable(getattr(self.store, "touch", None)) and self.should_touch():
            await call_store(self.store.touch, sess.id, sess.to_json())

    async def wait_pending(self) -> None:
        """Let operations the handler started (save, destroy, ...) finish first."""
        while self.pending:
            await asyncio.wrap_future(next(iter(self.pending)))

    async def store_session(self, sess: Session) -> None:
        """``req.session.save()``'s work: remember it as saved, then write it."""
        self.saved_hash = self.hash(sess)
        await call_store(self.store.set, sess.id, sess.to_json())

    # -- SessionBinding: what req.session's methods call ---------------------------------------

    def start(self, work: Coroutine[Any, Any, None], callback: Callback | None) -> SessionOperation:
        """Run ``work`` on the request's loop; the response will wait for it to finish.

        The tracker is a thread-safe future, registered before this returns, so a handler
        in a worker thread that calls ``save()`` then ``res.send()`` cannot outrun the save.
        """
        tracker: concurrent.futures.Future[None] = concurrent.futures.Future()
        self.pending.add(tracker)

        async def tracked() -> None:
            try:
                await work
            finally:
                self.pending.discard(tracker)
                tracker.set_result(None)

        return start_operation(self.loop, tracked(), callback, self.callback_failed)

    def callback_failed(self, exc: BaseException) -> None:
        """An exception in a session callback gets the default error response.

        The handler has returned by then, so its ``next`` is spent; the app's final handler
        answers instead (and only logs when the response was already sent).
        """
        from .. import finalhandler  # the app core's 404/error page (imported late: a cycle)

        finalhandler.finish(self.req, self.res, exc, self.req.app.get("env"))

    def save(self, session: Session, callback: Callback | None) -> SessionOperation:
        """See :meth:`Session.save`."""
        self.saved_hash = self.hash(session)
        record = session.to_json()  # captured now: later changes belong to a later save
        return self.start(call_store(self.store.set, session.id, record), callback)

    def destroy(self, session: Session, callback: Callback | None) -> SessionOperation:
        """See :meth:`Session.destroy`."""
        if self.req.session is session:
            self.req.session = None
        self.destroyed = True
        return self.start(call_store(self.store.destroy, session.id), callback)

    def regenerate(self, session: Session, callback: Callback | None) -> SessionOperation:
        """See :meth:`Session.regenerate`."""

        async def work() -> None:
            try:
                await call_store(self.store.destroy, self.req.session_id)
            finally:
                self.generate()

        return self.start(work(), callback)

    def reload(self, session: Session, callback: Callback | None) -> SessionOperation:
        """See :meth:`Session.reload`."""

        async def work() -> None:
            record = await call_store(self.store.get, session.id)
            if not record:
                raise LookupError("failed to load session")
            self._attach(session_from_record(session.id, record, self))

        return self.start(work(), callback)
