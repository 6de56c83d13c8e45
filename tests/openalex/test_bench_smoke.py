"""A tiny run of the OpenAlex benchmark's code (the benchmark itself is not a test)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.bench_openalex import main


def test_benchmark_code_at_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "openalex.json"
    figures = main(["--works-per-year", "300", "--first-year", "2023", "--last-year", "2024",
                    "--top", "250", "--fractional-works", "3000", "--python-sample", "200",
                    "--workdir", str(tmp_path / "w"), "--output", str(out)])
    assert json.loads(out.read_text()) == figures
    series = figures["per_country_series"]
    assert series["agrees_with_baseline"] and series["requests"] == 2 * 4 + 1 + 2
    assert series["china_with_hk_agrees_with_baseline"]
    assert series["baseline_paging_requests"] == 6  # three pages of ~270 AI works a year
    top = figures["top_cited_harvest"]
    assert top["works_stored"] == 500 and top["requests"] == top["expected_requests"] == 6
    frac = figures["fractional_attribution"]
    for path in ("streaming", "duckdb"):
        got = frac[path]
        assert got["works_with_weights"] == 3000 and got["weight_rows"] == frac["long_rows"]
        assert abs(got["weights_sum"] - 3000) < 1e-6 * 3000
