"""Request scripts, their replay over raw HTTP, and the normalised comparison of two responses.

A script (``scripts/NAME.json``) names an app, an environment and a list of steps. Replaying it
against one server gives one :class:`Exchange` per step; :func:`view` turns an exchange into the
flat ``{field: text}`` form that is compared; :func:`compare` checks Express's view against
expresspy's, applying the deliberate differences of ``differences.toml`` exactly.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

COMPAT_DIR = Path(__file__).resolve().parent
SCRIPTS_DIR = COMPAT_DIR / "scripts"
DIFFERENCES_FILE = COMPAT_DIR / "differences.toml"

#: Seconds one request may take before the step fails.
REQUEST_TIMEOUT = 10.0

#: The response headers compared on every step (lower case). Date, Connection, Keep-Alive and
#: Transfer-Encoding belong to the server, not the framework, and are not compared.
COMPARED_HEADERS = (
    "content-type",
    "content-length",
    "etag",
    "location",
    "allow",
    "vary",
    "cache-control",
    "x-powered-by",
    "content-security-policy",
    "x-content-type-options",
)

ABSENT = "<absent>"
#: Express's cookie-clearing date: deterministic, so it is compared as is.
EPOCH_DATE = "Thu, 01 Jan 1970 00:00:00 GMT"
#: express-session's cookie value: "s:" + 32-char uid-safe id + "." + unpadded base64 HMAC.
SIGNED_SID = re.compile(r"^s:(?P<sid>[A-Za-z0-9_-]{32})\.(?P<sig>[A-Za-z0-9+/]+)$")
#: Seconds beyond which a cookie date is taken as fixed by the app and compared verbatim.
FIXED_DATE_DISTANCE = 366 * 86400
FINALHANDLER_PRE = re.compile(r"<pre>(?P<text>.*)</pre>", re.DOTALL)


@dataclass(frozen=True)
class Step:
    """One request of a script, plus what to do with cookies and how to normalise the answer."""

    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    cookies: str  # "jar" (send the jar) or "none"
    cookie_override: dict[str, dict[str, Any]]
    stack: str | None  # the message a development error page's stack must contain
    expect_status: int | None
    note: str


@dataclass(frozen=True)
class Script:
    """A named list of steps replayed in order against one app in one environment."""

    name: str
    app: str
    env: str
    secrets: dict[str, str]  # cookie name (or "*") -> the secret that signs it
    steps: tuple[Step, ...]
    headers: tuple[str, ...] = COMPARED_HEADERS  # the compared headers, lower case
    clock_headers: tuple[str, ...] = ()  # compared headers whose numbers are read off a clock


@dataclass
class Exchange:
    """What came back for one step (or the error that stopped it)."""

    status: int = 0
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error: str | None = None

    def header(self, name: str) -> str | None:
        """All values of one header joined with ", " (as HTTP allows), or None when absent."""
        values = [v for k, v in self.headers if k.lower() == name]
        return ", ".join(values) if values else None


@dataclass(frozen=True)
class Difference:
    """A deliberate, documented difference: on these steps these fields differ exactly so.

    ``fields`` maps a view field to the pair (Express's value, expresspy's value).
    """

    script: str
    steps: tuple[str, ...]  # step names, or ("*",) for every step of the script
    fields: dict[str, tuple[str, str]]
    reason: str

    def applies(self, script: str, step: str) -> bool:
        """True when this entry covers the given step.

        ``script`` may name one environment's run (``errors@production``) or, without ``@``,
        every run of that file.
        """
        named = self.script in (script, script.partition("@")[0])
        return named and ("*" in self.steps or step in self.steps)


def parse_step(raw: dict[str, Any], index: int) -> Step:
    """One step of a script file (``index`` counts from 1, for error messages)."""
    headers = {str(k): str(v) for k, v in raw.get("headers", {}).items()}
    body: bytes | None = None
    if "json" in raw:
        body = json.dumps(raw["json"], separators=(",", ":")).encode()
        headers.setdefault("Content-Type", "application/json")
    elif "body" in raw:
        body = str(raw["body"]).encode()
    unknown = set(raw) - {
        "name",
        "method",
        "path",
        "headers",
        "body",
        "json",
        "cookies",
        "cookie_override",
        "stack",
        "expect_status",
        "note",
    }
    if unknown:
        raise ValueError(f"step {index}: unknown keys {sorted(unknown)}")
    return Step(
        name=raw["name"],
        method=raw.get("method", "GET"),
        path=raw["path"],
        headers=headers,
        body=body,
        cookies=raw.get("cookies", "jar"),
        cookie_override=raw.get("cookie_override", {}),
        stack=raw.get("stack"),
        expect_status=raw.get("expect_status"),
        note=raw.get("note", ""),
    )


def load_script(path: Path) -> list[Script]:
    """Read one script file: one Script per environment it lists.

    ``"env": "production"`` runs it once; ``"envs": ["development", "production"]`` runs it once
    per environment, named ``NAME@ENV``.
    """
    raw = json.loads(path.read_text())
    steps = tuple(parse_step(s, i) for i, s in enumerate(raw["steps"], start=1))
    names = [step.name for step in steps]
    if len(set(names)) != len(names):
        raise ValueError(f"{path.name}: step names must be unique")
    envs = raw.get("envs", [raw.get("env", "development")])
    return [
        Script(
            path.stem if len(envs) == 1 else f"{path.stem}@{env}",
            raw["app"],
            env,
            _secrets(raw.get("secret")),
            steps,
            COMPARED_HEADERS + tuple(h.lower() for h in raw.get("compare_headers", ())),
            tuple(h.lower() for h in raw.get("clock_headers", ())),
        )
        for env in envs
    ]


def load_scripts() -> list[Script]:
    """Every script of scripts/, in name order."""
    return [script for p in sorted(SCRIPTS_DIR.glob("*.json")) for script in load_script(p)]


def load_differences() -> list[Difference]:
    """The entries of differences.toml (an absent file means no differences)."""
    if not DIFFERENCES_FILE.exists():
        return []
    data = tomllib.loads(DIFFERENCES_FILE.read_text())
    return [
        Difference(
            script=entry["script"],
            steps=(entry["steps"],) if isinstance(entry["steps"], str) else tuple(entry["steps"]),
            fields={k: (v["express"], v["expresspy"]) for k, v in entry["fields"].items()},
            reason=entry["reason"],
        )
        for entry in data.get("difference", [])
    ]


def _secrets(raw: str | dict[str, str] | None) -> dict[str, str]:
    """A script's "secret": one string for every cookie, or a map of cookie name to secret."""
    if raw is None:
        return {}
    return {"*": raw} if isinstance(raw, str) else dict(raw)


