"""The bundled registry: validation of broken files, the bundled data itself, sync."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pycountry
import pytest

from openrace.errors import RegistryError
from openrace.registry import check_registry, load_registry, sync_registry
from openrace.rules.openness import license_class
from openrace.store import Store

GOOD_ORGS = """\
- id: acme
  name: Acme AI
  country: US
  sector: industry
  hf_namespaces: [acme]
  source: https://acme.example/about

- id: acme-lab
  name: Acme Lab Paris
  country: FR
  sector: industry
  parent: acme
  source: https://acme.example/paris
"""

GOOD_RELEASES = """\
- id: acme-1
  name: Acme-1
  orgs: [acme-lab, acme]
  date: 2024-05-02
  modality: language
  params_b: 7
  access: open-weights
  license: apache-2.0
  weights: true
  training_code: true
  hf_repo: acme/Acme-1
  source: https://acme.example/acme-1

- id: acme-2
  name: Acme-2
  orgs: [acme]
  date: "2025-02"
  modality: multimodal
  access: api
  license: proprietary
  weights: false
  source: https://acme.example/acme-2
"""


def _tree(tmp_path: Path, orgs: str, releases: str) -> Path:
    (tmp_path / "organizations").mkdir()
    (tmp_path / "releases").mkdir()
    (tmp_path / "organizations" / "x.yaml").write_text(textwrap.dedent(orgs))
    (tmp_path / "releases" / "x.yaml").write_text(textwrap.dedent(releases))
    return tmp_path


def test_good_tree_loads(tmp_path: Path) -> None:
    reg = load_registry(_tree(tmp_path, GOOD_ORGS, GOOD_RELEASES))
    assert [o.id for o in reg.organizations] == ["acme", "acme-lab"]
    assert reg.owner_country("acme-lab") == "US"
    assert reg.releases[1].date == dt.date(2025, 2, 1)
    assert reg.releases[1].date_precision == "month"


@pytest.mark.parametrize(
    ("where", "old", "new", "expected"),
    [
        ("orgs", "country: FR", "country: XX", "x.yaml:10: country: 'XX' is not an ISO"),
        ("orgs", "sector: industry\n  parent", "sector: lab\n  parent", "x.yaml:11: sector:"),
        ("orgs", "parent: acme", "parent: nobody", "x.yaml:12: parent: unknown organisation"),
        ("orgs", "id: acme-lab", "id: acme", "x.yaml:8: duplicate organisation id 'acme'"),
        ("orgs", "  source: https://acme.example/about", "", "x.yaml:1: source: required field"),
        ("orgs", "hf_namespaces: [acme]", "hf_namespaces: [acme]\n  colour: red",
         "x.yaml:6: colour: unknown field"),
        ("rels", "orgs: [acme-lab, acme]", "orgs: [acme-lab, ghost]",
         "x.yaml:3: orgs: unknown organisation 'ghost'"),
        ("rels", "date: 2024-05-02", "date: 2031-05-02", "x.yaml:4: date: 2031-05-02 is in the"),
        ("rels", "license: apache-2.0", "license: made-up-1.0",
         "x.yaml:8: license: unknown licence 'made-up-1.0'"),
        ("rels", "id: acme-2", "id: acme-1", "x.yaml:14: duplicate release id 'acme-1'"),
        ("rels", "params_b: 7", "params_b: -7", "x.yaml:6: params_b:"),
        ("rels", "hf_repo: acme/Acme-1", "hf_repo: not a repo", "x.yaml:11: hf_repo:"),
        ("rels", "license: proprietary", "license: mit",
         "x.yaml:14: access is api: license must be 'proprietary'"),
        ("rels", "modality: multimodal", "modality: telepathy", "x.yaml:18: modality:"),
        ("rels", "  name: Acme-2\n", "  name: Acme-2\n   bad: [indent\n",
         "x.yaml:16: invalid YAML"),
    ],
)
def test_each_error_is_named_with_its_line(tmp_path: Path, where: str, old: str, new: str,
                                           expected: str) -> None:
    orgs, rels = GOOD_ORGS, GOOD_RELEASES
    if where == "orgs":
        assert old in orgs
        orgs = orgs.replace(old, new, 1)
    else:
        assert old in rels
        rels = rels.replace(old, new, 1)
    _, problems = check_registry(_tree(tmp_path, orgs, rels), today=dt.date(2026, 11, 22))
    assert any(expected in p for p in problems), problems
    with pytest.raises(RegistryError):
        load_registry(tmp_path, today=dt.date(2026, 11, 22))


def test_parent_cycle_is_reported(tmp_path: Path) -> None:
    orgs = GOOD_ORGS.replace("  hf_namespaces: [acme]\n", "  parent: acme-lab\n")
    _, problems = check_registry(_tree(tmp_path, orgs, GOOD_RELEASES))
    assert any("cycle" in p for p in problems)


def test_not_a_list(tmp_path: Path) -> None:
    _, problems = check_registry(_tree(tmp_path, "id: acme\n", GOOD_RELEASES))
    assert any("x.yaml:1: expected a list" in p for p in problems)


def test_sync_is_idempotent_and_removes_stale(tmp_path: Path, store: Store) -> None:
    reg = load_registry(_tree(tmp_path, GOOD_ORGS, GOOD_RELEASES))
    assert sync_registry(store, reg) == {"organizations": 2, "releases": 2, "attributions": 3}
    sync_registry(store, reg)
    assert store.counts()["artifacts"] == 2
    assert store.counts()["attributions"] == 3
    rows = store.dicts("SELECT org_id, country, weight FROM attributions "
                       "WHERE artifact_id = 'registry:release:acme-1' ORDER BY org_id")
    assert rows == [{"org_id": "acme", "country": "US", "weight": 0.5},
                    {"org_id": "acme-lab", "country": "FR", "weight": 0.5}]
    lab = store.dicts("SELECT owner_country, root_org FROM organizations WHERE id='acme-lab'")
    assert lab == [{"owner_country": "US", "root_org": "acme"}]
    art = store.dicts("SELECT license_class, mof_class, osaid FROM artifacts "
                      "WHERE source_id = 'acme-1'")
    assert art == [{"license_class": "osi", "mof_class": "II", "osaid": False}]
    # drop a release from the registry: the store follows
    (tmp_path / "releases" / "x.yaml").write_text(GOOD_RELEASES.split("\n\n")[0] + "\n")
    sync_registry(store, load_registry(tmp_path))
    assert store.counts()["artifacts"] == 1
    assert store.counts()["attributions"] == 2


# -- the bundled data ---------------------------------------------------------------------

def test_bundled_registry_is_valid_and_large_enough(bundled_registry) -> None:  # type: ignore[no-untyped-def]
    reg = bundled_registry
    assert len(reg.organizations) >= 250
    assert len(reg.releases) >= 400
    assert sum(r.access != "open-weights" for r in reg.releases) >= 80


def test_bundled_registry_covers_the_countries_the_debate_names(bundled_registry) -> None:  # type: ignore[no-untyped-def]
    countries = {o.country for o in bundled_registry.organizations}
    for c in ("US", "CN", "FR", "DE", "GB", "CA", "JP", "KR", "AE", "IL", "IN", "SG"):
        assert c in countries, c
    for o in bundled_registry.organizations:
        assert pycountry.countries.get(alpha_2=o.country) is not None
    years = {r.date.year for r in bundled_registry.releases}
    assert set(range(2019, 2026)) <= years


def test_bundled_registry_facts_carry_sources(bundled_registry) -> None:  # type: ignore[no-untyped-def]
    for o in bundled_registry.organizations:
        assert o.source.startswith("http")
    for r in bundled_registry.releases:
        assert r.source.startswith("http")
        if r.access != "open-weights":
            assert license_class(r.license) == "closed" and not r.weights


def test_well_known_facts(bundled_registry) -> None:  # type: ignore[no-untyped-def]
    reg = bundled_registry
    ids = {o.id for o in reg.organizations}
    for org, country in (("openai", "US"), ("deepseek", "CN"), ("mistral-ai", "FR"),
                         ("alibaba", "CN"), ("meta", "US")):
        if org in ids:
            assert reg.org(org).country == country
    if "qwen" in ids:
        assert reg.owner_country("qwen") == "CN"
        assert reg.root("qwen").id == "alibaba"
    if "google-deepmind" in ids:
        assert reg.owner_country("google-deepmind") == "US"
