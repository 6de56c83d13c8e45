"""Export the store's tables as Parquet or CSV files, for other tools and for Spark."""

from __future__ import annotations

from pathlib import Path

from openrace.errors import UsageError
from openrace.store import TABLES, Store

FORMATS = ("parquet", "csv")


def export_tables(store: Store, out_dir: Path, fmt: str = "parquet",
                  tables: tuple[str, ...] = TABLES) -> dict[str, Path]:
    """Write each table to ``out_dir/<table>.<fmt>`` (via DuckDB's COPY, streaming, so
    memory stays bounded). Returns the files written."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise UsageError(f"unknown table(s): {', '.join(sorted(unknown))}")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} exists and is not a directory; name a directory to "
                         "write the tables into")
    if not out_dir.parent.is_dir():
        raise UsageError(f"no folder {out_dir.parent}; create it first")
    out_dir.mkdir(exist_ok=True)
    written = {}
    for t in tables:
        path = out_dir / f"{t}.{fmt}"
        tmp = path.with_name(path.name + ".part")
        opts = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER"
        sel = f"SELECT * FROM {t}"
        if fmt == "csv":
            # CSV has no list type: lists become ';'-joined text
            cols = store.con.execute(f"DESCRIBE {t}").fetchall()
            sel = "SELECT " + ", ".join(
                f"array_to_string({c[0]}, ';') AS {c[0]}" if c[1].endswith("[]") else c[0]
                for c in cols
            ) + f" FROM {t}"
        store.copy_to(sel, tmp, opts)
        tmp.replace(path)
        written[t] = path
    return written
