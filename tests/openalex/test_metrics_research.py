"""Research metrics on a store harvested from the fake OpenAlex."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from openrace.harvest.openalex import OpenAlexHarvester, rank_metric
from openrace.metrics.catalogue import load_catalogue
from openrace.sources.openalex import DEFAULT_SELECTION, OpenAlexClient
from openrace.store import Store
from tests.openalex.conftest import add_orgs, world_works
from tests.openalex.fakealex import FakeAlex, FakeAlexServer

CAT = load_catalogue()


@pytest.fixture(scope="module")
def harvested() -> Iterator[Store]:
    """A store holding aggregates and the top five works of 2022-2024."""
    s = Store(":memory:")
    add_orgs(s)
    with FakeAlexServer(FakeAlex(works=world_works())) as srv, \
            OpenAlexClient(endpoint=srv.url, requests_per_second=0) as c:
        h = OpenAlexHarvester(s, c, first_year=2022, last_year=2024, top=5)
        h.aggregates()
        h.sectors()
        h.top_works()
    yield s
    s.close()


def values(table, period: str | None = "2023") -> dict:  # type: ignore[no-untyped-def]
    return {r["group"]: r["value"] for r in table.to_pylist()
            if period is None or r.get("period") == period}


def test_research_metrics_are_in_the_catalogue() -> None:
    for name in ("ai_papers", "ai_papers_share", "coauthored_share", "coauthored_papers",
                 "top_cited_papers", "top_cited_share"):
        assert CAT.get(name).source == "openalex"


def test_no_data_in_an_empty_store(store: Store) -> None:
    assert not CAT.has_data("ai_papers", store)
    assert not CAT.has_data("top_cited_share", store)
    assert CAT.evaluate("ai_papers", store).num_rows == 0


def test_ai_papers(harvested: Store) -> None:
    assert CAT.has_data("ai_papers", harvested)
    assert values(CAT.evaluate("ai_papers", harvested)) == {"US": 4, "CN": 8, "GB": 2}
    world = CAT.evaluate("ai_papers", harvested, by="none")
    assert [r["value"] for r in world.to_pylist()] == [12, 12, 12]
    # exact: a work counts for China's companies only with an author at a Chinese company
    assert values(CAT.evaluate("ai_papers", harvested, segment="company"), "2024") == \
        {"US": 4, "CN": 4, "GB": 2}
    assert values(CAT.evaluate("ai_papers", harvested, period="none"), None)["US"] == 12
    share = values(CAT.evaluate("ai_papers_share", harvested))
    assert share["US"] == pytest.approx(4 / 12)


def test_academia_industry_share(harvested: Store) -> None:
    share = values(CAT.evaluate("academia_industry_share", harvested), "2024")
    # US: Google + MIT and Tsinghua + (MIT, Google) = 4 of 4; China: Tsinghua + Alibaba =
    # 2 of 8 (Tsinghua + Google is not a Chinese academia-industry paper); GB: 2 of 2
    assert share == {"US": 1.0, "CN": 0.25, "GB": 1.0}
    top = values(CAT.evaluate("top_cited_share", harvested, by="sector",
                              sector_rule="institution-type"), "2024")
    assert top["academia"] == pytest.approx(0.8) and top["industry"] == 1.0


def test_coauthorship(harvested: Store) -> None:
    share = values(CAT.evaluate("coauthored_share", harvested))
    assert share == {"US": pytest.approx(0.5), "CN": pytest.approx(0.25)}
    assert values(CAT.evaluate("coauthored_papers", harvested, period="none"), None) == \
        {"all": 6}


def test_top_cited_whole_and_fractional(harvested: Store) -> None:
    whole = values(CAT.evaluate("top_cited_papers", harvested))
    assert whole == {"US": 2, "CN": 4, "GB": 1}
    frac = values(CAT.evaluate("top_cited_papers", harvested, counting="fractional"))
    assert frac == {"US": pytest.approx(1.5), "CN": pytest.approx(2 + 5 / 6),
                    "GB": pytest.approx(2 / 3)}
    assert sum(frac.values()) == pytest.approx(5)  # the five works, nothing unattributed
    owner = values(CAT.evaluate("top_cited_papers", harvested, counting="fractional",
                                country_rule="owner"))
    # Microsoft Research Asia (Beijing) and DeepMind (London, under Google) move to the US
    assert owner == {"US": pytest.approx(2 + 5 / 6), "CN": pytest.approx(1 + 5 / 6),
                     "GB": pytest.approx(1 / 3)}


def test_top_cited_share_and_tiers(harvested: Store) -> None:
    share = values(CAT.evaluate("top_cited_share", harvested))
    assert share == {"US": pytest.approx(0.4), "CN": pytest.approx(0.8), "GB": pytest.approx(0.2)}
    top1 = values(CAT.evaluate("top_cited_papers", harvested, tier="top-1pct"))
    assert top1 == {"US": 1}  # 1 % of 12 works rounds up to the single most cited
    assert values(CAT.evaluate("top_cited_papers", harvested, tier="top-100")) == \
        {"US": 2, "CN": 4, "GB": 1}


def test_company_papers_and_organisations(harvested: Store) -> None:
    comp = values(CAT.evaluate("top_cited_papers", harvested, institutions="company"))
    assert comp == {"US": 2, "CN": 2, "GB": 1}
    compf = values(CAT.evaluate("top_cited_papers", harvested, institutions="company",
                                counting="fractional"))
    assert compf == {"US": pytest.approx(0.75), "CN": pytest.approx(1.5),
                     "GB": pytest.approx(1 / 3)}
    orgs = values(CAT.evaluate("top_cited_papers", harvested, by="org"))
    assert orgs["google"] == 3 and orgs["alibaba"] == 1
    sectors = values(CAT.evaluate("top_cited_papers", harvested, by="sector"))
    assert sectors == {"industry": 5, "academia": 2}
    # registry sectors where linked, else the institution type (MIT and Oxford: academia,
    # CAS: government)
    typed = values(CAT.evaluate("top_cited_papers", harvested, by="sector",
                                sector_rule="institution-type"))
    assert typed == {"industry": 5, "academia": 4, "government": 1}


def test_a_ranked_work_without_a_date_is_in_no_years_top_list() -> None:
    s = Store(":memory:")
    now = datetime(2026, 1, 1)
    dates = {"W1": datetime(2023, 5, 1), "W2": None}
    s.upsert("artifacts", [
        {"artifact_id": f"openalex:work:{w}", "source": "openalex", "kind": "work",
         "source_id": w, "created": d, "first_seen": now, "last_seen": now}
        for w, d in dates.items()], ["artifact_id"])
    s.replace_attributions([f"openalex:work:{w}" for w in dates], ["affiliation"], [
        {"artifact_id": f"openalex:work:{w}", "org_id": None, "country": c, "weight": 1.0,
         "method": "affiliation", "detail": "education I1"}
        for w, c in (("W1", "US"), ("W2", "CN"))])
    s.append("observations", [
        {"artifact_id": f"openalex:work:{w}", "metric": rank_metric(DEFAULT_SELECTION),
         "value": float(i), "observed_at": now, "run_id": 1}
        for i, w in enumerate(dates, 1)])
    assert values(CAT.evaluate("top_cited_papers", s, period="none"), None) == {"US": 1}
    assert values(CAT.evaluate("top_cited_share", s, period="none"), None) == {"US": 1.0}
    assert CAT.evaluate("top_cited_share", s).to_pylist() == [
        {"period": "2023", "group": "US", "value": 1.0}]
    s.close()
