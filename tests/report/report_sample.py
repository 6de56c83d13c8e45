"""A small registry for report tests: a few countries, open and closed releases over
several years, and organisations / models with hostile names."""

from __future__ import annotations

import datetime as dt

from openrace.registry import Registry, sync_registry
from openrace.registry.models import Organization, Release
from openrace.store import Store

HOSTILE_ORG = "<img src=x onerror=alert(1)>"
HOSTILE_MODEL = "</script><script>alert(1)</script>"

_SRC = "https://example.org/source"


def _org(id_: str, name: str, country: str, sector: str = "industry",
         parent: str | None = None) -> Organization:
    return Organization(id=id_, name=name, country=country, sector=sector, parent=parent,
                        source=_SRC)


ORGS = [
    _org("usa-lab", "US Lab", "US"),
    _org("usa-uni", "US University", "US", "academia"),
    _org("cn-lab", "CN Lab", "CN"),
    _org("cn-sub", "CN Subsidiary", "CN", parent="cn-lab"),
    _org("fr-lab", "FR Lab", "FR"),
    _org("evil", HOSTILE_ORG, "GB"),
    _org("ca-lab", "CA Lab", "CA", parent="usa-lab"),  # owned from the US
]

#: (org ids, date, access, licence) -> releases; names are generated
_PLAN: list[tuple[list[str], str, str, str]] = [
    (["usa-lab"], "2021-03-01", "api", "proprietary"),
    (["usa-lab"], "2022-05-10", "open-weights", "llama2"),
    (["usa-lab"], "2023-02-01", "api", "proprietary"),
    (["usa-lab"], "2023-07-18", "open-weights", "llama2"),
    (["usa-uni"], "2023-09-01", "open-weights", "apache-2.0"),
    (["usa-lab"], "2024-04-18", "open-weights", "llama3"),
    (["usa-lab"], "2024-05-13", "api", "proprietary"),
    (["usa-lab"], "2024-08-01", "unreleased", "proprietary"),
    (["usa-lab"], "2025-01-20", "api", "proprietary"),
    (["usa-lab"], "2025-04-05", "open-weights", "llama4"),
    (["usa-lab"], "2025-08-05", "api", "proprietary"),
    (["cn-lab"], "2022-06-01", "api", "proprietary"),
    (["cn-lab"], "2023-08-03", "open-weights", "qwen"),
    (["cn-sub"], "2023-11-30", "open-weights", "apache-2.0"),
    (["cn-lab"], "2024-06-07", "open-weights", "apache-2.0"),
    (["cn-sub"], "2024-09-19", "open-weights", "apache-2.0"),
    (["cn-lab"], "2024-12-26", "open-weights", "mit"),
    (["cn-lab"], "2025-01-20", "open-weights", "mit"),
    (["cn-sub"], "2025-04-29", "open-weights", "apache-2.0"),
    (["cn-lab"], "2025-07-28", "open-weights", "mit"),
    (["cn-lab", "usa-uni"], "2025-09-01", "open-weights", "cc-by-nc-4.0"),
    (["fr-lab"], "2023-09-27", "open-weights", "apache-2.0"),
    (["fr-lab"], "2024-02-26", "api", "proprietary"),
    (["fr-lab"], "2025-05-07", "open-weights", "mistral-research"),
    (["evil"], "2024-03-01", "open-weights", "apache-2.0"),
    (["ca-lab"], "2024-03-11", "open-weights", "cc-by-nc-4.0"),
]


def sample_registry() -> Registry:
    """The sample registry; the last release of the hostile organisation has a hostile name."""
    releases = []
    for i, (orgs, date, access, lic) in enumerate(_PLAN):
        name = HOSTILE_MODEL if orgs == ["evil"] else f"Model {i:02d} {orgs[0]}"
        releases.append(Release(
            id=f"m{i:02d}", name=name, orgs=orgs, date=dt.date.fromisoformat(date),
            modality="language", access=access, license=lic,
            weights=access == "open-weights", source=_SRC,
        ))
    return Registry(organizations=ORGS, releases=releases)


