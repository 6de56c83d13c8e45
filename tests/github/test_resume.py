"""`openrace update github` killed with SIGKILL resumes from its last committed page:
nothing lost, nothing doubled, no page fetched twice."""

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
from tests.github.fakegithub import FakeGitHub, FakeGitHubServer, make_repo

PAGE = 5
PER_ACCOUNT = {"deepseek-ai": 23, "QwenLM": 12, "facebookresearch": 9, "meta-llama": 4}
KILL_AT = 6  # killed when it asks for the 6th page
CLI = "import sys; from openrace.cli import main; sys.exit(main(sys.argv[1:]))"
UPDATE = [
    "update",
    "github",
    "--org",
    "deepseek",
    "--org",
    "qwen",
    "--org",
    "meta",
    "--page-size",
    str(PAGE),
    "--format",
    "json",
]


def _fake() -> FakeGitHub:
    rid = iter(range(1, 10_000))
    orgs = {}
    for owner, n in PER_ACCOUNT.items():
        orgs[owner] = [
            make_repo(k, f"{owner}/r{k}", f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}Z", stars=k)
            for i, k in ((i, next(rid)) for i in range(n))
        ]
    # one malformed record on the first page of deepseek-ai (created first)
    orgs["deepseek-ai"].append(
        {**make_repo(9999, "deepseek-ai/broken", "2023-01-01T00:00:00Z"), "forks_count": None}
    )
    return FakeGitHub(orgs=orgs)


def _run(url: str, store: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GITHUB_API_URL": url, "OPENRACE_STORE": str(store)}
    env.pop("GITHUB_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *UPDATE],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _pages(n: int) -> int:
    return -(-n // PAGE)


@pytest.mark.slow
def test_sigkill_mid_harvest_resumes_exactly(tmp_path: Path) -> None:
    store_file = tmp_path / "kill.duckdb"
    gh = _fake()
    total = sum(PER_ACCOUNT.values())
    with FakeGitHubServer(gh) as srv:
        proc = _run(srv.url, store_file)
        killed = threading.Event()

        def kill_on(n: int, path: str) -> None:
            if n == KILL_AT and not killed.is_set():
                os.kill(proc.pid, signal.SIGKILL)
                killed.set()
                time.sleep(0.3)

        gh.on_request = kill_on
        proc.wait(timeout=180)
        assert killed.is_set(), proc.stderr.read().decode()  # type: ignore[union-attr]
        assert proc.returncode == -signal.SIGKILL
        # pages 1-5 were committed one by one before the 6th was asked for
        # (deepseek-ai: 24 records = 5 pages, the broken one quarantined)
        with Store(store_file) as s:
            assert (
                s.con.execute("SELECT count(*) FROM artifacts WHERE source = 'github'").fetchall()[
                    0
                ][0]
                == 23
            )
            assert s.con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == 1
            run = s.dicts(
                "SELECT status, n_stored, n_rejected, cursor FROM harvest_runs "
                "WHERE source = 'github'"
            )
            assert run[0]["status"] == "running" and run[0]["n_stored"] == 23
            assert '"account": 1' in run[0]["cursor"]  # the next account, from its start

        gh.on_request = None
        deadline = time.monotonic() + 10
        while len(gh.log) < KILL_AT and time.monotonic() < deadline:  # the killed answer
            time.sleep(0.05)
        before = len(gh.log)
        proc = _run(srv.url, store_file)
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err.decode()
        fetched = [p for _, p, _ in gh.log[before:]]
        # resumed at the first uncommitted page: the 6th request again, then the rest
        rest = _pages(12) + _pages(9) + _pages(4)
        assert len(fetched) == rest, fetched
        assert not any(p.startswith("/orgs/deepseek-ai/") for p in fetched)
    with Store(store_file, read_only=True) as s:
        assert (
            s.con.execute("SELECT count(*) FROM artifacts WHERE source = 'github'").fetchall()[0][0]
            == total
        )
        assert s.con.execute("SELECT count(*) FROM observations").fetchall()[0][0] == total * 3
        assert (
            s.con.execute("SELECT count(DISTINCT run_id) FROM observations").fetchall()[0][0] == 1
        )
        assert s.con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == 1
        runs = s.dicts(
            "SELECT status, n_stored, n_rejected FROM harvest_runs WHERE source = 'github'"
        )
        assert runs == [{"status": "ok", "n_stored": total, "n_rejected": 1}]
    assert b'"resumed": true' in out
