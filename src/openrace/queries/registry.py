"""Listings of the store's registry content, as Arrow tables (for the CLI and users)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from openrace.errors import UsageError
from openrace.store import Store
from openrace.store.vocabulary import SECTORS

if TYPE_CHECKING:
    import pyarrow as pa

ACCESS = ("open-weights", "api", "unreleased", "open", "closed")


def check_country(store: Store, country: str | None, flag: str = "--country") -> None:
    """Refuse a country no organisation of the store's registry belongs to (headquarters,
    owner or extra country), naming the ones that do: a filter on it could only ever
    give an empty table."""
    if not country:
        return
    known = [r["c"] for r in store.dicts(
        "SELECT DISTINCT c FROM (SELECT country AS c FROM organizations UNION ALL "
        "SELECT owner_country FROM organizations UNION ALL "
        "SELECT unnest(extra_countries) FROM organizations) WHERE c IS NOT NULL ORDER BY c"
    )]
    if country.upper() not in known:
        raise UsageError(f"{flag} {country!r}: no organisation of the registry is in that "
                         f"country; countries: {', '.join(known)}")


def check_org(store: Store, org: str | None, flag: str = "--org") -> None:
    """Refuse an organisation id the registry does not hold."""
    if not org:
        return
    if not store.rows("SELECT 1 FROM organizations WHERE id = ?", [org]).num_rows:
        raise UsageError(f"{flag} {org!r}: no such organisation in the registry; see "
                         "`openrace orgs` for the ids")


def organizations_sql(store: Store, *, country: str | None = None,
                      sector: str | None = None) -> tuple[str, list[Any]]:
    """The registry's organisations, one row each."""
    if sector is not None and sector not in SECTORS:
        raise UsageError(f"--sector must be one of {', '.join(SECTORS)}, not {sector!r}")
    check_country(store, country)
    where, params = ["TRUE"], []
    if country:
        where.append("(country = ? OR owner_country = ? OR list_contains(extra_countries, ?))")
        params += [country.upper()] * 3
    if sector:
        where.append("sector = ?")
        params.append(sector)
    return (
        "SELECT id, name, array_to_string(aliases, ';') AS aliases, country, "
        "array_to_string(extra_countries, ';') AS extra_countries, owner_country, sector, "
        "parent, array_to_string(hf_namespaces, ';') AS hf_namespaces, "
        "array_to_string(github_orgs, ';') AS github_orgs, ror, openalex_id, homepage, source "
        f"FROM organizations WHERE {' AND '.join(where)} ORDER BY country, id",
        params,
    )


def organizations(store: Store, **filters: Any) -> pa.Table:
    """The rows of :func:`organizations_sql` (same filters) as an Arrow table."""
    return store.sql(*organizations_sql(store, **filters))


def releases_sql(
    store: Store,
    *,
    country: str | None = None,
    org: str | None = None,
    since: dt.date | None = None,
    access: str | None = None,
    country_rule: str = "owner",
    catalogue: str = "all",
) -> tuple[str, list[Any]]:
    """Notable releases with their organisations, countries and licence class.

    ``catalogue`` is ``registry``, ``epoch`` (Epoch AI's rows, after ``openrace update
    epoch``) or ``all``. An Epoch organisation the registry does not know is listed by its
    Epoch name (``org_names``) with no id, and counts for the country Epoch gives.

    ``country`` filters on the owner country (default) or the location country
    (``country_rule='location'``); ``org`` matches an organisation or its parent chain;
    ``access`` is one of open-weights, api, unreleased, or ``open`` / ``closed``.
    """
    if access is not None and access not in ACCESS:
        raise UsageError(f"--access must be one of {', '.join(ACCESS)}, not {access!r}")
    if country_rule not in ("owner", "location"):
        raise UsageError("country rule must be 'owner' or 'location'")
    if catalogue not in ("registry", "epoch", "all"):
        raise UsageError(f"--catalogue must be registry, epoch or all, not {catalogue!r}")
    check_country(store, country)
    check_org(store, org)
    # the owner on the release's date (an `owner` row) before today's owner
    col = ("coalesce(w.country, o.owner_country, t.country)" if country_rule == "owner"
           else "coalesce(t.country, o.country)")
    where, params = ["a.kind = 'release'"], []
    if catalogue != "all":
        where.append("a.source = ?")
        params.append(catalogue)
    if since:
        where.append("a.created >= ?")
        params.append(since)
    if access == "open":
        where.append("a.access = 'open-weights'")
    elif access == "closed":
        where.append("a.access <> 'open-weights'")
    elif access:
        where.append("a.access = ?")
        params.append(access)
    having = []
    if country:
        having.append(f"list_contains(list(DISTINCT {col}), ?)")
        params.append(country.upper())
    if org:
        having.append("(list_contains(list(DISTINCT o.id), ?) OR "
                      "list_contains(list(DISTINCT o.root_org), ?) OR "
                      "list_contains(list(DISTINCT o.parent), ?))")
        params += [org] * 3
    return (
        f"""
        SELECT a.title AS name,
               string_agg(o.id, ';' ORDER BY t.rowid) AS org_ids,
               string_agg(coalesce(o.name, CASE WHEN t.detail LIKE 'epoch organisation %'
                   THEN substr(t.detail, 20) END), ';' ORDER BY t.rowid) AS org_names,
               array_to_string(list_sort(list(DISTINCT {col})), ';') AS countries,
               CASE WHEN a.date_precision = 'month' THEN strftime(a.created, '%Y-%m')
                    WHEN a.date_precision = 'year' THEN strftime(a.created, '%Y')
                    ELSE strftime(a.created, '%Y-%m-%d') END AS release_date,
               a.access, a.license, a.license_class, a.hf_repo, a.modality, a.params_b,
               a.mof_class, a.osaid, a.source_id AS id, a.url AS source,
               a.source AS catalogue
        FROM artifacts a
        JOIN attributions t ON t.artifact_id = a.artifact_id
             AND t.method IN ('registry', 'epoch')
        LEFT JOIN organizations o ON o.id = t.org_id
        LEFT JOIN attributions w ON w.artifact_id = a.artifact_id AND w.method = 'owner'
             AND w.org_id = t.org_id
        WHERE {' AND '.join(where)}
        GROUP BY a.title, a.date_precision, a.created, a.access, a.license, a.license_class,
                 a.hf_repo, a.modality, a.params_b, a.mof_class, a.osaid, a.source_id, a.url,
                 a.source
        {'HAVING ' + ' AND '.join(having) if having else ''}
        ORDER BY a.created, a.title
        """,
        params,
    )


def releases(store: Store, **filters: Any) -> pa.Table:
    """The rows of :func:`releases_sql` (same filters) as an Arrow table."""
    return store.sql(*releases_sql(store, **filters))
