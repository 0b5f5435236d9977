"""JavaScript's Map, Set and Date for ported code (re-exported as ``js.Map``, ``js.Set``,
``js.Date``; see :mod:`expresspy.js`).

Each keeps the JavaScript behaviour a port relies on where Python's nearest type differs: a
Map iterates as ``[key, value]`` pairs, a Set keeps insertion order (Python's ``set`` does
not), ``JSON.stringify`` writes both as ``{}``; a Date is a number of milliseconds, so
``end - start`` is milliseconds (not a ``timedelta``) and it serialises as an ISO string with
milliseconds and ``Z``. Methods have snake_case names (``to_iso_string``) and, where the
JavaScript name differs, that name too (``toISOString``), as the rest of expresspy does.
"""

from __future__ import annotations

import inspect
import math
import re
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = ["Date", "Map", "Set", "call_loosely"]


def call_loosely(fn: Callable[..., Any], *args: Any) -> Any:
    """Call `fn` with as many of `args` as it takes (JavaScript ignores extra arguments)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return fn(*args)
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return fn(*args)
    wanted = sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    return fn(*args[:wanted])


class Map(dict[Any, Any]):
    """``new Map(entries)``: a dict (insertion-ordered, as a Map is) with Map's methods.

    Iterating it, or spreading it (``[*m]``), gives ``[key, value]`` lists as a Map does;
    ``keys()``, ``values()``, ``items()`` and ``m[key]`` are the dict's. It is always true (an
    empty Map is an object), and JSON writes it as ``{}``. Keys compare as Python's do (``1``
    and ``True`` are one key here, two in JavaScript).
    """

    def __init__(self, entries: Iterable[Any] | None = None) -> None:
        super().__init__()
        for key, value in entries or ():
            self[key] = value

    @property
    def size(self) -> int:
        """``map.size``: the number of entries."""
        return len(self)

    def set(self, key: Any, value: Any) -> Map:
        """``map.set(key, value)``: store it; returns the map (calls chain)."""
        self[key] = value
        return self

    def has(self, key: Any) -> bool:
        """``map.has(key)``."""
        return key in self

    def delete(self, key: Any) -> bool:
        """``map.delete(key)``: True when the key was there."""
        return self.pop(key, _ABSENT) is not _ABSENT

    def entries(self) -> Iterator[list[Any]]:
        """``map.entries()``: ``[key, value]`` lists in insertion order."""
        return iter(self)

    def for_each(self, fn: Callable[..., Any]) -> None:
        """``map.forEach((value, key, map) => ...)``: the value comes first."""
        for key, value in list(self.items()):
            call_loosely(fn, value, key, self)

    forEach = for_each

    def to_json(self) -> dict[str, Any]:
        """What JSON.stringify writes for a Map: ``{}`` (entries are not properties)."""
        return {}

    def __iter__(self) -> Iterator[list[Any]]:
        return ([key, value] for key, value in list(self.items()))

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"Map({dict.__repr__(self)})"


_ABSENT = object()


def _set_key(value: Any) -> Hashable:
    """A Set member's key: equal for equal primitives, the identity for objects (lists and
    dicts are members by identity in JavaScript), and booleans apart from 0 and 1."""
    if isinstance(value, Hashable) and not isinstance(value, (Map, Set)):
        return (value.__class__ is bool, value)
    return ("id", id(value))


class Set:
    """``new Set(values)``: unique values in insertion order (Python's ``set`` has no order).

    ``add``, ``has``, ``delete``, ``clear``, ``size``, ``for_each`` as a Set has them;
    iterating or spreading (``[*s]``) gives the values; ``len(s)`` and ``x in s`` work too.
    Lists and dicts are members by identity, as objects are in JavaScript. JSON writes it as
    ``{}``.
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        self._items: dict[Hashable, Any] = {}
        for value in values or ():
            self.add(value)

    @property
    def size(self) -> int:
        """``set.size``: the number of values."""
        return len(self._items)

    def add(self, value: Any) -> Set:
        """``set.add(value)``: returns the set (calls chain)."""
        self._items.setdefault(_set_key(value), value)
        return self

    def has(self, value: Any) -> bool:
        """``set.has(value)``."""
        return _set_key(value) in self._items

    def delete(self, value: Any) -> bool:
        """``set.delete(value)``: True when the value was there."""
        return self._items.pop(_set_key(value), _ABSENT) is not _ABSENT

    def clear(self) -> None:
        """``set.clear()``."""
        self._items.clear()

    def values(self) -> Iterator[Any]:
        """``set.values()`` (and ``keys()``): the values in insertion order."""
        return iter(list(self._items.values()))

    keys = values

    def entries(self) -> Iterator[list[Any]]:
        """``set.entries()``: ``[value, value]`` lists, as JavaScript gives them."""
        return ([value, value] for value in list(self._items.values()))

    def for_each(self, fn: Callable[..., Any]) -> None:
        """``set.forEach((value, value, set) => ...)``."""
        for value in list(self._items.values()):
            call_loosely(fn, value, value, self)

    forEach = for_each

    def to_json(self) -> dict[str, Any]:
        """What JSON.stringify writes for a Set: ``{}``."""
        return {}

    def __iter__(self) -> Iterator[Any]:
        return self.values()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, value: Any) -> bool:
        return self.has(value)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"Set({list(self._items.values())!r})"


