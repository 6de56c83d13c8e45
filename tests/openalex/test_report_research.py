"""The Research section and the report built from a store harvested from the fake OpenAlex."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from openrace.harvest.openalex import OpenAlexHarvester
from openrace.report.builder import build_report
from openrace.report.context import ReportContext
from openrace.report.sections import research
from openrace.sources.openalex import OpenAlexClient
from openrace.store import Store
from tests.openalex.conftest import add_orgs, world_works
from tests.openalex.fakealex import FakeAlex, FakeAlexServer

NOW = datetime(2025, 3, 1)


@pytest.fixture(scope="module")
def harvested() -> Iterator[Store]:
    s = Store(":memory:")
    add_orgs(s)
    works = world_works()
    works[0]["display_name"] = "<script>alert('x')</script> Attention"
    with FakeAlexServer(FakeAlex(works=works)) as srv, \
            OpenAlexClient(endpoint=srv.url, requests_per_second=0) as c:
        h = OpenAlexHarvester(s, c, first_year=2022, last_year=2024, top=5)
        h.aggregates()
        h.sectors()
        h.top_works()
    yield s
    s.close()


def test_empty_store_says_run_update(store: Store) -> None:
    sec = research.build(ReportContext(store=store, now=NOW))
    assert sec.empty is not None and sec.empty.command == "openrace update openalex"
    assert not sec.charts


def test_section_numbers_come_from_the_store(harvested: Store) -> None:
    ctx = ReportContext(store=harvested, now=NOW)
    sec = research.build(ctx)
    assert sec.empty is None
    names = [c.name for c in sec.charts]
    assert names == ["ai-papers-by-country", "company-ai-papers", "top-cited-share",
                     "company-top-cited", "us-china-coauthored",
                     "academia-industry-coauthored", "top-cited-academia-industry"]
    text = " ".join(sec.prose)
    assert "In 2024, OpenAlex lists 12 AI works. 8 have an author in China and 4" in text
    assert "China's yearly count first reached the United States' in 2022" in text
    assert "40% have an author in the United States and 80% an author in China" in text
    assert "50.0% of the US's AI works and 25.0% of China's" in text
    # talent: US works 4 of 4 by a US company with a US university, China 2 of 8
    assert "wrote 100.0% of the United States' AI works together in 2024, and 25.0% of " \
        "China's" in text
    # the top five of 2024: 4 with a university author, 5 with a company author;
    # fractions: universities 1/2 + 1/2 + 3/4 + 1/3, companies 1/2 + 1/2 + 1/4 + 1/3 + 1
    assert "80% have an author at a university and 100% at a company" in text
    assert "universities hold 42% and companies 52%" in text
    share = {(r["label"], r["period"]): r["value"]
             for r in sec.charts[2].data.to_pylist()}
    assert share[("China (fractional)", "2024")] == pytest.approx((2 + 5 / 6) / 5)
    assert {h.value for h in ctx.headlines} >= {"8", "57%"}
    table = sec.tables[0].data.to_pylist()
    assert len(table) == 15 and table[0]["cited_by_count"] >= table[-1]["cited_by_count"]


def test_report_has_the_research_section_escaped(harvested: Store, tmp_path: Path) -> None:
    res = build_report(harvested, tmp_path, now=NOW)
    html = res.index.read_text()
    assert 'id="research"' in html
    assert "<script>alert('x')</script>" not in html
    assert "Attention" in html  # the title is there, escaped
    with open(tmp_path / "data" / "top-cited-share.csv") as f:
        rows = list(csv.DictReader(f))
    assert {"period", "country", "label", "value"} <= set(rows[0])
    assert "research" not in res.empty_sections
