"""A tiny run of the GitHub benchmark's code (the benchmark itself is not a test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks.bench_github import main


@pytest.mark.slow
def test_benchmark_code_at_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "github.json"
    figures = main(["--scale", "0.02", "--workdir", str(tmp_path / "w"), "--output", str(out)])
    assert json.loads(out.read_text()) == figures
    token, anon = figures["token"], figures["anonymous"]
    pages = token["first_harvest"]["requests"]
    assert token["first_harvest"]["answered_200"] == pages == figures["accounts"]
    assert token["rerun_unchanged"]["answered_304"] == pages
    assert token["rerun_unchanged"]["requests_counted_against_quota"] == 0
    assert 0 < token["rerun_after_activity"]["answered_200"] < pages
    assert token["first_harvest"]["rate_limit_waits_s"] == 0
    # anonymous: 60 an hour, 304s counted: more than two hours for ~150 pages, every run
    assert anon["first_harvest"]["wall_time_h"] >= 2.0
    assert anon["rerun_unchanged"]["requests_counted_against_quota"] == pages
    assert anon["first_harvest"]["answered_403_rate_limited"] == 0
