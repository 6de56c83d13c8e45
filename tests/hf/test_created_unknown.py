"""Dates the Hub does not know, and children counted from the stored lineage: a complete
snapshot of a world where old repos carry the Hub's placeholder ``createdAt``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openrace.harvest.hf import HarvestOptions, HubHarvester, coverage_note
from openrace.metrics.catalogue import load_catalogue
from openrace.queries import hf as hub_listings
from openrace.report.context import ReportContext
from openrace.report.sections import diffusion
from openrace.store import Store
from tests.hf.conftest import fast_client, world_datasets, world_models
from tests.hf.fakehub import UNKNOWN_CREATED, FakeHub, FakeHubServer, MemoryCatalog, make_model

Q7 = "Qwen/Qwen2.5-7B"
#: the backfill's own pace: a second or two after the lowest placeholder
LATER_PLACEHOLDER = "2022-03-02T23:29:05.000Z"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory, bundled_registry  # type: ignore[no-untyped-def]
             ) -> Iterator[Store]:
    from openrace.registry import sync_registry

    s = Store(tmp_path_factory.mktemp("undated") / "u.duckdb")
    sync_registry(s, bundled_registry)
    old = [
        make_model("Qwen/old-base", UNKNOWN_CREATED, downloads=10),
        make_model("erin/old-ft", LATER_PLACEHOLDER, downloads=5, parents=[(Q7, "finetune")]),
        make_model("frank/old-ft2", UNKNOWN_CREATED, downloads=5, parents=[(Q7, "finetune")]),
    ]
    cat = MemoryCatalog([*world_models(), *old], world_datasets())
    with FakeHubServer(FakeHub(catalog=cat, max_page=4, default_page=4)) as srv:
        HubHarvester(s, fast_client(srv.url)).run(HarvestOptions())
    yield s
    s.close()


def _total(name: str, store: Store, **kw: str) -> float:
    return sum(r["value"] for r in load_catalogue().evaluate(name, store, **kw).to_pylist())


def test_the_placeholder_is_stored_as_an_unknown_date(snapshot: Store) -> None:
    got = dict(snapshot.con.execute(
        "SELECT source_id, date_precision FROM artifacts WHERE source = 'hf' AND created IS NULL"
    ).fetchall())
    assert got == {"Qwen/old-base": "unknown", "erin/old-ft": "unknown",
                   "frank/old-ft2": "unknown"}


def test_undated_repos_are_in_no_period_but_in_the_totals(snapshot: Store) -> None:
    by_month = load_catalogue().evaluate("hub_models", snapshot, period="month").to_pylist()
    assert not any(str(r["period"]).startswith("2022-03") for r in by_month)
    assert all(r["period"] is not None for r in by_month)
    undated = _total("hub_models", snapshot, period="none") - _total(
        "hub_models", snapshot, period="month")
    assert undated == 3
    assert _total("hub_derivatives", snapshot, period="none") - _total(
        "hub_derivatives", snapshot, period="month") == 2
    caveats = load_catalogue().get("hub_derivatives").caveats
    assert any("2022-03-02" in c for c in caveats)


def test_the_diffusion_section_states_the_undated_and_the_coverage(snapshot: Store) -> None:
    section = diffusion.build(ReportContext(store=snapshot))
    chart = section.charts[0]
    assert "2 more have no creation date" in chart.coverage
    assert "Complete Hub snapshot" in chart.coverage
    note = coverage_note(snapshot)
    assert note is not None and "lineage from every model's base_model tags" in note


def test_children_are_counted_from_the_stored_lineage(snapshot: Store) -> None:
    top = hub_listings.models(snapshot, sort="children", limit=3).to_pylist()
    # Qwen 7B: alice/qwen-ft, the GGUF, dave/merge and the two old fine-tunes
    assert (top[0]["model"], top[0]["children"]) == (Q7, 5)
    assert top[1]["children"] == 2  # Llama 3.1 8B: the LoRA and the merge
    leaf = hub_listings.models(snapshot, search="bob/qwen-ft-ft").to_pylist()
    assert leaf[0]["children"] == 0


def test_derivatives_sort_by_their_own_children(snapshot: Store) -> None:
    rows = hub_listings.models(snapshot, sort="children", derivatives=True, limit=1)
    assert rows.to_pylist()[0]["model"] == "alice/qwen-ft"  # bob/qwen-ft-ft builds on it
