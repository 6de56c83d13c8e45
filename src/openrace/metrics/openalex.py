"""Research metrics over OpenAlex: AI papers by country, the top-cited share, company
papers, US–China co-authorship.

Two kinds of data feed them (see :mod:`openrace.harvest.openalex`):

- ``aggregates`` — per-country counts of AI works per year from OpenAlex ``group_by``
  queries: whole counting (a work with authors in two countries counts once for each),
  over *every* AI work OpenAlex knows; by sector (``segment``): a work counts for country
  C in the ``company`` segment only when one of its authors is at a company located in C
  (exact, through the ids of C's company institutions — a US company × Chinese
  university paper is US company research only; see :mod:`openrace.harvest.openalex`);
- the top-cited works of each year with their authorships (``artifacts`` of kind
  ``work``, ``affiliation`` attributions, the ``cited_rank`` observation): whole or
  fractional counting, by the affiliation's location or by the registry owner's country.

The latest harvest of each figure is used.
"""

from __future__ import annotations

from typing import Any

from openrace.metrics.base import (
    ALL,
    CHINA,
    CHINA_GROUP,
    CHINA_WITH_HK,
    COUNTING,
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
from openrace.sources.openalex import (
    ALL_WITH_HK,
    COAUTHORED,
    DEFAULT_SELECTION,
    PAIR,
    PAIR_WITH_HK,
    SEGMENTS,
    SELECTIONS,
    WORLD,
    measure_name,
    rank_metric,
)

SOURCE = "openalex"
UPDATE = "openrace update openalex"


SELECTION = Option(
    "selection", tuple(SELECTIONS), DEFAULT_SELECTION,
    "; ".join(f"{k}: {v[1]}" for k, v in SELECTIONS.items()),
)
SEGMENT = Option(
    "segment", (*SEGMENTS, COAUTHORED), "all",
    "all: every AI work; company / education / government: works with an author at an "
    "institution of that sector located in the country (sector: the registry's, else ROR's "
    "types, else OpenAlex's type; the countries with the most AI works only); "
    "academia-industry: works with authors at both a company and a university of the "
    "country",
)
PAPER_COUNTRY_RULE = Option(
    "country_rule", ("location", "owner"), "location",
    "location: the country of the author's institution (the bibliometric convention); "
    "owner: for institutions linked to the registry, the country of the organisation's "
    "ultimate owner (a Microsoft lab in Beijing counts for the US)",
)
TIER = Option(
    "tier", ("top-n", "top-100", "top-1pct"), "top-n",
    "top-n: every harvested top-cited work (the N most cited per year, `--top`); top-100: "
    "the 100 most cited per year; top-1pct: the most cited 1 % of the year's AI works "
    "(complete only when N covers it)",
)
INSTITUTIONS = Option(
    "institutions", ("any", "company", "education", "other"), "any",
    "any: every affiliation; company / education / other: only affiliations to "
    "institutions of that OpenAlex type (fractional: the share of the authorship they hold)",
)

_AGG_CAVEATS = (
    "AI works are selected by OpenAlex's topic classifier (subfield 1702, Artificial "
    "Intelligence); a broader selection is an option.",
    "Whole counting: a work with authors in several countries counts once for each.",
    "The latest year is incomplete: OpenAlex keeps adding works and citations.",
    "By sector: per country, only the countries with the most AI works (30 by default), "
    "and in each the 100 institutions with the most candidate works; the world total "
    "counts works with an institution of OpenAlex's matching type.",
)
#: how the group "China incl. Hong Kong" is counted from per-country aggregates
_CHINA_AGG_CAVEAT = (
    "By default China is 'China incl. Hong Kong' (CN + HK, shown as CN): the works with an "
    "author in mainland China or Hong Kong, each counted once (a harvest since openrace "
    "counts that union); for the sector segments, and for a store harvested before, it is "
    "the sum of the two countries' counts, an upper bound (works with authors in both "
    "count twice). Option china=mainland keeps Hong Kong apart."
)
_TOP_CAVEATS = (
    "Citations favour older works: compare works of the same year only.",
    "By sector: the registry's sector of institutions linked to a registry organisation "
    "(sector_rule=institution-type also gives the others one from their OpenAlex type).",
    "Top-cited works are ranked by OpenAlex's cited_by_count at harvest time.",
    "An author's share is split between their institutions; authors without an "
    "affiliation leave their share unattributed.",
    "By default China is 'China incl. Hong Kong' (CN + HK, shown as CN): a work with "
    "authors in both counts once for China; option china=mainland keeps Hong Kong apart.",
)
_TYPES = ("company", "education")


def _has_aggregates(t: Tables) -> Any:
    """Aggregates of the default selection (what the metrics show by default)."""
    a = t.table("aggregates")
    return a.filter((a.source == SOURCE) & (a.measure == measure_name(DEFAULT_SELECTION))).count()


def _has_works(t: Tables) -> Any:
    """Ranked top-cited works of the default selection."""
    o = t.table("observations")
    return o.filter(o.metric == rank_metric(DEFAULT_SELECTION)).count()


#: The fields every openalex metric shares; the per-country counts are read from the
#: harvested aggregates (OpenAlex's group-by counts).
OPENALEX = Family(source="openalex", update_command=UPDATE)
AGGREGATES = OPENALEX.derive(presence=_has_aggregates)


def _latest_aggregates(t: Tables, measure: str, segment: str | None = None) -> Any:
    """(period, country, segment, value) of the latest run of each figure."""
    a = t.table("aggregates")
    a = a.filter((a.source == SOURCE) & (a.measure == measure))
    if segment is not None:
        a = a.filter(a.segment == segment)
    return a.group_by(["period", "country", "segment"]).aggregate(
        value=a.value.argmax(a.run_id))


def _with_hk(q: Query) -> bool:
    return q.by == "country" and q.options.get("china", CHINA_GROUP.default) != "mainland"


def _china_rows(t: Tables, rows: Any, measure: str, segment: str | None) -> Any:
    """``rows`` (period, country, segment, value) with Hong Kong gathered into China (the
    ``CN`` row): the harvested union of the two for segment ``all``, else the sum of their
    counts (an upper bound: a work with authors in both counts twice)."""
    merged = rows.mutate(
        country=rows.country.isin(list(CHINA_WITH_HK)).ifelse(CHINA, rows.country))
    g = merged.group_by(["period", "country", "segment"]).aggregate(value=merged.value.sum())
    if segment != "all":
        return g
    u = _latest_aggregates(t, measure, ALL_WITH_HK)
    u = u.filter(u.country == CHINA).select(u_period="period", u_country="country",
                                            u_value="value")
    j = g.left_join(u, (g.period == u.u_period) & (g.country == u.u_country))
    return j.select("period", "country", "segment", value=j.u_value.coalesce(j.value))


def _by_country(rows: Any, q: Query) -> Any:
    if q.by == "none":
        rows = rows.filter(rows.country == WORLD).mutate(group=ibis.literal(ALL))
    else:
        rows = rows.filter(rows.country != WORLD).mutate(group=rows.country)
    if q.period == "none":
        return rows.group_by("group").aggregate(value=rows.value.sum())
    return rows.select("period", "group", "value")


@AGGREGATES.count(
    name="ai_papers",
    title="AI papers",
    description="AI works per country and publication year, from OpenAlex's group-by "
    "counts over every AI work (whole counting), optionally only works with an author at a "
    "company, university or government institution located in the country.",
    unit="works",
    by=("country", "none"),
    periods=("year", "none"),
    options=(SELECTION, SEGMENT, CHINA_GROUP),
    caveats=(*_AGG_CAVEATS, _CHINA_AGG_CAVEAT),
)
def ai_papers(t: Tables, q: Query) -> Any:
    """AI works per (year, country)."""
    m, seg = measure_name(q.opt("selection")), q.opt("segment")
    rows = _latest_aggregates(t, m, seg)
    if _with_hk(q):
        rows = _china_rows(t, rows, m, seg)
    return tidy(_by_country(rows, q), q)


@AGGREGATES.share(
    name="ai_papers_share",
    title="Share of the world's AI papers",
    description="A country's AI works as a share of all AI works of the year (whole "
    "counting: shares of co-authoring countries overlap, so they add up to more than 1).",
    by=("country",),
    periods=("year",),
    options=(SELECTION, SEGMENT, CHINA_GROUP),
    caveats=(*_AGG_CAVEATS, _CHINA_AGG_CAVEAT),
)
def ai_papers_share(t: Tables, q: Query) -> Any:
    """Country / world AI works per year."""
    m, seg = measure_name(q.opt("selection")), q.opt("segment")
    rows = _latest_aggregates(t, m, seg)
    if _with_hk(q):
        rows = _china_rows(t, rows, m, seg)
    world = rows.filter(rows.country == WORLD).select(w_period="period", world="value")
    c = rows.filter(rows.country != WORLD)
    j = c.join(world, c.period == world.w_period)
    j = j.filter(j.world > 0)
    return tidy(j.select(period=j.period, group=j.country, value=ratio(j.value, j.world)), q)


@AGGREGATES.share(
    name="academia_industry_share",
    title="Academia–industry co-authored share",
    description="The share of a country's AI works of the year with authors at both a "
    "company and a university of that country (talent and ideas moving between academia "
    "and industry).",
    by=("country",),
    periods=("year",),
    options=(SELECTION, CHINA_GROUP),
    caveats=(*_AGG_CAVEATS, "Both sides are counted exactly: the company and the university "
             "must be located in the country (a US company with a Chinese university does "
             "not count for either).", _CHINA_AGG_CAVEAT),
)
def academia_industry_share(t: Tables, q: Query) -> Any:
    """Academia-industry co-authored works / all AI works, per (year, country)."""
    m = measure_name(q.opt("selection"))
    both = _latest_aggregates(t, m, COAUTHORED)
    own = _latest_aggregates(t, m, "all")
    if _with_hk(q):
        both = _china_rows(t, both, m, COAUTHORED)
        own = _china_rows(t, own, m, "all")
    both = both.select(b_period="period", b_country="country", both="value")
    own = own.filter(own.country != WORLD)
    j = own.join(both, (own.period == both.b_period) & (own.country == both.b_country))
    j = j.filter(j.value > 0)
    return tidy(j.select(period=j.period, group=j.country, value=ratio(j.both, j.value)), q)


#: how the co-authored works are counted with China incl. Hong Kong
_PAIR_CAVEAT = (
    "By default China is 'China incl. Hong Kong': works with an author in the United States "
    "and one in mainland China or Hong Kong (a harvest since openrace counts them); in a "
    "store harvested before, mainland China alone. Option china=mainland keeps Hong Kong "
    "apart."
)


def _pair_rows(t: Tables, m: str, q: Query) -> Any:
    """The US-China co-authored works per year, one row for ``US`` and one for ``CN``:
    with Hong Kong in China (the default) where harvested, else mainland China's."""
    pair = _latest_aggregates(t, f"{m}_coauthored")
    pair = pair.filter(pair.country.isin(list(PAIR)))
    mainland = pair.filter(pair.segment != PAIR_WITH_HK)
    if q.options.get("china", CHINA_GROUP.default) == "mainland":
        return mainland
    hk = pair.filter(pair.segment == PAIR_WITH_HK)
    hk = hk.select(h_period=hk.period, h_country=hk.country, h_value=hk.value)
    j = mainland.left_join(
        hk, (mainland.period == hk.h_period) & (mainland.country == hk.h_country))
    return j.select("period", "country", "segment", value=j.h_value.coalesce(j.value))


@AGGREGATES.share(
    name="coauthored_share",
    title="US–China co-authored share",
    description="AI works with authors in both the United States and China, as a share of "
    "each country's AI works of the year.",
    by=("country",),
    periods=("year",),
    options=(SELECTION, CHINA_GROUP),
    caveats=(*_AGG_CAVEATS, _PAIR_CAVEAT),
)
def coauthored_share(t: Tables, q: Query) -> Any:
    """Co-authored works / the country's works, per year, for the US and China."""
    m = measure_name(q.opt("selection"))
    pair, own = _pair_rows(t, m, q), _latest_aggregates(t, m, "all")
    if _with_hk(q):
        # the union of CN and HK, for the periods the pair with Hong Kong was harvested
        u = _latest_aggregates(t, m, ALL_WITH_HK)
        u = u.filter(u.country == CHINA).select(u_period="period", u_value="value")
        own = own.left_join(u, (own.period == u.u_period) & (own.country == CHINA))
        own = own.select("period", "country", "segment",
                         value=own.u_value.coalesce(own.value))
    pair = pair.select(p_period="period", p_country="country", pair="value")
    j = own.join(pair, (own.period == pair.p_period) & (own.country == pair.p_country))
    j = j.filter(j.value > 0)
    return tidy(j.select(period=j.period, group=j.country, value=ratio(j.pair, j.value)), q)


@AGGREGATES.count(
    name="coauthored_papers",
    title="US–China co-authored AI papers",
    description="AI works with authors in both the United States and China, per year.",
    unit="works",
    by=("none",),
    periods=("year", "none"),
    options=(SELECTION, CHINA_GROUP),
    caveats=(*_AGG_CAVEATS, _PAIR_CAVEAT),
)
def coauthored_papers(t: Tables, q: Query) -> Any:
    """Co-authored works per year."""
    m = measure_name(q.opt("selection"))
    pair = _pair_rows(t, m, q)
    rows = pair.filter(pair.country == PAIR[0]).mutate(group=ibis.literal(ALL))
    if q.period == "none":
        return tidy(rows.group_by("group").aggregate(value=rows.value.sum()), q)
    return tidy(rows.select("period", "group", "value"), q)


# -- top-cited works ----------------------------------------------------------------------


def top_works(t: Tables, q: Query) -> Any:
    """The top-cited works of the query's selection and tier: ``artifact_id``, ``created``,
    ``year`` and ``rank`` (from the latest harvest that ranked the year)."""
    sel = q.opt("selection")
    o = t.table("observations")
    o = o.filter(o.metric == rank_metric(sel)).select("artifact_id", "run_id", rank=o.value)
    a = t.table("artifacts")
    a = a.filter((a.source == SOURCE) & (a.kind == "work")).select(
        "artifact_id", "created", year=a.created.year().cast("string"))
    ranked = a.join(o, "artifact_id")
    # a year's top list is the one of the latest harvest that ranked that year: works that
    # have since dropped out of the top keep their old rank but are not counted (a window,
    # so that the works and their ranks are joined once, not again for each year's run);
    # works without a date belong to no year's list
    ranked = ranked.mutate(last_run=ranked.run_id.max().over(group_by="year"))
    w = ranked.filter(ranked.year.notnull() & (ranked.run_id == ranked.last_run))
    w = w.select("artifact_id", "created", "year", "rank")
    tier = q.opt("tier")
    if tier == "top-100":
        w = w.filter(w.rank <= 100)
    elif tier == "top-1pct":
        world = _latest_aggregates(t, measure_name(sel), "all")
        world = world.filter(world.country == WORLD).select(
            w_year="period", threshold=ibis.greatest((world.value * 0.01).ceil(), 1))
        w = w.join(world, w.year == world.w_year)
        w = w.filter(w.rank <= w.threshold).select("artifact_id", "created", "year", "rank")
    return w


def work_units(t: Tables, q: Query, *, totals: bool = False) -> Any:
    """One row per (period, group, work) with the work's summed weight in the group; with
    ``totals`` also ``n``, the number of top-cited works of the period (counted before the
    works meet their authorships, so that the top list is computed once)."""
    w = top_works(t, q)
    if q.period != "none":
        w = w.mutate(period=period_of(w.created, q.period))
    if totals:
        n = w.artifact_id.count()
        w = w.mutate(n=n.over(group_by="period") if q.period != "none" else n.over())
    at = t.table("attributions")
    at = at.filter(at.method.isin(["affiliation", "unattributed"])).select(
        "artifact_id", "org_id", "weight", "detail", att_country=at.country)
    o = t.table("organizations")
    o = o.select(org_key=o.id, owner_country=o.owner_country, sector=o.sector)
    j = w.join(at, "artifact_id").left_join(o, at.org_id == o.org_key)
    kind = q.opt("institutions")
    detail = j.detail.coalesce("")
    if kind in _TYPES:
        j = j.filter(detail.startswith(f"{kind} "))
    elif kind == "other":
        j = j.filter(~detail.startswith("company ") & ~detail.startswith("education ")
                     & ~detail.startswith("unknown ") & ~detail.startswith("country ")
                     & (detail != "no affiliation"))
    if q.by == "country":
        group = china_group(
            j.owner_country.coalesce(j.att_country) if q.opt("country_rule") == "owner"
            else j.att_country, q)
    elif q.by == "org":
        group = j.org_id
    elif q.by == "sector":
        group = (j.sector.coalesce(_type_sector(detail))
                 if q.opt("sector_rule") == "institution-type" else j.sector)
    else:
        group = ibis.literal(ALL)
    cols: dict[str, Any] = {"group": group.cast("string"), "artifact_id": j.artifact_id,
                            "weight": j.weight}
    if q.period != "none":
        cols["period"] = j.period
    if totals:
        cols["n"] = j.n
    rows = j.select(**cols).filter(ibis._.group.notnull())
    keys = q.keys("artifact_id")
    extra = {"n": rows.n.max()} if totals else {}
    return rows.group_by(keys).aggregate(weight=rows.weight.sum(), **extra)


#: OpenAlex institution types → registry sectors, for institutions not in the registry
TYPE_SECTORS: dict[str, str] = {
    "company": "industry", "education": "academia", "government": "government",
    "facility": "government", "nonprofit": "nonprofit", "healthcare": "nonprofit",
    "archive": "nonprofit", "funder": "nonprofit",
}


def _type_sector(detail: Any) -> Any:
    """The sector of an affiliation from its institution type (``detail``'s first word)."""
    return ibis.cases(*[(detail.startswith(f"{t} "), s) for t, s in TYPE_SECTORS.items()],
                      else_=ibis.null("string"))


def _count(u: Any, q: Query) -> Any:
    return u.count().cast("float64") if q.opt("counting") == "whole" else u.weight.sum()


SECTOR_RULE = Option(
    "sector_rule", ("registry", "institution-type"), "registry",
    "registry: only institutions linked to a registry organisation have a sector; "
    "institution-type: the others get one from their OpenAlex type (company: industry; "
    "education: academia; government, facility: government; nonprofit, healthcare, "
    "archive, funder: nonprofit)",
)
_TOP_OPTIONS = (SELECTION, TIER, COUNTING, PAPER_COUNTRY_RULE, INSTITUTIONS, SECTOR_RULE,
                CHINA_GROUP)
#: The top-cited works, attributed through their authors' affiliations.
TOP = OPENALEX.derive(periods=("year", "none"), options=_TOP_OPTIONS, presence=_has_works,
                      caveats=_TOP_CAVEATS)


@TOP.count(
    name="top_cited_papers",
    title="Top-cited AI papers",
    description="The most-cited AI works of each year attributed to countries or "
    "organisations through their authors' affiliations.",
    unit="works",
    by=("country", "org", "sector", "none"),
)
def top_cited_papers(t: Tables, q: Query) -> Any:
    """Top-cited works per (year, group): whole count or fractional sum."""
    u = work_units(t, q)
    keys = q.keys()
    return tidy(u.group_by(keys).aggregate(value=_count(u, q)), q)


@TOP.share(
    name="top_cited_share",
    title="Share of the top-cited AI papers",
    description="A group's share of the most-cited AI works of each year: works with an "
    "author there (whole counting) or the share of the authorship it holds (fractional), "
    "divided by the number of top-cited works.",
    by=("country", "org", "sector"),
)
def top_cited_share(t: Tables, q: Query) -> Any:
    """Top-cited works of the group / all top-cited works, per year."""
    u = work_units(t, q, totals=True)
    keys = q.keys()
    j = u.group_by(keys).aggregate(value=_count(u, q), n=u.n.max())
    return tidy(j.mutate(value=ratio(j.value, j.n.cast("float64"))), q)
