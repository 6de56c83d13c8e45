"""openrace: measure the open-AI race between countries and organisations from public data.

>>> import openrace
>>> store = openrace.open_store(":memory:")
>>> openrace.listings.releases(store, country="CN", access="open").num_rows > 0
True
"""

from __future__ import annotations

__version__ = "0.1.0"

from openrace import listings
from openrace.api import open_store
from openrace.registry import Registry, load_registry, sync_registry
from openrace.report import build_report
from openrace.store import Store

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
