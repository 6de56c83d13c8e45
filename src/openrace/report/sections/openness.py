"""Openness: how open is "open" — licence classes and openness grades by country."""

from __future__ import annotations

from typing import Any

import altair as alt
import pyarrow as pa

from openrace.metrics.rows import share, total, totals_by
from openrace.report import charts
from openrace.report.context import ReportContext, fmt_int, fmt_pct
from openrace.report.formatting import D3_NUMBER
from openrace.report.sections import Chart, Section, no_data
from openrace.report.sections.releases import country_rows, top_countries
from openrace.rules.openness import CLASSES

ID = "openness"
TITLE = "Openness"

CLASS_LABELS = {
    "osi": "OSI-approved",
    "open-restricted": "Open, with restrictions",
    "non-commercial": "Non-commercial",
    "research-only": "Research only",
    "closed": "Closed",
    "unknown": "Unknown",
}


def build(ctx: ReportContext) -> Section:
    """The Openness section."""
    if not ctx.has_data("release_licenses"):
        return no_data(ID, TITLE, ctx.update_command("release_licenses"),
                       "The store holds no notable releases.")
    lic = ctx.metric("release_licenses", by="country", period="year")
    top = top_countries(lic.to_pylist())
    rows = country_rows(lic, top)
    for r in rows:
        r["class_label"] = CLASS_LABELS.get(r["license_class"], r["license_class"])
    data = pa.Table.from_pylist(rows)
    definition = ctx.definition("release_licenses")
    all_rows = ctx.metric("release_licenses", by="none", period="none").to_pylist()
    totals = _class_totals(all_rows)
    n = total(all_rows)
    open_n = total(all_rows, where=lambda r: r["license_class"] != "closed")
    section = Section(id=ID, title=TITLE)
    section.charts.append(Chart(
        name="licence-classes-by-country",
        title="Notable releases by licence class and country",
        spec=_class_chart(data),
        data=data,
        definition=definition["description"]
        + " Each licence is mapped to one class by openrace's rule table (see Methodology).",
        coverage=f"{fmt_int(n)} notable releases of the registry, all years; the "
        f"{len(top) - 1 if len(top) > 1 else len(top)}+ countries with most releases drawn "
        "separately, the rest as Other countries.",
        caveats=[*definition["caveats"],
                 "A licence class describes the terms, not how the model is used.",
                 "Custom licences openrace does not know count as unknown."],
        alt_text=_alt(totals, n),
        metric="release_licenses",
        country_field="country",
        period_field="period",
        columns=["period", "country", "label", "license_class", "value"],
    ))
    section.prose = [
        "Open weights are not all equally open. Each release's licence is graded into a "
        "class, from OSI-approved (use, study, modify and share for any purpose) through "
        "open-with-restrictions (community licences with use or user limits) to "
        "non-commercial, research-only and closed.",
        _prose(totals, n, open_n),
    ]
    if ctx.has_metric("release_mof") and ctx.has_data("release_mof"):
        section.charts.append(_grade_chart(ctx, top))
    if ctx.has_metric("osaid_share") and ctx.has_data("osaid_share"):
        world = ctx.metric("osaid_share", by="none", period="none").to_pylist()
        if world:
            section.prose.append(
                f"Only {fmt_pct(world[0]['value'], 1)} of open-weight notable releases meet "
                "the spirit of the OSI Open Source AI Definition (weights, training code and "
                "training data public under OSI-approved terms)."
            )
    return section


def _class_totals(rows: list[dict[str, Any]]) -> dict[str, float]:
    return {**{c: 0.0 for c in CLASSES}, **totals_by(rows, "license_class")}


