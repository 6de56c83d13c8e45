"""The curated registry: organisations and notable releases, validated on load."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openrace.registry.loader import Registry, bundled_dir, check_registry, load_registry
    from openrace.registry.models import Organization, Release
    from openrace.registry.sync import sync_registry

# imported on first use: the validators (pydantic, YAML) are needed only when the
# registry is loaded, not when a store already holds it (see openrace.registry.cache)
_LAZY = {
    "Organization": "openrace.registry.models",
    "Registry": "openrace.registry.loader",
    "Release": "openrace.registry.models",
    "bundled_dir": "openrace.registry.loader",
    "check_registry": "openrace.registry.loader",
    "load_registry": "openrace.registry.loader",
    "sync_registry": "openrace.registry.sync",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'openrace.registry' has no attribute {name!r}")


__all__ = [
    "Organization",
    "Registry",
    "Release",
    "bundled_dir",
    "check_registry",
    "load_registry",
    "sync_registry",
]
