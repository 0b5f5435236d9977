"""req.session as an object: mapping and attribute access, JSON form, reserved names."""

from __future__ import annotations

import copy

import pytest

from expresspy.session import ReservedSessionKey, Session, SessionCookie
from expresspy.session.patch import SessionPatch, apply_patch


def _session() -> Session:
    return Session("sid-1", SessionCookie(), {"views": 1})


def test_attribute_and_item_access() -> None:
    sess = _session()
    sess.user = "john"
    sess["cart"] = [1, 2]
    assert sess["user"] == "john"
    assert sess.cart == [1, 2]
    assert sess.missing is None
    with pytest.raises(KeyError):
        sess["missing"]
    assert sess.get("missing", 7) == 7
    assert dict(sess) == {"views": 1, "user": "john", "cart": [1, 2]}
    assert len(sess) == 3
    del sess.user
    del sess.never_set  # like JavaScript's delete: no error
    del sess["cart"]
    assert dict(sess) == {"views": 1}


def test_id_is_read_only_and_methods_are_reserved() -> None:
    sess = _session()
    assert sess.id == "sid-1"
    with pytest.raises(AttributeError, match="reserved"):
        sess.id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="reserved"):
        sess.save = 1  # type: ignore[method-assign, assignment]
    sess["save"] = 1  # item access still reaches the data
    assert sess["save"] == 1
    with pytest.raises(TypeError, match="SessionCookie"):
        sess.cookie = {"path": "/"}  # type: ignore[assignment]


def test_private_names_are_not_data() -> None:
    sess = _session()
    with pytest.raises(AttributeError):
        sess._secret  # noqa: B018
    assert copy.copy(sess).id == "sid-1"


def test_private_names_set_as_attributes_are_data() -> None:
    # As in JavaScript (req.session._csrf = token): stored, saved and read back.
    for sess in (_session(), Session.loaded("sid-2", SessionCookie(), {"views": 1}, None)):
        sess._csrf = "token"
        assert sess["_csrf"] == "token" and sess._csrf == "token"
        assert sess.to_json()["_csrf"] == "token"
        del sess._csrf
        assert "_csrf" not in sess
        with pytest.raises(AttributeError):
            sess._csrf  # noqa: B018 - unstored again
        assert sess.id in ("sid-1", "sid-2")  # the session's own fields are untouched


def test_the_metadata_name_is_refused_as_an_attribute_too() -> None:
    sess = _session()
    with pytest.raises(ReservedSessionKey, match="reserved"):
        sess._expresspy = {"created": 1}
    assert "_expresspy" not in sess
    with pytest.raises(AttributeError):
        sess._expresspy  # noqa: B018 - not data, and nothing stored
    with pytest.raises(AttributeError, match="cannot delete"):
        del sess._expresspy
    with pytest.raises(AttributeError, match="cannot delete"):
        del sess.id
    assert sess.id == "sid-1"
    sess.data()["_expresspy"] = {"created": 1}  # metadata a raw data() holds reads back
    assert sess._expresspy == {"created": 1}


def test_json_form_puts_cookie_first() -> None:
    sess = _session()
    sess.user = {"name": "john"}
    assert sess.to_json() == {
        "cookie": {"originalMaxAge": None, "expires": None, "httpOnly": True, "path": "/"},
        "views": 1,
        "user": {"name": "john"},
    }
    assert list(sess.to_json()) == ["cookie", "views", "user"]


def test_methods_need_a_request() -> None:
    with pytest.raises(RuntimeError, match="not attached to a request"):
        _session().save()


def test_deepcopy_copies_data_and_cookie_but_not_the_binding() -> None:
    # copy.deepcopy used to fail: it set the reserved "_binding" attribute
    sess = Session("sid-1", SessionCookie(), {"cart": [1]})
    clone = copy.deepcopy(sess)
    clone["cart"].append(2)
    clone.cookie.max_age = 60
    assert clone.id == "sid-1" and clone["cart"] == [1, 2]
    assert sess["cart"] == [1] and sess.cookie.max_age is None


