"""What a store holds, per source: records, observations, the newest record, the last
harvest and its outcome, and the dates the data cover (``openrace status``).

>>> from openrace.store import Store
>>> store_status(Store(":memory:"))["sources"]
[]
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from openrace.queries.coverage import source_coverage
from openrace.store import SCHEMA_VERSION, Store

#: Columns of one source's row, in order (the table and the CSV).
COLUMNS = (
    "source",
    "records",
    "observations",
    "quarantined",
    "newest_record",
    "last_run",
    "last_run_status",
    "last_run_scope",
    "last_ok_run",
    "coverage_from",
    "coverage_through",
)


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if len(text) == 4 and text.isdigit():  # an aggregate's period: a year
        return dt.date(int(text), 1, 1)
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _by_source(store: Store, sql: str) -> dict[str, dict[str, Any]]:
    return {r.pop("source"): r for r in store.dicts(sql)}


def source_status(store: Store) -> list[dict[str, Any]]:
    """One row per source the store holds anything of (records, observations, aggregates,
    harvest runs), sorted by source name; see :data:`COLUMNS`.

    ``records`` counts the source's artifacts plus its aggregate rows; ``observations``
    the measurements its harvests appended; ``newest_record`` is when the source last
    added or saw a record (a harvest's observation time, a record's ``last_seen``);
    ``last_run`` the start of its latest harvest, whatever its outcome
    (``last_run_status``: ok, failed, interrupted, running), and ``last_ok_run`` the end
    of its latest successful one (for the registry: its last sync); ``coverage_from`` /
    ``coverage_through`` the dates its data speak for (the oldest record's date, and the
    coverage date of :func:`openrace.queries.coverage.source_coverage`, else the newest
    record's date)."""
    arts = _by_source(
        store,
        "SELECT source, count(*) AS n, min(created) AS first, "
        "max(created) AS last, max(last_seen) AS seen FROM artifacts "
        "GROUP BY source",
    )
    aggs = _by_source(
        store,
        "SELECT source, count(*) AS n, min(period) AS first, "
        "max(period) AS last, max(observed_at) AS seen FROM aggregates "
        "GROUP BY source",
    )
    obs = _by_source(
        store,
        "SELECT r.source, count(*) AS n, max(o.observed_at) AS seen "
        "FROM observations o JOIN harvest_runs r USING (run_id) GROUP BY r.source",
    )
    quarantined = _by_source(store, "SELECT source, count(*) AS n FROM quarantine GROUP BY source")
    last = _by_source(
        store,
        "SELECT source, started_at, status, scope FROM harvest_runs "
        "QUALIFY row_number() OVER (PARTITION BY source "
        "ORDER BY started_at DESC, run_id DESC) = 1",
    )
    ok = _by_source(
        store,
        "SELECT source, max(coalesce(ended_at, started_at)) AS at "
        "FROM harvest_runs WHERE status = 'ok' GROUP BY source",
    )
    through = {c["source"]: c["through"] for c in source_coverage(store)}
    synced = store.meta("registry_synced_at")
    rows = []
    for source in sorted({*arts, *aggs, *obs, *last}):
        a, g = arts.get(source, {}), aggs.get(source, {})
        seen = [
            v
            for v in (a.get("seen"), g.get("seen"), obs.get(source, {}).get("seen"))
            if v is not None
        ]
        firsts = [d for d in (_day(a.get("first")), _day(g.get("first"))) if d]
        lasts = [d for d in (_day(a.get("last")), _day(g.get("last"))) if d]
        run = last.get(source, {})
        last_ok = ok.get(source, {}).get("at")
        if source == "registry" and synced and last_ok is None:
            last_ok = dt.datetime.fromisoformat(synced)
        rows.append(
            {
                "source": source,
                "records": a.get("n", 0) + g.get("n", 0),
                "observations": obs.get(source, {}).get("n", 0),
                "quarantined": quarantined.get(source, {}).get("n", 0),
                "newest_record": max(seen) if seen else None,
                "last_run": run.get("started_at"),
                "last_run_status": run.get("status")
                or ("synced" if source == "registry" and synced else None),
                "last_run_scope": run.get("scope"),
                "last_ok_run": last_ok,
                "coverage_from": min(firsts) if firsts else None,
                "coverage_through": through.get(source) or (max(lasts) if lasts else None),
            }
        )
    return rows


def store_status(store: Store) -> dict[str, Any]:
    """The store as a whole (path, size, schema version, creation) and
    :func:`source_status`."""
    size = None
    if store.path != ":memory:" and os.path.exists(store.path):
        size = os.path.getsize(store.path)
    return {
        "store": store.path,
        "exists": True,
        "schema_version": store.schema_version() or SCHEMA_VERSION,
        "size_bytes": size,
        "created_at": store.meta("created_at"),
        "sources": source_status(store),
    }
