"""Headlines that know the coverage: periods past a source's coverage date are said to be
incomplete by the claims and the Releases section."""

from __future__ import annotations

import datetime as dt

from openrace.claims.check import ClaimChecker
from openrace.claims.model import Claim
from openrace.queries.coverage import is_partial, period_end, quarter_completeness, source_coverage
from tests.metrics.minidata import build_store


def test_period_end_and_partial():
    assert period_end("2025") == dt.date(2025, 12, 31)
    assert period_end("2025Q1") == dt.date(2025, 3, 31)
    assert period_end("2025Q4") == dt.date(2025, 12, 31)
    assert period_end("2024-02") == dt.date(2024, 2, 29)
    assert period_end("2024Q4–2025Q3") == dt.date(2025, 9, 30)
    assert period_end("latest") is None
    assert is_partial("2026Q2", dt.date(2026, 4, 24))
    assert not is_partial("2026Q1", dt.date(2026, 4, 24))
    assert not is_partial("2026Q2", None)


def _claim(**kw) -> Claim:
    base = {"id": "x", "text": "x", "test": "compare", "metric": "open_releases",
            "by": "country", "period": "year", "a": "CN", "b": "US"}
    return Claim.model_validate({**base, **kw})


def test_claims_say_when_they_read_past_the_coverage():
    s = build_store()
    newest = s.dicts("SELECT max(created) AS d FROM artifacts WHERE kind = 'release'")[0]["d"]
    checker = ClaimChecker(s)
    latest = checker.check(_claim(at="latest")).stated
    assert latest.values["data_through"] == newest.date().isoformat()
    year = str(newest.year)
    if newest.date() < dt.date(newest.year, 12, 31):
        assert f"{year} is not complete" in latest.evidence
        assert latest.values["partial"] == year
    rolling = checker.check(_claim(at="latest", window="rolling")).stated
    assert "is not complete" in rolling.evidence or rolling.verdict == "insufficient data"
    older = checker.check(_claim(at=str(newest.year - 1))).stated
    assert "not complete" not in older.evidence


def test_quarter_completeness_and_source_coverage():
    s = build_store()
    rows = quarter_completeness(s)
    assert 1 <= len(rows) <= 4
    assert rows[-1]["partial"] == is_partial(rows[-1]["period"], rows[-1]["registry_through"])
    assert all(r["registry_share_of_epoch"] is None for r in rows)  # no Epoch data
    cov = {c["source"]: c["through"] for c in source_coverage(s)}
    assert cov["registry"] == rows[-1]["registry_through"]
