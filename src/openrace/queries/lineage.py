"""Model lineage: roots of derivatives and the tree under a model (read-only).

The ``lineage`` table holds one edge per (child, parent, relation) with artifact ids. A
model's *roots* are the ancestors reached by following parents until a model without
parents (at most :data:`MAX_DEPTH` steps, so a cycle in hostile data cannot loop); the
walk and the ``inherited`` attributions it gives are written by the store
(:mod:`openrace.store.attributions`).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from openrace.store import Store
from openrace.store.attributions import MAX_DEPTH, lineage_roots

__all__ = ["MAX_DEPTH", "roots", "tree"]


def roots(store: Store) -> pa.Table:
    """Every derivative Hub model with each of its roots: columns ``node``, ``root``."""
    return lineage_roots(store)


def tree(store: Store, model_id: str, depth: int = 3) -> list[dict[str, Any]]:
    """The derivatives under ``model_id`` (a Hub id or an artifact id), breadth first, to
    ``depth`` levels: one row per edge with the child's latest downloads and likes."""
    root = model_id if model_id.startswith("hf:") else f"hf:model:{model_id}"
    return store.dicts(
        """
        WITH RECURSIVE t(parent_id, child_id, relation, level) AS (
            SELECT parent_id, child_id, relation, 1 FROM lineage WHERE parent_id = ?
            UNION
            SELECT l.parent_id, l.child_id, l.relation, t.level + 1
            FROM t JOIN lineage l ON l.parent_id = t.child_id
            WHERE t.level < ?
        ),
        latest AS (
            SELECT artifact_id, metric, arg_max(value, run_id) AS value
            FROM observations WHERE artifact_id IN (SELECT child_id FROM t)
            GROUP BY 1, 2
        )
        SELECT min(t.level) AS level, substr(t.parent_id, 10) AS parent,
               substr(t.child_id, 10) AS model, t.relation,
               a.created, a.license,
               max(CASE WHEN o.metric = 'downloads_30d' THEN o.value END) AS downloads_30d,
               max(CASE WHEN o.metric = 'likes' THEN o.value END) AS likes
        FROM t
        LEFT JOIN artifacts a ON a.artifact_id = t.child_id
        LEFT JOIN latest o ON o.artifact_id = t.child_id
        GROUP BY t.parent_id, t.child_id, t.relation, a.created, a.license
        ORDER BY level, parent, downloads_30d DESC NULLS LAST, model
        """,
        [root, depth],
    )
