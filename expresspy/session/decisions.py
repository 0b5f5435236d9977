"""express-session 1.19's decisions, as pure functions of the facts they read.

Each function is one of express-session's (``isModified``, ``isSaved``, ``shouldSave``,
``shouldTouch``, ``shouldSetCookie``), with what that closure reads from the request passed in:

* ``cookie_id``: the id the client's cookie carried (None: no valid cookie);
* ``sid``: ``req.sessionID`` now, and ``session_id``: the id of ``req.session`` now (they
  differ only when the app reassigned one);
* ``original_id`` / ``original_hash``: the session's id and data hash when the request
  started (a regenerated session keeps the loaded one's, so it counts as modified);
* ``saved_hash``: the hash of the data last saved during this request (None: not saved);
* ``digest``: the data's hash now, computed only when a decision needs it (hashing is the
  costly part, and many decisions never reach it).

tests/session/test_decisions.py runs them as a table against express-session's behaviour.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["is_modified", "is_saved", "should_save", "should_set_cookie", "should_touch"]

Digest = Callable[[], str]


def is_modified(
    session_id: str, original_id: str | None, original_hash: str | None, digest: Digest
) -> bool:
    """The session's id changed (regenerate) or its data did."""
    return original_id != session_id or original_hash != digest()


def is_saved(
    session_id: str, original_id: str | None, saved_hash: str | None, digest: Digest
) -> bool:
    """Saved during this request (under the original id) and unchanged since."""
    return original_id == session_id and saved_hash == digest()


def should_save(
    save_uninitialized: bool,
    cookie_id: str | None,
    sid: str,
    session_id: str,
    original_id: str | None,
    original_hash: str | None,
    saved_hash: str | None,
    digest: Digest,
) -> bool:
    """``shouldSave``: a new session only once modified (unless ``saveUninitialized``);
    any other session unless it was already saved as it is."""
    if not save_uninitialized and not saved_hash and cookie_id != sid:
        return is_modified(session_id, original_id, original_hash, digest)
    return not is_saved(session_id, original_id, saved_hash, digest)


def should_touch(cookie_id: str | None, sid: str, saving: bool) -> bool:
    """``shouldTouch``: a session the client sent back that is not being saved."""
    return cookie_id == sid and not saving


def should_set_cookie(
    save_uninitialized: bool,
    rolling: bool,
    cookie_id: str | None,
    sid: str,
    session_id: str,
    expires: bool,
    original_id: str | None,
    original_hash: str | None,
    digest: Digest,
) -> bool:
    """``shouldSetCookie`` for a store on the server: a new id once it is worth keeping; the
    same id again with ``rolling``, or when a cookie with an expiry was modified."""
    if cookie_id != sid:
        return save_uninitialized or is_modified(session_id, original_id, original_hash, digest)
    return rolling or (expires and is_modified(session_id, original_id, original_hash, digest))
