"""Hub metrics on a harvested store, the Adoption and Diffusion sections, and the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openrace.harvest.hf import HarvestOptions, HubHarvester
from openrace.metrics.catalogue import load_catalogue
from openrace.store import Store
from tests.hf.conftest import NAMESPACES, fast_client, world_datasets, world_models
from tests.hf.fakehub import FakeHub, FakeHubServer, MemoryCatalog, make_model


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory, bundled_registry  # type: ignore[no-untyped-def]
              ) -> Iterator[Store]:
    from openrace.registry import sync_registry

    s = Store(tmp_path_factory.mktemp("hubm") / "m.duckdb")
    sync_registry(s, bundled_registry)
    hostile = make_model("Qwen/<b>x</b>", "2024-01-01T00:00:00.000Z")  # quarantined
    evil_ns = make_model("evil/\u202e-model", "2024-01-01T00:00:00.000Z")
    cat = MemoryCatalog([*world_models(), hostile, evil_ns], world_datasets())
    with FakeHubServer(FakeHub(catalog=cat)) as srv:
        HubHarvester(s, fast_client(srv.url)).run(HarvestOptions(namespaces=NAMESPACES))
    yield s
    s.close()


def rows(name: str, store: Store, **kw: str) -> dict:
    t = load_catalogue().evaluate(name, store, **kw).to_pylist()
    return {tuple(v for k, v in r.items() if k != "value"): r["value"] for r in t}


def test_download_metrics(harvested: Store) -> None:
    # origin: Qwen 7B 5000 + 72B 2000 + DeepSeek 3000 + qwen-ft 400 + GGUF 900 + qwen-ft-ft
    # 50 + merge 30 (whole: in both countries)
    assert rows("hub_downloads", harvested) == {("CN",): 11380, ("FR",): 1000, ("US",): 8100}
    frac = rows("hub_downloads", harvested, counting="fractional")
    assert frac[("CN",)] == 11365 and frac[("US",)] == 8085
    assert rows("hub_downloads", harvested, quantized="exclude")[("CN",)] == 11380 - 900
    own = rows("hub_downloads", harvested, attribution="own")
    assert own[("XX",)] == 400 + 900 + 50 + 70 + 30  # derivatives' own namespaces: unknown
    share = rows("hub_download_share", harvested)
    assert share[("CN",)] == pytest.approx(11365 / 20450)
    assert sum(share.values()) == pytest.approx(1.0)
    alltime = rows("hub_downloads", harvested, downloads="all_time")
    assert alltime[("FR",)] == 10000
    assert rows("hub_likes", harvested, by="org")[("deepseek",)] == 900


def test_derivative_metrics(harvested: Store) -> None:
    d = rows("hub_derivatives", harvested, by="country", period="none")
    assert d == {("CN", "finetune"): 2, ("CN", "quantized"): 1, ("CN", "merge"): 1,
                 ("US", "adapter"): 1, ("US", "merge"): 1}
    frac = rows("hub_derivatives", harvested, period="none", counting="fractional")
    assert frac[("CN", "merge")] == 0.5
    nq = rows("hub_derivatives", harvested, period="none", quantized="exclude")
    assert ("CN", "quantized") not in nq
    share = rows("hub_derivative_share", harvested, period="quarter")
    assert share[("2024Q4", "CN")] == pytest.approx(3.5 / 4)
    assert rows("hub_datasets", harvested, period="none") == {("CN",): 1, ("US",): 1}


def test_sections_and_report(harvested: Store, tmp_path: Path) -> None:
    from openrace.report import build_report
    from openrace.report.context import ReportContext
    from openrace.report.sections import adoption, diffusion

    ctx = ReportContext(harvested)
    a = adoption.build(ctx)
    assert a.empty is None and len(a.charts) == 3
    assert "55.6%" in a.prose[0]  # China's share of 30-day downloads (origin)
    d = diffusion.build(ctx)
    assert d.empty is None and "70.0%" in d.prose[0] and "62.5%" in d.prose[0]
    result = build_report(harvested, tmp_path / "r")
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert 'id="adoption"' in html and 'id="diffusion"' in html
    assert "<b>x</b>" not in html
    assert (tmp_path / "r" / "data" / "adoption-download-share.csv").exists()
    assert result is not None


def test_sections_without_hub_data(registry_store: Store) -> None:
    from openrace.report.context import ReportContext
    from openrace.report.sections import adoption, diffusion

    ctx = ReportContext(registry_store)
    for mod in (adoption, diffusion):
        section = mod.build(ctx)
        assert section.empty is not None and "openrace update hf" in section.empty.message
