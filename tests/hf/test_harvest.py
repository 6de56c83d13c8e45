"""Harvesting the fake Hub into the store: lineage, attribution, observations, faults."""

from __future__ import annotations

import pytest

from openrace.errors import (
    AuthenticationError,
    RateLimitExhaustedError,
    SourceError,
    SourceUnreachableError,
)
from openrace.harvest.hf import HarvestOptions, HubHarvester
from openrace.sources.hf import HubClient
from openrace.store import Store
from tests.hf.conftest import NAMESPACES, fast_client, world_datasets, world_models
from tests.hf.fakehub import FakeHub, FakeHubServer, Fault, MemoryCatalog, make_model

N_MODELS = len(world_models())
N_DATASETS = len(world_datasets())
#: metrics observed per model (downloads_30d, downloads_all_time, likes, trending)
MODEL_METRICS = 4
DATASET_METRICS = 4


def harvest(store: Store, url: str, **opts: object) -> object:
    if opts.get("mode") != "full":
        opts.setdefault("namespaces", NAMESPACES)
    return HubHarvester(store, fast_client(url)).run(HarvestOptions(**opts))  # type: ignore[arg-type]


def count(store: Store, sql: str) -> int:
    return store.con.execute(sql).fetchall()[0][0]


def test_registry_harvest_fills_the_store(hf_store: Store, fake_hub: FakeHubServer) -> None:
    stats = harvest(hf_store, fake_hub.url)
    # every model is reached: the namespaces' own, and derivatives two levels deep
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf' "
                 "AND kind = 'model'") == N_MODELS - 1  # randomorg/thing is not reachable
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE kind = 'dataset'") == 2
    edges = {(r["child_id"], r["parent_id"], r["relation"])
             for r in hf_store.dicts("SELECT * FROM lineage")}
    assert ("hf:model:TheBloke/Qwen2.5-7B-GGUF", "hf:model:Qwen/Qwen2.5-7B", "quantized") in edges
    assert ("hf:model:bob/qwen-ft-ft", "hf:model:alice/qwen-ft", "finetune") in edges
    assert ("hf:model:carol/llama-lora", "hf:model:meta-llama/Llama-3.1-8B", "adapter") in edges
    assert len(edges) == 6
    # attributions: registry namespace -> org -> country; others unattributed
    own = {r["artifact_id"]: (r["org_id"], r["country"], r["method"]) for r in hf_store.dicts(
        "SELECT * FROM attributions WHERE method IN ('registry', 'unattributed') "
        "AND artifact_id LIKE 'hf:%'")}
    assert own["hf:model:Qwen/Qwen2.5-7B"] == ("qwen", "CN", "registry")
    assert own["hf:model:alice/qwen-ft"] == (None, None, "unattributed")
    # inherited: a derivative counts for its root's origin, a merge splits between roots
    inh = hf_store.dicts("SELECT artifact_id, org_id, country, weight FROM attributions "
                         "WHERE method = 'inherited' ORDER BY artifact_id, org_id")
    by_id: dict[str, list[tuple]] = {}
    for r in inh:
        by_id.setdefault(r["artifact_id"], []).append((r["org_id"], r["country"], r["weight"]))
    assert by_id["hf:model:bob/qwen-ft-ft"] == [("qwen", "CN", 1.0)]
    assert by_id["hf:model:dave/merge"] == [("meta", "US", 0.5), ("qwen", "CN", 0.5)]
    assert "hf:model:Qwen/Qwen2.5-7B" not in by_id
    sums = hf_store.dicts("SELECT artifact_id, method, sum(weight) AS w FROM attributions "
                          "WHERE artifact_id LIKE 'hf:%' GROUP BY 1, 2")
    assert all(abs(r["w"] - 1.0) < 1e-9 for r in sums)
    # observations: one per artifact and metric
    assert count(hf_store, "SELECT count(*) FROM observations") == (
        (N_MODELS - 1) * MODEL_METRICS + 2 * DATASET_METRICS)
    assert count(hf_store, "SELECT count(*) FROM quarantine") == 0
    assert stats.rejected == 0  # type: ignore[attr-defined]
    run = hf_store.dicts("SELECT * FROM harvest_runs WHERE scope = 'update:registry'")[0]
    assert run["status"] == "ok" and run["n_stored"] == stats.stored  # type: ignore[attr-defined]


def test_depth_zero_lists_only_the_namespaces(hf_store: Store, fake_hub: FakeHubServer) -> None:
    harvest(hf_store, fake_hub.url, depth=0, kinds=("model",))
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'") == 5
    assert count(hf_store, "SELECT count(*) FROM lineage") == 0


