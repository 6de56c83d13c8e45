"""Listings of harvested GitHub repositories (``openrace repos``): read-only queries."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from openrace.errors import UsageError
from openrace.rules.observation import COUNTRY_RULES, country_sql, latest_sql
from openrace.rules.openness import CLASSES
from openrace.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

SORTS = {
    "stars": "stars DESC NULLS LAST, repo",
    "forks": "forks DESC NULLS LAST, repo",
    "created": "created DESC, repo",
    "name": "repo",
}


def repos_sql(
    store: Store,
    *,
    country: str | None = None,
    org: str | None = None,
    owner: str | None = None,
    language: str | None = None,
    license_class: str | None = None,
    since: str | None = None,
    search: str | None = None,
    forks: bool = False,
    archived: bool = True,
    country_rule: str = "owner",
    sort: str = "stars",
    limit: int | None = 50,
) -> tuple[str, list[Any]]:
    """Harvested repositories with their latest stars, forks and open issues, licence
    (SPDX id and openrace class), main language, flags, registry organisation(s) and
    country (the owner's country by default, ``country_rule="location"`` for the
    organisation's own)."""
    if sort not in SORTS:
        raise UsageError(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if country_rule not in COUNTRY_RULES:
        raise UsageError(f"--country-rule must be owner or location, not {country_rule!r}")
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise UsageError(f"--country must be an ISO 3166-1 alpha-2 code, not {country!r}")
    if license_class is not None and license_class not in CLASSES:
        raise UsageError(f"--license-class must be one of {', '.join(CLASSES)}")
    where = ["a.source = 'github'", "a.kind = 'repo'"]
    params: list[Any] = []
    if not forks:
        where.append("NOT list_contains(a.tags, 'fork')")
    if not archived:
        where.append("NOT list_contains(a.tags, 'archived')")
    if owner:
        where.append("lower(a.author) = ?")
        params.append(owner.lower())
    if language:
        where.append("list_contains(list_transform(a.tags, lambda x: lower(x)), ?)")
        params.append(f"language:{language.lower()}")
    if license_class:
        where.append("a.license_class = ?")
        params.append(license_class)
    if since:
        try:
            params.append(dt.date.fromisoformat(since))
        except ValueError:
            raise UsageError(f"--since must be a date (YYYY-MM-DD), not {since!r}") from None
        where.append("a.created >= ?")
    if search:
        where.append("(lower(a.title) LIKE ? OR lower(a.detail->>'description') LIKE ?)")
        params += [f"%{search.lower()}%"] * 2
    having: list[str] = []
    country_col = country_sql(country_rule, "o.owner_country", "t.country")
    if country:
        having.append(f"list_contains(list(DISTINCT {country_col}), ?)")
        params.append(country.upper())
    if org:
        having.append("list_contains(list(DISTINCT t.org_id), ?)")
        params.append(org)
    sql = f"""
    WITH latest AS (
        SELECT artifact_id, metric, {latest_sql("value")} AS value
        FROM observations WHERE artifact_id LIKE 'github:repo:%'
          AND metric IN ('stars', 'forks', 'open_issues')
        GROUP BY artifact_id, metric),
    t AS (SELECT * FROM attributions WHERE method IN ('registry', 'unattributed')
          AND artifact_id LIKE 'github:repo:%')
    SELECT a.title AS repo, a.created::DATE AS created,
           max(s.value)::BIGINT AS stars, max(f.value)::BIGINT AS forks,
           max(i.value)::BIGINT AS open_issues,
           a.license, a.license_class,
           any_value(list_filter(a.tags, lambda x: x LIKE 'language:%'))[1][10:] AS language,
           list_contains(a.tags, 'fork') AS fork, list_contains(a.tags, 'archived') AS archived,
           string_agg(DISTINCT t.org_id, ';' ORDER BY t.org_id) AS organisations,
           string_agg(DISTINCT {country_col}, ';' ORDER BY {country_col}) AS countries,
           a.url
    FROM artifacts a
    LEFT JOIN t USING (artifact_id)
    LEFT JOIN organizations o ON o.id = t.org_id
    LEFT JOIN latest s ON s.artifact_id = a.artifact_id AND s.metric = 'stars'
    LEFT JOIN latest f ON f.artifact_id = a.artifact_id AND f.metric = 'forks'
    LEFT JOIN latest i ON i.artifact_id = a.artifact_id AND i.metric = 'open_issues'
    WHERE {" AND ".join(where)}
    GROUP BY a.artifact_id, a.title, a.created, a.license, a.license_class, a.tags, a.url
    {("HAVING " + " AND ".join(having)) if having else ""}
    ORDER BY {SORTS[sort]}
    {"LIMIT " + str(int(limit)) if limit else ""}
    """
    return sql, params


def repos(store: Store, **filters: Any) -> pa.Table:
    """The rows of :func:`repos_sql` (same filters) as an Arrow table."""
    return store.sql(*repos_sql(store, **filters))


def repo_counts(store: Store) -> dict[str, int]:
    """How many GitHub repositories the store holds (``n``) and of how many owners
    (``owners``)."""
    return store.dicts(
        "SELECT count(*) AS n, count(DISTINCT author) AS owners FROM artifacts "
        "WHERE source = 'github' AND kind = 'repo'"
    )[0]
