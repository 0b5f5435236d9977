"""Draw docs/benchmarks.png: expresspy / peer req/s ratios, per workload, from a results file.

Run with the bench venv (matplotlib lives there)::

    bench/.venv/bin/python -m bench.chart bench/results/RUN.json [docs/benchmarks.png]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from bench import report
from bench.setup_env import REPO_ROOT

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "benchmarks.png"


def groups(found: list[report.Ratio], conns: int, order: list[str]) -> list[tuple[str, str]]:
    """The (workload, flavour) groups measured at ``conns`` connections, workloads in ``order``."""
    seen = {(r.workload, r.flavour) for r in found if r.connections == conns}
    return sorted(seen, key=lambda g: (order.index(g[0]), g[1]))


def draw_panel(ax: Axes, found: list[report.Ratio], data: dict[str, Any], conns: int) -> None:
    """One panel: a group of bars per (workload, flavour), one bar per peer."""
    peers = report.peers(data)
    labels = groups(found, conns, list(data["workloads"]))
    index = {((r.workload, r.flavour), r.peer): r.rps for r in found if r.connections == conns}
    width = 0.8 / max(1, len(peers))
    for i, peer in enumerate(peers):
        present = [(g, index[(key, peer)]) for g, key in enumerate(labels) if (key, peer) in index]
        xs = [g + i * width for g, _ in present]
        ys = [ratio for _, ratio in present]
        bars = ax.bar(xs, ys, width, label=peer)
        ax.bar_label(bars, labels=[f"{y:.1f}" for y in ys], fontsize=6, padding=1)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log", base=2)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{y:g}x"))
    ax.set_xticks([g + 0.4 - width / 2 for g in range(len(labels))])
    ax.set_xticklabels([f"{w}\n{f}" for w, f in labels], fontsize=8)
    ax.set_ylabel("expresspy / peer (req/s, log scale)")
    ax.set_title(f"{conns} connection{'s' if conns != 1 else ''}")


def draw(data: dict[str, Any], output: Path) -> None:
    """Write the chart of the first expresspy variant's ratios to ``output``."""
    mine = report.ours(data)
    if not mine:
        raise SystemExit("no expresspy results in this run: no chart drawn")
    found = [r for r in report.ratios(data, report.summarise(data)) if r.ours == mine[0]]
    conns = sorted({r.connections for r in found}, reverse=True)
    plt.switch_backend("Agg")  # files only, no display needed
    fig, axes = plt.subplots(len(conns), 1, figsize=(11, 4 * len(conns)), squeeze=False)
    for ax, count in zip(axes[:, 0], conns, strict=True):
        draw_panel(ax, found, data, count)
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncols=len(names), fontsize=9)
    fig.suptitle(f"{mine[0]} / peer, requests per second, one run ({data['started'][:10]})")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=110)
    print(f"wrote {output}")


if __name__ == "__main__":
    draw(report.load(Path(sys.argv[1])), Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUTPUT)
