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


@pytest.fixture
def quick_server(server: ReportServer) -> Iterator[ReportServer]:
    """A second server over the same report and store, with a 1-second socket timeout."""
    srv = ReportServer(server.report_dir, server.open_store, port=0,
                       catalogue=server.catalogue, request_timeout=1.0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    t.join(timeout=5)


def test_an_idle_half_request_does_not_delay_another_client(
        quick_server: ReportServer) -> None:
    import socket
    import time

    host, port = quick_server.server_address[:2]
    idle = socket.create_connection((host, port))
    try:
        idle.sendall(b"GET /api/metrics HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        started = time.monotonic()
        for path in ("/api/metrics", "/", "/api/metrics/releases?by=country"):
            assert _get(quick_server, path).status_code == 200
        assert time.monotonic() - started < 0.9  # well inside the idle client's timeout
        # the idle client is dropped once its timeout has passed
        idle.settimeout(10)
        assert idle.recv(1024) == b""
        assert time.monotonic() - started < 5
    finally:
        idle.close()


def test_a_client_hanging_up_mid_answer_leaves_no_traceback(
        quick_server: ReportServer, capfd: pytest.CaptureFixture[str]) -> None:
    import socket
    import struct
    import sys
    import time

    seen: list[BaseException | None] = []
    quiet = quick_server.handle_error

    def record(request: object, address: object) -> None:
        seen.append(sys.exc_info()[1])
        quiet(request, address)

    quick_server.handle_error = record  # type: ignore[method-assign]
    host, port = quick_server.server_address[:2]
    for _ in range(20):
        c = socket.create_connection((host, port))
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        c.sendall(b"GET / HTTP/1.0\r\n\r\n")
        c.recv(10)
        # a reset (linger 0) rather than a polite close: the server's next write fails
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
    time.sleep(0.5)
    assert _get(quick_server, "/api/metrics").status_code == 200  # still serving
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err
    assert any(isinstance(e, ConnectionError) for e in seen)  # the hang-ups did happen
