"""Code metrics: the GitHub repositories of the registry's organisations.

A repository belongs to the organisation(s) whose registered GitHub account lists it
(``registry`` attributions, weight 1/n when n organisations list the same account); its
country is the organisation's owner country (``country_rule=owner``, default) or its own
(``location``). Forks are excluded unless ``forks=include`` (they are stored only after
``openrace update github --forks``); archived repositories count unless
``archived=exclude``.

Stars and forks are the latest *observation* of each repository (in each period of
observation for the share): GitHub keeps no history of them, openrace's snapshots are
the history.
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

SOURCE = "github"
UNATTRIBUTED = "unattributed"

FORKS = Option(
    "forks",
    ("exclude", "include"),
    "exclude",
    "exclude or include forks of other repositories (stored only after "
    "`openrace update github --forks`)",
)
ARCHIVED = Option(
    "archived",
    ("include", "exclude"),
    "include",
    "include or exclude repositories their owners archived (read-only)",
)
MEASURE = Option(
    "measure",
    ("stars", "forks"),
    "stars",
    "stars: GitHub stargazers; forks: GitHub forks of the repository",
)

_BY = ("country", "org", "sector", "none")
_CREATED = ("year", "quarter", "month", "none")
_SNAPSHOT = ("none", "month", "quarter", "year")
_UPDATE = "openrace update github"

_CAVEATS = (
    "Only the public repositories of the GitHub accounts the registry lists for its "
    "organisations: a company's code published elsewhere (personal accounts of its staff, "
    "accounts the registry does not list) is not counted.",
    "A repository counts in the year it was created on GitHub, which for an imported or "
    "transferred repository may be later than the code itself.",
    "Stars and forks are GitHub's current counts at each openrace harvest; stars accrue over "
    "time, so older repositories have had longer to collect them.",
    "By default China is 'China incl. Hong Kong' (CN + HK, shown as CN); option "
    "china=mainland keeps Hong Kong apart.",
)


def _has_repos(t: Tables) -> Any:
    a = t.table("artifacts")
    return a.filter((a.source == SOURCE) & (a.kind == "repo")).count()


def _has_observations(t: Tables) -> Any:
    o = t.table("observations")
    return o.filter(o.artifact_id.startswith("github:repo:")).count()


#: The fields every github metric shares; most count repositories by their period of
#: creation.
GITHUB = Family(source="github", by=_BY, update_command=_UPDATE, caveats=_CAVEATS)
REPOS = GITHUB.derive(periods=_CREATED, presence=_has_repos)


def repo_units(t: Tables, q: Query, values: Any = None) -> Any:
    """One row per (group, repository) with the repository's weight in the group, its
    creation time and licence class; with ``values`` (``artifact_id``, ``value`` and
    possibly ``period``), one row per ([period,] group, repository) with that value too."""
    a = t.table("artifacts")
    a = a.filter((a.source == SOURCE) & (a.kind == "repo"))
    if q.options.get("forks", "exclude") == "exclude":
        a = a.filter(~a.tags.contains("fork"))
    if q.options.get("archived", "include") == "exclude":
        a = a.filter(~a.tags.contains("archived"))
    a = a.select("artifact_id", "created", license_class=a.license_class.coalesce("unknown"))
    at = t.table("attributions")
    att = at.filter(
        at.method.isin(["registry", "unattributed"]) & at.artifact_id.startswith("github:repo:")
    )
    att = att.select("artifact_id", "org_id", "country", "weight")
    o = t.table("organizations").select(
        org_key=ibis._.id,
        owner_country=ibis._.owner_country,
        root_org=ibis._.root_org,
        sector=ibis._.sector,
    )
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
    rows = j.select(
        group=group.cast("string"),
        artifact_id=j.artifact_id,
        weight=j.weight,
        created=j.created,
        license_class=j.license_class,
    )
    if values is None:
        return rows.group_by(["group", "artifact_id"]).aggregate(
            weight=rows.weight.sum(),
            created=rows.created.min(),
            license_class=rows.license_class.max(),
        )
    rows = rows.join(values, "artifact_id")
    keys = (["period"] if "period" in values.columns else []) + ["group", "artifact_id"]
    return rows.group_by(keys).aggregate(
        weight=rows.weight.sum(), value=rows.value.max(), created=rows.created.min()
    )


def latest_values(t: Tables, q: Query, metric_name: str, *, by_observation: bool) -> Any:
    """Each repository's latest observed ``metric_name`` (per period of observation when
    ``by_observation`` and the query has a period)."""
    o = t.table("observations")
    o = o.filter((o.metric == metric_name) & o.artifact_id.startswith("github:repo:"))
    if by_observation and q.period != "none":
        o = o.mutate(period=period_of(o.observed_at, q.period))
        return o.group_by(["period", "artifact_id"]).aggregate(value=latest_expr(o))
    return o.group_by("artifact_id").aggregate(value=latest_expr(o))


def _count_created(u: Any, q: Query, dims: tuple[str, ...] = ()) -> Any:
    u = u.filter(u.created.notnull())
    if q.period != "none":
        u = u.mutate(period=period_of(u.created, q.period))
    keys = q.keys(*dims)
    value = u.count() if q.opt("counting") == "whole" else u.weight.sum()
    return u.group_by(keys).aggregate(value=value.cast("float64"))


_REPO_OPTIONS = (COUNTRY_RULE, COUNTING, ORG_LEVEL, FORKS, ARCHIVED, CHINA_GROUP)


@REPOS.count(
    name="code_repos",
    title="New open repositories by origin",
    description="Public GitHub repositories of the registry's organisations, per period of "
    "creation, by the organisation owning the GitHub account.",
    unit="repositories",
    options=_REPO_OPTIONS,
)
def code_repos(t: Tables, q: Query) -> Any:
    """Repositories per (period of creation, group)."""
    return tidy(_count_created(repo_units(t, q), q), q)


@REPOS.count(
    name="code_stars",
    title="Stars of open repositories, by year of creation",
    description="Stars (or forks) of the registry organisations' public GitHub "
    "repositories at the latest harvest, summed by the period in which the repositories "
    "were created.",
    unit="stars",
    options=(*_REPO_OPTIONS, MEASURE),
    presence=_has_observations,
)
def code_stars(t: Tables, q: Query) -> Any:
    """Latest stars (or forks) per (period of creation, group)."""
    u = repo_units(t, q, values=latest_values(t, q, q.opt("measure"), by_observation=False))
    u = u.filter(u.created.notnull())
    if q.period != "none":
        u = u.mutate(period=period_of(u.created, q.period))
    keys = q.keys()
    value = u.value if q.opt("counting") == "whole" else u.value * u.weight
    return tidy(u.group_by(keys).aggregate(value=value.sum().cast("float64")), q)


@GITHUB.share(
    name="code_star_share",
    title="Share of stars of open repositories, by origin",
    description="Each group's share of the stars (or forks) of all harvested repositories "
    "in the latest harvest of each period of observation (fractional: a repository listed "
    "by two organisations splits between them).",
    periods=_SNAPSHOT,
    options=(COUNTRY_RULE, ORG_LEVEL, FORKS, ARCHIVED, MEASURE, CHINA_GROUP),
    presence=_has_observations,
)
def code_star_share(t: Tables, q: Query) -> Any:
    """Group stars / all stars per period of observation, between 0 and 1."""
    j = repo_units(t, q, values=latest_values(t, q, q.opt("measure"), by_observation=True))
    keys = q.keys()
    part = j.group_by(keys).aggregate(part=(j.value * j.weight).sum())
    units = ["period", "artifact_id"] if q.period != "none" else ["artifact_id"]
    tot = j.group_by(units).aggregate(value=j.value.max())
    if q.period != "none":
        r = part.join(tot.group_by("period").aggregate(total=tot.value.sum()), "period")
    else:
        r = part.cross_join(tot.aggregate(total=tot.value.sum()))
    return tidy(r.select(*keys, value=ratio(r.part, r.total)), q)


@REPOS.count(
    name="code_licenses",
    title="Licence classes of open repositories",
    description="Public GitHub repositories of the registry's organisations per period of "
    "creation and licence class of the licence GitHub detected (SPDX id; `unknown` when "
    "GitHub found no licence or could not identify it, NOASSERTION).",
    unit="repositories",
    options=_REPO_OPTIONS,
    dims=("license_class",),
    caveats=(
        *_CAVEATS,
        "A repository without a licence is all rights reserved: it is "
        "public to read, not open source; it counts as `unknown` with the "
        "unidentified licences (NOASSERTION).",
    ),
)
def code_licenses(t: Tables, q: Query) -> Any:
    """Repositories per (period of creation, group, licence class)."""
    return tidy(_count_created(repo_units(t, q), q, ("license_class",)), q, ("license_class",))


_GITHUB_REPO_URL = r"^https?://(?:www\.)?github\.com/([^/#?]+/[^/#?]+)"


def linked_releases(t: Tables) -> Any:
    """The registry releases whose source link names a harvested GitHub repository
    (``https://github.com/owner/name...``), one row per release (``artifact_id``)."""
    a = t.table("artifacts")
    rel = a.filter((a.kind == "release") & a.url.notnull())
    rel = rel.select("artifact_id", repo=rel.url.re_extract(_GITHUB_REPO_URL, 1).lower())
    repos = a.filter((a.source == SOURCE) & (a.kind == "repo"))
    repos = repos.select(repo=repos.title.lower()).distinct()
    return rel.join(repos, "repo").select("artifact_id").distinct()


def _has_linked(t: Tables) -> Any:
    return linked_releases(t).count()


@GITHUB.count(
    name="code_linked_releases",
    title="Notable releases whose code repository was harvested",
    description="Notable releases of the registry whose source link is a GitHub repository "
    "openrace harvested, per period of release, by the releasing organisations.",
    unit="releases",
    periods=("year", "quarter", "none"),
    options=(COUNTRY_RULE, COUNTING, ORG_LEVEL, CHINA_GROUP),
    presence=_has_linked,
    caveats=(
        "Only releases whose registry source link is the repository itself "
        "(https://github.com/owner/name); most releases link a paper, a model card or "
        "a blog post instead, so this counts a small, biased subset.",
        "By default China is 'China incl. Hong Kong' (CN + HK, shown as CN); option "
        "china=mainland keeps Hong Kong apart.",
    ),
)
def code_linked_releases(t: Tables, q: Query) -> Any:
    """Linked releases per (period of release, group)."""
    from openrace.metrics.releases import count_units, release_units

    u = release_units(t, q).semi_join(linked_releases(t), "artifact_id")
    return tidy(count_units(u, q), q)


def _languages(t: Tables) -> Any:
    """Each repository's main language (from its ``language:*`` tag; ``none`` without)."""
    a = t.table("artifacts")
    a = a.filter((a.source == SOURCE) & (a.kind == "repo"))
    tags = a.select("artifact_id", tag=a.tags.unnest())
    lang = tags.filter(tags.tag.startswith("language:"))
    lang = lang.group_by("artifact_id").aggregate(language=lang.tag.substr(9).min())
    return (
        a.select("artifact_id")
        .left_join(lang, "artifact_id")
        .select("artifact_id", language=ibis._.language.coalesce("none"))
    )


@REPOS.count(
    name="code_languages",
    title="Main languages of open repositories",
    description="Public GitHub repositories of the registry's organisations per period of "
    "creation and main language (GitHub's linguist guess from the repository's files).",
    unit="repositories",
    options=_REPO_OPTIONS,
    dims=("language",),
    caveats=(
        *_CAVEATS,
        "The main language is the one with the most bytes of code: a model release "
        "repository of notebooks counts as Jupyter Notebook; `none` is a repository "
        "GitHub found no code in.",
    ),
)
def code_languages(t: Tables, q: Query) -> Any:
    """Repositories per (period of creation, group, main language)."""
    u = repo_units(t, q).join(_languages(t), "artifact_id")
    return tidy(_count_created(u, q, ("language",)), q, ("language",))