def sample_store(path: str = ":memory:", *, hub: bool = True) -> Store:
    """A store holding the sample registry and (with ``hub``) a small Hub and OpenAlex
    harvest."""
    store = Store(path)
    sync_registry(store, sample_registry())
    if hub:
        add_hub_sample(store)
        add_openalex_sample(store)
    return store


#: Hub models of the sample: (repo, org id or None, created, parent repo, relation)
HUB_MODELS: list[tuple[str, str | None, str, str | None, str | None]] = [
    ("usa-lab/base-7b", "usa-lab", "2024-04-18", None, None),
    ("cn-lab/base-7b", "cn-lab", "2024-06-07", None, None),
    ("cn-lab/base-72b", "cn-lab", "2024-09-19", None, None),
    ("fr-lab/base-7b", "fr-lab", "2023-09-27", None, None),
    ("someone/cn-base-ft", None, "2025-01-10", "cn-lab/base-7b", "finetune"),
    ("someone/cn-base-gguf", None, "2025-02-11", "cn-lab/base-7b", "quantized"),
    ("other/cn-72b-lora", None, "2025-03-03", "cn-lab/base-72b", "adapter"),
    ("other/us-base-ft", None, "2025-03-20", "usa-lab/base-7b", "finetune"),
    ("other/fr-merge", None, "2024-12-01", "fr-lab/base-7b", "merge"),
]
_COUNTRY = {o.id: o.country for o in ORGS}
#: downloads_30d per repo in the two sample harvests
_DOWNLOADS = {
    "usa-lab/base-7b": (900.0, 800.0), "cn-lab/base-7b": (700.0, 1200.0),
    "cn-lab/base-72b": (300.0, 500.0), "fr-lab/base-7b": (200.0, 150.0),
    "someone/cn-base-ft": (50.0, 80.0), "someone/cn-base-gguf": (120.0, 300.0),
    "other/cn-72b-lora": (10.0, 20.0), "other/us-base-ft": (40.0, 30.0),
    "other/fr-merge": (5.0, 5.0),
}


def add_hub_sample(store: Store) -> None:
    """Hub models, derivatives (with inherited attributions), lineage, and two harvests of
    downloads and likes, written the way the Hub harvester writes them."""
    from openrace.store import utcnow

    now = utcnow()
    aid = {repo: f"hf:model:{repo}" for repo, *_ in HUB_MODELS}
    store.upsert("artifacts", [
        {"artifact_id": aid[repo], "source": "hf", "kind": "model", "source_id": repo,
         "title": repo, "author": repo.split("/")[0],
         "created": dt.datetime.fromisoformat(created), "license": "apache-2.0",
         "license_class": "osi", "first_seen": now, "last_seen": now}
        for repo, _, created, _, _ in HUB_MODELS
    ], ["artifact_id"])
    own, inherited, lineage = [], [], []
    for repo, org, _, parent, relation in HUB_MODELS:
        if org is not None:
            own.append({"artifact_id": aid[repo], "org_id": org, "country": _COUNTRY[org],
                        "weight": 1.0, "method": "registry"})
        else:
            own.append({"artifact_id": aid[repo], "org_id": None, "country": None,
                        "weight": 1.0, "method": "unattributed"})
        if parent is not None:
            root_org = next(o for r, o, *_ in HUB_MODELS if r == parent)
            assert root_org is not None
            inherited.append({"artifact_id": aid[repo], "org_id": root_org,
                              "country": _COUNTRY[root_org], "weight": 1.0,
                              "method": "inherited"})
            lineage.append({"child_id": aid[repo], "parent_id": aid[parent],
                            "relation": relation})
    store.replace_attributions(aid.values(), ["registry", "unattributed", "inherited"],
                               own + inherited)
    store.append("lineage", lineage)
    for i, when in enumerate((now - dt.timedelta(days=40), now)):
        run = store.start_run("hf", "update:registry")
        store.append("observations", [
            {"artifact_id": aid[repo], "metric": metric, "value": value, "observed_at": when,
             "run_id": run}
            for repo, pair in _DOWNLOADS.items()
            for metric, value in (("downloads_30d", pair[i]),
                                  ("downloads_all_time", sum(pair[: i + 1]) * 10),
                                  ("likes", pair[i] / 10))
        ])
        store.finish_run(run, "ok")


