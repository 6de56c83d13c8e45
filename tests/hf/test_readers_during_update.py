"""Readers during a long update (issue 16, item 7): `query`, `models`, `orgs`, `claims`
and `report` answer while a harvest runs in another process, each within the stated bound,
and see what the harvest has committed so far; the harvest finishes complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from openrace.api import open_store
from openrace.cli import main
from openrace.store import READ_WAIT, Store
from tests.hf.fakehub import FakeHub, FakeHubServer, Fault, MemoryCatalog, make_model

N = 240
PAGE = 4
CLI = "import sys; from openrace.cli import main; sys.exit(main(sys.argv[1:]))"
UPDATE = [
    "update",
    "hf",
    "--full",
    "--kind",
    "model",
    "--requests-per-5min",
    "0",
    "--page-size",
    str(PAGE),
    "--commit-every",
    str(2 * PAGE),
    "--retries",
    "0",
    "--format",
    "json",
]
#: what a reader may wait: the page in flight (0.1 s here), one batch commit and the
#: harvest closing and reopening the store; far below READ_WAIT
BOUND = 5.0


def _catalog() -> MemoryCatalog:
    return MemoryCatalog(
        [
            make_model(
                f"org{i % 5}/m{i:04d}",
                f"2024-03-01T{i // 60:02d}:{i % 60:02d}:00.000Z",
                downloads=i,
            )
            for i in range(N)
        ],
        [],
    )


def _count(capsys: pytest.CaptureFixture[str], store: Path) -> int:
    assert (
        main(
            [
                "query",
                "SELECT count(*) AS n FROM artifacts WHERE source = 'hf'",
                "-f",
                "json",
                "--store",
                str(store),
            ]
        )
        == 0
    ), capsys.readouterr().err
    return int(json.loads(capsys.readouterr().out)[0]["n"])


@pytest.mark.slow
def test_reads_answer_while_a_harvest_runs_in_another_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "busy.duckdb"
    open_store(store).close()
    hub = FakeHub(catalog=_catalog(), max_page=PAGE, always=Fault("slow", seconds=0.1))
    with FakeHubServer(hub) as srv:
        env = {**os.environ, "HF_ENDPOINT": srv.url, "OPENRACE_STORE": str(store)}
        proc = subprocess.Popen(
            [sys.executable, "-c", CLI, *UPDATE],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            while hub.requests < 4 and proc.poll() is None:
                time.sleep(0.05)
            counts, waits, during = [], [], 0
            reads = [
                ["models", "-f", "json", "--limit", "5"],
                ["orgs", "-f", "csv"],
                ["claims", "--id", "cn-more-open-releases-2025", "-f", "json"],
                ["report", "--out", str(tmp_path / "report")],
            ]
            for i in range(8):
                t0 = time.monotonic()
                counts.append(_count(capsys, store))
                waits.append(time.monotonic() - t0)
                args = reads[i % len(reads)]
                t0 = time.monotonic()
                code = main([*args, "--store", str(store)])
                waits.append(time.monotonic() - t0)
                assert code == 0, (args, capsys.readouterr().err)
                capsys.readouterr()
                during += proc.poll() is None
            assert during >= 4, "the harvest ended before the readers could test it"
            assert max(waits) < BOUND + 60, waits  # a report itself takes a few seconds
            assert sorted(counts) == counts and counts[-1] > counts[0]  # it moves on
        finally:
            out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        assert json.loads(out)[0]["stored"] == N
    assert _count(capsys, store) == N
    assert not list(tmp_path.glob("busy.duckdb.wait.*"))  # no note left behind
    assert not (tmp_path / "busy.duckdb.writer").exists()


@pytest.mark.slow
def test_a_query_waits_at_most_the_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each `query` alone (the cheapest read) gets in within BOUND seconds."""
    store = tmp_path / "q.duckdb"
    open_store(store).close()
    hub = FakeHub(catalog=_catalog(), max_page=PAGE, always=Fault("slow", seconds=0.1))
    with FakeHubServer(hub) as srv:
        env = {**os.environ, "HF_ENDPOINT": srv.url, "OPENRACE_STORE": str(store)}
        proc = subprocess.Popen(
            [sys.executable, "-c", CLI, *UPDATE],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            while hub.requests < 4 and proc.poll() is None:
                time.sleep(0.05)
            waits = []
            while proc.poll() is None and len(waits) < 20:
                t0 = time.monotonic()
                _count(capsys, store)
                waits.append(time.monotonic() - t0)
                time.sleep(0.05)
        finally:
            proc.communicate(timeout=300)
        assert proc.returncode == 0
    print("query waits", [round(w, 2) for w in waits])
    assert len(waits) >= 5 and max(waits) < BOUND, waits
    assert BOUND < READ_WAIT


def test_a_reader_gives_up_after_its_wait_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A writer that never lets readers in (here: a bare connection) costs a reader
    READ_WAIT seconds, then one line."""
    from tests.conftest import store_held_by_another_process

    store = tmp_path / "held.duckdb"
    Store(store).close()
    monkeypatch.setattr("openrace.store.READ_WAIT", 0.5)
    with store_held_by_another_process(store):
        t0 = time.monotonic()
        assert main(["query", "SELECT 1", "--store", str(store)]) == 3
        assert time.monotonic() - t0 < 5
    err = capsys.readouterr().err
    assert err.startswith("error: store is busy") and "did not let readers in" in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("held.duckdb.wait.*"))


def _reader_process(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process reading ``path`` for ``seconds``; returns once it is in."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import time; from openrace.store import Store; s = Store({str(path)!r}, "
            f"read_only=True); print('in', flush=True); time.sleep({seconds}); s.close()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "in"
    return proc


def test_a_writer_waits_for_readers_to_finish(tmp_path: Path) -> None:
    store = tmp_path / "r.duckdb"
    Store(store).close()
    reader = _reader_process(store, 1.5)
    t0 = time.monotonic()
    with Store(store) as s:  # waits for the reader, then writes
        s.set_meta("x", "y")
    assert 0.5 < time.monotonic() - t0 < 30
    reader.wait(timeout=30)
    assert not (tmp_path / "r.duckdb.writer").exists()


def test_another_writer_is_refused_while_a_harvest_lets_readers_in(tmp_path: Path) -> None:
    """The harvest is not in the file for a moment, but it is still its turn."""
    from openrace.errors import StoreBusyError

    store = tmp_path / "p.duckdb"
    Store(store).close()
    reader = _reader_process(store, 3)
    (tmp_path / "p.duckdb.paused").write_text(str(os.getpid()))  # a live harvest
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreBusyError, match="being written by"):
            Store(store)
        assert time.monotonic() - t0 < 2
    finally:
        (tmp_path / "p.duckdb.paused").unlink()
        reader.wait(timeout=30)
