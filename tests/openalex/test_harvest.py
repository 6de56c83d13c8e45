"""Harvesting the fake OpenAlex into a store: aggregates, top-cited works, resume, links."""

from __future__ import annotations

import copy
import json

import pytest

from openrace.errors import RateLimitExhaustedError, SourceUnreachableError
from openrace.harvest.openalex import OpenAlexHarvester
from openrace.sources.openalex import OpenAlexClient
from openrace.store import Store
from tests.openalex.fakealex import FakeAlex, Fault, make_author, make_institution, make_work


def harvester(store: Store, client: OpenAlexClient, **kw) -> OpenAlexHarvester:  # type: ignore[no-untyped-def]
    return OpenAlexHarvester(store, client, first_year=2022, last_year=2024, **kw)


def agg(store: Store, measure: str = "ai_works", segment: str = "all") -> dict:
    return {(r["period"], r["country"]): r["value"] for r in store.dicts(
        "SELECT period, country, value FROM aggregates WHERE measure = ? AND segment = ?",
        [measure, segment])}


def test_aggregates_per_country_year_and_segment(ostore: Store, client: OpenAlexClient) -> None:
    res = harvester(ostore, client).aggregates()
    # 3 years x (a group_by + 3 world counts by sector) + the pair query + China incl.
    # Hong Kong (its works, those co-authored with the US)
    assert res.requests == 15
    a = agg(ostore)
    assert a[("2023", "US")] == 4 and a[("2023", "CN")] == 8 and a[("2023", "GB")] == 2
    assert a[("2023", "all")] == 12
    # sectors: the world total only; per country they come from the exact part
    assert agg(ostore, segment="company") == {(str(y), "all"): 10 for y in (2022, 2023, 2024)}
    assert agg(ostore, segment="government") == {(str(y), "all"): 2 for y in (2022, 2023, 2024)}
    pair = agg(ostore, "ai_works_coauthored", "with-CN")
    assert pair == {("2022", "US"): 2, ("2023", "US"): 2, ("2024", "US"): 2}
    run = ostore.dicts("SELECT * FROM harvest_runs")[0]
    assert run["status"] == "ok" and run["n_requests"] == 15


def test_china_incl_hong_kong_is_the_union_counted_once(
        ostore: Store, client: OpenAlexClient, alex: FakeAlex) -> None:
    hku = make_institution("I889458895", "HK")
    tsinghua = make_institution("I99065089", "CN")
    mit = make_institution("I63966007", "US")
    alex.add([
        # Hong Kong alone, Hong Kong with mainland China, Hong Kong with the US
        make_work(9001, 2023, 1, [make_author("a", [hku])]),
        make_work(9002, 2023, 1, [make_author("b", [hku]), make_author("c", [tsinghua])]),
        make_work(9003, 2023, 1, [make_author("d", [hku]), make_author("e", [mit])]),
    ])
    harvester(ostore, client).aggregates()
    a = agg(ostore)
    assert a[("2023", "HK")] == 3 and a[("2023", "CN")] == 8 + 1
    union = agg(ostore, segment="all-with-HK")
    # 9 mainland works + the 2 with Hong Kong but no mainland author: 11, not 9 + 3
    assert union[("2023", "CN")] == 11
    pair = agg(ostore, "ai_works_coauthored", "pair-with-HK")
    mainland = agg(ostore, "ai_works_coauthored", "with-CN")
    assert pair[("2023", "US")] == pair[("2023", "CN")] == mainland[("2023", "US")] + 1


def test_broad_selection_is_its_own_measure(ostore: Store, client: OpenAlexClient) -> None:
    harvester(ostore, client, selection="broad").aggregates()
    assert agg(ostore, "ai_works_broad")[("2024", "all")] == 13
    assert agg(ostore) == {}


