"""Hub metrics: adoption (downloads, likes) and diffusion (derivatives) by origin.

A Hub model's group comes from its attributions:

- ``attribution=origin`` (default): a derivative (fine-tune, adapter, quantisation, merge)
  counts for the origin of its root model(s) (``inherited`` attributions); a model without
  a base model counts for the organisation owning its namespace (``registry``);
- ``attribution=own``: every model counts for its own namespace's organisation.

Models of namespaces the registry does not know are ``unattributed``: they appear as
country ``XX`` / organisation ``unattributed`` so that their share is shown, not hidden.

Adoption figures are the latest *observation* of each model in the period (``period=none``:
the latest harvest), so the share moves between harvests: the Hub keeps no download
history, openrace's stored snapshots are the history. ``downloads=30d`` is the Hub's
rolling 30-day count, ``downloads=all_time`` the cumulative one. ``quantized=exclude``
leaves out quantisations (repackagings of another model's weights).
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
    ratio,
    tidy,
)
from openrace.metrics.catalogue import Family
from openrace.rules.observation import UNATTRIBUTED_COUNTRY, country_expr, latest_expr

UNATTRIBUTED = "unattributed"
RELATION_KINDS = ("quantized", "adapter", "merge", "finetune", "unknown")

ATTRIBUTION = Option(
    "attribution", ("origin", "own"), "origin",
    "origin: a derivative counts for the origin of its root model (inherited); own: every "
    "model counts for the organisation owning its Hub namespace")
QUANTIZED = Option(
    "quantized", ("include", "exclude"), "include",
    "include or exclude quantisations (GGUF, AWQ, ... repackagings of another model)")
DOWNLOADS = Option(
    "downloads", ("30d", "all_time"), "30d",
    "30d: the Hub's rolling 30-day downloads; all_time: cumulative downloads")

_BY = ("country", "org", "sector", "none")
_SNAPSHOT_PERIODS = ("none", "month", "quarter", "year")
_CREATED_PERIODS = ("month", "quarter", "year", "none")
_CAVEATS = (
    "Hub figures cover the models openrace harvested: every public model and dataset after "
    "a snapshot (`openrace update hf`, the default), or only the registry's namespaces and "
    "the derivatives a request budget reached after `openrace update hf --registry`; the "
    "coverage line of each chart says which.",
    "Downloads are the Hub's own counts (any file fetch, including automated ones); a "
    "derivative's downloads count for its root model's origin under attribution=origin.",
    "Country XX / organisation 'unattributed' holds models of namespaces the registry does "
    "not know (individuals, small companies).",
    "By default China is 'China incl. Hong Kong' (CN + HK, shown as CN); option "
    "china=mainland keeps Hong Kong apart.",
)
#: Caveat of every count by period of creation (docs/contracts/hub.md, "createdAt").
_CREATED_CAVEAT = (
    "Repos created before 2022-03-02 have no creation date on the Hub (it gives them all "
    "the placeholder 2022-03-02T23:29:04Z): openrace stores their date as unknown and leaves "
    "them out of the counts per period of creation, never as a spike in March 2022; they "
    "count in the totals without a period."
)
_CREATED_CAVEATS = (*_CAVEATS, _CREATED_CAVEAT)
_UPDATE = "openrace update hf"


def _has_models(t: Tables) -> Any:
    a = t.table("artifacts")
    return a.filter((a.source == "hf") & (a.kind == "model")).count()


def _has_observations(t: Tables) -> Any:
    o = t.table("observations")
    return o.filter(o.artifact_id.startswith("hf:model:")).count()


def _has_derivatives(t: Tables) -> Any:
    a = t.table("attributions")
    return a.filter(a.method == "inherited").count()


def _has_datasets(t: Tables) -> Any:
    a = t.table("artifacts")
    return a.filter((a.source == "hf") & (a.kind == "dataset")).count()


def _quantized_ids(t: Tables) -> Any:
    lin = t.table("lineage")
    return lin.filter(lin.relation == "quantized").select(artifact_id=lin.child_id).distinct()


def hub_units(t: Tables, q: Query, kind: str = "model", *, rule: str | None = None,
              derivatives_only: bool = False, values: Any = None) -> Any:
    """One row per (group, artifact) with the artifact's weight in the group and its
    creation time: the building block of every Hub metric.

    ``values`` (``artifact_id``, ``value`` and ``period`` when the query has one, e.g.
    :func:`latest_observations`): only the artifacts with a value, one row per (period,
    group, artifact) with that ``value`` instead of ``created``; joined before the rows are
    grouped, so that only the artifacts with a value are grouped."""
    a = t.table("artifacts")
    a = a.filter((a.source == "hf") & (a.kind == kind)).select("artifact_id", "created")
    if q.options.get("quantized", "include") == "exclude" and kind == "model":
        a = a.anti_join(_quantized_ids(t), "artifact_id")
    at = t.table("attributions")
    cols = ["artifact_id", "org_id", "country", "weight"]
    is_own = at.method.isin(["registry", "unattributed"])
    is_inh = at.method == "inherited"
    rule = rule or q.options.get("attribution", "origin")
    if derivatives_only:
        att = at.filter(is_inh)
    elif rule == "origin" and kind == "model":
        # the inherited rows, and the own rows of artifacts without any (only the own rows
        # are looked up among the inherited ones)
        inherited = at.filter(is_inh)
        own = at.filter(is_own).anti_join(inherited.select("artifact_id"), "artifact_id")
        own = own.select(*cols)
        att = inherited.select(*cols).cast(own.schema()).union(own, distinct=False)
    else:
        att = at.filter(is_own)
    att = att.select(*cols)
    o = t.table("organizations").select(
        org_key=ibis._.id, owner_country=ibis._.owner_country, root_org=ibis._.root_org,
        sector=ibis._.sector)
    j = a.join(att, "artifact_id").left_join(o, att.org_id == o.org_key)
    if q.by == "country":
        group = country_expr(q.options.get("country_rule", "owner"), j.owner_country, j.country)
        group = china_group(group, q).coalesce(UNATTRIBUTED_COUNTRY)
    elif q.by == "org":
        org = j.root_org.coalesce(j.org_id) if q.options.get("org_level") == "root" else j.org_id
        group = org.coalesce(UNATTRIBUTED)
    elif q.by == "sector":
        group = j.sector.coalesce(UNATTRIBUTED)
    else:
        group = ibis.literal(ALL)
    rows = j.select(group=group.cast("string"), artifact_id=j.artifact_id, weight=j.weight,
                    created=j.created)
    if values is None:
        return rows.group_by(["group", "artifact_id"]).aggregate(
            weight=rows.weight.sum(), created=rows.created.min())
    rows = rows.join(values, "artifact_id")
    keys = q.keys("artifact_id")
    # an artifact has one value per period: the maximum is that value
    return rows.group_by(keys).aggregate(weight=rows.weight.sum(), value=rows.value.max())


def latest_observations(t: Tables, q: Query, metric_name: str) -> Any:
    """Each Hub model's latest observed value of ``metric_name`` (per period of
    observation when the query has a period)."""
    o = t.table("observations")
    o = o.filter((o.metric == metric_name) & o.artifact_id.startswith("hf:model:"))
    keys = ["artifact_id"]
    if q.period != "none":
        o = o.mutate(period=period_of(o.observed_at, q.period))
        keys = ["period", "artifact_id"]
    return o.group_by(keys).aggregate(value=latest_expr(o))


def _observed(t: Tables, q: Query, metric_name: str) -> Any:
    j = hub_units(t, q, values=latest_observations(t, q, metric_name))
    value = j.value if q.opt("counting") == "whole" else j.value * j.weight
    keys = q.keys()
    return j.group_by(keys).aggregate(value=value.sum().cast("float64"))


def _share(t: Tables, q: Query, metric_name: str) -> Any:
    """A group's share of the period's total (each model counted once in the total)."""
    j = hub_units(t, q, values=latest_observations(t, q, metric_name))
    keys = q.keys()
    part = j.group_by(keys).aggregate(part=(j.value * j.weight).sum())
    models = ["period", "artifact_id"] if q.period != "none" else ["artifact_id"]
    tot = j.group_by(models).aggregate(value=j.value.max())
    if q.period != "none":
        total = tot.group_by("period").aggregate(total=tot.value.sum())
        r = part.join(total, "period")
    else:
        total = tot.aggregate(total=tot.value.sum())
        r = part.cross_join(total)
    return r.select(*keys, value=ratio(r.part, r.total))


_ADOPTION_OPTIONS = (ATTRIBUTION, COUNTRY_RULE, COUNTING, ORG_LEVEL, QUANTIZED, DOWNLOADS,
                     CHINA_GROUP)

#: The fields every hf metric shares; adoption metrics read the latest observations of
#: each period, the others count repositories by their period of creation.
HF = Family(source="hf", by=_BY, update_command=_UPDATE)
ADOPTION = HF.derive(periods=_SNAPSHOT_PERIODS, presence=_has_observations, caveats=_CAVEATS)
CREATED = HF.derive(periods=_CREATED_PERIODS, caveats=_CREATED_CAVEATS)


def _downloads_metric(q: Query) -> str:
    return "downloads_30d" if q.opt("downloads") == "30d" else "downloads_all_time"


@ADOPTION.count(
    name="hub_downloads",
    title="Hub downloads by origin",
    description="Downloads of the harvested Hub models (rolling 30 days or all time) in "
    "the latest harvest of each period, by the origin of the models.",
    unit="downloads",
    options=_ADOPTION_OPTIONS,
)
def hub_downloads(t: Tables, q: Query) -> Any:
    """Summed latest downloads per (period of observation, group)."""
    return tidy(_observed(t, q, _downloads_metric(q)), q)


@ADOPTION.share(
    name="hub_download_share",
    title="Share of Hub downloads by origin",
    description="Each group's share of the downloads of all harvested Hub models in the "
    "latest harvest of each period (fractional: a merge splits between its roots).",
    options=(ATTRIBUTION, COUNTRY_RULE, ORG_LEVEL, QUANTIZED, DOWNLOADS, CHINA_GROUP),
)
def hub_download_share(t: Tables, q: Query) -> Any:
    """Group downloads / all downloads per period, between 0 and 1."""
    return tidy(_share(t, q, _downloads_metric(q)), q)


@ADOPTION.count(
    name="hub_likes",
    title="Hub likes by origin",
    description="Likes of the harvested Hub models in the latest harvest of each period, "
    "by the origin of the models.",
    unit="likes",
    options=(ATTRIBUTION, COUNTRY_RULE, COUNTING, ORG_LEVEL, QUANTIZED, CHINA_GROUP),
)
def hub_likes(t: Tables, q: Query) -> Any:
    """Summed latest likes per (period of observation, group)."""
    return tidy(_observed(t, q, "likes"), q)


@CREATED.count(
    name="hub_models",
    title="Hub models created, by origin",
    description="Harvested Hub models per month (or quarter, year) of creation, by origin.",
    unit="models",
    options=(ATTRIBUTION, COUNTRY_RULE, COUNTING, ORG_LEVEL, QUANTIZED, CHINA_GROUP),
    presence=_has_models,
)
def hub_models(t: Tables, q: Query) -> Any:
    """Models per (period of creation, group)."""
    return tidy(_count_created(hub_units(t, q), q), q)


def _by_creation(u: Any, q: Query) -> Any:
    """``u`` with the period of creation; a repo whose creation date is unknown is in no
    period (it counts only when the query has none)."""
    if q.period == "none":
        return u
    u = u.filter(u.created.notnull())
    return u.mutate(period=period_of(u.created, q.period))


def _count_created(u: Any, q: Query, dims: tuple[str, ...] = ()) -> Any:
    u = _by_creation(u, q)
    keys = q.keys(*dims)
    value = u.count() if q.opt("counting") == "whole" else u.weight.sum()
    return u.group_by(keys).aggregate(value=value.cast("float64"))


def _relations(t: Tables) -> Any:
    """One relation per derivative: quantized > adapter > merge > finetune > unknown."""
    lin = t.table("lineage")
    flags = lin.group_by(artifact_id=lin.child_id).aggregate(
        **{f"is_{r}": (lin.relation == r).any() for r in RELATION_KINDS[:-1]})
    relation = ibis.cases(
        (flags.is_quantized, "quantized"), (flags.is_adapter, "adapter"),
        (flags.is_merge, "merge"), (flags.is_finetune, "finetune"), else_="unknown")
    return flags.select("artifact_id", relation=relation)


@CREATED.count(
    name="hub_derivatives",
    title="Derivatives by origin of the root model",
    description="Hub models built on another model (fine-tunes, adapters, quantisations, "
    "merges) per period of creation, counted for the origin of their root model.",
    unit="models",
    options=(COUNTRY_RULE, COUNTING, ORG_LEVEL, QUANTIZED, CHINA_GROUP),
    dims=("relation",),
    presence=_has_derivatives,
)
def hub_derivatives(t: Tables, q: Query) -> Any:
    """Derivatives per (period of creation, origin group, relation)."""
    u = hub_units(t, q, derivatives_only=True).join(_relations(t), "artifact_id")
    return tidy(_count_created(u, q, ("relation",)), q, ("relation",))


@CREATED.share(
    name="hub_derivative_share",
    title="Share of derivatives by origin of the root model",
    description="Each origin's share of the derivatives created in each period "
    "(fractional: a merge of two origins counts half for each).",
    options=(COUNTRY_RULE, ORG_LEVEL, QUANTIZED, CHINA_GROUP),
    presence=_has_derivatives,
)
def hub_derivative_share(t: Tables, q: Query) -> Any:
    """Derivatives of a group / all derivatives, per period of creation."""
    u = _by_creation(hub_units(t, q, derivatives_only=True), q)
    keys = q.keys()
    part = u.group_by(keys).aggregate(part=u.weight.sum())
    if q.period != "none":
        r = part.mutate(total=part.part.sum().over(group_by="period"))
    else:
        r = part.mutate(total=part.part.sum().over())
    return tidy(r.select(*keys, value=ratio(r.part, r.total)), q)


@CREATED.count(
    name="hub_datasets",
    title="Hub datasets by origin",
    description="Harvested Hub datasets per period of creation, by the organisation owning "
    "their namespace.",
    unit="datasets",
    options=(COUNTRY_RULE, COUNTING, ORG_LEVEL, CHINA_GROUP),
    presence=_has_datasets,
)
def hub_datasets(t: Tables, q: Query) -> Any:
    """Datasets per (period of creation, group)."""
    return tidy(_count_created(hub_units(t, q, "dataset", rule="own"), q), q)
