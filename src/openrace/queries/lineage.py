"""Model lineage: roots of derivatives, inherited attributions, the tree under a model.

The ``lineage`` table holds one edge per (child, parent, relation) with artifact ids. A
model's *roots* are the ancestors reached by following parents until a model without
parents (at most :data:`MAX_DEPTH` steps, so a cycle in hostile data cannot loop); a
derivative with several roots (a merge) splits its weight equally between them.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from openrace.rules.attribution import NAMESPACES_CTE, REPOS_CTE, repo_overrides_sql
from openrace.store import Store

MAX_DEPTH = 12

#: Scratch tables of the walk (temporary: gone with the connection).
_NODES, _EDGES, _FRONTIER, _ROOTS = "_lineage_nodes", "_lineage_edges", "_lineage_frontier", \
    "_lineage_roots"


def _walk_roots(store: Store) -> None:
    """Fill the scratch table ``_lineage_roots`` with every derivative Hub model
    (``node``) and each of its roots (``root``, artifact ids), and its number of roots
    (``n``).

    The walk goes one level at a time over integer ids and keeps only the current level's
    (model, ancestor) pairs, so its memory is that of the widest level, not of every path
    (a recursive query over the text ids held them all: gigabytes at Hub scale)."""
    store.temp_table(_NODES, """
        SELECT id, row_number() OVER () AS n
        FROM (SELECT child_id AS id FROM lineage UNION SELECT parent_id FROM lineage)""")
    store.temp_table(_EDGES, f"""
        SELECT c.n AS child, p.n AS parent, starts_with(l.child_id, 'hf:model:') AS seed
        FROM lineage l JOIN {_NODES} c ON c.id = l.child_id
        JOIN {_NODES} p ON p.id = l.parent_id""")
    store.temp_table(_ROOTS, "SELECT 0::BIGINT AS node, 0::BIGINT AS root LIMIT 0")
    store.temp_table(_FRONTIER, f"SELECT DISTINCT child AS node, parent AS anc FROM {_EDGES} "
                                "WHERE seed")
    for depth in range(1, MAX_DEPTH + 1):
        store.con.execute(f"""
            INSERT INTO {_ROOTS} SELECT node, anc FROM {_FRONTIER} f
            ANTI JOIN (SELECT DISTINCT child FROM {_EDGES}) h ON h.child = f.anc""")
        if depth == MAX_DEPTH:
            break
        store.temp_table(_FRONTIER, f"""
            SELECT DISTINCT f.node, e.parent AS anc
            FROM {_FRONTIER} f JOIN {_EDGES} e ON e.child = f.anc""")
        if not store.con.execute(f"SELECT count(*) FROM {_FRONTIER}").fetchall()[0][0]:
            break
    store.temp_table(_ROOTS, f"""
        SELECT nn.id AS node, nr.id AS root, r.n
        FROM (SELECT node, root, count(*) OVER (PARTITION BY node) AS n
              FROM (SELECT DISTINCT node, root FROM {_ROOTS})) r
        JOIN {_NODES} nn ON nn.n = r.node JOIN {_NODES} nr ON nr.n = r.root""")
    for scratch in (_NODES, _EDGES, _FRONTIER):
        store.drop_temp_table(scratch)


def roots(store: Store) -> pa.Table:
    """Every derivative Hub model with each of its roots: columns ``node``, ``root``."""
    _walk_roots(store)
    try:
        return store.sql(f"SELECT node, root FROM {_ROOTS} ORDER BY node, root")
    finally:
        store.drop_temp_table(_ROOTS)


def refresh_inherited(store: Store) -> int:
    """Recompute every Hub model's ``inherited`` attributions from its roots: each root's
    share (1 / number of roots) goes to the organisation owning the root's Hub namespace,
    or stays unattributed (NULL organisation and country). Returns rows written.

    This is the set-based form of :func:`openrace.rules.attribution.inherited_rows` with
    :func:`openrace.rules.attribution.hub_attribution` for the roots.
    """
    with store.transaction():
        _walk_roots(store)
        store.con.execute(
            "DELETE FROM attributions WHERE method = 'inherited' AND artifact_id LIKE 'hf:%'"
        )
        store.con.execute(
            f"""
            WITH {NAMESPACES_CTE}, {REPOS_CTE},
            rts AS (SELECT DISTINCT root, substr(root, 10) AS repo FROM {_ROOTS}),
            over AS ({repo_overrides_sql("rts", "root", "repo")})
            INSERT INTO attributions
            SELECT c.node, coalesce(o.org_id, ns.org_id), coalesce(o.country, ns.country),
                   1.0 / c.n, 'inherited', 'root ' || c.root
            FROM {_ROOTS} c
            LEFT JOIN over o ON o.key = c.root
            LEFT JOIN ns ON ns.namespace = lower(
                CASE WHEN contains(substr(c.root, 10), '/')
                     THEN split_part(substr(c.root, 10), '/', 1) ELSE '' END)
            """
        )
        store.drop_temp_table(_ROOTS)
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
