"""Data sources: one module per source behind one small protocol.

A source fetches pages and yields plain records; nothing else in openrace talks to the
network. A :class:`Page` carries the raw records as the server sent them and the opaque
cursor of the next page, so that a harvest can commit a page and its cursor together and
resume after a crash. Parsing into typed records happens at the edge, in the source
module: the Hub source yields its pages parsed already
(:class:`openrace.sources.hf.HubPage`, records and rejects), since it parses them in the
worker thread that reads ahead.
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
