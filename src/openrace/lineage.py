"""Model lineage: roots of derivatives, inherited attributions, the tree under a model.

The ``lineage`` table holds one edge per (child, parent, relation) with artifact ids. A
model's *roots* are the ancestors reached by following parents until a model without
parents (at most :data:`MAX_DEPTH` steps, so a cycle in hostile data cannot loop); a
derivative with several roots (a merge) splits its weight equally between them.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from openrace.store import Store

MAX_DEPTH = 12

_ROOTS = f"""
WITH RECURSIVE walk(node, anc, d) AS (
    SELECT child_id, parent_id, 1 FROM lineage WHERE child_id LIKE 'hf:model:%'
    UNION
    SELECT w.node, l.parent_id, w.d + 1
    FROM walk w JOIN lineage l ON l.child_id = w.anc
    WHERE w.d < {MAX_DEPTH}
),
has_parent AS (SELECT DISTINCT child_id FROM lineage),
roots AS (
    SELECT DISTINCT w.node, w.anc AS root FROM walk w
    ANTI JOIN has_parent h ON h.child_id = w.anc
)
"""


def roots(store: Store) -> pa.Table:
    """Every derivative Hub model with each of its roots: columns ``node``, ``root``."""
    return store.sql(_ROOTS + "SELECT node, root FROM roots ORDER BY node, root")


def refresh_inherited(store: Store) -> int:
    """Recompute every Hub model's ``inherited`` attributions from its roots: each root's
    share (1 / number of roots) goes to the organisation owning the root's Hub namespace,
    or stays unattributed (NULL organisation and country). Returns rows written.

    This is the set-based form of :func:`openrace.attribution.inherited_rows` with
    :func:`openrace.attribution.hub_attribution` for the roots.
    """
    with store.transaction():
        store.con.execute(
            "DELETE FROM attributions WHERE method = 'inherited' AND artifact_id LIKE 'hf:%'"
        )
        store.con.execute(
            _ROOTS
            + """,
            ns AS (
                SELECT lower(n) AS namespace, any_value(id) AS org_id,
                       any_value(country) AS country
                FROM (SELECT id, country, unnest(hf_namespaces) AS n FROM organizations)
                GROUP BY 1
            ),
            counted AS (SELECT node, root, count(*) OVER (PARTITION BY node) AS n FROM roots)
            INSERT INTO attributions
            SELECT c.node, ns.org_id, ns.country, 1.0 / c.n, 'inherited', 'root ' || c.root
            FROM counted c
            LEFT JOIN ns ON ns.namespace = lower(
                CASE WHEN contains(substr(c.root, 10), '/')
                     THEN split_part(substr(c.root, 10), '/', 1) ELSE '' END)
            """
        )
        n = store.con.execute(
            "SELECT count(*) FROM attributions WHERE method = 'inherited' "
            "AND artifact_id LIKE 'hf:%'"
        ).fetchall()[0][0]
    return int(n)


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
