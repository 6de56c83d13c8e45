"""Code commands: ``openrace update github`` and ``openrace repos``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from openrace.api import open_reader, open_store
from openrace.cli.common import Format, StoreOption, emit, err_console, out_console, settings
from openrace.cli.common import store_path as _store_path
from openrace.cli.root import app
from openrace.errors import UsageError


def update(
    org: list[str] = typer.Option(
        None,
        "--org",
        help="Only the GitHub accounts of this "
        "registry organisation (id, e.g. deepseek; repeatable).",
        show_default=False,
    ),
    forks: bool = typer.Option(
        False,
        "--forks/--no-forks",
        help="Also store forks (they "
        "come in the same pages; the metrics exclude them unless "
        "asked).",
    ),
    page_size: int = typer.Option(
        100, "--page-size", help="Repositories per page (GitHub's maximum is 100)."
    ),
    retries: int = typer.Option(
        4,
        "--retries",
        help="Retries of a request through 5xx and "
        "dropped connections before giving up (0: one try); the next run "
        "resumes.",
    ),
    max_wait: float = typer.Option(
        900.0,
        "--max-wait",
        help="Longest wait for a rate limit "
        "to reset, in seconds; a longer one stops the run (resume "
        "it later).",
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Summary format."),
    store: Path = StoreOption,
) -> None:
    """Harvest the public repositories of the registry's GitHub organisations
    (GITHUB_API_URL, GITHUB_TOKEN): stars, forks, licences, languages, one snapshot per run.
    Pages unchanged since the last run cost a 304 (no quota with a token); rate limits are
    waited out from GitHub's headers; an interrupted run resumes where it stopped."""
    from openrace.harvest.github import harvest
    from openrace.sources.github import PER_PAGE_MAX, GitHubClient

    if not 1 <= page_size <= PER_PAGE_MAX:
        raise UsageError(f"--page-size must be between 1 and {PER_PAGE_MAX}")
    if retries < 0:
        raise UsageError("--retries must be 0 or more")
    if max_wait < 0:
        raise UsageError("--max-wait must not be negative")
    env = settings()
    client = GitHubClient(
        endpoint=env.github_endpoint,
        token=env.github_token,
        per_page=page_size,
        retries=retries,
        max_wait=max_wait,
    )
    say = (lambda text: err_console.print(text, markup=False)) if sys.stderr.isatty() else None
    with client, open_store(_store_path(store)) as s:
        stats = harvest(s, client, forks=forks, org_ids=tuple(org or ()), progress=say)
    result = stats.as_dict()
    if fmt == Format.table:
        verb = "resumed and finished" if stats.resumed else "finished"
        line = (
            f"github {verb} (run {stats.run_id}): {stats.stored:,} repositories stored "
            f"from {stats.accounts:,} accounts in {stats.requests:,} requests "
            f"({stats.not_modified:,} unchanged pages answered 304); "
            f"{stats.skipped:,} skipped (forks, private); {stats.rejected:,} quarantined"
        )
        out_console.print(line, markup=False)
        if stats.not_found:
            out_console.print("not found on GitHub: " + ", ".join(stats.not_found), markup=False)
    else:
        emit([result], fmt)


@app.command()
def repos(
    country: str = typer.Option(
        None,
        help="Only repositories of organisations of this country (ISO alpha-2).",
        show_default=False,
    ),
    org: str = typer.Option(
        None, help="Only repositories of this registry organisation (id).", show_default=False
    ),
    owner: str = typer.Option(
        None, help="Only repositories of this GitHub account.", show_default=False
    ),
    language: str = typer.Option(
        None, help="Only repositories in this main language.", show_default=False
    ),
    license_class: str = typer.Option(
        None,
        "--license-class",
        help="osi, open-restricted, non-commercial, research-only, unknown.",
        show_default=False,
    ),
    since: str = typer.Option(
        None,
        help="Only repositories created on or after this date (YYYY-MM-DD).",
        show_default=False,
    ),
    search: str = typer.Option(
        None,
        help="Only repositories whose name or description contains this text.",
        show_default=False,
    ),
    forks: bool = typer.Option(False, "--forks/--no-forks", help="Include forks."),
    archived: bool = typer.Option(
        True, "--archived/--no-archived", help="Include archived repositories."
    ),
    country_rule: str = typer.Option(
        "owner",
        "--country-rule",
        help="owner (the parent's country) or location (the organisation's own).",
    ),
    sort: str = typer.Option("stars", help="stars, forks, created or name."),
    limit: int = typer.Option(50, help="Rows to show (0: all)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    store: Path = StoreOption,
) -> None:
    """List harvested GitHub repositories with their latest stars and forks, licence,
    language, organisation and country."""
    from openrace.queries.github import repos_sql

    with open_reader(_store_path(store)) as s:
        table = s.rows(*repos_sql(
            s,
            country=country,
            org=org,
            owner=owner,
            language=language,
            license_class=license_class,
            since=since,
            search=search,
            forks=forks,
            archived=archived,
            country_rule=country_rule,
            sort=sort,
            limit=limit or None,
        ))
    emit(table, fmt, title="GitHub repositories")
