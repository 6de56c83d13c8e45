"""Capability commands: ``openrace update benchmarks`` and ``openrace benchmarks``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from openrace.api import open_reader, open_store
from openrace.cli.common import Format, StoreOption, emit, err_console, out_console, settings
from openrace.cli.common import store_path as _store_path
from openrace.cli.root import app
from openrace.errors import UsageError


class BenchSource(StrEnum):
    """Which benchmark source(s) to harvest."""

    all = "all"
    epoch = "epoch"
    arena = "arena"


_SOURCES = {
    "all": ("epoch-benchmarks", "arena"),
    "epoch": ("epoch-benchmarks",),
    "arena": ("arena",),
}


def update(
    source: BenchSource = typer.Option(
        BenchSource.all,
        "--source",
        help="all, epoch (Epoch AI's benchmark data) or arena (the Arena leaderboard).",
    ),
    arena_split: str = typer.Option(
        "full",
        "--arena-split",
        help="full: every published "
        "leaderboard (first-listed dates); latest: the current "
        "one only (a smaller download).",
    ),
    arena_category: str = typer.Option(
        "overall", "--arena-category", help="The Arena category kept (overall, coding, math, ...)."
    ),
    arena_config: str = typer.Option(
        "text",
        "--arena-config",
        help="The Arena dataset configuration (text, webdev, vision, ...).",
    ),
    retries: int = typer.Option(
        3, "--retries", help="Retries of a download (5xx, 429, network) before giving up "
        "(0: one try)."
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Summary format."),
    store: Path = StoreOption,
) -> None:
    """Harvest public benchmark results: Epoch AI's benchmark data (EPOCH_BENCHMARKS_URL)
    and the Arena leaderboard's history (ARENA_ENDPOINT). Each result is linked to the
    registry's releases and organisations; malformed rows are quarantined. Resumable."""
    from openrace.harvest.benchmarks import harvest
    from openrace.sources.benchmark_results import FileClient

    if retries < 0:
        raise UsageError("--retries must be 0 or more")
    if arena_split not in ("full", "latest"):
        raise UsageError(f"--arena-split must be full or latest, not {arena_split!r}")
    env = settings()
    say = (lambda t: err_console.print(t, markup=False)) if sys.stderr.isatty() else None
    with (
        FileClient("benchmark data", retries=retries) as client,
        open_store(_store_path(store)) as s,
    ):
        results = harvest(
            s,
            client,
            sources=_SOURCES[source.value],
            epoch_url=env.epoch_benchmarks_url,
            arena_endpoint=env.arena_endpoint,
            arena_config=arena_config,
            arena_split=arena_split,
            arena_category=arena_category,
            progress=say,
        )
    if fmt != Format.table:
        emit([r.as_dict() for r in results], fmt)
        return
    for r in results:
        verb = "resumed and finished" if r.resumed else "finished"
        matched = ", ".join(f"{v:,} {k}" for k, v in sorted(r.matched.items()))
        out_console.print(
            f"{r.source} {verb} (run {r.run_id}): {r.stored:,} results of {r.models:,} models "
            f"stored from {r.read:,} rows; {r.rejected:,} quarantined; models matched: "
            f"{matched or 'none'}",
            markup=False,
        )
        for name, why in sorted(r.skipped.items()):
            out_console.print(f"  skipped {name}: {why}", markup=False)
        if r.matched.get("unmatched"):
            out_console.print(
                "  `openrace benchmarks --unmatched` lists the models matched "
                "to no registry release or organisation",
                markup=False,
            )


@app.command()
def benchmarks(
    unmatched: bool = typer.Option(
        False, "--unmatched", help="Only models matched to no registry release or organisation."
    ),
    source: str = typer.Option(
        None, "--source", help="Only this source (epoch-benchmarks or arena).", show_default=False
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    store: Path = StoreOption,
) -> None:
    """List the evaluated models of the benchmark sources, how each was linked to the
    registry (release, family, organization, unmatched), its developers, countries, access
    class, release date and benchmarks."""
    from openrace.harvest.benchmarks import evaluated_models

    with open_reader(_store_path(store)) as s:
        table = evaluated_models(s, unmatched=unmatched, source=source)
    emit(table, fmt, title="Evaluated models")
