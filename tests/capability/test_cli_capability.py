"""`openrace update benchmarks` and `openrace benchmarks` against the fake server."""

from __future__ import annotations

import json

import pytest

from openrace.cli import main


def _env(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("EPOCH_BENCHMARKS_URL", f"{url}/data/benchmark_data.zip")
    monkeypatch.setenv("ARENA_ENDPOINT", url)


def test_update_benchmarks_then_list(
    server,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    _env(monkeypatch, server.url)
    assert main(["update", "benchmarks"]) == 0
    out = capsys.readouterr().out
    assert "epoch-benchmarks finished" in out and "arena finished" in out
    assert "quarantined" in out and "skipped metr_time_horizons_external.csv" in out
    assert main(["benchmarks", "--unmatched", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["model"] for r in rows] == ["mystery-model-7b"]
    assert main(["update", "benchmarks", "--source", "arena", "--format", "json"]) == 0
    (r,) = json.loads(capsys.readouterr().out)
    assert r["source"] == "arena" and r["rejected"] == 2


def test_update_benchmarks_errors_are_one_line(
    server,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("EPOCH_BENCHMARKS_URL", f"{server.url}/data/moved.zip")
    assert main(["update", "benchmarks", "--source", "epoch"]) == 4
    err = capsys.readouterr().err
    assert err.startswith("error:") and "HTTP 404" in err and len(err.strip().splitlines()) == 1
    # nothing listens on the default test endpoints
    monkeypatch.setenv("ARENA_ENDPOINT", "http://127.0.0.1:9")
    assert main(["update", "benchmarks", "--source", "arena"]) == 4
    assert "cannot reach" in capsys.readouterr().err
    assert main(["update", "benchmarks", "--arena-split", "middle"]) == 2
    assert main(["update", "benchmarks", "--source", "nope"]) == 2
