"""Derived attributions of Hub artifacts, written set-based (in SQL, for speed).

The rules are :mod:`openrace.rules.attribution`'s (``hub_attribution``,
``inherited_rows``); these are their set-based forms over the store's tables, so that
millions of rows are attributed in one statement.

Model lineage: a model's *roots* are the ancestors reached by following parents until a
model without parents (at most :data:`MAX_DEPTH` steps, so a cycle in hostile data cannot
loop); a derivative with several roots (a merge) splits its weight equally between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from openrace.rules.attribution import NAMESPACES_CTE, REPOS_CTE, repo_overrides_sql

if TYPE_CHECKING:
    from openrace.store import Store

#: The set-based form of :func:`openrace.rules.attribution.hub_attribution`: the ``registry`` or
#: ``unattributed`` row of every Hub artifact of ``{hub}`` (a relation with
#: ``artifact_id``, ``source_id``).
_HUB_ATTRIBUTIONS = f"""
WITH {NAMESPACES_CTE}, {REPOS_CTE},
hub AS (
    SELECT artifact_id, CASE WHEN contains(source_id, '/')
        THEN lower(split_part(source_id, '/', 1)) ELSE '' END AS namespace,
        source_id
    FROM {{hub}}
),
over AS ({repo_overrides_sql("hub", "artifact_id", "source_id")})
INSERT INTO attributions
SELECT h.artifact_id, coalesce(o.org_id, ns.org_id), coalesce(o.country, ns.country), 1.0,
       CASE WHEN coalesce(o.org_id, ns.org_id) IS NULL THEN 'unattributed' ELSE 'registry' END,
       CASE WHEN o.org_id IS NOT NULL THEN 'hub repository ' || o.pattern
            ELSE 'hub namespace ' || CASE WHEN h.namespace = '' THEN h.source_id
                                          ELSE h.namespace END END
FROM hub h LEFT JOIN over o ON o.key = h.artifact_id
LEFT JOIN ns ON ns.namespace = h.namespace AND h.namespace <> ''
"""


def insert_hub_attributions(store: Store, artifacts: pa.Table) -> None:
    """Attribute ``artifacts`` (``artifact_id``, ``source_id``; none attributed yet)."""
    with store.registered("_openrace_hub", artifacts):
        store.con.execute(_HUB_ATTRIBUTIONS.format(hub="_openrace_hub"))


def refresh_hub_attributions(store: Store) -> int:
    """Recompute the ``registry`` / ``unattributed`` attributions of every stored Hub
    artifact from the registry's namespaces (after the registry changed). Returns rows
    written."""
    with store.transaction():
        store.con.execute(
            "DELETE FROM attributions WHERE artifact_id LIKE 'hf:%' "
            "AND method IN ('registry', 'unattributed')"
        )
        store.con.execute(
            _HUB_ATTRIBUTIONS.format(
                hub="(SELECT artifact_id, source_id FROM artifacts WHERE source = 'hf')"
            )
        )
        n = store.con.execute(
            "SELECT count(*) FROM attributions WHERE artifact_id LIKE "
            "'hf:%' AND method IN ('registry', 'unattributed')"
        ).fetchall()[0][0]
    return int(n)


MAX_DEPTH = 12

#: Scratch tables of the walk (temporary: gone with the connection).
_NODES, _EDGES, _FRONTIER, _ROOTS = (
    "_lineage_nodes",
    "_lineage_edges",
    "_lineage_frontier",
    "_lineage_roots",
)


def _walk_roots(store: Store) -> None:
    """Fill the scratch table ``_lineage_roots`` with every derivative Hub model
    (``node``) and each of its roots (``root``, artifact ids), and its number of roots
    (``n``).

    The walk goes one level at a time over integer ids and keeps only the current level's
    (model, ancestor) pairs, so its memory is that of the widest level, not of every path
    (a recursive query over the text ids held them all: gigabytes at Hub scale)."""
    store.temp_table(
        _NODES,
        """
        SELECT id, row_number() OVER () AS n
        FROM (SELECT child_id AS id FROM lineage UNION SELECT parent_id FROM lineage)""",
    )
    store.temp_table(
        _EDGES,
        f"""
        SELECT c.n AS child, p.n AS parent, starts_with(l.child_id, 'hf:model:') AS seed
        FROM lineage l JOIN {_NODES} c ON c.id = l.child_id
        JOIN {_NODES} p ON p.id = l.parent_id""",
    )
    store.temp_table(_ROOTS, "SELECT 0::BIGINT AS node, 0::BIGINT AS root LIMIT 0")
    store.temp_table(
        _FRONTIER, f"SELECT DISTINCT child AS node, parent AS anc FROM {_EDGES} WHERE seed"
    )
    for depth in range(1, MAX_DEPTH + 1):
        store.con.execute(f"""
            INSERT INTO {_ROOTS} SELECT node, anc FROM {_FRONTIER} f
            ANTI JOIN (SELECT DISTINCT child FROM {_EDGES}) h ON h.child = f.anc""")
        if depth == MAX_DEPTH:
            break
        store.temp_table(
            _FRONTIER,
            f"""
            SELECT DISTINCT f.node, e.parent AS anc
            FROM {_FRONTIER} f JOIN {_EDGES} e ON e.child = f.anc""",
        )
        if not store.con.execute(f"SELECT count(*) FROM {_FRONTIER}").fetchall()[0][0]:
            break
    store.temp_table(
        _ROOTS,
        f"""
        SELECT nn.id AS node, nr.id AS root, r.n
        FROM (SELECT node, root, count(*) OVER (PARTITION BY node) AS n
              FROM (SELECT DISTINCT node, root FROM {_ROOTS})) r
        JOIN {_NODES} nn ON nn.n = r.node JOIN {_NODES} nr ON nr.n = r.root""",
    )
    for scratch in (_NODES, _EDGES, _FRONTIER):
        store.drop_temp_table(scratch)


def lineage_roots(store: Store) -> pa.Table:
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
