"""pbkdf2_password(): pbkdf2-password 1.2's hashes, salts and callback.

The expected hashes are what pbkdf2-password 1.2.1 gave under Node 20 for the same password,
salt and options, so a hash stored by either side verifies on the other.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from expresspy.port.pbkdf2_password import pbkdf2_password

NODE_HASHES: list[tuple[dict[str, Any], dict[str, str], tuple[str, str, str]]] = [
    (
        {},
        {"password": "foobar", "salt": "c2FsdA=="},
        (
            "foobar",
            "c2FsdA==",
            "S7mhwD46GmuF0QAlP2mwAFrpLXq6e4Hutr3tCEXs+5aafeGgbbcz1Y57M9i1zn8A1haN6a6LtnBmroxXEy0p"
            "xb10D3nTCeddf/9mi2JYCr0GvR0qdvjRyHeG9GxethzP+8NCfl7PkBPJiF9OjmjDDIXU14E96VPr47XTen7s"
            "9hY=",
        ),
    ),
    (
        {},
        {"password": "pâss wörd", "salt": "AAEC-_8"},  # UTF-8; URL-safe base64, no padding
        (
            "pâss wörd",
            "AAEC+/8=",
            "xd3JRwKj7UZAMn3dDv2RkIzbMzIqEcqJivEGpwXH0SXnDrtBLyXrCi/+ptIzWalULwj/vw6lxS6oXTyFwCcI"
            "IlaG6fcozTTszhTu1yoZ3b72o4K4+OohV5aa4sLoZu1Nzz3p3vqa8VU0Z2N/q00ZLlexE1TJI1LbCjzUtfMM"
            "FaY=",
        ),
    ),
    (
        {"iterations": 100, "keyLength": 16, "digest": "sha256"},
        {"password": "x", "salt": "c2FsdA"},
        ("x", "c2FsdA==", "96chcbv7IL0cpDRHrED1CA=="),
    ),
]


@pytest.mark.parametrize(("options", "opts", "expected"), NODE_HASHES)
def test_the_hash_is_the_node_packages(
    options: dict[str, Any], opts: dict[str, str], expected: tuple[str, str, str]
) -> None:
    seen: list[Any] = []
    pbkdf2_password(options)(dict(opts), lambda *args: seen.extend(args))
    assert seen == [None, *expected]


def test_a_new_salt_is_made_when_none_is_given_and_verifies_the_password() -> None:
    hasher = pbkdf2_password()
    password, salt, stored = hasher({"password": "foobar"})
    assert (password, len(base64.b64decode(salt)), len(base64.b64decode(stored))) == (
        "foobar",
        64,
        128,
    )
    assert hasher({"password": "foobar", "salt": salt})[2] == stored
    assert hasher({"password": "foobaz", "salt": salt})[2] != stored
    assert hasher({"password": "foobar"})[1] != salt


def test_a_missing_password_is_made_and_left_in_opts() -> None:
    opts: dict[str, Any] = {}
    password, salt, _hash = pbkdf2_password({"iterations": 10})(opts)
    assert len(base64.b64decode(password)) == 10
    assert opts["password"] == password
    assert base64.b64encode(opts["salt"]).decode() == salt


def test_unknown_options_are_refused() -> None:
    with pytest.raises(TypeError, match="saltLen"):
        pbkdf2_password({"saltLen": 16})
