"""The Hub commands: update hf, models, lineage, datasets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openrace.cli import main
from tests.hf.fakehub import FakeHub, FakeHubServer, MemoryCatalog

FAST = ["--requests-per-5min", "0", "--retries", "0"]


def ns_args() -> list[str]:
    out: list[str] = []
    for ns in ("Qwen", "meta-llama", "mistralai", "deepseek-ai"):
        out += ["--namespace", ns]
    return out


@pytest.fixture
def filled(tmp_path: Path, fake_hub: FakeHubServer, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> Path:
    store = tmp_path / "cli.duckdb"
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    assert main(["update", "hf", *ns_args(), *FAST, "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "records stored" in out and "0 quarantined" in out
    return store


def test_update_hf_json_summary(tmp_path: Path, fake_hub: FakeHubServer,
                                monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    store = tmp_path / "j.duckdb"
    assert main(["update", "hf", "--namespace", "Qwen", "--depth", "1", "--kind", "model",
                 *FAST, "--format", "json", "--store", str(store)]) == 0
    summary = json.loads(capsys.readouterr().out)[0]
    assert summary["stored"] == 2 + 3 and summary["rejected"] == 0


def test_models_listing(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--format", "json", "--store", str(filled)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["model"] == "meta-llama/Llama-3.1-8B"  # most downloaded
    by = {r["model"]: r for r in rows}
    assert by["bob/qwen-ft-ft"]["origin_country"] == "CN"
    assert by["bob/qwen-ft-ft"]["country"] is None
    assert main(["models", "--country", "CN", "--no-quantized", "--format", "csv",
                 "--store", str(filled)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("model,org,country")
    assert not any("GGUF" in line for line in lines) and len(lines) == 1 + 6
    assert main(["models", "--derivatives", "--sort", "likes", "--format", "csv",
                 "--store", str(filled)]) == 0
    out = capsys.readouterr().out
    assert "dave/merge" in out and "Qwen/Qwen2.5-7B," not in out
    assert main(["models", "--limit", "3", "--store", str(filled)]) == 0
    assert "3 row(s)" in capsys.readouterr().out


def test_lineage_tree(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lineage", "Qwen/Qwen2.5-7B", "--store", str(filled)]) == 0
    out = capsys.readouterr().out
    for child in ("alice/qwen-ft", "bob/qwen-ft-ft", "TheBloke/Qwen2.5-7B-GGUF",
                  "dave/merge"):
        assert child in out
    assert main(["lineage", "Qwen/Qwen2.5-7B", "--depth", "1", "--format", "json",
                 "--store", str(filled)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["model"] for r in rows} == {"alice/qwen-ft", "TheBloke/Qwen2.5-7B-GGUF",
                                          "dave/merge"}
    assert main(["lineage", "nobody/nothing", "--store", str(filled)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no harvested model") and "Traceback" not in err


def test_datasets_catalogue(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets", "--format", "json", "--store", str(filled)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["dataset"] for r in rows} == {"Qwen/qwen-data", "meta-llama/llama-evals"}
    evals = next(r for r in rows if r["dataset"] == "meta-llama/llama-evals")
    assert evals["tasks"] == "question-answering" and evals["country"] == "US"
    assert evals["license_class"] == "open-restricted"
    assert main(["datasets", "--task", "question-answering", "--min-completeness", "0.5",
                 "--format", "csv", "--store", str(filled)]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2


@pytest.mark.parametrize("args", [
    ["update", "hf", "--plan", "platinum"],
    ["update", "hf", "--depth", "11"],
    ["update", "hf", "--kind", "space"],
    ["update", "hf", "--memory-limit", "lots"],
    ["models", "--sort", "vibes"],
    ["datasets", "--min-completeness", "3"],
])
def test_bad_flags(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
                   ) -> None:
    assert main([*args, "--store", str(tmp_path / "f.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err


def test_unreachable_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # HF_ENDPOINT points at a closed port (tests/conftest.py)
    assert main(["update", "hf", "--namespace", "Qwen", *FAST,
                 "--store", str(tmp_path / "u.duckdb")]) == 4
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach the Hub") and len(err.strip().splitlines()) == 1


def test_bad_token_never_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    hub = FakeHub(catalog=MemoryCatalog(), tokens={"hf_right"})
    with FakeHubServer(hub) as srv:
        monkeypatch.setenv("HF_ENDPOINT", srv.url)
        monkeypatch.setenv("HF_TOKEN", "hf_wrong_secret")
        assert main(["update", "hf", "--namespace", "Qwen", *FAST,
                     "--store", str(tmp_path / "t.duckdb")]) == 4
    captured = capsys.readouterr()
    assert "HF_TOKEN" in captured.err and "hf_wrong_secret" not in captured.err + captured.out
