"""The registry validated once per content: a hash of the bundled registry's files (and of
the code that validates and stores them), recorded in the store when that registry is
synced into it.

Loading the registry means parsing its YAML and validating several hundred records
(pydantic models, cross-checks): most of a second. A store whose recorded hash equals the
hash of the files on disk already holds exactly what that load would give, so readers
(``openrace orgs``, ``releases``, ``metrics``, ...) skip the load. Hashing the files reads
a few hundred kilobytes and imports nothing heavy. The hash lives in the store's ``meta``
table (a key, no schema change): it describes what the store holds, and a store synced by
another openrace (other files, other validation code) has another hash and is synced
again.

>>> len(bundled_source_hash())
32
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from openrace import __version__

if TYPE_CHECKING:
    from openrace.store import Store

#: The ``meta`` key of the hash of the bundled registry the store holds.
SOURCE_HASH_KEY = "registry_source_hash"

_HERE = Path(__file__).parent
#: The code whose change must re-validate the registry: validation and sync.
_CODE = ("loader.py", "models.py", "sync.py", "cache.py")


@cache
def bundled_source_hash() -> str:
    """A hash of the bundled registry's YAML files, the code that validates and syncs
    them, and the openrace version (computed once per process)."""
    h = hashlib.sha256(__version__.encode())
    data = _HERE / "data"
    files = sorted(p for p in data.rglob("*") if p.suffix in (".yaml", ".yml"))
    for p in [*files, *(_HERE / name for name in _CODE)]:
        h.update(str(p.relative_to(_HERE)).encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:32]


def _stamp(store: Store) -> str:
    # the hash of the files and the fingerprint of the content synced from them: a later
    # sync of another registry (tests, `registry=`) changes the fingerprint and so
    # invalidates the stamp without having to know about it
    return f"{bundled_source_hash()} {store.meta('registry_fingerprint')}"


def holds_bundled(store: Store) -> bool:
    """Whether ``store`` holds the bundled registry as the files on disk give it now."""
    return store.meta("registry_fingerprint") is not None and (
        store.meta(SOURCE_HASH_KEY) == _stamp(store)
    )


def mark_bundled(store: Store) -> None:
    """Record that ``store`` now holds the bundled registry (right after syncing it)."""
    store.set_meta(SOURCE_HASH_KEY, _stamp(store))
