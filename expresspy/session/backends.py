"""Where a session's record lives, as two strategies the middleware is given one of:

* :class:`ServerBackend`: a store on the server keeps the record; the cookie carries only the
  signed id (``s:<id>.<signature>``, express-session's format);
* :class:`CookieBackend`: the record travels in the cookie itself, signed
  (:class:`~expresspy.session.cookiestore.CookieStore`); nothing is kept on the server.

express-session's decisions (session/decisions.py) are the same for both; what differs is
read here: how a cookie value becomes an id (and a record), where a record is loaded from and
saved to, and what the cookie's value is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, Protocol

from ..cookies import SignatureMemo, parse_cookie_header, sign, unsign
from .errors import SessionTooLarge
from .store import SessionRecord
from .store_calls import StoreCalls

__all__ = ["Backend", "CookieBackend", "CookieCodec", "ServerBackend", "backend_for"]

Secret = str | bytes


class CookieCodec(Protocol):
    """The configuration of :class:`CookieBackend` (what :class:`CookieStore` provides)."""

    max_cookie_bytes: int

    def encode(self, sid: str, record: SessionRecord, secrets: Sequence[Secret]) -> str:
        """The signed cookie value holding ``record`` under ``sid``."""

    def decode(self, value: str, secrets: Sequence[Secret]) -> tuple[str, SessionRecord] | None:
        """``(sid, record)`` from a cookie value; None when forged, malformed or expired."""


class ServerBackend:
    """The record in the server's store; the signed id in the cookie."""

    __slots__ = ("calls", "memo")

    #: The cookie is not the record: it is re-sent only when express-session would.
    cookie_is_record = False

    def __init__(self, calls: StoreCalls, secrets: Sequence[Secret] = ()) -> None:
        self.calls = calls
        # The session() secrets' signatures, remembered (cookies.SignatureMemo); none when
        # each request brings its own (cookie-parser's req.secret).
        self.memo = SignatureMemo(secrets) if secrets else None

    def read(self, raw: object, secrets: Sequence[Secret]) -> tuple[str, SessionRecord | None]:
        """The id an ``s:``-prefixed cookie value signs (verified with every secret); ``("",
        None)`` for anything else."""
        if not isinstance(raw, str) or not raw.startswith("s:"):
            return "", None
        memo = self.memo
        if memo is not None and memo.secrets == secrets:
            return memo.unsign(raw[2:]) or "", None
        return unsign(raw[2:], secrets) or "", None

    def read_header(
        self, header: str, name: str, secrets: Sequence[Secret]
    ) -> tuple[str, SessionRecord | None]:
        """:meth:`read` of the cookie ``name`` of a ``Cookie`` header (remembered by header
        when the secrets are session()'s: cookies.SignatureMemo)."""
        memo = self.memo
        if memo is not None and memo.secrets == secrets:
            return memo.signed_cookie(header, name) or "", None
        return self.read(parse_cookie_header(header).get(name), secrets)

    def load(self, sid: str, carried: SessionRecord | None) -> Awaitable[SessionRecord | None]:
        """What to await for the stored record of ``sid`` (``carried`` is only a cookie's)."""
        return self.calls.get(sid)

    async def expire(self, sid: str) -> None:
        """Delete a record found past its lifetime limits."""
        await self.calls.destroy(sid)

    async def destroy(self, sid: str) -> None:
        """Delete the record of ``sid`` (req.session.destroy(), regenerate(), unset)."""
        await self.calls.destroy(sid)

    def save(
        self, sid: str, record: SessionRecord, *, existing: bool, baseline: Mapping[str, Any] | None
    ) -> Awaitable[bool] | None:
        """What to await to write the record (see :meth:`StoreCalls.save`)."""
        return self.calls.save(sid, record, existing=existing, baseline=baseline)

    def cookie_header(
        self,
        name: str,
        sid: str,
        sess: Any,
        record: SessionRecord | None,
        secrets: Sequence[Secret],
    ) -> str:
        """The ``Set-Cookie`` value: the id signed with the first secret."""
        memo = self.memo
        if memo is not None and memo.secrets == secrets:
            return str(sess.cookie.serialize(name, "s:" + memo.sign(sid)))
        return str(sess.cookie.serialize(name, "s:" + sign(sid, secrets[0])))


class CookieBackend:
    """The whole record, signed, in the cookie (configured by a :class:`CookieStore`)."""

    __slots__ = ("store",)

    #: The cookie is the record: every save and idle-timeout refresh re-sends it.
    cookie_is_record = True

    def __init__(self, store: CookieCodec) -> None:
        self.store = store

    def read(self, raw: object, secrets: Sequence[Secret]) -> tuple[str, SessionRecord | None]:
        """The id and record a signed cookie value holds; ``("", None)`` when forged,
        malformed or expired."""
        decoded = self.store.decode(raw, secrets) if isinstance(raw, str) else None
        if decoded is None:
            return "", None
        sid, record = decoded
        return str(sid), record

    def read_header(
        self, header: str, name: str, secrets: Sequence[Secret]
    ) -> tuple[str, SessionRecord | None]:
        """:meth:`read` of the cookie ``name`` of a ``Cookie`` header."""
        return self.read(parse_cookie_header(header).get(name), secrets)

    def load(self, sid: str, carried: SessionRecord | None) -> Awaitable[SessionRecord | None]:
        """What to await for the record the cookie carried."""
        return _value(carried)

    async def expire(self, sid: str) -> None:
        """Nothing to delete: the expired cookie is simply not adopted."""

    async def destroy(self, sid: str) -> None:
        """Nothing to delete on the server: the middleware expires the cookie."""

    def save(
        self, sid: str, record: SessionRecord, *, existing: bool, baseline: Mapping[str, Any] | None
    ) -> Awaitable[bool] | None:
        """None: nothing to write, the cookie set as the headers froze is the record."""
        return None

    def cookie_header(
        self,
        name: str,
        sid: str,
        sess: Any,
        record: SessionRecord | None,
        secrets: Sequence[Secret],
    ) -> str:
        """The ``Set-Cookie`` value holding the record; :class:`SessionTooLarge` past the
        store's ``max_cookie_bytes``."""
        assert record is not None  # the middleware always passes the record to this back-end
        header = str(sess.cookie.serialize(name, self.store.encode(sid, record, secrets)))
        size = len(header.encode("utf-8"))
        if size > self.store.max_cookie_bytes:
            raise SessionTooLarge(size, self.store.max_cookie_bytes)
        return header


Backend = ServerBackend | CookieBackend


async def _value(value: SessionRecord | None) -> SessionRecord | None:
    return value


def backend_for(store: Any, calls: StoreCalls, secrets: Sequence[Secret] = ()) -> Backend:
    """The strategy for ``store``: in the cookie when it declares the cookie back-end
    (``in_cookie``, as :class:`CookieStore` does), else on the server (``secrets``: the
    ``session()`` secrets, whose signatures it remembers)."""
    return CookieBackend(store) if calls.in_cookie else ServerBackend(calls, secrets)
