"""Code metrics on a hand-built store, and the Konwinski claim's verdicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from openrace.claims.check import CONTRADICTED, INSUFFICIENT, SUPPORTED, check_claims
from openrace.claims.loader import load_claims
from openrace.metrics.catalogue import load_catalogue
from openrace.store import Store
from tests.github.conftest import add_orgs

CLAIM = "us-code-falls-cn-code-rises"


def _repo(
    store: Store,
    rid: int,
    org: str,
    country: str,
    created: str,
    stars: list[float],
    *,
    tags: tuple[str, ...] = (),
    license_class: str = "osi",
    weight: float = 1.0,
    extra_org: tuple[str, str] | None = None,
) -> None:
    aid = f"github:repo:{rid}"
    now = datetime(2026, 1, 1)
    store.upsert(
        "artifacts",
        [
            {
                "artifact_id": aid,
                "source": "github",
                "kind": "repo",
                "source_id": str(rid),
                "title": f"{org}/r{rid}",
                "created": datetime.fromisoformat(created),
                "license_class": license_class,
                "tags": list(tags),
                "first_seen": now,
                "last_seen": now,
            }
        ],
        ["artifact_id"],
    )
    rows = [
        {
            "artifact_id": aid,
            "org_id": org,
            "country": country,
            "weight": weight,
            "method": "registry",
        }
    ]
    if extra_org:
        rows.append(
            {
                "artifact_id": aid,
                "org_id": extra_org[0],
                "country": extra_org[1],
                "weight": weight,
                "method": "registry",
            }
        )
    store.replace_attributions([aid], ["registry"], rows)
    for run, (month, value) in enumerate(zip((1, 2), stars, strict=False), start=1):
        store.append(
            "observations",
            [
                {
                    "artifact_id": aid,
                    "metric": "stars",
                    "value": value,
                    "observed_at": datetime(2026, month, 1),
                    "run_id": run,
                },
                {
                    "artifact_id": aid,
                    "metric": "forks",
                    "value": value / 10,
                    "observed_at": datetime(2026, month, 1),
                    "run_id": run,
                },
            ],
        )


@pytest.fixture
def cstore() -> Any:
    s = Store(":memory:")
    add_orgs(s)
    _repo(s, 1, "meta", "US", "2022-03-01", [100, 110])
    _repo(s, 2, "meta", "US", "2022-05-01", [50, 50], tags=("archived",))
    _repo(s, 3, "google", "US", "2022-07-01", [10, 10], license_class="unknown")
    _repo(s, 4, "meta", "US", "2025-01-01", [5, 5])
    _repo(s, 5, "deepseek", "CN", "2022-02-01", [1, 1])
    _repo(s, 6, "deepseek", "CN", "2025-02-01", [1000, 1300], license_class="unknown")
    _repo(s, 7, "qwen", "CN", "2025-03-01", [500, 700])
    _repo(s, 8, "msra", "CN", "2025-04-01", [20, 20])  # owner country US
    _repo(s, 9, "qwen", "CN", "2025-05-01", [9, 9], tags=("fork",))
    _repo(s, 10, "deepseek", "CN", "2025-06-01", [40, 40], weight=0.5, extra_org=("google", "US"))
    yield s
    s.close()


def _table(store: Store, name: str, **kw: str) -> dict[tuple[Any, ...], float]:
    t = load_catalogue().evaluate(name, store, **kw)
    keys = [c for c in t.column_names if c != "value"]
    return {tuple(r[k] for k in keys): r["value"] for r in t.to_pylist()}


def test_code_repos_by_year_and_options(cstore: Store) -> None:
    assert _table(cstore, "code_repos") == {
        ("2022", "CN"): 1,
        ("2022", "US"): 3,
        ("2025", "CN"): 3,
        ("2025", "US"): 3,
    }
    # repo 8 (msra, owner US) and repo 10 (deepseek + google): location rule
    assert _table(cstore, "code_repos", country_rule="location")[("2025", "CN")] == 4
    assert _table(cstore, "code_repos", counting="fractional")[("2025", "US")] == 2.5
    assert _table(cstore, "code_repos", forks="include")[("2025", "CN")] == 4
    assert _table(cstore, "code_repos", archived="exclude")[("2022", "US")] == 2
    by_org = _table(cstore, "code_repos", by="org", period="none")
    assert by_org[("deepseek",)] == 3 and by_org[("google",)] == 2


def test_code_stars_latest_by_creation_year(cstore: Store) -> None:
    stars = _table(cstore, "code_stars")
    assert stars[("2022", "US")] == 170 and stars[("2025", "CN")] == 2040
    forks = _table(cstore, "code_stars", measure="forks")
    assert forks[("2022", "US")] == pytest.approx(17.0)


def test_code_star_share_latest_and_per_snapshot(cstore: Store) -> None:
    latest = _table(cstore, "code_star_share", period="none")
    total = 110 + 50 + 10 + 5 + 1 + 1300 + 700 + 20 + 40
    # msra counts for its owner's country (US); repo 10 splits between CN and US
    assert latest[("CN",)] == pytest.approx((1 + 1300 + 700 + 40 / 2) / total)
    assert sum(latest.values()) == pytest.approx(1.0)
    monthly = _table(cstore, "code_star_share", period="month")
    assert set(p for p, _ in monthly) == {"2026-01", "2026-02"}


def test_code_licenses_classes(cstore: Store) -> None:
    lic = _table(cstore, "code_licenses", by="none")
    assert lic[("2022", "all", "unknown")] == 1 and lic[("2025", "all", "unknown")] == 1
    assert lic[("2025", "all", "osi")] == 4


def test_metrics_without_github_data_are_empty_not_failing(store: Store) -> None:
    cat = load_catalogue()
    for name in ("code_repos", "code_stars", "code_star_share", "code_licenses"):
        assert not cat.has_data(name, store)
        assert cat.evaluate(name, store).num_rows == 0


def _verdicts(store: Store) -> Any:
    claim = [c for c in load_claims() if c.id == CLAIM]
    return check_claims(store, claim)[0]


def test_claim_is_insufficient_without_data(store: Store) -> None:
    r = _verdicts(store)
    assert r.verdict == INSUFFICIENT and "openrace update github" in r.stated.evidence


def test_claim_supported_then_contradicted(cstore: Store) -> None:
    r = _verdicts(cstore)
    # US 3 -> 3 (new repos): not falling
    assert r.verdict == CONTRADICTED and "US 3 → 3" in r.stated.evidence
    alt = {a.label: a for a in r.alternatives}
    stars = alt["stars of the repositories created each year (latest harvest)"]
    assert stars.verdict == SUPPORTED  # US 170 -> 25, CN 1 -> 2040
    assert r.robustness == "depends on definition"
    _repo(cstore, 11, "meta", "US", "2022-09-01", [1, 1])
    _repo(cstore, 12, "meta", "US", "2022-10-01", [1, 1])
    cstore.con.execute("DELETE FROM attributions WHERE artifact_id = 'github:repo:4'")
    r = _verdicts(cstore)
    assert r.verdict == SUPPORTED


def test_releases_linked_to_their_repository(cstore: Store) -> None:
    now = datetime(2026, 1, 1)
    cstore.upsert(
        "artifacts",
        [
            {
                "artifact_id": f"registry:release:{i}",
                "source": "registry",
                "kind": "release",
                "source_id": str(i),
                "title": f"rel {i}",
                "created": datetime(2025, 1, 1),
                "url": url,
                "first_seen": now,
                "last_seen": now,
            }
            for i, url in (
                (1, "https://github.com/Qwen/r7/tree/main"),
                (2, "https://github.com/deepseek/R6"),
                (3, "https://example.org/qwen/r7"),
            )
        ],
        ["artifact_id"],
    )
    cstore.insert(
        "attributions",
        [
            {
                "artifact_id": f"registry:release:{i}",
                "org_id": org,
                "country": c,
                "weight": 1.0,
                "method": "registry",
            }
            for i, org, c in ((1, "qwen", "CN"), (2, "deepseek", "CN"), (3, "qwen", "CN"))
        ],
    )
    assert _table(cstore, "code_linked_releases") == {("2025", "CN"): 2}


def test_code_languages(cstore: Store) -> None:
    cstore.con.execute(
        "UPDATE artifacts SET tags = list_append(tags, 'language:Python') "
        "WHERE artifact_id IN ('github:repo:1', 'github:repo:6')"
    )
    cstore.con.execute(
        "UPDATE artifacts SET tags = ['language:C++'] WHERE artifact_id = 'github:repo:7'"
    )
    langs = _table(cstore, "code_languages", period="none")
    assert langs[("CN", "Python")] == 1 and langs[("CN", "C++")] == 1
    assert langs[("US", "Python")] == 1 and langs[("US", "none")] == 5  # msra, half of 10
