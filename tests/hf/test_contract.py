"""Contract test: real Hub records (the fine-tune tree under mistralai/Mistral-Small-24B-
Base-2501, shared reference data) parse, give the true tree, and harvest end to end."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from openrace.harvest.hf import HarvestOptions, HubHarvester
from openrace.queries.lineage import tree
from openrace.sources.hf import parse_model
from openrace.store import Store
from tests.hf.conftest import fast_client
from tests.hf.fakehub import FakeHub, FakeHubServer, MemoryCatalog

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "huggingface"
TREE_CSV = REFERENCE / "mistral_small_24b_finetune_tree_2025-04-05.csv"
ROOT = "mistralai/Mistral-Small-24B-Base-2501"


def _rows() -> list[dict[str, Any]]:
    if not TREE_CSV.exists():
        pytest.skip("shared reference data not present")
    csv.field_size_limit(10**9)
    with TREE_CSV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _api(row: dict[str, Any]) -> dict[str, Any]:
    """The reference's ModelInfo (snake_case) back in the API's camelCase shape."""
    m = json.loads(row["metadata"])

    def ts(v: str | None) -> str | None:
        return datetime.fromisoformat(v).strftime("%Y-%m-%dT%H:%M:%S.000Z") if v else None

    card = m.get("card_data")
    return {
        "_id": m["id"], "id": m["id"], "modelId": m["id"], "author": m.get("author"),
        "createdAt": ts(m.get("created_at")), "lastModified": ts(m.get("last_modified")),
        "downloads": m.get("downloads"), "downloadsAllTime": m.get("downloads_all_time"),
        "likes": m.get("likes"), "trendingScore": m.get("trending_score"),
        "tags": m.get("tags"), "pipeline_tag": m.get("pipeline_tag"),
        "library_name": m.get("library_name"), "gated": m.get("gated"),
        "private": m.get("private"), "safetensors": m.get("safetensors"),
        "cardData": yaml.safe_load(card) if isinstance(card, str) else card,
    }


def test_reference_records_parse_into_the_true_tree() -> None:
    rows = _rows()
    depth = {r["model_id"]: int(r["depth"]) for r in rows}
    parsed = {r["model_id"]: parse_model(_api(r)) for r in rows}
    assert len(parsed) == 67
    parent_of: dict[str, str] = {}
    for mid, rec in parsed.items():
        if mid == ROOT:
            assert rec.parents == []
            continue
        assert len(rec.parents) == 1, mid
        (pid, rel), = rec.parents
        assert rel == "finetune"
        parent_of[mid] = pid
        if pid in depth:
            assert depth[pid] == depth[mid] - 1
    for r in rows:  # within the reference, its child lists are exactly the parsed edges
        kids = {u.rsplit("huggingface.co/", 1)[-1] for u in eval_list(r["children"])}
        assert kids & set(depth) == {c for c, p in parent_of.items() if p == r["model_id"]}
    assert parsed[ROOT].license == "apache-2.0"
    assert parsed[ROOT].created == datetime(2025, 1, 23, 14, 13, 54)


def eval_list(text: str) -> list[str]:
    """The reference writes Python list literals of URLs."""
    import ast

    value = ast.literal_eval(text)
    assert isinstance(value, list)
    return [str(v) for v in value]


def test_reference_tree_harvests_end_to_end(hf_store: Store) -> None:
    rows = _rows()
    hub = FakeHub(catalog=MemoryCatalog([_api(r) for r in rows]), max_page=10)
    with FakeHubServer(hub) as srv:
        stats = HubHarvester(hf_store, fast_client(srv.url)).run(
            HarvestOptions(namespaces=["mistralai"], depth=3, kinds=("model",)))
    assert stats.rejected == 0
    assert hf_store.con.execute("SELECT count(*) FROM artifacts WHERE source = 'hf'"
                                ).fetchall()[0][0] == 67
    edges = tree(hf_store, ROOT, depth=3)
    assert {e["model"] for e in edges} == {r["model_id"] for r in rows} - {ROOT}
    assert {e["level"] for e in edges} == {1, 2, 3}
    origin = hf_store.dicts(
        "SELECT DISTINCT org_id, country FROM attributions WHERE method = 'inherited'")
    assert origin == [{"org_id": "mistral-ai", "country": "FR"}]


def test_reference_tree_from_a_snapshot_equals_the_registry_walk(hf_store: Store,
                                                                 tmp_path: Path) -> None:
    """The complete snapshot (one listing of everything) gives the same tree as the walk of
    per-parent children listings, in far fewer requests."""
    rows = _rows()
    hub = FakeHub(catalog=MemoryCatalog([_api(r) for r in rows]), max_page=1000)
    with FakeHubServer(hub) as srv:
        HubHarvester(hf_store, fast_client(srv.url)).run(HarvestOptions(kinds=("model",)))
        snapshot_requests = hub.requests
        with Store(tmp_path / "walk.duckdb") as walk:
            from openrace.registry import load_registry, sync_registry

            sync_registry(walk, load_registry())
            HubHarvester(walk, fast_client(srv.url)).run(
                HarvestOptions(namespaces=["mistralai"], depth=3, kinds=("model",)))
            walked = {(e["model"], e["level"]) for e in tree(walk, ROOT, depth=3)}
    assert snapshot_requests == 1
    assert hub.requests - snapshot_requests > 20  # one listing per parent
    assert {(e["model"], e["level"]) for e in tree(hf_store, ROOT, depth=3)} == walked
