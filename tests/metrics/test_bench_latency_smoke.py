"""A tiny run of the command-latency benchmark's code: a command timed against its paired
baseline, and every metric timed with the hand-written queries checked equal to it."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_cli_latency import BASELINES, HAND_SQL, time_command, time_metrics
from benchmarks.synthetic import generate

from openrace.api import open_store
from openrace.metrics.catalogue import load_catalogue


def test_a_command_is_timed_against_its_paired_baseline(tmp_path: Path) -> None:
    db = tmp_path / "warm.duckdb"
    open_store(db).close()
    r = time_command(["orgs", "--format", "csv"], db, 2,
                     baseline=BASELINES["import duckdb+typer"])
    assert r["median_s"] > 0 and r["baseline_median_s"] > 0
    assert {"over_baseline_s", "over_baseline_cpu_s", "median_cpu_s", "min_s"} <= r.keys()


def test_every_metric_is_timed_and_the_hand_written_queries_agree(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    generate(db, scale=0.0002)
    timed = time_metrics(db, 1)  # raises when a hand-written query disagrees
    assert set(timed) == set(load_catalogue().names())
    for name in HAND_SQL:
        assert timed[name]["ratio_to_hand_sql"] > 0, name
    assert timed["hub_downloads"]["rows"] > 0 and timed["ai_papers"]["rows"] > 0
    assert timed["code_repos"]["rows"] > 0 and timed["code_stars"]["rows"] > 0
    assert all(r["first_call_cached_ms"] > 0 for r in timed.values())
