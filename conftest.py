"""Doctests of the modules under ``src/`` (``--doctest-modules``) run isolated as the
tests are (``tests/conftest.py``): no user store, no token, no real service."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_doctest_env(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    if not isinstance(request.node, pytest.DoctestItem):
        return
    monkeypatch.setenv("OPENRACE_STORE", str(tmp_path_factory.mktemp("store") / "t.duckdb"))
    for var in ("HF_TOKEN", "OPENALEX_API_KEY", "GITHUB_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    for var in (
        "HF_ENDPOINT",
        "OPENALEX_ENDPOINT",
        "GITHUB_API_URL",
        "ARENA_ENDPOINT",
        "EPOCH_ENDPOINT",
    ):
        monkeypatch.setenv(var, "http://127.0.0.1:9")  # nothing listens there
