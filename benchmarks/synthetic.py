"""A synthetic openrace store of realistic shape, generated inside DuckDB.

At scale 1.0: 3 M Hub models, 10 M lineage edges, 30 M observations (25 M of models over
ten monthly harvests, 5 M citation ranks of papers), 5 M papers with 1–3 affiliation
countries each, 60,000 GitHub repositories observed in three harvests, plus ~300
organisations and ~430 registry releases. Values follow
power laws (downloads, likes, citations); countries and licences follow a skewed mix.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from openrace.store import Store

# (country, weight): where organisations and authors are
COUNTRIES = [
    ("US", 30),
    ("CN", 25),
    ("GB", 6),
    ("FR", 5),
    ("DE", 5),
    ("KR", 4),
    ("JP", 4),
    ("IN", 4),
    ("CA", 4),
    ("IL", 2),
    ("AE", 2),
    ("SG", 2),
    ("CH", 2),
    ("NL", 2),
    ("IT", 1),
    ("ES", 1),
    ("SE", 1),
]
SECTORS = [
    "industry",
    "industry",
    "industry",
    "academia",
    "academia",
    "nonprofit",
    "government",
    "community",
]
LICENSES = [
    ("apache-2.0", "osi", 35),
    ("mit", "osi", 15),
    ("llama3.1", "open-restricted", 12),
    ("qwen", "open-restricted", 8),
    ("gemma", "open-restricted", 4),
    ("cc-by-nc-4.0", "non-commercial", 6),
    ("other", "unknown", 15),
    (None, "unknown", 5),
]
RELATIONS = [("finetune", 40), ("quantized", 30), ("adapter", 20), ("merge", 10)]
# (SPDX id, openrace class, weight): the licences of GitHub repositories
REPO_LICENSES = [
    ("Apache-2.0", "osi", 35),
    ("MIT", "osi", 30),
    ("BSD-3-Clause", "osi", 8),
    ("CC-BY-NC-4.0", "non-commercial", 4),
    ("NOASSERTION", "unknown", 8),
    (None, "unknown", 15),
]
LANGUAGES = ["Python", "Jupyter Notebook", "C++", "TypeScript", "Go", "Rust"]

FULL = {
    "models": 3_000_000,
    "lineage": 10_000_000,
    "model_observations": 25_000_000,
    "papers": 5_000_000,
    # the public repositories of the registry's GitHub accounts (a large lab lists a few
    # thousand), each observed in three harvests
    "repos": 60_000,
    "orgs": 300,
    "releases": 430,
}


def sizes(scale: float) -> dict[str, int]:
    """Row counts at ``scale`` (1.0 = the full benchmark)."""
    out = {k: max(1, int(v * scale)) for k, v in FULL.items()}
    out["orgs"] = FULL["orgs"]
    out["releases"] = FULL["releases"]
    return out


def _weighted(values: list[tuple[Any, ...]], expr: str) -> str:
    """A SQL CASE picking values[i][0..] by cumulative weight against ``expr`` in [0, 1)."""
    total = sum(v[-1] for v in values)
    acc = 0.0
    parts = []
    for v in values[:-1]:
        acc += v[-1] / total
        parts.append(f"WHEN {expr} < {acc:.6f} THEN {_lit(v[0])}")
    return "CASE " + " ".join(parts) + f" ELSE {_lit(values[-1][0])} END"


def _lit(v: Any) -> str:
    return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"


def _hash01(expr: str, salt: int) -> str:
    """A deterministic pseudo-random number in [0, 1) from an integer expression."""
    return f"((hash({expr}, {salt}) % 1000003) / 1000003.0)"


def generate(path: Path, scale: float = 1.0) -> dict[str, Any]:
    """Write a synthetic store to ``path`` and return its row counts and generation time."""
    n = sizes(scale)
    t0 = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    store = Store(path)
    con = store.con
    lic_name = _weighted([(x[0], x[2]) for x in LICENSES], _hash01("i", 3))
    lic_class = _weighted([(x[1], x[2]) for x in LICENSES], _hash01("i", 3))
    country_o = _weighted(COUNTRIES, _hash01("i", 1))
    now = "TIMESTAMP '2026-01-01'"
    with store.transaction():
        # organisations: every 10th org is a subsidiary of the one before (owner abroad)
        con.execute(f"""
            INSERT INTO organizations (id, name, country, owner_country, root_org, sector,
                                       parent, hf_namespaces, source)
            SELECT 'org-' || i, 'Org ' || i, {country_o},
                   {country_o}, 'org-' || i,
                   list_extract({SECTORS!r}, 1 + (i % {len(SECTORS)})),
                   NULL, ['ns' || i], 'https://example.org/'
            FROM range({n["orgs"]}) t(i)""")
        con.execute("""
            UPDATE organizations SET parent = 'org-' || (CAST(substr(id, 5) AS INT) - 1),
                   root_org = 'org-' || (CAST(substr(id, 5) AS INT) - 1)
            WHERE CAST(substr(id, 5) AS INT) % 10 = 9""")
        con.execute("""
            UPDATE organizations AS o SET owner_country = p.country
            FROM organizations AS p WHERE o.parent = p.id""")
        # registry releases, 1-2 organisations each
        con.execute(f"""
            INSERT INTO artifacts (artifact_id, source, kind, source_id, title, created,
                date_precision, license, license_class, access, modality, weights,
                training_code, training_data, paper, mof_class, osaid, first_seen, last_seen)
            SELECT 'registry:release:r' || i, 'registry', 'release', 'r' || i, 'R' || i,
                   TIMESTAMP '2019-01-01' + to_days(CAST(i * 2437 % 2555 AS INT)), 'day',
                   CASE WHEN i % 5 = 0 THEN 'proprietary' ELSE {lic_name} END,
                   CASE WHEN i % 5 = 0 THEN 'closed' ELSE {lic_class} END,
                   CASE WHEN i % 5 = 0 THEN 'api' ELSE 'open-weights' END, 'language',
                   i % 5 <> 0, i % 7 = 0, i % 11 = 0, i % 3 = 0,
                   CASE WHEN i % 5 <> 0 AND {lic_class} = 'osi' THEN 'III' END,
                   i % 77 = 0, {now}, {now}
            FROM range({n["releases"]}) t(i)""")
        con.execute(f"""
            INSERT INTO attributions
            SELECT 'registry:release:r' || i, o.id, o.country,
                   CASE WHEN i % 6 = 0 THEN 0.5 ELSE 1.0 END, 'registry', NULL
            FROM range({n["releases"]}) t(i)
            JOIN organizations o ON o.id = 'org-' || (i * 37 % {n["orgs"]})
                                 OR (i % 6 = 0 AND o.id = 'org-' || ((i * 37 + 1) % {n["orgs"]}))
            """)
        # Hub models: 30 % published by registry namespaces
        con.execute(f"""
            INSERT INTO artifacts (artifact_id, source, kind, source_id, author, created,
                date_precision, license, license_class, pipeline_tag, library_name, tags,
                first_seen, last_seen)
            SELECT 'hf:model:' || ns || '/m' || i, 'hf', 'model', ns || '/m' || i, ns,
                   TIMESTAMP '2021-01-01' + to_seconds(CAST(hash(i, 41) % 157680000 AS BIGINT)),
                   'second', {lic_name}, {lic_class}, 'text-generation', 'transformers',
                   CASE WHEN i % 4 = 1 THEN ['gguf'] ELSE [] END, {now}, {now}
            FROM (SELECT i, CASE WHEN i % 10 < 3 THEN 'ns' || (i * 13 % {n["orgs"]})
                                 ELSE 'user' || (i % 500000) END AS ns
                  FROM range({n["models"]}) t(i))""")
        con.execute(f"""
            INSERT INTO attributions
            SELECT 'hf:model:' || ns || '/m' || i, o.id, o.country, 1.0,
                   CASE WHEN o.id IS NULL THEN 'unattributed' ELSE 'registry' END,
                   'hub namespace ' || ns
            FROM (SELECT i, CASE WHEN i % 10 < 3 THEN 'ns' || (i * 13 % {n["orgs"]})
                                 ELSE 'user' || (i % 500000) END AS ns
                  FROM range({n["models"]}) t(i)) m
            LEFT JOIN organizations o ON o.id = 'org-' || substr(m.ns, 3)
                                      AND m.ns LIKE 'ns%'""")
        # lineage: each edge from a later model to an earlier one (a DAG, trees of roots)
        rel = _weighted(RELATIONS, _hash01("e", 5))
        con.execute(f"""
            INSERT INTO lineage
            SELECT DISTINCT child_id, parent_id, relation FROM (
              SELECT 'hf:model:' || cns || '/m' || c AS child_id,
                     'hf:model:' || pns || '/m' || p AS parent_id, {rel} AS relation
              FROM (SELECT e, c, p,
                      CASE WHEN c % 10 < 3 THEN 'ns' || (c * 13 % {n["orgs"]})
                           ELSE 'user' || (c % 500000) END AS cns,
                      CASE WHEN p % 10 < 3 THEN 'ns' || (p * 13 % {n["orgs"]})
                           ELSE 'user' || (p % 500000) END AS pns
                    FROM (SELECT e, 1 + (e * 7919 % ({n["models"]} - 1)) AS c FROM
                          range({n["lineage"]}) t(e)) x,
                         LATERAL (SELECT CAST(floor(c * pow({_hash01("e", 9)}, 3)) AS BIGINT)
                                  AS p) y))""")
        # a derivative counts for the origin of its (first) base model when that base
        # model belongs to a registry organisation (the ``inherited`` attribution)
        con.execute("""
            INSERT INTO attributions
            SELECT l.child_id, a.org_id, a.country, 1.0, 'inherited', 'root ' || l.parent_id
            FROM (SELECT child_id, min(parent_id) AS parent_id FROM lineage
                  GROUP BY child_id) l
            JOIN attributions a ON a.artifact_id = l.parent_id AND a.method = 'registry'""")
        # observations: ten monthly harvests of downloads (30-day, all-time) and likes; each
        # run observes distinct models (j * 3 stays below the number of models), so a plain
        # INSERT (schema 2 has no key on observations to ignore duplicates by)
        per_run = max(1, n["model_observations"] // 30)
        con.execute(f"""
            INSERT INTO observations
            SELECT 'hf:model:' || ns || '/m' || i, metric,
                   CASE metric WHEN 'likes' THEN floor(pow(10, 4 * pow(u, 4)))
                               WHEN 'downloads_30d' THEN floor(pow(10, 7 * pow(u, 3)) * r)
                               ELSE floor(pow(10, 8 * pow(u, 3)) * r) END,
                   TIMESTAMP '2025-03-01' + to_months(CAST(r - 1 AS INT)), r
            FROM (SELECT j * 3 % {n["models"]} AS i, r, {_hash01("j", 11)} AS u,
                         CASE WHEN (j * 3 % {n["models"]}) % 10 < 3
                              THEN 'ns' || ((j * 3 % {n["models"]}) * 13 % {n["orgs"]})
                              ELSE 'user' || ((j * 3 % {n["models"]}) % 500000) END AS ns
                  FROM range({per_run}) a(j), range(1, 11) b(r)) m,
                 (VALUES ('downloads_30d'), ('downloads_all_time'), ('likes')) v(metric)""")
        # GitHub repositories of the organisations' accounts, as the GitHub harvest stores
        # them: 10 % forks, 5 % archived, a language each; stars, forks and open issues
        # observed in three harvest runs (12-14); attributed to the listing organisation
        # with its location country
        repo_lic = _weighted([(x[0], x[2]) for x in REPO_LICENSES], _hash01("i", 52))
        repo_class = _weighted([(x[1], x[2]) for x in REPO_LICENSES], _hash01("i", 52))
        con.execute(f"""
            INSERT INTO artifacts (artifact_id, source, kind, source_id, title, author,
                created, date_precision, modified, license, license_class, tags,
                first_seen, last_seen)
            SELECT 'github:repo:' || i, 'github', 'repo', CAST(i AS VARCHAR),
                   'gh' || (i % {n["orgs"]}) || '/repo' || i, 'gh' || (i % {n["orgs"]}),
                   TIMESTAMP '2010-01-01' + to_seconds(CAST(hash(i, 51) % 504576000 AS BIGINT)),
                   'second', {now}, {repo_lic}, {repo_class},
                   list_concat(CASE WHEN i % 10 = 0 THEN ['fork'] ELSE [] END,
                               CASE WHEN i % 20 = 1 THEN ['archived'] ELSE [] END,
                               ['language:' || list_extract({LANGUAGES!r},
                                                            1 + i % {len(LANGUAGES)})]),
                   {now}, {now}
            FROM range({n["repos"]}) t(i)""")
        con.execute(f"""
            INSERT INTO attributions
            SELECT 'github:repo:' || i, o.id, o.country, 1.0, 'registry',
                   'github account gh' || (i % {n["orgs"]})
            FROM range({n["repos"]}) t(i)
            JOIN organizations o ON o.id = 'org-' || (i % {n["orgs"]})""")
        con.execute(f"""
            INSERT INTO observations
            SELECT 'github:repo:' || i, metric,
                   CASE metric WHEN 'stars'
                               THEN floor(pow(10, 5 * pow(u, 3)) * (1 + (r - 12) * 0.05))
                               WHEN 'forks' THEN floor(pow(10, 4 * pow(u, 3)))
                               ELSE floor(100 * u) END,
                   TIMESTAMP '2025-10-01' + to_months(CAST(r - 12 AS INT)), r
            FROM (SELECT i, {_hash01("i", 53)} AS u FROM range({n["repos"]}) t(i)),
                 range(12, 15) b(r),
                 (VALUES ('stars'), ('forks'), ('open_issues')) v(metric)""")
        # papers with 1-3 affiliation countries (fractional weights) and citation ranks
        c1 = _weighted(COUNTRIES, _hash01("i", 21))
        c2 = _weighted(COUNTRIES, _hash01("i", 22))
        c3 = _weighted(COUNTRIES, _hash01("i", 23))
        con.execute(f"""
            INSERT INTO artifacts (artifact_id, source, kind, source_id, title, created,
                                   date_precision, first_seen, last_seen)
            SELECT 'openalex:work:W' || i, 'openalex', 'work', 'W' || i, 'Paper ' || i,
                   TIMESTAMP '2015-01-01' + to_days(CAST(i * 31 % 4018 AS INT)), 'day',
                   {now}, {now}
            FROM range({n["papers"]}) t(i)""")
        con.execute(f"""
            INSERT INTO attributions
            SELECT 'openalex:work:W' || i,
                   CASE WHEN kind = 'company' THEN 'org-' || (i % {n["orgs"]}) END,
                   c, 1.0 / k, 'affiliation', kind || ' I' || (i % 5000)
            FROM (SELECT i, 1 + (i % 3 = 0)::INT + (i % 7 = 0)::INT AS k,
                         [{c1}, {c2}, {c3}] AS cs,
                         CASE WHEN i % 9 = 0 THEN 'company' WHEN i % 9 = 1 THEN 'other'
                              ELSE 'education' END AS kind
                  FROM range({n["papers"]}) t(i)) p,
                 LATERAL (SELECT unnest(list_slice(cs, 1, k)) AS c)""")
        # the citation rank of each work within its publication year
        cites = _hash01("hash(artifact_id)", 31)
        con.execute(f"""
            INSERT INTO observations
            SELECT artifact_id, 'cited_rank',
                   row_number() OVER (PARTITION BY year(created)
                                      ORDER BY cites DESC, artifact_id), {now}, 11
            FROM (SELECT artifact_id, created, floor(pow(10, 4 * pow({cites}, 4))) AS cites
                  FROM artifacts WHERE kind = 'work')""")
        # OpenAlex group-by aggregates: AI works per year, country and segment, the world
        # total (country 'all') and the US-China pair
        countries = ", ".join(f"('{c}', {w})" for c, w in COUNTRIES)
        con.execute(f"""
            INSERT INTO aggregates
            SELECT 'openalex', 'ai_works', CAST(y AS VARCHAR), c, seg,
                   floor(1000 * w * (1 + (y - 2015) * 0.2) * f), {now}, 11
            FROM range(2015, 2026) a(y),
                 (VALUES {countries}, ('all', 120)) b(c, w),
                 (VALUES ('all', 1.0), ('company', 0.15), ('education', 0.8),
                         ('other', 0.1)) s(seg, f)""")
        con.execute(f"""
            INSERT INTO aggregates
            SELECT 'openalex', 'ai_works_coauthored', CAST(y AS VARCHAR), c, seg,
                   400 + 30 * (y - 2015), {now}, 11
            FROM range(2015, 2026) a(y),
                 (VALUES ('US', 'with-CN'), ('CN', 'with-US')) b(c, seg)""")
        con.execute("""
            INSERT INTO harvest_runs (run_id, source, scope, started_at, ended_at, status)
            SELECT r, CASE WHEN r = 11 THEN 'openalex' WHEN r > 11 THEN 'github' ELSE 'hf' END,
                   'bench', TIMESTAMP '2025-03-01' + to_months(CAST(r - 1 AS INT)),
                   TIMESTAMP '2025-03-01' + to_months(CAST(r - 1 AS INT)), 'ok'
            FROM range(1, 15) t(r)""")
    counts = store.counts()
    store.con.execute("CHECKPOINT")
    store.close()
    return {
        "rows": counts,
        "generate_s": round(time.perf_counter() - t0, 2),
        "file_mb": round(path.stat().st_size / 2**20, 1),
    }
