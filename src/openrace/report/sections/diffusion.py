"""Diffusion: whose models others build on. Derivatives (fine-tunes, adapters,
quantisations, merges) counted back to the origin of their root model, per month."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from openrace.harvest.hf import coverage_note
from openrace.metrics.rows import outside, share, total
from openrace.queries import hf as hub_listings
from openrace.report import charts
from openrace.report.context import Headline, ReportContext, fmt_int, fmt_pct
from openrace.report.sections import Chart, Section, Table, no_data
from openrace.report.sections.adoption import OTHER, labelled, last_harvest, top_groups

ID = "diffusion"
TITLE = "Diffusion"
RELATIONS = ("finetune", "adapter", "quantized", "merge", "unknown")


def build(ctx: ReportContext) -> Section:
    """The Diffusion section."""
    if not ctx.has_data("hub_derivatives"):
        return no_data(ID, TITLE, ctx.update_command("hub_derivatives"),
                       "The store holds no derivatives of harvested Hub models.")
    when = last_harvest(ctx)
    definition = ctx.definition("hub_derivatives")
    caveats = list(definition["caveats"])
    section = Section(id=ID, title=TITLE)

    # 1. derivatives per month by origin, with and without quantisations -----------------
    rows: list[dict[str, Any]] = []
    for quant, label in (("include", "All derivatives"),
                         ("exclude", "Without quantisations")):
        t = ctx.metric("hub_derivatives", by="country", period="month", counting="fractional",
                       quantized=quant)
        rows += [{**r, "variant": label} for r in t.to_pylist()]
    all_rows = [r for r in rows if r["variant"] == "All derivatives"]
    top = top_groups(all_rows)
    data = pa.Table.from_pylist(labelled(rows, top))
    n_all = total(all_rows)
    cn, us = total(all_rows, group="CN"), total(all_rows, group="US")
    no_q = [r for r in rows if r["variant"] == "Without quantisations"]
    total_nq = total(no_q)
    # a derivative with no known creation date is in no month: say how many
    undated = outside(ctx.metric("hub_derivatives", by="country", period="none",
                                 counting="fractional").to_pylist(), all_rows)
    coverage = " ".join(filter(None, (
        f"{fmt_int(n_all)} derivatives of harvested models (latest harvest {when}), "
        "each counted for the origin of its root model; a merge of two origins counts "
        "half for each (fractional counting).",
        f"{fmt_int(undated)} more have no creation date on the Hub (created before "
        "2022-03-02) and are in no month." if undated >= 0.5 else None,
        coverage_note(ctx.store))))
    section.prose.append(
        f"Of the {fmt_int(n_all)} derivatives openrace has harvested, "
        f"{fmt_pct(share(cn, n_all), 1)} "
        f"build on models of Chinese origin and {fmt_pct(share(us, n_all), 1)} on models of US "
        f"origin. Leaving out quantisations (repackagings of the same weights), the shares are "
        f"{fmt_pct(share(total(no_q, group='CN'), total_nq), 1) if total_nq else 'n/a'} and "
        f"{fmt_pct(share(total(no_q, group='US'), total_nq), 1) if total_nq else 'n/a'}."
        if n_all else "No derivatives are attributed yet.")
    section.charts.append(Chart(
        name="diffusion-derivatives-by-month",
        title="Derivatives per month of creation, by origin of the root model",
        spec=charts.stacked_bars(data, x="period", colour="label", facet_row="variant",
                                 facet_sort=["All derivatives", "Without quantisations"],
                                 y_title="Derivatives", x_title="Month",
                                 extra_tooltip=[("country", "Code", "nominal"),
                                                ("relation", "Relation", "nominal")]),
        data=data,
        definition=definition["description"],
        coverage=coverage,
        caveats=caveats,
        alt_text=(f"{fmt_int(cn)} derivatives of Chinese-origin models and {fmt_int(us)} of "
                  f"US-origin models, per month of creation."),
        metric="hub_derivatives",
        country_field="country",
        period_field="period",
        columns=["variant", "period", "country", "label", "relation", "value"],
    ))
    if n_all:
        ctx.add_headline(Headline(label="Derivatives built on Chinese-origin models",
                                  value=fmt_pct(share(cn, n_all), 1), date=when,
                                  detail=f"US-origin: {fmt_pct(share(us, n_all), 1)}; fine-tunes, "
                                  "adapters, quantisations and merges on the Hub",
                                  priority=35))

    # 2. share per quarter ------------------------------------------------------------------
    by_quarter = ctx.metric("hub_derivative_share", by="country", period="quarter").to_pylist()
    share_rows = [r for r in labelled(by_quarter, top) if r["label"] != OTHER]
    share_data = pa.Table.from_pylist(share_rows)
    section.charts.append(Chart(
        name="diffusion-share-by-quarter",
        title="Share of new derivatives by origin of the root model, per quarter",
        spec=charts.lines(share_data, x="period", colour="label", y_title="Share",
                          x_title="Quarter", y_format="%"),
        data=share_data,
        definition=ctx.definition("hub_derivative_share")["description"],
        coverage=coverage,
        caveats=[*caveats, "Quarters with few derivatives swing the share."],
        alt_text="Each origin's share of the derivatives created per quarter.",
        metric="hub_derivative_share",
        country_field="country",
        period_field="period",
        columns=["period", "country", "label", "value"],
    ))

    # 3. kind of derivative by origin ----------------------------------------------------
    rel = ctx.metric("hub_derivatives", by="country", period="none").to_pylist()
    rel_data = pa.Table.from_pylist(labelled(rel, top))
    section.charts.append(Chart(
        name="diffusion-relations",
        title="Kinds of derivative by origin of the root model",
        spec=charts.heat(rel_data, x="relation", y="label", x_title="Relation",
                         y_title="Origin", value_title="Derivatives", x_sort=RELATIONS),
        data=rel_data,
        definition="Derivatives by relation to their parent, from the Hub's base_model tags: "
        "finetune, adapter, quantized, merge (unknown when the tag names no relation). "
        "Whole counting.",
        coverage=coverage,
        caveats=caveats,
        alt_text="A table of derivative counts by relation and origin country.",
        metric="hub_derivatives",
        country_field="country",
        columns=["country", "label", "relation", "value"],
    ))

    # 4. the most built-on models --------------------------------------------------------
    most = hub_listings.models(ctx.store, sort="children", limit=100).select(
        ["model", "org", "country", "children", "downloads_30d", "license_class"])
    section.tables.append(Table(
        name="diffusion-most-derived", title="Models with most direct derivatives",
        data=most, caption="Direct derivatives of each model among the harvested models "
        "(their base_model tags); complete after a snapshot of the whole Hub.",
        country_field="country", limit=25))
    return section
