"""Every bad input is one clear line and a non-zero exit, and nothing is created without
asking (issue 16, items 5, 8 and 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openrace.api import open_store
from openrace.cli import main


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: "), err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    open_store(path).close()
    return path


# -- item 5 --------------------------------------------------------------------------------


def test_export_onto_a_file(
    store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "passwd"
    victim.write_text("root:x:0:0\n")
    assert main(["export", str(victim), "--store", str(store_file)]) == 2
    assert "is not a directory" in _one_line(capsys)
    assert victim.read_text() == "root:x:0:0\n"


def test_report_out_where_nothing_can_be_written(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--out", "/proc/x", "--store", str(store_file)]) != 0
    _one_line(capsys)


def test_report_out_onto_a_file(
    store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["report", "--out", str(f), "--store", str(store_file)]) == 2
    assert "is a file" in _one_line(capsys)


def test_a_file_system_error_is_one_line(
    store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if (locked / "probe").parent.stat().st_mode & 0o200 or _is_root():
            pytest.skip("running as root: permissions do not stop writes")
        assert main(["report", "--out", str(locked / "r"), "--store", str(store_file)]) == 1
        assert "Permission denied" in _one_line(capsys)
    finally:
        locked.chmod(0o700)


def _is_root() -> bool:
    import os

    return os.geteuid() == 0


@pytest.mark.parametrize("limit", ["-1", "-50"])
def test_papers_negative_limit(
    store_file: Path, limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["papers", "--limit", limit, "--store", str(store_file)]) == 2
    assert "--limit" in _one_line(capsys)


@pytest.mark.parametrize("command", [["registry", "check"], ["claims", "--file"]])
def test_a_file_nested_5000_levels_deep(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("- " + "[" * 5000 + "]" * 5000 + "\n")
    assert main([*command, str(deep)]) == 2
    err = capsys.readouterr().err
    assert f"{deep}:1: " in err and "nested too deeply" in err and "Traceback" not in err


# -- item 8 --------------------------------------------------------------------------------

CLAIM = """\
- id: my-claim
  text: China releases more open models.
  test: compare
  metric: {metric}
  by: country
  period: year
  at: 2025
  a: CN
  b: US
  options: {options}
  alternatives:
    - label: fractional
      options: {alt_options}
"""


@pytest.mark.parametrize(
    "metric, options, alt_options, line, needle",
    [
        ("open_relases", "{}", "{counting: fractional}", 4, "unknown metric 'open_relases'"),
        ("open_releases", "{counting: halves}", "{counting: fractional}", 10, "counting"),
        ("open_releases", "{colour: red}", "{counting: fractional}", 10, "no option 'colour'"),
        ("open_releases", "{}", "{counting: thirds}", 13, "alternative 'fractional'"),
    ],
)
def test_a_claims_file_with_an_unknown_metric_or_option(
    tmp_path: Path,
    metric: str,
    options: str,
    alt_options: str,
    line: int,
    needle: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    f = tmp_path / "claims.yaml"
    f.write_text(CLAIM.format(metric=metric, options=options, alt_options=alt_options))
    assert main(["claims", "--file", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"{f}:{line}: " in err and needle in err, err
    assert "insufficient data" not in err


def test_a_valid_claims_file_still_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "claims.yaml"
    f.write_text(
        CLAIM.format(metric="open_releases", options="{}", alt_options="{counting: fractional}")
    )
    assert main(["claims", "--file", str(f), "-f", "json"]) == 0


@pytest.mark.parametrize(
    "args, needle",
    [
        (["update", "hf", "--max-pages", "-1"], "--max-pages"),
        (["update", "hf", "--max-pages", "0"], "--max-pages"),
        (["update", "hf", "--commit-every", "0"], "--commit-every"),
        (["update", "openalex", "--requests-per-second", "-1"], "--requests-per-second"),
        (["update", "openalex", "--requests-per-second", "nan"], "--requests-per-second"),
    ],
)
def test_update_flags_that_could_do_nothing_are_refused(
    tmp_path: Path, args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "u.duckdb"
    assert main([*args, "--store", str(store)]) == 2
    assert needle in _one_line(capsys)
    assert not store.exists()  # refused before anything was opened, let alone a request


@pytest.mark.parametrize(
    "args, needle",
    [
        (["orgs", "--sector", "bogus"], "industry, academia"),
        (["orgs", "--country", "XX"], "CN"),
        (["releases", "--country", "XX"], "US"),
        (["releases", "--org", "no-such-lab"], "openrace orgs"),
        (["models", "--country", "XX"], "CN"),
        (["models", "--org", "no-such-lab"], "openrace orgs"),
        (["datasets", "--country", "XX"], "CN"),
    ],
)
def test_filters_no_record_can_match_name_the_valid_values(
    store_file: Path, args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, "--store", str(store_file)]) == 2
    assert needle in _one_line(capsys)


def test_a_valid_country_with_no_models_is_an_empty_table(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "--country", "cn", "-f", "json", "--store", str(store_file)]) == 0
    assert capsys.readouterr().out.strip() == "[]"


# -- item 9 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["query", "SELECT 1"],
        ["models"],
        ["datasets"],
        ["papers"],
        ["lineage", "a/b"],
        ["export", "OUT"],
    ],
)
def test_read_commands_on_a_missing_store_say_so_and_create_nothing(
    tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo" / "stroe.duckdb"
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    assert main([*args, "--store", str(missing)]) == 3
    assert "no store at" in _one_line(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["orgs"],
        ["releases"],
        ["registry", "show", "qwen"],
        ["metrics", "show", "open_releases"],
        ["claims", "--id", "cn-more-open-releases-2025"],
        ["chart"],
    ],
)
def test_registry_reads_on_a_missing_store_create_nothing(
    tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """These answer from the bundled registry alone, in memory."""
    missing = tmp_path / "stroe.duckdb"
    assert main([*args, "--store", str(missing)]) == 0
    assert capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_a_store_in_a_folder_that_does_not_exist_is_not_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no" / "such" / "dir" / "s.duckdb"
    assert main(["update", "hf", "--max-pages", "1", "--store", str(target)]) == 3
    assert "does not exist" in _one_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_chart_into_a_folder_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nonexistent" / "dir" / "x.svg"
    assert main(["chart", "releases-by-quarter", "--out", str(target)]) == 2
    assert "no folder" in _one_line(capsys)
    assert not (tmp_path / "nonexistent").exists()
