"""``openrace registry suggest`` on a store with known candidates, and the staleness
warning of ``openrace registry check``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from openrace.api import open_store
from openrace.cli import main
from openrace.registry.suggest import family, suggest
from openrace.store import utcnow
from openrace.store.attributions import refresh_hub_attributions

TODAY = dt.date(2026, 6, 1)

#: (repo, created, downloads_30d, likes, parent)
MODELS = [
    ("Qwen/Qwen9-8B", "2026-04-01", 50_000, 10, None),  # candidate: qwen9
    ("Qwen/Qwen9-32B-Instruct", "2026-04-02", 20_000, 80, None),  # same family
    ("Qwen/Qwen2.5-72B", "2026-03-01", 90_000, 900, None),  # a registry hf_repo
    ("Qwen/Qwen9-8B-GGUF", "2026-04-03", 9_000, 1, "Qwen/Qwen9-8B"),  # a derivative
    ("deepseek-ai/Tiny-Thing-1B", "2026-05-01", 10, 2, None),  # below both thresholds
    ("deepseek-ai/Liked-1B", "2026-05-01", 10, 60, None),  # enough likes
    ("google/gemma-9-4b", "2026-05-10", 5_000, 0, None),  # new Gemma: DeepMind's
    ("google/gemma-3-12b-pt", "2026-05-10", 5_000, 0, None),  # Gemma 3: covered
    ("google/OldModel-2B", "2024-01-01", 90_000, 900, None),  # before --since
    ("nobody/Unknown-7B", "2026-05-01", 90_000, 900, None),  # not a registry namespace
]


@pytest.fixture
def hub_store(tmp_path: Path):
    path = tmp_path / "s.duckdb"
    s = open_store(path)
    now = utcnow()
    s.upsert(
        "artifacts",
        [
            {
                "artifact_id": f"hf:model:{r}",
                "source": "hf",
                "kind": "model",
                "source_id": r,
                "created": dt.datetime.fromisoformat(c),
                "license": "apache-2.0",
                "pipeline_tag": "text-generation",
                "first_seen": now,
                "last_seen": now,
            }
            for r, c, *_ in MODELS
        ],
        ["artifact_id"],
    )
    s.con.execute(
        "INSERT INTO harvest_runs (run_id, source, scope, started_at, status) "
        "VALUES (1, 'hf', 'full', now(), 'ok')"
    )
    s.append(
        "observations",
        [
            {
                "artifact_id": f"hf:model:{r}",
                "metric": m,
                "value": v,
                "observed_at": now,
                "run_id": 1,
            }
            for r, _, dl, lk, _ in MODELS
            for m, v in (("downloads_30d", dl), ("likes", lk))
        ],
    )
    s.append(
        "lineage",
        [
            {"child_id": f"hf:model:{r}", "parent_id": f"hf:model:{p}", "relation": "quantized"}
            for r, *_, p in MODELS
            if p
        ],
    )
    refresh_hub_attributions(s)
    s.close()
    return path


def test_family_names():
    assert family("Qwen/Qwen3-235B-A22B-Instruct-2507") == "qwen3"
    assert family("zai-org/GLM-4.5-Air") == "glm-4.5-air"
    assert family("google/gemma-3n-E4B-it") == "gemma-3n"


def test_suggest_lists_known_candidates(hub_store):
    with open_store(hub_store) as s:
        found = {c.family: c for c in suggest(s, since=dt.date(2026, 1, 1), today=TODAY)}
    assert set(found) == {"qwen9", "liked", "gemma-9"}
    assert found["gemma-9"].org_id == "google-deepmind"  # the google/*gemma* override
    q = found["qwen9"]
    assert q.org_id == "qwen" and q.repos == ["Qwen/Qwen9-8B", "Qwen/Qwen9-32B-Instruct"]
    assert q.downloads_30d == 70_000 and q.link == "https://huggingface.co/Qwen/Qwen9-8B"
    rec = yaml.safe_load(q.snippet)[0]
    assert rec["orgs"] == ["qwen"] and rec["hf_repo"] == "Qwen/Qwen9-8B"
    assert rec["license"] == "apache-2.0" and rec["modality"] == "language"
    assert str(rec["date"]) == "2026-04-01"
    assert found["liked"].org_id == "deepseek"


def test_thresholds_and_since(hub_store):
    with open_store(hub_store) as s:
        none = suggest(s, since=dt.date(2026, 1, 1), min_downloads=10**9, min_likes=10**9)
        old = {c.family for c in suggest(s, since=dt.date(2023, 1, 1))}
    assert none == []
    assert "oldmodel" in old


def test_cli_suggest(hub_store, capsys: pytest.CaptureFixture[str]):
    code = main(["registry", "suggest", "--store", str(hub_store), "--since", "2026-01-01"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "qwen9" in out and "- id: qwen9" in out and "https://huggingface.co/Qwen/Qwen9-8B" in out
    code = main(
        [
            "registry",
            "suggest",
            "--store",
            str(hub_store),
            "--since",
            "2026-01-01",
            "--format",
            "json",
        ]
    )
    rows = json.loads(capsys.readouterr().out)
    assert [r["family"] for r in rows] == ["qwen9", "gemma-9", "liked"]


def test_registry_check_warns_when_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["registry", "check", "--max-age", "100000"])
    _, err = capsys.readouterr()
    assert code == 0 and "warning" not in err
    code = main(["registry", "check", "--max-age", "0"])
    out, err = capsys.readouterr()
    assert code == 0 and "registry ok" in out
    assert err.startswith("warning: the newest release is from")
