"""express-session 1.19's decisions as a table (expresspy/session/decisions.py).

Each row is a situation at the end of a request, with what express-session's own closures
(isModified, isSaved, shouldSave, shouldTouch, shouldSetCookie in its index.js) decide there.
The hash is a counter of calls, so a row also shows when a decision never needed to hash.
"""

from __future__ import annotations

import pytest

from expresspy.session import decisions


class Digest:
    """The data's hash now, counting how often it was asked for."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return self.value


# (situation, save_uninitialized, cookie_id, sid, session_id, original_id, original_hash,
#  saved_hash, hash now, should_save)
SAVE_ROWS = [
    ("new, untouched, saveUninitialized", True, None, "A", "A", "A", "h0", None, "h0", True),
    ("new, untouched", False, None, "A", "A", "A", "h0", None, "h0", False),
    ("new, data set", False, None, "A", "A", "A", "h0", None, "h1", True),
    ("new, regenerated, nothing set", False, None, "B", "B", "A", "h0", None, "h0", True),
    ("new, saved by save() and unchanged", False, None, "A", "A", "A", "h0", "h1", "h1", False),
    ("new, saved then changed", False, None, "A", "A", "A", "h0", "h1", "h2", True),
    ("loaded, unchanged, resave false", False, "A", "A", "A", "A", "h0", "h0", "h0", False),
    ("loaded, unchanged, resave true", False, "A", "A", "A", "A", "h0", None, "h0", True),
    ("loaded, changed", False, "A", "A", "A", "A", "h0", "h0", "h1", True),
    ("loaded, regenerated", False, "A", "B", "B", "A", "h0", "h0", "h0", True),
    ("loaded, regenerated, resave true", False, "A", "B", "B", "A", "h0", None, "h0", True),
]


@pytest.mark.parametrize(
    (
        "situation",
        "save_uninitialized",
        "cookie_id",
        "sid",
        "session_id",
        "original_id",
        "original_hash",
        "saved_hash",
        "now",
        "expected",
    ),
    SAVE_ROWS,
    ids=[row[0] for row in SAVE_ROWS],
)
def test_should_save(
    situation: str,
    save_uninitialized: bool,
    cookie_id: str | None,
    sid: str,
    session_id: str,
    original_id: str,
    original_hash: str,
    saved_hash: str | None,
    now: str,
    expected: bool,
) -> None:
    decided = decisions.should_save(
        save_uninitialized,
        cookie_id,
        sid,
        session_id,
        original_id,
        original_hash,
        saved_hash,
        Digest(now),
    )
    assert decided is expected


# (situation, save_uninitialized, rolling, cookie_id, sid, expires, original_id, hash now,
#  should_set_cookie, hashed)
COOKIE_ROWS = [
    ("new, untouched, saveUninitialized", True, False, None, "A", False, "A", "h0", True, False),
    ("new, untouched", False, False, None, "A", False, "A", "h0", False, True),
    ("new, data set", False, False, None, "A", False, "A", "h1", True, True),
    ("new, regenerated, nothing set", False, False, None, "B", False, "A", "h0", True, False),
    ("loaded, rolling", False, True, "A", "A", False, "A", "h0", True, False),
    (
        "loaded, changed, browser-session cookie",
        False,
        False,
        "A",
        "A",
        False,
        "A",
        "h1",
        False,
        False,
    ),
    ("loaded, changed, cookie with expiry", False, False, "A", "A", True, "A", "h1", True, True),
    ("loaded, unchanged, cookie with expiry", False, False, "A", "A", True, "A", "h0", False, True),
    ("loaded, regenerated", False, False, "A", "B", False, "A", "h0", True, False),
    ("loaded, regenerated, rolling", False, True, "A", "B", False, "A", "h0", True, False),
]


@pytest.mark.parametrize(
    (
        "situation",
        "save_uninitialized",
        "rolling",
        "cookie_id",
        "sid",
        "expires",
        "original_id",
        "now",
        "expected",
        "hashed",
    ),
    COOKIE_ROWS,
    ids=[row[0] for row in COOKIE_ROWS],
)
def test_should_set_cookie(
    situation: str,
    save_uninitialized: bool,
    rolling: bool,
    cookie_id: str | None,
    sid: str,
    expires: bool,
    original_id: str,
    now: str,
    expected: bool,
    hashed: bool,
) -> None:
    digest = Digest(now)
    decided = decisions.should_set_cookie(
        save_uninitialized, rolling, cookie_id, sid, sid, expires, original_id, "h0", digest
    )
    assert decided is expected
    assert (digest.calls > 0) is hashed


@pytest.mark.parametrize(
    ("cookie_id", "sid", "saving", "expected"),
    [
        ("A", "A", False, True),  # loaded and not saved: push the expiry back
        ("A", "A", True, False),  # saved instead
        (None, "A", False, False),  # a new session is never touched
        ("A", "B", False, False),  # regenerated: the old id is gone
    ],
)
def test_should_touch(cookie_id: str | None, sid: str, saving: bool, expected: bool) -> None:
    assert decisions.should_touch(cookie_id, sid, saving) is expected
