"""Epoch AI's model lists: ``openrace update epoch``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from openrace.api import open_store
from openrace.cli.common import Format, StoreOption, emit, err_console, out_console, settings
from openrace.cli.common import store_path as _store_path
from openrace.errors import UsageError


def update(
    lists: list[str] = typer.Option(
        None,
        "--list",
        help="An Epoch list to read (repeatable): notable, frontier, "
        "large-scale, all (default: notable, frontier and large-scale).",
        show_default=False,
    ),
    retries: int = typer.Option(
        3, "--retries", help="Retries of a download through 5xx and dropped connections "
        "(0: one try)."
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Summary format."),
    store: Path = StoreOption,
) -> None:
    """Read Epoch AI's model lists (EPOCH_ENDPOINT, default https://epoch.ai/data; CC BY
    4.0) into the store, linked to the registry's organisations; list the organisation
    names the registry does not know. Replaces the previous Epoch snapshot in one
    transaction."""
    from openrace.harvest.epoch import harvest as harvest_epoch
    from openrace.sources.epoch import DEFAULT_SUBSETS, FILES, EpochClient

    chosen = tuple(dict.fromkeys(lists or DEFAULT_SUBSETS))
    for name in chosen:
        if name not in FILES:
            raise UsageError(f"--list must be one of {', '.join(FILES)}, not {name!r}")
    if retries < 0:
        raise UsageError("--retries must be 0 or more")
    say = (lambda text: err_console.print(text, markup=False)) if sys.stderr.isatty() else None
    with (
        EpochClient(endpoint=settings().epoch_endpoint, retries=retries) as client,
        open_store(_store_path(store)) as s,
    ):
        res = harvest_epoch(s, client, subsets=chosen, progress=say)
    if fmt != Format.table:
        emit([res.as_dict()], fmt)
        return
    out_console.print(
        f"epoch finished (run {res.run_id}): {res.stored:,} models stored from {res.read:,} "
        f"rows read in {res.requests:,} requests; {res.rejected:,} quarantined; "
        f"{res.removed:,} no longer listed removed; data of {res.data_date}, latest "
        f"publication {res.latest_publication}; {res.covered_by_registry:,} already in the "
        f"registry",
        markup=False,
    )
    if res.unmatched:
        out_console.print(
            f"{len(res.unmatched):,} organisation name(s) not in the registry "
            "(stored with Epoch's country; add them as aliases or "
            "organisations to link them):",
            markup=False,
        )
        emit(res.unmatched, Format.table)
