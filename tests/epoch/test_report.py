"""The report with Epoch AI's data: the footer credits Epoch as its licence asks, the
methodology lists the organisations the registry does not know, and the Releases section
says how complete the latest quarters are."""

from __future__ import annotations

from pathlib import Path

from openrace.harvest.epoch import harvest
from openrace.report import build_report
from openrace.sources.epoch import EpochClient


def test_report_credits_epoch_and_states_coverage(store, epoch_server, tmp_path: Path):
    endpoint, _ = epoch_server
    harvest(store, EpochClient(endpoint=endpoint, sleep=lambda s: None))
    build_report(store, tmp_path)
    html = (tmp_path / "index.html").read_text()
    footer = html[html.index('<footer class="colophon">'):]
    assert "Epoch AI" in footer and "CC BY 4.0" in footer
    assert "https://epoch.ai/data/ai-models" in footer
    assert "Epoch AI organisations not in the registry" in html
    assert "Mystery Lab" in html
    assert "How complete the latest quarters are" in html
    assert "China counted with Hong Kong" in html
    assert (tmp_path / "data" / "releases-completeness.csv").exists()
