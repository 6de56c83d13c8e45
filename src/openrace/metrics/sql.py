"""The SQL a metric compiles to: its Ibis expression rendered as DuckDB SQL, for
``openrace metrics show NAME --sql``.

A metric's expression depends only on the store's schema and the query (grouping,
period, options), never on the data, so the SQL is compiled over an empty in-memory
store: it is the same for every store of this schema.

>>> sql = metric_sql("releases", by="country", period="year")
>>> sql.startswith("SELECT") and '"artifacts"' in sql
True
"""

from __future__ import annotations

from openrace.metrics.catalogue import load_catalogue


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
    import ibis

    from openrace.metrics.engine import as_tables
    from openrace.store import Store

    cat = load_catalogue()
    cat.get(name).query(by=by, period=period, **options)  # validate first
    with Store(":memory:") as empty:
        expr, _ = cat.expr(name, as_tables(empty), by=by, period=period, **options)
        return str(ibis.to_sql(expr, dialect="duckdb")).strip() + ";\n"
