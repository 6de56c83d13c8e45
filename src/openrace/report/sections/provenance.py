"""Provenance: which store, which data as of when, which software built the report."""

from __future__ import annotations

import pyarrow as pa

from openrace import __version__
from openrace.queries.runs import recent_runs
from openrace.report.assets import library_versions
from openrace.report.context import ReportContext
from openrace.report.sections import Section, Table

ID = "provenance"
TITLE = "Provenance"


def build(ctx: ReportContext) -> Section:
    """The Provenance section."""
    store = ctx.store
    runs = recent_runs(store, 200)
    libs = library_versions()
    store_name = "in-memory store" if store.path == ":memory:" else _name(store.path)
    section = Section(id=ID, title=TITLE)
    section.facts = [
        ("openrace", __version__),
        ("Store", f"{store_name} (schema version {store.schema_version()})"),
        ("Registry", f"fingerprint {store.meta('registry_fingerprint') or 'n/a'}, written to "
         f"the store {store.meta('registry_synced_at') or 'never'}"),
        ("Harvests", f"{len(runs)} recorded" + (
            f"; the latest {runs[0]['source']} run {runs[0]['status']} at "
            f"{runs[0]['ended_at'] or runs[0]['started_at']}" if runs else
            ": none yet (only the bundled registry)")),
        ("Built", ctx.now.strftime("%Y-%m-%d %H:%M UTC")),
        ("Charts", f"Vega {libs['vega']}, Vega-Lite {libs['vega-lite']}, vega-embed "
         f"{libs['vega-embed']}, inlined; Altair {libs['altair']}"),
    ]
    section.prose = [
        "Rebuild this report with `openrace report`; refresh its data with `openrace update hf` "
        "and `openrace update openalex`. The store keeps every harvest's snapshot, so a "
        "rebuilt report can show history the sources themselves do not keep.",
    ]
    if runs:
        section.tables.append(Table(
            name="harvest-runs",
            title="Harvest runs",
            caption="Every harvest recorded in the store, newest first.",
            data=pa.Table.from_pylist(runs),
            limit=20,
        ))
    return section


def _name(path: str) -> str:
    """The store file's name only: a report must not reveal the builder's directories."""
    from pathlib import Path

    return Path(path).name
