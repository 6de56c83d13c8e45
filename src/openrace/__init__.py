"""openrace: measure the open-AI race between countries and organisations from public data.

>>> import openrace
>>> store = openrace.open_store(":memory:")
>>> openrace.listings.releases(store, country="CN", access="open").num_rows > 0
True
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from openrace.api import open_store
from openrace.queries import registry as listings
from openrace.registry import Registry, load_registry, sync_registry
from openrace.store import Store

if TYPE_CHECKING:
    from openrace.report import build_report


def __getattr__(name: str) -> Any:
    # the report's chart libraries are large: a harvest or a query need not load them
    if name == "build_report":
        from openrace.report import build_report

        return build_report
    raise AttributeError(f"module 'openrace' has no attribute {name!r}")

__all__ = [
    "Registry",
    "Store",
    "__version__",
    "build_report",
    "listings",
    "load_registry",
    "open_store",
    "sync_registry",
]
