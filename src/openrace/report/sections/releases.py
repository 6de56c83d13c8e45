"""Releases: who releases notable models, per quarter, by country and organisation."""

from __future__ import annotations

from typing import Any

import altair as alt
import pyarrow as pa

from openrace.metrics.crossover import detect_in
from openrace.metrics.rows import outside, share, top_groups, total, totals_by, value_of
from openrace.queries import registry as listings
from openrace.queries.coverage import quarter_completeness
from openrace.report import charts
from openrace.report.context import Headline, ReportContext, fmt_int, fmt_pct
from openrace.report.formatting import D3_NUMBER
from openrace.report.sections import Chart, Section, Table, no_data

ID = "releases"
TITLE = "Releases"
#: countries drawn in their own colour; the rest are drawn as "Other countries"
TOP_COUNTRIES = 6
OTHER = "Other countries"
US, CN = "US", "CN"
#: a crossover must hold for at least this many quarters, and through the latest one
CROSSING_N = 2


def top_countries(rows: list[dict[str, Any]], n: int = TOP_COUNTRIES) -> list[str]:
    """The ``n`` countries with most releases (the US and China always included)."""
    return top_groups(rows, n, always=(US, CN))


def country_rows(table: pa.Table, top: list[str]) -> list[dict[str, Any]]:
    """Rows with ``country`` (the code) and ``label`` (its name, or "Other countries")."""
    out = []
    for r in table.to_pylist():
        code = r["group"]
        r = {**r, "country": code,
             "label": charts.country_name(code) if code in top else OTHER}
        del r["group"]
        out.append(r)
    return out


def latest_full_year(ctx: ReportContext, periods: list[str]) -> str | None:
    """The latest calendar year in the data that has ended (else the latest year)."""
    years = sorted({p[:4] for p in periods if p and p[:4].isdigit()})
    if not years:
        return None
    done = [y for y in years if int(y) < ctx.now.year]
    return done[-1] if done else years[-1]


