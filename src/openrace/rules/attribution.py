"""Attribution rules: pure functions from records to attribution rows.

An attribution row is ``{artifact_id, org_id, country, weight, method, detail}``. The rows
of one artifact under one method have weights summing to 1 (fractional counting); whole
counting counts distinct artifacts per group. Methods:

``registry``
    the record's owner matched the registry (a Hub repository pattern of an
    organisation's ``hf_repos``, else its namespace → organisation → country);
``inherited``
    a derivative counted for the origin of its root model(s) (see
    :func:`inherited_rows`);
``unattributed``
    no rule matched: organisation and country are NULL, and the share of such records
    is reported as such rather than hidden.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OrgRef:
    """What attribution needs to know about an organisation."""

    id: str
    country: str


def namespace_index(orgs: Iterable[Mapping[str, Any]]) -> dict[str, OrgRef]:
    """Map each registry Hub namespace (lower-cased: the Hub treats them case-insensitively)
    to its organisation, from rows of the ``organizations`` table."""
    index: dict[str, OrgRef] = {}
    for o in orgs:
        for ns in o.get("hf_namespaces") or []:
            index[str(ns).lower()] = OrgRef(id=str(o["id"]), country=str(o["country"]))
    return index


#: The SQL form of :func:`namespace_index`, as a common table expression ``ns``
#: (``namespace``, ``org_id``, ``country``) over the store's ``organizations``.
NAMESPACES_CTE = """ns AS (
    SELECT lower(n) AS namespace, any_value(id) AS org_id, any_value(country) AS country
    FROM (SELECT id, country, unnest(hf_namespaces) AS n FROM organizations)
    GROUP BY 1
)"""


def repo_index(orgs: Iterable[Mapping[str, Any]]) -> dict[str, OrgRef]:
    """Map each registry Hub repository pattern (``hf_repos``, lower-cased, ``*``
    wildcards) to its organisation: repositories credited to an organisation whatever
    namespace hosts them."""
    index: dict[str, OrgRef] = {}
    for o in orgs:
        for p in o.get("hf_repos") or []:
            index[str(p).lower()] = OrgRef(id=str(o["id"]), country=str(o["country"]))
    return index


def repo_override(repo_id: str, repos: Mapping[str, OrgRef]) -> tuple[str, OrgRef] | None:
    """The most specific ``hf_repos`` pattern matching ``repo_id`` (the longest), with
    its organisation, or None."""
    rid = repo_id.lower()
    ns = hub_namespace(repo_id)
    hits = [(p, o) for p, o in repos.items()
            if p.split("/", 1)[0] == ns and fnmatch.fnmatchcase(rid, p)]
    return max(hits, key=lambda h: len(h[0])) if hits else None


#: The SQL form of :func:`repo_index`, as a common table expression ``repos``
#: (``namespace``, ``pattern`` for GLOB, ``org_id``, ``country``).
REPOS_CTE = """repos AS (
    SELECT lower(split_part(p, '/', 1)) AS namespace, lower(p) AS pattern,
           any_value(id) AS org_id, any_value(country) AS country
    FROM (SELECT id, country, unnest(hf_repos) AS p FROM organizations)
    GROUP BY 1, 2
)"""


def repo_overrides_sql(relation: str, key: str, repo: str) -> str:
    """A query over ``relation`` giving, for each row whose Hub repository (column
    ``repo``, ``namespace/name``) matches a registry ``hf_repos`` pattern, ``key`` and the
    most specific pattern's ``org_id``, ``country`` and ``pattern`` (needs
    :data:`REPOS_CTE`)."""
    return f"""SELECT h.{key} AS key, arg_max(r.org_id, length(r.pattern)) AS org_id,
           arg_max(r.country, length(r.pattern)) AS country,
           arg_max(r.pattern, length(r.pattern)) AS pattern
    FROM {relation} h JOIN repos r
      ON r.namespace = lower(split_part(h.{repo}, '/', 1))
     AND lower(h.{repo}) GLOB r.pattern
    GROUP BY 1"""


def hub_namespace(repo_id: str) -> str:
    """The namespace of a Hub repo id (``Qwen/Qwen2.5-7B`` → ``qwen``)."""
    return repo_id.split("/", 1)[0].lower() if "/" in repo_id else ""


def hub_attribution(artifact_id: str, repo_id: str, index: Mapping[str, OrgRef],
                    repos: Mapping[str, OrgRef] | None = None) -> dict[str, Any]:
    """The ``registry`` attribution of a Hub repo: to the organisation of the most
    specific ``hf_repos`` pattern it matches (a repository credited to its developer
    whatever namespace hosts it), else through its namespace; an ``unattributed`` row
    when neither is in the registry."""
    hit = repo_override(repo_id, repos or {})
    if hit is not None:
        pattern, ref = hit
        return {"artifact_id": artifact_id, "org_id": ref.id, "country": ref.country,
                "weight": 1.0, "method": "registry", "detail": f"hub repository {pattern}"}
    ns = hub_namespace(repo_id)
    org = index.get(ns)
    if org is None:
        return {"artifact_id": artifact_id, "org_id": None, "country": None, "weight": 1.0,
                "method": "unattributed", "detail": f"hub namespace {ns or repo_id}"}
    return {"artifact_id": artifact_id, "org_id": org.id, "country": org.country,
            "weight": 1.0, "method": "registry", "detail": f"hub namespace {ns}"}


def inherited_rows(artifact_id: str, roots: Sequence[str],
                   root_attributions: Mapping[str, Sequence[Mapping[str, Any]]]
                   ) -> list[dict[str, Any]]:
    """``inherited`` rows of a derivative: each of its ``roots`` gets an equal share, split
    further by that root's own attributions (an unknown root's share stays unattributed).

    >>> rows = inherited_rows("hf:model:x/ft", ["hf:model:Qwen/Q"],
    ...     {"hf:model:Qwen/Q": [{"org_id": "qwen", "country": "CN", "weight": 1.0}]})
    >>> [(r["org_id"], r["country"], r["weight"]) for r in rows]
    [('qwen', 'CN', 1.0)]
    """
    if not roots:
        return []
    share = 1.0 / len(roots)
    out: list[dict[str, Any]] = []
    for root in roots:
        attrs = root_attributions.get(root) or [{"org_id": None, "country": None,
                                                  "weight": 1.0}]
        for a in attrs:
            out.append({"artifact_id": artifact_id, "org_id": a.get("org_id"),
                        "country": a.get("country"), "weight": share * float(a["weight"]),
                        "method": "inherited", "detail": f"root {root}"})
    return out
