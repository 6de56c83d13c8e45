"""The SQL a metric compiles to: its Ibis expression rendered as DuckDB SQL, for
``openrace metrics show NAME --sql`` and for evaluating metrics on DuckDB.

A metric's expression depends only on the store's schema and the query (grouping,
period, options), never on the data (``tests/metrics/test_sql_snapshots.py`` checks both
that the SQL is stable and that running it gives the metric's result). So the SQL of a
query is compiled once per process and reused: building the Ibis expression and compiling
it cost several times what DuckDB then takes to run it on the bundled data.

>>> sql = metric_sql("releases", by="country", period="year")
>>> sql.startswith("SELECT") and '"artifacts"' in sql
True
"""

from __future__ import annotations

from typing import Any

from openrace.metrics.catalogue import load_catalogue

# (metric, by, period, options) -> SQL; the schema is fixed by the store's version
_COMPILED: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], str] = {}


def compiled_sql(metric: Any, tables: Any, query: Any) -> str:
    """The DuckDB SQL of ``metric`` for the validated ``query``, built over ``tables`` (a
    DuckDB engine over a store) on first use, then from this process's cache."""
    key = (metric.name, query.by, query.period, tuple(sorted(query.options.items())))
    sql = _COMPILED.get(key)
    if sql is None:
        import ibis

        sql = str(ibis.to_sql(metric.build(tables, query), dialect="duckdb")).strip()
        _COMPILED[key] = sql
    return sql


def metric_sql(
    name: str,
    by: str | None = None,
    period: str | None = None,
    **options: str,
) -> str:
    """The SQL statement that computes metric ``name`` for the given grouping, period and
    options (before openrace sorts the rows and casts the columns to the tidy contract:
    strings and a float ``value``). Unknown names, groupings or options raise
    :class:`~openrace.errors.UsageError` as :meth:`Catalogue.evaluate` does."""
    from openrace.metrics.engine import as_tables
    from openrace.store import Store

    m = load_catalogue().get(name)
    q = m.query(by=by, period=period, **options)  # validate first
    with Store(":memory:") as empty:
        return compiled_sql(m, as_tables(empty), q) + ";\n"
