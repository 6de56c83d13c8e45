"""Fixtures of the capability tests: the fake benchmark server and a store with the registry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openrace.sources.benchmark_results import FileClient
from tests.capability.fakebench import FakeBench, FakeBenchServer


@pytest.fixture
def server() -> Iterator[FakeBenchServer]:
    """The fake Epoch / Arena server on 127.0.0.1."""
    with FakeBenchServer(FakeBench()) as srv:
        yield srv


@pytest.fixture
def client() -> Iterator[FileClient]:
    """A file client that never sleeps between retries."""
    with FileClient("benchmark data", retries=2, sleep=lambda s: None) as c:
        yield c
