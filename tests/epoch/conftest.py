"""Fixtures of the Epoch tests: the fake server and a store holding the bundled registry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openrace.api import open_store
from openrace.store import Store
from tests.epoch.fakeepoch import FakeEpoch, serve


@pytest.fixture
def epoch_server() -> Iterator[tuple[str, FakeEpoch]]:
    with serve() as (endpoint, state):
        yield endpoint, state


@pytest.fixture
def store() -> Iterator[Store]:
    s = open_store(":memory:")
    yield s
    s.close()
