"""Research: AI papers by country, the top-cited share, company papers, US–China
co-authorship, and talent: academia–industry co-authorship and the top-cited papers of
universities and companies (OpenAlex)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from openrace.metrics.rows import first_ahead, peak, top_groups, total, value_of
from openrace.report import charts
from openrace.report.context import Headline, ReportContext, fmt_int, fmt_pct
from openrace.report.sections import Chart, Section, Table, no_data

ID = "research"
TITLE = "Research"
US, CN = "US", "CN"
TOP_COUNTRIES = 6
UPDATE = "openrace update openalex"


def _rows(table: pa.Table, keep: list[str] | None = None, suffix: str = "") -> list[dict]:
    out = []
    for r in table.to_pylist():
        if keep is not None and r["group"] not in keep:
            continue
        out.append({"period": r["period"], "country": r["group"],
                    "label": charts.country_name(r["group"]) + suffix, "value": r["value"]})
    return out


def top_countries(table: pa.Table, n: int = TOP_COUNTRIES) -> list[str]:
    """The ``n`` countries with the largest totals (the US and China always included)."""
    return top_groups(table.to_pylist(), n, always=(US, CN))


def full_year(ctx: ReportContext, table: pa.Table) -> str | None:
    """The latest year in ``table`` that has ended (else the latest year)."""
    years = sorted({p for p in table.column("period").to_pylist() if p and p.isdigit()})
    if not years:
        return None
    done = [y for y in years if int(y) < ctx.now.year]
    return done[-1] if done else years[-1]


def value(table: pa.Table, group: str, period: str | None) -> float | None:
    """The value of ``group`` in ``period`` (None if absent)."""
    return value_of(table.to_pylist(), group=group, period=period)


def build(ctx: ReportContext) -> Section:
    """The Research section."""
    has_agg = ctx.has_data("ai_papers")
    has_top = ctx.has_data("top_cited_papers")
    if not has_agg and not has_top:
        return no_data(ID, TITLE, UPDATE, "The store holds no OpenAlex data.")
    section = Section(id=ID, title=TITLE)
    prose: list[str] = []
    section.facts = [
        ("AI works", "OpenAlex works whose primary topic is in subfield 1702 (Artificial "
         "Intelligence); `--selection broad` counts any of a work's topics."),
        ("Whole counting", "a work counts once for every country (or organisation) with an "
         "author there."),
        ("Fractional counting", "each author holds an equal share of a work, split equally "
         "between their institutions; a work's shares sum to 1."),
        ("Company paper of a country", "a work with an author at a company located in "
         "the country (a company: by the registry, else ROR's types, else OpenAlex's "
         "type)."),
        ("Academia–industry co-authored", "a work with authors at both a company and a "
         "university of the same country."),
    ]
    if has_agg:
        prose += _papers(ctx, section)
    if has_top:
        prose += _top_cited(ctx, section)
    if has_agg:
        prose += _coauthorship(ctx, section)
    prose += _talent(ctx, section, has_agg, has_top)
    section.prose = prose
    return section


def _papers(ctx: ReportContext, section: Section) -> list[str]:
    papers = ctx.metric("ai_papers", by="country", period="year")
    top = top_countries(papers)
    definition = ctx.definition("ai_papers")
    caveats = list(definition["caveats"])
    data = pa.Table.from_pylist(_rows(papers, top))
    year = full_year(ctx, papers)
    us, cn = value(papers, US, year), value(papers, CN, year)
    world = ctx.metric("ai_papers", by="none", period="year")
    w = value(world, "all", year)
    ahead = first_ahead(papers, CN, US)
    coverage = (f"Every AI work OpenAlex lists, {papers.column('period').to_pylist()[0]}–"
                f"{papers.column('period').to_pylist()[-1]}, counted by OpenAlex's group-by; "
                f"{fmt_int(w)} AI works in {year}." if papers.num_rows else "No works.")
    section.charts.append(Chart(
        name="ai-papers-by-country",
        title="AI papers per year, by country (whole counting)",
        spec=charts.lines(data, y_title="AI works", x_title="Year"),
        data=data,
        definition=definition["description"],
        coverage=coverage,
        caveats=caveats,
        alt_text=f"Lines of AI works per year for {len(top)} countries. In {year}, "
                 f"China {fmt_int(cn)}, the United States {fmt_int(us)}.",
        metric="ai_papers",
        country_field="country",
        period_field="period",
    ))
    company = ctx.metric("ai_papers", by="country", period="year", segment="company")
    cdata = pa.Table.from_pylist(_rows(company, top))
    cus, ccn = value(company, US, year), value(company, CN, year)
    section.charts.append(Chart(
        name="company-ai-papers",
        title="AI papers with an author at a company of the country, per year",
        spec=charts.lines(cdata, y_title="AI works with a company author", x_title="Year"),
        data=cdata,
        definition=definition["description"] + " Only works with an author at a company "
        "located in the country: a US company × Chinese university paper counts for US "
        "companies only.",
        coverage=coverage,
        caveats=[*caveats, "A company is an institution the registry, ROR or OpenAlex "
                 "classifies as one; per country, the 100 institutions with the most "
                 "candidate works are looked at (docs/methodology.md)."],
        alt_text=f"Lines of AI works with an author at a company of the country. In "
                 f"{year}, China "
                 f"{fmt_int(ccn)}, the United States {fmt_int(cus)}.",
        metric="ai_papers",
        country_field="country",
        period_field="period",
    ))
    if year and cn is not None and us is not None:
        ctx.add_headline(Headline(
            label=f"AI papers with a Chinese author (US: {fmt_int(us)})",
            value=fmt_int(cn), date=f"publication year {year}", priority=40))
    out = [
        f"In {year}, OpenAlex lists {fmt_int(w)} AI works. {fmt_int(cn)} have an author in "
        f"China and {fmt_int(us)} an author in the United States (whole counting)."
    ]
    out.append(f"China's yearly count first reached the United States' in {ahead}." if ahead
               else "In no year has China's count reached the United States'.")
    out.append(f"Counting only works with an author at a company of the country: China "
               f"{fmt_int(ccn)}, the "
               f"United States {fmt_int(cus)} in {year}.")
    return out


def _top_cited(ctx: ReportContext, section: Section) -> list[str]:
    whole = ctx.metric("top_cited_share", by="country", period="year")
    frac = ctx.metric("top_cited_share", by="country", period="year", counting="fractional")
    definition = ctx.definition("top_cited_share")
    caveats = list(definition["caveats"])
    counts = ctx.metric("top_cited_papers", by="none", period="year")
    n_works = total(counts.to_pylist())
    per_year = peak(counts.to_pylist())
    coverage = (f"The {fmt_int(per_year)} most-cited AI works of each year "
                f"({fmt_int(n_works)} works), with every author's affiliations.")
    data = pa.Table.from_pylist(
        _rows(whole, [US, CN], " (whole)") + _rows(frac, [US, CN], " (fractional)"))
    year = full_year(ctx, whole)
    us_w, cn_w = value(whole, US, year), value(whole, CN, year)
    us_f, cn_f = value(frac, US, year), value(frac, CN, year)
    section.charts.append(Chart(
        name="top-cited-share",
        title="Share of the year's most-cited AI papers: China and the United States",
        spec=charts.lines(data, y_title="Share of top-cited works", x_title="Year",
                          y_format="%"),
        data=data,
        definition=definition["description"],
        coverage=coverage,
        caveats=caveats,
        alt_text=f"Four lines. In {year}, the United States had an author on "
                 f"{fmt_pct(us_w)} of the top-cited AI works and China on {fmt_pct(cn_w)}; "
                 f"fractional shares {fmt_pct(us_f)} and {fmt_pct(cn_f)}.",
        metric="top_cited_share",
        country_field="country",
        period_field="period",
    ))
    comp = ctx.metric("top_cited_papers", by="country", period="year",
                      institutions="company")
    top = top_countries(comp)
    cdata = pa.Table.from_pylist(_rows(comp, top))
    cus, ccn = value(comp, US, year), value(comp, CN, year)
    section.charts.append(Chart(
        name="company-top-cited",
        title="Most-cited AI papers with an author at a company in the country",
        spec=charts.lines(cdata, y_title="Top-cited works", x_title="Year"),
        data=cdata,
        definition=ctx.definition("top_cited_papers")["description"] + " Only company "
        "affiliations count, by the company institution's own country.",
        coverage=coverage,
        caveats=caveats,
        alt_text=f"Lines per country. In {year}, {fmt_int(ccn)} top-cited works had an "
                 f"author at a company in China, {fmt_int(cus)} at a company in the "
                 "United States.",
        metric="top_cited_papers",
        country_field="country",
        period_field="period",
    ))
    section.tables.append(Table(
        name="top-cited-works",
        title="The most-cited AI works",
        caption="The harvested top-cited works, most cited first; countries and registry "
                "organisations of their authors.",
        data=_papers_table(ctx, year),
        period_field="year",
        limit=30,
    ))
    if year and cn_f is not None and us_f is not None:
        ctx.add_headline(Headline(
            label=f"fractional share of the top-cited AI papers held by China "
                  f"(US: {fmt_pct(us_f)})",
            value=fmt_pct(cn_f), date=f"publication year {year}", priority=45))
    return [
        f"Of the {fmt_int(per_year)} most-cited AI works of {year}, {fmt_pct(us_w)} have an "
        f"author in the United States and {fmt_pct(cn_w)} an author in China. Counting "
        f"fractions of authorship instead, the United States holds {fmt_pct(us_f)} and "
        f"China {fmt_pct(cn_f)}.",
        f"Works with an author at a company: {fmt_int(ccn)} in China and {fmt_int(cus)} in "
        f"the United States among {year}'s most-cited.",
    ]


def _coauthorship(ctx: ReportContext, section: Section) -> list[str]:
    share = ctx.metric("coauthored_share", by="country", period="year")
    if not share.num_rows:
        return []
    data = pa.Table.from_pylist(_rows(share))
    year = full_year(ctx, share)
    us, cn = value(share, US, year), value(share, CN, year)
    pairs = ctx.metric("coauthored_papers", by="none", period="year")
    n = value(pairs, "all", year)
    section.charts.append(Chart(
        name="us-china-coauthored",
        title="US–China co-authored AI papers, as a share of each country's AI papers",
        spec=charts.lines(data, y_title="Co-authored share", x_title="Year", y_format="%"),
        data=data,
        definition=ctx.definition("coauthored_share")["description"],
        coverage="Every AI work OpenAlex lists with authors in both countries.",
        caveats=list(ctx.definition("coauthored_share")["caveats"]),
        alt_text=f"Two lines. In {year}, {fmt_pct(us, 1)} of US AI works and "
                 f"{fmt_pct(cn, 1)} of China's had authors in both countries.",
        metric="coauthored_share",
        country_field="country",
        period_field="period",
    ))
    return [f"In {year}, {fmt_int(n)} AI works had authors in both the United States and "
            f"China: {fmt_pct(us, 1)} of the US's AI works and {fmt_pct(cn, 1)} of China's."]


def _talent(ctx: ReportContext, section: Section, has_agg: bool, has_top: bool) -> list[str]:
    """Are academia and industry still writing together, and is top research moving from
    universities to companies?"""
    out: list[str] = []
    share = ctx.metric("academia_industry_share", by="country", period="year") \
        if has_agg else None
    if share is not None and share.num_rows:
        keep = top_countries(share)
        data = pa.Table.from_pylist(_rows(share, keep))
        year = full_year(ctx, share)
        us, cn = value(share, US, year), value(share, CN, year)
        d = ctx.definition("academia_industry_share")
        section.charts.append(Chart(
            name="academia-industry-coauthored",
            title="AI papers co-authored by academia and industry of the same country",
            spec=charts.lines(data, y_title="Share of the country's AI works",
                              x_title="Year", y_format="%"),
            data=data,
            definition=d["description"],
            coverage="Every AI work OpenAlex lists, for the countries counted exactly by "
                     "sector.",
            caveats=list(d["caveats"]),
            alt_text=f"Lines per country. In {year}, {fmt_pct(us, 1)} of US AI works and "
                     f"{fmt_pct(cn, 1)} of China's had authors at both a company and a "
                     "university of the country.",
            metric="academia_industry_share",
            country_field="country",
            period_field="period",
        ))
        out.append(f"Academia and industry of the same country wrote {fmt_pct(us, 1)} of the "
                   f"United States' AI works together in {year}, and {fmt_pct(cn, 1)} of "
                   "China's.")
    if has_top:
        whole = ctx.metric("top_cited_share", by="sector", period="year",
                           sector_rule="institution-type")
        frac = ctx.metric("top_cited_share", by="sector", period="year",
                          sector_rule="institution-type", counting="fractional")
        names = {"academia": "universities", "industry": "companies"}
        rows = []
        for table, suffix in ((whole, "works with an author there"),
                              (frac, "share of the authorship")):
            for r in table.to_pylist():
                if r["group"] in names:
                    rows.append({"period": r["period"], "sector": r["group"],
                                 "label": f"{names[r['group']]}: {suffix}",
                                 "value": r["value"]})
        if rows:
            data = pa.Table.from_pylist(rows)
            year = full_year(ctx, whole)
            acad, ind = value(whole, "academia", year), value(whole, "industry", year)
            acad_f, ind_f = value(frac, "academia", year), value(frac, "industry", year)
            d = ctx.definition("top_cited_share")
            section.charts.append(Chart(
                name="top-cited-academia-industry",
                title="The most-cited AI papers: universities and companies",
                spec=charts.lines(data, y_title="Share of top-cited works", x_title="Year",
                                  y_format="%", colour_title="Sector"),
                data=data,
                definition=d["description"] + " Sectors: the registry's, else the "
                "institution's (ROR, then OpenAlex).",
                coverage="The most-cited AI works of each year, with every author's "
                         "affiliations.",
                caveats=list(d["caveats"]),
                alt_text=f"Four lines. In {year}, {fmt_pct(acad)} of the most-cited AI works "
                         f"had an author at a university and {fmt_pct(ind)} at a company; "
                         f"universities held {fmt_pct(acad_f)} of their authorship and "
                         f"companies {fmt_pct(ind_f)}.",
                metric="top_cited_share",
                period_field="period",
            ))
            out.append(f"Of {year}'s most-cited AI works, {fmt_pct(acad)} have an author at a "
                       f"university and {fmt_pct(ind)} at a company; counting fractions of "
                       f"authorship, universities hold {fmt_pct(acad_f)} and companies "
                       f"{fmt_pct(ind_f)}.")
    return out


def _papers_table(ctx: ReportContext, year: str | None) -> pa.Table:
    from openrace.queries.openalex import papers

    t = papers(ctx.store, sort="cited", limit=500)
    keep = ["work_id", "title", "year", "cited_by_count", "rank", "countries",
            "organisations", "company", "hub_models", "url"]
    rows: list[dict[str, Any]] = t.select(keep).to_pylist()
    for r in rows:
        r["year"] = str(r["year"]) if r["year"] is not None else None
    return pa.Table.from_pylist(rows) if rows else t.select(keep)
