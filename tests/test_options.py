"""expresspy/options.py: the one reading of option names (both spellings) and durations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from expresspy.options import camel, duration_ms, ms_string, option_name, snake

KNOWN = frozenset({"http_only", "same_site", "path", "max_age_ms"})


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("http_only", "http_only"),  # the Python name
        ("httpOnly", "http_only"),  # Express's spelling
        ("sameSite", "same_site"),
        ("path", "path"),
        ("httponly", None),  # neither spelling: a typo is refused, not guessed
        ("http_Only", None),
        ("HttpOnly", None),
        ("secure", None),
    ],
)
def test_option_name(key: str, expected: str | None) -> None:
    assert option_name(key, KNOWN) == expected


@pytest.mark.parametrize("name", ["http_only", "same_site", "default_charset", "path"])
def test_camel_and_snake_are_inverse(name: str) -> None:
    assert snake(camel(name)) == name


def test_duration_ms_reads_seconds_milliseconds_and_timedeltas() -> None:
    assert duration_ms(1.5, unit_ms=1000) == 1500
    assert duration_ms(250, unit_ms=1) == 250
    assert duration_ms(timedelta(minutes=1), unit_ms=1000) == 60000
    assert duration_ms(None, unit_ms=1) is None
    with pytest.raises(TypeError, match="max_age must be a number or a timedelta"):
        duration_ms("1d", unit_ms=1000, name="max_age")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="must be a finite number"):
        duration_ms(float("inf"), unit_ms=1)


def test_duration_ms_exact_keeps_fractions_and_passes_non_finite_through() -> None:
    assert duration_ms(1.5, unit_ms=1, whole=False) == 1.5
    assert duration_ms(timedelta(microseconds=1500), unit_ms=1, whole=False) == 1.5
    assert duration_ms(float("inf"), unit_ms=1, whole=False) == float("inf")
    with pytest.raises(TypeError, match=r"^option maxAge is invalid: 'x' is not a number"):
        duration_ms(
            "x",
            unit_ms=1,
            name="maxAge",
            whole=False,  # type: ignore[call-overload]
            invalid="option {name} is invalid: {value!r} is not a number",
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500", 500.0),
        ("1s", 1000.0),
        ("2 hours", 7_200_000.0),
        (".5h", 1_800_000.0),
        ("1D", 86_400_000.0),
        ("-1m", -60_000.0),
        ("1 fortnight", None),
        ("soon", None),
    ],
)
def test_ms_string_reads_the_npm_ms_package_forms(text: str, expected: float | None) -> None:
    assert ms_string(text) == expected
