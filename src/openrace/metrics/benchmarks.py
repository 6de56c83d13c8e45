"""Capability metrics: frontiers, lags and gaps on public benchmarks, by group.

The results are the harvested benchmark scores (``openrace update benchmarks``): one
``score:<benchmark>`` observation per evaluated model and benchmark, of the latest run
that observed it. A result's **date** is the model's release date (``date=release``, the
default) or its evaluation date (``date=evaluation``: Epoch's run, the first Arena
leaderboard listing the model; the release date where the source gives none). Results
without a date are left out.

**Groups** (``by``):

``access``
    ``open`` (open weights) vs ``closed`` (API-only or unreleased), from the registry when
    the model is matched to a release, else from the source; models of unknown access are
    left out;
``country``
    ``US`` vs ``CN`` — **China including Hong Kong** (:func:`china_incl_hk`): the country
    of the model's developer (its owner with ``country_rule=owner``, the developer's own
    location with ``location``). Only these two groups are compared; models of other
    countries are left out;
``org``
    the developing organisation (registry id); models matched to no organisation are left
    out.

**Definitions.**

``frontier``
    the best score a group had reached by the end of each period (a step line);
``capability_gap``
    the other groups' frontier minus the group's own, at the end of each period, in score
    points or in percent of the other groups' frontier (``unit``); positive: the group
    trails;
``capability_lag``
    each time the *other* groups set a new record on a benchmark (a level), the months
    until the group first reached it — at least the level, or within ``tolerance`` of it
    (relative: 0.02 = 2 % below). Negative: the group had reached the level first. Lags
    are summarised per benchmark (``stat``: median, min, max, and the number of
    ``levels`` and of levels ``caught``); the period is the one in which the level was
    set. A level never reached is left out of the median (``uncaught=exclude``) or
    counted as reached at the benchmark's latest result (``as_latest``: a lower bound);
``capability_lag_pooled``
    the same lags pooled over every selected benchmark (median and counts);
``capability_lag_levels``
    every level's lag, one row per level (the input of the bootstrap interval).

The **bootstrap interval** of the pooled lag cannot be an Ibis expression (it resamples):
:func:`pooled_lag_interval` computes it in Python over ``capability_lag_levels``'s
result, resampling benchmarks with replacement (a cluster bootstrap: the levels of one
benchmark are not independent), with a fixed seed, so it is reproducible and identical on
either engine.

**Benchmark choice** (``benchmarks``): ``all``; ``epoch`` (Epoch AI's own runs); ``external``
(results Epoch collected from others, ``*_external``); ``eci`` (the Epoch Capabilities
Index); ``arena`` (the Arena leaderboard). ``saturated=exclude`` leaves out benchmarks
whose scores are accuracies (all within 0–1) and whose best score reached
:data:`SATURATION` (0.9).
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from openrace.metrics.base import (
    CHINA_GROUP,
    COUNTRY_RULE,
    Option,
    Query,
    Tables,
    ibis,
    period_of,
    tidy,
)
from openrace.metrics.catalogue import Family

if TYPE_CHECKING:
    import pyarrow as pa

KIND = "evaluated_model"
SATURATION = 0.9
#: days in an average month (365.25 / 12)
MONTH_DAYS = 30.4375
#: the two countries compared; Hong Kong counts with China
US, CN = "US", "CN"
CHINA_INCL_HK = ("CN", "HK")

DATE = Option(
    "date",
    ("release", "evaluation"),
    "release",
    "release: the model's release date; evaluation: when it was evaluated (Epoch's run, "
    "the first Arena leaderboard listing it; the release date where the source has none)",
)
BENCHMARKS = Option(
    "benchmarks",
    ("all", "epoch", "external", "eci", "arena"),
    "all",
    "all; epoch: Epoch AI's own runs; external: results Epoch collected from others; eci: "
    "the Epoch Capabilities Index; arena: the Arena leaderboard",
)
SATURATED = Option(
    "saturated",
    ("include", "exclude"),
    "include",
    "exclude: leave out accuracy benchmarks (scores 0–1) whose best score reached 0.9",
)
TOLERANCE = Option(
    "tolerance",
    ("0", "0.01", "0.02", "0.05"),
    "0",
    "a level counts as reached by a score at most this fraction below it (0.02 = 2 %)",
)
UNCAUGHT = Option(
    "uncaught",
    ("exclude", "as_latest"),
    "exclude",
    "levels a group never reached: left out of the median (exclude), or counted as reached "
    "at the benchmark's latest result (as_latest, a lower bound)",
)
UNIT = Option(
    "unit",
    ("points", "percent"),
    "points",
    "points: score points (accuracy 0–1, ECI, Arena rating); percent: of the other "
    "groups' frontier",
)

_BY = ("access", "country", "org")
_PERIODS = ("month", "year")
_COMMON = (DATE, BENCHMARKS, SATURATED, COUNTRY_RULE, CHINA_GROUP)
_UPDATE = "openrace update benchmarks"
CAVEATS = (
    "Benchmarks saturate: near the top of a 0–1 accuracy scale differences are small and "
    "noisy (saturated=exclude leaves such benchmarks out).",
    "Contamination: a model trained on a benchmark's questions scores higher than its "
    "capability; newer models have had more chance to see older benchmarks.",
    "Evaluation dates lag release dates, and closed models are often evaluated sooner "
    "after release than open ones (date=evaluation shows the difference).",
    "Only evaluated models count: a benchmark covers the models its maintainers chose to "
    "run, and Arena ratings are relative (they drift as models are added; openrace uses "
    "each model's rating on the latest leaderboard).",
    "Country compares the United States with China including Hong Kong (china=mainland: "
    "mainland China alone); models of other countries are left out of that grouping.",
)


def china_incl_hk(country: Any) -> Any:
    """A country code column with Hong Kong counted as China (``HK`` → ``CN``)."""
    return ibis.ifelse(country.isin(list(CHINA_INCL_HK)), CN, country)


def _has_results(t: Tables) -> Any:
    o = t.table("observations")
    return o.filter(o.metric.startswith("score:")).count()


def results(t: Tables, q: Query) -> Any:
    """One row per (benchmark, group, model) with the result's ``date`` and ``score``,
    filtered by the query's benchmark choice and saturation option."""
    o = t.table("observations")
    o = o.filter(o.metric.startswith("score:"))
    last = o.group_by(["artifact_id", "metric"]).aggregate(last_run=o.run_id.max())
    o = o.join(last, ["artifact_id", "metric"]).filter(lambda x: x.run_id == x.last_run)
    a = t.table("artifacts")
    a = a.filter(a.kind == KIND).select("artifact_id", "created", "access", src=a.source)
    j = o.join(a, "artifact_id")
    date = j.created if q.opt("date") == "release" else j.observed_at
    r = j.select(
        artifact_id=j.artifact_id,
        benchmark=j.metric.substr(6),
        src=j.src,
        date=date.cast("timestamp"),
        score=j.value,
        access=j.access,
    ).filter(lambda x: x.date.notnull() & x.score.notnull())
    r = _choose(r, q.opt("benchmarks"))
    if q.opt("saturated") == "exclude":
        s = r.group_by("benchmark").aggregate(top=r.score.max(), low=r.score.min())
        unsaturated = s.filter(~((s.low >= 0) & (s.top <= 1) & (s.top >= SATURATION)))
        r = r.semi_join(unsaturated.select("benchmark"), "benchmark")
    if q.by == "access":
        grp = ibis.ifelse(
            r.access == "open-weights",
            "open",
            ibis.ifelse(r.access.isin(["api", "unreleased"]), "closed", ibis.null().cast("string")),
        )
        out = r.mutate(group=grp)
    else:
        at = t.table("attributions")
        at = at.filter(at.method == "benchmark").select(
            "artifact_id", att_org=at.org_id, att_country=at.country
        )
        orgs = t.table("organizations").select(
            org_key=ibis._.id, owner_country=ibis._.owner_country, org_country=ibis._.country
        )
        k = r.join(at, "artifact_id").left_join(orgs, at.att_org == orgs.org_key)
        # China incl. Hong Kong unless china=mainland (then Hong Kong's models are left out)
        group_of = (
            china_incl_hk
            if q.options.get("china", CHINA_GROUP.default) != "mainland"
            else (lambda c: c)
        )
        if q.by == "org":
            grp = k.att_org
        elif q.opt("country_rule") == "owner":
            grp = group_of(k.owner_country.coalesce(k.att_country))
            grp = ibis.ifelse(grp.isin([US, CN]), grp, ibis.null().cast("string"))
        else:
            grp = group_of(k.att_country.coalesce(k.org_country))
            grp = ibis.ifelse(grp.isin([US, CN]), grp, ibis.null().cast("string"))
        out = k.select("artifact_id", "benchmark", "date", "score", group=grp)
    out = out.select("artifact_id", "benchmark", "date", "score", group=ibis._.group.cast("string"))
    return out.filter(out.group.notnull()).distinct()


