"""The report's Code section from a store harvested from the fake GitHub: charts, CSVs,
definition / coverage / caveats, the claim decided, hostile text escaped; and its empty
state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from openrace.cli import main
from tests.github.conftest import registry_world
from tests.github.fakegithub import FakeGitHubServer

CHARTS = (
    "code-repos-by-year",
    "code-repos-by-org",
    "code-stars-by-year",
    "code-star-share",
    "code-licences",
    "code-languages",
)


@pytest.fixture
def harvested(bundled_registry: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    gh = registry_world(bundled_registry)
    gh.orgs["deepseek-ai"][0]["language"] = "<script>alert('x')</script>"
    db = tmp_path / "s.duckdb"
    with FakeGitHubServer(gh) as srv:
        monkeypatch.setenv("GITHUB_API_URL", srv.url)
        monkeypatch.setenv("GITHUB_TOKEN", "good-token")  # anonymous: 60 requests an hour
        assert main(["update", "github", "--store", str(db)]) == 0
    return db


def test_report_has_the_code_section(
    harvested: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert main(["report", "--out", str(out), "--store", str(harvested)]) == 0
    html = (out / "index.html").read_text()
    assert 'id="code"' in html
    for name in CHARTS:
        assert (out / "data" / f"{name}.csv").is_file(), name
        assert f"fig-{name}" in html
    assert "<script>alert('x')</script>" not in html
    assert "Only the public repositories of the GitHub accounts" in html  # caveat
    assert (out / "data" / "code-repos-by-year.csv").read_text().startswith("period,country")
    capsys.readouterr()
    assert (
        main(
            [
                "claims",
                "--store",
                str(harvested),
                "--format",
                "json",
                "--id",
                "us-code-falls-cn-code-rises",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    claim = result[0] if isinstance(result, list) else result
    assert claim["verdict"] == "supported"  # the fake world: CN 1 -> 3, US 3 -> 1 per account
    assert claim["evidence"].startswith("2022 → 2025: US")


def test_empty_store_shows_the_planned_state(tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert main(["report", "--out", str(out), "--store", str(tmp_path / "e.duckdb")]) == 0
    html = (out / "index.html").read_text()
    assert 'id="code"' in html and "openrace update github" in html
