"""Write docs/benchmarks.md from a results file: date, machine, versions, tables, chart.

    python -m bench.docs_page bench/results/RUN.json

Sections recorded by other benchmarks (e.g. bench/ws_echo.py's "## WebSockets") are written by
hand below KEEP_MARKER in the page; rewriting the page keeps them as they are.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bench import report
from bench.setup_env import REPO_ROOT

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "benchmarks.md"

INTRO = """\
# Benchmarks

expresspy measured against the servers people would pick instead, on the same machine in the
same run. **Ratios are the headline**: absolute numbers depend on the machine, ratios much
less. Each server runs as one process pinned to one CPU; wrk (one thread) is pinned to the
other. Every server is checked to answer its workload correctly before it is loaded.

Reproduce with `python -m bench` (installs wrk, a venv with the Python peers and Express 5 in a
cache folder, then measures); `python -m bench --quick` is a short smoke run, `--docs` rewrites
this page and its chart, and `python -m bench --help` lists the flags. Every Python server runs
on the Python that starts the harness (see Versions). [Where the time goes](performance.md)
breaks one request down in instruction counts, which do not depend on the machine's load.
"""

WORKLOAD_NOTES = """\
Notes on the workloads:

- **Handlers**: `async` is `async def`, `sync` a plain `def` (expresspy and Starlette run it on
  their thread pools; for expresspy the middleware of the chain is `def` too), `js` is Node.
  Flask runs `def` only and is compared with both flavours; so are Node and the bare loop.
- **session**: expresspy and express-session keep sessions in their in-memory stores; Starlette
  and Flask have signed-cookie sessions only. wrk keeps the latest `Set-Cookie` value and sends it
  back, as a browser does.
- **middleware**: ten pass-through middleware before the handler: `(req, res, next) => next()`
  for Express and expresspy, pure ASGI classes for Starlette, `before_request` hooks for Flask.
- **json** with `def` is absent for Starlette: a `def` endpoint cannot read the body.
- The **bare-h11** server is an asyncio loop driving a public `h11.Connection` that answers every
  request with a canned response (h11 parses the request and writes the response): h11 used the
  public way, with no framework. expresspy's h11 back-end runs h11's reading functions without
  the connection's state machine and writes responses itself, so it can beat this loop.
- **Sessions under load**: all of wrk's connections share one session, so express-session and
  the signed-cookie peers lose concurrent increments (last write wins); every request still
  loads, changes and saves its session.
"""

# Everything from this line to the end of the existing page survives a rewrite: the results of
# benchmarks that are not part of `python -m bench` (their numbers are recorded by hand).
KEEP_MARKER = "<!-- Sections below are kept as they are by `python -m bench --docs`. -->"

MICRO_NOTE = """\
`bench/micro_dispatch.py` calls each ASGI app directly with a prepared scope and a no-op `send`:
routing, middleware and response building only, no server. The apps are the same as above.
"""


def machine_section(data: dict[str, Any]) -> str:
    """When and where the run happened, and with what settings."""
    m, s = data["machine"], data["settings"]
    load = f"{m['load_average_start'][0]} at the start, {m['load_average_end'][0]} at the end"
    return "\n".join(
        [
            f"- **Date**: {data['started']} (UTC), expresspy at commit `{m['revision']}`",
            f"- **Machine**: {m['cores']} cores, {m['cpu_model']}, {m['memory_gb']} GiB, "
            f"Linux {m['kernel']}; 1-minute load average {load}",
            f"- **Pinning**: server on CPU {s['server_cpu']}, wrk on CPU {s['client_cpu']} "
            f"({s['wrk_threads']} wrk thread)",
            f"- **Method**: {s['runs']} round{'s' if s['runs'] != 1 else ''}, each server "
            "started afresh per round, "
            f"{s['warmup_s']:g} s warm-up, {s['duration_s']:g} s per measurement at "
            f"{' and '.join(map(str, s['connections']))} connections; req/s is the median over "
            "rounds (min-max shown), p50/p99 the median of each round's, "
            "RSS the peak (VmHWM) of the server's processes",
        ]
    )


def versions_section(data: dict[str, Any]) -> str:
    """A table of every component's version."""
    rows = [[name, version] for name, version in data["versions"].items()]
    return report.md_table(["component", "version"], rows)


def servers_section(data: dict[str, Any]) -> str:
    """What each server name in the tables stands for."""
    return "\n".join(
        f"- **{name}**: {info['description']}" for name, info in data["servers"].items()
    )


def caveat(data: dict[str, Any]) -> str | None:
    """A warning when the run is too short or the machine was busy (numbers are then noisy)."""
    s, m = data["settings"], data["machine"]
    # Only the load before the run tells of other work: at its end the 1-minute average is the
    # run's own (a server and wrk keep both CPUs busy), about 2 on a quiet 2-core machine.
    busy = m["load_average_start"][0] > 0.5 * m["cores"]
    short = s["runs"] < 3 or s["duration_s"] < 10
    if not (busy or short):
        return None
    length = f"a shorter run than the reference ({s['runs']} x {s['duration_s']:g} s, not 3 x 10 s)"
    why = [
        text
        for flag, text in ((short, length), (busy, "taken while other work loaded the machine"))
        if flag
    ]
    return (
        f"> **Caveat**: these numbers are {' and '.join(why)}; they are noisy. "
        "Rerun `python -m bench --docs` on a quiet machine for reference numbers."
    )


def kept_sections(old_page: str) -> str:
    """The hand-written tail of ``old_page``: from KEEP_MARKER (included) to the end, or ""."""
    start = old_page.find(KEEP_MARKER)
    return old_page[start:].rstrip("\n") + "\n" if start >= 0 else ""


def page(data: dict[str, Any], chart: str | None, kept: str = "") -> str:
    """The whole markdown page; ``kept`` (see kept_sections) is appended unchanged."""
    warning = caveat(data)
    parts = [
        INTRO,
        *([warning, ""] if warning else []),
        "## This run",
        "",
        machine_section(data),
        "",
        "## Servers",
        "",
        servers_section(data),
        "",
        "## Results",
        "",
    ]
    if chart:
        parts += [f"![expresspy / peer ratios]({chart})", ""]
    parts += [
        report.markdown(data),
        WORKLOAD_NOTES,
        "",
        "## Versions",
        "",
        versions_section(data),
        "",
    ]
    micro = data.get("micro") or []
    if micro:
        parts += ["## In-process dispatch (no sockets)", "", MICRO_NOTE]
        parts += [block for result in micro for block in (result["markdown"], "")]
    if kept:
        parts.append(kept)
    return "\n".join(parts)


def write(results: Path, output: Path = DEFAULT_OUTPUT) -> None:
    """Write the page for ``results``, linking the chart if it exists next to the page."""
    chart = output.with_suffix(".png")
    kept = kept_sections(output.read_text()) if output.exists() else ""
    output.write_text(page(report.load(results), chart.name if chart.exists() else None, kept))
    print(f"wrote {output}")


if __name__ == "__main__":
    write(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUTPUT)