def _choose(r: Any, which: str) -> Any:
    if which == "all":
        return r
    if which == "arena":
        return r.filter(r.src == "arena")
    epoch = r.filter(r.src == "epoch-benchmarks")
    if which == "eci":
        return epoch.filter(epoch.benchmark == "eci")
    if which == "external":
        return epoch.filter(epoch.benchmark.endswith("_external"))
    return epoch.filter((epoch.benchmark != "eci") & ~epoch.benchmark.endswith("_external"))


def _grid(r: Any, q: Query) -> tuple[Any, Any]:
    """Results with their period, and the (benchmark, period, group) grid of every period
    with a result on the benchmark crossed with the benchmark's groups."""
    rp = r.mutate(period=period_of(r.date, q.period))
    periods = rp.select("benchmark", "period").distinct()
    groups = rp.select("benchmark", "group").distinct()
    grid = periods.join(groups, "benchmark")
    return rp, grid


def _frontiers(t: Tables, q: Query) -> Any:
    """(benchmark, period, group, own, other): the best score of the group and of every
    other group up to the end of the period."""
    rp, grid = _grid(results(t, q), q)
    rp = rp.select(r_bench=rp.benchmark, r_period=rp.period, r_group=rp.group, r_score=rp.score)
    j = grid.join(rp, (grid.benchmark == rp.r_bench) & (rp.r_period <= grid.period))
    return j.group_by(["benchmark", "period", "group"]).aggregate(
        own=ibis.ifelse(j.r_group == j.group, j.r_score, ibis.null()).max(),
        other=ibis.ifelse(j.r_group != j.group, j.r_score, ibis.null()).max(),
    )


