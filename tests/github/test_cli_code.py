"""`openrace update github` and `openrace repos` end to end against the fake GitHub, the
bundled registry's accounts included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from openrace.cli import main
from openrace.store import Store
from tests.github.conftest import registry_world
from tests.github.fakegithub import FakeGitHubServer


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def registry_server(bundled_registry: Any) -> Any:
    """The fake holding every account of the bundled registry but one."""
    with FakeGitHubServer(registry_world(bundled_registry, missing=("openai",))) as srv:
        yield srv


def test_update_from_a_fresh_store_then_a_304_rerun_then_repos(
    registry_server: FakeGitHubServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gh = registry_server.gh
    monkeypatch.setenv("GITHUB_API_URL", registry_server.url)
    monkeypatch.setenv("GITHUB_TOKEN", "good-token")
    db = tmp_path / "s.duckdb"
    code, out, err = _run(["update", "github", "--store", str(db), "--format", "json"], capsys)
    assert code == 0, err
    first = json.loads(out)[0]
    repos = sum(len(v) for v in gh.orgs.values())
    assert first["stored"] == repos and first["not_found"] == ["openai"]
    assert first["requests"] == len(gh.orgs) + 2  # one page per account, two 404s
    assert all(auth for _, _, auth in gh.log)
    gh.log.clear()
    code, out, err = _run(["update", "github", "--store", str(db)], capsys)
    assert code == 0, err
    assert f"({len(gh.orgs):,} unchanged pages answered 304)" in out
    assert gh.count(200) == 0
    with Store(db, read_only=True) as s:
        text = json.dumps(s.dicts("SELECT * FROM harvest_runs"), default=str)
        text += json.dumps(s.dicts("SELECT * FROM http_cache"), default=str)
        assert "good-token" not in text
        assert (
            s.con.execute("SELECT count(DISTINCT run_id) FROM observations").fetchall()[0][0] == 2
        )

    code, out, err = _run(
        ["repos", "--store", str(db), "--format", "json", "--country", "CN", "--limit", "0"], capsys
    )
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all("CN" in r["countries"] for r in rows)
    assert [r["stars"] for r in rows] == sorted((r["stars"] for r in rows), reverse=True)
    code, out, _ = _run(
        ["repos", "--store", str(db), "--format", "csv", "--org", "deepseek", "--sort", "created"],
        capsys,
    )
    lines = out.strip().splitlines()
    assert lines[0].startswith("repo,created,stars,forks,open_issues,license")
    assert len(lines) == 5 and all("deepseek-ai/" in x for x in lines[1:])
    code, out, _ = _run(
        ["repos", "--store", str(db), "--since", "2025-01-01", "--owner", "QwenLM"], capsys
    )
    assert code == 0 and "3 row(s)" in out


def test_repos_bad_flags_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    for args, text in (
        (["--sort", "size"], "--sort must be one of"),
        (["--since", "last year"], "--since must be a date"),
        (["--country", "USA"], "--country must be"),
        (["--license-class", "free"], "--license-class must be one of"),
        (["--country-rule", "x"], "--country-rule must be"),
    ):
        code, _, err = _run(["repos", "--store", str(db), *args], capsys)
        assert code == 2 and err.startswith("error: ") and text in err
        assert err.strip().count("\n") == 0


def test_update_errors_are_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    registry_server: FakeGitHubServer,
) -> None:
    db = str(tmp_path / "s.duckdb")
    code, _, err = _run(["update", "github", "--store", db, "--org", "deepseek"], capsys)
    assert code == 4 and err.startswith("error: cannot reach GitHub at http://127.0.0.1:9")
    code, _, err = _run(["update", "github", "--store", db, "--page-size", "500"], capsys)
    assert code == 2 and "--page-size must be between 1 and 100" in err
    code, _, err = _run(["update", "github", "--store", db, "--org", "nope"], capsys)
    assert code == 2 and "unknown organisation(s): nope" in err
    monkeypatch.setenv("GITHUB_API_URL", registry_server.url)
    monkeypatch.setenv("GITHUB_TOKEN", "secret-but-wrong")
    code, _, err = _run(["update", "github", "--store", db, "--org", "deepseek"], capsys)
    assert code == 4 and "check GITHUB_TOKEN" in err and "secret-but-wrong" not in err
    monkeypatch.delenv("GITHUB_TOKEN")
    registry_server.gh.anonymous_limit = 1
    code, _, err = _run(
        ["update", "github", "--store", db, "--org", "meta", "--max-wait", "10"], capsys
    )
    assert code == 4 and err.startswith("error: GitHub rate limit is spent")
    assert err.strip().count("\n") == 0
