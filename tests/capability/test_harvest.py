"""Harvesting both sources into a store: linking to the registry, quarantine, resuming."""

from __future__ import annotations

import json

import pytest

from openrace.harvest import benchmarks as cap
from openrace.harvest.benchmarks import ModelMatcher, evaluated_models, harvest, model_key
from openrace.sources import arena, epoch_benchmarks
from openrace.sources.benchmark_results import BenchmarkResult, FileClient
from openrace.store import Store
from tests.capability.fakebench import ARENA, ARENA_BAD, GPQA_BAD


def _run(store: Store, server, client: FileClient, **kw):  # type: ignore[no-untyped-def]
    return harvest(
        store,
        client,
        epoch_url=f"{server.url}/data/benchmark_data.zip",
        arena_endpoint=server.url,
        **kw,
    )


def test_model_key_variants() -> None:
    assert model_key("claude-3-5-sonnet-20240620_high") == model_key("Claude 3.5 Sonnet")
    assert model_key("gpt-4o-2024-05-13") == "gpt-4o"
    assert model_key("claude-sonnet-4-6_32K") == "claude-sonnet-4-6"
    assert model_key("Qwen/Qwen2.5-72B-Instruct") == "qwen2-5-72b"
    assert model_key("deepseek-r1-0528") == "deepseek-r1-0528"  # a version, not a date


def test_matcher_links_releases_families_orgs_and_lists_the_rest(registry_store: Store) -> None:
    m = ModelMatcher.from_store(registry_store)

    def res(model: str, **kw):  # type: ignore[no-untyped-def]
        return m.match(
            BenchmarkResult(source="epoch-benchmarks", benchmark="b", model=model, score=0.5, **kw)
        )

    r = res("claude-3-5-sonnet-20240620")
    assert (r.method, r.release_id, r.org_ids, r.access) == (
        "release",
        "claude-3.5-sonnet",
        ("anthropic",),
        "api",
    )
    assert r.release_date is not None  # from the registry when the source has none
    r = res("gemini-1.5-pro-002")
    assert (r.method, r.release_id) == ("family", "gemini-1.5-pro")
    r = res("chatgpt-4o-latest")  # the alias table
    assert r.release_id == "gpt-4o"
    r = res("o1-mini-2024-09-12", organization="OpenAI", access="API access")
    assert (r.method, r.org_ids, r.access) == ("organization", ("openai",), "api")
    assert r.attributions == (("openai", "US"),)
    r = res(
        "mystery-7b",
        organization="Unknown Lab",
        country="France",
        access="Open weights (unrestricted)",
    )
    assert (r.method, r.org_ids, r.attributions, r.access) == (
        "unmatched",
        (),
        ((None, "FR"),),
        "open-weights",
    )


def test_harvest_fills_the_store(registry_store: Store, server, client: FileClient) -> None:  # type: ignore[no-untyped-def]
    res = _run(registry_store, server, client)
    assert [r.source for r in res] == ["epoch-benchmarks", "arena"]
    ep, ar = res
    assert ep.rejected == len(GPQA_BAD) + 1 and ar.rejected == len(ARENA_BAD)
    assert "metr_time_horizons_external.csv" in ep.skipped
    assert ar.models == len({r[0] for r in ARENA})
    n_quarantined = registry_store.sql("SELECT count(*) AS n FROM quarantine").column(0)[0]
    assert n_quarantined.as_py() == ep.rejected + ar.rejected
    runs = registry_store.dicts(
        "SELECT source, status, n_rejected, n_stored FROM harvest_runs ORDER BY run_id"
    )
    assert [(r["source"], r["status"]) for r in runs] == [
        ("epoch-benchmarks", "ok"),
        ("arena", "ok"),
    ]
    assert runs[0]["n_rejected"] == ep.rejected and runs[0]["n_stored"] == ep.stored
    # every evaluated model is listed, matched or not
    models = evaluated_models(registry_store).to_pylist()
    by = {(r["source"], r["model"]): r for r in models}
    assert by[("epoch-benchmarks", "DeepSeek-R1")]["match"] == "release"
    assert by[("epoch-benchmarks", "DeepSeek-R1")]["countries"] == "CN"
    assert by[("epoch-benchmarks", "DeepSeek-R1")]["access"] == "open-weights"
    assert by[("arena", "gpt-4-0613")]["release_id"] == "gpt-4"
    unmatched = evaluated_models(registry_store, unmatched=True).to_pylist()
    assert [r["model"] for r in unmatched] == ["mystery-model-7b"]
    assert unmatched[0]["countries"] == "FR"
    # one observation per result, dated by the evaluation
    obs = registry_store.dicts(
        "SELECT value, CAST(observed_at AS DATE) AS d FROM observations WHERE "
        "artifact_id = 'arena:evaluated_model:gpt-4-0613' AND metric = 'score:arena-text'"
    )
    assert [(o["value"], str(o["d"])) for o in obs] == [(1165.0, "2023-07-01")]


