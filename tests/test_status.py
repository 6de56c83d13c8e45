"""``openrace status``: what the store holds per source, as a table, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from openrace.cli import main
from openrace.cli.common import out_console
from openrace.queries.status import COLUMNS, source_status
from openrace.store import Store
from tests.report.report_sample import HUB_MODELS, sample_store


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample store (registry, two Hub harvests, one OpenAlex harvest) plus a failed
    GitHub run that stored nothing and one quarantined Hub record."""
    path = tmp_path_factory.mktemp("status") / "store.duckdb"
    s = sample_store(str(path))
    try:
        run_id = s.start_run("github", "update")
        s.finish_run(run_id, "failed", "connection refused")
        s.quarantine(None, "hf", "broken/model", "no id", "{}")
    finally:
        s.close()
    return path


def test_missing_store_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.duckdb"
    code, out, err = run(["status", "--store", str(missing)], capsys)
    assert code == 0 and err == ""
    assert out.count("\n") == 1 and out.startswith(f"no store at {missing}")
    code, out, _ = run(["status", "--store", str(missing), "--format", "json"], capsys)
    assert code == 0 and out.count("\n") == 1
    assert json.loads(out) == {"store": str(missing), "exists": False, "sources": []}
    assert not missing.exists()


def test_json_per_source(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["status", "--store", str(db), "--format", "json"], capsys)
    assert code == 0
    info = json.loads(out)
    assert info["exists"] is True and info["schema_version"] >= 4 and info["size_bytes"] > 0
    by = {r["source"]: r for r in info["sources"]}
    assert set(by) == {"registry", "hf", "openalex", "github"}
    assert all(list(r) == list(COLUMNS) for r in info["sources"])
    hf = by["hf"]
    assert hf["records"] == len(HUB_MODELS)
    assert hf["observations"] == 2 * 3 * len(HUB_MODELS)  # two harvests, three measures
    assert hf["quarantined"] == 1
    assert hf["last_run_status"] == "ok" and hf["last_run_scope"] == "update:registry"
    assert hf["coverage_from"] == min(c for _, _, c, _, _ in HUB_MODELS)
    assert hf["coverage_through"] == max(c for _, _, c, _, _ in HUB_MODELS)
    assert by["github"]["last_run_status"] == "failed" and by["github"]["records"] == 0
    assert by["github"]["last_ok_run"] is None
    assert by["openalex"]["records"] > 0 and by["openalex"]["coverage_from"] == "2023-01-01"
    assert by["registry"]["last_run_status"] == "synced" and by["registry"]["last_ok_run"]


def test_table_and_csv(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(out_console.real(), "width", 200)  # no folded cells
    code, out, _ = run(["status", "--store", str(db)], capsys)
    assert code == 0
    assert out.startswith(f"store {db}: schema ")
    for source in ("registry", "hf", "openalex", "github", "failed", "4 row(s)"):
        assert source in out
    code, out, _ = run(["status", "--store", str(db), "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 4


def test_empty_store_and_the_library() -> None:
    with Store(":memory:") as s:
        assert source_status(s) == []
    s = sample_store()
    try:
        assert [r["source"] for r in source_status(s)] == ["hf", "openalex", "registry"]
    finally:
        s.close()


def test_store_is_left_as_it_was(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = db.read_bytes()
    assert run(["status", "--store", str(db)], capsys)[0] == 0
    assert db.read_bytes() == before
