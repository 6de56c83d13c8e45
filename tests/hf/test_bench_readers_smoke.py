"""A tiny run of the readers-during-update benchmark's code (the benchmark is not a test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks.bench_readers import main


@pytest.mark.slow
def test_benchmark_code_at_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "readers.json"
    args = "--models 120 --page-size 4 --commit-every 8 --delay 0.05 --read-every 0.3"
    args += " --report-every 0"
    figures = main([*args.split(), "--workdir", str(tmp_path / "w"), "--output", str(out)])
    assert json.loads(out.read_text()) == figures
    assert figures["harvest_alone"]["stored"] == figures["harvest_with_readers"]["stored"] == 120
    shared = figures["harvest_with_readers"]
    assert shared["query_reads"] >= 3 and shared["reads_refused"] == 0
