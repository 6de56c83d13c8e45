"""Adoption: whose open models are downloaded and liked, by origin, and how the shares move
between harvests."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from openrace.harvest.hf import coverage_note
from openrace.metrics.rows import top_groups as rows_top_groups
from openrace.metrics.rows import total, value_of
from openrace.queries import hf as hub_listings
from openrace.queries.registry import organizations
from openrace.queries.runs import last_ok_run
from openrace.report import charts
from openrace.report.context import Headline, ReportContext, fmt_int, fmt_pct
from openrace.report.sections import Chart, Section, Table, no_data

ID = "adoption"
TITLE = "Adoption"
TOP = 6
OTHER = "Other countries"
UNATTRIBUTED = "XX"
VARIANTS = (
    ("30d", "include", "30-day downloads"),
    ("30d", "exclude", "30-day, without quantisations"),
    ("all_time", "include", "All-time downloads"),
    ("all_time", "exclude", "All-time, without quantisations"),
)


def top_groups(rows: list[dict[str, Any]], n: int = TOP) -> list[str]:
    """The ``n`` countries with the largest values (US and China always, XX never: it is
    shown as "Unattributed")."""
    return rows_top_groups(rows, n, exclude=(UNATTRIBUTED,))


def labelled(rows: list[dict[str, Any]], top: list[str]) -> list[dict[str, Any]]:
    """Rows with ``country`` (code) and ``label`` (name, "Unattributed" or "Other
    countries") instead of ``group``."""
    out = []
    for r in rows:
        code = r["group"]
        label = ("Unattributed" if code == UNATTRIBUTED
                 else charts.country_name(code) if code in top else OTHER)
        out.append({**{k: v for k, v in r.items() if k != "group"}, "country": code,
                    "label": label})
    return out


def share_of(rows: list[dict[str, Any]], code: str) -> float | None:
    """The value of one group (None if absent)."""
    return value_of(rows, group=code)


def last_harvest(ctx: ReportContext) -> str:
    """The date of the latest completed Hub update."""
    run = last_ok_run(ctx.store, "hf", "update:")
    t = run["ended_at"] if run else None
    return t.date().isoformat() if t else "n/a"


def build(ctx: ReportContext) -> Section:
    """The Adoption section."""
    if not ctx.has_data("hub_download_share"):
        return no_data(ID, TITLE, ctx.update_command("hub_download_share"),
                       "The store holds no Hub download observations.")
    when = last_harvest(ctx)
    definition = ctx.definition("hub_download_share")
    caveats = list(definition["caveats"])
    section = Section(id=ID, title=TITLE)

    # 1. download share by origin country, four definitions -------------------------------
    variants: list[dict[str, Any]] = []
    for window, quant, label in VARIANTS:
        t = ctx.metric("hub_download_share", by="country", period="none", downloads=window,
                       quantized=quant)
        variants += [{**r, "definition": label} for r in t.to_pylist()]
    base = [r for r in variants if r["definition"] == VARIANTS[0][2]]
    top = top_groups(base)
    data = pa.Table.from_pylist(labelled(variants, top))
    own = ctx.metric("hub_download_share", by="country", period="none",
                     attribution="own").to_pylist()
    cn, us, xx = (share_of(base, c) for c in ("CN", "US", UNATTRIBUTED))
    n_models = ctx.metric("hub_models", by="none", period="none").to_pylist()
    n = total(n_models)
    coverage = (f"{fmt_int(n)} Hub models harvested by openrace; latest harvest {when}. "
                f"Unattributed (namespaces outside the registry): {fmt_pct(xx or 0.0, 1)} "
                "of 30-day downloads.")
    coverage = " ".join(filter(None, (coverage, coverage_note(ctx.store))))
    section.prose.append(
        f"In the latest harvest ({when}), models of Chinese origin drew {fmt_pct(cn, 1)} of "
        f"the 30-day downloads of the harvested Hub models and models of US origin "
        f"{fmt_pct(us, 1)}, counting each fine-tune, adapter, quantisation and merge for the "
        f"origin of its root model. Counting every model only for its own publisher, the "
        f"shares are {fmt_pct(share_of(own, 'CN'), 1)} (China) and "
        f"{fmt_pct(share_of(own, 'US'), 1)} (US).")
    section.charts.append(Chart(
        name="adoption-download-share",
        title="Share of Hub downloads by origin country, under four definitions",
        spec=charts.stacked_bars(data, x="definition", colour="label", normalize=True,
                                 y_title="Share of downloads", x_title="Definition",
                                 extra_tooltip=[("country", "Code", "nominal")],
                                 aside="Unattributed" if charts.dominates(xx) else None),
        data=data,
        definition=definition["description"] + " Derivatives count for the origin of their "
        "root model; 30-day and all-time downloads, with and without quantisations.",
        coverage=coverage,
        caveats=caveats,
        alt_text=(f"China's share of 30-day downloads is {fmt_pct(cn, 1)}, the US share "
                  f"{fmt_pct(us, 1)}, in the harvest of {when}."),
        metric="hub_download_share",
        country_field="country",
        columns=["definition", "country", "label", "value"],
    ))
    if cn is not None:
        ctx.add_headline(Headline(label="China's share of open-model downloads on the Hub",
                                  value=fmt_pct(cn, 1), date=when,
                                  detail=f"US: {fmt_pct(us, 1)}; 30-day downloads, "
                                  "derivatives counted for their root model's origin",
                                  priority=30))

    # 2. how the share moves between harvests --------------------------------------------
    hist = ctx.metric("hub_download_share", by="country", period="month").to_pylist()
    hist_rows = [r for r in labelled(hist, top) if r["label"] != OTHER]
    months = sorted({r["period"] for r in hist})
    hist_data = pa.Table.from_pylist(hist_rows)
    section.charts.append(Chart(
        name="adoption-share-history",
        title="Share of 30-day Hub downloads by origin, per month of harvest",
        spec=charts.lines(hist_data, x="period", colour="label", y_title="Share of downloads",
                          x_title="Month of harvest", y_format="%"),
        data=hist_data,
        definition="The latest observation of each model within each month, from openrace's "
        "own stored snapshots: the Hub keeps no download history.",
        coverage=f"{len(months)} month(s) with a harvest: {', '.join(months[-6:])}.",
        caveats=[*caveats, "One point per month with a harvest; the line starts with the "
                 "first harvest stored."],
        alt_text=f"Download shares by origin over {len(months)} month(s) of harvests.",
        metric="hub_download_share",
        country_field="country",
        period_field="period",
        columns=["period", "country", "label", "value"],
    ))

    # 3. downloads by organisation ---------------------------------------------------------
    orgs = ctx.metric("hub_downloads", by="org", period="none").to_pylist()
    names = {r["id"]: (r["name"], r["owner_country"])
             for r in organizations(ctx.store).to_pylist()}
    org_rows = [{"org": r["group"],
                 "label": names.get(r["group"], (r["group"], None))[0],
                 "country": names.get(r["group"], (None, UNATTRIBUTED))[1] or UNATTRIBUTED,
                 "value": r["value"]} for r in orgs]
    for r in org_rows:
        r["country_label"] = charts.country_name(r["country"])
    org_data = pa.Table.from_pylist(org_rows)
    section.charts.append(Chart(
        name="adoption-downloads-by-org",
        title="30-day Hub downloads by organisation of origin",
        spec=charts.ranked_bars(org_data, category="label", colour="country_label",
                                x_title="30-day downloads"),
        data=org_data,
        definition=ctx.definition("hub_downloads")["description"],
        coverage=coverage,
        caveats=caveats,
        alt_text="Organisations ranked by the 30-day downloads of their models and the "
        "derivatives built on them.",
        metric="hub_downloads",
        country_field="country",
        columns=["org", "label", "country", "value"],
    ))

    # 4. the models behind the figures ----------------------------------------------------
    top_models = hub_listings.models(ctx.store, limit=100).select(
        ["model", "org", "country", "origin_org", "origin_country", "relation",
         "downloads_30d", "downloads_all_time", "likes"])
    section.tables.append(Table(
        name="adoption-top-models", title="Most downloaded harvested models",
        data=top_models, caption="Latest observation of each model; origin is the root "
        "model's organisation for derivatives.", country_field="country", limit=25))
    return section
