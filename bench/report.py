"""Turn raw samples into summaries, expresspy/peer ratios, target checks and markdown tables.

Everything here works from the results JSON alone, so a saved run can be re-reported (and the
docs page regenerated) without measuring again.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Key = tuple[str, str, str, int]
"""(server, workload, flavour, connections)."""

OURS_PREFIX = "expresspy"


@dataclass(frozen=True)
class Summary:
    """One configuration over all its runs."""

    rps_median: float
    rps_min: float
    rps_max: float
    p50_ms: float
    p99_ms: float
    runs: int
    errors: int
    peak_rss_mb: float | None


def summarise(data: dict[str, Any]) -> dict[Key, Summary]:
    """Median, min and max req/s, median p50/p99 and max peak RSS per configuration."""
    grouped: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for s in data["samples"]:
        grouped[(s["server"], s["workload"], s["flavour"], s["connections"])].append(s)
    rss: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in data["rss"]:
        key = (r["server"], r["workload"], r["flavour"])
        rss[key] = max(rss[key], r["peak_rss_kb"])
    return {key: summary_of(samples, rss.get(key[:3])) for key, samples in grouped.items()}


def summary_of(samples: list[dict[str, Any]], rss_kb: int | None) -> Summary:
    """The summary of one configuration's samples."""
    rps = [s["rps"] for s in samples]
    return Summary(
        rps_median=statistics.median(rps),
        rps_min=min(rps),
        rps_max=max(rps),
        p50_ms=statistics.median(s["p50_ms"] for s in samples),
        p99_ms=statistics.median(s["p99_ms"] for s in samples),
        runs=len(samples),
        errors=sum(sum(s["errors"].values()) for s in samples),
        peak_rss_mb=rss_kb / 1024 if rss_kb else None,
    )


def ours(data: dict[str, Any]) -> list[str]:
    """The expresspy variants in the run (a results file may name others in ``"ours"``, which
    lets the report and chart be tried on a run where expresspy could not be measured)."""
    named = data.get("ours")
    if named:
        return list(named)
    return [name for name in data["servers"] if name.startswith(OURS_PREFIX)]


def peers(data: dict[str, Any]) -> list[str]:
    """The peers in the run."""
    mine = ours(data)
    return [name for name in data["servers"] if name not in mine]


def peer_key(
    data: dict[str, Any],
    table: dict[Key, Summary],
    peer: str,
    workload: str,
    flavour: str,
    conns: int,
) -> Key | None:
    """The peer measurement to compare with: same flavour, or the peer's only one.

    A peer with a single flavour (Flask: ``def``; Node; the bare loop) and a workload where
    flavour makes no difference (static) compare with whatever the peer ran.
    """
    same = (peer, workload, flavour, conns)
    if same in table:
        return same
    single = len(data["servers"][peer]["flavours"]) == 1
    if single or not data["workloads"][workload]["flavoured"]:
        found = [k for k in table if k[0] == peer and k[1] == workload and k[3] == conns]
        return found[0] if len(found) == 1 else None
    return None


@dataclass(frozen=True)
class Ratio:
    """expresspy / peer on one measurement."""

    ours: str
    peer: str
    workload: str
    flavour: str
    connections: int
    rps: float
    p50: float
    p99: float


def ratios(data: dict[str, Any], table: dict[Key, Summary]) -> list[Ratio]:
    """Every expresspy / peer ratio the run allows (req/s: >1 is better; latency: <1)."""
    found = []
    for key, mine in sorted(table.items()):
        name, workload, flavour, conns = key
        if name not in ours(data):
            continue
        for peer in peers(data):
            other = peer_key(data, table, peer, workload, flavour, conns)
            if other is None:
                continue
            theirs = table[other]
            found.append(
                Ratio(
                    name,
                    peer,
                    workload,
                    flavour,
                    conns,
                    mine.rps_median / theirs.rps_median,
                    mine.p50_ms / theirs.p50_ms,
                    mine.p99_ms / theirs.p99_ms,
                )
            )
    return found


@dataclass(frozen=True)
class Target:
    """A goal from issue 9: a ratio on one measurement, with its bound."""

    text: str
    ours: str
    peer: str
    workload: str
    flavour: str
    connections: int
    metric: str
    """``rps`` (the ratio must reach ``bound``) or ``p50``/``p99`` (must stay at or under)."""
    bound: float

    def met(self, ratio: Ratio) -> bool:
        """Whether the measured ratio meets the target."""
        value = getattr(ratio, self.metric)
        return bool(value >= self.bound if self.metric == "rps" else value <= self.bound)


