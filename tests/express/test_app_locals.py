"""Port of Express 5's test/app.locals.js: `app.locals` and `app.locals["settings"]`.

Express checks that `app.locals` has a null prototype, i.e. holds nothing it did not put
there; the Python twin checks that a fresh `app.locals` is a mapping whose only key is
"settings".
"""

from __future__ import annotations

from collections.abc import MutableMapping

from expresspy import express


def test_app__locals__should_default_object_with_null_prototype() -> None:
    app = express()
    assert isinstance(app.locals, MutableMapping)
    assert list(app.locals) == ["settings"]


def test_app__locals__settings__should_contain_app_settings() -> None:
    app = express()
    app.set("title", "Express")
    assert isinstance(app.locals["settings"], MutableMapping)
    assert app.locals["settings"] is app.settings
    assert app.locals["settings"]["title"] == "Express"