def test_cookie_and_metadata_keys_cannot_hold_data() -> None:
    # M-04: to_json() was {"cookie": ..., **data}, so a data key "cookie" replaced the cookie
    sess = _session()
    for key, value in [
        ("cookie", {"domain": "evil.com", "httpOnly": False}),
        ("cookie", "pwned"),
        ("_expresspy", {"created": 9e15}),
    ]:
        with pytest.raises(ReservedSessionKey, match="reserved"):
            sess[key] = value
    with pytest.raises(ReservedSessionKey, match="must be a SessionCookie, not dict"):
        sess.update({"name": "ann", "cookie": {"path": "/"}})
    with pytest.raises(ValueError, match="reserved"):
        Session("sid-2", SessionCookie(), {"cookie": "pwned"})
    replacement = SessionCookie()
    replacement.max_age = 60
    sess["cookie"] = replacement  # a real cookie is what session.cookie = ... does
    assert sess.cookie is replacement and "cookie" not in sess
    assert sess.to_json()["cookie"]["originalMaxAge"] == 60000


def test_the_real_cookie_is_written_even_if_data_holds_one() -> None:
    sess = _session()
    sess.data()["cookie"] = {"domain": "evil.com"}  # the raw dict bypasses the checks
    sess.data()["_expresspy"] = {"created": 1}
    record = sess.to_json()
    assert record == {"cookie": SessionCookie().to_json(), "views": 1}
    assert list(record) == ["cookie", "views"]
    patch = SessionPatch(SessionCookie().to_json(), {"cookie": "pwned", "n": 1}, create=True)
    assert apply_patch(None, patch) == {"cookie": SessionCookie().to_json(), "n": 1}


def test_the_data_is_the_objects_own_dict() -> None:
    # A stored name is found by Python's plain lookup (no __getattr__ call), so the data and
    # the instance dict are one dict, whichever way the session was made.
    for sess in (_session(), Session.loaded("sid-2", SessionCookie(), {"views": 1}, None)):
        assert vars(sess) is sess.data()
        sess.user = "ann"
        sess["cart"] = [1]
        assert vars(sess) == {"views": 1, "user": "ann", "cart": [1]}
        del sess.user
        sess.pop("cart")
        assert vars(sess) == {"views": 1} and sess.user is None
        sess["_draft"] = "x"  # any stored key reads as an attribute, as in JavaScript
        assert sess._draft == "x"
        with pytest.raises(AttributeError):
            sess._unset  # noqa: B018 - an unstored private name is not data


def test_stored_keys_never_hide_the_sessions_methods() -> None:
    sess = _session()
    for name in ("save", "get", "items", "update", "to_json", "touch", "loaded", "_bound"):
        sess[name] = "data"
    sess["__deepcopy__"] = "data"  # copy.deepcopy reads this one from the instance
    assert sess.get("views") == 1
    assert ("views", 1) in sess.items()
    assert sess.to_json()["save"] == "data"
    assert sess.touch() is sess
    assert type(sess.loaded("sid-3", SessionCookie(), {}, None)) is Session
    with pytest.raises(RuntimeError, match="not attached to a request"):
        sess.save()  # the method, reaching _bound(): not the stored strings
    clone = copy.deepcopy(sess)
    assert clone == sess and clone is not sess
    assert sess["save"] == sess["__deepcopy__"] == "data"
    with pytest.raises(AttributeError, match="reserved"):
        sess.items = 1  # type: ignore[method-assign, assignment]
    with pytest.raises(AttributeError, match="cannot delete"):
        del sess.save


def test_a_subclasss_methods_are_kept_from_its_data_too() -> None:
    class Tagged(Session):
        __slots__ = ("tag",)

        def greeting(self) -> str:
            return f"hello {self['name']}"

    sess = Tagged.loaded("sid-4", SessionCookie(), {"name": "ann", "greeting": "data"}, None)
    assert sess.greeting() == "hello ann"
    assert sess["greeting"] == "data"
