"""OpenAlex commands: ``openrace update openalex`` and ``openrace papers``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from openrace.api import open_reader, open_store
from openrace.cli.common import Format, StoreOption, emit, err_console, out_console, settings
from openrace.cli.common import store_path as _store_path
from openrace.cli.root import app
from openrace.errors import UsageError
from openrace.sources.openalex import SELECTIONS


def update(
    first_year: int = typer.Option(2015, "--from", help="First publication year."),
    last_year: int = typer.Option(None, "--to", help="Last publication year (default: this "
                                  "year).", show_default=False),
    top: int = typer.Option(2000, "--top", help="Most-cited AI works harvested per year, "
                            "with full authorships."),
    selection: str = typer.Option("primary", "--selection", help="Which works are AI: "
                                  + "; ".join(f"{k}: {v[1]}" for k, v in SELECTIONS.items())
                                  + "."),
    aggregates: bool = typer.Option(True, "--aggregates/--no-aggregates", help="Per-country "
                                    "counts per year from group_by queries."),
    sectors: bool = typer.Option(True, "--sectors/--no-sectors", help="Exact company / "
                                 "education / government AI works per country: a work "
                                 "counts for a country when an author is at an institution "
                                 "of the sector located there."),
    exact_countries: int = typer.Option(30, "--exact-countries", help="With --sectors: the "
                                        "countries with the most AI works counted exactly."),
    ror_dump: Path = typer.Option(None, "--ror-dump", help="ROR's data dump (schema v2 JSON "
                                  "or its .zip): institutions are classified by their ROR "
                                  "types first.", show_default=False),
    works: bool = typer.Option(True, "--works/--no-works", help="The top-cited works."),
    links: bool = typer.Option(True, "--links/--no-links", help="Resolve arxiv:* tags of "
                               "harvested Hub models to OpenAlex works."),
    retries: int = typer.Option(5, "--retries", help="Retries of a failed request (5xx, "
                                "network, 403 too many per second) before giving up; 0: no "
                                "retry. The next run resumes."),
    requests_per_second: float = typer.Option(10.0, "--requests-per-second", help="Request "
                                              "pace (a free key is allowed 30/s; 0: no "
                                              "pacing)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the calls the run will make "
                                 "(at most) and their cost against a free key's daily "
                                 "allowance, and stop; no request is made."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Summary format."),
    store: Path = StoreOption,
) -> None:
    """Harvest OpenAlex (OPENALEX_ENDPOINT, OPENALEX_API_KEY, OPENALEX_EMAIL): AI works per
    country and year, by institution type; the top-cited AI works with authorships; links
    from Hub models to their papers. Resumable: an interrupted run, or one stopped by the
    daily allowance, continues where it stopped."""
    from openrace.harvest.openalex import harvest, plan
    from openrace.sources.openalex import OpenAlexClient

    if selection not in SELECTIONS:
        raise UsageError(f"--selection must be one of {', '.join(SELECTIONS)}, not "
                         f"{selection!r}")
    if retries < 0:
        raise UsageError("--retries must be 0 or more")
    if not requests_per_second >= 0:  # also refuses nan
        raise UsageError("--requests-per-second must be 0 (no pacing) or more")
    parts = [p for p, on in (("aggregates", aggregates), ("sectors", sectors), ("works", works),
                             ("links", links)) if on]
    if not parts:
        raise UsageError("nothing to do: every part is switched off")
    env = settings()
    client = OpenAlexClient(endpoint=env.openalex_endpoint, api_key=env.openalex_api_key,
                            email=env.openalex_email, retries=retries,
                            requests_per_second=requests_per_second)
    say = (lambda text: err_console.print(text, markup=False)) if sys.stderr.isatty() else None
    options = {"selection": selection, "first_year": first_year, "top": top, "progress": say,
               "exact_countries": exact_countries}
    if ror_dump is not None:
        from openrace.rules.sectors import RorIndex

        options["ror"] = RorIndex.from_dump(ror_dump)
    if last_year is not None:
        options["last_year"] = last_year
    if dry_run:
        with client, open_store(_store_path(store)) as s:
            planned = plan(s, client, parts=parts, **options)
        if fmt == Format.table:
            out_console.print(_plan_line(planned), markup=False)
            emit(planned["parts"], fmt)
        else:
            emit([planned] if fmt == Format.json else planned["parts"], fmt)
        return
    client.check_key()  # before the store is opened: nothing to undo
    with client, open_store(_store_path(store)) as s:
        results = harvest(s, client, parts=parts, **options)
    if fmt == Format.table:
        for r in results:
            verb = "resumed and finished" if r["resumed"] else "finished"
            out_console.print(
                f"openalex {r['part']} {verb} (run {r['run_id']}): {r['stored']:,} rows stored "
                f"from {r['read']:,} read in {r['requests']:,} requests; "
                f"{r['rejected']:,} quarantined", markup=False)
    else:
        emit(results, fmt)


def _plan_line(p: dict) -> str:
    """The plan of an OpenAlex update as one line."""
    from openrace.sources.openalex import KEY_HELP

    line = (f"plan: at most {p['calls']:,} list calls, ${p['usd']:.4f} of a free key's "
            f"${p['allowance_usd']:.2f} a day ({p['share_of_allowance']:.1%})")
    if p["days"] > 1:
        line += f"; about {p['days']} days of allowance (each run resumes)"
    if p["refused"]:
        line += f"; the run would be refused: {KEY_HELP}"
    return line


@app.command()
def papers(
    year: int = typer.Option(None, help="Only works published in this year.",
                             show_default=False),
    country: str = typer.Option(None, help="Only works with an author in this country (ISO "
                                "alpha-2).", show_default=False),
    org: str = typer.Option(None, help="Only works with an author at this registry "
                            "organisation (id, e.g. google).", show_default=False),
    company: bool = typer.Option(False, "--company", help="Only works with a company "
                                 "author."),
    search: str = typer.Option(None, help="Only works whose title contains this text.",
                               show_default=False),
    sort: str = typer.Option("cited", help="cited, year or rank."),
    limit: int = typer.Option(50, help="Rows to show (0: all)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    store: Path = StoreOption,
) -> None:
    """List harvested top-cited AI works with citations, rank, countries and organisations."""
    from openrace.queries.openalex import papers_sql

    if limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    with open_reader(_store_path(store)) as s:
        table = s.rows(*papers_sql(s, year=year, country=country, org=org, company=company,
                                   search=search, sort=sort, limit=limit or None))
    emit(table, fmt, title="Top-cited AI works")