#: The fields every benchmarks metric shares.
BENCHMARKS = Family(
    source="benchmarks",
    by=_BY,
    presence=_has_results,
    update_command=_UPDATE,
    caveats=CAVEATS,
)


@BENCHMARKS.measure(
    name="frontier",
    title="Capability frontier",
    description="The best benchmark score a group had reached by the end of each period "
    "(open vs closed, US vs China incl. Hong Kong, or by organisation).",
    unit="score",
    periods=_PERIODS,
    options=_COMMON,
    dims=("benchmark",),
)
def _frontier(t: Tables, q: Query) -> Any:
    f = _frontiers(t, q)
    f = f.filter(f.own.notnull())
    return tidy(f.mutate(value=f.own.cast("float64")), q, ("benchmark",))


@BENCHMARKS.measure(
    name="capability_gap",
    title="Capability gap",
    description="The other groups' frontier minus the group's own at the end of each "
    "period, in score points or percent (positive: the group trails).",
    unit="points",
    periods=_PERIODS,
    options=(*_COMMON, UNIT),
    dims=("benchmark",),
)
def _gap(t: Tables, q: Query) -> Any:
    f = _frontiers(t, q)
    f = f.filter(f.own.notnull() & f.other.notnull())
    gap = f.other - f.own
    if q.opt("unit") == "percent":
        f = f.filter(f.other != 0)
        gap = 100.0 * (f.other - f.own) / f.other
    return tidy(f.mutate(value=gap.cast("float64")), q, ("benchmark",))


def levels(t: Tables, q: Query) -> Any:
    """One row per level the other groups set and the group's lag in months:
    (benchmark, group, model, level_date, lag); ``lag`` null when never reached (with
    ``uncaught=exclude``)."""
    r = results(t, q)
    groups = r.select(g_bench=r.benchmark, g_group=r.group).distinct()
    o = groups.join(r, (groups.g_bench == r.benchmark) & (groups.g_group != r.group))
    o = o.select(
        benchmark=o.benchmark, group=o.g_group, model=o.artifact_id, date=o.date, score=o.score
    ).distinct()
    w = ibis.window(
        group_by=[o.benchmark, o.group], order_by=[o.date, o.score, o.model], rows=(None, -1)
    )
    o = o.mutate(prev=o.score.max().over(w))
    lv = o.filter(o.prev.isnull() | (o.score > o.prev))
    tol = float(q.opt("tolerance"))
    own = r.select(c_bench=r.benchmark, c_group=r.group, c_date=r.date, c_score=r.score)
    j = lv.left_join(
        own,
        (lv.benchmark == own.c_bench)
        & (lv.group == own.c_group)
        & (own.c_score >= lv.score * (1.0 - tol)),
    )
    caught = j.group_by(["benchmark", "group", "model", "date"]).aggregate(first=j.c_date.min())
    if q.opt("uncaught") == "as_latest":
        latest = r.group_by(r.benchmark).aggregate(l_date=r.date.max()).rename(l_bench="benchmark")
        caught = caught.join(latest, caught.benchmark == latest.l_bench)
        caught = caught.mutate(first=caught.first.coalesce(caught.l_date))
    secs = caught.first.epoch_seconds() - caught.date.epoch_seconds()
    lag = secs.cast("float64") / (86400.0 * MONTH_DAYS)
    return caught.select("benchmark", "group", "model", level_date=caught.date, lag=lag)


