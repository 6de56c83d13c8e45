"""The Python API: what the CLI does, as functions.

>>> import openrace
>>> store = openrace.open_store(":memory:")
>>> store.table("organizations").count().execute() > 0
True
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from openrace.config import Settings
from openrace.errors import StoreBusyError, StoreError
from openrace.registry.cache import holds_bundled, mark_bundled

if TYPE_CHECKING:
    from openrace.registry import Registry
    from openrace.store import Store

# The registry's loader and sync (pydantic, YAML) are imported only when a store does not
# hold the bundled registry yet (its recorded hash differs: see openrace.registry.cache).


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
    from openrace.store import Store

    p = Settings.from_env().store_path if path is None else path
    if read_only:
        return Store(p, read_only=True)
    store = Store(p)
    if sync:
        try:
            if registry is not None or not holds_bundled(store):
                _sync(store, registry)
        except BaseException:
            store.close()
            raise
    return store


def open_reader(
    path: str | Path | None = None,
    *,
    missing: Literal["error", "registry", "create"] = "error",
    registry: Registry | None = None,
) -> Store:
    """Open a store for reading, holding the registry.

    An existing store is opened read-only, so any number of readers can share it; when
    it holds an older registry than the bundled one, it is first brought up to date
    (briefly opened for writing), unless another process is writing to it, in which case
    it is read with the registry it holds. A store that does not exist is, by
    ``missing``: an error (``"error"``, the default: nothing is created); the bundled
    registry in memory (``"registry"``: nothing is created either); or created
    (``"create"``).
    """
    from openrace.store import OldSchemaError, Store

    p = Path(Settings.from_env().store_path if path is None else path)
    if str(p) == ":memory:":
        return open_store(p, registry=registry)
    if not p.exists():
        if missing == "create":
            return open_store(p, registry=registry)
        if missing == "registry":
            return open_store(":memory:", registry=registry)
        raise StoreError(
            f"no store at {p}; run `openrace update hf` / `openrace update openalex` (or "
            "`openrace report`) first, or check --store / OPENRACE_STORE"
        )
    try:
        store = Store(p, read_only=True)
    except OldSchemaError:
        open_store(p, registry=registry).close()  # migrates it, once
        store = Store(p, read_only=True)
    if registry is None and holds_bundled(store):
        return store  # holds the bundled registry: nothing to load or validate
    try:
        from openrace.registry import load_registry
        from openrace.registry.sync import registry_fingerprint

        reg = registry or load_registry()
        fresh = store.meta("registry_fingerprint") == registry_fingerprint(reg)
    except BaseException:
        store.close()
        raise
    if fresh and registry is not None:
        return store
    store.close()
    if fresh:
        # the bundled registry's content is current but its hash is not recorded (synced
        # by another openrace build): record it, so that the next reader skips the load; a
        # reader does not wait for the write lock
        with suppress(StoreBusyError):
            writer = Store(p)
            try:
                mark_bundled(writer)
            finally:
                writer.close()
        return Store(p, read_only=True)
    with suppress(StoreBusyError):  # a harvest is writing: read what the store holds
        open_store(p, registry=reg).close()
    return Store(p, read_only=True)


def _sync(store: Store, registry: Registry | None) -> None:
    """Write ``registry`` (default: the bundled one, loaded and validated) into ``store``
    unless it holds that content already; for the bundled registry, record its source
    hash so that the next open skips the load."""
    from openrace.registry import load_registry, sync_registry
    from openrace.registry.sync import registry_fingerprint

    reg = registry or load_registry()
    if store.meta("registry_fingerprint") != registry_fingerprint(reg):
        sync_registry(store, reg)
    if registry is None:
        mark_bundled(store)
