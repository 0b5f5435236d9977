"""`pbkdf2_password(options)`: the pbkdf2-password package (1.2), for translated apps.

    hasher = pbkdf2_password()                       # var hash = require('pbkdf2-password')()

    def stored(err, password, salt, hash): ...
    hasher({"password": "foobar"}, stored)           # a new salt
    hasher({"password": attempt, "salt": salt}, check)   # the same hash for the same password

PBKDF2-HMAC with the package's defaults (SHA-1, 10,000 iterations, a 128-byte key, a 64-byte
random salt); salts and hashes are base64 text, so a hash stored by the Node package verifies
here and the other way round. The callback gets `(err, password, salt, hash)`, as in the
package; it is called before `hasher` returns (Node calls it later, from its thread pool),
and without a callback `hasher` returns `(password, salt, hash)`. The hashing takes tens of
milliseconds: call it from a plain `def` handler (run in a thread), not an `async def` one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

__all__ = ["pbkdf2_password"]

Hasher = Callable[..., Any]

#: The package's defaults: `saltLength` 64 bytes, `iterations` 10000, `keyLength` 128 bytes,
#: `digest` "sha1" (OWASP asks far more iterations today; pass `iterations` for new data).
DEFAULTS: Mapping[str, Any] = {
    "saltLength": 64,
    "iterations": 10000,
    "keyLength": 128,
    "digest": "sha1",
}
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


def _node_base64(text: str) -> bytes:
    """`Buffer.from(text, "base64")`: URL-safe letters accepted, anything else skipped, the
    padding optional, as Node decodes."""
    cleaned = _NOT_BASE64.sub("", text.replace("-", "+").replace("_", "/").split("=", 1)[0])
    cleaned = cleaned[: len(cleaned) - (len(cleaned) % 4 == 1)]  # a lone trailing letter
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except binascii.Error:  # pragma: no cover - the cleaning leaves only decodable text
        return b""


def pbkdf2_password(options: Mapping[str, Any] | None = None) -> Hasher:
    """A password hasher: `hasher(opts, callback)` (see the module docstring).

    `options` takes the package's names, `saltLength`, `iterations`, `keyLength`, `digest`
    (any `hashlib` name); an unset or falsy one takes the package's default.
    """
    given = dict(options or {})
    unknown = set(given) - set(DEFAULTS)
    if unknown:
        raise TypeError(
            f"unknown pbkdf2-password options {sorted(unknown)}; known: {list(DEFAULTS)}"
        )
    settings = {name: given.get(name) or default for name, default in DEFAULTS.items()}

    def hasher(opts: MutableMapping[str, Any], callback: Callable[..., Any] | None = None) -> Any:
        """Hash `opts["password"]` (a new 10-byte base64 one when it is not a string) with
        `opts["salt"]` (base64; a new random one when it is not a string)."""
        password = opts.get("password")
        salt_text = opts.get("salt")
        if not isinstance(password, str):
            password = opts["password"] = base64.b64encode(os.urandom(10)).decode()
            salt_text = None  # the package makes a new salt along with a new password
        salt = (
            _node_base64(salt_text)
            if isinstance(salt_text, str)
            else os.urandom(settings["saltLength"])
        )
        opts["salt"] = salt  # the package leaves the salt's bytes (a Buffer) in opts
        key = hashlib.pbkdf2_hmac(
            settings["digest"],
            password.encode(),
            salt,
            settings["iterations"],
            settings["keyLength"],
        )
        result = (password, base64.b64encode(salt).decode(), base64.b64encode(key).decode())
        if callback is None:
            return result
        return callback(None, *result)

    return hasher
