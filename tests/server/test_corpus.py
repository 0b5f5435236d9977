"""The gunicorn request corpus (../shared/corpus/http, MIT) against a real server.

Every case is sent in one write, in 7-byte pieces and byte by byte, followed by a half-close.
A ``reject`` case must get only 4xx/5xx answers (or none) and a closed connection, and the app
must never receive it whole. An ``accept`` case must reach the app with exactly the listed
method, target, version, headers and body, except the cases listed in ``STRICTER`` (rejected on
purpose, each with the reason) and the ones that lack the Host header HTTP/1.1 requires, which
are also replayed with ``Host: a`` added and must then pass. Every case runs against both parser
back-ends (h11 and httptools) with the same expectations: no case differs between them.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .rawhttp import EchoApp, Seen, connect, parse_responses, read_until_close, running, send

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "http"
if not (CORPUS / "manifest.json").exists():  # the corpus lives beside the repo, not in it
    CORPUS = Path("/work/shared/corpus/http")
MANIFEST: dict[str, dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text())

# Valid in gunicorn, rejected by expresspy on purpose.
STRICTER: dict[str, str] = {
    "valid/rfc9112_target_absolute_userinfo_01": "userinfo (user@) in an http URI is treated as "
    "an error (RFC 9110 §4.2.4): it disguises the real host to anything that reads it naively",
    "valid/009": "Transfer-Encoding: identity with Content-Length: CL+TE is always 400",
    "valid/099": "the file's body (8599 bytes) is shorter than its Content-Length (17914)",
    "valid/025": "TE gzip+chunked: we decode no coding but chunked (501, RFC 9112 §6.1)",
    "valid/025_line": "Transfer-Encoding gzip,chunked: 501, as above",
    "valid/029": "two Transfer-Encoding headers (identity, chunked): 501, as above",
    "valid/030": "two Transfer-Encoding headers (identity, chunked): 501, as above",
    "valid/rfc9112_smuggle_gzip_chunked_01": "Transfer-Encoding gzip, chunked: 501, as above",
    "valid/rfc9112_smuggle_te_identity_chunked_01": "identity, chunked: 501, as above",
    "valid/027": "raw UTF-8 bytes in the request target; RFC 3986 wants them percent-encoded",
    "valid/028": "whitespace before the colon (strip_header_spaces): RFC 9112 §5.1 says 400",
    "valid/031compat": "lower-case method folded to upper case (gunicorn option): not offered",
    "valid/031compat2": "lower-case method, unconventional (gunicorn option): not offered",
    "valid/040": "Transfer_Encoding/Content_Length: '_' names that become framing headers",
    "valid/040_compat": "as valid/040 (gunicorn's 'dangerous' header map)",
    "valid/compat_obs_fold": "obs-fold: always 400 (RFC 9112 §5.2; smuggling vector)",
    "valid/compat_obs_fold_huge": "obs-fold, as above",
    "valid/pp_01": "PROXY protocol v1: not supported (use --uds or trust proxy headers)",
    "valid/pp_02": "PROXY protocol v1: not supported",
    "valid/pp_04": "PROXY protocol v2: not supported",
    "valid/pp_05": "PROXY protocol v2: not supported",
    "valid/rfc9112_target_authority_connect_01": "CONNECT (authority form): an origin server",
    "valid/rfc9112_target_authority_ipv6_01": "CONNECT (authority form): an origin server",
}


# gunicorn settings mapped to our nearest equivalent (its per-field limits to the head limit).
def _settings(config: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "limit_request_line" in config:
        out["max_request_line"] = config["limit_request_line"]
    if "limit_request_fields" in config:
        out["max_header_count"] = config["limit_request_fields"]
    if "limit_request_field_size" in config:
        # Lowered: the whole head gets that bound. Raised: room for a line and one such field.
        size = config["limit_request_field_size"] or 8190
        out["max_header_bytes"] = size if size <= 8190 else 2 * size
        out.setdefault("max_request_line", min(8190, size))
    return out


# Rejected by gunicorn only because its default limits are lower than ours (request line 4094,
# one field 8190; ours: line 8190, whole head 16 KiB): run with gunicorn's figures instead.
GUNICORN_DEFAULTS: dict[str, dict[str, Any]] = {
    "invalid/006": {"max_request_line": 4094},
    "invalid/007": {"max_header_bytes": 8190},
    "invalid/008": {"max_header_bytes": 8190},
}


def _has_host(raw: bytes) -> bool:
    head = raw.split(b"\r\n\r\n", 1)[0].lower()
    return b"\r\nhost:" in head


def _add_host(raw: bytes) -> bytes:
    """Insert ``Host: a`` after each request line of an HTTP/1.1 request stream."""
    out = b""
    rest = raw
    while rest:
        line, sep, rest = rest.partition(b"\r\n")
        out += line + sep
        if line.endswith(b" HTTP/1.1"):
            out += b"Host: a\r\n"
    return out


def _expected_with_host(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for req in requests:
        req = dict(req)
        if req["version"] == [1, 1]:
            req["headers"] = [["HOST", "a"], *req["headers"]]
        out.append(req)
    return out


@pytest.fixture(scope="module")
def servers(backend: str, app_path: str) -> Iterator[dict[str, tuple[EchoApp, int]]]:
    """One server per distinct settings mapping, started lazily and stopped at the end."""
    cache: dict[str, tuple[EchoApp, int]] = {}
    stack: list[Any] = []

    def get(settings: dict[str, Any]) -> tuple[EchoApp, int]:
        key = json.dumps(settings, sort_keys=True)
        if key not in cache:
            app = EchoApp()
            ctx = running(app, **settings)
            srv = ctx.__enter__()
            stack.append(ctx)
            cache[key] = (app, srv.port)
        return cache[key]

    yield get  # type: ignore[misc]
    for ctx in reversed(stack):
        ctx.__exit__(None, None, None)


def _send_case(port: int, raw: bytes, piece: int | None) -> tuple[list[int], bool]:
    with connect(port) as sock:
        try:
            send(sock, raw, piece)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            # The server may close as soon as it has seen enough (EPIPE, ECONNRESET, or
            # ENOTCONN from shutdown once the reset has arrived).
            pass
        data, closed = read_until_close(sock, 5.0)
    responses, _ = parse_responses(data)
    return [r.status for r in responses], closed


def _target(seen: Seen) -> bytes:
    return seen.raw_path + (b"?" + seen.query if seen.query else b"")


def _check_seen(seen: list[Seen], expected: list[dict[str, Any]]) -> None:
    assert len(seen) == len(expected)
    for got, want in zip(seen, expected, strict=True):
        assert got.method == want["method"]
        target = want["target"].encode("latin-1")
        if target.startswith((b"http://", b"https://")):
            parts = urlsplit(want["target"])
            assert got.raw_path.decode() == (parts.path or "/")
            assert dict(got.headers)[b"host"].decode() == parts.netloc.rpartition("@")[2]
        else:
            assert _target(got) == target
            want_headers = [(n.lower().encode(), v.encode("latin-1")) for n, v in want["headers"]]
            assert got.headers == want_headers
        assert got.scope["http_version"] == "{}.{}".format(*want["version"])
        assert got.body == want["body"].encode("latin-1")


def _run_case(servers: Any, name: str, piece: int | None) -> None:
    case = MANIFEST[name]
    raw = (CORPUS / case["file"]).read_bytes()
    app, port = servers(GUNICORN_DEFAULTS.get(name) or _settings(case["config"]))
    before = len(app.seen)
    statuses, closed = _send_case(port, raw, piece)
    new = app.seen[before:]
    if case["expect"] == "reject" or name in STRICTER:
        assert closed, statuses
        assert all(status >= 400 for status in statuses), statuses
        assert len(new) < len(case.get("requests", [None])) or not new
        return
    expected = case["requests"]
    if not _has_host(raw) and any(r["version"] == [1, 1] for r in expected):
        # HTTP/1.1 without Host is a 400 (RFC 9112 §3.2 MUST): check that, then the rest.
        assert 400 in statuses
        raw, expected = _add_host(raw), _expected_with_host(expected)
        before = len(app.seen)
        statuses, closed = _send_case(port, raw, piece)
        new = app.seen[before:]
    assert statuses == [200] * len(expected)
    assert closed
    _check_seen(new, expected)


@pytest.mark.parametrize("piece", [None, 7, 1], ids=["whole", "pieces", "bytewise"])
@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_case(servers: Any, name: str, piece: int | None) -> None:
    _run_case(servers, name, piece)


def test_every_stricter_case_is_a_valid_corpus_case() -> None:
    assert set(STRICTER) <= {k for k, v in MANIFEST.items() if v["expect"] == "accept"}
