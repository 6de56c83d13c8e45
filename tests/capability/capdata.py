"""Crafted benchmark results with known frontiers, lags and gaps, written into a store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from openrace.store import Store

#: registry organisations of the crafted results: id, country, owner_country
ORGS = [
    ("closed-us", "US", "US"),
    ("open-us", "US", "US"),
    ("open-cn", "CN", "CN"),
    ("open-hk", "HK", "HK"),
    ("closed-cn", "CN", "CN"),
    ("us-lab-in-cn", "CN", "US"),  # a US-owned lab located in China
    ("fr-lab", "FR", "FR"),
]

Row = tuple[str, str, float, date, str, str]


def months(a: date, b: date) -> float:
    """Months from a to b as the metrics count them (days / 30.4375)."""
    return (b - a).days / 30.4375


def add_results(
    store: Store,
    rows: Sequence[Row],
    *,
    source: str = "epoch-benchmarks",
    run_id: int = 1,
    evaluated_offset_days: int = 0,
) -> None:
    """Write results (model, benchmark, score, release date, access, org id)."""
    from datetime import timedelta

    orgs = {o[0]: o for o in ORGS}
    store.upsert(
        "organizations",
        [
            {
                "id": i,
                "name": i,
                "country": c,
                "owner_country": oc,
                "root_org": i,
                "sector": "industry",
                "source": "https://example.org",
            }
            for i, c, oc in ORGS
        ],
        ["id"],
    )
    now = datetime(2026, 1, 1)
    arts, attrs, obs = {}, [], []
    for model, bench, score, released, access, org in rows:
        aid = f"{source}:evaluated_model:{model}"
        if aid not in arts:
            arts[aid] = {
                "artifact_id": aid,
                "source": source,
                "kind": "evaluated_model",
                "source_id": model,
                "title": model,
                "created": datetime.combine(released, datetime.min.time()),
                "access": access,
                "first_seen": now,
                "last_seen": now,
            }
            attrs.append(
                {
                    "artifact_id": aid,
                    "org_id": org,
                    "country": orgs[org][1],
                    "weight": 1.0,
                    "method": "benchmark",
                    "detail": "test",
                }
            )
        evaluated = datetime.combine(
            released + timedelta(days=evaluated_offset_days), datetime.min.time()
        )
        obs.append(
            {
                "artifact_id": aid,
                "metric": f"score:{bench}",
                "value": score,
                "observed_at": evaluated,
                "run_id": run_id,
            }
        )
    store.upsert("artifacts", list(arts.values()), ["artifact_id"], keep=["first_seen"])
    store.replace_attributions(list(arts), ["benchmark"], attrs)
    store.append("observations", obs)


D = date
#: bench_a: closed sets 0.50 (2023-01-01) and 0.70 (2023-07-01, after a dip to 0.40 and a
#: tie at 0.50); open reaches 0.50 on 2023-04-01 and never 0.70 (0.69: within 2 %).
#: bench_b: open leads — it reaches 0.60 on 2023-02-01, closed only on 2023-05-01; closed
#: then sets 0.80 (2023-09-01), open ties it on 2024-01-01.
#: bench_sat: saturated (best 0.95).
ACCESS_ROWS: list[Row] = [
    ("c1", "bench_a", 0.50, D(2023, 1, 1), "api", "closed-us"),
    ("c1b", "bench_a", 0.50, D(2023, 2, 1), "api", "closed-us"),  # a tie: no new level
    ("c2", "bench_a", 0.40, D(2023, 3, 1), "api", "closed-us"),  # non-monotone: a dip
    ("c3", "bench_a", 0.70, D(2023, 7, 1), "unreleased", "closed-us"),
    ("o1", "bench_a", 0.45, D(2023, 2, 15), "open-weights", "open-us"),
    ("o2", "bench_a", 0.50, D(2023, 4, 1), "open-weights", "open-cn"),  # reaches 0.50 exactly
    ("o3", "bench_a", 0.69, D(2024, 6, 1), "open-weights", "open-cn"),  # never 0.70
    ("ob1", "bench_b", 0.60, D(2023, 2, 1), "open-weights", "open-cn"),
    ("cb1", "bench_b", 0.60, D(2023, 5, 1), "api", "closed-us"),
    ("cb2", "bench_b", 0.80, D(2023, 9, 1), "api", "closed-us"),
    ("ob2", "bench_b", 0.80, D(2024, 1, 1), "open-weights", "open-hk"),
    ("cs1", "bench_sat", 0.95, D(2023, 1, 1), "api", "closed-us"),
    ("os1", "bench_sat", 0.90, D(2023, 3, 1), "open-weights", "open-cn"),
    ("x1", "bench_a", 0.60, D(2023, 1, 1), "unknown", "fr-lab"),  # no access, no US/CN
]