def test_top_cited_works_with_authorships(ostore: Store, client: OpenAlexClient) -> None:
    res = harvester(ostore, client, top=5).top_works()
    assert res.stored == 15 and res.requests == 3
    works = ostore.dicts("SELECT * FROM artifacts WHERE kind = 'work' ORDER BY artifact_id")
    assert len(works) == 15 and works[0]["artifact_id"].startswith("openalex:work:W")
    ranks = ostore.dicts(
        "SELECT o.value, a.created FROM observations o JOIN artifacts a USING (artifact_id) "
        "WHERE metric = 'cited_rank' AND year(a.created) = 2023 ORDER BY o.value")
    assert [r["value"] for r in ranks] == [1, 2, 3, 4, 5]
    # every work's affiliation weights sum to 1
    sums = ostore.dicts("SELECT artifact_id, sum(weight) s FROM attributions "
                        "GROUP BY artifact_id")
    assert len(sums) == 15 and all(abs(r["s"] - 1) < 1e-9 for r in sums)
    # registry link: Google by OpenAlex id, Alibaba by ROR, DeepMind through its lineage
    orgs = {r["org_id"] for r in ostore.dicts("SELECT DISTINCT org_id FROM attributions")}
    assert {"google", "alibaba", "tsinghua-university", "microsoft-research-asia"} <= orgs
    deepmind = ostore.dicts("SELECT org_id, country FROM attributions "
                            "WHERE detail = 'company I4210090411'")
    assert {(r["org_id"], r["country"]) for r in deepmind} == {("google", "GB")}


def test_top_cited_pages_with_smaller_pages(ostore: Store, client: OpenAlexClient,
                                            alex: FakeAlex) -> None:
    h = harvester(ostore, client, top=12)
    h.top_works()
    assert ostore.counts()["artifacts"] == 36


def test_interrupted_harvest_resumes_without_doubling(ostore: Store, client: OpenAlexClient,
                                                      alex: FakeAlex) -> None:
    # pages of 4 (top=8 -> 2 pages a year); the daily allowance runs out on request 4
    alex.budget = 3
    h = harvester(ostore, client, top=8)
    client_pages = []
    orig = client.pages

    def small_pages(kind, **kw):  # type: ignore[no-untyped-def]
        kw["per_page"] = 4
        for p in orig(kind, **kw):
            client_pages.append(p)
            yield p

    client.pages = small_pages  # type: ignore[method-assign]
    with pytest.raises(RateLimitExhaustedError, match="daily allowance"):
        h.top_works()
    run = ostore.dicts("SELECT * FROM harvest_runs")[0]
    assert run["status"] == "failed"
    assert json.loads(run["cursor"])["year"] == 2023  # 2022 done, 2023 half done
    stored_before = ostore.counts()["artifacts"]
    assert stored_before == 12
    # next day: the allowance is back; the same command resumes the same run
    alex.budget = None
    requests_before = alex.requests
    res = harvester(ostore, client, top=8).top_works()
    assert res.resumed and res.run_id == run["run_id"]
    assert alex.requests - requests_before == 3  # 2023's second page, 2024's two pages
    assert ostore.counts()["artifacts"] == 24
    ranks = ostore.dicts("SELECT artifact_id, count(*) n FROM observations "
                         "WHERE metric = 'cited_rank' GROUP BY artifact_id HAVING n > 1")
    assert ranks == []
    assert ostore.dicts("SELECT status FROM harvest_runs")[0]["status"] == "ok"


def test_interrupted_aggregates_resume(ostore: Store, client: OpenAlexClient,
                                       alex: FakeAlex) -> None:
    # retries=3: four 500s in a row end the run
    for n in (6, 7, 8, 9):
        alex.faults[n] = Fault(500)
    with pytest.raises(Exception, match="kept failing"):
        harvester(ostore, client).aggregates()
    first = ostore.counts()["aggregates"]
    assert first > 0
    before = alex.requests
    res = harvester(ostore, client).aggregates()
    assert res.resumed and res.skipped == 5
    assert alex.requests - before == 10  # 8 + the 2 of China incl. Hong Kong
    rows = ostore.dicts("SELECT measure, period, country, segment, count(*) n FROM aggregates "
                        "GROUP BY ALL HAVING n > 1")
    assert rows == []


