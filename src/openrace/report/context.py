"""What a report section gets: the store and the metrics catalogue, with helpers.

Sections read every figure through :meth:`ReportContext.metric` (the metrics catalogue);
they never query the store's tables for a figure themselves. Results are memoised, so
several charts and the summary can share one evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from openrace.report import formatting
from openrace.store import Store, utcnow


@dataclass
class Headline:
    """One headline number of the summary, with the date it refers to."""

    label: str
    value: str
    date: str
    detail: str = ""
    #: sort key: lower comes first in the summary
    priority: int = 50


@dataclass
class ReportContext:
    """The store, the catalogue and the report's clock, shared by every section."""

    store: Store
    catalogue: Any = None
    now: datetime = field(default_factory=utcnow)
    headlines: list[Headline] = field(default_factory=list)
    _cache: dict[tuple[Any, ...], pa.Table] = field(default_factory=dict, repr=False)
    _presence: dict[str, bool] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.catalogue is None:
            from openrace.metrics.catalogue import load_catalogue

            self.catalogue = load_catalogue()

    # -- the catalogue ----------------------------------------------------------------------

    def has_metric(self, name: str) -> bool:
        """Whether the catalogue defines ``name``."""
        return name in self.catalogue.names()

    def definition(self, name: str) -> dict[str, Any]:
        """The metric's definition (name, title, description, unit, source, caveats, ...)."""
        return self.catalogue.get(name).describe()

    def has_data(self, name: str) -> bool:
        """Whether metric ``name`` exists and has data in this store."""
        if name not in self._presence:
            self._presence[name] = self.has_metric(name) and bool(
                self.catalogue.has_data(name, self.store)
            )
        return self._presence[name]

    def update_command(self, name: str) -> str:
        """The command that fills metric ``name``."""
        if not self.has_metric(name):
            return "openrace update"
        return self.catalogue.get(name).update_command

    def metric(self, name: str, by: str | None = None, period: str | None = None,
               **options: str) -> pa.Table:
        """Evaluate a catalogue metric on the store (memoised)."""
        key = (name, by, period, tuple(sorted(options.items())))
        if key not in self._cache:
            self._cache[key] = self.catalogue.evaluate(
                name, self.store, by=by, period=period, **options
            )
        return self._cache[key]

    def add_headline(self, headline: Headline) -> None:
        """Offer a headline number to the summary."""
        self.headlines.append(headline)


def fmt_int(value: float | None) -> str:
    """A count for prose: ``1,234``."""
    return formatting.count(value)


def fmt_pct(value: float | None, digits: int = 0) -> str:
    """A share for prose: ``42%``."""
    return formatting.share(value, digits)
