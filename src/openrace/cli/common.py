"""Helpers shared by CLI modules: the store option, output formats, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa
import typer
from rich.console import Console
from rich.table import Table

from openrace.config import Settings, redact

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)

StoreOption = typer.Option(
    None,
    "--store",
    help="DuckDB store file (default: $OPENRACE_STORE or the user data directory).",
    show_default=False,
)


class Format(StrEnum):
    """Output formats of listing commands."""

    table = "table"
    csv = "csv"
    json = "json"


def settings() -> Settings:
    """The environment, read once."""
    return Settings.from_env()


def store_path(store: Path | None) -> Path:
    """The store file to use: ``--store``, else ``OPENRACE_STORE``, else the default."""
    return store if store is not None else settings().store_path


def error_line(message: str) -> None:
    """Print one error line (secrets redacted, markup not interpreted)."""
    text = redact(message, settings().secrets())
    err_console.print(f"error: {text}", markup=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def emit(rows: pa.Table | list[dict[str, Any]], fmt: Format, *, title: str | None = None) -> None:
    """Write rows to standard output as a table, CSV (header row) or JSON (list of objects)."""
    data = rows.to_pylist() if isinstance(rows, pa.Table) else rows
    columns = (
        rows.column_names if isinstance(rows, pa.Table) else (list(data[0].keys()) if data else [])
    )
    if fmt == Format.json:
        sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False, indent=1) + "\n")
    elif fmt == Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in data:
            w.writerow([_cell(r.get(c)) for c in columns])
        sys.stdout.write(buf.getvalue())
    else:
        t = Table(title=title, show_lines=False)
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in data:
            # markup=False equivalent: escape square brackets from harvested text
            t.add_row(*[_cell(r.get(c)).replace("[", r"\[") for c in columns])
        out_console.print(t)
        out_console.print(f"{len(data)} row(s)", style="dim")
