"""The report commands through the CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from openrace.cli import main
from tests.report.report_sample import sample_store


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    sample_store(str(path), hub=False).close()
    return path


def test_report_command_writes_page_csv_and_images(tmp_path: Path, store_file: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["report", "--out", str(out), "--svg", "--store", str(store_file)])
    assert code == 0
    assert (out / "index.html").is_file()
    assert list((out / "data").glob("*.csv"))
    assert list((out / "figures").glob("*.svg"))
    assert "report written to" in capsys.readouterr().out
    html = (out / "index.html").read_text()
    # every claim says who made it, with a link to the record
    assert "Said by Andy Konwinski (co-founder of Databricks and Laude), Cerebral Valley AI " \
        "Summit, as reported in the press, 2025-11" in html
    assert '<a href="https://www.techbuzz.ai/articles/' in html
    assert 'rel="noopener noreferrer">source</a>' in html


def test_chart_command(tmp_path: Path, store_file: Path,
                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chart", "--store", str(store_file)]) == 0
    listed = capsys.readouterr().out
    assert "releases-by-quarter" in listed
    target = tmp_path / "one.png"
    assert main(["chart", "releases-by-quarter", "--out", str(target),
                 "--store", str(store_file)]) == 0
    assert target.read_bytes().startswith(b"\x89PNG")
    csv_target = tmp_path / "one.csv"
    assert main(["chart", "open-share-by-year", "-o", str(csv_target),
                 "--store", str(store_file)]) == 0
    assert csv_target.read_text().startswith("period,")


def test_chart_command_errors(tmp_path: Path, store_file: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chart", "no-such-chart", "--store", str(store_file)]) == 2
    err = capsys.readouterr().err
    assert "no chart named 'no-such-chart'" in err and "releases-by-quarter" in err
    assert main(["chart", "releases-by-quarter", "--format", "gif",
                 "--store", str(store_file)]) == 2


def test_serve_no_build_needs_a_report(tmp_path: Path, store_file: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--no-build", "--store", str(store_file)]) == 2
    assert main(["serve", "--no-build", "--out", str(tmp_path / "none"),
                 "--store", str(store_file)]) == 2
    assert "no report in" in capsys.readouterr().err


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    for cmd, words in (("report", "offline"), ("chart", "one chart"), ("serve", "127.0.0.1")):
        assert main([cmd, "--help"]) == 0
        assert words in capsys.readouterr().out