def build(ctx: ReportContext) -> Section:
    """The Releases section."""
    if not ctx.has_data("releases"):
        return no_data(ID, TITLE, ctx.update_command("releases"),
                       "The store holds no notable releases.")
    rel = ctx.metric("releases", by="country", period="quarter")
    rel_year = ctx.metric("releases", by="country", period="year")
    top = top_countries(rel.to_pylist())
    definition = ctx.definition("releases")
    caveats = list(definition["caveats"])
    all_rows = ctx.metric("releases", by="none", period="none").to_pylist()
    n_total = total(all_rows)
    unattributed = [r for r in rel.to_pylist() if not r["group"]]
    synced = (ctx.store.meta("registry_synced_at") or "")[:10]
    n_epoch = outside(all_rows, ctx.metric(
        "releases", by="none", period="none", catalogue="registry").to_pylist())
    epoch_date = ctx.store.meta("epoch_data_date")
    coverage = (
        f"{fmt_int(n_total)} notable releases in the openrace registry"
        + (f" (registry written to the store on {synced})" if synced else "")
        + (f" and {fmt_int(n_epoch)} more from Epoch AI's lists (data of {epoch_date}) that "
           "the registry lacks" if n_epoch > 0 and epoch_date else "")
        + ", each attributed to the country of its organisation's owner, China counted with "
        "Hong Kong (CN + HK)"
        + (f"; {fmt_int(total(unattributed))} without a country"
           if unattributed else "; none unattributed")
        + "."
    )
    section = Section(id=ID, title=TITLE)

    # 1. releases per quarter by country, open vs closed --------------------------------
    data = pa.Table.from_pylist(country_rows(rel, top))
    spec = charts.stacked_bars(
        data, x="period", colour="label", facet_row="access", facet_title="Access",
        facet_sort=["open", "closed"],
        y_title="Releases", x_title="Quarter",
    )
    year = latest_full_year(ctx, rel_year.column("period").to_pylist())
    us_y = _open_closed(rel_year, US, year)
    cn_y = _open_closed(rel_year, CN, year)
    section.charts.append(Chart(
        name="releases-by-quarter",
        title="Notable model releases per quarter, by country: open weights vs closed",
        spec=spec,
        data=data,
        definition=f"{definition['description']} Counted once per country (whole counting); "
        "open = downloadable weights, closed = API-only or unreleased.",
        coverage=coverage,
        caveats=caveats,
        alt_text=_alt_releases(year, us_y, cn_y, n_total),
        metric="releases",
        country_field="country",
        period_field="period",
        columns=["period", "country", "label", "access", "value"],
    ))

    # 2. open share by country per year ------------------------------------------------
    share = ctx.metric("open_share", by="country", period="year")
    share_rows = [r for r in country_rows(share, top) if r["label"] != OTHER]
    share_data = pa.Table.from_pylist(share_rows)
    us_share = _value(share, US, year)
    cn_share = _value(share, CN, year)
    section.charts.append(Chart(
        name="open-share-by-year",
        title="Share of notable releases with open weights, by country and year",
        spec=charts.lines(share_data, x="period", colour="label", y_title="Open share",
                          x_title="Year", y_format="%"),
        data=share_data,
        definition=ctx.definition("open_share")["description"]
        + " Open releases divided by all releases of the country in the year.",
        coverage=coverage + f" Shown for the {len(top)} countries with most releases.",
        caveats=[*caveats, "A year with few releases swings the share: read it with the "
                 "counts in the chart above."],
        alt_text=(f"In {year}, {fmt_pct(us_share)} of US notable releases had open weights, "
                  f"against {fmt_pct(cn_share)} of China's." if year else
                  "Open share of notable releases by country and year."),
        metric="open_share",
        country_field="country",
        period_field="period",
        columns=["period", "country", "label", "value"],
    ))

    # 3. open releases per quarter, China vs US, and the crossover ----------------------
    open_q = ctx.metric("open_releases", by="country", period="quarter")
    crossing = detect_in(open_q, CN, US, n=CROSSING_N, until_end=True)
    cross = crossing.period if crossing.status in ("crossed", "ahead_from_start") else None
    first = detect_in(open_q, CN, US, n=1)
    first_q = first.period if first.status in ("crossed", "ahead_from_start") else None
    duel = [{"period": p, "group": g, "value": v}
            for p, cn_v, us_v in crossing.series for g, v in ((US, us_v), (CN, cn_v))]
    if duel:
        duel_data = pa.Table.from_pylist(country_rows(pa.Table.from_pylist(duel), top))
        section.charts.append(Chart(
            name="open-releases-us-china",
            title="Notable open-weight releases per quarter: China and the United States",
            spec=_crossing_chart(duel_data, cross),
            data=duel_data,
            definition=ctx.definition("open_releases")["description"]
            + " Quarters without a release count as zero. The marked quarter is the first from "
            "which China's count matched (above zero) or passed the United States' in every "
            f"quarter through the latest one (at least {CROSSING_N} quarters).",
            coverage=coverage,
            caveats=[*caveats, "The latest quarter may be incomplete: the registry adds "
                     "releases as they are confirmed.", "One quarter ahead is not a trend: the "
                     "Openness and Adoption sections show whether the lead holds on other "
                     "measures."],
            alt_text=(f"Two lines of open-weight releases per quarter. From {cross} on, "
                      "China's count matched or passed the United States' in every quarter."
                      if cross else
                      "Two lines of open-weight releases per quarter. China's count has not "
                      "stayed level with or ahead of the United States'."),
            metric="open_releases",
            country_field="country",
            period_field="period",
            columns=["period", "country", "label", "value"],
        ))

    # 4. leading organisations --------------------------------------------------------
    lead = ctx.metric("leading_orgs", period="none")
    org_rows = _org_rows(lead)
    lead_data = pa.Table.from_pylist(org_rows) if org_rows else None
    if lead_data is not None:
        section.charts.append(Chart(
            name="leading-organisations",
            title="Organisations with the most notable releases (top 20)",
            spec=_org_chart(lead_data),
            data=lead_data,
            definition=ctx.definition("leading_orgs")["description"],
            coverage=coverage,
            caveats=caveats,
            alt_text=_alt_orgs(org_rows),
            metric="leading_orgs",
            country_field="country",
            columns=["name", "country", "access", "value"],
        ))
        section.tables.append(Table(
            name="organisations-table",
            title="Organisations behind the charts",
            caption="Every organisation with a notable release. The page shows the first 20 in "
            "the order chosen (click a heading to sort); the CSV holds them all.",
            data=_org_table(org_rows),
            country_field="country",
            limit=20,
        ))
    models = listings.releases(ctx.store).select(
        ["name", "org_names", "countries", "release_date", "access", "license_class",
         "modality", "params_b"])
    section.tables.append(Table(
        name="releases-table",
        title="The notable releases",
        caption="Every release counted above, newest first. The page shows the first 15 rows "
        "in the order chosen (click a heading to sort); the CSV holds them all.",
        data=_first_country(models).sort_by([("release_date", "descending")]),
        country_field="country",
        period_field="release_date",
        limit=15,
        columns=["name", "org_names", "countries", "release_date", "access", "license_class",
                 "params_b"],
    ))

    # how complete the latest quarters are ------------------------------------------------
    complete = quarter_completeness(ctx.store)
    latest_note = _completeness_note(complete)
    if complete:
        section.tables.append(Table(
            name="releases-completeness",
            title="How complete the latest quarters are",
            caption="The registry adds releases as they are confirmed, so its latest quarters "
            "are incomplete. Per quarter: the registry's releases; with Epoch AI's data, "
            "Epoch's notable models and how many of them the registry has. A quarter is "
            "partial when it ends after the registry's newest release.",
            data=pa.Table.from_pylist([{
                "quarter": r["period"], "registry_releases": r["registry"],
                "epoch_notable_models": r["epoch_notable"] if epoch_date else None,
                "of_which_in_registry": r["epoch_in_registry"] if epoch_date else None,
                "registry_share_of_epoch": r["registry_share_of_epoch"],
                "partial": "yes" if r["partial"] else "no"} for r in complete]),
            period_field="quarter",
            limit=8,
        ))

    # prose and headlines -----------------------------------------------------------------
    section.prose = _prose(year, us_y, cn_y, us_share, cn_share, cross, n_total)
    if latest_note:
        section.prose.append(latest_note)
    if first_q and first_q != cross:
        section.prose[-1] += (
            f" The first single quarter in which China's count matched or passed the United "
            f"States' was {first_q}; the lead did not hold then."
        )
    if year:
        ctx.add_headline(Headline(
            label="notable open-weight releases by Chinese organisations "
                  f"(US: {fmt_int(us_y[0])})",
            value=fmt_int(cn_y[0]),
            date=f"calendar year {year}",
            priority=10,
        ))
        ctx.add_headline(Headline(
            label=f"of US notable releases had open weights (China: {fmt_pct(cn_share)})",
            value=fmt_pct(us_share),
            date=f"calendar year {year}",
            priority=20,
        ))
        world = _value(ctx.metric("open_share", by="none", period="year"), "all", year)
        ctx.add_headline(Headline(
            label="of all notable releases worldwide had open weights",
            value=fmt_pct(world),
            date=f"calendar year {year}",
            priority=40,
        ))
    ctx.add_headline(Headline(
        label="quarter since which China has matched or passed the US in open-weight "
        "releases every quarter" if cross else
        "China's open-weight releases have not stayed level with or ahead of the US's",
        value=cross or "not yet",
        date=(f"registry data to {rel.column('period').to_pylist()[-1]}"
              + (f", newest release {complete[-1]['registry_through']}; the latest quarter "
                 "is not complete" if complete and complete[-1]["partial"] else "")
              if rel.num_rows else ""),
        priority=30,
    ))
    return section


