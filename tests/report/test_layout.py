"""Report layout: long ids wrap between their parts, wide tables scroll in their own box,
and a dominant "Unattributed" is set aside in share charts with its share stated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from openrace.report import build_report, charts
from openrace.report.builder import breakable, table_view
from openrace.store import Store, utcnow
from tests.report.report_sample import sample_store

#: a Hub model of a namespace the registry does not know, downloaded far more than the rest
HUGE = "someone-else/a-very-popular-model-of-nobody-known"


def add_dominant_unattributed(store: Store) -> None:
    """A root model of an unknown namespace with most of the latest 30-day downloads."""
    aid = f"hf:model:{HUGE}"
    now = utcnow()
    store.upsert(
        "artifacts",
        [
            {
                "artifact_id": aid,
                "source": "hf",
                "kind": "model",
                "source_id": HUGE,
                "title": HUGE,
                "author": HUGE.split("/")[0],
                "created": dt.datetime(2025, 1, 5),
                "license": "apache-2.0",
                "license_class": "osi",
                "first_seen": now,
                "last_seen": now,
            }
        ],
        ["artifact_id"],
    )
    store.replace_attributions(
        [aid],
        ["registry", "unattributed", "inherited"],
        [
            {
                "artifact_id": aid,
                "org_id": None,
                "country": None,
                "weight": 1.0,
                "method": "unattributed",
            }
        ],
    )
    run = store.start_run("hf", "update:registry")
    store.append(
        "observations",
        [
            {"artifact_id": aid, "metric": m, "value": v, "observed_at": now, "run_id": run}
            for m, v in (
                ("downloads_30d", 50_000.0),
                ("downloads_all_time", 500_000.0),
                ("likes", 10.0),
            )
        ],
    )
    store.finish_run(run, "ok")


def test_breakable_wraps_long_ids_between_parts_only() -> None:
    assert breakable("meta-llama/Llama-3.1-8B") == "meta-<wbr>llama/<wbr>Llama-<wbr>3.1-<wbr>8B"
    assert breakable("2025-01-01") == '<span class="nw">2025-01-01</span>'  # stays whole
    assert breakable("Qwen2.5 is open") == "Qwen2.5 is open"
    hostile = breakable("<script>alert('x')</script>-long-enough")
    assert "<script>" not in hostile and "&lt;/<wbr>script&gt;" in hostile


def test_table_cells_break_ids_but_not_numbers() -> None:
    t = pa.table({"model": ["deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"], "value": [-1234.0]})
    _, rows = table_view(t, None, None, None)
    (model, _), (value, _) = rows[0]["cells"]
    assert "/<wbr>DeepSeek-<wbr>R1" in model and value == "-1,234"


def test_share_bars_set_a_dominant_group_aside() -> None:
    data = pa.table(
        {
            "definition": ["a", "a", "a", "b", "b"],
            "label": ["United States", "China", "Unattributed", "China", "Unattributed"],
            "value": [0.1, 0.1, 0.8, 0.3, 0.7],
        }
    )
    plain = charts.stacked_bars(data, x="definition", normalize=True)
    assert "layer" not in plain
    spec = charts.stacked_bars(data, x="definition", normalize=True, aside="Unattributed")
    assert spec["usermeta"] == {"openrace_aside": "Unattributed"}
    bars, note = spec["layer"]
    assert {"filter": '!(datum["label"] === "Unattributed")'} in bars["transform"]
    assert note["mark"]["type"] == "text"
    assert charts.dominates(0.8) and not charts.dominates(0.3) and not charts.dominates(None)
    with pytest.raises(ValueError):
        charts.stacked_bars(data, x="definition", aside="Unattributed")  # not normalised


def test_adoption_sets_unattributed_aside_only_when_it_dominates(tmp_path: Path) -> None:
    s = sample_store()
    try:
        build_report(s, tmp_path / "plain")
        add_dominant_unattributed(s)
        build_report(s, tmp_path / "aside")
    finally:
        s.close()
    plain = (tmp_path / "plain" / "index.html").read_text(encoding="utf-8")
    aside = (tmp_path / "aside" / "index.html").read_text(encoding="utf-8")
    assert "openrace_aside" not in plain
    assert '"openrace_aside":"Unattributed"' in aside.replace(" ", "")
    # the CSV behind the chart keeps every row, the unattributed one included
    csv = (tmp_path / "aside" / "data" / "adoption-download-share.csv").read_text()
    assert "Unattributed" in csv
    # long ids in the page's tables carry break opportunities
    assert "<wbr>" in aside
