"""The crawl benchmark's code, run at a tiny scale (the benchmark itself is not a test)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_hf_crawl.py"


@pytest.mark.slow
def test_benchmark_runs_at_small_scale(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_hf_crawl", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "hf_crawl.json"
    result = bench.run(2500, 0.02, out)
    assert json.loads(out.read_text()) == json.loads(json.dumps(result, default=str))
    assert result["bare_huggingface_hub"]["records"] == 2500
    assert result["openrace_full"]["records"] == 2500
    assert result["openrace_full"]["rows"]["observations"] == 2500 * 4
    assert result["openrace_incremental"]["records"] == 50
    assert result["openrace_incremental"]["requests"] <= 2
    assert result["scale_note"].startswith("reduced scale")
    design = result["design"]
    # a complete snapshot: one request per 1,000 models, lineage equal to the truth
    assert design["snapshot_requests"] == 3 and design["snapshot_request_ratio"] <= 1.01
    assert design["snapshot_lineage_edges"] == design["truth_lineage_edges"] > 0
    assert result["met"]["snapshot_lineage_complete"] and result["met"]["snapshot_requests"]
    # the registry update stays in its budget and reaches the registry's models
    assert result["registry_fresh"]["requests"] <= 1000
    assert result["registry_fresh"]["registry_truth_share"] > 0.5
    assert result["registry_fresh"]["wall_seconds_at_quota"]["anonymous"] >= 0
    assert set(result["met"]) == {"overhead", "peak_rss", "incremental_requests",
                                  "snapshot_requests", "snapshot_lineage_complete",
                                  "registry_requests"}


def test_synthetic_hub_shape() -> None:
    from tests.hf.fakehub import SyntheticCatalog

    cat = SyntheticCatalog(20_000)
    rows, nxt = cat.page("models", {}, None, 1000)
    assert len(rows) == 1000 and nxt == 19_000
    assert rows[0]["createdAt"] > rows[-1]["createdAt"]
    sample = [cat.record(k) for k in range(0, 20_000, 7)]
    derivs = [r for r in sample if any(t.startswith("base_model:") for t in r["tags"])]
    assert 0.3 < len(derivs) / len(sample) < 0.5
    downloads = sorted(r["downloads"] for r in sample)
    assert downloads[len(downloads) // 2] < downloads[-len(downloads) // 100]  # heavy tail
    assert cat.get("models", sample[3]["id"]) == sample[3]
