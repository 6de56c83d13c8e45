"""The curated registry: organisations and notable releases, validated on load."""

from openrace.registry.loader import Registry, bundled_dir, check_registry, load_registry
from openrace.registry.models import Organization, Release
from openrace.registry.sync import sync_registry

__all__ = [
    "Organization",
    "Registry",
    "Release",
    "bundled_dir",
    "check_registry",
    "load_registry",
    "sync_registry",
]