#: AI works per (year, country, segment) in the sample's OpenAlex group-by counts
_AI_WORKS = {
    ("2023", "US"): 900.0, ("2023", "CN"): 1000.0, ("2023", "GB"): 200.0,
    ("2024", "US"): 950.0, ("2024", "CN"): 1300.0, ("2024", "GB"): 210.0,
}
#: top-cited works: (id, year, rank, [(org id or None, country, institution type)])
_WORKS: list[tuple[str, int, int, list[tuple[str | None, str, str]]]] = [
    ("W1", 2023, 1, [("usa-lab", "US", "company")]),
    ("W2", 2023, 2, [("cn-lab", "CN", "company"), (None, "CN", "education")]),
    ("W3", 2023, 3, [(None, "US", "education"), (None, "CN", "education")]),
    ("W4", 2024, 1, [("cn-lab", "CN", "company")]),
    ("W5", 2024, 2, [(None, "GB", "education")]),
    ("W6", 2024, 3, [("usa-uni", "US", "education"), ("cn-sub", "CN", "company")]),
]


def add_openalex_sample(store: Store) -> None:
    """OpenAlex AI-work counts per country and year, and top-cited works with their
    affiliations, written the way the OpenAlex harvester writes them."""
    from openrace.store import utcnow

    now = utcnow()
    run = store.start_run("openalex", "sample")
    agg = []
    for (year, country), n in _AI_WORKS.items():
        agg.append({"source": "openalex", "measure": "ai_works", "period": year,
                    "country": country, "segment": "all", "value": n, "observed_at": now,
                    "run_id": run})
        agg.append({"source": "openalex", "measure": "ai_works", "period": year,
                    "country": country, "segment": "company", "value": n / 10,
                    "observed_at": now, "run_id": run})
    for year in ("2023", "2024"):
        total = sum(v for (y, _), v in _AI_WORKS.items() if y == year)
        agg.append({"source": "openalex", "measure": "ai_works", "period": year,
                    "country": "all", "segment": "all", "value": total, "observed_at": now,
                    "run_id": run})
        for c in ("US", "CN"):
            agg.append({"source": "openalex", "measure": "ai_works_coauthored",
                        "period": year, "country": c, "segment": "all", "value": 40.0,
                        "observed_at": now, "run_id": run})
    store.append("aggregates", agg)
    arts, atts, obs = [], [], []
    for wid, year, rank, authors in _WORKS:
        aid = f"openalex:work:{wid}"
        arts.append({"artifact_id": aid, "source": "openalex", "kind": "work",
                     "source_id": wid, "title": f"Paper {wid}",
                     "created": dt.datetime(year, 6, 1), "paper": True, "first_seen": now,
                     "last_seen": now})
        for org, country, kind in authors:
            atts.append({"artifact_id": aid, "org_id": org, "country": country,
                         "weight": 1.0 / len(authors), "method": "affiliation",
                         "detail": f"{kind} I{rank}{year}"})
        obs.append({"artifact_id": aid, "metric": "cited_rank", "value": float(rank),
                    "observed_at": now, "run_id": run})
        obs.append({"artifact_id": aid, "metric": "cited_by_count", "value": 1000.0 / rank,
                    "observed_at": now, "run_id": run})
    store.upsert("artifacts", arts, ["artifact_id"])
    store.replace_attributions([a["artifact_id"] for a in arts], ["affiliation"], atts)
    store.append("observations", obs)
    store.finish_run(run, "ok")