def secret_for(secrets: dict[str, str], cookie: str) -> str | None:
    """The secret that signs this cookie, if the script names one."""
    return secrets.get(cookie, secrets.get("*"))


def sign(value: str, secret: str) -> str:
    """cookie-signature's sign(): value + "." + unpadded standard base64 of HMAC-SHA256."""
    mac = hmac.new(secret.encode(), value.encode(), hashlib.sha256).digest()
    return value + "." + base64.b64encode(mac).decode().rstrip("=")


class CookieJar:
    """The cookies one side has been given: name -> raw (still URL-encoded) value, no paths."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def update(self, exchange: Exchange) -> None:
        """Store each Set-Cookie; an expired or Max-Age<=0 cookie removes the name."""
        for name, value in exchange.headers:
            if name.lower() != "set-cookie":
                continue
            pair, _, attrs = value.partition(";")
            key, _, val = pair.partition("=")
            if _expired(attrs):
                self.values.pop(key.strip(), None)
            else:
                self.values[key.strip()] = val.strip()

    def header(self, step: Step, secrets: dict[str, str]) -> str | None:
        """The Cookie header for a step: the jar (unless "none") with the step's overrides."""
        values = dict(self.values) if step.cookies == "jar" else {}
        for name, how in step.cookie_override.items():
            values[name] = _override(values.get(name), how, secret_for(secrets, name))
        return "; ".join(f"{k}={v}" for k, v in values.items()) or None


def _expired(attrs: str) -> bool:
    for attr in attrs.split(";"):
        key, _, val = attr.strip().partition("=")
        if key.lower() == "max-age" and val.strip().lstrip("-").isdigit():
            return int(val) <= 0
        if key.lower() == "expires" and val.strip() == EPOCH_DATE:
            return True
    return False


def _override(current: str | None, how: dict[str, Any], secret: str | None) -> str:
    """Build one overridden cookie value for a step.

    ``{"raw": v}`` sends v; ``{"tamper": true}`` flips the last character of the jar's value;
    ``{"signed_sid": id}`` signs an id of our choosing; ``{"resign": secret}`` signs the jar's
    id again with another secret (an old one, say). Signing uses ``how["secret"]`` if given,
    else the script's secret for that cookie.
    """
    if "raw" in how:
        return str(how["raw"])
    if how.get("tamper"):
        if current is None:
            raise ValueError("cannot tamper with a cookie the jar does not hold")
        # Still well-formed, no longer valid.
        return current[:-1] + ("A" if current[-1] != "A" else "B")
    if "resign" in how:
        match = None if current is None else SIGNED_SID.match(unquote(current))
        if match is None:
            raise ValueError(f"cannot re-sign {current!r}: not a signed session id")
        return quote("s:" + sign(match["sid"], str(how["resign"])), safe="")
    if "signed_sid" in how:
        key = how.get("secret", secret)
        if key is None:
            raise ValueError("signed_sid needs a secret (the step's or the script's)")
        return quote("s:" + sign(str(how["signed_sid"]), key), safe="")
    raise ValueError(f"unknown cookie override {how!r}")


