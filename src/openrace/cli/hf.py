"""Hub commands: ``openrace update hf``, ``openrace models``, ``openrace lineage``,
``openrace datasets``."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

import typer

from openrace.api import open_reader, open_store
from openrace.cli.common import (
    Format,
    StoreOption,
    emit,
    err_console,
    out_console,
    store_path,
    terminal_text,
)
from openrace.cli.root import app
from openrace.errors import UsageError
from openrace.sources.hf import PLANS


class _Progress:
    """A Rich progress display of an update: scopes done (with ETA), records stored (rate)."""

    def __init__(self, enabled: bool):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.enabled = enabled
        self.progress = Progress(
            TextColumn("{task.description}", markup=False), BarColumn(),
            MofNCompleteColumn(), TextColumn("{task.fields[rate]}", markup=False),
            TimeElapsedColumn(), TimeRemainingColumn(),
            console=err_console.real(), transient=True, disable=not enabled,
        )
        self.scopes: Any = None
        self.records = 0
        self.t0 = time.monotonic()

    def __enter__(self) -> _Progress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == "level":
            if self.scopes is not None:
                self.progress.remove_task(self.scopes)
            label = "listings" if info["level"] == 0 else f"derivatives, level {info['level']}"
            self.scopes = self.progress.add_task(label, total=info["scopes"], rate="")
        elif event == "scope" and self.scopes is not None:
            self.progress.update(self.scopes,
                                 description=terminal_text(str(info["scope"]))[:60])
        elif event == "page" and self.scopes is not None:
            self.records += info["records"]
            rate = self.records / max(time.monotonic() - self.t0, 1e-6)
            self.progress.update(self.scopes, rate=f"{self.records:,} records, {rate:,.0f}/s")
        elif event == "scope_done" and self.scopes is not None:
            self.progress.advance(self.scopes)


def _plan_line(plan: dict[str, Any]) -> str:
    """The plan of an update as one line."""
    what = ("complete snapshot" if plan["mode"] == "full" and plan["refresh"] else
            "new repos only" if plan["mode"] == "full" else "registry-scoped")
    quota = (f"{plan['quota']:,} requests per {plan['window']:.0f} s ({plan['quota_source']})"
             if plan["quota"] else "no pacing")
    if plan["requests"] is None:
        cost = ("requests unknown until the first complete run: about one per 1,000 repos "
                f"listed; at {quota}, a million repos take at least "
                f"{_duration(plan['per_1000_repos'] * 1000, plan)}")
    else:
        cost = (f"about {plan['requests']:,} requests, at least "
                f"{_duration(plan['requests'], plan)} at {quota}")
    return f"plan: {what}, {len(plan['listings']):,} listings; {cost}"


def _duration(requests: float, plan: dict[str, Any]) -> str:
    q, w = plan["quota"], plan["window"]
    seconds = 0.0 if not q or requests <= q else (requests - q) * w / q
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def update(
    full: bool = typer.Option(False, "--full", help="A complete snapshot of the Hub: every "
                              "model and dataset, newest first, lineage from their "
                              "base_model tags (the default; about one request per 1,000 "
                              "repos)."),
    registry: bool = typer.Option(False, "--registry", help="Only the registry's namespaces "
                                  "and their derivatives to --depth, within --budget "
                                  "requests (quicker, not complete)."),
    depth: int = typer.Option(2, "--depth", help="With --registry: levels of derivatives "
                              "(children through base_model) to follow."),
    budget: int = typer.Option(1000, "--budget", help="With --registry: the most requests "
                               "to spend; derivatives beyond it are left out and counted."),
    namespace: list[str] = typer.Option(None, "--namespace", "-n", help="A registry-scoped "
                                        "update of this Hub namespace instead of the "
                                        "registry's (repeatable)."),
    kind: list[str] = typer.Option(None, "--kind", help="model or dataset (repeatable; "
                                   "default both)."),
    refresh: bool = typer.Option(True, "--refresh/--new-only", help="List everything again "
                                 "for a new snapshot of downloads and likes (default), or "
                                 "only what is newer than the last run."),
    plan: str = typer.Option(None, "--plan", help="Hub account type, the pace until the Hub "
                             "states its quota: " + ", ".join(f"{k} ({v}/5 min)"
                                                               for k, v in PLANS.items())
                             + ". Default: free with HF_TOKEN, else anonymous.",
                             show_default=False),
    requests_per_5min: int = typer.Option(None, "--requests-per-5min", help="Fix the pace "
                                          "instead of following the Hub's RateLimit-Policy: "
                                          "requests per 5 minutes (0: no pacing, for a "
                                          "local mirror).", show_default=False),
    retries: int = typer.Option(5, "--retries", help="Retries of a refused or failed "
                                "request (429, 5xx, network) before giving up; the next run "
                                "resumes."),
    page_size: int = typer.Option(1000, "--page-size", help="Records per page (1-1000)."),
    commit_every: int = typer.Option(20000, "--commit-every", help="Commit after this many "
                                     "records (a crash loses at most this much work)."),
    max_pages: int = typer.Option(None, "--max-pages", help="Stop after this many pages "
                                  "(the next run resumes).", show_default=False),
    memory_limit: str = typer.Option("auto", "--memory-limit", help="DuckDB's memory bound "
                                     "during the update, e.g. 2GB (auto: 512MB, more for a "
                                     "store of over 4 M artifacts)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan (listings, "
                                 "estimated requests and time at the account's quota) and "
                                 "stop; spends one request to read the quota."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Summary format."),
    store: Path = StoreOption,
) -> None:
    """Harvest the Hugging Face Hub (HF_ENDPOINT, HF_TOKEN): models, datasets, lineage,
    downloads and likes. Resumable; a concurrent update is refused."""
    from huggingface_hub.utils import logging as hf_logging

    from openrace.harvest.hf import HarvestOptions, plan_hub, update_hub

    # the client's retry warnings would break the one-line error rule; the progress bar
    # and the final line say what happened
    hf_logging.set_verbosity_error()
    if plan is not None and plan not in PLANS:
        raise UsageError(f"--plan must be one of {', '.join(PLANS)}, not {plan!r}")
    registry = registry or bool(namespace)
    if full and registry:
        raise UsageError("--full lists the whole Hub: it excludes --registry and --namespace")
    opts = HarvestOptions(mode="registry" if registry else "full", depth=depth,
                          kinds=tuple(kind) if kind else ("model", "dataset"),
                          refresh=refresh, namespaces=list(namespace) if namespace else None,
                          page_size=page_size, commit_every=commit_every,
                          max_pages=max_pages, memory_limit=memory_limit, budget=budget)
    if dry_run:
        with open_store(store_path(store)) as s:
            planned = plan_hub(s, opts, plan=plan, requests_per_window=requests_per_5min,
                               retries=retries)
        if fmt == Format.table:
            out_console.print(_plan_line(planned), markup=False)
            emit(planned["listings"], fmt)
        else:
            emit([planned] if fmt == Format.json else planned["listings"], fmt)
        return

    interactive = sys.stderr.isatty()

    def progress(event: str, info: dict[str, Any]) -> None:
        if event == "plan" and interactive:  # scripts: --dry-run; errors stay one line
            err_console.print(_plan_line(info), markup=False)
        bar(event, info)

    with open_store(store_path(store)) as s, _Progress(interactive) as bar:
        stats = update_hub(s, opts, plan=plan, requests_per_window=requests_per_5min,
                           retries=retries, progress=progress)
    if fmt == Format.table:
        verb = "resumed and finished" if stats.resumed else "finished"
        out_console.print(
            f"hf update {verb} (run {stats.run_id}): {stats.stored:,} records stored from "
            f"{stats.read:,} read in {stats.requests:,} requests over {stats.scopes:,} "
            f"listings; {stats.rejected:,} quarantined; {stats.inherited:,} inherited "
            "attributions", markup=False)
    else:
        emit([stats.as_dict()], fmt)


@app.command()
def models(
    country: str = typer.Option(None, help="Only models of this country (ISO alpha-2), by "
                                "their own organisation or their root model's origin."),
    org: str = typer.Option(None, help="Only models of this organisation (own or origin)."),
    author: str = typer.Option(None, help="Only models of this Hub namespace."),
    search: str = typer.Option(None, help="Only models whose id contains this text."),
    since: dt.datetime = typer.Option(None, formats=["%Y-%m-%d", "%Y-%m", "%Y"],
                                      help="Only models created on or after this date."),
    license_class: str = typer.Option(None, "--license-class", help="osi, open-restricted, "
                                      "non-commercial, research-only, closed or unknown."),
    quantized: bool = typer.Option(True, "--quantized/--no-quantized",
                                   help="Include quantisations."),
    derivatives: bool = typer.Option(None, "--derivatives/--originals", help="Only "
                                     "derivatives, or only models without a base model.",
                                     show_default=False),
    sort: str = typer.Option("downloads", help="downloads, downloads_all_time, likes, "
                             "created or children."),
    limit: int = typer.Option(50, help="Rows to show."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    store: Path = StoreOption,
) -> None:
    """List harvested Hub models with their latest downloads, likes and origin."""
    from openrace.queries import hf as hub_listings

    hub_listings.check_filters(sort, hub_listings.MODEL_SORTS, license_class, limit)
    with open_reader(store_path(store)) as s:
        table = s.rows(*hub_listings.models_sql(
            s, country=country, org=org, author=author, search=search,
            since=since.date() if since else None, license_class=license_class,
            include_quantized=quantized, derivatives=derivatives, sort=sort, limit=limit))
    if fmt == Format.table:
        table = table.select(["model", "org", "country", "origin_country", "relation",
                              "created", "license_class", "downloads_30d", "likes"])
    emit(table, fmt, title="Hub models")


@app.command()
def lineage(
    model: str = typer.Argument(..., help="Hub model id, e.g. Qwen/Qwen2.5-7B."),
    depth: int = typer.Option(3, help="Levels of derivatives to show."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    store: Path = StoreOption,
) -> None:
    """Show the tree of derivatives (fine-tunes, adapters, quantisations, merges) under a
    harvested model."""
    from openrace.queries import lineage as lin

    if depth < 1:
        raise UsageError("--depth must be at least 1")
    with open_reader(store_path(store)) as s:
        known = s.rows("SELECT 1 FROM artifacts WHERE artifact_id = ? "
                       "UNION ALL SELECT 1 FROM lineage WHERE parent_id = ? LIMIT 1",
                       [f"hf:model:{model}"] * 2).num_rows
        if not known:
            raise UsageError(f"no harvested model {model!r}; run `openrace update hf` or "
                             "check `openrace models`")
        rows = lin.tree(s, model, depth)
    if fmt != Format.table:
        emit(rows, fmt)
        return
    from rich.markup import escape
    from rich.tree import Tree

    root = Tree(escape(model))
    nodes: dict[str, Any] = {model: root}
    for r in rows:
        parent = nodes.get(r["parent"], root)
        dl = "" if r["downloads_30d"] is None else f", {int(r['downloads_30d']):,} downloads"
        nodes.setdefault(r["model"], parent.add(escape(f"{r['model']} ({r['relation']}{dl})")))
    out_console.print(root)
    out_console.print(f"{len(rows)} derivative edge(s)", style="dim")


@app.command()
def datasets(
    country: str = typer.Option(None, help="Only datasets of this country (ISO alpha-2)."),
    org: str = typer.Option(None, help="Only datasets of this organisation."),
    license_class: str = typer.Option(None, "--license-class", help="osi, open-restricted, "
                                      "non-commercial, research-only, closed or unknown."),
    task: str = typer.Option(None, help="Only datasets for this task category."),
    search: str = typer.Option(None, help="Only datasets whose id contains this text."),
    min_completeness: float = typer.Option(None, "--min-completeness", help="Only datasets "
                                           "whose card completeness (0-1) is at least this."),
    sort: str = typer.Option("downloads", help="downloads, likes, created or completeness."),
    limit: int = typer.Option(50, help="Rows to show."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    store: Path = StoreOption,
) -> None:
    """The open-data catalogue: harvested Hub datasets with licence, task, origin and card
    completeness."""
    from openrace.queries import hf as hub_listings

    hub_listings.check_filters(sort, hub_listings.DATASET_SORTS, license_class, limit)
    if min_completeness is not None and not 0 <= min_completeness <= 1:
        raise UsageError("--min-completeness must be between 0 and 1")
    with open_reader(store_path(store)) as s:
        table = s.rows(*hub_listings.datasets_sql(
            s, country=country, org=org, license_class=license_class, task=task,
            search=search, min_completeness=min_completeness, sort=sort, limit=limit))
    if fmt == Format.table:
        table = table.select(["dataset", "org", "country", "license_class", "tasks",
                              "card_completeness", "downloads_30d"])
    emit(table, fmt, title="Hub datasets")
