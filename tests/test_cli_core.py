"""The CLI: every command has help and is documented; core commands do what they say."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from openrace.api import open_store
from openrace.cli import app, main
from tests.conftest import REPO_ROOT, store_held_by_another_process


def _commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    out = []

    def walk(cmd: Any, path: list[str]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
        else:
            out.append((" ".join(path), cmd))

    walk(root, [])
    return out


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    commands = _commands()
    assert len(commands) >= 7
    for name, cmd in commands:
        assert (cmd.help or "").strip(), f"`openrace {name}` has no help text"
        assert f"openrace {name}" in readme, f"`openrace {name}` is not in README.md"


@pytest.mark.parametrize("name", [n for n, _ in _commands()])
def test_help_runs(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*name.split(), "--help"]) == 0
    assert "Usage" in capsys.readouterr().out


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_orgs_csv_has_the_documented_header(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["orgs", "--format", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    for col in ("id", "name", "aliases", "country", "sector", "hf_namespaces"):
        assert col in rows[0]
    assert len(rows) >= 250
    assert len({r["id"] for r in rows}) == len(rows)


def test_releases_csv_has_the_documented_header(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["releases", "--format", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    for col in ("name", "org_ids", "org_names", "countries", "release_date", "access",
                "license", "license_class", "hf_repo"):
        assert col in rows[0]
    assert len(rows) >= 400
    assert sum(r["access"] != "open-weights" for r in rows) >= 80


def test_releases_filters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["releases", "--format", "json", "--country", "CN", "--access", "open",
                         "--since", "2024-01-01"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert rows
    for r in rows:
        assert "CN" in r["countries"].split(";")
        assert r["access"] == "open-weights"
        assert r["release_date"] >= "2024-01"


def test_releases_filter_by_parent_org(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["releases", "--format", "json", "--org", "alibaba"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert any("qwen" in r["org_ids"].split(";") for r in rows)


def test_wrong_flag_value_is_one_line_and_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["releases", "--access", "sometimes"], capsys)
    assert code == 2
    assert err.strip().startswith("error: --access must be one of")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [["releases", "--since", "notadate"], ["releases", "--no-such-flag"],
     ["orgs", "--format", "xml"], ["no-such-command"]],
)
def test_bad_flags_are_one_line_not_a_traceback(args: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(args, capsys)
    assert code == 2
    assert err.startswith("error: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_registry_show_and_unknown_org(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["registry", "show", "deepseek", "--format", "json"], capsys)
    assert code == 0
    shown = json.loads(out)[0]
    assert shown["country"] == "CN" and shown["releases"]
    code, _, err = _run(["registry", "show", "no-such-org"], capsys)
    assert code == 2 and "unknown organisation" in err


def test_registry_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["registry", "check"], capsys)
    assert code == 0
    assert "registry ok" in out


def test_registry_check_broken_file_prints_file_line(tmp_path: Path) -> None:
    bad = tmp_path / "organizations" / "broken.yaml"
    bad.parent.mkdir()
    bad.write_text("- id: broken-org\n  name: Broken\n  country: ZZ\n  sector: industry\n"
                   "  source: https://broken.example\n")
    proc = subprocess.run([sys.executable, "-m", "openrace", "registry", "check", str(bad)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode != 0
    assert "broken.yaml:3: country: 'ZZ' is not an ISO 3166-1 alpha-2 country code" in proc.stderr


def test_query_is_read_only(capsys: pytest.CaptureFixture[str]) -> None:
    open_store().close()  # `query` never creates a store
    code, out, _ = _run(["query", "SELECT count(*) AS n FROM organizations", "-f", "json"],
                        capsys)
    assert code == 0 and json.loads(out)[0]["n"] >= 250
    code, _, err = _run(["query", "DELETE FROM organizations"], capsys)
    assert code == 2 and "read-only" in err
    code, out, _ = _run(["query", "SELECT count(*) AS n FROM organizations", "-f", "json"],
                        capsys)
    assert json.loads(out)[0]["n"] >= 250


def test_query_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    open_store().close()
    code, _, err = _run(["query", "SELECT * FROM no_such_table"], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    open_store().close()
    code, _, _ = _run(["export", str(tmp_path / "out"), "--format", fmt], capsys)
    assert code == 0
    f = tmp_path / "out" / f"organizations.{fmt}"
    n = duckdb.sql(f"SELECT count(*) FROM '{f}'").fetchall()[0][0]
    assert n >= 250
    assert (tmp_path / "out" / f"artifacts.{fmt}").exists()


def test_busy_store_is_refused_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import openrace.store

    # a reader waits READ_WAIT seconds for a writer to let it in; the holder here never does
    monkeypatch.setattr(openrace.store, "READ_WAIT", 2.0)
    path = tmp_path / "busy.duckdb"
    with store_held_by_another_process(path):
        code, _, err = _run(["orgs", "--store", str(path)], capsys)
    assert code == 3
    assert "store is busy" in err


def test_readme_python_example_runs() -> None:
    import openrace

    store = openrace.open_store(":memory:")
    t = openrace.queries.registry.releases(store, country="CN", access="open")
    assert t.num_rows > 0
    assert store.table("artifacts").count().execute() >= 400


def test_docs_methodology_lists_every_named_licence() -> None:
    from openrace.rules.openness import NAMED

    text = (REPO_ROOT / "docs" / "methodology.md").read_text()
    for lic, (cls, _) in NAMED.items():
        assert f"| `{lic}` | `{cls}` |" in text, lic


@pytest.mark.parametrize("args", [[], ["update"], ["metrics"], ["registry"]])
def test_a_group_without_a_command_prints_its_help(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # as click does: the help on stderr and exit 2, not an "error:" line wrapping the help
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("Usage: ") and "Commands:" in err
    assert "error:" not in err and "(see --help)" not in err
    if args == ["update"]:
        assert all(f"  {name} " in err for name in ("hf", "openalex", "github", "epoch"))