def _completeness_note(rows: list[dict[str, Any]]) -> str:
    """One sentence on how complete the latest quarters are (empty without data)."""
    if not rows:
        return ""
    through = rows[-1]["registry_through"]
    partial = [r["period"] for r in rows if r["partial"]]
    text = (f"The registry's newest release is of {through}"
            + (f", so {' and '.join(partial)} {'is' if len(partial) == 1 else 'are'} not "
               "complete: counts, crossovers and trailing-four-quarter figures that include "
               "them may rise as releases are added." if partial else "."))
    shares = [r for r in rows if r["registry_share_of_epoch"] is not None]
    if shares:
        text += " Of Epoch AI's notable models, the registry holds " + ", ".join(
            f"{fmt_pct(r['registry_share_of_epoch'])} in {r['period']}" for r in shares) + "."
    return text


def _open_closed(table: pa.Table, country: str, year: str | None) -> tuple[float, float]:
    if year is None:
        return 0.0, 0.0
    rows = table.to_pylist()
    op = total(rows, group=country, period=year, access="open")
    cl = total(rows, where=lambda r: r["access"] != "open", group=country, period=year)
    return op, cl


def _value(table: pa.Table, group: str, period: str | None) -> float | None:
    return value_of(table.to_pylist(), group=group, period=period)