def test_refresh_appends_a_snapshot_and_never_duplicates(hf_store: Store,
                                                          fake_hub: FakeHubServer,
                                                          catalog: MemoryCatalog) -> None:
    harvest(hf_store, fake_hub.url)
    before = hf_store.counts()
    catalog.get("models", "Qwen/Qwen2.5-7B")["downloads"] = 7000  # type: ignore[index]
    harvest(hf_store, fake_hub.url)
    after = hf_store.counts()
    for table in ("artifacts", "lineage", "attributions"):
        assert after[table] == before[table], table
    assert after["observations"] == 2 * before["observations"]
    history = hf_store.dicts(
        "SELECT value FROM observations WHERE artifact_id = 'hf:model:Qwen/Qwen2.5-7B' "
        "AND metric = 'downloads_30d' ORDER BY run_id")
    assert [r["value"] for r in history] == [5000, 7000]
    first = hf_store.dicts("SELECT first_seen, last_seen FROM artifacts WHERE "
                           "artifact_id = 'hf:model:Qwen/Qwen2.5-7B'")[0]
    assert first["first_seen"] <= first["last_seen"]


def _many(n: int, start: int = 0) -> list[dict]:
    return [make_model(f"org{i % 7}/m{i:04d}", f"2024-01-{1 + i // 1440:02d}T"
                       f"{(i // 60) % 24:02d}:{i % 60:02d}:00.000Z", downloads=i)
            for i in range(start, start + n)]


def test_full_crawl_then_incremental_costs_what_is_new(hf_store: Store) -> None:
    catalog = MemoryCatalog(_many(100), [])
    hub = FakeHub(catalog=catalog, max_page=10)
    with FakeHubServer(hub) as srv:
        s1 = harvest(hf_store, srv.url, mode="full", kinds=("model",), page_size=10)
        assert s1.stored == 100 and hub.requests == 10  # type: ignore[attr-defined]
        for rec in _many(3, start=100):
            catalog.add("models", rec)
        hub.requests = 0
        s2 = harvest(hf_store, srv.url, mode="full", kinds=("model",), page_size=10,
                     refresh=False)
        # the new models fit in the first page; the client may have asked for the next
        # one ahead (prefetch) before seeing that the first page reached the watermark
        assert hub.requests <= 2
        assert s2.stored == 3  # type: ignore[attr-defined]
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'") == 103
    assert count(hf_store, "SELECT count(*) FROM observations") == 103 * MODEL_METRICS
    assert hf_store.last_watermark("hf", "full:models") == "2024-01-01T01:42:00"


@pytest.fixture
def client_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits of huggingface_hub's own retry loop (recorded, not slept)."""
    import huggingface_hub.utils._http as hf_http

    slept: list[float] = []
    monkeypatch.setattr(hf_http.time, "sleep", lambda s: slept.append(s))
    return slept


def test_429_retry_after_is_honoured_by_the_client(hf_store: Store, catalog: MemoryCatalog,
                                                   client_sleeps: list[float]) -> None:
    hub = FakeHub(catalog=catalog, max_page=2, faults={2: Fault("429", retry_after=1)})
    with FakeHubServer(hub) as srv:
        HubHarvester(hf_store, fast_client(srv.url)).run(HarvestOptions(namespaces=NAMESPACES))
    # huggingface_hub waits Retry-After + 1 s, then asks again: openrace adds no loop
    assert client_sleeps == [2.0]
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'") == (
        N_MODELS - 1 + 2)


def test_ratelimit_header_sets_the_wait(hf_store: Store, catalog: MemoryCatalog,
                                        client_sleeps: list[float]) -> None:
    hub = FakeHub(catalog=catalog, faults={1: Fault("429", retry_after=None,
                                                    ratelimit_reset=7)})
    with FakeHubServer(hub) as srv:
        HubHarvester(hf_store, fast_client(srv.url)).run(
            HarvestOptions(namespaces=["Qwen"], depth=0))
    assert client_sleeps == [8.0]  # RateLimit r=0;t=7, plus the client's second


