"""The crossover detector on edge cases: ties, dips, no crossing, gaps, short runs."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrace.errors import UsageError
from openrace.metrics.catalogue import load_catalogue
from openrace.metrics.crossover import detect, detect_in, fill_periods
from openrace.store import Store


def test_simple_crossing() -> None:
    r = detect({"2022": 1, "2023": 3, "2024": 5}, {"2022": 2, "2023": 2, "2024": 2}, a="CN", b="US")
    assert r.status == "crossed" and r.period == "2023" and r.crossed
    assert "CN caught up with US in 2023" in r.describe()


def test_tie_counts_as_matching_unless_disabled() -> None:
    a = {"2022": 1, "2023": 2, "2024": 3}
    b = {"2022": 2, "2023": 2, "2024": 2}
    assert detect(a, b).period == "2023"
    assert detect(a, b, ties=False).period == "2024"


def test_zero_zero_tie_is_not_ahead() -> None:
    r = detect({"2022": 0, "2023": 1}, {"2022": 0, "2023": 0})
    assert r.status == "crossed" and r.period == "2023"


def test_dip_needs_n_consecutive_periods() -> None:
    a = {"2020": 1, "2021": 3, "2022": 1, "2023": 3, "2024": 4}
    b = {"2020": 2, "2021": 2, "2022": 2, "2023": 2, "2024": 2}
    assert detect(a, b, n=1).period == "2021"
    r = detect(a, b, n=2)
    assert r.status == "crossed" and r.period == "2023"


def test_until_end_ignores_earlier_runs_that_ended() -> None:
    a = {"2020": 1, "2021": 3, "2022": 3, "2023": 1, "2024": 4, "2025": 5}
    b = dict.fromkeys(a, 2)
    assert detect(a, b, n=2).period == "2021"
    assert detect(a, b, n=2, until_end=True).period == "2024"


def test_no_crossing() -> None:
    r = detect({"2022": 1, "2023": 1}, {"2022": 2, "2023": 3})
    assert r.status == "never" and r.period is None and not r.crossed


def test_ahead_from_start() -> None:
    r = detect({"2022": 5, "2023": 5}, {"2022": 1, "2023": 1}, n=2)
    assert r.status == "ahead_from_start" and r.period == "2022"


def test_tentative_when_run_too_short_at_the_end() -> None:
    r = detect({"2022": 1, "2023": 1, "2024": 9}, {"2022": 2, "2023": 2, "2024": 2}, n=2)
    assert r.status == "tentative" and r.period == "2024"


def test_missing_periods_count_as_zero() -> None:
    # B has nothing in 2023: A's 1 beats B's 0 in that gap year.
    r = detect({"2022": 1, "2023": 1, "2024": 1}, {"2022": 2, "2024": 2}, n=1)
    assert r.status == "crossed" and r.period == "2023"
    assert [p for p, *_ in r.series] == ["2022", "2023", "2024"]


def test_no_data() -> None:
    assert detect({}, {}).status == "no_data"
    with pytest.raises(UsageError):
        detect({"2022": 1}, {"2022": 1}, n=0)


def test_fill_periods() -> None:
    assert fill_periods(["2024Q3", "2025Q1"]) == ["2024Q3", "2024Q4", "2025Q1"]
    assert fill_periods(["2024-11", "2025-02"]) == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert fill_periods(["2020", "2023"]) == ["2020", "2021", "2022", "2023"]
    assert fill_periods([]) == []


def test_detect_in_metric_table(mini: Store) -> None:
    t = load_catalogue().evaluate("open_releases", mini, period="year")
    r = detect_in(t, "CN", "US", n=1, until_end=True)
    # 2022 1-1, 2023 1-1, 2024 1-2, 2025 2-0
    assert r.status == "crossed" and r.period == "2025"
    assert detect_in(t, "CN", "US", n=2).status == "ahead_from_start"
    with pytest.raises(UsageError):
        detect_in(pa.table({"group": ["CN"], "value": [1.0]}), "CN", "US")


@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=12),
    st.integers(1, 4),
)
def test_crossover_period_starts_a_run_of_n(pairs: list[tuple[int, int]], n: int) -> None:
    a = {str(2000 + i): x for i, (x, _) in enumerate(pairs)}
    b = {str(2000 + i): y for i, (_, y) in enumerate(pairs)}
    r = detect(a, b, n=n)
    if r.status in ("crossed", "ahead_from_start"):
        i = int(r.period) - 2000  # type: ignore[arg-type]
        window = pairs[i : i + n]
        assert len(window) == n
        assert all(x > y or (x == y and x > 0) for x, y in window)
        if r.status == "crossed":
            x, y = pairs[i - 1]
            assert not (x > y or (x == y and x > 0))


def test_periods_ending() -> None:
    from openrace.metrics.crossover import periods_ending

    assert periods_ending("2025Q1", 4) == ["2024Q2", "2024Q3", "2024Q4", "2025Q1"]
    assert periods_ending("2025-02", 3) == ["2024-12", "2025-01", "2025-02"]
    assert periods_ending("2025", 2) == ["2024", "2025"]
