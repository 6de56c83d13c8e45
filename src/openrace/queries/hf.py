"""Listings of the harvested Hub models and datasets, as Arrow tables (CLI and users).

Each model row carries its latest observation of every metric (downloads in the last 30
days, all-time downloads, likes), its number of direct derivatives in the store (from
their ``base_model`` tags: complete after a snapshot, ``openrace update hf``), its own
attribution (the organisation owning
its namespace, or none) and its *origin*: the country and organisation of its root
model(s) when it is a derivative.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from openrace.errors import UsageError
from openrace.queries.registry import check_country, check_org
from openrace.rules.observation import country_sql, latest_sql
from openrace.store import Store
from openrace.store.vocabulary import LICENSE_CLASSES

if TYPE_CHECKING:
    import pyarrow as pa

MODEL_SORTS = ("downloads", "downloads_all_time", "likes", "created", "children")
DATASET_SORTS = ("downloads", "likes", "created", "completeness")

_COUNTRY = country_sql("owner", "o.owner_country", "t.country")
_LATEST = f"""
latest AS (
    SELECT artifact_id,
           {latest_sql("value")} FILTER (WHERE metric = 'downloads_30d') AS downloads_30d,
           {latest_sql("value")} FILTER (WHERE metric = 'downloads_all_time')
               AS downloads_all_time,
           {latest_sql("value")} FILTER (WHERE metric = 'likes') AS likes,
           max(observed_at) AS observed_at
    FROM observations WHERE artifact_id LIKE 'hf:%' GROUP BY 1
),
kids AS (
    SELECT parent_id AS artifact_id, count(DISTINCT child_id) AS children
    FROM lineage WHERE parent_id LIKE 'hf:%' GROUP BY 1
),
own AS (
    SELECT artifact_id, string_agg(DISTINCT t.org_id, ';' ORDER BY t.org_id) AS org,
           string_agg(DISTINCT {_COUNTRY}, ';' ORDER BY {_COUNTRY}) AS country
    FROM attributions t LEFT JOIN organizations o ON o.id = t.org_id
    WHERE method IN ('registry', 'unattributed') AND artifact_id LIKE 'hf:%'
    GROUP BY 1
),
origin AS (
    SELECT artifact_id, string_agg(DISTINCT t.org_id, ';' ORDER BY t.org_id) AS origin_org,
           string_agg(DISTINCT {_COUNTRY}, ';' ORDER BY {_COUNTRY}) AS origin_country
    FROM attributions t LEFT JOIN organizations o ON o.id = t.org_id
    WHERE method = 'inherited' AND artifact_id LIKE 'hf:%' GROUP BY 1
)
"""


def check_filters(sort: str, sorts: tuple[str, ...], license_class: str | None,
                  limit: int | None) -> None:
    """Refuse a listing's flags that need no store to be found wrong (``sorts``:
    :data:`MODEL_SORTS` or :data:`DATASET_SORTS`)."""
    if sort not in sorts:
        raise UsageError(f"--sort must be one of {', '.join(sorts)}, not {sort!r}")
    if license_class is not None and license_class not in LICENSE_CLASSES:
        raise UsageError(f"--license-class must be one of {', '.join(LICENSE_CLASSES)}, "
                         f"not {license_class!r}")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be at least 1")


def models_sql(
    store: Store,
    *,
    country: str | None = None,
    org: str | None = None,
    author: str | None = None,
    search: str | None = None,
    since: dt.date | None = None,
    license_class: str | None = None,
    include_quantized: bool = True,
    derivatives: bool | None = None,
    sort: str = "downloads",
    limit: int | None = 50,
) -> tuple[str, list[Any]]:
    """Harvested Hub models with their latest figures. ``country`` / ``org`` match the
    model's own attribution or its origin (for derivatives); ``derivatives`` True keeps
    only derivatives, False only models without a base model."""
    check_filters(sort, MODEL_SORTS, license_class, limit)
    check_country(store, country)
    check_org(store, org)
    where, params = ["a.source = 'hf'", "a.kind = 'model'"], []
    if country:
        where.append("(list_contains(string_split(own.country, ';'), ?) OR "
                     "list_contains(string_split(origin.origin_country, ';'), ?))")
        params += [country.upper()] * 2
    if org:
        where.append("(list_contains(string_split(own.org, ';'), ?) OR "
                     "list_contains(string_split(origin.origin_org, ';'), ?))")
        params += [org, org]
    if author:
        where.append("lower(a.author) = lower(?)")
        params.append(author)
    if search:
        where.append("contains(lower(a.source_id), lower(?))")
        params.append(search)
    if since:
        where.append("a.created >= ?")
        params.append(since)
    if license_class:
        where.append("a.license_class = ?")
        params.append(license_class)
    if not include_quantized:
        where.append("NOT coalesce(CAST(json_extract(a.detail, '$.quantized') AS BOOLEAN), "
                      "FALSE)")
    if derivatives is True:
        where.append("a.artifact_id IN (SELECT child_id FROM lineage)")
    elif derivatives is False:
        where.append("a.artifact_id NOT IN (SELECT child_id FROM lineage)")
    order = {"downloads": "l.downloads_30d", "downloads_all_time": "l.downloads_all_time",
             "likes": "l.likes", "created": "a.created",
             "children": "coalesce(k.children, 0)"}[sort]
    lim = f"LIMIT {int(limit)}" if limit else ""
    return (
        "WITH " + _LATEST + f"""
        SELECT a.source_id AS model, own.org, own.country, origin.origin_org,
               origin.origin_country,
               (SELECT string_agg(DISTINCT relation, ';') FROM lineage
                WHERE child_id = a.artifact_id) AS relation,
               CAST(a.created AS DATE) AS created, a.license, a.license_class,
               a.pipeline_tag, CAST(l.downloads_30d AS BIGINT) AS downloads_30d,
               CAST(l.downloads_all_time AS BIGINT) AS downloads_all_time,
               CAST(l.likes AS BIGINT) AS likes,
               CAST(coalesce(k.children, 0) AS BIGINT) AS children,
               l.observed_at
        FROM artifacts a
        LEFT JOIN latest l USING (artifact_id)
        LEFT JOIN kids k USING (artifact_id)
        LEFT JOIN own USING (artifact_id)
        LEFT JOIN origin USING (artifact_id)
        WHERE {' AND '.join(where)}
        ORDER BY {order} DESC NULLS LAST, a.source_id
        {lim}
        """,
        params,
    )


def models(store: Store, **filters: Any) -> pa.Table:
    """The rows of :func:`models_sql` (same filters) as an Arrow table."""
    return store.sql(*models_sql(store, **filters))


def datasets_sql(
    store: Store,
    *,
    country: str | None = None,
    org: str | None = None,
    license_class: str | None = None,
    task: str | None = None,
    search: str | None = None,
    min_completeness: float | None = None,
    sort: str = "downloads",
    limit: int | None = 50,
) -> tuple[str, list[Any]]:
    """The harvested Hub datasets as an open-data catalogue: licence, tasks, modality,
    origin and card completeness (share of the expected card fields present)."""
    check_filters(sort, DATASET_SORTS, license_class, limit)
    check_country(store, country)
    check_org(store, org)
    if min_completeness is not None and not 0 <= min_completeness <= 1:
        raise UsageError("--min-completeness must be between 0 and 1")
    where, params = ["a.source = 'hf'", "a.kind = 'dataset'"], []
    if country:
        where.append("list_contains(string_split(own.country, ';'), ?)")
        params.append(country.upper())
    if org:
        where.append("list_contains(string_split(own.org, ';'), ?)")
        params.append(org)
    if license_class:
        where.append("a.license_class = ?")
        params.append(license_class)
    if task:
        where.append("list_contains(CAST(json_extract(a.detail, '$.tasks') AS VARCHAR[]), ?)")
        params.append(task)
    if search:
        where.append("contains(lower(a.source_id), lower(?))")
        params.append(search)
    if min_completeness is not None:
        where.append("CAST(json_extract(a.detail, '$.card_completeness') AS DOUBLE) >= ?")
        params.append(min_completeness)
    order = {"downloads": "l.downloads_30d", "likes": "l.likes", "created": "a.created",
             "completeness": "card_completeness"}[sort]
    lim = f"LIMIT {int(limit)}" if limit else ""
    return (
        "WITH " + _LATEST + f"""
        SELECT a.source_id AS dataset, own.org, own.country,
               CAST(a.created AS DATE) AS created, a.license, a.license_class,
               array_to_string(CAST(json_extract(a.detail, '$.tasks') AS VARCHAR[]), ';')
                   AS tasks,
               array_to_string(CAST(json_extract(a.detail, '$.modalities') AS VARCHAR[]), ';')
                   AS modalities,
               CAST(json_extract(a.detail, '$.card_completeness') AS DOUBLE)
                   AS card_completeness,
               CAST(l.downloads_30d AS BIGINT) AS downloads_30d,
               CAST(l.likes AS BIGINT) AS likes
        FROM artifacts a
        LEFT JOIN latest l USING (artifact_id)
        LEFT JOIN own USING (artifact_id)
        WHERE {' AND '.join(where)}
        ORDER BY {order} DESC NULLS LAST, a.source_id
        {lim}
        """,
        params,
    )


def datasets(store: Store, **filters: Any) -> pa.Table:
    """The rows of :func:`datasets_sql` (same filters) as an Arrow table."""
    return store.sql(*datasets_sql(store, **filters))