def _lag_rows(t: Tables, q: Query) -> Any:
    lv = levels(t, q)
    if q.period != "none":
        lv = lv.mutate(period=period_of(lv.level_date, q.period))
    return lv


def _summary(lv: Any, keys: Sequence[str]) -> Any:
    s = lv.group_by(list(keys)).aggregate(
        median=lv.lag.median(),
        min=lv.lag.min(),
        max=lv.lag.max(),
        levels=lv.count().cast("float64"),
        caught=lv.lag.count().cast("float64"),
    )
    return s.pivot_longer(list(_STATS), names_to="stat", values_to="value")


_STATS = ("median", "min", "max", "levels", "caught")
_LAG_OPTIONS = (*_COMMON, TOLERANCE, UNCAUGHT)
_LAG_PERIODS = ("none", "year")


@BENCHMARKS.measure(
    name="capability_lag",
    title="Capability lag (months), per benchmark",
    description="For each level the other groups set on a benchmark, the months until "
    "the group first reached it; median, min, max and the number of levels and of levels "
    "caught, per benchmark (and per period in which the level was set).",
    unit="months",
    periods=_LAG_PERIODS,
    options=_LAG_OPTIONS,
    dims=("benchmark", "stat"),
)
def _lag(t: Tables, q: Query) -> Any:
    lv = _lag_rows(t, q)
    keys = q.keys("benchmark")
    return tidy(_summary(lv, keys), q, ("benchmark", "stat"))


@BENCHMARKS.measure(
    name="capability_lag_pooled",
    title="Capability lag (months), pooled over benchmarks",
    description="The lags of every level on every selected benchmark, pooled: median and "
    "the number of levels and of levels caught (the bootstrap interval is computed over "
    "capability_lag_levels, see openrace.metrics.benchmarks.pooled_lag_interval).",
    unit="months",
    periods=_LAG_PERIODS,
    options=_LAG_OPTIONS,
    dims=("stat",),
)
def _lag_pooled(t: Tables, q: Query) -> Any:
    lv = _lag_rows(t, q)
    keys = q.keys()
    return tidy(_summary(lv, keys), q, ("stat",))


@BENCHMARKS.measure(
    name="capability_lag_levels",
    title="Capability lag of each level (months)",
    description="One row per level the other groups set (the model that set it) with the "
    "group's lag in months (empty when never reached, with uncaught=exclude).",
    unit="months",
    periods=("none",),
    options=_LAG_OPTIONS,
    dims=("benchmark", "model"),
)
def _lag_levels(t: Tables, q: Query) -> Any:
    lv = _lag_rows(t, q)
    return tidy(lv.mutate(value=lv.lag), q, ("benchmark", "model"))


# -- the bootstrap interval (Python, over the metric's result) --------------------------------


def pooled_lag_interval(
    levels_table: pa.Table,
    group: str,
    *,
    n: int = 2000,
    confidence: float = 0.9,
    seed: int = 14,
) -> dict[str, Any]:
    """The pooled median lag of ``group`` and its bootstrap interval, from
    ``capability_lag_levels``'s result (its ``period`` column, if any, is ignored).

    Benchmarks are resampled with replacement (``n`` times, ``random.Random(seed)``); each
    resample pools the caught levels of the drawn benchmarks and takes their median. The
    interval is the central ``confidence`` share of those medians. Returns ``median``,
    ``low``, ``high``, ``levels`` (caught), ``benchmarks`` and the settings; ``median`` is
    None when the group caught no level.
    """
    by_bench: dict[str, list[float]] = {}
    for row in levels_table.to_pylist():
        if row["group"] != group or row["value"] is None:
            continue
        by_bench.setdefault(row["benchmark"], []).append(float(row["value"]))
    benches = sorted(by_bench)
    pooled = [v for b in benches for v in by_bench[b]]
    out: dict[str, Any] = {
        "group": group,
        "median": None,
        "low": None,
        "high": None,
        "levels": len(pooled),
        "benchmarks": len(benches),
        "n": n,
        "confidence": confidence,
        "seed": seed,
    }
    if not pooled:
        return out
    out["median"] = statistics.median(pooled)
    rng = random.Random(seed)
    medians = []
    for _ in range(n):
        draw = [v for b in (rng.choice(benches) for _ in benches) for v in by_bench[b]]
        medians.append(statistics.median(draw))
    medians.sort()
    tail = (1.0 - confidence) / 2.0
    out["low"] = medians[int(tail * (n - 1))]
    out["high"] = medians[round((1.0 - tail) * (n - 1))]
    return out
