"""Claims: loading (with file:line errors), each test reaching each verdict, robustness."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from openrace.claims import (
    CONTRADICTED,
    DEPENDS,
    INSUFFICIENT,
    ROBUST,
    SUPPORTED,
    UNTESTED,
    ClaimsFileError,
    check_claims,
    load_claims,
)
from openrace.claims.model import Claim
from openrace.store import Store
from tests.metrics.minidata import ORGS, RELEASES, build_store

RELEASE_CLAIMS = ("cn-more-open-releases-2025", "us-open-share-fell-cn-rose")


def _numbers(values: dict) -> dict:  # type: ignore[type-arg]
    """A definition's numbers without the coverage notes (tested in test_coverage.py)."""
    return {k: v for k, v in values.items() if k not in ("data_through", "partial")}


def claim(**fields) -> Claim:  # type: ignore[no-untyped-def]
    """A claim from keyword fields."""
    base = {"id": "c", "text": "a claim", "a": "CN", "b": "US", "by": "country"}
    return Claim.model_validate({**base, **fields})


def one(store: Store, c: Claim):  # type: ignore[no-untyped-def]
    return check_claims(store, [c])[0]


# -- the bundled claims ---------------------------------------------------------------------


def test_bundled_claims_load_and_cover_the_debate() -> None:
    claims = load_claims()
    ids = [c.id for c in claims]
    assert len(claims) >= 6
    for cid in (
        *RELEASE_CLAIMS,
        "cn-overtook-us-downloads-2025",
        "most-derivatives-build-on-cn-roots-2025",
        "cn-companies-more-top-cited-papers",
        "cn-more-ai-papers",
    ):
        assert cid in ids
    for c in claims:
        assert c.alternatives, f"{c.id} lists no alternative definitions"


def test_every_bundled_claim_says_who_made_it() -> None:
    for c in load_claims():
        assert c.said_by, f"{c.id} does not say who made it"
        for who in c.said_by:
            assert who.who and who.where and who.when and who.note, c.id
            assert who.link and who.link.startswith("https://"), c.id
    # the seeds' claims (the capability claims cite Epoch AI and the AI Index instead)
    seeds = [c for c in load_claims() if c.id != "cn-more-ai-papers" and c.chart != "capability"]
    assert len(seeds) >= 7
    assert all("Konwinski" in c.said_by[0].who and "Cerebral Valley" in c.said_by[0].where
               and c.said_by[0].when == "2025-11" for c in seeds)
    papers = next(c for c in load_claims() if c.id == "cn-more-ai-papers")
    assert "Brookings" in papers.said_by[0].who


