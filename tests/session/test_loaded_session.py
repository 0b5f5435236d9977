"""A loaded session (`loaded_session`, what a request's session load builds) is a Session like
one made by its constructor: same class, same rules, its data the dict it was given."""

from __future__ import annotations

import copy
from collections.abc import MutableMapping

import pytest

from expresspy.session import Session, SessionCookie
from expresspy.session.cookie import stored_cookie
from expresspy.session.session import loaded_session


def test_a_loaded_session_is_a_session_with_the_same_rules() -> None:
    data = {"views": 3}
    sess = loaded_session("sid-9", SessionCookie(), data, None)
    assert type(sess) is Session
    assert isinstance(sess, MutableMapping)
    assert sess.id == "sid-9"
    assert sess.data() is data  # the dict itself, not a copy
    assert sess.views == 3
    assert sess.missing is None
    sess.views = 4
    assert data == {"views": 4}
    with pytest.raises(AttributeError, match="reserved"):
        sess.id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot delete"):
        del sess.id
    with pytest.raises(AttributeError):
        sess._data_of_someone_else  # noqa: B018 - private names are not data
    assert copy.deepcopy(sess) == sess
    assert repr(sess) == "Session(id='sid-9', data={'views': 4})"


def test_a_loaded_session_builds_its_stored_cookie_when_read() -> None:
    sess = loaded_session("sid-9", stored_cookie('{"path":"/","httpOnly":true}'), {}, None)
    assert isinstance(sess.cookie, SessionCookie)
    assert sess.cookie.path == "/"
    assert sess.cookie.http_only is True


def test_session_loaded_gives_the_same_for_session_and_a_subclass() -> None:
    class Tagged(Session):
        __slots__ = ("tag",)

    for cls in (Session, Tagged):
        sess = cls.loaded("sid-1", SessionCookie(), {"a": 1}, None)
        assert type(sess) is cls
        assert (sess.id, dict(sess)) == ("sid-1", {"a": 1})