#: The range of a Date: ±8.64e15 ms around the epoch (ECMAScript's TimeClip).
MAX_TIME = 8.64e15
_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: The date-time strings Date parses: ECMAScript's ISO format (a date alone is UTC, a date
#: and time without an offset is local time).
_ISO = re.compile(
    r"(?P<y>[+-]\d{6}|\d{4})(?:-(?P<mo>\d{2})(?:-(?P<d>\d{2}))?)?"
    r"(?:T(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<ms>\d{1,9}))?)?"
    r"(?P<z>Z|[+-]\d{2}:\d{2})?)?"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _clip(ms: float) -> float | int:
    """ECMAScript's TimeClip: NaN outside the range, else whole milliseconds."""
    if not math.isfinite(ms) or abs(ms) > MAX_TIME:
        return math.nan
    return int(ms)


def _parse(text: str) -> float | int:
    """``Date.parse(text)``: ECMAScript's ISO format, else the other forms tutorials use
    (:data:`_LOCAL_FORMATS`, RFC 1123 and ``toString()``'s text); anything else is NaN."""
    match = _ISO.fullmatch(text.strip())
    if match is None:
        return _parse_other(text.strip())
    number = {k: int(v or default) for k, v, default in _iso_numbers(match)}
    if not (1 <= number["mo"] <= 12 and 1 <= number["d"] <= 31):
        return math.nan
    try:
        # V8 carries a day past the month's end over (2024-02-30 is March 1st).
        moment = datetime(number["y"], number["mo"], 1) + timedelta(
            days=number["d"] - 1, hours=number["h"], minutes=number["mi"], seconds=number["s"]
        )
    except (ValueError, OverflowError):
        return math.nan
    fraction = int((match["ms"] or "0")[:3].ljust(3, "0"))
    zone = match["z"]
    if zone is None and match["h"] is None:
        zone = "Z"  # a date alone is UTC
    if zone is None:
        return _clip(moment.timestamp() * 1000 // 1 + fraction)  # local time
    offset = timedelta(0)
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    utc = moment.replace(tzinfo=timezone(offset))
    return _clip((utc - _EPOCH) // timedelta(milliseconds=1) + fraction)


def _iso_numbers(match: re.Match[str]) -> list[tuple[str, str | None, str]]:
    """The numeric groups of an ISO date match with their defaults."""
    defaults = {"y": "0", "mo": "1", "d": "1", "h": "0", "mi": "0", "s": "0"}
    return [(name, match[name], default) for name, default in defaults.items()]


#: Other date strings Date parses as local time (V8's fallback parser takes many more).
_LOCAL_FORMATS = tuple(
    day + time_part
    for day in ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%Y/%m/%d", "%m/%d/%Y")
    for time_part in ("", " %H:%M", " %H:%M:%S")
)
#: `toString()`'s text: `Fri Jan 05 2024 10:00:00 GMT+0200 (zone name)`.
_TO_STRING = re.compile(r"\w{3} (\w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})(?: \(.*\))?")


def _parse_other(text: str) -> float | int:
    """The non-ISO forms of :func:`_parse`."""
    shown = _TO_STRING.fullmatch(text)
    if shown is not None:
        moment = datetime.strptime(shown.group(1) + shown.group(2), "%b %d %Y %H:%M:%S%z")
        return _clip((moment - _EPOCH) // timedelta(milliseconds=1))
    if text.endswith("GMT"):
        try:
            return _clip(parsedate_to_datetime(text).timestamp() * 1000)
        except (TypeError, ValueError):
            return math.nan
    for pattern in _LOCAL_FORMATS:
        try:
            return _clip(datetime.strptime(text, pattern).timestamp() * 1000)
        except ValueError:
            continue
    return math.nan


def _from_parts(parts: tuple[Any, ...]) -> float | int:
    """``new Date(year, month, day, hours, minutes, seconds, ms)`` in local time; out-of-range
    parts carry over (month 12 is January of the next year, day 0 the last of the month)."""
    values = [float(p) for p in parts] + [1.0, 0.0, 0.0, 0.0, 0.0][len(parts) - 2 :]
    if not all(math.isfinite(v) for v in values):
        return math.nan
    year, month, day, hours, minutes, seconds, millis = (int(v) for v in values)
    if 0 <= year <= 99:
        year += 1900
    year, month = year + month // 12, month % 12
    try:
        first = datetime(year, month + 1, 1)
    except ValueError:
        return math.nan
    local = first + timedelta(
        days=day - 1, hours=hours, minutes=minutes, seconds=seconds, milliseconds=millis
    )
    return _clip(local.timestamp() * 1000)


class Date:
    """``new Date(...)``: a moment as milliseconds since the epoch, as JavaScript keeps it.

    ``Date()`` is now; ``Date(ms)`` a number of milliseconds; ``Date("2024-01-05")`` an ISO
    string (other formats give an invalid date, whose time is NaN); ``Date(y, m, d, ...)``
    local time with a 0-based month; ``Date(datetime)`` a Python datetime (naive is UTC).
    ``a - b`` of two dates, or of a date and a number, is milliseconds; ``<``, ``>`` compare
    the moments; ``str()`` is ``toString()``; JSON writes ``to_iso_string()``. The getters
    read local time (``getHours``) or UTC (``getUTCHours``), as the environment's TZ says.
    """

    def __init__(self, *args: Any) -> None:
        self._ms: float | int
        if not args:
            self._ms = _now_ms()
        elif len(args) > 1:
            self._ms = _from_parts(args)
        else:
            self._ms = _single(args[0])

    # -- reading -----------------------------------------------------------------------
    def get_time(self) -> float | int:
        """``date.getTime()``: milliseconds since the epoch (NaN when invalid)."""
        return self._ms

    getTime = value_of = valueOf = get_time

    def _moment(self, utc: bool) -> datetime:
        if isinstance(self._ms, float):
            raise ValueError("Invalid time value")
        moment = _EPOCH + timedelta(milliseconds=self._ms)
        return moment if utc else moment.astimezone()

    def _field(self, name: str, utc: bool) -> float | int:
        if isinstance(self._ms, float):
            return math.nan
        moment = self._moment(utc)
        if name == "month":
            return moment.month - 1
        if name == "weekday":
            return (moment.weekday() + 1) % 7  # Sunday is 0
        if name == "ms":
            return moment.microsecond // 1000
        value: int = getattr(moment, name)  # year, day, hour, minute, second
        return value

    def get_full_year(self) -> float | int:
        """``getFullYear()`` (local time)."""
        return self._field("year", False)

    def get_month(self) -> float | int:
        """``getMonth()``: 0 for January (local time)."""
        return self._field("month", False)

    def get_date(self) -> float | int:
        """``getDate()``: the day of the month (local time)."""
        return self._field("day", False)

    def get_day(self) -> float | int:
        """``getDay()``: 0 for Sunday (local time)."""
        return self._field("weekday", False)

    def get_hours(self) -> float | int:
        """``getHours()`` (local time)."""
        return self._field("hour", False)

    def get_minutes(self) -> float | int:
        """``getMinutes()`` (local time)."""
        return self._field("minute", False)

    def get_seconds(self) -> float | int:
        """``getSeconds()``."""
        return self._field("second", False)

    def get_milliseconds(self) -> float | int:
        """``getMilliseconds()``."""
        return self._field("ms", False)

    def get_utc_full_year(self) -> float | int:
        """``getUTCFullYear()``."""
        return self._field("year", True)

    def get_utc_month(self) -> float | int:
        """``getUTCMonth()``: 0 for January."""
        return self._field("month", True)

    def get_utc_date(self) -> float | int:
        """``getUTCDate()``."""
        return self._field("day", True)

    def get_utc_day(self) -> float | int:
        """``getUTCDay()``: 0 for Sunday."""
        return self._field("weekday", True)

    def get_utc_hours(self) -> float | int:
        """``getUTCHours()``."""
        return self._field("hour", True)

    def get_timezone_offset(self) -> float | int:
        """``getTimezoneOffset()``: minutes to add to local time to get UTC."""
        if isinstance(self._ms, float):
            return math.nan
        offset = self._moment(False).utcoffset() or timedelta(0)
        return -int(offset.total_seconds() // 60)

    getFullYear = get_full_year
    getMonth = get_month
    getDate = get_date
    getDay = get_day
    getHours = get_hours
    getMinutes = get_minutes
    getSeconds = get_seconds
    getMilliseconds = get_milliseconds
    getUTCFullYear = get_utc_full_year
    getUTCMonth = get_utc_month
    getUTCDate = get_utc_date
    getUTCDay = get_utc_day
    getUTCHours = get_utc_hours
    getTimezoneOffset = get_timezone_offset

    def to_datetime(self) -> datetime:
        """The moment as an aware UTC datetime (what res.cookie's ``expires`` takes); raises
        ValueError when invalid."""
        return self._moment(True)

    # -- changing ------------------------------------------------------------------------
    def set_time(self, ms: float) -> float | int:
        """``date.setTime(ms)``: returns the new time."""
        self._ms = _single(ms)
        return self._ms

    setTime = set_time

    # -- text --------------------------------------------------------------------------
    def to_iso_string(self) -> str:
        """``toISOString()``: ``2024-01-05T10:00:00.000Z``; raises ValueError when invalid
        (JavaScript's RangeError)."""
        moment = self._moment(True)
        year = moment.year
        head = f"{year:04d}" if 0 <= year <= 9999 else f"{'+' if year > 0 else '-'}{abs(year):06d}"
        return head + moment.strftime("-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    toISOString = to_iso_string

    def to_json(self) -> str | None:
        """``toJSON()``: the ISO string, or None (null) for an invalid date."""
        return None if isinstance(self._ms, float) else self.to_iso_string()

    toJSON = to_json

    def to_string(self) -> str:
        """``toString()``: ``Fri Jan 05 2024 10:00:00 GMT+0000 (Coordinated Universal Time)``."""
        if isinstance(self._ms, float):
            return "Invalid Date"
        moment = self._moment(False)
        offset = moment.strftime("%z")
        name = moment.tzname() or ""
        name = "Coordinated Universal Time" if name in ("UTC", "GMT") else name
        return f"{self.to_date_string()} {moment.strftime('%H:%M:%S')} GMT{offset} ({name})"

    toString = to_string

    def to_date_string(self) -> str:
        """``toDateString()``: ``Fri Jan 05 2024``."""
        if isinstance(self._ms, float):
            return "Invalid Date"
        moment = self._moment(False)
        return f"{_DAYS[(moment.weekday() + 1) % 7]} {_MONTHS[moment.month - 1]} " + (
            f"{moment.day:02d} {moment.year:04d}"
        )

    toDateString = to_date_string

    def to_utc_string(self) -> str:
        """``toUTCString()``: ``Fri, 05 Jan 2024 10:00:00 GMT``."""
        if isinstance(self._ms, float):
            return "Invalid Date"
        moment = self._moment(True)
        return (
            f"{_DAYS[(moment.weekday() + 1) % 7]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
            f"{moment.year:04d} {moment.strftime('%H:%M:%S')} GMT"
        )

    toUTCString = to_utc_string

    def to_locale_date_string(self) -> str:
        """``toLocaleDateString()`` as Node writes it for en-US: ``1/5/2024``."""
        if isinstance(self._ms, float):
            return "Invalid Date"
        moment = self._moment(False)
        return f"{moment.month}/{moment.day}/{moment.year}"

    def to_locale_time_string(self) -> str:
        """``toLocaleTimeString()`` as Node writes it for en-US: ``10:00:00 AM``."""
        if isinstance(self._ms, float):
            return "Invalid Date"
        moment = self._moment(False)
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.strftime('%M:%S')} {'AM' if moment.hour < 12 else 'PM'}"

    def to_locale_string(self) -> str:
        """``toLocaleString()`` as Node writes it for en-US: ``1/5/2024, 10:00:00 AM``."""
        if isinstance(self._ms, float):
            return "Invalid Date"
        return f"{self.to_locale_date_string()}, {self.to_locale_time_string()}"

    toLocaleDateString = to_locale_date_string
    toLocaleTimeString = to_locale_time_string
    toLocaleString = to_locale_string

    def __str__(self) -> str:
        return self.to_string()

    def __repr__(self) -> str:
        return f"Date({self.to_json() or 'Invalid Date'!r})"

    # -- arithmetic and comparison (through the time value, as JavaScript's valueOf) ----
    def __sub__(self, other: Any) -> float | int:
        return self._ms - _time_of(other)

    def __rsub__(self, other: Any) -> float | int:
        return _time_of(other) - self._ms

    def __lt__(self, other: Any) -> bool:
        return self._ms < _time_of(other)

    def __le__(self, other: Any) -> bool:
        return self._ms <= _time_of(other)

    def __gt__(self, other: Any) -> bool:
        return self._ms > _time_of(other)

    def __ge__(self, other: Any) -> bool:
        return self._ms >= _time_of(other)


def _time_of(value: Any) -> float | int:
    """A Date's time value, a number as it is; anything else NaN (what ported code compares a
    date with is a date or a number)."""
    if isinstance(value, Date):
        return value.get_time()
    if isinstance(value, (int, float)):
        return value
    return math.nan


def _single(value: Any) -> float | int:
    """The time value of ``new Date(value)`` for one argument."""
    if isinstance(value, Date):
        return value.get_time()
    if isinstance(value, str):
        return _parse(value)
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        return _clip((aware - _EPOCH) // timedelta(microseconds=1) / 1000)
    if value is None:
        return 0  # new Date(null)
    if isinstance(value, (int, float)):
        return _clip(float(value))
    return math.nan
