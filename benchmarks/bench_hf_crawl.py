"""Benchmark: Hub harvest designs by their requests, and a snapshot's cost over bare iteration.

A synthetic Hub of ``--models`` models of realistic shape (power-law downloads, lineage
trees, the Hub's licence mix; see ``tests/hf/fakehub.py``) is served on 127.0.0.1 by a
separate process. In the same run, each phase in its own process (so that its peak RSS is
its own):

1. ``bare``: ``HfApi(endpoint=...).list_models(expand=[...])`` iterated to the end;
2. ``openrace_full``: ``openrace update hf`` (a complete snapshot) into a fresh DuckDB
   store (parse, store artifacts, observations, lineage, attributions, checkpoints;
   inherited attributions); its lineage is compared with the synthetic Hub's truth;
3. ``openrace_incremental``: ``--new-fraction`` more models are published, and
   ``--new-only`` runs;
4. ``registry_fresh`` / ``registry_after_snapshot``: ``--registry`` (the registry's
   namespaces and derivatives to depth 2, budget 1,000 requests) into a fresh store, and
   into the store of phase 2 (whose lineage orders the parents); the models reached are
   compared with the truth (every registry model and its derivatives to depth 2).

Figures go to ``benchmarks/results/hf_crawl.json``: seconds, records per second, peak RSS
and HTTP requests per phase, and each phase's requests as wall time at each account's
quota (Hub rate-limit tiers); targets: a snapshot in <= 1.01 x ceil(models / 1000)
requests, the registry update in <= 1,000 requests, openrace's overhead over bare
iteration <= 30 %, peak RSS <= 1 GiB, the incremental run <= 2 % of the snapshot's
requests.

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
           0.02, "snapshot_request_ratio_max": 1.01, "registry_requests_max": 1000}
DEPTH = 2


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

    hub = fh.FakeHub(catalog=Growing(0, unknown=int(n_models.value) // 20), on_request=count)
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


def _openrace(url: str, store_path: str, mode: str, refresh: bool, out: Any) -> None:
    from huggingface_hub.utils import logging as hf_logging

    from openrace.api import open_store
    from openrace.harvest.hf import HarvestOptions, HubHarvester, hub_coverage
    from openrace.sources.hf import HubClient

    hf_logging.set_verbosity_error()
    store = open_store(store_path)
    t0, c0 = time.perf_counter(), _cpu_seconds()
    opts = (HarvestOptions(mode="full", kinds=("model",), refresh=refresh) if mode == "full"
            else HarvestOptions(mode="registry", kinds=("model",), depth=DEPTH,
                                namespaces=[n.lower() for n in _fakehub().REGISTRY_NAMESPACES]))
    stats = HubHarvester(store, HubClient(endpoint=url, requests_per_window=0)).run(opts)
    seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    counts = store.counts()
    ids = [r[0] for r in store.con.execute(
        "SELECT source_id FROM artifacts WHERE source = 'hf'").fetchall()]
    edges = store.con.execute("SELECT count(*) FROM lineage").fetchall()[0][0]
    coverage = hub_coverage(store)
    store.close()
    out.put({"seconds": seconds, "cpu_seconds": cpu, "records": stats.stored,
             "client_requests": stats.requests, "peak_rss_mib": _rss_mib(), "rows": counts,
             "lineage_edges": edges, "ids": ids, "coverage": coverage})


def _truth(models: int) -> dict[str, Any]:
    """What the synthetic Hub holds: derivative edges, and the registry's models with their
    derivatives to ``DEPTH`` (and how many children listings a complete per-parent crawl of
    them needs)."""
    fh = _fakehub()
    cat = fh.SyntheticCatalog(models, unknown=models // 20)
    by_ns, kids = cat._indexes()
    level = [k for ks in by_ns.values() for k in ks]
    reached = set(level)
    listings = 0
    for _ in range(DEPTH):
        listings += len(level)  # one children listing (at least) per model of the level
        level = [c for k in level for c in kids.get(k, [])]
        reached.update(level)
    return {"edges": sum(len(v) for v in kids.values()),
            "registry_reach": {cat.model_id(k) for k in reached},
            "registry_models": sum(len(v) for v in by_ns.values()),
            "registry_complete_by_filter_requests": len(by_ns) + listings}


def _at_quota(requests: int) -> dict[str, float]:
    """Least wall time, in seconds, of ``requests`` at each account type's quota."""
    from openrace.sources.hf import PLANS, Pacer

    return {plan: Pacer(limit=q).seconds_for(requests) for plan, q in PLANS.items()}


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
    reg_store = os.path.join(tmp, "registry.duckdb")
    try:
        bare = _phase(_bare, url)
        bare["requests"], requests.value = requests.value, 0
        full = _phase(_openrace, url, store_path, "full", True)
        full["requests"], requests.value = requests.value, 0
        reg_fresh = _phase(_openrace, url, reg_store, "registry", True)
        reg_fresh["requests"], requests.value = requests.value, 0
        reg_after = _phase(_openrace, url, store_path, "registry", True)
        reg_after["requests"], requests.value = requests.value, 0
        truth = _truth(models)
        new = max(1, int(models * new_fraction))
        n_models.value = models + new
        inc = _phase(_openrace, url, store_path, "full", False)
        inc["requests"] = requests.value
    finally:
        server.terminate()
        for f in Path(tmp).glob("*"):
            f.unlink()
        os.rmdir(tmp)
    full_ids = set(full.pop("ids"))
    inc.pop("ids")
    for ph in (reg_fresh, reg_after):
        got = set(ph.pop("ids"))
        ph["registry_truth_reached"] = len(got & truth["registry_reach"])
        ph["registry_truth"] = len(truth["registry_reach"])
        ph["registry_truth_share"] = (ph["registry_truth_reached"] / ph["registry_truth"]
                                      if ph["registry_truth"] else None)
    for ph in (bare, full, inc, reg_fresh, reg_after):
        ph["records_per_second"] = ph["records"] / ph["seconds"] if ph["seconds"] else None
        ph["wall_seconds_at_quota"] = _at_quota(ph["requests"])
    overhead = full["seconds"] / bare["seconds"] - 1.0
    share = inc["requests"] / full["requests"] if full["requests"] else None
    bound = -(-models // 1000)
    ratio = full["requests"] / bound
    result = {
        "benchmark": "hf_crawl",
        "models": models,
        "new_models": new,
        "scale_note": "full scale" if models >= 3_000_000 else
        f"reduced scale ({models:,} of the 3,000,000 target models)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "design": {
            "snapshot_requests": full["requests"],
            "snapshot_request_bound": bound,
            "snapshot_request_ratio": ratio,
            "snapshot_models": len(full_ids),
            "snapshot_lineage_edges": full["lineage_edges"],
            "truth_lineage_edges": truth["edges"],
            "registry_models": truth["registry_models"],
            "registry_reach_to_depth": len(truth["registry_reach"]),
            "registry_complete_by_filter_requests":
                truth["registry_complete_by_filter_requests"],
            "registry_requests": reg_fresh["requests"],
            "registry_truth_share": reg_fresh["registry_truth_share"],
            "registry_after_snapshot_truth_share": reg_after["registry_truth_share"],
            "chosen": "default: complete snapshot (lineage complete at any depth); "
                      "--registry: namespaces + per-parent children listings within a budget",
        },
        "bare_huggingface_hub": bare,
        "openrace_full": full,
        "openrace_incremental": inc,
        "registry_fresh": reg_fresh,
        "registry_after_snapshot": reg_after,
        "overhead_vs_bare": overhead,
        "incremental_request_share": share,
        "targets": TARGETS,
        "met": {
            "overhead": overhead <= TARGETS["overhead_max"],
            "peak_rss": full["peak_rss_mib"] <= TARGETS["peak_rss_mib_max"],
            "incremental_requests": share is not None
            and share <= TARGETS["incremental_request_share_max"],
            "snapshot_requests": ratio <= TARGETS["snapshot_request_ratio_max"],
            "snapshot_lineage_complete": full["lineage_edges"] == truth["edges"],
            "registry_requests": reg_fresh["requests"] <= TARGETS["registry_requests_max"]
            and reg_after["requests"] <= TARGETS["registry_requests_max"],
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
    print(json.dumps({k: result[k] for k in ("models", "design", "overhead_vs_bare",
                                             "incremental_request_share", "met")}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
