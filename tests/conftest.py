"""Shared fixtures: in-memory stores, a small registry, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    # the compiled SQL of the metrics, shared by the session's tests (never the user's)
    monkeypatch.setenv("OPENRACE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    for var in ("HF_TOKEN", "OPENALEX_API_KEY", "GITHUB_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens: never the Hub
    monkeypatch.setenv("OPENALEX_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("EPOCH_BENCHMARKS_URL", "http://127.0.0.1:9/data/benchmark_data.zip")
    monkeypatch.setenv("ARENA_ENDPOINT", "http://127.0.0.1:9")
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


@contextmanager
def store_held_by_another_process(path: Path) -> Iterator[None]:
    """Keep ``path`` open for writing in a second process for the duration of the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import sys; from openrace.store import Store; s = Store({str(path)!r}); "
         "print('ready', flush=True); sys.stdin.readline()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)


def run_python(code: str, **env: str) -> str:
    """Standard output of ``python -c CODE`` in a fresh process on this checkout's source
    (``env`` added to a bare environment: no store, key or cache of the user's)."""
    base = {"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**base, **env}, check=True).stdout
