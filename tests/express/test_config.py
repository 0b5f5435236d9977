"""Port of Express 5's test/config.js: app.set/get/enable/disable/enabled/disabled.

Express's "prototype values" cases check that a setting named like an inherited member
(`hasOwnProperty`) is an ordinary setting; the Python twin uses "__class__", the name of an
attribute every Python object inherits.
"""

from __future__ import annotations

from typing import Any

import pytest

from expresspy import express

INHERITED = "__class__"


def test_config__set__should_set_a_value() -> None:
    app = express()
    app.set("foo", "bar")
    assert app.get("foo") == "bar"  # type: ignore[comparison-overlap]


def test_config__set__should_set_prototype_values() -> None:
    app = express()
    app.set(INHERITED, 42)
    assert app.get(INHERITED) == 42  # type: ignore[comparison-overlap]


def test_config__set__should_return_the_app() -> None:
    app = express()
    assert app.set("foo", "bar") is app


def test_config__set__should_return_the_app_when_undefined() -> None:
    app = express()
    assert app.set("foo", None) is app


def test_config__set__should_return_set_value() -> None:
    app = express()
    app.set("foo", "bar")
    assert app.set("foo") == "bar"


def test_config__set__should_return_undefined_for_prototype_values() -> None:
    assert express().set(INHERITED) is None


def test_config__set__etag__should_throw_on_bad_value() -> None:
    app = express()
    with pytest.raises(TypeError, match="unknown value"):
        app.set("etag", 42)


def test_config__set__etag__should_set_etag_fn() -> None:
    app = express()

    def fn(body: Any, encoding: Any) -> None:
        return None

    app.set("etag", fn)
    assert app.get("etag fn") is fn


def test_config__set__trust_proxy__should_set_trust_proxy_fn() -> None:
    app = express()

    def fn(addr: str, i: int) -> bool:
        return False

    app.set("trust proxy", fn)
    assert app.get("trust proxy fn") is fn


def test_config__get__should_return_undefined_when_unset() -> None:
    assert express().get("foo") is None


def test_config__get__should_return_undefined_for_prototype_values() -> None:
    assert express().get(INHERITED) is None


def test_config__get__should_otherwise_return_the_value() -> None:
    app = express()
    app.set("foo", "bar")
    assert app.get("foo") == "bar"  # type: ignore[comparison-overlap]


def test_config__get__when_mounted__should_default_to_the_parent_app() -> None:
    app, blog = express(), express()
    app.set("title", "Express")
    app.use(blog)
    assert blog.get("title") == "Express"  # type: ignore[comparison-overlap]


def test_config__get__when_mounted__should_given_precedence_to_the_child() -> None:
    app, blog = express(), express()
    app.use(blog)
    app.set("title", "Express")
    blog.set("title", "Some Blog")
    assert blog.get("title") == "Some Blog"  # type: ignore[comparison-overlap]


def _trust(answer: bool) -> Any:
    def fn(addr: str, i: int) -> bool:
        return answer

    return fn


def _assert_trust(app: Any, fn: Any) -> None:
    assert app.get("trust proxy") is fn
    assert app.get("trust proxy fn") is fn


def test_config__get__when_mounted__should_inherit_trust_proxy_setting() -> None:
    app, blog = express(), express()
    fn = _trust(False)
    app.set("trust proxy", fn)
    _assert_trust(app, fn)
    app.use(blog)
    _assert_trust(blog, fn)


def test_config__get__when_mounted__should_prefer_child_trust_proxy_setting() -> None:
    app, blog = express(), express()
    fn1, fn2 = _trust(False), _trust(True)
    app.set("trust proxy", fn1)
    _assert_trust(app, fn1)
    blog.set("trust proxy", fn2)
    _assert_trust(blog, fn2)
    app.use(blog)
    _assert_trust(app, fn1)
    _assert_trust(blog, fn2)


def test_config__enable__should_set_the_value_to_true() -> None:
    app = express()
    assert app.enable("tobi") is app
    assert app.get("tobi") is True  # type: ignore[comparison-overlap]


def test_config__enable__should_set_prototype_values() -> None:
    app = express()
    app.enable(INHERITED)
    assert app.get(INHERITED) is True  # type: ignore[comparison-overlap]


def test_config__disable__should_set_the_value_to_false() -> None:
    app = express()
    assert app.disable("tobi") is app
    assert app.get("tobi") is False  # type: ignore[comparison-overlap]


def test_config__disable__should_set_prototype_values() -> None:
    app = express()
    app.disable(INHERITED)
    assert app.get(INHERITED) is False  # type: ignore[comparison-overlap]


def test_config__enabled__should_default_to_false() -> None:
    assert express().enabled("foo") is False


def test_config__enabled__should_return_true_when_set() -> None:
    app = express()
    app.set("foo", "bar")
    assert app.enabled("foo") is True


def test_config__enabled__should_default_to_false_for_prototype_values() -> None:
    assert express().enabled(INHERITED) is False


def test_config__disabled__should_default_to_true() -> None:
    assert express().disabled("foo") is True


def test_config__disabled__should_return_false_when_set() -> None:
    app = express()
    app.set("foo", "bar")
    assert app.disabled("foo") is False


def test_config__disabled__should_default_to_true_for_prototype_values() -> None:
    assert express().disabled(INHERITED) is True