def _crossing_chart(data: pa.Table, cross: str | None) -> dict[str, Any]:
    labels = [charts.country_name(US), charts.country_name(CN)]
    line = charts.base().mark_line(strokeWidth=2.5).encode(
        x=alt.X("period:O", title="Quarter", axis=alt.Axis(labelAngle=-45, labelOverlap=True)),
        y=alt.Y("value:Q", title="Open-weight releases",
                axis=charts.count_axis()),
        color=alt.Color("label:N", title="Country", scale=charts.colour_scale(labels)),
        tooltip=[alt.Tooltip("period:O", title="Quarter"), alt.Tooltip("label:N", title="Country"),
                 alt.Tooltip("value:Q", title="Open releases", format=D3_NUMBER)],
    )
    points = line.mark_point(filled=True, size=30)
    layers = [line, points]
    if cross:
        mark = alt.Chart(alt.InlineData(values=[{"period": cross}]))
        rule = mark.mark_rule(strokeDash=[4, 3], color="#555").encode(x="period:O")
        text = mark.mark_text(align="right", dx=-5, fontSize=11, color="#333").encode(
            x="period:O", y=alt.value(8), text=alt.value(f"China level or ahead since {cross}"))
        layers += [rule, text]
    return charts.finish(alt.layer(*layers))


def _org_rows(lead: pa.Table) -> list[dict[str, Any]]:
    totals = totals_by(lead.to_pylist(), "group")
    out = []
    for r in lead.to_pylist():
        out.append({
            "org_id": r["group"],
            "name": r["name"] or r["group"],
            "country": r["country"],
            "country_label": charts.country_name(r["country"]),
            "access": r["access"],
            "value": r["value"],
            "total": totals[r["group"]],
        })
    out.sort(key=lambda r: (-r["total"], r["name"], r["access"]))
    return out


def _org_table(rows: list[dict[str, Any]]) -> pa.Table:
    orgs: dict[str, dict[str, Any]] = {}
    for r in rows:
        orgs.setdefault(r["org_id"], {"organisation": r["name"], "country": r["country"],
                                      "country_name": r["country_label"]})
    whole = totals_by(rows, "org_id")
    opened = totals_by(rows, "org_id", where=lambda r: r["access"] == "open")
    closed = totals_by(rows, "org_id", where=lambda r: r["access"] != "open")
    table = []
    for org_id, o in orgs.items():
        op, cl, n = (float(d.get(org_id, 0.0)) for d in (opened, closed, whole))
        table.append({**o, "open": op, "closed": cl, "total": n, "open_share": share(op, n)})
    table.sort(key=lambda o: (-o["total"], o["organisation"]))
    return pa.Table.from_pylist(table)


