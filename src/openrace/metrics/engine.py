"""Engines that run the catalogue's metric definitions: DuckDB (default) and PySpark.

Both expose the :class:`openrace.metrics.base.Tables` protocol: ``table(name)`` gives an
Ibis table, ``execute(expr)`` runs an expression and returns Arrow. The same metric
definition runs unchanged on either.

The Spark engine reads the store's tables exported to Parquet (``export_parquet``), in a
local session (``local[2]`` by default), or through Spark Connect / Databricks when given
an ``sc://`` URL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa

from openrace.errors import UsageError
from openrace.store import TABLES, Store

#: The tables metrics read (everything but the bookkeeping ones).
METRIC_TABLES: tuple[str, ...] = (
    "organizations",
    "artifacts",
    "attributions",
    "lineage",
    "observations",
    "aggregates",
    "harvest_runs",
)

ENGINES: tuple[str, ...] = ("duckdb", "spark")


class DuckDBTables:
    """The store's own DuckDB connection, through Ibis."""

    name = "duckdb"

    def __init__(self, store: Store):
        self.store = store

    def table(self, name: str) -> Any:
        """One store table as an Ibis table expression."""
        return self.store.table(name)

    def execute(self, expr: Any) -> pa.Table:
        """Run an Ibis expression on DuckDB."""
        return self.store.ibis().to_pyarrow(expr)


def as_tables(source: Any) -> Any:
    """A :class:`~openrace.store.Store` or an engine, as something metrics can read."""
    if isinstance(source, Store):
        return DuckDBTables(source)
    if hasattr(source, "table") and hasattr(source, "execute"):
        return source
    raise TypeError(f"cannot evaluate metrics on {type(source).__name__}")


def export_parquet(store: Store, directory: Path, tables: Iterable[str] = METRIC_TABLES) -> Path:
    """Write the store's tables to ``directory/<table>.parquet`` (the exchange format the
    Spark engine reads). Returns the directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for t in tables:
        if t not in TABLES:
            raise UsageError(f"unknown table {t!r}")
        target = directory / f"{t}.parquet"
        store.copy_to(f'SELECT * FROM "{t}"', target, "FORMAT PARQUET")
    return directory


class SparkTables:
    """Store tables exported to Parquet, read by an Ibis PySpark backend.

    ``session`` may be an existing :class:`pyspark.sql.SparkSession` (tests share one);
    otherwise one is created from ``master`` (``local[2]``, or an ``sc://`` Spark Connect /
    Databricks URL).
    """

    name = "spark"

    def __init__(self, parquet_dir: Path, *, session: Any = None, master: str = "local[2]"):
        import ibis

        self.parquet_dir = Path(parquet_dir)
        self.session = session if session is not None else spark_session(master)
        self.backend = ibis.pyspark.connect(self.session)
        self._tables: dict[str, Any] = {}
        # views are per session: a unique prefix keeps two engines on one session apart
        self._prefix = f"openrace_{uuid.uuid4().hex[:12]}_"

    def table(self, name: str) -> Any:
        """A Parquet-backed table as an Ibis table expression (registered on first use)."""
        if name not in self._tables:
            path = self.parquet_dir / f"{name}.parquet"
            if not path.exists():
                raise UsageError(f"no exported table {name} in {self.parquet_dir}")
            self._tables[name] = self.backend.read_parquet(
                str(path), table_name=self._prefix + name
            )
        return self._tables[name]

    def execute(self, expr: Any) -> pa.Table:
        """Run an Ibis expression on Spark."""
        return self.backend.to_pyarrow(expr)


def spark_session(master: str = "local[2]", app_name: str = "openrace") -> Any:
    """A Spark session in local mode, or a Spark Connect session for an ``sc://`` URL.

    Timestamps are read in UTC so that periods match DuckDB's.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "the spark engine needs pyspark: pip install 'openrace[spark]' (and Java 17)"
        ) from None
    if master.startswith("sc://"):
        builder = SparkSession.builder.remote(master)
    else:
        builder = (
            SparkSession.builder.master(master)
            .appName(app_name)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "2g")
        )
    builder = builder.config("spark.sql.session.timeZone", "UTC")
    try:
        return builder.getOrCreate()
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"cannot start Spark ({master}): {first}") from None
