"""Release metrics over notable releases: the registry's and Epoch AI's.

A release is an artifact of kind ``release``: the curated registry's (source
``registry``, ``registry`` attributions) or a model of Epoch AI's lists (source ``epoch``,
``epoch`` attributions; see :mod:`openrace.harvest.epoch`), weight 1/n for n
organisations. Option ``catalogue`` picks them: ``registry`` or ``epoch`` alone, or
``both`` (the default) — the registry's releases, and Epoch's models filling what the
registry lacks: an Epoch model whose name matches a registry release (same letters and
digits, a parenthesised suffix ignored: ``GPT-4 (Mar 2023)`` = ``GPT-4``) is counted once,
as the registry's. ``epoch_list`` keeps only Epoch's notable, frontier or large-scale
(>= 1e23 FLOP) models. With no Epoch data harvested every catalogue but ``epoch`` is the
registry. Its country is, by
default, the country of the organisation's ultimate owner (``country_rule=owner``), or the
organisation's own location (``country_rule=location``). "Open" means open weights
(``access = 'open-weights'``); API-only and unreleased models are "closed".

Whole counting counts a release once in every group it is attributed to (a US–Chinese
joint release counts 1 for each country; two Chinese organisations' release counts 1 for
China); fractional counting splits it by the attribution weights.
"""

from __future__ import annotations

from typing import Any

from openrace.metrics.base import (
    ALL,
    CHINA_GROUP,
    COUNTING,
    COUNTRY_RULE,
    ORG_LEVEL,
    Option,
    Query,
    Tables,
    china_group,
    ibis,
    period_of,
    tidy,
)
from openrace.metrics.catalogue import Family

CATALOGUE = Option(
    "catalogue",
    ("both", "registry", "epoch"),
    "both",
    "both: the registry's releases, with Epoch AI's models filling what the registry lacks "
    "(a model in both counted once); registry: the curated registry only; epoch: Epoch "
    "AI's lists only",
)
EPOCH_LIST = Option(
    "epoch_list",
    ("any", "notable", "frontier", "large-scale"),
    "any",
    "which of Epoch AI's models count: any, or only its notable, frontier (top 10 by "
    "training compute when released) or large-scale (>= 1e23 FLOP) models",
)
RELEASE_OPTIONS = (COUNTRY_RULE, COUNTING, ORG_LEVEL, CATALOGUE, EPOCH_LIST, CHINA_GROUP)
#: attribution methods of release artifacts
RELEASE_METHODS = ("registry", "epoch")
OPEN_ACCESS = "open-weights"
RELEASE_PERIODS = ("year", "quarter", "month", "none")
RELEASE_BY = ("country", "org", "sector", "none")
RELEASE_CAVEATS = (
    "Releases are the curated registry's notable releases, not every model published.",
    "A release's date is its announcement date; some are known to the month only.",
    "By default China is 'China incl. Hong Kong' (CN + HK); option china=mainland keeps "
    "Hong Kong apart.",
    "With Epoch AI's data harvested (openrace update epoch), its models fill what the "
    "registry lacks (catalogue=both); data: Epoch AI, CC BY 4.0.",
)


def has_releases(t: Tables) -> Any:
    a = t.table("artifacts")
    return a.filter(a.kind == "release").count()


#: The fields every release metric shares (the openness grades derive from it).
RELEASES = Family(
    source="registry",
    by=RELEASE_BY,
    periods=RELEASE_PERIODS,
    options=RELEASE_OPTIONS,
    presence=has_releases,
    update_command="openrace report",
    caveats=RELEASE_CAVEATS,
)


def release_units(t: Tables, q: Query, dims: tuple[str, ...] = ()) -> Any:
    """One row per (period, group, release, dims) with the release's summed weight in the
    group, ``is_open`` and ``is_osaid`` (1/0). The building block of every release metric."""
    a = catalogue(t, q).select(
        "artifact_id", "created", "access", "license_class", "modality", "mof_class", "osaid"
    )
    at = t.table("attributions")
    at = at.filter(at.method.isin(RELEASE_METHODS)).select(
        "artifact_id", "org_id", att_country=at.country, weight=at.weight
    )
    o = _orgs(t)
    ow = t.table("attributions")
    ow = ow.filter(ow.method == "owner").select(
        ow_artifact=ow.artifact_id, ow_org=ow.org_id, owner_then=ow.country,
        root_then=ow.detail)
    j = a.join(at, "artifact_id").left_join(o, at.org_id == o.org_key)
    j = j.left_join(ow, (j.artifact_id == ow.ow_artifact) & (j.org_id == ow.ow_org))
    if q.by == "country":
        if q.opt("country_rule") == "owner":
            # the owner on the release's date (an acquisition does not apply backwards)
            group = j.owner_then.coalesce(j.owner_country).coalesce(j.att_country)
        else:
            group = j.att_country.coalesce(j.org_country)
        group = china_group(group, q)
    elif q.by == "org":
        group = (j.root_then.coalesce(j.root_org).coalesce(j.org_id)
                 if q.opt("org_level") == "root" else j.org_id)
    elif q.by == "sector":
        group = j.sector
    else:
        group = ibis.literal(ALL)
    cols: dict[str, Any] = {
        "group": group.cast("string"),
        "artifact_id": j.artifact_id,
        "weight": j.weight,
        "is_open": (j.access == OPEN_ACCESS).cast("int64"),
        "is_osaid": j.osaid.fill_null(False).cast("int64"),
    }
    if q.period != "none":
        cols["period"] = period_of(j.created, q.period)
    for d in dims:
        if d == "access":
            cols["access"] = ibis.ifelse(j.access == OPEN_ACCESS, "open", "closed")
        elif d == "license_class":
            cols["license_class"] = j.license_class.coalesce("unknown")
        elif d == "mof_class":
            cols["mof_class"] = ibis.literal("Class ") + j.mof_class
            cols["mof_class"] = cols["mof_class"].coalesce("ungraded")
        else:
            cols[d] = j[d].cast("string")
    rows = j.select(**cols).filter(ibis._.group.notnull())
    keys = q.keys("artifact_id", *dims)
    return rows.group_by(keys).aggregate(
        weight=rows.weight.sum(), is_open=rows.is_open.max(), is_osaid=rows.is_osaid.max()
    )


