"""Fixtures of the report tests: a small store with hostile names, and its built report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openrace.report import BuildResult, build_report
from openrace.store import Store
from tests.report.report_sample import sample_store


@pytest.fixture
def sample() -> Iterator[Store]:
    """An in-memory store holding the sample registry."""
    s = sample_store()
    yield s
    s.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, BuildResult]]:
    """The sample store and the report built from it, with PNG and SVG figures."""
    s = sample_store()
    out = tmp_path_factory.mktemp("report")
    result = build_report(s, out, png=True, svg=True)
    yield s, result
    s.close()
