"""The capability metrics on crafted series with known frontiers, lags and gaps."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest

from openrace.errors import UsageError
from openrace.metrics.benchmarks import pooled_lag_interval
from openrace.metrics.catalogue import load_catalogue
from openrace.store import Store
from tests.capability.capdata import ACCESS_ROWS, D, add_results, months

CAT = load_catalogue()


@pytest.fixture
def crafted() -> Iterator[Store]:
    s = Store(":memory:")
    add_results(s, ACCESS_ROWS)
    yield s
    s.close()


def rows(table: pa.Table, **where: str) -> dict[tuple[str, ...], float | None]:
    """{(group, *dims): value} of the rows matching ``where``."""
    out = {}
    for r in table.to_pylist():
        if all(r.get(k) == v for k, v in where.items()):
            key = tuple(str(r[c]) for c in table.column_names if c not in ("value", *where))
            out[key] = r["value"]
    return out


def test_lag_per_benchmark_known_values(crafted: Store) -> None:
    t = CAT.evaluate("capability_lag", crafted, by="access")
    a = rows(t, group="open", benchmark="bench_a")
    # levels 0.50 (2023-01-01) and 0.70 (2023-07-01); the tie at 0.50 and the dip to 0.40
    # set no level; open reaches 0.50 on 2023-04-01 and never 0.70
    assert a[("levels",)] == 2 and a[("caught",)] == 1
    assert a[("median",)] == pytest.approx(months(D(2023, 1, 1), D(2023, 4, 1)))
    b = rows(t, group="open", benchmark="bench_b")
    # open led at 0.60 (negative lag), caught 0.80 four months later
    lags = [months(D(2023, 5, 1), D(2023, 2, 1)), months(D(2023, 9, 1), D(2024, 1, 1))]
    assert b[("min",)] == pytest.approx(min(lags)) and b[("max",)] == pytest.approx(max(lags))
    assert b[("median",)] == pytest.approx(sum(lags) / 2)
    # the closed group "trails" open's levels by negative months: it was there first
    c = rows(t, group="closed", benchmark="bench_a")
    assert c[("max",)] < 0 and c[("levels",)] == 3


def test_a_group_that_never_catches_up(crafted: Store) -> None:
    t = CAT.evaluate("capability_lag", crafted, by="access")
    sat = rows(t, group="open", benchmark="bench_sat")
    assert sat[("levels",)] == 1 and sat[("caught",)] == 0 and sat[("median",)] is None
    latest = CAT.evaluate("capability_lag", crafted, by="access", uncaught="as_latest")
    a = rows(latest, group="open", benchmark="bench_a")
    # 0.70 counted as reached at the benchmark's latest result (2024-06-01): a lower bound
    assert a[("caught",)] == 2
    assert a[("max",)] == pytest.approx(months(D(2023, 7, 1), D(2024, 6, 1)))


def test_tolerance(crafted: Store) -> None:
    t = CAT.evaluate("capability_lag", crafted, by="access", tolerance="0.02")
    a = rows(t, group="open", benchmark="bench_a")
    # 0.69 is within 2 % of 0.70
    assert a[("caught",)] == 2
    assert a[("max",)] == pytest.approx(months(D(2023, 7, 1), D(2024, 6, 1)))


def test_pooled_and_saturation(crafted: Store) -> None:
    t = CAT.evaluate("capability_lag_pooled", crafted, by="access")
    p = rows(t, group="open")
    assert p[("levels",)] == 5 and p[("caught",)] == 3
    assert p[("median",)] == pytest.approx(months(D(2023, 1, 1), D(2023, 4, 1)))
    ex = rows(
        CAT.evaluate("capability_lag_pooled", crafted, by="access", saturated="exclude"),
        group="open",
    )
    assert ex[("levels",)] == 4  # bench_sat (best 0.95) left out


def test_lag_by_period_of_the_level(crafted: Store) -> None:
    t = CAT.evaluate("capability_lag_pooled", crafted, by="access", period="year")
    assert rows(t, group="open", stat="levels") == {("2023",): 5.0}
    closed = rows(t, group="closed", stat="levels")
    assert closed == {("2023",): 4.0, ("2024",): 2.0}


def test_country_groups_hong_kong_with_china(crafted: Store) -> None:
    t = CAT.evaluate("capability_lag", crafted, by="country")
    assert {r["group"] for r in t.to_pylist()} == {"US", "CN"}  # FR left out
    b = rows(t, group="CN", benchmark="bench_b")
    # the Hong Kong lab's 0.80 counts for China
    assert b[("caught",)] == 2


def test_frontier_step_line_and_gap(crafted: Store) -> None:
    f = CAT.evaluate("frontier", crafted, by="access", period="month")
    closed = rows(f, group="closed", benchmark="bench_a")
    assert closed == {
        ("2023-01",): 0.5,
        ("2023-02",): 0.5,
        ("2023-03",): 0.5,
        ("2023-04",): 0.5,
        ("2023-07",): 0.7,
        ("2024-06",): 0.7,
    }
    opened = rows(f, group="open", benchmark="bench_a")
    # from the group's first result on; the later, lower results do not lower it
    assert opened == {
        ("2023-02",): 0.45,
        ("2023-03",): 0.45,
        ("2023-04",): 0.5,
        ("2023-07",): 0.5,
        ("2024-06",): 0.69,
    }
    g = CAT.evaluate("capability_gap", crafted, by="access", period="month")
    gap = rows(g, group="open", benchmark="bench_a")
    assert gap[("2023-07",)] == pytest.approx(0.2) and gap[("2023-04",)] == pytest.approx(0.0)
    pct = CAT.evaluate("capability_gap", crafted, by="access", period="month", unit="percent")
    assert rows(pct, group="open", benchmark="bench_a")[("2023-07",)] == pytest.approx(
        100 * 0.2 / 0.7
    )
    yearly = rows(
        CAT.evaluate("frontier", crafted, by="access", period="year"),
        group="open",
        benchmark="bench_a",
    )
    assert yearly == {("2023",): 0.5, ("2024",): 0.69}


def test_evaluation_date_and_benchmark_choice(crafted: Store) -> None:
    s = Store(":memory:")
    add_results(s, ACCESS_ROWS, evaluated_offset_days=30)
    t = CAT.evaluate("capability_lag", s, by="access", date="evaluation")
    a = rows(t, group="open", benchmark="bench_a")
    assert a[("median",)] == pytest.approx(months(D(2023, 1, 31), D(2023, 5, 1)))
    assert CAT.evaluate("frontier", crafted, by="access", benchmarks="arena").num_rows == 0
    assert CAT.evaluate("frontier", crafted, by="access", benchmarks="epoch").num_rows > 0
    s.close()


def test_org_grouping_and_bad_grouping(crafted: Store) -> None:
    t = CAT.evaluate("capability_lag", crafted, by="org")
    assert "fr-lab" in {r["group"] for r in t.to_pylist()}
    with pytest.raises(UsageError):
        CAT.evaluate("capability_lag", crafted, by="sector")


def test_bootstrap_interval_is_seeded_and_brackets_the_median(crafted: Store) -> None:
    lv = CAT.evaluate("capability_lag_levels", crafted, by="access")
    r1 = pooled_lag_interval(lv, "open", n=500)
    r2 = pooled_lag_interval(lv, "open", n=500)
    assert r1 == r2  # seeded
    assert r1["levels"] == 3 and r1["benchmarks"] == 2
    assert r1["low"] <= r1["median"] <= r1["high"]
    assert pooled_lag_interval(lv, "nobody")["median"] is None


def test_no_results_no_data(store: Store) -> None:
    assert not CAT.has_data("capability_lag", store)
    assert CAT.evaluate("capability_lag", store, by="access").num_rows == 0


def test_mainland_china_alone_leaves_hong_kong_out(crafted: Store) -> None:
    t = CAT.evaluate("capability_lag", crafted, by="country", china="mainland")
    assert {r["group"] for r in t.to_pylist()} == {"US", "CN"}
    b = rows(t, group="CN", benchmark="bench_b")
    # the Hong Kong lab's 0.80 is no longer China's
    assert b[("caught",)] < 2
