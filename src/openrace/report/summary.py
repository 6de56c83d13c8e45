"""The summary at the top of the report: claims' verdicts and four headline numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from openrace.queries.runs import sources_refreshed
from openrace.report.context import Headline, ReportContext
from openrace.report.sections import Section
from openrace.sources import SPECS

#: How the summary credits each source: its spec's title.
SOURCE_NAMES = {s.name: s.title for s in SPECS if s.name != "registry"}


@dataclass
class AltRow:
    """A claim's verdict under one alternative definition."""

    label: str
    verdict: str
    verdict_class: str
    evidence: str


@dataclass
class ClaimRow:
    """One checked claim as shown in the summary table."""

    text: str
    verdict: str
    verdict_class: str
    evidence: str
    robustness: str
    robustness_detail: str = ""
    alternatives: list[AltRow] = field(default_factory=list)
    #: anchor id of the chart or section behind the claim
    chart: str | None = None
    #: who made the claim: (one line, link or None)
    said_by: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass
class Summary:
    """What the summary shows."""

    prose: list[str] = field(default_factory=list)
    headlines: list[Headline] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)
    claims_empty: str = ""
    as_of: datetime | None = None
    sources: list[str] = field(default_factory=list)


def verdict_class(verdict: str) -> str:
    """CSS class of a verdict: supported, contradicted, insufficient or other."""
    v = verdict.lower()
    if v.startswith("support"):
        return "supported"
    if v.startswith("contradict"):
        return "contradicted"
    if v.startswith("insufficient"):
        return "insufficient"
    return "other"


def data_as_of(ctx: ReportContext) -> tuple[datetime | None, list[str]]:
    """When the data was last refreshed (registry sync or harvest) and which sources
    the store holds."""
    stamps: list[datetime] = []
    synced = ctx.store.meta("registry_synced_at")
    if synced:
        stamps.append(datetime.fromisoformat(synced))
    runs = sources_refreshed(ctx.store)
    sources = [SOURCE_NAMES.get(r["source"], r["source"]) for r in runs]
    stamps += [r["at"] for r in runs if r["at"] is not None]
    return (max(stamps) if stamps else None), sources


def claim_rows(ctx: ReportContext, anchors: set[str]) -> tuple[list[ClaimRow], str]:
    """The bundled claims checked on the store, or why they cannot be shown."""
    from openrace.claims import check_claims

    rows = []
    for result in check_claims(ctx.store, catalogue=ctx.catalogue):
        d = result.to_dict()
        chart = d.get("chart")
        link = None
        if chart and f"fig-{chart}" in anchors:
            link = f"fig-{chart}"
        elif chart and chart in anchors:
            link = chart
        rows.append(ClaimRow(
            text=d["claim"],
            verdict=str(d["verdict"]).replace("_", " "),
            verdict_class=verdict_class(str(d["verdict"])),
            evidence=d.get("evidence") or "",
            robustness=str(d.get("robustness") or "").replace("_", " "),
            robustness_detail=d.get("robustness_detail") or "",
            alternatives=[
                AltRow(label=a["label"], verdict=str(a["verdict"]).replace("_", " "),
                       verdict_class=verdict_class(str(a["verdict"])),
                       evidence=a.get("evidence") or "")
                for a in d.get("alternatives", [])
            ],
            chart=link,
            said_by=[(", ".join(x for x in (s.get("who"), s.get("where"), s.get("when")) if x),
                      s.get("link")) for s in d.get("said_by", [])],
        ))
    if not rows:
        return [], "No claims are defined."
    return rows, ""


def build_summary(ctx: ReportContext, sections: list[Section]) -> Summary:
    """The summary from the sections' headline offers and the claims."""
    as_of, sources = data_as_of(ctx)
    heads = sorted(ctx.headlines, key=lambda h: h.priority)[:4]
    anchors = {s.id for s in sections} | {f"fig-{c.name}" for s in sections for c in s.charts}
    claims, claims_empty = claim_rows(ctx, anchors)
    filled = [s.title for s in sections if not s.empty and s.charts]
    empty = [s.title for s in sections if s.empty]
    prose = []
    if claims:
        counts: dict[str, int] = {}
        for c in claims:
            counts[c.verdict_class] = counts.get(c.verdict_class, 0) + 1
        parts = [f"{counts[k]} {label}" for k, label in (
            ("supported", "supported"), ("contradicted", "contradicted"),
            ("insufficient", "without enough data yet"), ("other", "undecided"))
            if counts.get(k)]
        robust = len([c for c in claims if c.robustness == "robust"])
        prose.append(
            f"Of {len(claims)} claims from the public debate checked against the data: "
            + _join(parts) + "."
            + (f" {robust} of the verdicts hold under every alternative definition a critic "
               "could choose." if robust else "")
        )
    if filled:
        prose.append(
            "This report measures the open-AI race from public records: "
            + _join(filled).lower()
            + " are drawn from the data below; each figure links to the CSV behind it and "
            "states its definition, coverage and caveats."
        )
    if empty:
        prose.append(
            f"{_join(empty)} {'have' if len(empty) > 1 else 'has'} no data yet: "
            "the sections say which `openrace update` command fills them."
        )
    return Summary(prose=prose, headlines=heads, claims=claims, claims_empty=claims_empty,
                   as_of=as_of, sources=sources)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
