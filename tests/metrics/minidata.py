"""Hand-built stores with known answers for the metric, claim and engine tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from openrace.store import Store

NOW = datetime(2026, 1, 1)

# id, country (location), owner_country, root_org, sector
ORGS: list[tuple[str, str, str, str, str]] = [
    ("us-a", "US", "US", "us-a", "industry"),
    ("us-b", "US", "US", "us-b", "industry"),
    ("uk-sub", "GB", "US", "us-a", "industry"),  # a US-owned lab based in the UK
    ("cn-a", "CN", "CN", "cn-a", "industry"),
    ("cn-b", "CN", "CN", "cn-b", "academia"),
    ("fr-a", "FR", "FR", "fr-a", "industry"),
]

# id, orgs, created, access, license_class
RELEASES: list[tuple[str, list[str], datetime, str, str]] = [
    ("r1", ["us-a"], datetime(2022, 3, 10), "api", "closed"),
    ("r2", ["us-a"], datetime(2022, 6, 1), "open-weights", "osi"),
    ("r3", ["cn-a"], datetime(2022, 8, 1), "open-weights", "open-restricted"),
    ("r4", ["us-b"], datetime(2023, 2, 1), "open-weights", "open-restricted"),
    ("r5", ["cn-a", "cn-b"], datetime(2023, 5, 1), "open-weights", "osi"),
    ("r6", ["uk-sub"], datetime(2024, 1, 15), "open-weights", "open-restricted"),
    ("r7", ["us-a", "cn-b"], datetime(2024, 11, 1), "open-weights", "non-commercial"),
    ("r12", ["cn-a"], datetime(2024, 12, 31, 23, 30), "api", "closed"),
    ("r8", ["cn-a"], datetime(2025, 2, 1), "open-weights", "osi"),
    ("r9", ["cn-b"], datetime(2025, 4, 1), "open-weights", "osi"),
    ("r10", ["us-b"], datetime(2025, 9, 1), "api", "closed"),
    ("r11", ["fr-a"], datetime(2025, 10, 1), "open-weights", "research-only"),
]


# openness grades of some releases: id -> (MOF class, meets OSAID)
GRADES: dict[str, tuple[str, bool]] = {
    "r2": ("III", False),
    "r5": ("II", False),
    "r8": ("III", False),
    "r9": ("I", True),
}


def add_orgs(store: Store, orgs: Sequence[tuple[str, str, str, str, str]]) -> None:
    """Insert organisations (id, country, owner_country, root_org, sector)."""
    store.upsert(
        "organizations",
        [
            {
                "id": i,
                "name": f"Org {i}",
                "country": c,
                "owner_country": oc,
                "root_org": root,
                "sector": sector,
                "parent": None if root == i else root,
                "source": "https://example.org/",
            }
            for i, c, oc, root, sector in orgs
        ],
        ["id"],
    )


def add_releases(
    store: Store,
    releases: Sequence[tuple[str, list[str], datetime, str, str]],
    orgs: Sequence[tuple[str, str, str, str, str]] = ORGS,
) -> None:
    """Insert registry releases and their registry attributions (weight 1/n)."""
    country = {o[0]: o[1] for o in orgs}
    store.upsert(
        "artifacts",
        [
            {
                "artifact_id": f"registry:release:{rid}",
                "source": "registry",
                "kind": "release",
                "source_id": rid,
                "title": rid.upper(),
                "created": created,
                "date_precision": "day",
                "access": access,
                "license": "proprietary" if access != "open-weights" else "x",
                "license_class": lc,
                "modality": "language",
                "weights": access == "open-weights",
                "first_seen": NOW,
                "last_seen": NOW,
                "mof_class": GRADES.get(rid, (None, False))[0],
                "osaid": GRADES.get(rid, (None, False))[1],
            }
            for rid, _, created, access, lc in releases
        ],
        ["artifact_id"],
    )
    store.replace_attributions(
        [f"registry:release:{r[0]}" for r in releases],
        ["registry"],
        [
            {
                "artifact_id": f"registry:release:{rid}",
                "org_id": o,
                "country": country[o],
                "weight": 1.0 / len(orgs_),
                "method": "registry",
            }
            for rid, orgs_, *_ in releases
            for o in orgs_
        ],
    )


def build_store(
    releases: Sequence[tuple[str, list[str], datetime, str, str]] = RELEASES,
    orgs: Sequence[tuple[str, str, str, str, str]] = ORGS,
) -> Store:
    """An in-memory store holding ``orgs`` and ``releases``."""
    s = Store(":memory:")
    add_orgs(s, orgs)
    add_releases(s, releases, orgs)
    return s


def add_hub_and_papers(store: Store) -> None:
    """Hub models (with lineage, observations over two harvests, registry / inherited /
    unattributed attributions), OpenAlex works (affiliation attributions, citations) and
    OpenAlex aggregates, in the shapes the harvesters write: enough for every source's
    metrics to return rows on every engine."""
    models = [
        # repo, org (None = unknown namespace), created, license_class, tags
        ("usa/base", "us-a", datetime(2024, 3, 1), "osi", []),
        ("cna/base", "cn-a", datetime(2024, 9, 1), "open-restricted", []),
        ("someone/ft1", None, datetime(2025, 1, 5), "osi", []),
        ("someone/q1", None, datetime(2025, 2, 5), "osi", ["gguf"]),
        ("other/ft2", None, datetime(2025, 2, 20), "unknown", []),
        ("cnb/ft3", "cn-b", datetime(2025, 3, 1), "osi", []),
    ]
    country = {o[0]: o[1] for o in ORGS}
    store.upsert(
        "artifacts",
        [
            {
                "artifact_id": f"hf:model:{repo}",
                "source": "hf",
                "kind": "model",
                "source_id": repo,
                "title": repo,
                "author": repo.split("/")[0],
                "created": created,
                "date_precision": "second",
                "license_class": lc,
                "tags": tags,
                "pipeline_tag": "text-generation",
                "first_seen": NOW,
                "last_seen": NOW,
            }
            for repo, _, created, lc, tags in models
        ],
        ["artifact_id"],
    )
    lineage = [
        ("someone/ft1", "usa/base", "finetune"),
        ("someone/q1", "cna/base", "quantized"),
        ("other/ft2", "cna/base", "finetune"),
        ("cnb/ft3", "someone/ft1", "adapter"),
    ]
    store.append(
        "lineage",
        [
            {"child_id": f"hf:model:{c}", "parent_id": f"hf:model:{p}", "relation": r}
            for c, p, r in lineage
        ],
    )
    attrs = []
    for repo, org, *_ in models:
        aid = f"hf:model:{repo}"
        if org:
            attrs.append(
                {
                    "artifact_id": aid,
                    "org_id": org,
                    "country": country[org],
                    "weight": 1.0,
                    "method": "registry",
                }
            )
        else:
            attrs.append(
                {
                    "artifact_id": aid,
                    "org_id": None,
                    "country": None,
                    "weight": 1.0,
                    "method": "unattributed",
                }
            )
    roots = {"someone/ft1": "us-a", "someone/q1": "cn-a", "other/ft2": "cn-a", "cnb/ft3": "us-a"}
    for repo, org in roots.items():
        attrs.append(
            {
                "artifact_id": f"hf:model:{repo}",
                "org_id": org,
                "country": country[org],
                "weight": 1.0,
                "method": "inherited",
            }
        )
    store.replace_attributions(
        [a["artifact_id"] for a in attrs], ["registry", "unattributed", "inherited"], attrs
    )
    obs = []
    for run, when, factor in ((1, datetime(2025, 6, 1), 1.0), (2, datetime(2025, 7, 1), 2.0)):
        for k, (repo, *_rest) in enumerate(models):
            base = (k + 1) * 100 * factor
            for metric, value in (
                ("downloads_30d", base),
                ("downloads_all_time", base * 10),
                ("likes", k + run),
                ("children", 1.0),
            ):
                obs.append(
                    {
                        "artifact_id": f"hf:model:{repo}",
                        "metric": metric,
                        "value": value,
                        "observed_at": when,
                        "run_id": run,
                    }
                )
    # top-cited works: (id, year, [(country, institution type)], rank within the year)
    works = [
        ("W1", 2023, [("US", "company")], 1),
        ("W2", 2024, [("CN", "company"), ("US", "education")], 1),
        ("W3", 2024, [("CN", "education")], 2),
        ("W4", 2024, [("US", "company")], 3),
        ("W5", 2025, [("CN", "company"), ("CN", "company"), ("GB", "education")], 1),
    ]
    store.upsert(
        "artifacts",
        [
            {
                "artifact_id": f"openalex:work:{w}",
                "source": "openalex",
                "kind": "work",
                "source_id": w,
                "title": f"Paper {w}",
                "created": datetime(y, 6, 1),
                "date_precision": "day",
                "first_seen": NOW,
                "last_seen": NOW,
            }
            for w, y, _, _ in works
        ],
        ["artifact_id"],
    )
    wattrs = []
    for w, _, affs, rank in works:
        for c, kind in affs:
            org = {"CN": "cn-a", "US": "us-b"}.get(c) if kind == "company" else None
            wattrs.append(
                {
                    "artifact_id": f"openalex:work:{w}",
                    "org_id": org,
                    "country": c,
                    "weight": 1.0 / len(affs),
                    "method": "affiliation",
                    "detail": f"{kind} I{abs(hash(c)) % 1000}",
                }
            )
        obs.append(
            {
                "artifact_id": f"openalex:work:{w}",
                "metric": "cited_rank",
                "value": float(rank),
                "observed_at": datetime(2025, 7, 1),
                "run_id": 3,
            }
        )
    store.replace_attributions([a["artifact_id"] for a in wattrs], ["affiliation"], wattrs)
    store.append("observations", obs)
    store.append(
        "aggregates",
        [
            {
                "source": "openalex",
                "measure": m,
                "period": str(y),
                "country": c,
                "segment": seg,
                "value": float(v),
                "observed_at": datetime(2025, 7, 1),
                "run_id": 3,
            }
            for m, y, c, seg, v in (
                ("ai_works", 2023, "US", "all", 900),
                ("ai_works", 2023, "CN", "all", 1100),
                ("ai_works", 2023, "all", "all", 3000),
                ("ai_works", 2024, "US", "all", 950),
                ("ai_works", 2024, "CN", "all", 1300),
                ("ai_works", 2024, "all", "all", 3300),
                ("ai_works", 2024, "US", "company", 120),
                ("ai_works", 2024, "CN", "company", 90),
                ("ai_works", 2024, "all", "company", 400),
                ("ai_works_coauthored", 2024, "US", "with-CN", 50),
                ("ai_works_coauthored", 2024, "CN", "with-US", 50),
                ("ai_works_coauthored", 2024, "all", "pair", 50),
            )
        ],
    )
    for run, when in (
        (1, datetime(2025, 6, 1)),
        (2, datetime(2025, 7, 1)),
        (3, datetime(2025, 7, 1)),
    ):
        store.con.execute(
            "INSERT INTO harvest_runs (run_id, source, scope, started_at, ended_at, status) "
            "VALUES (?, ?, 'test', ?, ?, 'ok')",
            [run, "openalex" if run == 3 else "hf", when, when],
        )
