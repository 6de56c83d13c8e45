"""Build the report: sections → one self-contained ``index.html`` + ``data/*.csv``.

The page inlines Vega, Vega-Lite and vega-embed, its CSS and script, and the rows of every
chart (as an escaped JSON block), so it opens offline from a file. Every text that came
from a source is escaped by Jinja2's autoescaping; the JSON block cannot close its
``<script>`` element.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import pyarrow as pa
from markupsafe import Markup, escape

from openrace import __version__
from openrace.report import assets
from openrace.report.charts import country_name
from openrace.report.context import ReportContext
from openrace.report.exports import render_image, rows_of, write_csv
from openrace.report.formatting import csv_cell, display, share
from openrace.report.sections import SECTION_ORDER, Chart, Section, Table, build_sections
from openrace.report.summary import Summary, build_summary
from openrace.store import Store

TITLE = "The open-AI race"
SUBTITLE = (
    "Which countries and organisations release notable AI models, how openly, and whose "
    "models the world uses and builds on: measured from public data, with every figure "
    "linked to the records behind it."
)
IMAGE_FORMATS = ("png", "svg")


@dataclass
class Report:
    """A built report, in memory: sections and summary, ready to render or export."""

    ctx: ReportContext
    sections: list[Section]
    summary: Summary

    def charts(self) -> list[Chart]:
        """Every chart, in page order."""
        return [c for s in self.sections for c in s.charts]

    def tables(self) -> list[Table]:
        """Every sortable table, in page order."""
        return [t for s in self.sections for t in s.tables]

    def chart(self, name: str) -> Chart:
        """The chart called ``name``."""
        from openrace.errors import UsageError

        for c in self.charts():
            if c.name == name:
                return c
        names = ", ".join(c.name for c in self.charts()) or "none (the store holds no data)"
        raise UsageError(f"no chart named {name!r}; charts: {names}")


@dataclass
class BuildResult:
    """What :func:`write_report` wrote."""

    index: Path
    csvs: list[Path] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    empty_sections: list[str] = field(default_factory=list)


def assemble(store: Store, *, catalogue: Any = None, now: datetime | None = None,
             sections: tuple[str, ...] = SECTION_ORDER) -> Report:
    """Build every section and the summary from the store (nothing written yet)."""
    ctx = ReportContext(store=store, catalogue=catalogue, **({"now": now} if now else {}))
    built = build_sections(ctx, sections)
    names = [c.name for s in built for c in s.charts] + [t.name for s in built for t in s.tables]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"chart/table names used twice: {', '.join(dupes)}")
    return Report(ctx=ctx, sections=built, summary=build_summary(ctx, built))


def write_report(report: Report, out_dir: Path, *, png: bool = False,
                 svg: bool = False) -> BuildResult:
    """Write ``index.html``, ``data/*.csv`` and (optionally) ``figures/*.png|svg``."""
    out_dir = Path(out_dir)
    (out_dir / "data").mkdir(parents=True, exist_ok=True)
    result = BuildResult(index=out_dir / "index.html")
    for c in report.charts():
        result.csvs.append(write_csv(c.data, out_dir / "data" / f"{c.name}.csv"))
        result.charts.append(c.name)
    for t in report.tables():
        result.csvs.append(write_csv(t.data, out_dir / "data" / f"{t.name}.csv"))
    images: dict[str, list[str]] = {}
    formats = [f for f, on in (("png", png), ("svg", svg)) if on]
    if formats:
        (out_dir / "figures").mkdir(exist_ok=True)
        for c in report.charts():
            rows = rows_of(c.data)
            for fmt in formats:
                path = out_dir / "figures" / f"{c.name}.{fmt}"
                path.write_bytes(render_image(c.spec, rows, fmt))
                result.images.append(path)
                images.setdefault(c.name, []).append(fmt)
    result.index.write_text(render_html(report, images=images), encoding="utf-8")
    result.empty_sections = [s.id for s in report.sections if s.empty]
    return result


def build_report(store: Store, out_dir: Path, *, png: bool = False, svg: bool = False,
                 catalogue: Any = None, now: datetime | None = None) -> BuildResult:
    """Build the report from ``store`` into ``out_dir`` (the library entry point)."""
    return write_report(assemble(store, catalogue=catalogue, now=now), out_dir, png=png, svg=svg)


# -- rendering --------------------------------------------------------------------------------


_CODE = re.compile(r"`([^`]+)`")


def prose(text: str) -> Markup:
    """Escape ``text`` (it may hold harvested names), then show `backticked` spans as code."""
    escaped = str(escape(text))
    return Markup(_CODE.sub(r"<code>\1</code>", escaped))


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("openrace.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["prose"] = prose
    return env


def script_json(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: ``<``, ``>``, ``&``
    and the JavaScript line separators are written as ``\\u`` escapes, so no harvested
    string can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _numeric(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)


def _display(value: Any) -> str:
    # text already joined with ";" (a list in one column) reads better with a space
    text = display(value)
    return re.sub(r";(?=\S)", "; ", text) if isinstance(value, str) else text


#: separators after which a long identifier may wrap (``meta-llama/Llama-3.1-8B``)
_BREAK_AFTER = re.compile(r"([/_-])(?=\w)")
#: words shorter than this are left whole (dates, licence ids, country codes)
_LONG = 13


def breakable(text: str) -> Markup:
    """``text`` escaped for HTML, with a line-break opportunity (``<wbr>``) after each
    ``/``, ``-`` and ``_`` inside long words, so that a narrow column wraps a model id
    between its parts instead of mid-word (the cells' CSS never breaks words); short
    words holding such a character are kept on one line."""
    parts = re.split(r"(\s+)", text)
    out = []
    for part in parts:
        safe = str(escape(part))
        if len(part) >= _LONG and not part.isspace():
            safe = _BREAK_AFTER.sub(r"\1<wbr>", safe)
        elif _BREAK_AFTER.search(part):
            # a short id (usa-lab, 2025-01-01) stays whole: browsers break after a hyphen
            safe = f'<span class="nw">{safe}</span>'

        out.append(safe)
    return Markup("".join(out))


_HIDDEN = {"colour_rank"}
#: column headings for common column names (others: underscores become spaces)
HEADINGS = {
    "period": "Period", "group": "Group", "value": "Value", "label": "Name",
    "country": "Country", "country_name": "Country name", "country_label": "Country",
    "access": "Access", "license_class": "Licence class", "license": "Licence",
    "params_b": "Parameters (bn)", "org_names": "Organisations", "countries": "Countries",
    "release_date": "Released", "open_share": "Open share", "name": "Name",
    "organisation": "Organisation", "modality": "Modality", "total": "Total",
    "open": "Open", "closed": "Closed", "organisations": "Organisations",
}


def heading(name: str) -> str:
    """A readable column heading."""
    return HEADINGS.get(name) or (name[:1].upper() + name[1:]).replace("_", " ")


def _is_share(name: str) -> bool:
    return name.endswith("share") or name.endswith("_pct")


def table_view(data: pa.Table, columns: list[str] | None, country_field: str | None,
               period_field: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Columns and rows of a table for the template (display text + sort key per cell)."""
    names = columns or [n for n in data.column_names if n not in _HIDDEN]
    cols = [{"key": n, "title": heading(n), "numeric": _numeric(data.schema.field(n).type),
             "share": _is_share(n)} for n in names]
    rows = []
    for r in data.to_pylist():
        cells = []
        for c in cols:
            v = r.get(c["key"])
            sort = "" if v is None else (float(v) if c["numeric"] else csv_cell(v))
            if c["share"] and isinstance(v, float):
                text: str = share(v)
            elif c["numeric"]:
                text = _display(v)
            else:
                text = breakable(_display(v))
            cells.append((text, sort))
        rows.append({
            "cells": cells,
            "country": "" if not country_field else (r.get(country_field) or ""),
            "period": "" if not period_field else (r.get(period_field) or ""),
        })
    return cols, rows


def _filters(report: Report) -> tuple[list[dict[str, str]], list[int]]:
    countries: set[str] = set()
    years: set[int] = set()
    items = [(c.data, c.country_field, c.period_field) for c in report.charts()]
    items += [(t.data, t.country_field, t.period_field) for t in report.tables()]
    for data, cf, pf in items:
        if cf and cf in data.column_names:
            countries.update(v for v in data.column(cf).to_pylist() if v)
        if pf and pf in data.column_names:
            for v in data.column(pf).to_pylist():
                if v and str(v)[:4].isdigit():
                    years.add(int(str(v)[:4]))
    country_list = sorted(
        ({"code": c, "name": country_name(c)} for c in countries), key=lambda d: d["name"]
    )
    year_list = list(range(min(years), max(years) + 1)) if years else []
    return country_list, year_list


def render_html(report: Report, *, images: dict[str, list[str]] | None = None) -> str:
    """The report page as one HTML string."""
    env = _env()
    charts_payload = []
    chart_views = {}
    for c in report.charts():
        rows = rows_of(c.data)
        charts_payload.append({
            "name": c.name,
            "spec": c.spec,
            "rows": rows,
            "country_field": c.country_field,
            "period_field": c.period_field,
        })
        cols, trows = table_view(c.data, c.columns, c.country_field, c.period_field)
        chart_views[c.name] = {"columns": cols, "rows": trows}
    section_views = []
    for s in report.sections:
        charts = []
        for c in s.charts:
            charts.append({
                "name": c.name, "title": c.title, "alt_text": c.alt_text,
                "definition": c.definition, "coverage": c.coverage, "caveats": c.caveats,
                "metric": c.metric, "country_field": c.country_field,
                "period_field": c.period_field, **chart_views[c.name],
            })
        tables = []
        for t in s.tables:
            cols, trows = table_view(t.data, t.columns, t.country_field, t.period_field)
            tables.append({"name": t.name, "title": t.title, "caption": t.caption,
                           "columns": cols, "rows": trows, "limit": t.limit,
                           "country_field": t.country_field, "period_field": t.period_field})
        section_views.append({"id": s.id, "title": s.title, "prose": s.prose, "facts": s.facts,
                              "empty": s.empty, "charts": charts, "tables": tables})
    countries, years = _filters(report)
    ctx = report.ctx
    as_of = report.summary.as_of or ctx.now
    template = env.get_template("report.html.j2")
    return template.render(
        title=TITLE,
        subtitle=SUBTITLE,
        version=__version__,
        as_of=f"{as_of.day} {as_of:%B %Y}",
        as_of_iso=as_of.date().isoformat(),
        built=f"{ctx.now.day} {ctx.now:%B %Y %H:%M} UTC",
        summary=report.summary,
        sections=section_views,
        countries=countries,
        years=years,
        images=images or {},
        sources=report.summary.sources,
        csv_files=[{"name": c.name, "title": c.title} for c in report.charts()]
        + [{"name": t.name, "title": t.title} for t in report.tables()],
        css=assets.static_text("report.css"),
        report_js=assets.script_safe(assets.static_text("report.js")),
        vega_js=assets.vega_bundle(),
        payload_json=script_json({"charts": charts_payload}),
    )
