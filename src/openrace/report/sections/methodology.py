"""Methodology: the rules behind every figure, the registry's size, what is unattributed."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa

from openrace.metrics.rows import total
from openrace.queries import registry as listings
from openrace.report.charts import country_name
from openrace.report.context import ReportContext, fmt_int
from openrace.report.sections import Section, Table
from openrace.rules.openness import CLASSES, MOF_RULES, OSAID_RULE

ID = "methodology"
TITLE = "Methodology"

CLASS_RULES = {
    "osi": "An OSI-approved licence, or an Open Definition conformant content licence "
           "(CC0, CC-BY, CC-BY-SA, ODC-By, ODbL, PDDL, CDLA).",
    "open-restricted": "Downloadable weights under use-based restrictions, user thresholds or "
                       "attribution terms beyond an open licence (Llama, Gemma, Qwen, DeepSeek "
                       "licences, OpenRAIL, ...).",
    "non-commercial": "Any use except commercial use (CC BY-NC, FAIR Noncommercial, ...).",
    "research-only": "Research or evaluation use only.",
    "closed": "No public weights: API-only or unreleased.",
    "unknown": "Not stated, 'other', or a licence openrace does not know.",
}


def build(ctx: ReportContext) -> Section:
    """The Methodology section."""
    orgs = listings.organizations(ctx.store)
    by_country = Counter(orgs.column("country").to_pylist())
    by_sector = Counter(orgs.column("sector").to_pylist())
    n_rel = 0
    unattributed = 0.0
    if ctx.has_data("releases"):
        n_rel = int(total(ctx.metric(
            "releases", by="none", period="none", catalogue="registry").to_pylist()))
        unattributed = total(ctx.metric("releases", by="country", period="none").to_pylist(),
                             where=lambda r: not r["group"])
    section = Section(id=ID, title=TITLE)
    section.prose = [
        "Every figure in this report comes from openrace's metric catalogue, where each "
        "metric is defined once over the store's tables (`openrace metrics list` shows them, "
        "`openrace metrics show NAME` computes one). Data flows one way: sources, then the "
        "store, then metrics, then this report.",
        f"The registry holds {fmt_int(orgs.num_rows)} organisations in "
        f"{len(by_country)} countries ({_top(by_sector)}) and {fmt_int(n_rel)} notable "
        "releases from 2019 on, each fact with a source link. "
        + (f"{fmt_int(unattributed)} release(s) could not be attributed to a country."
           if unattributed else "Every release is attributed to at least one country."),
    ]
    section.facts = [
        ("Country of a release", "The country of the ultimate owner of each organisation that "
         "made it (a lab counts for its parent company's country); a release by organisations "
         "of two countries counts once for each (whole counting). Fractional counting, which "
         "splits it, is available as a metric option."),
        ("Open", "Open means downloadable weights. Closed means API-only or unreleased."),
        ("Notable", "A release is notable when it is in the curated registry: models that "
         "moved the field or were widely reported, open and closed, from 2019."),
        ("China incl. Hong Kong", "Every US–China comparison (releases, Hub downloads, "
         "likes and derivatives, AI papers and top-cited papers, code repositories, "
         "capability lags) counts Hong Kong (HK) for China, shown as CN: the registry's China "
         "file covers mainland China and Hong Kong. Per-country OpenAlex counts give China "
         "incl. Hong Kong as the union of the two (a work with authors in both counts once) "
         "where harvested, else their sum, an upper bound. Mainland China alone is an "
         "alternative definition of every US–China claim (option china=mainland)."),
        ("Epoch AI's models", "After `openrace update epoch`, Epoch AI's notable, frontier "
         "(top 10 by training compute when released) and large-scale (at least 1e23 FLOP) "
         "models fill what the registry lacks (catalogue=both, the default): a model whose "
         "name matches a registry release counts once, as the registry's. Each Epoch "
         "organisation is linked to the registry by name or alias; one the registry does not "
         "know counts for the country Epoch gives (listed below)."),
        ("Periods", "Calendar quarters and years of the announcement date."),
        ("Crossover", "The first period from which one group's value matched (above zero) or "
         "passed another's in every period through the latest one, for at least two periods; "
         "the first single period ahead is reported alongside."),
        *[(f"Licence class: {c}", CLASS_RULES[c]) for c in CLASSES],
        *[(name, rule) for name, rule in MOF_RULES],
        ("Open Source AI Definition", "A release meets its spirit when it has " + OSAID_RULE),
        ("Hub data", "Downloads, likes and derivatives come from the Hugging Face Hub; "
         "openrace stores a snapshot at every harvest, so history starts with the first "
         "harvest. Hub downloads include automated pulls."),
        ("Research data", "AI papers come from OpenAlex (concept and topic classification); "
         "countries from author affiliations, counted whole or fractionally."),
    ]
    countries = pa.Table.from_pylist([
        {"country": c, "country_name": country_name(c), "organisations": n}
        for c, n in by_country.most_common()
    ]) if by_country else pa.table({"country": pa.array([], pa.string()),
                                    "organisations": pa.array([], pa.int64())})
    unmatched = unmatched_organizations(ctx.store)
    if unmatched:
        section.tables.append(Table(
            name="epoch-unmatched-organizations",
            title="Epoch AI organisations not in the registry",
            caption="Organisation names in Epoch AI's data that match no registry "
            "organisation or alias: their models count for the country Epoch gives, with no "
            "organisation, sector or parent.",
            data=pa.Table.from_pylist(unmatched),
            limit=60,
        ))
    section.tables.append(Table(
        name="registry-countries",
        title="Organisations in the registry, by country",
        caption="The registry's coverage: organisations per headquarters country.",
        data=countries,
        country_field="country",
        limit=60,
    ))
    return section


def unmatched_organizations(store: Any) -> list[dict[str, Any]]:
    """Epoch organisation names the registry does not know (none before an Epoch update)."""
    from openrace.harvest.epoch import unmatched_organizations as names

    return names(store)


def _top(counter: Counter[str]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counter.most_common())
