"""The SQL a metric compiles to: its Ibis expression rendered as DuckDB SQL, for
``openrace metrics show NAME --sql`` and for evaluating metrics on DuckDB.

A metric's expression depends only on the store's schema and the query (grouping,
period, options), never on the data (``tests/metrics/test_sql_snapshots.py`` checks both
that the SQL is stable and that running it gives the metric's result). So the SQL of a
query is compiled once and reused: building the Ibis expression and compiling it cost
several times what DuckDB then takes to run it on the bundled data, and importing Ibis
most of a second. The SQL of the built-in metrics is kept in a cache file
(``metric-sql-<hash>.json`` in ``OPENRACE_CACHE_DIR`` or the user's cache folder), valid
for the code whose hash names it: ``openrace metrics show`` then runs without Ibis.

>>> sql = metric_sql("releases", by="country", period="year")
>>> sql.startswith("SELECT") and '"artifacts"' in sql
True
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from openrace.metrics.catalogue import load_catalogue

#: (build function, by, period, options) -> SQL: this process's compiled queries
_COMPILED: dict[tuple[Any, str, str, tuple[tuple[str, str], ...]], str] = {}
#: the cache file's entries, read on first use (None: not read yet)
_DISK: dict[str, str] | None = None
_CACHE_PREFIX = "metric-sql-"


@cache
def code_fingerprint() -> str:
    """A hash of what a metric's SQL can depend on: openrace's own source (the metric
    definitions, the rules and the schema they read), and the Ibis and sqlglot versions
    that render it. Reading openrace's source costs a few milliseconds, Ibis a few hundred:
    a cached query is reused only while this hash is unchanged."""
    from importlib.metadata import PackageNotFoundError, version

    import openrace

    h = hashlib.sha256(openrace.__version__.encode())
    for dist in ("ibis-framework", "sqlglot"):
        try:
            h.update(f"\0{dist}={version(dist)}".encode())
        except PackageNotFoundError:
            h.update(f"\0{dist}=?".encode())
    root = Path(openrace.__file__).parent
    for path in sorted(root.rglob("*.py")):
        h.update(b"\0" + str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:24]


def cache_path() -> Path:
    """The file holding the compiled SQL of this code (see :func:`code_fingerprint`)."""
    from openrace.config import cache_dir

    return cache_dir() / f"{_CACHE_PREFIX}{code_fingerprint()}.json"


def _disk() -> dict[str, str]:
    global _DISK
    if _DISK is None:
        try:
            data = json.loads(cache_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        ok = isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items())
        _DISK = data if ok else {}
    return _DISK


def _save(key: str, sql: str) -> None:
    """Add one query to the cache file (written whole, atomically). The cache only saves
    time: a folder that cannot be written is left alone."""
    entries = _disk()
    entries[key] = sql
    path = cache_path()
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".metric-sql-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entries, f, indent=0, sort_keys=True)
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob(f"{_CACHE_PREFIX}*.json"):  # other code's queries
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        if tmp is not None:  # a full disk: no half-written file left behind
            Path(tmp).unlink(missing_ok=True)


def _persistent(metric: Any) -> bool:
    # only the built-in catalogue's own definitions: their code is in the fingerprint (a
    # metric defined elsewhere, or patched by a test, is compiled in each process)
    from openrace.metrics.catalogue import CATALOGUE

    if not getattr(metric.build, "__module__", "").startswith("openrace.metrics."):
        return False
    return metric.name in CATALOGUE and CATALOGUE.get(metric.name) is metric


def _compile(metric: Any, query: Any, tables: Any = None) -> str:
    """``metric``'s expression for ``query`` over ``tables`` (default an empty in-memory
    store: the SQL depends on the schema only), rendered by Ibis as DuckDB SQL."""
    if tables is None:
        from openrace.metrics.engine import as_tables
        from openrace.store import Store

        with Store(":memory:") as empty:
            return _compile(metric, query, as_tables(empty))
    import ibis

    return str(ibis.to_sql(metric.build(tables, query), dialect="duckdb")).strip()


def compiled_sql(metric: Any, query: Any, tables: Any = None) -> str:
    """The DuckDB SQL of ``metric`` for the validated ``query``: from this process's
    cache, else from the cache file of this code (:func:`cache_path`), else compiled with
    Ibis over ``tables`` (a DuckDB engine over a store, or none: :func:`_compile`) and
    saved in both."""
    options = tuple(sorted(query.options.items()))
    key = (metric.build, query.by, query.period, options)
    sql = _COMPILED.get(key)
    if sql is not None:
        return sql
    persistent = _persistent(metric)
    text_key = json.dumps([metric.name, query.by, query.period, options])
    sql = _disk().get(text_key) if persistent else None
    if sql is None:
        sql = _compile(metric, query, tables)
        if persistent:
            _save(text_key, sql)
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
    m = load_catalogue().get(name)
    q = m.query(by=by, period=period, **options)  # validate first
    return compiled_sql(m, q) + ";\n"
