"""Files behind the report: the CSV of every chart and table, and chart images (PNG / SVG)."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from openrace.report.charts import DATA_NAME
from openrace.report.formatting import csv_cell, plain

__all__ = ["PNG_SCALE", "csv_cell", "inline_spec", "plain", "render_image", "rows_of",
           "write_csv"]

#: Scale factor of PNG exports: a 640-px-wide chart becomes ~1300 px, fit for print at 300 dpi
#: over about 11 cm, or a full-width web article at 2x.
PNG_SCALE = 2.0


def rows_of(table: pa.Table) -> list[dict[str, Any]]:
    """The table's rows as plain dicts."""
    return [{k: plain(v) for k, v in r.items()} for r in table.to_pylist()]


def write_csv(table: pa.Table, path: Path) -> Path:
    """Write ``table`` as CSV with a header row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(table.column_names)
        for row in table.to_pylist():
            w.writerow([csv_cell(row[c]) for c in table.column_names])
    return path


def inline_spec(spec: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The chart's spec with its rows inlined (for rendering outside the page)."""
    out = copy.deepcopy(spec)
    out["datasets"] = {**out.get("datasets", {}), DATA_NAME: rows}
    return out


def render_image(spec: dict[str, Any], rows: list[dict[str, Any]], fmt: str) -> bytes:
    """Render a chart as ``png`` or ``svg`` (bytes) with vl-convert; no browser needed."""
    import vl_convert as vlc

    full = inline_spec(spec, rows)
    if fmt == "svg":
        return vlc.vegalite_to_svg(full).encode("utf-8")
    if fmt == "png":
        return vlc.vegalite_to_png(full, scale=PNG_SCALE)
    if fmt == "json":
        return json.dumps(full, indent=1, ensure_ascii=False).encode("utf-8")
    raise ValueError(f"unknown image format {fmt!r}")
