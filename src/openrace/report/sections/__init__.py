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

The order of sections is :data:`SECTION_ORDER`. A section whose module does not exist yet
is shown with its planned empty state (:data:`PLANNED`).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

SECTION_ORDER: tuple[str, ...] = (
    "releases",
    "openness",
    "adoption",
    "diffusion",
    "research",
    "code",
    "capability",
    "methodology",
    "provenance",
)

#: Title and the command that fills each section, used when a section module is missing.
PLANNED: Mapping[str, tuple[str, str]] = {
    "releases": ("Releases", "openrace report"),
    "openness": ("Openness", "openrace report"),
    "adoption": ("Adoption", "openrace update hf"),
    "diffusion": ("Diffusion", "openrace update hf"),
    "research": ("Research", "openrace update openalex"),
    "code": ("Code", "openrace update github"),
    "capability": ("Capability", "openrace update benchmarks"),
    "methodology": ("Methodology", "openrace report"),
    "provenance": ("Provenance", "openrace report"),
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


def section_builder(name: str) -> SectionBuilder | None:
    """The ``build`` function of section ``name``, or None if its module does not exist."""
    module_name = f"{__name__}.{name}"
    if importlib.util.find_spec(module_name) is None:
        return None
    return importlib.import_module(module_name).build


def build_sections(ctx: Any, names: Sequence[str] = SECTION_ORDER) -> list[Section]:
    """Build every section in order; a missing module gives its planned empty state."""
    out: list[Section] = []
    for name in names:
        builder = section_builder(name)
        if builder is None:
            title, command = PLANNED.get(name, (name.title(), "openrace update"))
            out.append(no_data(name, title, command))
        else:
            out.append(builder(ctx))
    return out


__all__ = [
    "PLANNED",
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