def test_said_by_is_checked(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("- id: x\n  text: t\n  test: share\n  metric: open_releases\n  a: CN\n"
                 "  at: latest\n  said_by:\n    - who: Someone\n      link: javascript:x\n",
                 encoding="utf-8")
    with pytest.raises(ClaimsFileError, match="link"):
        load_claims(p)
    p.write_text("- id: x\n  text: t\n  test: share\n  metric: open_releases\n  a: CN\n"
                 "  at: latest\n  said_by:\n    - who: Someone\n      when: 2025\n",
                 encoding="utf-8")
    assert load_claims(p)[0].said_by[0].text() == "Someone, 2025"


def test_bundled_release_claims_decided_others_insufficient(mini: Store) -> None:
    results = {r.claim.id: r for r in check_claims(mini)}
    first = results["cn-more-open-releases-2025"]
    assert first.verdict == SUPPORTED
    # the mini registry's newest release is of 2025-10-01: 2025 is said to be incomplete
    assert first.stated.evidence == ("CN 2 > US 0 in 2025 (data through 2025-10-01: 2025 is "
                                     "not complete, the latest figures may rise)")
    assert first.robustness == ROBUST
    trend = results["us-open-share-fell-cn-rose"]
    # US 50% -> 0% (fell) but China 100% -> 100% (did not rise)
    assert trend.verdict == CONTRADICTED
    assert "US 50% → 0%" in trend.stated.evidence
    # the hand-built store holds no Hub or OpenAlex data: those claims cannot be decided
    for cid, r in results.items():
        if cid not in RELEASE_CLAIMS:
            assert r.verdict == INSUFFICIENT, cid
            assert r.robustness == INSUFFICIENT
            assert "not in the metrics catalogue" in r.stated.evidence or (
                "no " in r.stated.evidence and "run `openrace update" in r.stated.evidence
            )


def test_bundled_claims_on_an_empty_store_are_all_insufficient(store: Store) -> None:
    for r in check_claims(store):
        assert r.verdict == INSUFFICIENT
        assert r.stated.evidence  # says why
        assert all(a.verdict == INSUFFICIENT for a in r.alternatives)


# -- compare ----------------------------------------------------------------------------------


def test_compare_supported_contradicted_insufficient(mini: Store) -> None:
    c = claim(test="compare", metric="open_releases", period="year", at="2025")
    assert one(mini, c).verdict == SUPPORTED
    assert one(mini, c.model_copy(update={"at": "2024"})).verdict == CONTRADICTED  # 1 < 2
    r = one(mini, c.model_copy(update={"at": "2019"}))
    assert r.verdict == INSUFFICIENT and "no data for 2019" in r.stated.evidence
    r = one(mini, c.model_copy(update={"a": "DE", "b": "JP"}))
    assert r.verdict == INSUFFICIENT and "neither DE nor JP" in r.stated.evidence


def test_compare_latest_and_previous(mini: Store) -> None:
    c = claim(test="compare", metric="open_releases", period="year", at="latest")
    r = one(mini, c)
    assert r.verdict == SUPPORTED and r.stated.values["period"] == "2025"
    r = one(mini, c.model_copy(update={"at": "previous"}))
    assert r.verdict == CONTRADICTED and r.stated.values["period"] == "2024"


def test_unknown_metric_is_insufficient(mini: Store) -> None:
    r = one(mini, claim(test="compare", metric="no_such_metric", at="2025"))
    assert r.verdict == INSUFFICIENT and "not in the metrics catalogue" in r.stated.evidence


# -- trend ------------------------------------------------------------------------------------


def test_trend_verdicts(mini: Store) -> None:
    # US share 2022 50% -> 2025 0% (down); CN 2022 100% -> 2024 50% (down)
    c = claim(
        test="trend",
        metric="open_share",
        period="year",
        start="2022",
        end="2024",
        a="US",
        a_change="up",
        b="CN",
        b_change="down",
    )
    assert one(mini, c).verdict == SUPPORTED  # US 50% -> 100%, CN 100% -> 50%
    c2 = c.model_copy(update={"a_change": "down"})
    assert one(mini, c2).verdict == CONTRADICTED
    c3 = c.model_copy(update={"a": "FR"})  # FR has no share in 2022: a ratio is missing
    r = one(mini, c3)
    assert r.verdict == INSUFFICIENT and "FR has no value in 2022" in r.stated.evidence


def test_trend_on_counts_reads_missing_as_zero(mini: Store) -> None:
    c = claim(
        test="trend",
        metric="open_releases",
        period="year",
        start="2024",
        end="2025",
        a="US",
        a_change="down",
        b="CN",
        b_change="up",
    )
    r = one(mini, c)  # US 2 -> 0, CN 1 -> 2
    assert r.verdict == SUPPORTED
    assert _numbers(r.stated.values) == {"start": "2024", "end": "2025", "US": [2.0, 0.0],
                                         "CN": [1.0, 2.0]}


# -- crossover --------------------------------------------------------------------------------


def test_crossover_verdicts(mini: Store) -> None:
    # yearly open releases CN vs US: 1-1, 1-1, 1-2, 2-0
    c = claim(test="crossover", metric="open_releases", period="year", within="2025", n=1)
    r = one(mini, c)
    # CN matched the US from 2022: no crossing in 2025 (it was level before)
    assert r.verdict == CONTRADICTED
    assert r.stated.values["status"] == "ahead_from_start"
    # per quarter CN draws level with the US in 2024Q4 (1-1) and leads 2025Q1-Q2:
    # the crossing is in 2024, not during 2025
    q = claim(test="crossover", metric="open_releases", period="quarter", within="2025", n=2)
    rq = one(mini, q)
    assert rq.verdict == CONTRADICTED
    assert rq.stated.values["status"] == "crossed" and rq.stated.values["period"] == "2024Q4"
    late = build_store(
        [
            ("u1", ["us-a"], datetime(2024, 1, 1), "open-weights", "osi"),
            ("u2", ["us-a"], datetime(2024, 6, 1), "open-weights", "osi"),
            ("c1", ["cn-a"], datetime(2025, 1, 1), "open-weights", "osi"),
            ("c2", ["cn-a"], datetime(2026, 1, 1), "open-weights", "osi"),
        ]
    )
    r = one(late, c.model_copy(update={"n": 2}))
    assert r.verdict == SUPPORTED and r.stated.values["period"] == "2025"
    r = one(late, c.model_copy(update={"n": 3}))
    assert r.verdict == INSUFFICIENT and "fewer than 3" in r.stated.evidence
    r = one(late, c.model_copy(update={"within": "2030"}))
    assert r.verdict == INSUFFICIENT and "no data in 2030" in r.stated.evidence


# -- share ------------------------------------------------------------------------------------


def test_share_majority_and_largest(mini: Store) -> None:
    # 2025 open releases: CN 2, FR 1 -> CN 67%
    c = claim(test="share", metric="open_releases", period="year", at="2025", threshold=0.5)
    r = one(mini, c)
    assert r.verdict == SUPPORTED and r.stated.values["share"] == pytest.approx(2 / 3)
    assert one(mini, c.model_copy(update={"threshold": 0.7})).verdict == CONTRADICTED
    largest = c.model_copy(update={"threshold": None, "at": "2024"})
    assert one(mini, largest).verdict == CONTRADICTED  # US 2 > CN 1 in 2024
    r = one(mini, claim(test="share", metric="open_share", at="2025", threshold=0.5))
    assert r.verdict == INSUFFICIENT  # shares of a ratio do not add up


# -- robustness -------------------------------------------------------------------------------


def test_robustness_depends_on_definition() -> None:
    # A joint US-Chinese release plus one Chinese and one US-owned UK release in 2025:
    # owner rule: CN 2 = US 2 (whole) -> contradicted; location rule: CN 2 > US 1 -> supported
    s = build_store(
        [
            ("j", ["us-a", "cn-b"], datetime(2025, 3, 1), "open-weights", "osi"),
            ("c", ["cn-a"], datetime(2025, 4, 1), "open-weights", "osi"),
            ("u", ["uk-sub"], datetime(2025, 5, 1), "open-weights", "osi"),
        ],
        ORGS,
    )
    c = claim(
        test="compare",
        metric="open_releases",
        period="year",
        at="2025",
        alternatives=[
            {"label": "location", "options": {"country_rule": "location"}},
            {"label": "fractional", "options": {"counting": "fractional"}},
            {"label": "downloads", "metric": "no_such_metric"},
        ],
    )
    r = one(s, c)
    assert r.verdict == CONTRADICTED
    verdicts = {a.label: a.verdict for a in r.alternatives}
    assert verdicts == {
        "location": SUPPORTED,
        "fractional": CONTRADICTED,
        "downloads": INSUFFICIENT,
    }
    assert r.robustness == DEPENDS
    assert r.robustness_detail == ("same verdict under 1 of 2 decidable alternatives; 1 lack data")
    d = r.to_dict()
    assert d["robustness"] == DEPENDS and len(d["alternatives"]) == 3


def test_robust_and_untested(mini: Store) -> None:
    c = claim(
        test="compare",
        metric="open_releases",
        period="year",
        at="2025",
        alternatives=[{"label": "x", "metric": "no_such_metric"}],
    )
    assert one(mini, c).robustness == UNTESTED
    c = claim(
        test="compare",
        metric="open_releases",
        period="year",
        at="2025",
        alternatives=[
            {"label": "rolling", "window": "rolling"},
            {"label": "all", "metric": "releases", "where": {"access": "*"}},
            {"label": "open", "metric": "releases", "where": {"access": "open"}},
        ],
    )
    r = one(mini, c)
    assert r.robustness == ROBUST
    assert [a.evidence.split(" (data through")[0] for a in r.alternatives] == [
        "CN 2 > US 0 in the four quarters 2025Q1–2025Q4",
        "CN 2 > US 1 in 2025",
        "CN 2 > US 0 in 2025",
    ]


def test_alternative_with_unknown_option_is_insufficient(mini: Store) -> None:
    c = claim(
        test="compare",
        metric="open_releases",
        period="year",
        at="2025",
        alternatives=[
            {"label": "q", "options": {"include_quantized": "no"}},
            {"label": "bad", "options": {"counting": "half"}},
            {"label": "dim", "where": {"colour": "red"}},
        ],
    )
    r = one(mini, c)
    assert [a.verdict for a in r.alternatives] == [INSUFFICIENT] * 3


# -- malformed files --------------------------------------------------------------------------


def test_malformed_claims_file_gives_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "claims.yaml"
    p.write_text(
        "- id: ok-claim\n"
        "  text: fine\n"
        "  test: compare\n"
        "  metric: open_releases\n"
        "  a: CN\n"
        "  b: US\n"
        "  at: 2025\n"
        "- id: Bad Id\n"
        "  text: broken\n"
        "  test: guess\n"
        "  metric: open_releases\n"
        "  a: CN\n"
        "  colour: red\n"
        "  alternatives:\n"
        "    - label: x\n"
        "      window: sideways\n",
        encoding="utf-8",
    )
    with pytest.raises(ClaimsFileError) as exc:
        load_claims(p)
    text = "\n".join(exc.value.problems)
    assert f"{p}:8: id: String should match pattern" in text
    assert f"{p}:10: test:" in text
    assert f"{p}:13: colour: unknown field" in text
    assert f"{p}:16: alternatives.0.window:" in text


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("- id: x\n  text: [unclosed\n", encoding="utf-8")
    with pytest.raises(ClaimsFileError, match=r"c\.yaml:\d+: invalid YAML"):
        load_claims(p)
    with pytest.raises(ClaimsFileError, match="cannot read file"):
        load_claims(tmp_path / "missing.yaml")
    p.write_text("claims: 3\n", encoding="utf-8")
    with pytest.raises(ClaimsFileError, match="expected a list"):
        load_claims(p)


def test_incomplete_claims_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(
        "- id: a\n  text: t\n  test: compare\n  metric: m\n  a: CN\n  b: US\n"
        "- id: a\n  text: t\n  test: trend\n  metric: m\n  a: CN\n  b: US\n  at: 2025\n",
        encoding="utf-8",
    )
    with pytest.raises(ClaimsFileError) as exc:
        load_claims(p)
    text = "\n".join(exc.value.problems)
    assert f"{p}:1: a compare test needs at" in text
    assert f"{p}:7: a trend test needs start" in text


def test_user_claims_file_round_trip(tmp_path: Path) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text(
        "claims:\n"
        "  - id: fr-beats-us\n"
        "    text: France released more open models than the US in 2025.\n"
        "    test: compare\n"
        "    metric: open_releases\n"
        "    a: FR\n"
        "    b: US\n"
        "    at: 2025\n",
        encoding="utf-8",
    )
    claims = load_claims(p)
    s = build_store(RELEASES)
    r = check_claims(s, claims)[0]
    assert r.verdict == SUPPORTED and r.stated.evidence.startswith("FR 1 > US 0 in 2025")


def test_crossover_history_starting_inside_the_window_is_insufficient() -> None:
    s = build_store(
        [
            ("c1", ["cn-a"], datetime(2025, 1, 1), "open-weights", "osi"),
            ("c2", ["cn-a"], datetime(2025, 5, 1), "open-weights", "osi"),
            ("u1", ["us-a"], datetime(2025, 6, 1), "open-weights", "osi"),
        ]
    )
    c = claim(test="crossover", metric="open_releases", period="quarter", within="2025", n=1)
    r = one(s, c)
    assert r.verdict == INSUFFICIENT
    assert "does not reach back far enough" in r.stated.evidence


def test_switching_metric_drops_the_claims_own_options(mini: Store) -> None:
    # the claim's org_level option is dropped... only when the other metric lacks it
    c = claim(
        test="compare",
        metric="open_releases",
        period="year",
        at="2025",
        options={"counting": "fractional"},
        alternatives=[
            {"label": "licences", "metric": "release_licenses", "where": {"license_class": "osi"}},
            {"label": "explicit", "metric": "release_licenses", "options": {"downloads": "30d"}},
        ],
    )
    r = one(mini, c)
    assert r.alternatives[0].verdict == SUPPORTED  # CN 2 osi releases in 2025, US 0
    assert "counting=fractional" in r.alternatives[0].query
    assert r.alternatives[1].verdict == INSUFFICIENT  # an option the alternative asked for


def test_bundled_hub_claims_are_decided_with_hub_data(mini: Store) -> None:
    from openrace.metrics.catalogue import load_catalogue
    from tests.metrics.minidata import add_hub_and_papers

    if "hub_derivatives" not in load_catalogue():
        pytest.skip("the Hub metrics are not in this catalogue")
    add_hub_and_papers(mini)
    results = {r.claim.id: r for r in check_claims(mini)}
    share = results["most-derivatives-build-on-cn-roots-2025"]
    assert share.verdict in (SUPPORTED, CONTRADICTED)
    assert "of the total" in share.stated.evidence
    assert any(a.verdict != INSUFFICIENT for a in share.alternatives)
    first = results["cn-more-open-releases-2025"]
    hub_alts = [a for a in first.alternatives if a.metric.startswith("hub_")]
    assert hub_alts and all(a.verdict != INSUFFICIENT for a in hub_alts)
    # downloads are only observed from 2025-06 on: whether China overtook the US during
    # 2025 cannot be seen when it already leads in the first harvest
    cross = results["cn-overtook-us-downloads-2025"]
    assert cross.verdict in (INSUFFICIENT, CONTRADICTED, SUPPORTED)
    assert cross.stated.evidence


def test_bundled_research_claims_are_decided_with_openalex_data(mini: Store) -> None:
    from openrace.metrics.catalogue import load_catalogue
    from tests.metrics.minidata import add_hub_and_papers

    cat = load_catalogue()
    if "ai_papers" not in cat or "top_cited_papers" not in cat:
        pytest.skip("the research metrics are not in this catalogue")
    add_hub_and_papers(mini)
    results = {r.claim.id: r for r in check_claims(mini)}
    papers = results["cn-more-ai-papers"]
    # latest year of the aggregates: 2024, CN 1,300 vs US 950
    assert papers.verdict == SUPPORTED
    assert papers.stated.evidence == "CN 1,300 > US 950 in 2024"
    previous = next(a for a in papers.alternatives if a.label.startswith("the year before"))
    assert previous.evidence == "CN 1,100 > US 900 in 2023"
    broad = next(a for a in papers.alternatives if "broader" in a.label)
    assert broad.verdict == INSUFFICIENT  # the broad selection was not harvested
    companies = results["cn-companies-more-top-cited-papers"]
    assert companies.verdict in (SUPPORTED, CONTRADICTED)
    assert companies.robustness in (ROBUST, DEPENDS)


def test_metric_without_periods_is_insufficient(mini: Store) -> None:
    r = one(
        mini, claim(test="compare", metric="leading_orgs", by="org", at="2025", a="cn-a", b="us-a")
    )
    assert r.verdict == INSUFFICIENT and "not measured per period" in r.stated.evidence


def test_release_claims_link_to_charts_the_report_draws(registry_store: Store) -> None:
    from openrace.report.context import ReportContext
    from openrace.report.sections import section_builder

    build = section_builder("releases")
    if build is None:
        pytest.skip("no releases section in this report")
    names = {c.name for c in build(ReportContext(registry_store)).charts}
    for c in load_claims():
        if c.id in RELEASE_CLAIMS:
            assert c.chart in names, (c.id, c.chart, sorted(names))
