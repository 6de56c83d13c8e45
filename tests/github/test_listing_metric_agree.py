"""The listing (`openrace code repos`) and the code metrics share one country rule and one
"latest observation" (openrace.rules.observation): same country, same latest value."""

from __future__ import annotations

from collections import Counter

import pytest

from openrace.queries.github import repos
from openrace.store import Store
from tests.github.test_metrics_code import _table, cstore  # noqa: F401


@pytest.mark.parametrize("rule", ["owner", "location"])
def test_listing_and_metric_agree_on_country(cstore: Store, rule: str) -> None:  # noqa: F811
    listed = repos(cstore, country_rule=rule, limit=0).to_pylist()
    # whole counting: a repository counts once for each of its countries
    by_listing = Counter(
        c for r in listed if not r["fork"] for c in (r["countries"] or "XX").split(";")
    )
    metric = _table(cstore, "code_repos", by="country", period="none", country_rule=rule)
    assert {k[0]: v for k, v in metric.items()} == dict(by_listing)


def test_listing_and_metric_agree_on_latest(cstore: Store) -> None:  # noqa: F811
    listed = repos(cstore, limit=0).to_pylist()
    stars = _table(cstore, "code_stars", by="none", period="none")  # both leave out forks
    assert sum(r["stars"] for r in listed) == stars[("all",)]