def test_quota_is_read_from_the_server_and_enforced(hf_store: Store, catalog: MemoryCatalog,
                                                    client_sleeps: list[float]) -> None:
    hub = FakeHub(catalog=catalog, max_page=2, quota=3, window=300)
    with FakeHubServer(hub) as srv:
        client = HubClient(endpoint=srv.url, backoff=0.01)  # anonymous: 500 / 5 min
        waits: list[float] = []
        assert client.pacer is not None
        client.pacer.sleep = lambda s: waits.append(s)
        HubHarvester(hf_store, client).run(HarvestOptions(namespaces=["Qwen"], depth=0,
                                                          kinds=("model",)))
        assert (client.pacer.limit, client.pacer.window, client.pacer.source) == (
            3, 300.0, "server")
    assert not client_sleeps  # paced under the quota: never refused
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'") == 2


def test_429_that_never_ends_stops_cleanly_and_resumes(hf_store: Store,
                                                        catalog: MemoryCatalog,
                                                        client_sleeps: list[float]) -> None:
    hub = FakeHub(catalog=catalog, max_page=2)
    with FakeHubServer(hub) as srv:
        client = fast_client(srv.url, retries=2)
        hub.faults = {n: Fault("429", retry_after=1) for n in range(4, 20)}
        with pytest.raises(RateLimitExhaustedError, match="re-run later"):
            HubHarvester(hf_store, client).run(HarvestOptions(namespaces=NAMESPACES))
        assert hf_store.dicts("SELECT status FROM harvest_runs WHERE run_id = 1")[0][
            "status"] == "failed"
        stored = count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'")
        assert stored >= 1
        hub.faults = {}
        stats = harvest(hf_store, srv.url)
    assert stats.resumed  # type: ignore[attr-defined]
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'") == (
        N_MODELS - 1 + 2)
    assert count(hf_store, "SELECT count(*) FROM observations") == (
        (N_MODELS - 1) * MODEL_METRICS + 2 * DATASET_METRICS)


def test_5xx_is_retried(hf_store: Store, catalog: MemoryCatalog) -> None:
    hub = FakeHub(catalog=catalog, faults={2: Fault("503"), 3: Fault("500")})
    with FakeHubServer(hub) as srv:
        harvest(hf_store, srv.url, depth=0)
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'") == 7


def test_5xx_that_outlives_the_retries_is_one_error(hf_store: Store,
                                                     catalog: MemoryCatalog) -> None:
    hub = FakeHub(catalog=catalog, always=Fault("500"))
    with FakeHubServer(hub) as srv:
        client = fast_client(srv.url, retries=1)
        with pytest.raises(SourceError, match="HTTP 500"):
            HubHarvester(hf_store, client).run(HarvestOptions(namespaces=NAMESPACES))
    assert hf_store.counts()["organizations"] > 0


def test_malformed_page_is_retried_then_fails(hf_store: Store, catalog: MemoryCatalog) -> None:
    hub = FakeHub(catalog=catalog, faults={1: Fault("malformed")})
    with FakeHubServer(hub) as srv:
        harvest(hf_store, srv.url, depth=0, namespaces=["Qwen"], kinds=("model",))
        assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'") == 2
        hub.always = Fault("malformed")
        with pytest.raises(SourceError, match="malformed page"):
            harvest(hf_store, srv.url, depth=0, namespaces=["meta-llama"], kinds=("model",))


def test_slow_page_is_waited_for(hf_store: Store, catalog: MemoryCatalog) -> None:
    hub = FakeHub(catalog=catalog, faults={1: Fault("slow", seconds=0.3)})
    with FakeHubServer(hub) as srv:
        harvest(hf_store, srv.url, depth=0, namespaces=["Qwen"], kinds=("model",))
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'") == 2


