"""Password hashing with the standard library: scrypt, a random salt, a constant-time compare.

A stored hash reads `scrypt$n$r$p$salt_hex$hash_hex`, so the cost can be raised later
without breaking the hashes already stored.
"""

import hashlib
import hmac
import os

# scrypt's cost parameters (RFC 7914): about 16 MiB of memory and ~50 ms per hash.
N, R, P = 2**14, 8, 1
SALT_BYTES = 16


def hash_password(password: str) -> str:
    """A new salted scrypt hash of `password`, in the stored format."""
    salt = os.urandom(SALT_BYTES)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored hash (False for a malformed one)."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        digest = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return scheme == "scrypt" and hmac.compare_digest(digest.hex(), expected)
