"""Property-based round trips: registry YAML → loader → store → listing."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openrace.queries.registry import releases
from openrace.registry import load_registry, sync_registry
from openrace.store import Store

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s != "")
ids = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
countries = st.sampled_from(["US", "CN", "FR", "DE", "GB", "JP", "KR", "AE", "IL", "IN", "SG"])
licences = st.sampled_from(["apache-2.0", "mit", "llama3.1", "qwen", "cc-by-nc-4.0",
                            "MIT OR Apache-2.0", "other"])


@st.composite
def registries(draw):  # type: ignore[no-untyped-def]
    org_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    orgs = [{"id": i, "name": draw(names), "country": draw(countries), "sector": "industry",
             "source": f"https://{i}.example/"} for i in org_ids]
    rels = []
    for n in range(draw(st.integers(0, 6))):
        is_open = draw(st.booleans())
        rels.append({
            "id": f"rel-{n}",
            "name": draw(names),
            "orgs": draw(st.lists(st.sampled_from(org_ids), min_size=1, max_size=3,
                                  unique=True)),
            "date": draw(st.dates(dt.date(2019, 1, 1), dt.date(2026, 1, 1))),
            "modality": "language",
            "access": "open-weights" if is_open else "api",
            "license": draw(licences) if is_open else "proprietary",
            "weights": is_open,
            "source": "https://example.org/release",
        })
    return orgs, rels


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries())
def test_registry_round_trips_through_yaml_and_store(reg) -> None:  # type: ignore[no-untyped-def]
    orgs, rels = reg
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / "organizations").mkdir()
        (root / "releases").mkdir()
        (root / "organizations" / "o.yaml").write_text(yaml.safe_dump(orgs, allow_unicode=True))
        (root / "releases" / "r.yaml").write_text(yaml.safe_dump(rels, allow_unicode=True))
        registry = load_registry(root)
    assert [o.name for o in registry.organizations] == [o["name"] for o in orgs]
    with Store(":memory:") as store:
        sync_registry(store, registry)
        sync_registry(store, registry)  # idempotent
        listed = releases(store).to_pylist()
        assert sorted(r["id"] for r in listed) == sorted(r["id"] for r in rels)
        by_id = {r["id"]: r for r in rels}
        for row in listed:
            src = by_id[row["id"]]
            assert row["name"] == src["name"]
            assert row["org_ids"].split(";") == src["orgs"]
            assert row["release_date"] == src["date"].isoformat()
        weights = store.dicts("SELECT artifact_id, sum(weight) AS w FROM attributions "
                              "GROUP BY 1")
        assert all(abs(w["w"] - 1.0) < 1e-9 for w in weights)
