"""Benchmark: a ``--full`` Hub crawl by openrace against bare ``huggingface_hub`` iteration.

A synthetic Hub of ``--models`` models of realistic shape (power-law downloads, lineage
trees, the Hub's licence mix; see ``tests/hf/fakehub.py``) is served on 127.0.0.1 by a
separate process. In the same run, each phase in its own process (so that its peak RSS is
its own):

1. ``bare``: ``HfApi(endpoint=...).list_models(expand=[...])`` iterated to the end;
2. ``openrace``: ``openrace update hf --full`` into a fresh DuckDB store (parse, store
   artifacts, observations, lineage, attributions, checkpoints; inherited attributions);
3. ``incremental``: ``--new-fraction`` more models are published, and the same update
   runs again (new-only).

Figures go to ``benchmarks/results/hf_crawl.json``: seconds, records per second, peak RSS
and HTTP requests per phase; openrace's overhead over bare iteration (target <= 30 %),
its peak RSS (target <= 1 GiB) and the incremental run's requests as a share of the full
crawl's (target <= 2 %).

    .venv/bin/python benchmarks/bench_hf_crawl.py --models 3000000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: tests/hf/fakehub.py imports tests.*
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
TARGETS = {"overhead_max": 0.30, "peak_rss_mib_max": 1024.0, "incremental_request_share_max":
           0.02}


def _fakehub() -> Any:
    spec = importlib.util.spec_from_file_location("bench_fakehub",
                                                  ROOT / "tests" / "hf" / "fakehub.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_fakehub"] = mod
    spec.loader.exec_module(mod)
    return mod


def _serve(n_models: Any, requests: Any, ready: Any) -> None:
    fh = _fakehub()

    class Growing(fh.SyntheticCatalog):  # type: ignore[name-defined,misc]
        @property
        def n(self) -> int:
            return int(n_models.value)

        @n.setter
        def n(self, value: int) -> None:
            pass

    def count(n: int, path: str) -> None:
        if path.startswith("/api/models"):
            with requests.get_lock():
                requests.value += 1

    hub = fh.FakeHub(catalog=Growing(0), on_request=count)
    server = fh.FakeHubServer(hub)
    server.thread.start()
    ready.put(server.url)
    while True:
        time.sleep(3600)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_seconds() -> float:
    """CPU time of this process, all its threads (DuckDB's included)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _bare(url: str, out: Any) -> None:
    from huggingface_hub import HfApi
    from huggingface_hub.utils import logging as hf_logging

    from openrace.sources.hf import expand_for

    hf_logging.set_verbosity_error()
    t0, c0 = time.perf_counter(), _cpu_seconds()
    n = sum(1 for _ in HfApi(endpoint=url, token=False).list_models(
        expand=expand_for("model")))  # type: ignore[arg-type]
    out.put({"seconds": time.perf_counter() - t0, "cpu_seconds": _cpu_seconds() - c0,
             "records": n, "peak_rss_mib": _rss_mib()})


def _openrace(url: str, store_path: str, out: Any) -> None:
    from huggingface_hub.utils import logging as hf_logging

    from openrace.api import open_store
    from openrace.harvest.hf import HarvestOptions, HubHarvester
    from openrace.sources.hf import HubClient

    hf_logging.set_verbosity_error()
    store = open_store(store_path)
    t0, c0 = time.perf_counter(), _cpu_seconds()
    stats = HubHarvester(store, HubClient(endpoint=url, requests_per_window=0)).run(
        HarvestOptions(mode="full", kinds=("model",)))
    seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    counts = store.counts()
    store.close()
    out.put({"seconds": seconds, "cpu_seconds": cpu, "records": stats.stored,
             "client_requests": stats.requests,
             "peak_rss_mib": _rss_mib(), "rows": counts})


def _phase(target: Any, *args: Any) -> dict[str, Any]:
    out: Any = mp.Queue()
    p = mp.Process(target=target, args=(*args, out))
    p.start()
    while True:
        try:
            result = out.get(timeout=5)
            break
        except Exception:  # queue.Empty: is the phase still alive?
            if not p.is_alive():
                raise RuntimeError(f"{target.__name__} died (exit code {p.exitcode})") from None
    p.join()
    return dict(result)


def run(models: int, new_fraction: float, out_file: Path) -> dict[str, Any]:
    """Run the three phases and write the JSON figures."""
    n_models: Any = mp.Value("q", models)
    requests: Any = mp.Value("q", 0)
    ready: Any = mp.Queue()
    server = mp.Process(target=_serve, args=(n_models, requests, ready), daemon=True)
    server.start()
    url = ready.get(timeout=60)
    tmp = tempfile.mkdtemp(prefix="openrace-bench-")
    store_path = os.path.join(tmp, "bench.duckdb")
    try:
        bare = _phase(_bare, url)
        bare["requests"], requests.value = requests.value, 0
        full = _phase(_openrace, url, store_path)
        full["requests"], requests.value = requests.value, 0
        new = max(1, int(models * new_fraction))
        n_models.value = models + new
        inc = _phase(_openrace, url, store_path)
        inc["requests"] = requests.value
    finally:
        server.terminate()
        for f in Path(tmp).glob("*"):
            f.unlink()
        os.rmdir(tmp)
    for ph in (bare, full, inc):
        ph["records_per_second"] = ph["records"] / ph["seconds"] if ph["seconds"] else None
    overhead = full["seconds"] / bare["seconds"] - 1.0
    share = inc["requests"] / full["requests"] if full["requests"] else None
    result = {
        "benchmark": "hf_crawl",
        "models": models,
        "new_models": new,
        "scale_note": "full scale" if models >= 3_000_000 else
        f"reduced scale ({models:,} of the 3,000,000 target models)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "bare_huggingface_hub": bare,
        "openrace_full": full,
        "openrace_incremental": inc,
        "overhead_vs_bare": overhead,
        "incremental_request_share": share,
        "targets": TARGETS,
        "met": {
            "overhead": overhead <= TARGETS["overhead_max"],
            "peak_rss": full["peak_rss_mib"] <= TARGETS["peak_rss_mib_max"],
            "incremental_requests": share is not None
            and share <= TARGETS["incremental_request_share_max"],
        },
    }
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=int, default=3_000_000)
    ap.add_argument("--new-fraction", type=float, default=0.01)
    ap.add_argument("--out", type=Path, default=RESULTS / "hf_crawl.json")
    args = ap.parse_args(argv)
    result = run(args.models, args.new_fraction, args.out)
    print(json.dumps({k: result[k] for k in ("models", "overhead_vs_bare",
                                             "incremental_request_share", "met")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
