"""ETags of small bodies (hashed by CPython's own SHA-1) and of larger ones (OpenSSL's) are
the tag of the body's SHA-1 either way, at every length around the boundary between them."""

from __future__ import annotations

import hashlib
from binascii import b2a_base64

from expresspy.http.etag import strong_etag, weak_etag


def _expected(body: bytes) -> str:
    digest = b2a_base64(hashlib.sha1(body).digest(), newline=False)[:27].decode("ascii")
    return f'"{len(body):x}-{digest}"'


def test_small_and_large_bodies_have_their_sha1_tags() -> None:
    for length in range(1, 300):
        body = bytes((i * 7 + length) % 256 for i in range(length))
        assert strong_etag(body) == _expected(body)
        assert weak_etag(body) == "W/" + _expected(body)
        assert strong_etag(body) == _expected(body)  # again: from the small-body cache


def test_a_known_tag() -> None:
    assert weak_etag(b"hello") == 'W/"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"'
