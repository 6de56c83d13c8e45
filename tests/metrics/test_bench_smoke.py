"""A tiny run of the metrics benchmark's code: the synthetic store, the workload, and the
pandas baseline agreeing with the catalogue on every task it implements."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_metrics import digest, run_duckdb, run_pandas, workload
from benchmarks.synthetic import generate

from openrace.metrics.catalogue import load_catalogue
from openrace.metrics.engine import export_parquet
from openrace.store import Store


def test_benchmark_code_at_tiny_scale(tmp_path: Path) -> None:
    info = generate(tmp_path / "s.duckdb", scale=0.0002)
    assert info["rows"]["artifacts"] == 600 + 1000 + 12 + 430  # models, papers, repos, releases
    assert info["rows"]["lineage"] > 1000
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        assert s.dicts("SELECT count(*) AS n FROM observations")[0]["n"] > 5000
        export_parquet(s, tmp_path / "pq")
    tasks = workload(load_catalogue(), variants=True)
    assert {t["metric"] for t in tasks} == set(load_catalogue().names())
    assert len(workload(load_catalogue())) == len(load_catalogue())
    duck = run_duckdb(tmp_path / "s.duckdb", tasks)
    pand = run_pandas(tmp_path / "pq", tasks)
    assert pand["tasks"], "no pandas twin ran"
    for key, got in pand["tasks"].items():
        assert got["digest"] == duck["tasks"][key]["digest"], key
    assert any(t["rows"] > 0 for t in duck["tasks"].values())


def test_digest_ignores_row_order() -> None:
    a = [{"group": "US", "value": 1.0}, {"group": "CN", "value": 2.0000000001}]
    assert digest(a) == digest(list(reversed(a)))
    assert digest(a) != digest([{"group": "US", "value": 1.5}])
