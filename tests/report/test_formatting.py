"""One formatter for every output: a count of 12,345,678 reads back exactly from the CLI
(table, CSV, JSON), the report's CSVs and page, and ``serve``'s JSON."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import threading
from pathlib import Path

import httpx
import pyarrow as pa
import pytest

from openrace.cli import main
from openrace.report import build_report
from openrace.report.builder import table_view
from openrace.report.exports import write_csv
from openrace.report.formatting import csv_cell, display, number, plain, share
from openrace.report.serve import ReportServer
from openrace.store import Store, utcnow
from tests.report.report_sample import HUB_MODELS, sample_store

BIG = 12_345_678


def test_numbers_are_exact() -> None:
    assert csv_cell(float(BIG)) == csv_cell(BIG) == number(decimal.Decimal(BIG)) == str(BIG)
    assert csv_cell(0.1 + 0.2) == repr(0.1 + 0.2)  # reads back as the same float
    assert float(csv_cell(1 / 3)) == 1 / 3
    assert csv_cell(float("nan")) == "" and plain(float("nan")) is None
    assert csv_cell(2.0**60) == repr(2.0**60)  # beyond 2**53 a float is not an exact integer
    assert display(float(BIG)) == display(BIG) == "12,345,678"
    assert display(BIG + 0.5) == "12,345,678.5"
    assert display(2 / 3) == "0.6667" and display(1234.5678) == "1,234.6"
    assert display(["a", 1000]) == "a; 1,000"
    assert csv_cell(dt.date(2025, 3, 1)) == display(dt.date(2025, 3, 1)) == "2025-03-01"
    assert plain(dt.datetime(2025, 3, 1, 12)) == csv_cell(dt.datetime(2025, 3, 1, 12))
    assert share(0.5) == "50.0%" and share(None) == "n/a"


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample store, with a newest Hub harvest in which one US model had 12,345,678
    downloads in 30 days and every other model none."""
    db = tmp_path_factory.mktemp("big") / "store.duckdb"
    s = sample_store(str(db))
    try:
        run = s.start_run("hf", "update:registry")
        when = utcnow() + dt.timedelta(seconds=1)
        s.append(
            "observations",
            [
                {
                    "artifact_id": f"hf:model:{repo}",
                    "metric": "downloads_30d",
                    "value": float(BIG) if repo == "usa-lab/base-7b" else 0.0,
                    "observed_at": when,
                    "run_id": run,
                }
                for repo, *_ in HUB_MODELS
            ],
        )
        s.finish_run(run, "ok")
    finally:
        s.close()
    return db


def _show(db: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert (
        main(
            [
                "metrics",
                "show",
                "hub_downloads",
                "--by",
                "country",
                "--format",
                fmt,
                "--store",
                str(db),
            ]
        )
        == 0
    )
    return capsys.readouterr().out


def test_cli_outputs_round_trip(big_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(csv.DictReader(io.StringIO(_show(big_store, "csv", capsys))))
    us = [r for r in rows if r["group"] == "US"]
    assert us and us[0]["value"] == str(BIG)
    data = json.loads(_show(big_store, "json", capsys))
    assert [r["value"] for r in data if r["group"] == "US"] == [BIG]
    assert "12,345,678" in _show(big_store, "table", capsys)


def test_release_counts_are_exact_integers_in_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", "show", "releases", "--by", "country", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and all(r["value"].isdigit() for r in rows)


def test_report_and_serve_round_trip(big_store: Path, tmp_path: Path) -> None:
    s = Store(big_store)
    try:
        build_report(s, tmp_path / "report")
    finally:
        s.close()
    cells = [
        c
        for f in (tmp_path / "report" / "data").glob("*.csv")
        for row in csv.reader(f.open(encoding="utf-8"))
        for c in row
    ]
    assert str(BIG) in cells
    assert not any("e+" in c for c in cells if c[:1].isdigit())
    srv = ReportServer(tmp_path / "report", lambda: Store(big_store, read_only=True), port=0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        body = httpx.get(
            srv.url.rstrip("/") + "/api/metrics/hub_downloads?by=country", timeout=30
        ).json()
    finally:
        srv.shutdown()
        srv.server_close()
        t.join(timeout=5)
    assert [r["value"] for r in body["rows"] if r["group"] == "US"] == [BIG]


def test_report_table_cells_and_csv(tmp_path: Path) -> None:
    table = pa.table({"group": ["US"], "value": [float(BIG)], "open_share": [0.25]})
    _cols, rows = table_view(table, None, "group", None)
    assert [text for text, _ in rows[0]["cells"]] == ["US", "12,345,678", "25.0%"]
    out = write_csv(table, tmp_path / "t.csv").read_text(encoding="utf-8")
    assert out.splitlines()[1] == f"US,{BIG},0.25"
