"""Shared fixtures: in-memory stores, a small registry, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from openrace.store import Store

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_REFERENCE = REPO_ROOT.parent / "shared" / "reference"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                  ) -> None:
    """No test touches the user's store, a real token or the real services."""
    monkeypatch.setenv("OPENRACE_STORE", str(tmp_path_factory.mktemp("store") / "t.duckdb"))
    for var in ("HF_TOKEN", "OPENALEX_API_KEY", "GITHUB_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens: never the Hub
    monkeypatch.setenv("OPENALEX_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HUB_OFFLINE", os.environ.get("HF_HUB_OFFLINE", "0"))


@pytest.fixture
def store() -> Iterator[Store]:
    """An empty in-memory store."""
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture(scope="session")
def bundled_registry():  # type: ignore[no-untyped-def]
    """The bundled registry, loaded once."""
    from openrace.registry import load_registry

    return load_registry()


@pytest.fixture
def registry_store(bundled_registry) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    """An in-memory store holding the bundled registry."""
    from openrace.registry import sync_registry

    s = Store(":memory:")
    sync_registry(s, bundled_registry)
    yield s
    s.close()