TARGETS = (
    Target(
        "hello, 50 conns, async: >= 1.5x uvicorn-h11",
        "expresspy",
        "uvicorn-h11",
        "hello",
        "async",
        50,
        "rps",
        1.5,
    ),
    Target(
        "hello, 50 conns, async: >= 2x Node + Express",
        "expresspy",
        "express-node",
        "hello",
        "async",
        50,
        "rps",
        2.0,
    ),
    Target(
        "hello, 50 conns, httptools back-end: >= 1.2x uvicorn-httptools",
        "expresspy-httptools",
        "uvicorn-httptools",
        "hello",
        "async",
        50,
        "rps",
        1.2,
    ),
    Target(
        "hello, 50 conns, httptools + uvloop: >= 1.2x uvicorn-httptools + uvloop",
        "expresspy-uvloop",
        "uvicorn-uvloop",
        "hello",
        "async",
        50,
        "rps",
        1.2,
    ),
    Target(
        "hello, 50 conns, def: >= 1.0x uvicorn-h11 def",
        "expresspy",
        "uvicorn-h11",
        "hello",
        "sync",
        50,
        "rps",
        1.0,
    ),
    Target(
        "session, 50 conns: >= 2x Starlette sessions on uvicorn-h11",
        "expresspy",
        "uvicorn-h11",
        "session",
        "async",
        50,
        "rps",
        2.0,
    ),
    Target(
        "session, 50 conns: >= 2x Node + express-session",
        "expresspy",
        "express-node",
        "session",
        "async",
        50,
        "rps",
        2.0,
    ),
    Target(
        "hello p99 at 50 conns <= uvicorn-h11's",
        "expresspy",
        "uvicorn-h11",
        "hello",
        "async",
        50,
        "p99",
        1.0,
    ),
    Target(
        "hello p50 at 1 conn <= uvicorn-h11's",
        "expresspy",
        "uvicorn-h11",
        "hello",
        "async",
        1,
        "p50",
        1.0,
    ),
)


def target_rows(found: list[Ratio]) -> list[tuple[Target, Ratio | None]]:
    """Each target with the ratio that measures it (None when the run did not cover it)."""
    index = {(r.ours, r.peer, r.workload, r.flavour, r.connections): r for r in found}
    return [(t, index.get((t.ours, t.peer, t.workload, t.flavour, t.connections))) for t in TARGETS]


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ratio_table(data: dict[str, Any], found: list[Ratio], mine: str) -> str:
    """Rows (workload, flavour, connections), one column of req/s ratios per peer."""
    columns = peers(data)
    cells: dict[tuple[str, str, int], dict[str, str]] = defaultdict(dict)
    for r in found:
        if r.ours == mine:
            cells[(r.workload, r.flavour, r.connections)][r.peer] = f"{r.rps:.2f}x"
    order = list(data["workloads"])
    rows = [
        [w, f, str(c), *(cells[(w, f, c)].get(p, "—") for p in columns)]
        for (w, f, c) in sorted(cells, key=lambda k: (order.index(k[0]), k[1], k[2]))
    ]
    return md_table(["workload", "handlers", "conns", *(f"/ {p}" for p in columns)], rows)


def targets_table(found: list[Ratio]) -> str:
    """The issue's targets with the measured ratio and whether each is met."""
    rows = []
    for target, ratio in target_rows(found):
        if ratio is None:
            rows.append([target.text, "not measured", "—"])
            continue
        value = getattr(ratio, target.metric)
        rows.append([target.text, f"{value:.2f}x", "yes" if target.met(ratio) else "**no**"])
    return md_table(["target", "measured", "met"], rows)


def details_table(data: dict[str, Any], table: dict[Key, Summary]) -> str:
    """Every configuration: req/s median (min-max), p50, p99, peak RSS, errors."""
    order = list(data["workloads"])
    servers = list(data["servers"])
    keys = sorted(table, key=lambda k: (order.index(k[1]), k[3], k[2], servers.index(k[0])))
    rows = [detail_row(key, table[key]) for key in keys]
    header = [
        "workload",
        "conns",
        "handlers",
        "server",
        "req/s median (min-max)",
        "p50 ms",
        "p99 ms",
        "peak RSS MB",
        "errors",
    ]
    return md_table(header, rows)


def detail_row(key: Key, s: Summary) -> list[str]:
    """One line of the details table."""
    server, workload, flavour, conns = key
    rss = f"{s.peak_rss_mb:.0f}" if s.peak_rss_mb is not None else "—"
    return [
        workload,
        str(conns),
        flavour,
        server,
        f"{s.rps_median:,.0f} ({s.rps_min:,.0f}-{s.rps_max:,.0f})",
        f"{s.p50_ms:.2f}",
        f"{s.p99_ms:.2f}",
        rss,
        str(s.errors),
    ]


def failures_list(data: dict[str, Any]) -> str:
    """What could not run, one bullet each ("none" when everything ran)."""
    lines = [
        f"- {f['server']} {f['workload']} {f['flavour']}: {first_line(f['reason'])}"
        for f in data["failures"]
    ]
    lines += [f"- {s['name']}: {s['reason']}" for s in data.get("skipped", [])]
    return "\n".join(lines) if lines else "none"


def first_line(text: str) -> str:
    """The first line of a message, for one-line bullets."""
    return text.strip().splitlines()[0] if text.strip() else text


def markdown(data: dict[str, Any]) -> str:
    """The full report: headline ratios, targets, details, failures."""
    table = summarise(data)
    found = ratios(data, table)
    parts = []
    for mine in ours(data):
        parts += [
            f"### {mine} / peer, requests per second (median of each)",
            "",
            ratio_table(data, found, mine),
            "",
        ]
    if not ours(data):
        parts += ["expresspy was not measured in this run.", ""]
    parts += [
        "### Targets (issue 9)",
        "",
        targets_table(found),
        "",
        "### All measurements",
        "",
        details_table(data, table),
        "",
        "### Not measured",
        "",
        failures_list(data),
        "",
    ]
    return "\n".join(parts)


def load(path: Path) -> dict[str, Any]:
    """Read a results file."""
    return dict(json.loads(path.read_text()))


if __name__ == "__main__":
    import sys

    print(markdown(load(Path(sys.argv[1]))))
