"""`openrace serve`: the report and a read-only JSON endpoint per metric, over loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openrace.report import build_report
from openrace.report.serve import ReportServer
from openrace.store import Store
from tests.report.report_sample import sample_store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportServer]:
    """A server on an ephemeral loopback port over a file store with the sample registry."""
    root = tmp_path_factory.mktemp("serve")
    db = root / "store.duckdb"
    s = sample_store(str(db))
    try:
        build_report(s, root / "report")
    finally:
        s.close()
    srv = ReportServer(root / "report", lambda: Store(db, read_only=True), port=0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    t.join(timeout=5)


def _get(srv: ReportServer, path: str) -> httpx.Response:
    return httpx.get(srv.url.rstrip("/") + path, timeout=10)


def test_binds_loopback_only(server: ReportServer) -> None:
    assert server.server_address[0] == "127.0.0.1"


def test_serves_the_report_and_its_csv(server: ReportServer) -> None:
    r = _get(server, "/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "The open-AI race" in r.text
    csv = _get(server, "/data/releases-by-quarter.csv")
    assert csv.status_code == 200 and csv.text.startswith("period,")


def test_metric_catalogue_and_one_metric_as_json(server: ReportServer) -> None:
    listing = _get(server, "/api/metrics").json()
    assert "releases" in {m["name"] for m in listing["metrics"]}
    r = _get(server, "/api/metrics/open_releases?by=country&period=year")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["query"]["by"] == "country" and body["query"]["period"] == "year"
    assert body["columns"] == ["period", "group", "value"]
    got = {(row["period"], row["group"]): row["value"] for row in body["rows"]}
    assert got[("2025", "CN")] == 4.0  # m17, m18, m19, and the joint m20
    assert got[("2025", "US")] == 2.0  # m09 and the joint m20 (whole counting)
    frac = _get(server, "/api/metrics/open_releases?by=country&period=year"
                        "&counting=fractional").json()
    fgot = {(row["period"], row["group"]): row["value"] for row in frac["rows"]}
    assert fgot[("2025", "US")] == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/nope", 404),
        ("/api/metrics/no_such_metric", 404),
        ("/data/%2e%2e/index.html", 404),
        ("/figures/..%2findex.html", 404),
        ("/data/missing.csv", 404),
        ("/api/metrics/releases?by=planet", 400),
        ("/api/metrics/releases?counting=approximately", 400),
    ],
)
def test_clean_errors(server: ReportServer, path: str, status: int) -> None:
    r = _get(server, path)
    assert r.status_code == status
    body = r.json()
    assert body["status"] == status and body["error"]
    assert "Traceback" not in r.text


def test_read_only(server: ReportServer) -> None:
    r = httpx.post(server.url + "api/metrics/releases", timeout=10)
    assert r.status_code == 405


def test_serve_command_answers_over_loopback(tmp_path: Path) -> None:
    """`openrace serve --port 0` builds the report, prints its URL and answers."""
    import os
    import subprocess
    import sys
    import time

    db = tmp_path / "s.duckdb"
    sample_store(str(db)).close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "openrace", "serve", "--port", "0", "--store", str(db),
         "--out", str(tmp_path / "out")],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        url = None
        deadline = time.monotonic() + 120
        assert proc.stderr is not None
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            if "serving the report at" in line:
                url = line.split(" at ", 1)[1].split()[0]
                break
        assert url and url.startswith("http://127.0.0.1:")
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200 and "The open-AI race" in page.text
        api = httpx.get(url + "api/metrics/open_share?by=country&period=year", timeout=30)
        assert api.status_code == 200 and api.json()["rows"]
        assert httpx.get(url + "nothing-here", timeout=10).status_code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)
