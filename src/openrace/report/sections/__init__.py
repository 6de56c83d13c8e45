"""The contract between the report and its sections.

A section is a module in this package exposing ``build(ctx: ReportContext) -> Section``.
It reads its figures ONLY through ``ctx`` (which reads the metrics catalogue), and returns:

- ``Section.title`` / ``Section.id`` (the anchor) / ``Section.prose`` (plain-text paragraphs
  with the numbers; they are escaped when rendered, never interpreted as HTML);
- ``Section.charts``: :class:`Chart` objects, each a Vega-Lite spec reading the named data
  set ``"table"`` (see :func:`openrace.report.charts.base`), the tidy rows behind it (written
  to ``data/<name>.csv``), the metric definition, coverage and caveats, and a text
  alternative;
- ``Section.tables``: sortable tables of the organisations / models behind the charts;
- ``Section.empty``: set (with :func:`no_data`) when the section's metrics have no data in
  the store, so the page says "no data yet — run ``openrace update hf``" instead of
  showing invented numbers.

A section may also offer headline numbers to the summary at the top of the report with
``ctx.add_headline(Headline(label=..., value=..., date=..., priority=...))`` (from
:mod:`openrace.report.context`); the summary shows the four with the lowest priority
(the Releases section uses 10-40).

Chart helpers with the report's colour-blind-safe palette are in
:mod:`openrace.report.charts` (``stacked_bars``, ``lines``, ``ranked_bars``, ``heat``,
``base`` + ``finish`` for custom Altair charts, ``country_name``).

The order of sections is :data:`SECTION_ORDER`: the sections of each source's
:class:`~openrace.sources.SourceSpec`, in the specs' order, then the report's own
(:data:`REPORT_SECTIONS`). A section module that does not exist is an ImportError.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from openrace.sources import SPECS

#: Sections of the report itself, after the sources' sections.
REPORT_SECTIONS: tuple[str, ...] = ("methodology", "provenance")

SECTION_ORDER: tuple[str, ...] = (
    *(name for s in SPECS for name in s.sections),
    *REPORT_SECTIONS,
)

#: The command that fills each section: its source's update command.
SECTION_COMMANDS: Mapping[str, str] = {
    **{name: s.update_command for s in SPECS for name in s.sections},
    **dict.fromkeys(REPORT_SECTIONS, "openrace report"),
}

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Chart:
    """One figure: a Vega-Lite spec plus everything a reader needs to trust it.

    ``spec`` must read its rows from the named data set ``"table"``; the report feeds
    ``data`` into it (filtered by the page's country and period selectors) and writes
    ``data`` to ``data/<name>.csv``.
    """

    name: str
    title: str
    spec: dict[str, Any]
    data: pa.Table
    definition: str
    coverage: str
    alt_text: str
    caveats: list[str] = field(default_factory=list)
    metric: str | None = None
    #: column holding a country code (used by the country selector), or None
    country_field: str | None = None
    #: column holding a period string like 2024Q3 / 2024 / 2024-07 (period selector), or None
    period_field: str | None = None
    #: columns shown in the table fallback (default: all)
    columns: list[str] | None = None

    def __post_init__(self) -> None:
        if not _SLUG.match(self.name):
            raise ValueError(f"chart name must be a lowercase slug: {self.name!r}")
        if not isinstance(self.data, pa.Table):
            self.data = to_arrow(self.data)


@dataclass
class Table:
    """A sortable table of the organisations or models behind a chart."""

    name: str
    title: str
    data: pa.Table
    caption: str = ""
    country_field: str | None = None
    period_field: str | None = None
    #: maximum rows shown on the page (the CSV holds them all)
    limit: int = 50
    #: columns shown on the page (default: all); the CSV holds every column
    columns: list[str] | None = None

    def __post_init__(self) -> None:
        if not _SLUG.match(self.name):
            raise ValueError(f"table name must be a lowercase slug: {self.name!r}")
        if not isinstance(self.data, pa.Table):
            self.data = to_arrow(self.data)


@dataclass
class EmptyState:
    """Why a section has nothing to show, and the command that would fill it."""

    message: str
    command: str


@dataclass
class Section:
    """What a section module returns."""

    id: str
    title: str
    prose: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    empty: EmptyState | None = None
    #: definition-list items (term, description) shown after the prose, e.g. rules
    facts: list[tuple[str, str]] = field(default_factory=list)


def no_data(section_id: str, title: str, command: str, what: str = "") -> Section:
    """A section in its explicit "no data yet" state."""
    detail = f" {what}" if what else ""
    return Section(
        id=section_id,
        title=title,
        empty=EmptyState(
            message=f"No data yet.{detail} Run `{command}` to harvest it, then rebuild the report.",
            command=command,
        ),
    )


def to_arrow(data: Any) -> pa.Table:
    """Rows (Arrow table, pandas frame, Ibis expression or list of dicts) as an Arrow table."""
    if isinstance(data, pa.Table):
        return data
    if hasattr(data, "to_pyarrow"):
        return data.to_pyarrow()
    if hasattr(data, "to_dict") and hasattr(data, "columns"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if isinstance(data, Sequence):
        return pa.Table.from_pylist(list(data))
    raise TypeError(f"cannot turn {type(data).__name__} into a table")


SectionBuilder = Callable[[Any], Section]


def section_builder(name: str) -> SectionBuilder:
    """The ``build`` function of section ``name`` (ImportError if its module is missing)."""
    builder: SectionBuilder = importlib.import_module(f"{__name__}.{name}").build
    return builder


def build_sections(ctx: Any, names: Sequence[str] = SECTION_ORDER) -> list[Section]:
    """Build every section in order."""
    return [section_builder(name)(ctx) for name in names]


__all__ = [
    "REPORT_SECTIONS",
    "SECTION_COMMANDS",
    "SECTION_ORDER",
    "Chart",
    "EmptyState",
    "Section",
    "Table",
    "build_sections",
    "no_data",
    "section_builder",
    "to_arrow",
]
