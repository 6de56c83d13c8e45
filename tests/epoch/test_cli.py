"""``openrace update epoch`` and ``openrace releases`` end to end against the fake server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openrace.cli import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_update_epoch_then_releases(
    epoch_server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    endpoint, _ = epoch_server
    monkeypatch.setenv("EPOCH_ENDPOINT", endpoint)
    db = str(tmp_path / "s.duckdb")
    code, out, err = _run(["update", "epoch", "--store", db], capsys)
    assert code == 0, err
    assert "9 models stored" in out and "5 quarantined" in out
    assert "Mystery Lab" in out and "Unknown Lab" in out  # unmatched names listed
    code, out, err = _run(
        ["releases", "--store", db, "--catalogue", "epoch", "--format", "json"], capsys
    )
    assert code == 0, err
    rows = {r["name"]: r for r in json.loads(out)}
    assert len(rows) == 9
    assert rows["GLM-Joint"]["org_ids"] == "tsinghua-university;zhipu-ai"
    assert rows["Duo-Model"]["org_names"] == "Google DeepMind;Unknown Lab"
    assert rows["Duo-Model"]["countries"] == "US"  # DeepMind's owner (Google) and the lab's US
    assert rows["Mystery-1"]["countries"] == "KR" and rows["Mystery-1"]["org_ids"] is None
    assert rows["Mystery-1"]["release_date"] == "2025-11"
    assert rows["Year-Only"]["release_date"] == "2025" and rows["Year-Only"]["org_names"] is None
    assert all(r["catalogue"] == "epoch" for r in rows.values())


def test_update_epoch_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "s.duckdb")
    code, _, err = _run(["update", "epoch", "--store", db, "--list", "everything"], capsys)
    assert code == 2 and err.startswith("error: --list must be one of")
    monkeypatch.setenv("EPOCH_ENDPOINT", "http://127.0.0.1:9/data")
    code, _, err = _run(["update", "epoch", "--store", db], capsys)
    assert code == 4 and err.startswith("error: cannot reach Epoch AI")
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setenv("EPOCH_ENDPOINT", "ftp://x")
    code, _, err = _run(["update", "epoch", "--store", db], capsys)
    assert code == 4 and "EPOCH_ENDPOINT must be an http(s) URL" in err
