"""Fixtures of the Hub tests: a small Hub world, the fake Hub server, a registry store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openrace.sources.hf import HubClient
from openrace.store import Store
from tests.hf.fakehub import FakeHub, FakeHubServer, MemoryCatalog, make_dataset, make_model

NAMESPACES = ["Qwen", "meta-llama", "mistralai", "deepseek-ai"]


def world_models() -> list[dict]:
    """Base models of four registry organisations, derivatives two levels deep, and
    models of namespaces the registry does not know."""
    q7 = "Qwen/Qwen2.5-7B"
    return [
        make_model(q7, "2024-09-15T10:00:00.000Z", downloads=5000, likes=300,
                   params=7_600_000_000),
        make_model("Qwen/Qwen2.5-72B", "2024-09-16T10:00:00.000Z", downloads=2000, likes=200,
                   license="other"),
        make_model("meta-llama/Llama-3.1-8B", "2024-07-23T10:00:00.000Z", downloads=8000,
                   likes=500, license="llama3.1"),
        make_model("mistralai/Mistral-7B-v0.1", "2023-09-20T10:00:00.000Z", downloads=1000,
                   likes=100),
        make_model("deepseek-ai/DeepSeek-V3", "2024-12-26T10:00:00.000Z", downloads=3000,
                   likes=900, license="mit"),
        make_model("alice/qwen-ft", "2024-10-01T10:00:00.000Z", downloads=400, likes=4,
                   parents=[(q7, "finetune")]),
        make_model("TheBloke/Qwen2.5-7B-GGUF", "2024-10-02T10:00:00.000Z", downloads=900,
                   likes=9, parents=[(q7, "quantized")], library_name="gguf"),
        make_model("bob/qwen-ft-ft", "2024-11-01T10:00:00.000Z", downloads=50, likes=1,
                   parents=[("alice/qwen-ft", "finetune")]),
        make_model("carol/llama-lora", "2024-08-01T10:00:00.000Z", downloads=70, likes=2,
                   parents=[("meta-llama/Llama-3.1-8B", "adapter")]),
        make_model("dave/merge", "2024-11-05T10:00:00.000Z", downloads=30, likes=3,
                   parents=[(q7, "merge"), ("meta-llama/Llama-3.1-8B", "merge")]),
        make_model("randomorg/thing", "2024-05-05T10:00:00.000Z", downloads=10, likes=1),
    ]


def world_datasets() -> list[dict]:
    """Datasets of registry organisations and of an unknown namespace."""
    return [
        make_dataset("Qwen/qwen-data", "2024-03-01T00:00:00.000Z", downloads=100, likes=5),
        make_dataset("meta-llama/llama-evals", "2024-07-23T00:00:00.000Z", downloads=300,
                     likes=7, license="llama3.1", tasks=("question-answering",)),
        make_dataset("nobody/raw", "2023-01-01T00:00:00.000Z", downloads=1, card={}),
    ]


@pytest.fixture
def catalog() -> MemoryCatalog:
    """The small Hub world."""
    return MemoryCatalog(world_models(), world_datasets())


@pytest.fixture
def fake_hub(catalog: MemoryCatalog) -> Iterator[FakeHubServer]:
    """The fake Hub serving the small world (page size capped at 2 to exercise paging)."""
    hub = FakeHub(catalog=catalog, max_page=2, default_page=2)
    with FakeHubServer(hub) as server:
        yield server


def fast_client(url: str, **kw: object) -> HubClient:
    """A client for the fake Hub: no pacing, short back-off."""
    return HubClient(endpoint=url, requests_per_window=0, backoff=0.01,
                     **kw)  # type: ignore[arg-type]


@pytest.fixture
def hf_store(tmp_path: Path, bundled_registry) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    """A store file holding the bundled registry."""
    from openrace.registry import sync_registry

    s = Store(tmp_path / "hub.duckdb")
    sync_registry(s, bundled_registry)
    yield s
    s.close()