def match_key(title: Any) -> Any:
    """The Ibis form of :func:`openrace.sources.epoch.name_key`."""
    return title.lower().re_replace(r"\([^)]*\)", "").re_replace("[^a-z0-9]", "")


def catalogue(t: Tables, q: Query) -> Any:
    """The release artifacts of the query's ``catalogue`` and ``epoch_list``."""
    a = t.table("artifacts")
    a = a.filter(a.kind == "release")
    cat = q.options.get("catalogue", CATALOGUE.default)
    lst = q.options.get("epoch_list", EPOCH_LIST.default)
    if lst != "any":
        a = a.filter((a.source != "epoch") | a.tags.contains(lst))
    reg = a.filter(a.source != "epoch")
    if cat == "registry":
        return reg
    if cat == "epoch":
        return a.filter(a.source == "epoch")
    keys = reg.select(key=match_key(reg.title)).union(
        reg.select(key=match_key(reg.source_id))).distinct()
    j = a.left_join(keys, match_key(a.title) == keys.key)
    return j.filter((j.source != "epoch") | j.key.isnull()).select(a.columns)


def _orgs(t: Tables) -> Any:
    o = t.table("organizations")
    return o.select(
        org_key=o.id,
        owner_country=o.owner_country,
        root_org=o.root_org,
        sector=o.sector,
        org_country=o.country,
    )


def count_value(u: Any, q: Query, *, open_only: bool = False) -> Any:
    """Whole: number of releases; fractional: sum of weights."""
    if q.opt("counting") == "whole":
        return u.is_open.cast("float64").sum() if open_only else u.count().cast("float64")
    return (u.weight * u.is_open).sum() if open_only else u.weight.sum()


def count_units(u: Any, q: Query, dims: tuple[str, ...] = ()) -> Any:
    """Release units counted (whole or fractional) per (period, group, dims)."""
    return u.group_by(q.keys(*dims)).aggregate(value=count_value(u, q))


def unit_share(u: Any, q: Query, flag: str) -> Any:
    """The tidy share of the release units with ``flag`` (a 1/0 column of
    :func:`release_units`) per (period, group): whole counting divides the units flagged
    by all units, fractional counting their weights by all weights."""
    part = u[flag]
    if q.opt("counting") == "whole":
        value = part.cast("float64").sum() / u.count().cast("float64")
    else:
        value = (u.weight * part).sum() / u.weight.sum()
    return tidy(u.group_by(q.keys()).aggregate(value=value), q)


@RELEASES.count(
    name="releases",
    title="Notable releases, open and closed",
    description="Notable model releases in the registry per period, split into open "
    "(open weights) and closed (API-only or unreleased).",
    unit="releases",
    dims=("access",),
)
def releases(t: Tables, q: Query) -> Any:
    """Releases per (period, group, access)."""
    dims = ("access",)
    u = release_units(t, q, dims)
    return tidy(count_units(u, q, dims), q, dims)


@RELEASES.count(
    name="open_releases",
    title="Notable open-weight releases",
    description="Notable model releases with downloadable weights, per period.",
    unit="releases",
)
def open_releases(t: Tables, q: Query) -> Any:
    """Open-weight releases per (period, group)."""
    u = release_units(t, q)
    u = u.filter(u.is_open == 1)
    return tidy(count_units(u, q), q)


@RELEASES.share(
    name="open_share",
    title="Open share of notable releases",
    description="The share of a group's notable releases that have open weights.",
)
def open_share(t: Tables, q: Query) -> Any:
    """Open releases / all releases per (period, group), between 0 and 1."""
    return unit_share(release_units(t, q), q, "is_open")


@RELEASES.count(
    name="release_licenses",
    title="Notable releases by licence class",
    description="Notable releases per licence class (osi, open-restricted, non-commercial, "
    "research-only, closed, unknown).",
    unit="releases",
    periods=("year", "none", "quarter"),
    dims=("license_class",),
)
def release_licenses(t: Tables, q: Query) -> Any:
    """Releases per (period, group, licence class)."""
    dims = ("license_class",)
    u = release_units(t, q, dims)
    return tidy(count_units(u, q, dims), q, dims)


@RELEASES.count(
    name="leading_orgs",
    title="Leading organisations by notable releases",
    description="Notable releases per organisation, open and closed, with the "
    "organisation's name and country.",
    unit="releases",
    by=("org",),
    periods=("none", "year"),
    options=(COUNTRY_RULE, COUNTING, ORG_LEVEL),
    dims=("name", "country", "access"),
)
def leading_orgs(t: Tables, q: Query) -> Any:
    """Releases per (period, organisation, access) with the organisation's name and country."""
    u = release_units(t, q, ("access",))
    agg = count_units(u, q, ("access",))
    o = t.table("organizations")
    rule = o.owner_country if q.opt("country_rule") == "owner" else o.country
    names = o.select(org_key=o.id, name=o.name, country=rule)
    j = agg.left_join(names, agg.group == names.org_key)
    return tidy(j, q, ("name", "country", "access"))
