"""Data sources: one module per source behind one small protocol.

A source fetches pages and yields plain records; nothing else in openrace talks to the
network. A :class:`Page` carries the raw records as the server sent them and the opaque
cursor of the next page, so that a harvest can commit a page and its cursor together and
resume after a crash. Parsing into typed records happens at the edge, in the source
module: the Hub source yields its pages parsed already
(:class:`openrace.sources.hf.HubPage`, records and rejects), since it parses them in the
worker thread that reads ahead.

Every source is registered once, by its :class:`SourceSpec` in :data:`SPECS`: its name
(the word of ``openrace update <name>`` and of every module named for it), its metrics
module, the report sections it fills and its CLI module. Nothing else lists the sources;
a module a spec names that does not exist is an :class:`ImportError`, not an empty
section.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Page:
    """One page of a listing: raw records and where the next page is."""

    items: list[Any]
    #: cursor that fetched this page (None for the first page)
    cursor: str | None
    #: cursor of the next page, None when this page is the last
    next_cursor: str | None
    #: HTTP requests spent on this page (retries included)
    requests: int = 1
    #: records the server sent that were not objects at all (kept for quarantine)
    junk: list[Any] = field(default_factory=list)


class Source(Protocol):
    """What a harvester needs from a source."""

    name: str

    def pages(self, kind: str, *, cursor: str | None = None, **query: Any) -> Iterator[Page]:
        """Yield the pages of a listing of ``kind``, starting at ``cursor`` if given."""
        ...


@dataclass(frozen=True)
class SourceSpec:
    """Where one source lives in each layer.

    ``name`` is the word users type (``openrace update hf``), the ``source`` of its
    harvest runs and metrics, and the name of its modules (``sources/<name>.py``,
    ``harvest/<name>.py``, ``queries/<name>.py``, ``metrics/<name>.py``,
    ``cli/<name>.py``).
    """

    name: str
    #: how the report's summary credits the source
    title: str
    #: modules under :mod:`openrace.metrics` registering the source's metrics
    metrics: tuple[str, ...] = ()
    #: report sections (modules under :mod:`openrace.report.sections`) it fills, in order
    sections: tuple[str, ...] = ()
    #: module under :mod:`openrace.cli` adding its commands; it defines ``update``, the
    #: ``openrace update <name>`` command, registered under the spec's name
    cli: str | None = None
    #: the command that fills the source's data (shown by an empty section)
    update_command: str = ""

    def __post_init__(self) -> None:
        if not self.update_command:
            object.__setattr__(self, "update_command", f"openrace update {self.name}")


#: Every source, in the order the report shows their sections and the catalogue lists
#: their metrics. ``registry`` is the bundled registry (synced into the store on open).
SPECS: tuple[SourceSpec, ...] = (
    SourceSpec("registry", "the openrace registry", metrics=("releases", "openness"),
               sections=("releases", "openness"), update_command="openrace report"),
    SourceSpec("hf", "the Hugging Face Hub", metrics=("hf",),
               sections=("adoption", "diffusion"), cli="hf"),
    SourceSpec("openalex", "OpenAlex", metrics=("openalex",), sections=("research",),
               cli="openalex"),
    SourceSpec("github", "GitHub", metrics=("github",), sections=("code",), cli="github"),
    SourceSpec("benchmarks", "public benchmark results", metrics=("benchmarks",),
               sections=("capability",), cli="benchmarks"),
    # the credit Epoch AI's CC BY licence asks for
    SourceSpec("epoch", "Epoch AI, ‘Data on AI Models’ (published online at epoch.ai, "
               "https://epoch.ai/data/ai-models, licensed CC BY 4.0)", cli="epoch"),
)


def spec(name: str) -> SourceSpec:
    """The spec of source ``name`` (KeyError when there is none)."""
    for s in SPECS:
        if s.name == name:
            return s
    raise KeyError(name)