def _org_chart(data: pa.Table) -> dict[str, Any]:
    scale = alt.Scale(domain=["open", "closed"],
                      range=[charts.ACCESS_COLOURS["open-weights"], charts.ACCESS_COLOURS["api"]])
    chart = (
        charts.base(height=alt.Step(18))  # type: ignore[arg-type]
        .transform_joinaggregate(org_total="sum(value)", groupby=["org_id"])
        .transform_window(rank="dense_rank()",
                          sort=[alt.SortField("org_total", order="descending"),
                                alt.SortField("org_id", order="ascending")])
        .transform_filter("datum.rank <= 20")
        .transform_calculate(org_label="datum.name + ' (' + datum.country + ')'")
        .mark_bar()
        .encode(
            y=alt.Y("org_label:N", title=None, axis=alt.Axis(labelLimit=240),
                    sort=alt.EncodingSortField("org_total", op="max", order="descending")),
            x=alt.X("sum(value):Q", title="Notable releases",
                    axis=charts.count_axis()),
            color=alt.Color("access:N", title="Access", scale=scale),
            order=alt.Order("access:N", sort="descending"),
            tooltip=[alt.Tooltip("name:N", title="Organisation"),
                     alt.Tooltip("country_label:N", title="Country"),
                     alt.Tooltip("access:N", title="Access"),
                     alt.Tooltip("sum(value):Q", title="Releases", format=D3_NUMBER),
                     alt.Tooltip("org_total:Q", title="All releases", format=D3_NUMBER)],
        )
    )
    return charts.finish(chart)


def _first_country(models: pa.Table) -> pa.Table:
    firsts = [(c or "").split(";")[0] or None for c in models.column("countries").to_pylist()]
    return models.append_column("country", pa.array(firsts, pa.string()))


def _alt_releases(year: str | None, us: tuple[float, float], cn: tuple[float, float],
                  n: float) -> str:
    if not year:
        return f"Stacked bars of {fmt_int(n)} notable releases per quarter by country."
    return (f"Stacked bars per quarter, one panel for open-weight and one for closed releases. "
            f"In {year}, US organisations made {fmt_int(us[0])} open and {fmt_int(us[1])} "
            f"closed notable releases; Chinese organisations {fmt_int(cn[0])} open and "
            f"{fmt_int(cn[1])} closed.")


def _alt_orgs(rows: list[dict[str, Any]]) -> str:
    seen: list[dict[str, Any]] = []
    for r in rows:
        if r["org_id"] not in {s["org_id"] for s in seen}:
            seen.append(r)
        if len(seen) == 3:
            break
    parts = [f"{s['name']} ({s['country_label']}, {fmt_int(s['total'])})" for s in seen]
    return "Horizontal bars of notable releases per organisation, split open and closed. " \
        "Most releases: " + "; ".join(parts) + "."


def _prose(year: str | None, us: tuple[float, float], cn: tuple[float, float],
           us_share: float | None, cn_share: float | None, cross: str | None,
           n: float) -> list[str]:
    out = [
        f"The openrace registry lists {fmt_int(n)} notable model releases since 2019, open "
        "and closed, each with its organisations, date, access and licence, and a source link."
    ]
    if year:
        out.append(
            f"In {year}, Chinese organisations made {fmt_int(cn[0])} notable open-weight "
            f"releases and US organisations {fmt_int(us[0])}. The open share of US releases "
            f"was {fmt_pct(us_share)}; of Chinese releases, {fmt_pct(cn_share)}."
        )
    out.append(
        f"Quarter by quarter, China's notable open-weight releases have matched or passed "
        f"the United States' in every quarter since {cross}."
        if cross else
        "China's notable open-weight releases have not stayed level with or ahead of the "
        "United States' quarter by quarter."
    )
    return out
