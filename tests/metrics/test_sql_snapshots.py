"""The SQL each metric compiles to, kept as snapshots (``tests/metrics/sql/NAME.sql``, for
the metric's default grouping, period and options), as MetricFlow keeps its SQL.

A change to a metric's definition shows up as a diff of its SQL in review. After an
intended change, refresh the snapshots with::

    OPENRACE_UPDATE_SQL_SNAPSHOTS=1 python -m pytest tests/metrics/test_sql_snapshots.py

and commit the files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openrace.cli import main
from openrace.metrics.catalogue import load_catalogue, normalise
from openrace.metrics.engine import DuckDBTables
from openrace.metrics.sql import metric_sql
from openrace.store import Store

SNAPSHOTS = Path(__file__).parent / "sql"
UPDATE = os.environ.get("OPENRACE_UPDATE_SQL_SNAPSHOTS") == "1"
NAMES = load_catalogue().names()


@pytest.mark.parametrize("name", NAMES)
def test_metric_sql_matches_its_snapshot(name: str) -> None:
    sql = metric_sql(name)
    path = SNAPSHOTS / f"{name}.sql"
    if UPDATE:
        path.write_text(sql, encoding="utf-8")
    assert path.exists(), f"no snapshot for {name}: run with OPENRACE_UPDATE_SQL_SNAPSHOTS=1"
    assert sql == path.read_text(encoding="utf-8"), (
        f"the SQL of {name} changed: review it, then refresh the snapshot with "
        "OPENRACE_UPDATE_SQL_SNAPSHOTS=1"
    )


def test_no_snapshot_of_a_metric_that_is_gone() -> None:
    assert sorted(p.stem for p in SNAPSHOTS.glob("*.sql")) == sorted(NAMES)


@pytest.mark.parametrize("data", ["registry", "hub-and-openalex"])
def test_the_printed_sql_is_what_the_metric_computes(data: str, registry_store: Store) -> None:
    """Run by DuckDB directly, each metric's SQL gives what its Ibis expression gives
    (and what the catalogue returns: it runs that SQL, compiled once per process)."""
    from tests.report.report_sample import sample_store

    store = registry_store if data == "registry" else sample_store()
    cat = load_catalogue()
    tables = DuckDBTables(store)
    for name in NAMES:
        m = cat.get(name)
        for by in m.by[:2]:
            q = m.query(by=by)
            direct = normalise(store.sql(metric_sql(name, by=by)), q, m.dims)
            expr, _ = cat.expr(name, tables, by=by)
            assert direct.equals(normalise(tables.execute(expr), q, m.dims)), (name, by)
            assert direct.equals(cat.evaluate(name, store, by=by)), (name, by)


def test_cli_prints_the_sql(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "metrics",
        "show",
        "open_releases",
        "--by",
        "country",
        "--period",
        "year",
        "-o",
        "counting=fractional",
        "--sql",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out == metric_sql("open_releases", by="country", period="year", counting="fractional")
    assert out.startswith("SELECT") and '"artifacts"' in out
    assert main(["metrics", "show", "open_releases", "--sql", "-o", "counting=bogus"]) != 0
