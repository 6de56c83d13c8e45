"""Readers during a long update: how long `openrace query` and `openrace report` wait
while a Hub harvest runs in another process, and what letting them in costs the harvest.

``python -m benchmarks readers [--models 40000] [--page-size 1000] [--commit-every 20000]
[--delay 0.3] [--read-every 1.0] [--report-every 10] [--workdir DIR]``

The harvest (``openrace update hf --full``, a subprocess) lists ``--models`` models from
the local fake Hub, which answers each page after ``--delay`` seconds (the pace of the
real Hub's listing under its quota is of that order). Measured:

1. the harvest alone: seconds;
2. the same harvest while this process reads the store in a loop (a ``query`` every
   ``--read-every`` seconds, a ``report`` instead every ``--report-every``-th read):
   each read's wait (seconds until its answer), the harvest's seconds and its slowdown.

The bound a reader waits is the page in flight plus one batch commit plus the harvest
closing and reopening the store; a reader gives up after ``openrace.store.READ_WAIT``.
Figures go to ``benchmarks/results/readers.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CLI = "import sys; from openrace.cli import main; sys.exit(main(sys.argv[1:]))"


def _catalog(n: int) -> Any:
    from tests.hf.fakehub import MemoryCatalog, make_model

    return MemoryCatalog(
        [
            make_model(
                f"org{i % 50}/m{i:07d}",
                f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00.000Z",
                downloads=i,
            )
            for i in range(n)
        ],
        [],
    )


def _harvest(url: str, store: Path, page: int, commit: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HF_ENDPOINT": url,
        "OPENRACE_STORE": str(store),
        "PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), str(HERE.parent)]),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            CLI,
            "update",
            "hf",
            "--full",
            "--kind",
            "model",
            "--requests-per-5min",
            "0",
            "--page-size",
            str(page),
            "--commit-every",
            str(commit),
            "--retries",
            "0",
            "--format",
            "json",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _run(
    n: int,
    page: int,
    commit: int,
    delay: float,
    workdir: Path,
    *,
    readers: bool,
    every: float = 1.0,
    report_every: int = 10,
) -> dict[str, Any]:
    import contextlib
    import io

    from tests.hf.fakehub import FakeHub, FakeHubServer, Fault

    from openrace.api import open_store
    from openrace.cli import main

    store = workdir / f"store-{'readers' if readers else 'alone'}.duckdb"
    store.unlink(missing_ok=True)
    open_store(store).close()
    hub = FakeHub(catalog=_catalog(n), max_page=page, always=Fault("slow", seconds=delay))
    waits: dict[str, list[float]] = {"query": [], "report": []}
    failures = 0
    with FakeHubServer(hub) as srv:
        t0 = time.perf_counter()
        proc = _harvest(srv.url, store, page, commit)
        while readers and proc.poll() is None:
            n_reads = len(waits["query"]) + len(waits["report"]) + failures
            kind = (
                "report" if report_every and n_reads % report_every == report_every - 1 else "query"
            )
            args = (
                ["report", "--out", str(workdir / "report")]
                if kind == "report"
                else ["query", "SELECT count(*) FROM artifacts"]
            )
            r0 = time.perf_counter()
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                code = main([*args, "--store", str(store)])
            if code == 0:
                waits[kind].append(time.perf_counter() - r0)
            else:
                failures += 1
            time.sleep(max(0.0, every - (time.perf_counter() - r0)))
        out, err = proc.communicate()
        seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"the harvest failed: {err.decode()[-500:]}")
    stats = json.loads(out)[0]
    figures: dict[str, Any] = {
        "harvest_seconds": round(seconds, 2),
        "stored": stats["stored"],
        "requests": stats["requests"],
    }
    if readers:
        for kind, ws in waits.items():
            if ws:
                ws = sorted(ws)
                figures[f"{kind}_reads"] = len(ws)
                figures[f"{kind}_wait_seconds"] = {
                    "median": round(statistics.median(ws), 3),
                    "p95": round(ws[max(0, math.ceil(0.95 * len(ws)) - 1)], 3),  # nearest rank
                    "max": round(ws[-1], 3),
                    "all": [round(w, 3) for w in ws],
                }
        figures["reads_refused"] = failures
    return figures


def main(argv: list[str]) -> dict[str, Any]:
    """Run the benchmark; write and return its figures."""
    from openrace.store import READ_WAIT

    ap = argparse.ArgumentParser(prog="python -m benchmarks readers")
    ap.add_argument("--models", type=int, default=40_000)
    ap.add_argument("--page-size", type=int, default=1000)
    ap.add_argument("--commit-every", type=int, default=20_000)
    ap.add_argument("--delay", type=float, default=0.3, help="seconds per listing page")
    ap.add_argument("--read-every", type=float, default=1.0, help="seconds between reads")
    ap.add_argument(
        "--report-every", type=int, default=10, help="every Nth read is a report (0: never)"
    )
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--output", type=Path, default=RESULTS / "readers.json")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="openrace-bench-readers-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        alone = _run(
            args.models, args.page_size, args.commit_every, args.delay, workdir, readers=False
        )
        shared = _run(
            args.models,
            args.page_size,
            args.commit_every,
            args.delay,
            workdir,
            readers=True,
            every=args.read_every,
            report_every=args.report_every,
        )
    figures = {
        "params": {
            "models": args.models,
            "page_size": args.page_size,
            "commit_every": args.commit_every,
            "page_delay_seconds": args.delay,
            "read_every_seconds": args.read_every,
            "report_every_nth_read": args.report_every,
            "reader_gives_up_after_seconds": READ_WAIT,
        },
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "harvest_alone": alone,
        "harvest_with_readers": shared,
        "harvest_slowdown": round(shared["harvest_seconds"] / alone["harvest_seconds"], 3),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=1) + "\n")
    return figures
