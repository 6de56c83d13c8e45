"""``openrace status``: what the store holds per source, and how fresh it is."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

from openrace.cli.common import (
    Format,
    StoreOption,
    emit,
    out_console,
    print_line,
    store_path,
    write_out,
)
from openrace.cli.root import app
from openrace.report.formatting import display, plain


@app.command()
def status(
    fmt: Format = typer.Option(
        Format.table,
        "--format",
        "-f",
        help="Output format (json: the store's path, size and schema too).",
    ),
    store: Path = StoreOption,
) -> None:
    """Show what the store holds per source: records, observations, the newest record, the
    last harvest and its outcome, and the dates the data cover."""
    from openrace.queries.status import COLUMNS, store_status
    from openrace.store import Store

    path = store_path(store)
    if not path.exists():
        if fmt == Format.json:
            write_out(
                json.dumps({"store": str(path), "exists": False, "sources": []}) + "\n",
                json_text=True,
            )
        else:
            out_console.print(
                f"no store at {path}: nothing harvested yet (`openrace update "
                "SOURCE` or `openrace report` creates it)",
                markup=False,
            )
        return
    with Store(path, read_only=True) as s:
        info = store_status(s)
    if fmt == Format.json:
        write_out(json.dumps(plain(info), ensure_ascii=False, indent=1) + "\n", json_text=True)
        return
    rows = [{c: r[c] for c in COLUMNS} for r in info["sources"]]
    if fmt == Format.csv:
        emit(rows, fmt)
        return
    size = info["size_bytes"]
    print_line(
        f"store {info['store']}: schema {info['schema_version']}"
        + (f", {display(size)} bytes" if size is not None else "")
        + (f", created {info['created_at']}" if info["created_at"] else "")
    )
    if not rows:
        print_line("the store holds nothing yet")
        return
    emit([_compact(r) for r in rows], fmt, title="Sources")


def _minute(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else ""


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    """One source's row narrowed for a terminal: times to the minute, the last run's
    outcome beside its time, the coverage as one span."""
    run = " ".join(
        t
        for t in (
            _minute(row["last_run"]),
            row["last_run_status"] or "",
            f"({row['last_run_scope']})" if row["last_run_scope"] else "",
        )
        if t
    )
    span = (
        f"{row['coverage_from'] or '?'} to {row['coverage_through'] or '?'}"
        if row["coverage_from"] or row["coverage_through"]
        else ""
    )
    return {
        "source": row["source"],
        "records": row["records"],
        "observations": row["observations"],
        "quarantined": row["quarantined"],
        "newest record": _minute(row["newest_record"]),
        "last run": run,
        "last success": _minute(row["last_ok_run"]),
        "coverage": span,
    }