def test_malformed_records_are_quarantined(ostore: Store, client: OpenAlexClient,
                                           alex: FakeAlex) -> None:
    alex.works[0]["cited_by_count"] = "many"
    alex.works[1] = copy.deepcopy(alex.works[1])  # authorship objects are shared
    alex.works[1]["authorships"][0]["institutions"][0]["country_code"] = "<script>"
    res = harvester(ostore, client, top=12).top_works()
    assert res.rejected == 2 and res.stored == 34
    q = ostore.dicts("SELECT record_key, reason FROM quarantine ORDER BY record_key")
    assert [r["record_key"] for r in q] == ["W1001", "W1002"]


def test_unreachable_server_leaves_a_resumable_run(ostore: Store) -> None:
    with (OpenAlexClient(endpoint="http://127.0.0.1:9", requests_per_second=0) as c,
          pytest.raises(SourceUnreachableError)):
        OpenAlexHarvester(ostore, c, first_year=2023, last_year=2024).aggregates()
    assert ostore.dicts("SELECT status FROM harvest_runs")[0]["status"] == "failed"


def test_model_paper_links(ostore: Store, client: OpenAlexClient) -> None:
    ostore.upsert("artifacts", [
        {"artifact_id": "hf:model:org/m", "source": "hf", "kind": "model", "source_id": "org/m",
         "tags": ["arxiv:2301.00000", "arxiv:9999.99999", "license:mit"],
         "first_seen": "2024-01-01", "last_seen": "2024-01-01"},
    ], ["artifact_id"])
    res = harvester(ostore, client).link_models()
    assert res.stored == 1 and res.requests == 1
    w = ostore.dicts("SELECT * FROM artifacts WHERE source = 'openalex'")
    assert len(w) == 1 and "hf:model:org/m" in w[0]["tags"]
    assert "arxiv:2301.00000" in w[0]["tags"]
    from openrace.queries.openalex import papers

    assert papers(ostore).to_pylist()[0]["hub_models"] == "org/m"
    # a second run asks for nothing already linked
    again = harvester(ostore, client).link_models()
    assert again.requests == 1 and again.skipped == 1


def test_model_linked_to_a_stored_top_work_without_a_request(ostore: Store,
                                                             client: OpenAlexClient) -> None:
    harvester(ostore, client, top=2).top_works()
    ostore.upsert("artifacts", [
        {"artifact_id": "hf:model:org/m2", "source": "hf", "kind": "model",
         "source_id": "org/m2", "tags": ["arxiv:2201.00000"],
         "first_seen": "2024-01-01", "last_seen": "2024-01-01"},
    ], ["artifact_id"])
    res = harvester(ostore, client).link_models()
    assert res.requests == 0 and res.stored == 1
    tags = ostore.dicts("SELECT tags FROM artifacts WHERE artifact_id = 'openalex:work:W1001'")
    assert "hf:model:org/m2" in tags[0]["tags"] and "selection:primary" in tags[0]["tags"]
    # a later top-cited harvest keeps the link
    harvester(ostore, client, top=3).top_works()
    tags = ostore.dicts("SELECT tags FROM artifacts WHERE artifact_id = 'openalex:work:W1001'")
    assert "hf:model:org/m2" in tags[0]["tags"]


def test_reharvest_counts_only_the_current_top(ostore: Store, client: OpenAlexClient,
                                               alex: FakeAlex) -> None:
    from openrace.metrics.catalogue import load_catalogue

    harvester(ostore, client, top=3).top_works()
    # a new work enters 2024's top three; the old third drops out
    alex.works[-5]["cited_by_count"] = 10_000
    harvester(ostore, client, top=3).top_works()
    t = load_catalogue().evaluate("top_cited_papers", ostore, by="none", period="year")
    assert [r["value"] for r in t.to_pylist()] == [3, 3, 3]


# -- exact sector counts by the country of the qualifying institution --------------------------

