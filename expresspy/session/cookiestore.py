"""CookieStore: the whole session in the cookie, signed (not encrypted), nothing on the server.

::

    app.use(session(secret=["new key", "old key"], store=CookieStore(),
                    resave=False, save_uninitialized=False))

The cookie value is the session record (JSON, compressed when that helps) signed with
itsdangerous (HMAC-SHA256) using the session's ``secret`` list, or the store's own ``secret``:
the first key signs, every key verifies, so keys rotate like session secrets. The record's
``cookie.expires`` (and any lifetime limit) is checked on the server when the cookie is read,
so an old cookie replayed after its expiry is refused.

Limits, by construction (see docs/sessions.md, "Choosing a store"):

* the client can read the data (base64), so keep secrets out of it;
* browsers keep at most 4096 bytes per cookie: a session that would need more fails the
  request with :class:`SessionTooLarge` (500) instead of being silently dropped;
* a destroyed session cannot be revoked on the server: ``destroy()`` expires the cookie in
  the browser, but a copy kept by someone else stays valid until it expires;
* changes made after the response headers were sent (a streamed response) cannot be saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from ..cookies import normalize_secrets
from .store import JSON, SessionRecord, StoreCapabilities, is_expired

__all__ = ["MAX_COOKIE_BYTES", "CookieStore"]

#: Bytes of one Set-Cookie (name, value and attributes) every browser keeps (RFC 6265
#: section 6.1 asks for at least 4096; browsers drop larger cookies without a word).
MAX_COOKIE_BYTES = 4096

#: Separates this use of the secret from the signing of session ids.
SALT = "expresspy.session.CookieStore"

Secret = str | bytes


class CookieStore:
    """Sessions kept entirely in a signed cookie: ``session(store=CookieStore())``.

    Not a store (it has no ``get``/``set``/``destroy``, nothing is kept on the server): it is
    the configuration of the signed-cookie back-end (session/backends.py,
    :class:`~expresspy.session.backends.CookieBackend`), which reads and writes the cookie
    through :meth:`decode` and :meth:`encode`. ``secret`` (str/bytes or a list; the first
    signs, all verify) defaults to the ``session()`` secret. ``max_cookie_bytes`` is the
    largest Set-Cookie sent (4096).
    """

    #: Declares the cookie back-end: the cookie holds the record (session/backends.py).
    in_cookie = True
    capabilities = StoreCapabilities(in_cookie=True)

    def __init__(
        self,
        secret: Secret | Sequence[Secret] | None = None,
        *,
        max_cookie_bytes: int = MAX_COOKIE_BYTES,
    ) -> None:
        self.secrets: tuple[Secret, ...] | None = (
            None if secret is None else normalize_secrets(secret, "CookieStore()")
        )
        self.max_cookie_bytes = max_cookie_bytes

    def _serializer(self, secrets: Sequence[Secret]) -> URLSafeSerializer:
        keys = [k.encode("utf-8") if isinstance(k, str) else k for k in self.secrets or secrets]
        # itsdangerous signs with the *last* key and verifies with all; ours sign with the first.
        return URLSafeSerializer(
            keys[::-1],
            salt=SALT,
            serializer=JSON,
            signer_kwargs={"digest_method": hashlib.sha256},
        )

    def encode(self, sid: str, record: SessionRecord, secrets: Sequence[Secret]) -> str:
        """The signed cookie value holding ``record`` under ``sid``."""
        value: str = self._serializer(secrets).dumps({"id": sid, "session": record})
        return value

    def decode(self, value: str, secrets: Sequence[Secret]) -> tuple[str, SessionRecord] | None:
        """``(sid, record)`` from a cookie value, or None when forged, malformed or expired."""
        try:
            payload: Any = self._serializer(secrets).loads(value)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(payload, dict):
            return None
        sid, record = payload.get("id"), payload.get("session")
        if not isinstance(sid, str) or not isinstance(record, dict):
            return None
        try:
            if is_expired(record):
                return None
        except ValueError:
            return None
        return sid, record
