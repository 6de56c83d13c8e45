"""The Python API: what the CLI does, as functions.

>>> import openrace
>>> store = openrace.open_store(":memory:")
>>> store.table("organizations").count().execute() > 0
True
"""

from __future__ import annotations

from pathlib import Path

from openrace.config import Settings
from openrace.registry import Registry, load_registry, sync_registry
from openrace.registry.sync import registry_fingerprint
from openrace.store import Store


def open_store(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    registry: Registry | None = None,
    sync: bool = True,
) -> Store:
    """Open (creating if needed) a store and make sure it holds the current registry.

    ``path`` defaults to ``$OPENRACE_STORE`` or the platform's user data directory.
    With ``sync`` (the default) the bundled registry — or ``registry`` — is written into
    the store when its content differs from what the store holds.
    """
    p = Settings.from_env().store_path if path is None else path
    if read_only:
        return Store(p, read_only=True)
    store = Store(p)
    if sync:
        try:
            reg = registry or load_registry()
            if store.meta("registry_fingerprint") != registry_fingerprint(reg):
                sync_registry(store, reg)
        except BaseException:
            store.close()
            raise
    return store
