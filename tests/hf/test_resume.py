"""A harvest killed with SIGKILL resumes from its last committed page: nothing lost or
doubled, exact row counts; a second concurrent update is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from openrace.store import Store
from tests.hf.fakehub import FakeHub, FakeHubServer, MemoryCatalog, make_model

N = 60
PAGE = 5
KILL_AT = 10  # killed when it asks for page 10 of 13
SETTLE = 3.0  # seconds the request for page KILL_AT is held before the kill
CLI = "import sys; from openrace.cli import main; sys.exit(main(sys.argv[1:]))"
COMMIT = 2 * PAGE  # two pages per transaction
UPDATE = ["update", "hf", "--full", "--kind", "model", "--requests-per-5min", "0",
          "--page-size", str(PAGE), "--commit-every", str(COMMIT), "--retries", "0",
          "--format", "json"]


def _catalog() -> MemoryCatalog:
    models = [make_model(f"org{i % 7}/m{i:03d}",
                         f"2024-02-01T{i // 60:02d}:{i % 60:02d}:00.000Z", downloads=i)
              for i in range(N)]
    # sorts first (newest first, 'n' > '2'): quarantined on page 1
    broken = {**make_model("org0/broken", "2024-01-01T00:00:00.000Z"),
              "createdAt": "not a date"}
    return MemoryCatalog([*models, broken], [])


def _listings(hub: FakeHub) -> int:
    return sum(1 for p in hub.log if p.startswith("/api/models"))


def _run(url: str, store: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HF_ENDPOINT": url, "OPENRACE_STORE": str(store)}
    return subprocess.Popen([sys.executable, "-c", CLI, *UPDATE, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_sigkill_mid_harvest_resumes_exactly(tmp_path: Path) -> None:
    store_file = tmp_path / "kill.duckdb"
    hub = FakeHub(catalog=_catalog(), max_page=PAGE)
    with FakeHubServer(hub) as srv:
        proc = _run(srv.url, store_file)
        killed = threading.Event()
        listings = iter(range(1, 10_000))

        def kill_on(n: int, path: str) -> None:
            # count listing requests only (the client also asks the Hub for its agent list).
            # The client reads up to 16 pages ahead in a worker thread, so when it asks for
            # page KILL_AT the main thread may still be storing earlier pages: the request is
            # held for SETTLE seconds so that what was delivered is stored, then the process
            # is killed while it waits for that page.
            if path.startswith("/api/models") and next(listings) == KILL_AT \
                    and not killed.is_set():
                time.sleep(SETTLE)
                os.kill(proc.pid, signal.SIGKILL)
                killed.set()
                time.sleep(0.3)

        hub.on_request = kill_on
        proc.wait(timeout=180)
        assert killed.is_set(), proc.stderr.read().decode()  # type: ignore[union-attr]
        assert proc.returncode == -signal.SIGKILL

        # what the killed run committed: whole transactions of two pages (page 1 holds the
        # quarantined record), at least one of them. After SETTLE seconds that is pages 1-8
        # (page 9 waits for its pair), but the assertions hold for any whole number.
        with Store(store_file) as s:
            stored = s.con.execute("SELECT count(*) FROM artifacts WHERE source = 'hf'"
                                   ).fetchall()[0][0]
            assert s.con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == 1
            assert (stored + 1) % COMMIT == 0 and stored + 1 >= COMMIT, stored
            committed = (stored + 1) // PAGE
            assert committed < KILL_AT - 1
            assert s.con.execute("SELECT count(*) FROM observations").fetchall()[0][0] == (
                stored * 4)
            runs = s.dicts("SELECT scope, status, n_stored, n_rejected, cursor "
                           "FROM harvest_runs ORDER BY run_id")
            assert [r["status"] for r in runs] == ["running", "running"]
            assert runs[1]["n_stored"] == stored and runs[1]["n_rejected"] == 1
            assert "cursor=" in runs[1]["cursor"]

        hub.on_request = None
        before = _listings(hub)
        proc = _run(srv.url, store_file)
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err.decode()
        pages = (N + 1 + PAGE - 1) // PAGE
        # resumed at the first uncommitted page: nothing fetched twice
        assert _listings(hub) - before == pages - committed

    with Store(store_file, read_only=True) as s:
        count = s.counts()
        assert s.con.execute("SELECT count(*) FROM artifacts WHERE source = 'hf'"
                             ).fetchall()[0][0] == N
        assert count["observations"] == N * 4
        assert s.con.execute("SELECT count(DISTINCT run_id) FROM observations"
                             ).fetchall()[0][0] == 1
        assert count["quarantine"] == 1
        assert s.con.execute("SELECT count(*) FROM attributions WHERE artifact_id LIKE 'hf:%'"
                             ).fetchall()[0][0] == N
        runs = s.dicts("SELECT run_id, scope, status, n_stored, n_rejected FROM harvest_runs "
                       "ORDER BY run_id")
        assert [(r["scope"], r["status"]) for r in runs] == [("update:full", "ok"),
                                                             ("full:models", "ok")]
        assert runs[1]["n_stored"] == N and runs[1]["n_rejected"] == 1
    assert b'"resumed": true' in out


@pytest.mark.slow
def test_concurrent_update_is_refused(tmp_path: Path) -> None:
    store_file = tmp_path / "busy.duckdb"
    holder = Store(store_file)  # another openrace process holds the store for writing
    try:
        env = {**os.environ, "HF_ENDPOINT": "http://127.0.0.1:9",
               "OPENRACE_STORE": str(store_file)}
        proc = subprocess.run([sys.executable, "-c", CLI, *UPDATE], env=env,
                              capture_output=True, timeout=120)
    finally:
        holder.close()
    assert proc.returncode == 3
    err = proc.stderr.decode()
    assert err.startswith("error: store is busy") and "Traceback" not in err
