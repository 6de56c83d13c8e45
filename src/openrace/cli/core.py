"""Core commands: the registry, organisations, releases, SQL queries and exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from openrace.api import open_reader
from openrace.cli.common import Format, StoreOption, emit, err_console, out_console, store_path
from openrace.cli.root import app
from openrace.errors import RegistryError, UsageError

registry_app = typer.Typer(
    help="Inspect and validate the bundled registry.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(registry_app, name="registry")


@registry_app.command("check")
def registry_check(
    paths: list[Path] = typer.Argument(
        None, help="Registry files or directories (default: the bundled registry). A single "
        "file is checked together with the rest of the bundled registry."),
    max_age: int = typer.Option(60, "--max-age", help="Warn when the newest release is older "
                                "than this many days."),
) -> None:
    """Validate the registry files; print each problem as file:line: message."""
    from openrace.registry import check_registry

    registry, problems = check_registry(*(paths or []))
    if problems:
        raise RegistryError(problems)
    assert registry is not None
    closed = sum(1 for r in registry.releases if r.access != "open-weights")
    out_console.print(
        f"registry ok: {len(registry.organizations)} organisations, "
        f"{len(registry.releases)} releases ({closed} closed) in {len(registry.files)} files"
    )
    newest = max((r.date for r in registry.releases), default=None)
    if newest is not None and (dt.date.today() - newest).days > max_age:
        err_console.print(
            f"warning: the newest release is from {newest}, "
            f"{(dt.date.today() - newest).days} days ago (more than {max_age}): the registry "
            "is probably behind; `openrace registry suggest` lists candidates from the Hub",
            markup=False)


@registry_app.command("suggest")
def registry_suggest(
    since: dt.datetime = typer.Option(None, formats=["%Y-%m-%d", "%Y-%m", "%Y"],
                                      help="Only models created on or after this date "
                                      "(default: the last 365 days).", show_default=False),
    min_downloads: int = typer.Option(1000, "--min-downloads", help="A family qualifies with "
                                      "at least this many downloads in 30 days..."),
    min_likes: int = typer.Option(50, "--min-likes", help="...or at least this many likes."),
    limit: int = typer.Option(50, help="Families to show (0: all)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format (table: "
                               "the list, then the YAML snippets)."),
    store: Path = StoreOption,
) -> None:
    """List release candidates from a harvested store: base models of the registry's
    namespaces, above the adoption thresholds, that no registry release or Epoch AI row
    covers, grouped into families, each with a YAML snippet and its Hub link."""
    from openrace.registry.suggest import suggest

    if min_downloads < 0 or min_likes < 0:
        raise UsageError("--min-downloads and --min-likes must be 0 or more")
    with open_reader(store_path(store)) as s:
        found = suggest(s, since=since.date() if since else None,
                        min_downloads=min_downloads, min_likes=min_likes)
    rows = [c.as_dict() for c in (found[:limit] if limit else found)]
    if fmt != Format.table:
        emit(rows, fmt)
        return
    if not rows:
        out_console.print("no candidates: every family above the thresholds is covered (or "
                          "the store holds no Hub data: run `openrace update hf`)",
                          markup=False)
        return
    emit([{k: r[k] for k in ("org_id", "family", "models", "top_repo", "created",
                             "downloads_30d", "likes", "link")} for r in rows], fmt,
         title="Release candidates")
    for r in rows:
        out_console.print(f"\n# {r['family']} ({r['org_id']}): {r['link']}", markup=False)
        out_console.print(r["snippet"], markup=False)


@registry_app.command("list")
def registry_list(
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    country: str = typer.Option(None, help="Only organisations of this country (ISO alpha-2)."),
    store: Path = StoreOption,
) -> None:
    """List the registry's organisations (same as `openrace orgs`)."""
    orgs(fmt=fmt, country=country, sector=None, store=store)


@registry_app.command("show")
def registry_show(
    org: str = typer.Argument(..., help="Organisation id, e.g. qwen."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    store: Path = StoreOption,
) -> None:
    """Show one organisation: its record and its notable releases."""
    from openrace.queries import registry as listings

    with open_reader(store_path(store), missing="registry") as s:
        rows = [r for r in s.rows(*listings.organizations_sql(s)).to_pylist() if r["id"] == org]
        if not rows:
            raise UsageError(f"unknown organisation {org!r}; see `openrace orgs`")
        rel = s.rows(*listings.releases_sql(s, org=org))
    if fmt == Format.table:
        for k, v in rows[0].items():
            out_console.print(f"[bold]{k}[/bold]: ", end="")
            out_console.print("" if v is None else str(v), markup=False)
        emit(rel.select(["release_date", "name", "access", "license", "license_class"]), fmt,
             title="Releases")
    else:
        emit([{**rows[0], "releases": rel.to_pylist()}], fmt)


@app.command()
def orgs(
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    country: str = typer.Option(None, help="Only this country (ISO alpha-2; HQ, owner or extra)."),
    sector: str = typer.Option(None, help="industry, academia, government, nonprofit, community."),
    store: Path = StoreOption,
) -> None:
    """List the organisations of the registry."""
    from openrace.queries import registry as listings

    with open_reader(store_path(store), missing="registry") as s:
        emit(s.rows(*listings.organizations_sql(s, country=country, sector=sector)), fmt,
             title="Organisations")


@app.command()
def releases(
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    country: str = typer.Option(None, help="Only releases of this country (ISO alpha-2)."),
    org: str = typer.Option(None, help="Only releases of this organisation (or its children)."),
    since: dt.datetime = typer.Option(None, formats=["%Y-%m-%d", "%Y-%m", "%Y"],
                                      help="Only releases on or after this date."),
    access: str = typer.Option(None, help="open-weights, api, unreleased, open or closed."),
    country_rule: str = typer.Option("owner", help="owner (ultimate parent's country) or "
                                     "location (the organisation's own headquarters)."),
    catalogue: str = typer.Option("all", help="registry, epoch (Epoch AI's models, after "
                                  "`openrace update epoch`) or all."),
    store: Path = StoreOption,
) -> None:
    """List the notable releases of the registry and of Epoch AI, open and closed."""
    from openrace.queries import registry as listings

    with open_reader(store_path(store), missing="registry") as s:
        table = s.rows(*listings.releases_sql(
            s, country=country, org=org, since=since.date() if since else None,
            access=access, country_rule=country_rule, catalogue=catalogue))
    if fmt == Format.table:
        table = table.select(["release_date", "name", "org_ids", "org_names", "countries",
                              "access", "license", "license_class", "catalogue"])
    emit(table, fmt, title="Releases")


@app.command()
def query(
    sql: str = typer.Argument(..., help="One read-only SQL statement over the store's tables."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    store: Path = StoreOption,
) -> None:
    """Run a read-only SQL query against the store (DuckDB dialect), confined to the
    store's tables: no file, network or extension is reachable from it."""
    from openrace.store import Store, check_read_query

    check_read_query(sql)  # before opening anything
    with Store(store_path(store), read_only=True, confined=True) as s:
        emit(s.query_readonly_rows(sql), fmt)


@app.command()
def export(
    out_dir: Path = typer.Argument(..., help="Directory to write the files into."),
    fmt: str = typer.Option("parquet", "--format", "-f", help="parquet or csv."),
    store: Path = StoreOption,
) -> None:
    """Export every store table as Parquet or CSV files."""
    from openrace.queries.export import export_tables

    with open_reader(store_path(store)) as s:
        written = export_tables(s, out_dir, fmt)
    for t, p in written.items():
        err_console.print(f"wrote {t} → {p}", markup=False)