def send(port: int, step: Step, jar: CookieJar, secrets: dict[str, str]) -> Exchange:
    """Send one step to 127.0.0.1:port on a fresh connection and return what came back.

    http.client adds only Host, unless the step sets its own (and Content-Length for a body);
    no Accept-Encoding, no redirects followed.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        headers = dict(step.headers)
        own_host = any(key.lower() == "host" for key in headers)
        conn.putrequest(step.method, step.path, skip_host=own_host, skip_accept_encoding=True)
        cookie = jar.header(step, secrets)
        if cookie is not None:
            headers["Cookie"] = cookie
        if step.body is not None:
            headers["Content-Length"] = str(len(step.body))
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders(step.body)
        response = conn.getresponse()
        exchange = Exchange(
            response.status, response.reason, response.getheaders(), response.read()
        )
    except (OSError, http.client.HTTPException) as exc:
        return Exchange(error=f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()
    jar.update(exchange)
    return exchange


def replay(script: Script, port: int) -> list[Exchange]:
    """Replay every step of a script in order, with one cookie jar for the whole script."""
    jar = CookieJar()
    return [send(port, step, jar, script.secrets) for step in script.steps]


class SessionIds:
    """Numbers session ids in order of appearance, so equal ids stay equal after normalising."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def label(self, sid: str) -> str:
        """Label an id `<sid#N>`, N counting the distinct ids seen on this side."""
        return f"<sid#{self.numbers.setdefault(sid, len(self.numbers) + 1)}>"


def _cookie_view(set_cookie: str, ids: SessionIds, secrets: dict[str, str], now: datetime) -> str:
    """One Set-Cookie with the random session id numbered and a non-epoch Expires relative."""
    pair, *attrs = [part.strip() for part in set_cookie.split(";")]
    name, _, value = pair.partition("=")
    match = SIGNED_SID.match(unquote(value))
    if match:
        sid = match["sid"]
        secret = secret_for(secrets, name)
        verdict = "?" if secret is None else ("ok" if sign(sid, secret) == match[0][2:] else "BAD")
        # The encoded form is compared too (`s%3A...`, `%2B`, `%2F`), by re-encoding the id.
        encoded_ok = value == quote(match[0], safe="")
        value = f"s%3A{ids.label(sid)}.<sig:{verdict}>" + ("" if encoded_ok else "<not-encoded>")
    shown = []
    for attr in attrs:
        key, sep, val = attr.partition("=")
        if key.lower() == "expires" and val != EPOCH_DATE:
            val = _relative_date(val, now)
        shown.append(key + sep + val)
    return "; ".join([f"{name}={value}", *shown])


def _relative_date(text: str, now: datetime) -> str:
    """An HTTP date as its distance from the response's Date, to 10 s: ``<Date+60s>``.

    Dates more than a year away are fixed dates chosen by the app and are kept as they are.

    Both dates are whole seconds and the cookie's expiry is computed a moment after the clock
    the Date header read, so the exact distance wobbles by a second; ten-second steps keep a
    unit error (seconds taken for milliseconds) visible while ignoring that wobble.
    """
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        when = None
    if when is None or when.tzinfo is None or not text.endswith(" GMT"):
        return f"<not an HTTP date: {text!r}>"
    distance = (when - now).total_seconds()
    if abs(distance) > FIXED_DATE_DISTANCE:
        return text  # a fixed date the app chose, not one computed from a max age
    return f"<Date{round(distance / 10) * 10:+d}s>"


#: In a clock header: the whole value, or a `reset=`/`t=` parameter, when it is a number.
CLOCK_NUMBER = re.compile(r"^(?P<whole>\d+)$|(?P<name>\b(?:reset|t)=)(?P<value>\d+)")
#: Numbers at least this large are Unix times (seconds), smaller ones are seconds from now.
UNIX_TIME_FLOOR = 1_000_000_000


