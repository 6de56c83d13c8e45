"""Code: the open repositories of the registry's organisations on GitHub — new repositories
per year, stars and forks, licence classes — by country and organisation."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from openrace.metrics.rows import ranked, share, total, totals_by, value_of
from openrace.queries.github import repo_counts
from openrace.queries.registry import organizations
from openrace.queries.runs import last_ok_run
from openrace.report import charts
from openrace.report.context import Headline, ReportContext, fmt_int, fmt_pct
from openrace.report.sections import Chart, Section, Table, no_data
from openrace.report.sections.research import full_year, top_countries, value
from openrace.rules.openness import CLASSES

ID = "code"
TITLE = "Code"
US, CN = "US", "CN"
UNATTRIBUTED = "XX"


def _rows(table: pa.Table, keep: list[str], **extra: Any) -> list[dict[str, Any]]:
    out = []
    for r in table.to_pylist():
        if r["group"] not in keep:
            continue
        out.append(
            {
                "period": r.get("period"),
                "country": r["group"],
                "label": charts.country_name(r["group"]),
                **extra,
                "value": r["value"],
            }
        )
    return out


def _coverage(ctx: ReportContext) -> tuple[str, str]:
    """The coverage sentence of the section and the date of the latest harvest."""
    last = last_ok_run(ctx.store, "github")
    runs = [last] if last else []
    n = repo_counts(ctx.store)
    when = runs[0]["ended_at"].date().isoformat() if runs and runs[0]["ended_at"] else "n/a"
    missing = (runs[0]["message"] or "") if runs else ""
    text = (
        f"{fmt_int(n['n'])} public repositories of {fmt_int(n['owners'])} GitHub "
        f"accounts listed by the registry's organisations, harvested on {when} "
        "(forks excluded unless harvested with --forks)."
    )
    if missing:
        text += f" Accounts {missing}."
    return text, when


def build(ctx: ReportContext) -> Section:
    """The Code section."""
    if not ctx.has_data("code_repos"):
        return no_data(
            ID, TITLE, ctx.update_command("code_repos"), "The store holds no GitHub repositories."
        )
    coverage, when = _coverage(ctx)
    section = Section(id=ID, title=TITLE)
    section.facts = [
        (
            "Repository",
            "a public, non-fork GitHub repository of an account the registry "
            "lists for an organisation (`github_orgs`); a user account is followed too.",
        ),
        (
            "Country",
            "the owner country of the organisation (its ultimate parent's "
            "headquarters); the alternative counts the organisation's own location.",
        ),
        (
            "Stars and forks",
            "GitHub's counts at each openrace harvest; the history is openrace's own snapshots.",
        ),
        (
            "Licence class",
            "the SPDX licence GitHub detected, classed by openrace's licence "
            "rules; NOASSERTION (a licence GitHub could not identify) and no licence are "
            "`unknown`.",
        ),
    ]
    prose = _new_repos(ctx, section, coverage)
    prose += _stars(ctx, section, coverage, when)
    prose += _licences(ctx, section, coverage)
    prose += _languages(ctx, section, coverage)
    if ctx.has_data("code_linked_releases"):
        linked = ctx.metric("code_linked_releases", by="country", period="none")
        counts = ", ".join(
            f"{charts.country_name(r['group'])} {fmt_int(r['value'])}"
            for r in sorted(linked.to_pylist(), key=lambda r: r["value"], reverse=True)
        )
        prose.append(
            "Notable releases of the registry whose source link is a harvested "
            f"repository, by country: {counts}."
        )
    section.tables.append(_top_repos(ctx))
    section.prose = prose
    return section


def _new_repos(ctx: ReportContext, section: Section, coverage: str) -> list[str]:
    repos = ctx.metric("code_repos", by="country", period="year")
    top = [c for c in top_countries(repos) if c != UNATTRIBUTED]
    definition = ctx.definition("code_repos")
    data = pa.Table.from_pylist(_rows(repos, top))
    year = full_year(ctx, repos)
    us, cn = value(repos, US, year), value(repos, CN, year)
    section.charts.append(
        Chart(
            name="code-repos-by-year",
            title="New open repositories per year, by country of the organisation",
            spec=charts.lines(data, y_title="New repositories", x_title="Year of creation"),
            data=data,
            definition=definition["description"],
            coverage=coverage,
            caveats=list(definition["caveats"]),
            alt_text=f"Lines of new public repositories per year for {len(top)} countries. In "
            f"{year}, organisations from China created {fmt_int(cn)}, from the United "
            f"States {fmt_int(us)}.",
            metric="code_repos",
            country_field="country",
            period_field="period",
        )
    )
    orgs = ctx.metric("code_repos", by="org", period="year")
    totals = totals_by(orgs.to_pylist(), "group")
    registry = organizations(ctx.store).to_pylist()
    country = {r["id"]: r["owner_country"] for r in registry}
    names = {r["id"]: r["name"] for r in registry}
    odata = pa.Table.from_pylist(
        [
            {
                "org": g,
                "label": names.get(g, g),
                "country": country.get(g),
                "country_label": charts.country_name(country.get(g)),
                "value": v,
            }
            for g, v in sorted(totals.items(), key=lambda kv: -kv[1])
        ]
        or [{"org": None, "label": None, "country": None, "country_label": None, "value": 0.0}]
    )
    section.charts.append(
        Chart(
            name="code-repos-by-org",
            title="Open repositories by organisation (all years)",
            spec=charts.ranked_bars(odata, x_title="Repositories"),
            data=odata,
            definition=definition["description"],
            coverage=coverage,
            caveats=list(definition["caveats"]),
            alt_text="Horizontal bars of the organisations with the most public repositories.",
            metric="code_repos",
            country_field="country",
        )
    )
    if year and us is not None and cn is not None:
        ctx.add_headline(
            Headline(
                label=f"new open repositories of Chinese organisations (US: {fmt_int(us)})",
                value=fmt_int(cn),
                date=f"created in {year}",
                priority=60,
            )
        )
    return [
        f"In {year}, the registry's Chinese organisations created {fmt_int(cn)} public "
        f"repositories on GitHub and its US organisations {fmt_int(us)}."
    ]


def _stars(ctx: ReportContext, section: Section, coverage: str, when: str) -> list[str]:
    stars = ctx.metric("code_stars", by="country", period="year")
    forks = ctx.metric("code_stars", by="country", period="year", measure="forks")
    top = [c for c in top_countries(stars, 4) if c != UNATTRIBUTED]
    data = pa.Table.from_pylist(
        _rows(stars, top, measure="stars") + _rows(forks, top, measure="forks")
    )
    definition = ctx.definition("code_stars")
    year = full_year(ctx, stars)
    section.charts.append(
        Chart(
            name="code-stars-by-year",
            title="Stars of the repositories created each year, by country (latest harvest)",
            spec=charts.stacked_bars(
                data.filter(pa.compute.equal(data["measure"], "stars")) if data.num_rows else data,
                y_title="Stars",
                x_title="Year of creation",
            ),
            data=data,
            definition=definition["description"],
            coverage=coverage,
            caveats=list(definition["caveats"]),
            alt_text=f"Stacked bars of stars by year of creation. Repositories created in {year}: "
            f"China {fmt_int(value(stars, CN, year))}, the United States "
            f"{fmt_int(value(stars, US, year))} stars.",
            metric="code_stars",
            country_field="country",
            period_field="period",
        )
    )
    star_share = ctx.metric("code_star_share", by="country", period="month")
    latest = ctx.metric("code_star_share", by="country", period="none")
    sdata = pa.Table.from_pylist(_rows(star_share, top))
    us = value_of(latest.to_pylist(), group=US)
    cn = value_of(latest.to_pylist(), group=CN)
    section.charts.append(
        Chart(
            name="code-star-share",
            title="Share of all stars of the harvested repositories, per month of harvest",
            spec=charts.lines(
                sdata, y_title="Share of stars", x_title="Month of harvest", y_format="%"
            ),
            data=sdata,
            definition=ctx.definition("code_star_share")["description"],
            coverage=coverage,
            caveats=list(ctx.definition("code_star_share")["caveats"]),
            alt_text=f"Lines of each country's share of stars over openrace's harvests; at the "
            f"latest ({when}) the United States held {fmt_pct(us)} and China "
            f"{fmt_pct(cn)}.",
            metric="code_star_share",
            country_field="country",
            period_field="period",
        )
    )
    if cn is not None:
        ctx.add_headline(
            Headline(
                label=f"share of GitHub stars held by Chinese organisations' "
                f"repositories (US: {fmt_pct(us)})",
                value=fmt_pct(cn),
                date=f"harvest of {when}",
                priority=65,
            )
        )
    return [
        f"At the latest harvest ({when}), the repositories of US organisations held "
        f"{fmt_pct(us)} of all stars of the harvested repositories, those of Chinese "
        f"organisations {fmt_pct(cn)}."
    ]


def _licences(ctx: ReportContext, section: Section, coverage: str) -> list[str]:
    lic = ctx.metric("code_licenses", by="country", period="none")
    top = [c for c in top_countries(lic) if c != UNATTRIBUTED]
    data = pa.Table.from_pylist(
        [
            {
                "country": r["group"],
                "label": charts.country_name(r["group"]),
                "license_class": r["license_class"],
                "value": r["value"],
            }
            for r in lic.to_pylist()
            if r["group"] in top
        ]
    )
    definition = ctx.definition("code_licenses")
    osi = total(lic.to_pylist(), license_class="osi")
    n = total(lic.to_pylist())
    section.charts.append(
        Chart(
            name="code-licences",
            title="Licence classes of the open repositories, by country",
            spec=charts.heat(data, value_title="Repositories", x_sort=list(CLASSES)),
            data=data,
            definition=definition["description"],
            coverage=coverage,
            caveats=list(definition["caveats"]),
            alt_text=f"A table of repositories by licence class and country; "
            f"{fmt_pct(share(osi, n))} of all are under an "
            "OSI-approved licence.",
            metric="code_licenses",
            country_field="country",
        )
    )
    by_class = totals_by(lic.to_pylist(), "license_class")
    parts = [
        f"{fmt_pct(share(v, n))} {k}"
        for k, v in sorted(by_class.items(), key=lambda kv: -kv[1])
        if n
    ]
    return [
        f"Licence classes of all {fmt_int(n)} repositories: {', '.join(parts)} "
        "(unknown: no licence, or one GitHub could not identify)."
    ]


def _languages(ctx: ReportContext, section: Section, coverage: str) -> list[str]:
    langs = ctx.metric("code_languages", by="country", period="none")
    rows = langs.to_pylist()
    top = [c for c in top_countries(langs) if c != UNATTRIBUTED]
    keep = ranked(totals_by(rows, "language"))[:8]
    data = pa.Table.from_pylist(
        [
            {
                "country": r["group"],
                "label": charts.country_name(r["group"]),
                "language": r["language"] if r["language"] in keep else "other",
                "value": r["value"],
            }
            for r in rows
            if r["group"] in top
        ]
    )
    definition = ctx.definition("code_languages")
    section.charts.append(
        Chart(
            name="code-languages",
            title="Main languages of the open repositories, by country",
            spec=charts.stacked_bars(
                data,
                x="label",
                colour="language",
                colour_title="Language",
                y_title="Share of repositories",
                x_title="Country",
                normalize=True,
            ),
            data=data,
            definition=definition["description"],
            coverage=coverage,
            caveats=list(definition["caveats"]),
            alt_text="Bars, one per country, split by the main language of its "
            f"organisations' repositories; the most common overall: {', '.join(keep[:3])}.",
            metric="code_languages",
            country_field="country",
        )
    )
    return [f"The most common main languages: {', '.join(keep[:5])}."] if keep else []


def _top_repos(ctx: ReportContext) -> Table:
    from openrace.queries.github import repos

    t = repos(ctx.store, sort="stars", limit=500)
    keep = [
        "repo",
        "created",
        "stars",
        "forks",
        "license",
        "license_class",
        "language",
        "archived",
        "organisations",
        "countries",
        "url",
    ]
    rows = t.select(keep).to_pylist()
    for r in rows:
        r["created"] = r["created"].isoformat() if r["created"] else None
    return Table(
        name="code-top-repos",
        title="The most-starred open repositories",
        caption="Harvested repositories, most stars first, with their licence and organisation.",
        data=pa.Table.from_pylist(rows) if rows else t.select(keep),
        country_field=None,
        limit=30,
    )