#: counted by hand from conftest.PATTERNS (two works of each pattern a year): a work counts
#: for (sector, country) when one author is at an institution of that sector located there
HAND_COUNTED = {
    ("company", "US"): 4,  # Google + MIT; Tsinghua + (MIT, Google)
    ("company", "CN"): 4,  # Tsinghua + Alibaba; MSRA (registry: industry, in Beijing)
    ("company", "GB"): 2,  # DeepMind (London) + Oxford + CAS
    ("education", "US"): 4,  # MIT twice
    ("education", "CN"): 4,  # Tsinghua twice
    ("education", "GB"): 2,  # Oxford
    ("government", "CN"): 2,  # CAS
    # a company and a university of the same country on one work
    ("academia-industry", "US"): 4,  # Google + MIT; (MIT, Google)
    ("academia-industry", "CN"): 2,  # Tsinghua + Alibaba (not Tsinghua + Google)
    ("academia-industry", "GB"): 2,  # DeepMind + Oxford
}


def test_sectors_count_by_the_qualifying_institutions_country(
        ostore: Store, client: OpenAlexClient) -> None:
    h = harvester(ostore, client)
    h.aggregates()
    res = h.sectors()
    for (segment, country), n in HAND_COUNTED.items():
        got = agg(ostore, segment=segment)
        assert {y: got[(str(y), country)] for y in (2022, 2023, 2024)} == \
            {y: n for y in (2022, 2023, 2024)}, (segment, country)
    # no other (sector, country) has a work
    rows = ostore.dicts("SELECT segment, country, sum(value) n FROM aggregates WHERE "
                        "measure = 'ai_works' AND segment NOT IN ('all', 'all-with-HK') "
                        "AND country <> 'all' "
                        "GROUP BY ALL HAVING n > 0")
    assert {(r["segment"], r["country"]) for r in rows} == set(HAND_COUNTED)
    # the co-occurring filters over-count China's companies: the upper bound is kept
    bound = {(r["segment"], r["country"]): r["value"] for r in ostore.dicts(
        "SELECT segment, country, value FROM aggregates WHERE measure = 'ai_works_bound'")}
    assert bound[("company", "CN")] == 24 and bound[("company", "US")] == 12
    assert res.requests > 0 and ostore.dicts(
        "SELECT status FROM harvest_runs WHERE scope = 'sectors:primary'")[0]["status"] == "ok"


def test_a_us_company_with_a_chinese_university_counts_for_the_us_only(
        ostore: Store) -> None:
    from tests.openalex.conftest import GOOGLE, TSINGHUA
    from tests.openalex.fakealex import FakeAlexServer, make_author, make_work

    alex = FakeAlex(works=[make_work(1, 2024, 5, [make_author("g", [GOOGLE]),
                                                   make_author("t", [TSINGHUA])])])
    with FakeAlexServer(alex) as srv, OpenAlexClient(endpoint=srv.url,
                                                     requests_per_second=0) as c:
        h = OpenAlexHarvester(ostore, c, first_year=2024, last_year=2024)
        h.aggregates()
        h.sectors()
    company = agg(ostore, segment="company")
    assert company[("2024", "US")] == 1 and company.get(("2024", "CN"), 0) == 0
    education = agg(ostore, segment="education")
    assert education[("2024", "CN")] == 1 and education.get(("2024", "US"), 0) == 0


def test_ror_types_make_a_funder_typed_university_academia(ostore: Store) -> None:
    from openrace.rules.sectors import RorIndex
    from tests.openalex.fakealex import FakeAlexServer, make_author, make_institution, make_work

    uw = make_institution("I201448701", "US", "funder", "https://ror.org/00cvxb145",
                          name="University of Washington")
    alex = FakeAlex(works=[make_work(1, 2024, 5, [make_author("u", [uw])])])
    ror = RorIndex.from_records([{"id": "https://ror.org/00cvxb145",
                                  "types": ["education", "funder"], "locations": []}])
    with FakeAlexServer(alex) as srv, OpenAlexClient(endpoint=srv.url,
                                                     requests_per_second=0) as c:
        OpenAlexHarvester(ostore, c, first_year=2024, last_year=2024).sectors()
        assert agg(ostore, segment="education").get(("2024", "US"), 0) == 0  # "funder"
        OpenAlexHarvester(ostore, c, first_year=2024, last_year=2024, ror=ror,
                          exact_countries=5).sectors()
    assert agg(ostore, segment="education")[("2024", "US")] == 1
