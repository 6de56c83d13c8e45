"""The report's Capability section, from a harvest of the fake sources."""

from __future__ import annotations

from pathlib import Path

from openrace.harvest.benchmarks import harvest
from openrace.report.builder import build_report
from openrace.report.context import ReportContext
from openrace.report.sections import capability
from openrace.store import Store
from tests.capability.capdata import ACCESS_ROWS, add_results


def test_section_from_crafted_results() -> None:
    with Store(":memory:") as s:
        add_results(s, ACCESS_ROWS)
        ctx = ReportContext(store=s)
        sec = capability.build(ctx)
    assert sec.empty is None
    names = [c.name for c in sec.charts]
    assert names == ["capability-frontier-access", "capability-frontier-country"]
    spec = sec.charts[0].spec
    assert spec["mark"]["interpolate"] == "step-after" or "step-after" in str(spec)
    lags = sec.tables[0].data.to_pylist()
    a = next(
        r
        for r in lags
        if r["benchmark"] == "bench_a"
        and r["grouping"] == "access"
        and r["group"] == "Open weights"
    )
    assert a["levels"] == 2 and a["caught"] == 1 and a["median_months"] == 3.0
    assert a["gap_today"] is not None
    text = " ".join(sec.prose)
    assert "90 % bootstrap interval" in text and "Caveats:" in text
    assert any(h.label.startswith("Open-weight models trail") for h in ctx.headlines)


def test_section_empty_without_results(store: Store) -> None:
    sec = capability.build(ReportContext(store=store))
    assert sec.empty is not None and "openrace update benchmarks" in sec.empty.message


def test_report_with_harvested_benchmarks(
    registry_store: Store,
    server,
    client,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    harvest(
        registry_store,
        client,
        epoch_url=f"{server.url}/data/benchmark_data.zip",
        arena_endpoint=server.url,
    )
    result = build_report(registry_store, tmp_path)
    assert "capability" not in result.empty_sections
    html = result.index.read_text("utf-8")
    body = html.split('<section id="capability"', 1)[1].split("</section>", 1)[0]
    assert "Capability frontier per benchmark" in body
    assert (tmp_path / "data" / "capability-lags.csv").exists()
    assert "mystery-model-7b" in (tmp_path / "data" / "capability-models.csv").read_text()


def test_hostile_model_names_are_escaped(tmp_path: Path) -> None:
    hostile = '<img src=x onerror="alert(1)">'
    rows = [*ACCESS_ROWS, (hostile, "bench_a", 0.8, ACCESS_ROWS[0][3], "open-weights", "open-cn")]
    with Store(":memory:") as s:
        add_results(s, rows)
        result = build_report(s, tmp_path)
    html = result.index.read_text("utf-8")
    assert hostile not in html
    assert "&lt;img src=x" in html or "\\u003cimg" in html
