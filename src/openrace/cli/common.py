"""Helpers shared by CLI modules: the store option, output formats, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from openrace.config import Settings, default_store_path, redact
from openrace.errors import StoreError
from openrace.report.formatting import csv_cell, display, plain

if TYPE_CHECKING:
    import pyarrow as pa

# C0 controls but tab and newline, DEL, C1 controls (U+009B is a one-byte CSI to some
# terminals), and the bidirectional overrides that reorder what a line appears to say
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str, *, json_escapes: bool = False) -> str:
    """``text`` made inert for a terminal: every control character that could move the
    cursor, clear the screen, retitle the window or reorder the line is shown as an
    escape (``\\x1b``; ``\\u001b`` with ``json_escapes``, so JSON stays valid) instead
    of being sent raw. Tabs and newlines are kept. Harvested text is stored as it came;
    this applies only to what reaches a terminal."""
    if json_escapes:
        return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return _CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
        else f"\\u{ord(m.group()):04x}", text)


class LazyConsole:
    """A :class:`~openrace.cli.console.TerminalConsole` built at its first use, standing in
    for it (attributes read and set pass through): Rich takes about 50 ms to import, a
    sixth of a listing's time, and a listing printed to a pipe or a file never uses it."""

    def __init__(self, **options: Any) -> None:
        object.__setattr__(self, "_options", options)
        object.__setattr__(self, "_console", None)

    def real(self) -> Any:
        """The Rich console itself (built now if it was not yet)."""
        if self._console is None:
            from openrace.cli.console import TerminalConsole

            object.__setattr__(self, "_console", TerminalConsole(**self._options))
        return self._console

    def writes_to_terminal(self) -> bool:
        """Rich's ``is_terminal``, answered without Rich when the stream is plainly not a
        terminal (not a TTY, and neither TTY_COMPATIBLE nor FORCE_COLOR set)."""
        if self._console is None and not {"TTY_COMPATIBLE", "FORCE_COLOR"} & set(os.environ):
            stream = sys.stderr if self._options.get("stderr") else sys.stdout
            isatty = getattr(stream, "isatty", None)
            try:
                if isatty is None or not isatty():
                    return False
            except ValueError:  # a closed stream
                return False
        return bool(self.real().is_terminal)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.real(), name, value)


err_console = LazyConsole(stderr=True, highlight=False, soft_wrap=True)
out_console = LazyConsole(highlight=False, soft_wrap=True)


def print_line(text: str) -> None:
    """One plain line (no markup) on standard output, made inert as the console makes every
    line: through Rich on a terminal, written directly otherwise (Rich not imported)."""
    if out_console.writes_to_terminal():
        out_console.print(text, markup=False)
    else:
        sys.stdout.write(terminal_text(text) + "\n")


def write_out(text: str, *, json_text: bool = False) -> None:
    """Write ``text`` (CSV, JSON) to standard output: as it is to a file or a pipe, made
    inert (:func:`terminal_text`) when standard output is a terminal."""
    if sys.stdout.isatty():
        text = terminal_text(text, json_escapes=json_text)
    sys.stdout.write(text)

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
    """The store file to use: ``--store``, else ``OPENRACE_STORE``, else the default. A
    path in a folder that does not exist is refused (a mistyped path creates nothing);
    only the default store's folder is made when needed."""
    path = store if store is not None else settings().store_path
    if not path.parent.is_dir() and path != default_store_path():
        raise StoreError(f"no store at {path}: the folder {path.parent} does not exist; "
                         "create it first, or check --store / OPENRACE_STORE")
    return path


def error_line(message: str) -> None:
    """Print one error line (secrets redacted, markup not interpreted)."""
    text = redact(message, settings().secrets())
    err_console.print(f"error: {text}", markup=False)


def plain_table(columns: list[str], data: list[dict[str, Any]], *,
                title: str | None = None) -> str:
    """The table format for a pipe or a file: the cells a terminal's table shows (the same
    :func:`display` text, made inert), in columns aligned by spaces under a header and a
    rule, with the title above and the row count below. Rich's boxed table measures and
    wraps every cell, which costs more than the query for a few hundred rows; a reader
    of a pipe (``grep``, ``less``, ``column``) wants whole lines anyway."""
    cells = [[terminal_text(display(r.get(c))).replace("\n", " ").replace("\t", " ")
              for c in columns] for r in data]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = [title] if title else []
    for row in (columns, ["-" * w for w in widths], *cells):
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    lines.append(f"{len(data)} row(s)")
    return "\n".join(lines) + "\n"


def emit(rows: pa.Table | list[dict[str, Any]], fmt: Format, *, title: str | None = None) -> None:
    """Write rows to standard output as a table, CSV (header row) or JSON (list of objects).
    The table is Rich's on a terminal and :func:`plain_table` on a pipe or a file."""
    # an Arrow table, without importing Arrow for commands that print plain rows
    arrow = hasattr(rows, "to_pylist") and hasattr(rows, "column_names")
    data = rows.to_pylist() if arrow else rows  # type: ignore[union-attr]
    columns = rows.column_names if arrow else (list(data[0].keys()) if data else [])  # type: ignore[union-attr]
    if fmt == Format.json:
        write_out(json.dumps(plain(data), default=str, ensure_ascii=False, indent=1) + "\n",
                  json_text=True)
    elif fmt == Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        # the csv module quotes a field holding "\r" only when "\r" is in the line
        # terminator: such rows are written fully quoted, so a reader sees one field
        quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
        w.writerow(columns)
        for r in data:
            cells = [csv_cell(r.get(c)) for c in columns]
            (quoted if any("\r" in c for c in cells) else w).writerow(cells)
        write_out(buf.getvalue())
    elif not out_console.writes_to_terminal():
        write_out(plain_table(columns, data, title=title))
    else:
        from rich.table import Table
        from rich.text import Text

        t = Table(title=title, show_lines=False)
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in data:
            # Text cells: never read as markup, and measured faster than strings (which
            # Rich parses for markup first); made inert here as render_str would
            t.add_row(*[Text(terminal_text(display(r.get(c)))) for c in columns])
        out_console.print(t)
        out_console.print(f"{len(data)} row(s)", style="dim")
