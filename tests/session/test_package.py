"""`expresspy.session` names one object whichever way it is imported: the package, callable as
the `session()` middleware factory (it used to be the function or the package depending on
the import statement: `import expresspy.session as s` gave the function)."""

from __future__ import annotations

import importlib
import warnings

import expresspy
from expresspy import session
from expresspy.session import MemoryStore
from expresspy.session.middleware import session as session_function


def test_every_spelling_names_the_package() -> None:
    package = importlib.import_module("expresspy.session")
    import expresspy.session as aliased

    assert session is package is aliased is expresspy.session  # type: ignore[comparison-overlap]
    assert session.MemoryStore is MemoryStore  # type: ignore[attr-defined]


def test_calling_the_package_is_calling_session() -> None:
    middleware = session(secret="s", resave=False, save_uninitialized=False)
    assert middleware.__name__ == "session"
    assert type(middleware) is type(
        session_function({"secret": "s"}, resave=False, save_uninitialized=False)
    )


def test_its_warnings_name_the_callers_line() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        session(secret="s")  # resave and saveUninitialized left undefined
    assert {w.filename for w in caught} == {__file__}
