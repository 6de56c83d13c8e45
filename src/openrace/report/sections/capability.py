"""Capability: how far open models trail closed ones, and Chinese models US ones.

Frontier step lines per benchmark (open vs closed; US vs China incl. Hong Kong), the lag
table per benchmark, and the pooled lag with its bootstrap interval
(:func:`openrace.metrics.benchmarks.pooled_lag_interval`), all from the catalogue.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pyarrow as pa

from openrace.harvest.benchmarks import evaluated_models
from openrace.metrics.benchmarks import pooled_lag_interval
from openrace.report import charts
from openrace.report.context import Headline, ReportContext, fmt_int
from openrace.report.formatting import D3_NUMBER
from openrace.report.sections import Chart, Section, Table, no_data

ID = "capability"
TITLE = "Capability"
#: at most this many benchmarks are drawn (those with the most results in both groups)
MAX_BENCHMARKS = 6
GROUPINGS = {
    "access": (
        ("open", "closed"),
        "open",
        "Open weights vs closed",
        {"open": charts.OKABE_ITO[0], "closed": charts.OKABE_ITO[3]},
    ),
    "country": (
        ("CN", "US"),
        "CN",
        "China (incl. Hong Kong) vs United States",
        {"US": charts.OKABE_ITO[0], "CN": charts.OKABE_ITO[1]},
    ),
}
HEADLINES = {
    "access": "Open-weight models trail closed ones",
    "country": "Chinese models trail US ones",
}
LABELS = {
    "open": "Open weights",
    "closed": "Closed",
    "US": "United States",
    "CN": "China (incl. Hong Kong)",
}


def build(ctx: ReportContext) -> Section:
    """The Capability section."""
    if not ctx.has_metric("frontier") or not ctx.has_data("frontier"):
        return no_data(
            ID,
            TITLE,
            ctx.update_command("frontier")
            if ctx.has_metric("frontier")
            else "openrace update benchmarks",
            "The store holds no benchmark results.",
        )
    definition = ctx.definition("capability_lag")
    section = Section(id=ID, title=TITLE)
    section.prose.append(
        "How good are open models, and Chinese ones, compared with the best closed and US "
        "models? On each public benchmark openrace follows the frontier — the best score a "
        "group had reached so far — and measures the lag: each time one group set a new "
        "record, the months until the other first matched it. Scores come from Epoch AI's "
        "benchmark data and the Arena leaderboard (both CC BY 4.0); each model is linked "
        "to the registry for its release date, developer, country and access."
    )
    section.facts = [
        ("Frontier", ctx.definition("frontier")["description"]),
        ("Lag", definition["description"] + " Negative: the group reached the level first."),
        ("Gap", ctx.definition("capability_gap")["description"]),
        (
            "Pooled lag",
            "The median lag over every level of every benchmark; its 90 % "
            "interval resamples benchmarks with replacement (2,000 draws, seed 14), computed "
            "in Python over the capability_lag_levels metric.",
        ),
        (
            "Groups",
            "Open: downloadable weights; closed: API-only or unreleased. Country: "
            "United States vs China including Hong Kong, by the developer's owner.",
        ),
    ]
    lag_rows: list[dict[str, Any]] = []
    for by, (groups, follower, title, colours) in GROUPINGS.items():
        frontier = ctx.metric("frontier", by=by, period="month")
        benches = _benchmarks(frontier, groups)
        if benches:
            section.charts.append(_frontier_chart(ctx, by, frontier, benches, title, colours))
        lag_rows += _lag_rows(ctx, by, groups)
        pooled = pooled_lag_interval(ctx.metric("capability_lag_levels", by=by), follower)
        section.prose.append(_pooled_prose(by, follower, pooled))
        if pooled["median"] is not None:
            ctx.add_headline(
                Headline(
                    label=HEADLINES[by],
                    value=f"{pooled['median']:.1f} months",
                    date=ctx.now.date().isoformat(),
                    detail=f"pooled median lag over {pooled['benchmarks']} benchmarks, 90 % "
                    f"interval {pooled['low']:.1f}–{pooled['high']:.1f}",
                    priority=60 if by == "access" else 61,
                )
            )
    if lag_rows:
        section.tables.append(
            Table(
                name="capability-lags",
                title="Lag per benchmark (months) and gap today",
                data=pa.Table.from_pylist(lag_rows),
                caption="For each benchmark and grouping: the months by which the group trailed "
                "each level the other set (median, min, max), how many levels were set and "
                "caught, and the gap between the two frontiers at the latest month with data "
                "(points of the benchmark's own scale: accuracy 0–1, ECI, Arena rating).",
                limit=60,
            )
        )
    section.prose.append("Caveats: " + " ".join(definition["caveats"]))
    section.prose.append(_coverage(ctx, section))
    return section


def _benchmarks(frontier: pa.Table, groups: tuple[str, ...]) -> list[str]:
    """Benchmarks where both groups have a frontier, most results first."""
    seen: dict[str, set[str]] = {}
    n: dict[str, int] = {}
    for r in frontier.to_pylist():
        seen.setdefault(r["benchmark"], set()).add(r["group"])
        n[r["benchmark"]] = n.get(r["benchmark"], 0) + 1
    both = [b for b, gs in seen.items() if set(groups) <= gs]
    return sorted(both, key=lambda b: (-n[b], b))[:MAX_BENCHMARKS]


def _frontier_chart(
    ctx: ReportContext,
    by: str,
    frontier: pa.Table,
    benches: list[str],
    title: str,
    colours: dict[str, str],
) -> Chart:
    rows = [
        {
            "period": r["period"],
            "benchmark": r["benchmark"],
            "group": r["group"],
            "label": LABELS.get(r["group"], r["group"]),
            "value": r["value"],
        }
        for r in frontier.to_pylist()
        if r["benchmark"] in benches
    ]
    data = pa.Table.from_pylist(rows)
    labels = [LABELS[g] for g in colours]
    scale = alt.Scale(domain=labels, range=[colours[g] for g in colours])
    chart = (
        charts.base(height=170, width=300)
        .mark_line(
            interpolate="step-after", point=alt.OverlayMarkDef(size=25, filled=True), strokeWidth=2
        )
        .encode(
            x=alt.X("period:T", title="Month", axis=alt.Axis(format="%Y", labelOverlap=True)),
            y=alt.Y("value:Q", title="Best score so far", scale=alt.Scale(zero=False)),
            color=alt.Color("label:N", title=None, scale=scale),
            facet=alt.Facet("benchmark:N", title=None, columns=2),
            tooltip=[
                alt.Tooltip("benchmark:N", title="Benchmark"),
                alt.Tooltip("label:N", title="Group"),
                alt.Tooltip("period:N", title="Month"),
                alt.Tooltip("value:Q", title="Frontier", format=D3_NUMBER),
            ],
        )
        .resolve_scale(y="independent")
    )
    m = ctx.definition("frontier")
    n_all = len({r["benchmark"] for r in frontier.to_pylist()})
    return Chart(
        name=f"capability-frontier-{by}",
        title=f"Capability frontier per benchmark: {title}",
        spec=charts.finish(chart),
        data=data,
        definition=m["description"],
        coverage=f"The {len(benches)} benchmarks with most results where both groups have "
        f"one, of {n_all} benchmarks with results in these groups; dates are release dates.",
        caveats=list(m["caveats"]),
        alt_text=_frontier_alt(rows, benches),
        metric="frontier",
        period_field=None,
        columns=["period", "benchmark", "label", "value"],
    )


def _frontier_alt(rows: list[dict[str, Any]], benches: list[str]) -> str:
    parts = []
    for b in benches:
        last: dict[str, tuple[str, float]] = {}
        for r in rows:
            if r["benchmark"] == b and (
                r["label"] not in last or r["period"] > last[r["label"]][0]
            ):
                last[r["label"]] = (r["period"], r["value"])
        parts.append(
            f"{b}: " + ", ".join(f"{k} {v[1]:.4g} ({v[0]})" for k, v in sorted(last.items()))
        )
    return (
        "Step lines of the best score reached so far, one panel per benchmark. Latest "
        "frontiers — " + "; ".join(parts) + "."
    )


def _lag_rows(ctx: ReportContext, by: str, groups: tuple[str, ...]) -> list[dict[str, Any]]:
    lag = ctx.metric("capability_lag", by=by)
    gap = ctx.metric("capability_gap", by=by, period="month")
    latest_gap: dict[tuple[str, str], tuple[str, float]] = {}
    for r in gap.to_pylist():
        k = (r["group"], r["benchmark"])
        if k not in latest_gap or r["period"] > latest_gap[k][0]:
            latest_gap[k] = (r["period"], r["value"])
    stats: dict[tuple[str, str], dict[str, Any]] = {}
    for r in lag.to_pylist():
        if r["group"] not in groups:
            continue
        row = stats.setdefault(
            (r["group"], r["benchmark"]),
            {
                "grouping": by,
                "group": LABELS.get(r["group"], r["group"]),
                "benchmark": r["benchmark"],
            },
        )
        row[r["stat"]] = r["value"]
    out = []
    for (g, b), row in sorted(stats.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        period, value = latest_gap.get((g, b), (None, None))
        out.append(
            {
                "grouping": row["grouping"],
                "benchmark": b,
                "group": row["group"],
                "median_months": _round(row.get("median")),
                "min_months": _round(row.get("min")),
                "max_months": _round(row.get("max")),
                "levels": row.get("levels"),
                "caught": row.get("caught"),
                "gap_today": value,
                "gap_month": period,
            }
        )
    return out


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def _pooled_prose(by: str, follower: str, p: dict[str, Any]) -> str:
    who = LABELS[follower]
    if p["median"] is None:
        return f"{who}: no level of the other group has been reached yet on any benchmark."
    other = "closed models" if by == "access" else "US models"
    return (
        f"{who} trailed {other} by a median of {p['median']:.1f} months over "
        f"{fmt_int(p['levels'])} levels on {p['benchmarks']} benchmarks (90 % bootstrap "
        f"interval {p['low']:.1f} to {p['high']:.1f} months; levels never reached are left "
        "out, so the median understates a lag that is still open)."
    )


def _coverage(ctx: ReportContext, section: Section) -> str:
    models = evaluated_models(ctx.store)
    counts: dict[str, int] = {}
    for r in models.to_pylist():
        counts[r["match"] or "unknown"] = counts.get(r["match"] or "unknown", 0) + 1
    section.tables.append(
        Table(
            name="capability-models",
            title="Evaluated models and how each was linked to the registry",
            data=models,
            caption="release: a registry release; family: a release the model's name starts "
            "with; organization: only its developer; unmatched: neither (kept, with the "
            "source's own organisation, country and access).",
            limit=50,
        )
    )
    parts = ", ".join(f"{fmt_int(n)} {m}" for m, n in sorted(counts.items()))
    return (
        f"Coverage: {fmt_int(models.num_rows)} evaluated models, linked to the "
        f"registry as follows: {parts}. Unmatched models keep the source's own "
        "organisation, country and access and are listed by `openrace benchmarks "
        "--unmatched`."
    )
