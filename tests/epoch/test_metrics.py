"""Release metrics over the registry and Epoch AI's rows: catalogue, Epoch lists, the China
group, and the claims' new alternatives."""

from __future__ import annotations

import pytest

from openrace.harvest.epoch import harvest
from openrace.metrics.catalogue import load_catalogue
from openrace.sources.epoch import EpochClient

CAT = load_catalogue()


def total(store, name: str = "releases", **opts: str) -> float:
    t = CAT.evaluate(name, store, by="none", period="none", **opts)
    return sum(r["value"] for r in t.to_pylist())


def by_country(store, name: str = "open_releases", **opts: str) -> dict[str, float]:
    t = CAT.evaluate(name, store, by="country", period="none", **opts)
    return {r["group"]: r["value"] for r in t.to_pylist()}


@pytest.fixture
def harvested(store, epoch_server):
    endpoint, _ = epoch_server
    res = harvest(store, EpochClient(endpoint=endpoint, sleep=lambda s: None))
    return store, res


def test_catalogues(harvested):
    store, res = harvested
    n_registry = store.sql(
        "SELECT count(*) AS n FROM artifacts WHERE source = 'registry' AND kind = 'release'"
    ).to_pylist()[0]["n"]
    assert total(store, catalogue="registry") == n_registry
    assert total(store, catalogue="epoch") == 9
    # the default: the registry, with Epoch filling what it lacks (a model in both once)
    assert res.covered_by_registry >= 1
    assert total(store) == n_registry + 9 - res.covered_by_registry
    assert total(store, catalogue="both") == total(store)
    assert total(store, "open_releases", catalogue="epoch") == 5


def test_epoch_lists(harvested):
    store, _ = harvested
    assert total(store, catalogue="epoch", epoch_list="large-scale") == 5
    assert total(store, catalogue="epoch", epoch_list="frontier") == 3
    assert total(store, catalogue="epoch", epoch_list="notable") == 9


def test_china_group_counts_hong_kong_by_default(harvested):
    store, _ = harvested
    with_hk = by_country(store, catalogue="epoch")
    mainland = by_country(store, catalogue="epoch", china="mainland")
    assert "HK" not in with_hk
    assert mainland["HK"] == 1
    assert with_hk["CN"] == mainland["CN"] + mainland["HK"]


def test_without_epoch_data_the_default_is_the_registry(store):
    assert total(store) == total(store, catalogue="registry")
    assert total(store, catalogue="epoch") == 0


def test_completeness_uses_epoch_as_the_reference(harvested):
    from openrace.queries.coverage import quarter_completeness

    store, _ = harvested
    rows = quarter_completeness(store, quarters=40)
    by_q = {r["period"]: r for r in rows}
    # Epoch's notable models of 2025Q4 (Mystery-1) are not in the registry
    assert by_q["2025Q4"]["epoch_notable"] >= 1
    assert by_q["2025Q4"]["registry_share_of_epoch"] is not None
    assert any(r["registry_share_of_epoch"] is not None for r in rows)
