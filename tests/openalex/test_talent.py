"""Talent and collaboration: the academia–industry co-authored share on a hand-built store,
and the bundled claim "in the US, academia–industry co-authorship is falling" reaching each
verdict."""

from __future__ import annotations

from datetime import datetime

import pytest

from openrace.claims import check_claims, load_claims
from openrace.claims.check import CONTRADICTED, INSUFFICIENT, SUPPORTED
from openrace.metrics.catalogue import load_catalogue
from openrace.store import Store

CAT = load_catalogue()
CLAIM = "us-academia-industry-coauthorship-falling"
YEARS = range(2015, 2026)


def store_with(us_both: dict[int, int], us_all: int = 1000, run_id: int = 1) -> Store:
    """Aggregates as the harvester writes them: the US's AI works (all) and those with a US
    university and a US company (academia-industry), per year; China as a bystander."""
    s = Store(":memory:")
    rows = [
        (c, seg, v, y)
        for y in YEARS
        for c, seg, v in (
            ("US", "all", us_all),
            ("US", "academia-industry", us_both.get(y, 0)),
            ("CN", "all", 2000),
            ("CN", "academia-industry", 100),
            ("all", "all", 5000),
        )
    ]
    s.append(
        "aggregates",
        [
            {
                "source": "openalex",
                "measure": "ai_works",
                "period": str(y),
                "country": c,
                "segment": seg,
                "value": float(v),
                "observed_at": datetime(2025, 12, 1),
                "run_id": run_id,
            }
            for c, seg, v, y in rows
        ],
    )
    return s


def result(s: Store):  # type: ignore[no-untyped-def]
    claim = next(c for c in load_claims() if c.id == CLAIM)
    return check_claims(s, [claim])[0]


def test_share_is_both_over_all_per_country_and_year() -> None:
    s = store_with({y: 300 - 10 * (y - 2015) for y in YEARS})
    got = {
        (r["period"], r["group"]): r["value"]
        for r in CAT.evaluate("academia_industry_share", s).to_pylist()
    }
    assert got[("2015", "US")] == pytest.approx(0.3)
    assert got[("2024", "US")] == pytest.approx(0.21)
    assert got[("2024", "CN")] == pytest.approx(0.05)
    assert ("2024", "all") not in got
    s.close()


def test_falling_is_supported() -> None:
    s = store_with({y: 300 - 10 * (y - 2015) for y in YEARS})
    r = result(s)
    # 2019 -> 2024 (the year before the latest): 26% -> 21%
    assert r.verdict == SUPPORTED
    assert r.stated.evidence == "2019 → 2024: US 26% → 21%"
    assert r.robustness == "robust"
    s.close()


def test_rising_is_contradicted() -> None:
    s = store_with({y: 100 + 10 * (y - 2015) for y in YEARS})
    assert result(s).verdict == CONTRADICTED
    s.close()


def test_depends_on_the_start_year() -> None:
    # falls from 2015 to 2019, rises since
    s = store_with(
        {y: (300 - 40 * (y - 2015)) if y <= 2019 else 140 + 20 * (y - 2019) for y in YEARS}
    )
    r = result(s)
    assert r.verdict == CONTRADICTED  # 2019: 14% -> 2024: 24%
    from_2015 = next(a for a in r.alternatives if a.label.startswith("from 2015"))
    assert from_2015.verdict == SUPPORTED  # 2015: 30% -> 2024: 24%
    assert r.robustness == "depends on definition"
    s.close()


def test_without_the_sectors_part_it_is_insufficient() -> None:
    s = Store(":memory:")
    r = result(s)
    assert r.verdict == INSUFFICIENT
    s.close()