def _class_chart(data: pa.Table) -> dict[str, Any]:
    order = [CLASS_LABELS[c] for c in CLASSES]
    scale = alt.Scale(domain=order, range=[charts.LICENSE_COLOURS[c] for c in CLASSES])
    labels = charts.order_by_total(data, "label")
    chart = (
        charts.base(height=alt.Step(26))  # type: ignore[arg-type]
        .transform_calculate(class_rank=f"indexof({order!r}, datum.class_label)")
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=labels),
            x=alt.X("sum(value):Q", stack="normalize", title="Share of the country's releases",
                    axis=alt.Axis(format="%")),
            color=alt.Color("class_label:N", title="Licence class", scale=scale, sort=order),
            order=alt.Order("class_rank:Q"),
            tooltip=[alt.Tooltip("label:N", title="Country"),
                     alt.Tooltip("class_label:N", title="Licence class"),
                     alt.Tooltip("sum(value):Q", title="Releases", format=D3_NUMBER)],
        )
    )
    return charts.finish(chart)


GRADES = ("Class I", "Class II", "Class III", "ungraded")
GRADE_COLOURS = (charts.OKABE_ITO[2], charts.OKABE_ITO[0], charts.OKABE_ITO[5], charts.GREY)


def _grade_chart(ctx: ReportContext, top: list[str]) -> Chart:
    m = ctx.definition("release_mof")
    table = ctx.metric("release_mof", by="country", period="year")
    rows = country_rows(table, top)
    data = pa.Table.from_pylist(rows)
    all_rows = ctx.metric("release_mof", by="none", period="none").to_pylist()
    totals = {**{g: 0.0 for g in GRADES}, **totals_by(all_rows, "mof_class")}
    n = total(all_rows)
    labels = charts.order_by_total(data, "label")
    scale = alt.Scale(domain=list(GRADES), range=list(GRADE_COLOURS))
    chart = (
        charts.base(height=alt.Step(26))  # type: ignore[arg-type]
        .transform_calculate(grade_rank=f"indexof({list(GRADES)!r}, datum.mof_class)")
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=labels),
            x=alt.X("sum(value):Q", title="Open-weight releases",
                    axis=charts.count_axis()),
            color=alt.Color("mof_class:N", title="Openness grade", scale=scale,
                            sort=list(GRADES)),
            order=alt.Order("grade_rank:Q"),
            tooltip=[alt.Tooltip("label:N", title="Country"),
                     alt.Tooltip("mof_class:N", title="Grade"),
                     alt.Tooltip("sum(value):Q", title="Releases", format=D3_NUMBER)],
        )
    )
    graded = total(all_rows, where=lambda r: r["mof_class"] != "ungraded")
    return Chart(
        name="openness-grades",
        title="Open-weight releases by openness grade (Model Openness Framework) and country",
        spec=charts.finish(chart),
        data=data,
        definition=m["description"],
        coverage=f"{fmt_int(n)} open-weight notable releases of the registry, all years.",
        caveats=list(m["caveats"]),
        alt_text=(f"Horizontal bars of open-weight releases per country, split by grade. Of "
                  f"{fmt_int(n)} open-weight releases, {fmt_int(graded)} reach a grade: "
                  f"{fmt_int(totals.get('Class I'))} Class I (open science), "
                  f"{fmt_int(totals.get('Class II'))} Class II (open tooling), "
                  f"{fmt_int(totals.get('Class III'))} Class III (open model)."),
        metric="release_mof",
        country_field="country",
        period_field="period",
        columns=["period", "country", "label", "mof_class", "value"],
    )


def _alt(totals: dict[str, float], n: float) -> str:
    parts = [f"{CLASS_LABELS[c]} {fmt_pct(share(totals[c], n))}"
             for c in CLASSES if totals.get(c)]
    return ("Horizontal bars, one per country, split by licence class. Across all countries: "
            + ", ".join(parts) + ".")


def _prose(totals: dict[str, float], n: float, open_n: float) -> str:
    osi = totals.get("osi", 0.0)
    return (
        f"Of {fmt_int(n)} notable releases, {fmt_int(open_n)} have open weights; of these, "
        f"{fmt_int(osi)} ({fmt_pct(share(osi, open_n))}) are under an "
        "OSI-approved licence, the rest under restricted, non-commercial or research-only "
        "terms, or terms openrace cannot classify."
    )
