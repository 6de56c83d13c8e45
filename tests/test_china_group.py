"""The group "China incl. Hong Kong" in every US–China comparison beyond releases: Hub
adoption and diffusion, code, top-cited papers, OpenAlex per-country counts; each with
``china=mainland`` keeping Hong Kong apart, and a mainland alternative on each claim."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from openrace.api import open_store
from openrace.claims import load_claims
from openrace.harvest.openalex import ALL_WITH_HK, PAIR_WITH_HK, WORLD
from openrace.metrics.catalogue import load_catalogue
from openrace.store import Store

CAT = load_catalogue()
NOW = dt.datetime(2026, 1, 1)
CREATED = dt.datetime(2025, 3, 1)

# (artifact id, organisation, country of the attribution): SenseTime and HKU are the
# registry's Hong Kong organisations
HUB = [
    ("hf:model:Qwen/a", "qwen", "CN"),
    ("hf:model:sensetime/b", "sensetime", "HK"),
    ("hf:model:meta-llama/c", "meta", "US"),
]
REPOS = [
    ("github:repo:QwenLM/a", "qwen", "CN"),
    ("github:repo:OpenSenseNova/b", "sensetime", "HK"),
    ("github:repo:facebookresearch/c", "meta", "US"),
]
# a top-cited work by Tsinghua and HKU authors (one work, two halves), one by HKU alone,
# one by Meta
WORKS = {
    "openalex:work:W1": [("tsinghua-university", "CN", 0.5), ("hku", "HK", 0.5)],
    "openalex:work:W2": [("hku", "HK", 1.0)],
    "openalex:work:W3": [("meta", "US", 1.0)],
}


def _artifacts(rows: list[tuple[str, str, str]], source: str, kind: str) -> list[dict]:
    return [
        {
            "artifact_id": a,
            "source": source,
            "kind": kind,
            "source_id": a.split(":", 2)[2],
            "title": a.split(":", 2)[2],
            "created": CREATED,
            "first_seen": NOW,
            "last_seen": NOW,
            "tags": [],
        }
        for a, _, _ in rows
    ]


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store(":memory:")
    s.upsert(
        "artifacts",
        _artifacts(HUB, "hf", "model")
        + _artifacts(REPOS, "github", "repo")
        + _artifacts([(w, "", "") for w in WORKS], "openalex", "work"),
        ["artifact_id"],
    )
    s.insert(
        "attributions",
        [
            {
                "artifact_id": a,
                "org_id": o,
                "country": c,
                "weight": 1.0,
                "method": "registry",
                "detail": None,
            }
            for a, o, c in HUB + REPOS
        ],
    )
    s.insert(
        "attributions",
        [
            {
                "artifact_id": w,
                "org_id": o,
                "country": c,
                "weight": wt,
                "method": "affiliation",
                "detail": f"education I{o}",
            }
            for w, parts in WORKS.items()
            for o, c, wt in parts
        ],
    )
    s.append(
        "observations",
        [
            {
                "artifact_id": w,
                "metric": "cited_rank",
                "value": float(i),
                "observed_at": NOW,
                "run_id": 1,
            }
            for i, w in enumerate(WORKS, 1)
        ],
    )

    def agg(measure: str, country: str, segment: str, value: float, period: str = "2024"):
        return {
            "source": "openalex",
            "measure": measure,
            "period": period,
            "country": country,
            "segment": segment,
            "value": value,
            "observed_at": NOW,
            "run_id": 1,
        }

    s.append(
        "aggregates",
        [
            agg("ai_works", WORLD, "all", 100),
            agg("ai_works", "US", "all", 30),
            agg("ai_works", "CN", "all", 40),
            agg("ai_works", "HK", "all", 6),
            # 2 works have authors in both: the union is 44, not 46
            agg("ai_works", "CN", ALL_WITH_HK, 44),
            agg("ai_works", WORLD, ALL_WITH_HK, 44),
            # 2023: a store harvested before the union was counted
            agg("ai_works", WORLD, "all", 90, "2023"),
            agg("ai_works", "US", "all", 30, "2023"),
            agg("ai_works", "CN", "all", 35, "2023"),
            agg("ai_works", "HK", "all", 5, "2023"),
            agg("ai_works", WORLD, "company", 20),
            agg("ai_works", "CN", "company", 8),
            agg("ai_works", "HK", "company", 1),
            agg("ai_works", "US", "company", 10),
            agg("ai_works_coauthored", "US", "with-CN", 4),
            agg("ai_works_coauthored", "CN", "with-US", 4),
            agg("ai_works_coauthored", "US", PAIR_WITH_HK, 5),
            agg("ai_works_coauthored", "CN", PAIR_WITH_HK, 5),
        ],
    )
    yield s
    s.close()


def _values(name: str, store: Store, **kw: Any) -> dict[str, float]:
    t = CAT.evaluate(name, store, by="country", **kw)
    return {r["group"]: r["value"] for r in t.to_pylist()}


@pytest.mark.parametrize("name", ["hub_models", "code_repos"])
def test_hub_and_code_count_hong_kong_for_china(store: Store, name: str) -> None:
    with_hk = _values(name, store, period="none")
    mainland = _values(name, store, period="none", china="mainland")
    assert with_hk == {"CN": 2, "US": 1}
    assert mainland == {"CN": 1, "HK": 1, "US": 1}


def test_top_cited_papers_count_a_joint_work_once_for_the_group(store: Store) -> None:
    whole = _values("top_cited_papers", store, period="none")
    assert whole == {"CN": 2, "US": 1}  # W1 (Tsinghua + HKU) once, W2 (HKU)
    assert _values("top_cited_papers", store, period="none", china="mainland") == {
        "CN": 1,
        "HK": 2,
        "US": 1,
    }
    frac = _values("top_cited_papers", store, period="none", counting="fractional")
    assert frac["CN"] == pytest.approx(2.0)


def test_ai_papers_use_the_harvested_union_else_the_sum(store: Store) -> None:
    t = CAT.evaluate("ai_papers", store, by="country", period="year")
    got = {(r["period"], r["group"]): r["value"] for r in t.to_pylist()}
    assert got[("2024", "CN")] == 44  # the union, not 40 + 6
    assert got[("2023", "CN")] == 40  # no union harvested: the sum, an upper bound
    assert ("2024", "HK") not in got and got[("2024", "US")] == 30
    m = CAT.evaluate("ai_papers", store, by="country", period="year", china="mainland")
    mg = {(r["period"], r["group"]): r["value"] for r in m.to_pylist()}
    assert mg[("2024", "CN")] == 40 and mg[("2024", "HK")] == 6
    share = CAT.evaluate("ai_papers_share", store, by="country", period="year").to_pylist()
    share = {(r["period"], r["group"]): r["value"] for r in share}
    assert share[("2024", "CN")] == pytest.approx(0.44)
    assert share[("2023", "CN")] == pytest.approx(40 / 90)
    # sectors: the sum of the two countries' exact counts
    assert _values("ai_papers", store, period="none", segment="company")["CN"] == 9
    # no union for the world total (by=none is unchanged)
    none = CAT.evaluate("ai_papers", store, by="none", period="year").to_pylist()
    assert {r["period"]: r["value"] for r in none} == {"2023": 90, "2024": 100}


def test_coauthorship_with_hong_kong(store: Store) -> None:
    t = CAT.evaluate("coauthored_share", store, by="country", period="year")
    got = {(r["period"], r["group"]): r["value"] for r in t.to_pylist()}
    assert got[("2024", "US")] == pytest.approx(5 / 30)
    assert got[("2024", "CN")] == pytest.approx(5 / 44)
    m = CAT.evaluate("coauthored_share", store, by="country", period="year", china="mainland")
    mg = {(r["period"], r["group"]): r["value"] for r in m.to_pylist()}
    assert mg[("2024", "CN")] == pytest.approx(4 / 40)
    papers = CAT.evaluate("coauthored_papers", store, by="none", period="none").to_pylist()
    assert papers[0]["value"] == 5


def test_every_us_china_metric_has_the_china_option() -> None:
    for name in (
        "hub_downloads",
        "hub_download_share",
        "hub_likes",
        "hub_models",
        "hub_derivatives",
        "hub_derivative_share",
        "hub_datasets",
        "code_repos",
        "code_stars",
        "code_star_share",
        "code_linked_releases",
        "ai_papers",
        "ai_papers_share",
        "academia_industry_share",
        "coauthored_share",
        "coauthored_papers",
        "top_cited_papers",
        "top_cited_share",
        "capability_lag",
        "capability_lag_pooled",
        "capability_gap",
        "open_releases",
        "releases",
    ):
        d = CAT.get(name).describe()
        assert "china" in {o["name"] for o in d["options"]}, name
        assert any(
            "China incl. Hong Kong" in c or "China including Hong Kong" in c for c in d["caveats"]
        ), name


def test_every_us_china_claim_has_a_mainland_alternative() -> None:
    for c in load_claims():
        if "CN" in (c.a, c.b) and c.by == "country":
            labels = [a.label for a in c.alternatives if a.options.get("china") == "mainland"]
            assert labels == ["mainland China alone (Hong Kong organisations apart)"], c.id
