"""openrace: measure the open-AI race between countries and organisations from public data.

>>> import openrace
>>> store = openrace.open_store(":memory:")
>>> openrace.listings.releases(store, country="CN", access="open").num_rows > 0
True
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openrace.api import open_store
    from openrace.queries import registry as listings
    from openrace.registry import Registry, load_registry, sync_registry
    from openrace.report import build_report
    from openrace.store import Store

# The public names and the modules that hold them, imported on first use: `openrace
# --help` or a listing need not load DuckDB, Arrow, the registry's validators or the
# report's chart libraries before they are asked for.
_LAZY = {
    "Registry": "openrace.registry",
    "Store": "openrace.store",
    "build_report": "openrace.report",
    "load_registry": "openrace.registry",
    "open_store": "openrace.api",
    "sync_registry": "openrace.registry",
}


def __getattr__(name: str) -> Any:
    if name == "listings":
        return importlib.import_module("openrace.queries.registry")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
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