def test_harvest_is_idempotent_and_resumes(
    registry_store: Store,
    server,
    client: FileClient,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"{server.url}/data/benchmark_data.zip"
    calls = {"n": 0}
    real = cap._store_batch

    def dying(*a, **k):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(cap, "_store_batch", dying)
    with pytest.raises(KeyboardInterrupt):
        cap.harvest_source(
            registry_store, client, "epoch-benchmarks", url, epoch_benchmarks.parse_archive, batch=5
        )
    first = registry_store.dicts("SELECT * FROM harvest_runs")[0]
    assert first["status"] == "interrupted" and first["cursor"] == "5"
    monkeypatch.setattr(cap, "_store_batch", real)
    res = cap.harvest_source(
        registry_store, client, "epoch-benchmarks", url, epoch_benchmarks.parse_archive, batch=5
    )
    assert res.resumed and res.run_id == first["run_id"]
    full = epoch_benchmarks.parse_archive(server.bench.epoch)
    n = (
        registry_store.sql(
            "SELECT count(*) FROM observations WHERE metric LIKE 'score:%' AND run_id = ?",
            [res.run_id],
        )
        .column(0)[0]
        .as_py()
    )
    assert n == len(full.results)  # nothing lost, nothing doubled
    # quarantined once, not once per attempt
    q = registry_store.sql("SELECT count(*) FROM quarantine").column(0)[0].as_py()
    assert q == len(full.rejected)
    # a second complete run observes anew, the artifacts stay one per model
    arts_before = (
        registry_store.sql("SELECT count(*) FROM artifacts WHERE kind = 'evaluated_model'")
        .column(0)[0]
        .as_py()
    )
    again = cap.harvest_source(
        registry_store, client, "epoch-benchmarks", url, epoch_benchmarks.parse_archive
    )
    assert not again.resumed and again.run_id != res.run_id
    arts_after = (
        registry_store.sql("SELECT count(*) FROM artifacts WHERE kind = 'evaluated_model'")
        .column(0)[0]
        .as_py()
    )
    assert arts_before == arts_after


def test_harvest_one_source_and_latest_split(registry_store: Store, server, client) -> None:  # type: ignore[no-untyped-def]
    (r,) = _run(registry_store, server, client, sources=["arena"], arena_split="latest")
    assert r.source == "arena" and r.url.endswith("text/latest-00000-of-00001.parquet")
    params = json.loads(registry_store.dicts("SELECT params FROM harvest_runs")[0]["params"])
    assert params["category"] == "overall"


def test_harvest_refuses_bad_options(registry_store: Store, client) -> None:  # type: ignore[no-untyped-def]
    from openrace.errors import UsageError

    with pytest.raises(UsageError):
        harvest(registry_store, client, sources=["nope"])
    with pytest.raises(UsageError):
        harvest(registry_store, client, arena_split="middle")
    with pytest.raises(UsageError):
        harvest(registry_store, client, arena_config="../x")


def test_arena_file_url() -> None:
    assert arena.file_url("https://huggingface.co") == (
        "https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset/resolve/main/text/"
        "full-00000-of-00001.parquet"
    )
