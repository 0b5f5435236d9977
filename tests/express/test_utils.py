"""Port of Express 5 test/utils.js.

Express's lib/utils.js helpers are tested against expresspy's counterparts: `etag`/`wetag`
are `strong_etag`/`weak_etag` (which hash bytes: a Python str reaches them as its UTF-8
encoding, which `res.send` does, so the string cases also check a sent string's ETag),
`compileETag` is `compile_etag_setting` (what `app.set("etag", ...)` compiles), `setCharset`
is `set_charset`, and `normalizeType` is observed where Express uses it: the `types` of the 406
error `res.format` passes on when nothing is acceptable.
"""

from __future__ import annotations

from typing import Any

import pytest

from expresspy import express
from expresspy.http.etag import compile_etag_setting, strong_etag, weak_etag
from expresspy.http.headers import set_charset
from expresspy.testing import request


def sent_etag(body: str, etag_setting: str) -> str:
    """The ETag header res.send gives the string `body` under the `etag` setting."""
    app = express()
    app.set("etag", etag_setting)
    app.get("/", lambda req, res: res.send(body))
    tag: str = request(app).get("/").expect(200).headers["etag"]
    return tag


def test_utils_etag_body_encoding__should_support_strings() -> None:
    assert strong_etag(b"express!") == '"8-O2uVAFaQ1rZvlKLT14RnuvjPIdg"'
    assert sent_etag("express!", "strong") == '"8-O2uVAFaQ1rZvlKLT14RnuvjPIdg"'


def test_utils_etag_body_encoding__should_support_utf8_strings() -> None:
    assert strong_etag("express❤".encode()) == '"a-JBiXf7GyzxwcrxY4hVXUwa7tmks"'
    assert sent_etag("express❤", "strong") == '"a-JBiXf7GyzxwcrxY4hVXUwa7tmks"'


def test_utils_etag_body_encoding__should_support_buffer() -> None:
    assert strong_etag(b"express!") == '"8-O2uVAFaQ1rZvlKLT14RnuvjPIdg"'


def test_utils_etag_body_encoding__should_support_empty_string() -> None:
    assert strong_etag(b"") == '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'
    assert sent_etag("", "strong") == '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'


def not_acceptable_types(*offers: str) -> Any:
    """The `types` of the 406 error res.format passes on for these offers (Accept: foo/bar)."""
    app = express()

    def handler(req: Any, res: Any) -> None:
        res.format({offer: (lambda: res.send("never sent")) for offer in offers})

    def on_error(err: Any, req: Any, res: Any, next: Any) -> None:
        res.status(err.status).json(err.types)

    app.use(handler)
    app.use(on_error)
    return request(app).get("/").set("Accept", "foo/bar").expect(406).body


def test_utils_normalize_type_accept_params_method__should_handle_a_type_with_a_malformed_parameter_and_break_the_loop_in_accept_params() -> (
    None
):
    # Express keeps only `value` of normalizeType's result ({value, quality, params}).
    assert not_acceptable_types("text/plain;invalid") == ["text/plain"]


def test_utils_normalize_type_accept_params_method__should_default_to_application_octet_stream_when_mime_lookup_fails() -> (
    None
):
    assert not_acceptable_types("unknown-extension-xyz") == ["application/octet-stream"]


def test_utils_set_charset_type_charset__should_set_charset() -> None:
    assert set_charset("text/html", "utf-8") == "text/html; charset=utf-8"


def test_utils_set_charset_type_charset__should_override_charset() -> None:
    assert set_charset("text/html; charset=iso-8859-1", "utf-8") == "text/html; charset=utf-8"


def test_utils_wetag_body_encoding__should_support_strings() -> None:
    assert weak_etag(b"express!") == 'W/"8-O2uVAFaQ1rZvlKLT14RnuvjPIdg"'
    assert sent_etag("express!", "weak") == 'W/"8-O2uVAFaQ1rZvlKLT14RnuvjPIdg"'


def test_utils_wetag_body_encoding__should_support_utf8_strings() -> None:
    assert weak_etag("express❤".encode()) == 'W/"a-JBiXf7GyzxwcrxY4hVXUwa7tmks"'
    assert sent_etag("express❤", "weak") == 'W/"a-JBiXf7GyzxwcrxY4hVXUwa7tmks"'


def test_utils_wetag_body_encoding__should_support_buffer() -> None:
    assert weak_etag(b"express!") == 'W/"8-O2uVAFaQ1rZvlKLT14RnuvjPIdg"'


def test_utils_wetag_body_encoding__should_support_empty_string() -> None:
    assert weak_etag(b"") == 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'
    assert sent_etag("", "weak") == 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'


def test_utils_compile_etag__should_return_generate_etag_for_true() -> None:
    fn = compile_etag_setting(True)
    assert fn is not None
    assert fn(b"express!") == weak_etag(b"express!")
    app = express()
    app.set("etag", True)
    assert app.get("etag fn")(b"express!") == 'W/"8-O2uVAFaQ1rZvlKLT14RnuvjPIdg"'


def test_utils_compile_etag__should_return_undefined_for_false() -> None:
    assert compile_etag_setting(False) is None
    app = express()
    app.set("etag", False)
    assert app.get("etag fn") is None


def test_utils_compile_etag__should_return_generate_etag_for_string_values_strong_and_weak() -> (
    None
):
    strong = compile_etag_setting("strong")
    weak = compile_etag_setting("weak")
    assert strong is not None and weak is not None
    assert strong(b"express") == strong_etag(b"express")
    assert weak(b"express") == weak_etag(b"express")
    assert strong(b"express") != weak(b"express")


def test_utils_compile_etag__should_throw_for_unknown_string_values() -> None:
    with pytest.raises(TypeError):
        compile_etag_setting("foo")


def test_utils_compile_etag__should_throw_for_unsupported_types_like_arrays_and_objects() -> None:
    with pytest.raises(TypeError):
        compile_etag_setting([])
    with pytest.raises(TypeError):
        compile_etag_setting({})