def _clock_view(value: str, now: datetime) -> str:
    """A clock header's numbers to ten seconds: Unix times as their distance from the
    response's Date (``<Date+60s>``), delays as ``<~60s>``; like cookie dates, this keeps a
    unit error visible while ignoring the second that passes between the two replays."""

    def relative(match: re.Match[str]) -> str:
        number = int(match["whole"] or match["value"])
        if number >= UNIX_TIME_FLOOR:
            shown = f"<Date{round((number - now.timestamp()) / 10) * 10:+d}s>"
        else:
            shown = f"<~{round(number / 10) * 10}s>"
        return (match["name"] or "") + shown

    return CLOCK_NUMBER.sub(relative, value)


def _body_view(exchange: Exchange, stack: str | None) -> str:
    text = exchange.body.decode("utf-8", errors="backslashreplace")
    if stack is None:
        return text
    # A development error page carries a stack trace; its frames differ by nature, so the page
    # is compared by shape: the template, and whether the text is a stack (several lines) with
    # one line "<type>: <message>" (Node's first line, Python's last one).
    match = FINALHANDLER_PRE.search(text)
    if match is None:
        return text
    lines = [line.replace("&nbsp;", " ").strip() for line in match["text"].split("<br>")]
    named = len(lines) > 1 and any(line.endswith(": " + stack) for line in lines)
    shape = f"[stack naming {stack!r}]" if named else f"[NOT a stack naming {stack!r}]"
    return text[: match.start("text")] + shape + text[match.end("text") :]


def _response_date(exchange: Exchange) -> datetime:
    """The response's Date header (the server's clock), else our own clock."""
    with contextlib.suppress(TypeError, ValueError):
        date = parsedate_to_datetime(exchange.header("date") or "")
        if date.tzinfo is not None:
            return date
    return datetime.now(timezone.utc)


def view(
    exchange: Exchange,
    stack: str | None,
    ids: SessionIds,
    secrets: dict[str, str],
    headers: tuple[str, ...] = COMPARED_HEADERS,
    clock_headers: tuple[str, ...] = (),
) -> dict[str, str]:
    """The compared fields of one exchange, each as text (ABSENT for a missing header).

    ``stack``, when given, is the message a development error page's stack must contain; the
    page is then compared by shape.
    """
    if exchange.error is not None:
        return {"error": exchange.error}
    fields = {
        "status": str(exchange.status),
        "reason": exchange.reason,
        "body": _body_view(exchange, stack),
    }
    now = _response_date(exchange)
    for name in headers:
        value = exchange.header(name)
        if value is not None and name in clock_headers:
            value = _clock_view(value, now)
        fields[f"header:{name}"] = ABSENT if value is None else value
    if stack is not None and fields["header:content-length"] != ABSENT:
        # The length follows the stack's length (also for HEAD, which has no body to compare);
        # only its presence is compared.
        fields["header:content-length"] = "<length of a stack page>"
    cookies = [v for k, v in exchange.headers if k.lower() == "set-cookie"]
    fields["set-cookie"] = "\n".join(_cookie_view(c, ids, secrets, now) for c in cookies) or ABSENT
    return fields


def views(script: Script, exchanges: list[Exchange]) -> list[dict[str, str]]:
    """The views of a whole replay (session ids are numbered across the script).

    Production error pages carry no stack, so there they are compared byte for byte.
    """
    ids = SessionIds()
    stacks = [None if script.env == "production" else s.stack for s in script.steps]
    return [
        view(e, stack, ids, script.secrets, script.headers, script.clock_headers)
        for stack, e in zip(stacks, exchanges, strict=True)
    ]


def compare(
    script: str,
    step: str,
    express: dict[str, str],
    expresspy: dict[str, str],
    differences: list[Difference],
) -> list[str]:
    """Every way expresspy's view departs from Express's, as readable lines (empty = same).

    A field listed in differences.toml for this step must show exactly the listed values on
    both sides; any other field must be equal.
    """
    problems: list[str] = []
    expected = {
        name: (pair, d.reason)
        for d in differences
        if d.applies(script, step)
        for name, pair in d.fields.items()
    }
    for name in sorted(set(express) | set(expresspy)):
        ours, theirs = expresspy.get(name, ABSENT), express.get(name, ABSENT)
        if name in expected:
            (want_theirs, want_ours), reason = expected[name]
            if (theirs, ours) != (want_theirs, want_ours):
                problems.append(
                    f"{name}: differences.toml expects Express {want_theirs!r} / expresspy "
                    f"{want_ours!r} ({reason}), got Express {theirs!r} / expresspy {ours!r}"
                )
        elif ours != theirs:
            problems.append(f"{name}:\n  Express:   {theirs!r}\n  expresspy: {ours!r}")
    return problems
