"""Fixtures for the metric, claim and engine tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openrace.store import Store
from tests.metrics.minidata import build_store


@pytest.fixture
def mini() -> Iterator[Store]:
    """The hand-built store of ORGS and RELEASES."""
    s = build_store()
    yield s
    s.close()


@pytest.fixture(scope="session")
def spark_session():  # type: ignore[no-untyped-def]
    """ONE local Spark session for the whole test run (starting one takes ~16 s)."""
    pytest.importorskip("pyspark")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("the spark engine needs Java 17 (run scripts/system-deps.sh)")
    from openrace.metrics.engine import spark_session as make_session

    session = make_session("local[2]", app_name="openrace-tests")
    # the test data are tiny: one shuffle partition keeps each query well under a second
    session.conf.set("spark.sql.shuffle.partitions", "1")
    session.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    # adaptive execution re-plans each query after its stages: on tiny data that is pure
    # overhead (about 15 % of a query here)
    session.conf.set("spark.sql.adaptive.enabled", "false")
    yield session
    session.stop()
