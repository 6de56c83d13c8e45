"""Listings of harvested OpenAlex works (``openrace papers``): read-only queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openrace.errors import UsageError
from openrace.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

SORTS = {"cited": "cited_by_count DESC, work_id", "year": "year DESC, cited_by_count DESC",
         "rank": "year DESC, rank NULLS LAST, work_id"}


def papers_sql(store: Store, *, year: int | None = None, country: str | None = None,
           org: str | None = None, company: bool = False, search: str | None = None,
           sort: str = "cited", limit: int | None = 50) -> tuple[str, list[Any]]:
    """Harvested works with their latest citation count and rank, their authors'
    countries, registry organisations, whether a company author took part, and the Hub
    models that cite them (``arxiv:*`` tags)."""
    if sort not in SORTS:
        raise UsageError(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if limit is not None and limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise UsageError(f"--country must be an ISO 3166-1 alpha-2 code, not {country!r}")
    where, params = ["a.source = 'openalex'", "a.kind = 'work'"], []  # type: ignore[var-annotated]
    if year is not None:
        where.append("year(a.created) = ?")
        params.append(year)
    if search:
        where.append("lower(a.title) LIKE ?")
        params.append(f"%{search.lower()}%")
    having: list[str] = []
    if country:
        having.append("list_contains(list(DISTINCT t.country), ?)")
        params_h: list[Any] = [country.upper()]
    else:
        params_h = []
    if org:
        having.append("list_contains(list(DISTINCT t.org_id), ?)")
        params_h.append(org)
    if company:
        having.append("bool_or(t.detail LIKE 'company %')")
    sql = f"""
    WITH latest AS (
        SELECT artifact_id, metric, arg_max(value, run_id) AS value
        FROM observations WHERE metric IN ('cited_by_count', 'cited_rank')
        GROUP BY artifact_id, metric),
    t AS (SELECT * FROM attributions WHERE method IN ('affiliation', 'unattributed'))
    SELECT a.source_id AS work_id, a.title, year(a.created) AS year,
           max(c.value)::BIGINT AS cited_by_count, max(r.value)::BIGINT AS rank,
           string_agg(DISTINCT t.country, ';' ORDER BY t.country) AS countries,
           string_agg(DISTINCT t.org_id, ';' ORDER BY t.org_id) AS organisations,
           coalesce(bool_or(t.detail LIKE 'company %'), false) AS company,
           array_to_string(list_transform(list_filter(a.tags, lambda x: x LIKE 'hf:model:%'),
                                          lambda x: x[10:]), ';') AS hub_models,
           a.url
    FROM artifacts a
    LEFT JOIN t USING (artifact_id)
    LEFT JOIN latest c ON c.artifact_id = a.artifact_id AND c.metric = 'cited_by_count'
    LEFT JOIN latest r ON r.artifact_id = a.artifact_id AND r.metric = 'cited_rank'
    WHERE {' AND '.join(where)}
    GROUP BY a.source_id, a.title, a.created, a.url, a.tags
    {('HAVING ' + ' AND '.join(having)) if having else ''}
    ORDER BY {SORTS[sort]}
    {'LIMIT ' + str(int(limit)) if limit else ''}
    """
    return sql, params + params_h


def papers(store: Store, **filters: Any) -> pa.Table:
    """The rows of :func:`papers_sql` (same filters) as an Arrow table."""
    return store.sql(*papers_sql(store, **filters))
