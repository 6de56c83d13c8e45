"""``openrace metrics list|show`` and ``openrace claims``: the catalogue and the claim checker."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from openrace.api import open_reader
from openrace.cli.common import Format, StoreOption, emit, out_console, store_path, write_out
from openrace.cli.root import app
from openrace.errors import UsageError

metrics_app = typer.Typer(
    help="The catalogue of named metrics: list them, or evaluate one.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(metrics_app, name="metrics")


class Engine(StrEnum):
    """Where metrics run."""

    duckdb = "duckdb"
    spark = "spark"


EngineOption = typer.Option(
    Engine.duckdb,
    "--engine",
    help="duckdb (default, in-process) or spark (PySpark over the store exported to Parquet).",
)
SparkDataOption = typer.Option(
    None,
    "--spark-data",
    help="Directory to export the store's tables to as Parquet for --engine spark (default: "
    "a temporary directory); with a remote Spark it must be a path the cluster can read.",
)
SparkMasterOption = typer.Option(
    "local[2]",
    "--spark-master",
    help="Spark master for --engine spark: local[N], or an sc:// Spark Connect / Databricks "
    "URL (the server must be able to read the exported Parquet directory).",
)


def parse_options(pairs: list[str] | None) -> dict[str, str]:
    """``["counting=fractional", ...]`` as a dict; a malformed pair is a usage error."""
    out: dict[str, str] = {}
    for p in pairs or []:
        key, sep, value = p.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--option expects KEY=VALUE, not {p!r}")
        out[key.strip()] = value.strip()
    return out


@contextmanager
def engine_for(
    store_file: Path | None, engine: Engine, master: str, data_dir: Path | None = None
) -> Iterator[Any]:
    """The store (DuckDB) or a Spark engine over its tables exported to Parquet."""
    with open_reader(store_path(store_file), missing="registry") as s:
        if engine == Engine.duckdb:
            yield s
            return
        from openrace.metrics.engine import SparkTables, export_parquet

        if data_dir is not None:
            export_parquet(s, data_dir)
            yield SparkTables(data_dir, master=master)
            return
        with tempfile.TemporaryDirectory(prefix="openrace-spark-") as tmp:
            export_parquet(s, Path(tmp))
            yield SparkTables(Path(tmp), master=master)


@metrics_app.command("list")
def metrics_list(
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
) -> None:
    """List every metric of the catalogue with its unit, source, groupings and periods."""
    from openrace.metrics.catalogue import load_catalogue

    emit(load_catalogue().describe(), fmt, title="Metrics")


@metrics_app.command("show")
def metrics_show(
    name: str = typer.Argument(..., help="Metric name (see `openrace metrics list`)."),
    by: str = typer.Option(
        None,
        "--by",
        help="country, org, sector, access or none (default: the metric's first grouping).",
    ),
    period: str = typer.Option(None, "--period", help="month, quarter, year or none."),
    option: list[str] = typer.Option(
        None,
        "--option",
        "-o",
        help="A metric option as KEY=VALUE, e.g. -o counting=fractional; repeatable.",
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    definition: bool = typer.Option(
        False,
        "--definition",
        help="Print the metric's definition (options, caveats) instead of its values.",
    ),
    sql: bool = typer.Option(
        False,
        "--sql",
        help="Print the DuckDB SQL the metric compiles to (for these --by, --period and "
        "options) instead of its values; no store is read.",
    ),
    engine: Engine = EngineOption,
    spark_master: str = SparkMasterOption,
    spark_data: Path = SparkDataOption,
    store: Path = StoreOption,
) -> None:
    """Evaluate one metric of the catalogue, as a tidy table (period, group, ..., value)."""
    from openrace.metrics.catalogue import load_catalogue

    cat = load_catalogue()
    m = cat.get(name)
    opts = parse_options(option)
    q = m.query(by=by, period=period, **opts)  # validate before opening anything
    if definition:
        d = m.describe()
        if fmt == Format.json:
            write_out(json.dumps(d, indent=1, ensure_ascii=False) + "\n", json_text=True)
            return
        for key in ("name", "title", "description", "unit", "source", "by", "periods", "dims"):
            v = d[key]
            out_console.print(f"{key}: {', '.join(v) if isinstance(v, list) else v}", markup=False)
        for o in d["options"]:
            out_console.print(
                f"option {o['name']} ({'|'.join(o['choices'])}, default "
                f"{o['default']}): {o['help']}",
                markup=False,
            )
        for c in d["caveats"]:
            out_console.print(f"caveat: {c}", markup=False)
        return
    if sql:
        from openrace.metrics.sql import metric_sql

        write_out(metric_sql(name, by=q.by, period=q.period, **q.options))
        return
    with engine_for(store, engine, spark_master, spark_data) as src:
        table = cat.evaluate(name, src, by=q.by, period=q.period, **q.options)
    emit(table, fmt, title=f"{m.title} ({m.unit}; {q.label()})")


VERDICT_STYLE = {"supported": "green", "contradicted": "red", "insufficient data": "yellow"}


@app.command("claims")
def claims(
    file: Path = typer.Option(
        None, "--file", help="A claims file (YAML) to check instead of the bundled claims."
    ),
    claim_id: str = typer.Option(None, "--id", help="Only the claim with this id."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    engine: Engine = EngineOption,
    spark_master: str = SparkMasterOption,
    spark_data: Path = SparkDataOption,
    store: Path = StoreOption,
) -> None:
    """Check the claims of the public debate: verdict, evidence and robustness under each
    alternative definition."""
    from openrace.claims import check_claims, load_claims

    claims_ = load_claims(file)
    if claim_id:
        claims_ = [c for c in claims_ if c.id == claim_id]
        if not claims_:
            raise UsageError(f"no claim with id {claim_id!r}")
    with engine_for(store, engine, spark_master, spark_data) as src:
        results = check_claims(src, claims_)
    if fmt == Format.json:
        write_out(
            json.dumps([r.to_dict() for r in results], indent=1, ensure_ascii=False, default=str)
            + "\n",
            json_text=True,
        )
        return
    if fmt == Format.csv:
        rows = []
        for r in results:
            for d in [r.stated, *r.alternatives]:
                rows.append(
                    {
                        "id": r.claim.id,
                        "claim": r.claim.text,
                        "definition": d.label,
                        "verdict": d.verdict,
                        "evidence": d.evidence,
                        "metric": d.metric,
                        "robustness": r.robustness,
                    }
                )
        emit(rows, fmt)
        return
    from rich.table import Table

    for r in results:
        style = VERDICT_STYLE.get(r.verdict, "")
        out_console.print(f"\n{r.claim.text}", markup=False, style="bold")
        for who in r.claim.said_by:
            out_console.print(f"  said by: {who.text()}" + (f" ({who.link})" if who.link else ""),
                              markup=False)
        out_console.print(f"  verdict: {r.verdict}", markup=False, style=style)
        out_console.print(f"  evidence: {r.stated.evidence}", markup=False)
        out_console.print(f"  robustness: {r.robustness} ({r.robustness_detail})", markup=False)
        t = Table(show_header=True, box=None, padding=(0, 1))
        t.add_column("definition")
        t.add_column("verdict")
        t.add_column("evidence", overflow="fold")
        for d in [r.stated, *r.alternatives]:
            t.add_row(
                _plain(d.label),
                _plain(d.verdict),
                _plain(d.evidence),
                style=VERDICT_STYLE.get(d.verdict, ""),
            )
        out_console.print(t)
    counts = {v: sum(1 for r in results if r.verdict == v) for v in VERDICT_STYLE}
    out_console.print("\n" + ", ".join(f"{n} {v}" for v, n in counts.items()), markup=False)


def _plain(text: str) -> str:
    """Text shown in a Rich table cell, with markup brackets escaped."""
    return text.replace("[", r"\[")