def test_bad_records_are_quarantined_and_counted(hf_store: Store) -> None:
    good = make_model("Qwen/good", "2024-05-01T00:00:00.000Z", downloads=3)
    bad = [
        {"_id": "1", "createdAt": "2024-05-02T00:00:00.000Z", "tags": []},  # missing id
        make_model("Qwen/broken-date", "2024-13-45T99:00:00Z"),
        make_model("Qwen/<script>alert(1)</script>", "2024-05-03T00:00:00.000Z"),
        make_model("Qwen/bad-downloads", "2024-05-04T00:00:00.000Z", downloads="lots"),  # type: ignore[arg-type]
        {**make_model("Qwen/bad-tags", "2024-05-05T00:00:00.000Z"), "tags": "not-a-list"},
    ]
    hostile = make_model("Qwen/odd-tags", "2024-05-06T00:00:00.000Z",
                         tags=["base_model:weird:Qwen/good", "base_model:../../etc",
                               "<img src=x onerror=alert(1)>"])
    hub = FakeHub(catalog=MemoryCatalog([good, *bad, hostile]),
                  faults={1: Fault("junk-json")})
    with FakeHubServer(hub) as srv:
        stats = harvest(hf_store, srv.url, mode="full", kinds=("model",))
    assert stats.rejected == 7  # type: ignore[attr-defined]  # 5 bad + 2 non-objects
    assert stats.stored == 2  # type: ignore[attr-defined]
    reasons = [r["reason"] for r in hf_store.dicts("SELECT reason FROM quarantine ORDER BY 1")]
    assert len(reasons) == 7
    assert any("createdAt" in r for r in reasons)
    assert any("malformed id" in r for r in reasons)
    assert any("missing id" in r for r in reasons)
    assert any("downloads" in r for r in reasons)
    assert any("tags" in r for r in reasons)
    runs = hf_store.dicts("SELECT scope, n_rejected FROM harvest_runs ORDER BY run_id")
    assert [(r["scope"], r["n_rejected"]) for r in runs] == [("update:full", 7),
                                                             ("full:models", 7)]
    # unknown relation kept as 'unknown', a malformed parent id ignored
    assert hf_store.dicts("SELECT parent_id, relation FROM lineage") == [
        {"parent_id": "hf:model:Qwen/good", "relation": "unknown"}]


def test_unreachable_hub_is_one_clear_error(hf_store: Store) -> None:
    client = fast_client("http://127.0.0.1:9", retries=0)
    with pytest.raises(SourceUnreachableError, match="cannot reach the Hub"):
        HubHarvester(hf_store, client).run(HarvestOptions(namespaces=["Qwen"]))
    assert hf_store.dicts("SELECT status FROM harvest_runs")[0]["status"] == "failed"


def test_bad_token_is_one_clear_error(hf_store: Store, catalog: MemoryCatalog) -> None:
    hub = FakeHub(catalog=catalog, tokens={"hf_good"})
    with FakeHubServer(hub) as srv:
        with pytest.raises(AuthenticationError, match="HF_TOKEN"):
            HubHarvester(hf_store, fast_client(srv.url, token="hf_bad")).run(
                HarvestOptions(namespaces=["Qwen"]))
        HubHarvester(hf_store, fast_client(srv.url, token="hf_good")).run(
            HarvestOptions(namespaces=["Qwen"], depth=0))
    assert count(hf_store, "SELECT count(*) FROM artifacts WHERE source = 'hf'") == 3
    dump = str(hf_store.counts()) + str(hf_store.dicts("SELECT * FROM harvest_runs"))
    assert "hf_good" not in dump and "hf_bad" not in dump


def test_duckdb_memory_is_bounded_during_an_update_and_restored(hf_store: Store,
                                                                fake_hub: FakeHubServer
                                                                ) -> None:
    from openrace.harvest.hf import _auto_limit

    keys = ("memory_limit", "checkpoint_threshold")
    before = [hf_store.setting(k) for k in keys]
    seen: set[tuple[str, ...]] = set()
    client = fast_client(fake_hub.url)
    HubHarvester(hf_store, client, progress=lambda event, info: seen.add(
        tuple(hf_store.setting(k) for k in keys)) if event == "page" else None
                 ).run(HarvestOptions(namespaces=NAMESPACES))
    assert seen == {("488.2 MiB", "244.1 MiB")}  # 512 MB and 256 MB, as DuckDB shows them
    assert [hf_store.setting(k) for k in keys] == before
    assert _auto_limit(3_000_000) == "512MB" and _auto_limit(10_000_000) == "1220MB"


def test_a_store_out_of_memory_is_one_clear_error_and_resumes(  # type: ignore[no-untyped-def]
        hf_store: Store, fake_hub: FakeHubServer, tmp_path, bundled_registry) -> None:
    from openrace.errors import StoreError
    from openrace.registry import sync_registry

    opts = dict(namespaces=NAMESPACES, memory_limit="1MB")
    with pytest.raises(StoreError, match=r"out of memory.*--memory-limit"):
        HubHarvester(hf_store, fast_client(fake_hub.url)).run(HarvestOptions(**opts))
    stats = harvest(hf_store, fake_hub.url)  # the default bound: the update resumes
    assert stats.resumed  # type: ignore[attr-defined]
    with Store(tmp_path / "plain.duckdb") as plain:
        sync_registry(plain, bundled_registry)
        harvest(plain, fake_hub.url)
        tables = ("artifacts", "observations", "lineage", "attributions")
        assert {t: hf_store.counts()[t] for t in tables} == {
            t: plain.counts()[t] for t in tables}
