"""Country rules: the China group, the dated owner rule, Hub repository overrides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openrace.api import open_store
from openrace.metrics.catalogue import load_catalogue
from openrace.registry import load_registry
from openrace.registry.loader import check_registry, owner_at
from openrace.rules.attribution import hub_attribution, namespace_index, repo_index
from openrace.store import utcnow
from openrace.store.attributions import refresh_hub_attributions, refresh_inherited

CAT = load_catalogue()


@pytest.fixture(scope="module")
def store():
    s = open_store(":memory:")
    yield s
    s.close()


def test_owner_at_follows_links_that_existed():
    links = {
        "silo": ("amd", dt.date(2024, 8, 9)),
        "amd": (None, None),
        "lab": ("co", None),
        "co": ("holding", dt.date(2020, 1, 1)),
        "holding": (None, None),
    }
    assert owner_at(links, "silo", dt.date(2023, 11, 1)) == "silo"
    assert owner_at(links, "silo", dt.date(2024, 8, 9)) == "amd"
    assert owner_at(links, "lab", dt.date(2019, 6, 1)) == "co"
    assert owner_at(links, "lab", dt.date(2021, 6, 1)) == "holding"
    reg = load_registry()
    assert reg.root_at("silo-ai", dt.date(2023, 11, 1)).id == "silo-ai"
    assert reg.root_at("silo-ai", dt.date(2025, 1, 1)).id == "amd"


def test_acquisition_does_not_apply_backwards(store):
    # Silo AI (FI) belongs to AMD (US) since 2024-08-09: its 2023 and early-2024 releases
    # count for Finland under the owner rule, not for AMD's United States
    owner = {
        r["artifact_id"]: r["country"]
        for r in store.dicts("SELECT artifact_id, country FROM attributions WHERE method = 'owner'")
    }
    assert owner["registry:release:poro-34b"] == "FI"
    assert owner["registry:release:viking-33b"] == "FI"
    t = CAT.evaluate("releases", store, by="country", period="year", catalogue="registry")
    fi = {r["period"]: r["value"] for r in t.to_pylist() if r["group"] == "FI"}
    assert fi.get("2023", 0) >= 1 and fi.get("2024", 0) >= 1
    by_org = CAT.evaluate(
        "releases", store, by="org", period="none", catalogue="registry", org_level="root"
    )
    assert any(r["group"] == "silo-ai" for r in by_org.to_pylist())


def test_parent_since_validation(tmp_path: Path):
    bad = tmp_path / "organizations" / "x.yaml"
    bad.parent.mkdir()
    bad.write_text(
        "- id: lab-a\n  name: Lab A\n  country: FI\n  sector: industry\n"
        "  parent_since: 2024-01-01\n  source: https://example.org/\n"
        "- id: lab-b\n  name: Lab B\n  country: FI\n  sector: industry\n  parent: amd\n"
        "  parent_since: 2024-01-01\n  source: https://example.org/\n"
        "- id: lab-c\n  name: Lab C\n  country: FI\n  sector: industry\n  parent: amd\n"
        "  parent_since: 2999-01-01\n  parent_source: https://example.org/\n"
        "  source: https://example.org/\n"
        "- id: lab-d\n  name: Lab D\n  country: FI\n  sector: industry\n"
        "  hf_repos: [not-a-repo]\n  source: https://example.org/\n"
    )
    _, problems = check_registry(bad)
    text = "\n".join(problems)
    assert "parent_since is given but there is no parent" in text
    assert "parent_since needs parent_source" in text
    assert "2999-01-01 is in the future" in text
    assert "hf_repos" in text and "namespace/name" in text


def test_china_group_is_the_default(store):
    t = CAT.evaluate("releases", store, by="country", period="none", catalogue="registry")
    m = CAT.evaluate(
        "releases", store, by="country", period="none", catalogue="registry", china="mainland"
    )
    with_hk = {r["group"]: r["value"] for r in t.to_pylist()}
    mainland = {r["group"]: r["value"] for r in m.to_pylist()}
    assert "HK" not in with_hk and mainland["HK"] >= 1  # SenseTime, HKUST, CUHK, HKU
    # a joint mainland–Hong Kong release counts once for the group (whole counting)
    assert mainland["CN"] < with_hk["CN"] <= mainland["CN"] + mainland["HK"]
    assert with_hk["US"] == mainland["US"]
    f = CAT.evaluate(
        "releases", store, by="country", period="none", catalogue="registry", counting="fractional"
    )
    fm = CAT.evaluate(
        "releases",
        store,
        by="country",
        period="none",
        catalogue="registry",
        counting="fractional",
        china="mainland",
    )
    frac = {r["group"]: r["value"] for r in f.to_pylist()}
    frac_m = {r["group"]: r["value"] for r in fm.to_pylist()}
    assert frac["CN"] == pytest.approx(frac_m["CN"] + frac_m["HK"])


def test_hub_repository_overrides_python():
    reg = load_registry()
    orgs = [{**o.model_dump(), "hf_repos": o.hf_repos} for o in reg.organizations]
    ns, repos = namespace_index(orgs), repo_index(orgs)
    a = hub_attribution("hf:model:THUDM/glm-4-9b-chat", "THUDM/glm-4-9b-chat", ns, repos)
    assert (a["org_id"], a["country"]) == ("zhipu-ai", "CN")
    a = hub_attribution("hf:model:google/gemma-2-9b", "google/gemma-2-9b", ns, repos)
    assert (a["org_id"], a["country"]) == ("google-deepmind", "GB")
    a = hub_attribution("hf:model:google/t5-base", "google/t5-base", ns, repos)
    assert a["org_id"] == "google"
    a = hub_attribution("hf:model:THUDM/cogvlm", "THUDM/cogvlm", ns, repos)
    assert a["org_id"] == "tsinghua-keg"


def test_hub_repository_overrides_in_the_store_agree_with_releases():
    s = open_store(":memory:")
    now = utcnow()
    repos = [
        "THUDM/glm-4-9b",
        "THUDM/glm-4-9b-chat",
        "THUDM/chatglm3-6b",
        "THUDM/cogvlm",
        "google/gemma-2-27b",
        "google/gemma-3-1b-it",
        "google/t5-base",
        "someone/gemma-2-27b-ft",
    ]
    s.upsert(
        "artifacts",
        [
            {
                "artifact_id": f"hf:model:{r}",
                "source": "hf",
                "kind": "model",
                "source_id": r,
                "first_seen": now,
                "last_seen": now,
            }
            for r in repos
        ],
        ["artifact_id"],
    )
    s.append(
        "lineage",
        [
            {
                "child_id": "hf:model:someone/gemma-2-27b-ft",
                "parent_id": "hf:model:google/gemma-2-27b",
                "relation": "finetune",
            }
        ],
    )
    refresh_hub_attributions(s)
    refresh_inherited(s)
    got = {
        r["artifact_id"].removeprefix("hf:model:"): r["org_id"]
        for r in s.dicts(
            "SELECT artifact_id, org_id FROM attributions WHERE method IN "
            "('registry', 'unattributed') AND artifact_id LIKE 'hf:%'"
        )
    }
    assert got["THUDM/glm-4-9b"] == got["THUDM/glm-4-9b-chat"] == "zhipu-ai"
    assert got["THUDM/chatglm3-6b"] == "zhipu-ai"  # the registry release's hf_repo
    assert got["THUDM/cogvlm"] == "tsinghua-keg"  # no override: the namespace rule
    assert got["google/gemma-2-27b"] == got["google/gemma-3-1b-it"] == "google-deepmind"
    assert got["google/t5-base"] == "google"
    inherited = s.dicts("SELECT org_id FROM attributions WHERE method = 'inherited'")
    assert inherited == [{"org_id": "google-deepmind"}]
    # the release and its Hub repository name the same developer
    rel = s.dicts(
        "SELECT t.org_id FROM artifacts a JOIN attributions t USING (artifact_id) "
        "WHERE a.hf_repo = 'THUDM/glm-4-9b' AND t.method = 'registry' "
        "ORDER BY t.rowid"
    )
    assert rel[0]["org_id"] == got["THUDM/glm-4-9b"]
    s.close()


def _joint_registry(tmp_path: Path, orgs_line: str, extra_org: str = "") -> Path:
    d = tmp_path / "reg"
    (d / "organizations").mkdir(parents=True)
    (d / "releases").mkdir()
    (d / "organizations" / "x.yaml").write_text(
        "- id: lab-lead\n  name: Lead Lab\n  country: GB\n  sector: academia\n"
        "  source: https://example.org/\n"
        "- id: host-co\n  name: Host Co\n  country: US\n  sector: industry\n"
        "  hf_namespaces: [hostco]\n  source: https://example.org/\n" + extra_org
    )
    (d / "releases" / "x.yaml").write_text(
        f"- id: joint-model\n  name: Joint Model\n  orgs: {orgs_line}\n  date: 2025-01-10\n"
        "  modality: vision\n  access: open-weights\n  license: mit\n  weights: true\n"
        "  hf_repo: hostco/joint-model\n  source: https://example.org/\n"
    )
    return d


def _hub_org(reg) -> str:  # type: ignore[no-untyped-def]
    from openrace.registry.sync import release_repo_overrides

    over = release_repo_overrides(reg)
    orgs = [
        {**o.model_dump(), "hf_repos": [*o.hf_repos, *over.get(o.id, [])]}
        for o in reg.organizations
    ]
    a = hub_attribution(
        "hf:model:hostco/joint-model", "hostco/joint-model", namespace_index(orgs), repo_index(orgs)
    )
    return a["org_id"]


def test_a_joint_releases_hub_repository_is_its_lead_organisations(tmp_path: Path):
    # hosted under the co-developer's namespace, the repository goes whole to the lead
    # (the first of orgs), whatever the namespace; listing the host first credits the host
    reg, problems = check_registry(_joint_registry(tmp_path / "a", "[lab-lead, host-co]"))
    assert not problems and _hub_org(reg) == "lab-lead"
    reg, problems = check_registry(_joint_registry(tmp_path / "b", "[host-co, lab-lead]"))
    assert not problems and _hub_org(reg) == "host-co"


def test_a_pattern_may_not_credit_a_releases_repository_to_another_than_its_lead(tmp_path: Path):
    other = (
        "- id: third\n  name: Third\n  country: FR\n  sector: industry\n"
        '  hf_repos: ["hostco/joint-*"]\n  source: https://example.org/\n'
    )
    _, problems = check_registry(_joint_registry(tmp_path, "[lab-lead, host-co]", other))
    text = "\n".join(problems)
    assert "hostco/joint-model" in text and "'third'" in text and "'lab-lead'" in text


def test_medgemma_is_google_researchs_gemma_deepminds():
    # the more specific pattern wins, as the release (orgs: [google]) says
    reg = load_registry()
    orgs = [{**o.model_dump(), "hf_repos": o.hf_repos} for o in reg.organizations]
    ns, repos = namespace_index(orgs), repo_index(orgs)
    assert hub_attribution("x", "google/medgemma-4b-it", ns, repos)["org_id"] == "google"
    assert hub_attribution("x", "google/gemma-3-27b-it", ns, repos)["org_id"] == ("google-deepmind")
