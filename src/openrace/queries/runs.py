"""Harvest runs as the report and the CLI read them (read-only)."""

from __future__ import annotations

from typing import Any

from openrace.store import Store
from openrace.store.vocabulary import OK


def recent_runs(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """The latest ``limit`` harvest runs, newest first, with their counters."""
    return store.dicts(
        "SELECT run_id, source, scope, status, started_at, ended_at, n_requests, n_read, "
        "n_stored, n_rejected FROM harvest_runs ORDER BY run_id DESC LIMIT ?",
        [limit],
    )


def last_ok_run(store: Store, source: str, scope_prefix: str = "") -> dict[str, Any] | None:
    """The latest run of ``source`` (with a scope starting ``scope_prefix``) that ended
    ok: its ``ended_at``, ``params`` and ``message``; None when there is none."""
    rows = store.dicts(
        "SELECT ended_at, params, message FROM harvest_runs WHERE source = ? "
        "AND starts_with(scope, ?) AND status = ? ORDER BY ended_at DESC NULLS LAST, "
        "run_id DESC LIMIT 1",
        [source, scope_prefix, OK],
    )
    return rows[0] if rows else None


def sources_refreshed(store: Store) -> list[dict[str, Any]]:
    """Each source with a run that ended ok, and when it last did (``source``, ``at``)."""
    return store.dicts(
        "SELECT source, max(coalesce(ended_at, started_at)) AS at FROM harvest_runs "
        "WHERE status = ? GROUP BY source ORDER BY source",
        [OK],
    )
