"""The whole metric catalogue over a synthetic store: DuckDB (openrace) vs a pandas script.

``python -m benchmarks metrics [--scale 1.0] [--workdir DIR]``

1. generates a synthetic store (3 M models, 10 M lineage edges, 30 M observations, 5 M
   papers at scale 1.0; see ``benchmarks/synthetic.py``) and exports it to Parquet;
2. in a fresh process, evaluates every metric of the catalogue at its default grouping and
   period (``--variants``: also every other grouping and period) on the DuckDB store;
3. in another fresh process, computes the same tables with the straightforward pandas
   implementation in ``benchmarks/pandas_twins.py`` reading the Parquet files;
4. checks that both agree, and writes seconds and peak RSS of each, and their ratios, to
   ``benchmarks/results/metrics.json``.

Targets: DuckDB at least 10x faster than pandas, at most 1/3 of its peak memory, and the
whole catalogue in under 30 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def workload(catalogue: Any, variants: bool = False) -> list[dict[str, Any]]:
    """Every metric of the catalogue at its default grouping and period; with ``variants``
    also each grouping at the default period and each period at the default grouping."""
    tasks: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for m in catalogue:
        combos = [(m.by_default, m.period_default)]
        if variants:
            combos += [(b, m.period_default) for b in m.by] + [(m.by_default, p) for p in m.periods]
        for by, period in combos:
            if (m.name, by, period) not in seen:
                seen.add((m.name, by, period))
                tasks.append({"metric": m.name, "by": by, "period": period})
    return tasks


def digest(rows: list[dict[str, Any]]) -> str:
    """An order-independent fingerprint of a tidy table (values to 9 significant digits, so
    that summing in another order does not change it)."""
    norm = sorted(
        json.dumps(
            {
                k: (_sig(v) if k == "value" else (None if v is None else str(v)))
                for k, v in sorted(r.items())
            },
            sort_keys=True,
        )
        for r in rows
    )
    return hashlib.sha256("\n".join(norm).encode()).hexdigest()[:16]


def _sig(v: Any) -> str | None:
    if v is None or v != v:  # None or NaN
        return None
    return f"{float(v):.9g}"


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (``VmHWM``: unlike ``ru_maxrss`` it
    does not inherit the parent's peak across fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_duckdb(store_path: Path, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """Evaluate the tasks with the catalogue on the DuckDB store (a child process)."""
    from openrace.metrics.catalogue import load_catalogue
    from openrace.store import Store

    base = peak_rss_mb()
    t0 = time.perf_counter()
    cat = load_catalogue()
    store = Store(store_path, read_only=True)
    out = {}
    for t in tasks:
        t1 = time.perf_counter()
        table = cat.evaluate(t["metric"], store, by=t["by"], period=t["period"])
        out[f"{t['metric']}/{t['by']}/{t['period']}"] = {
            "s": round(time.perf_counter() - t1, 3),
            "rows": table.num_rows,
            "digest": digest(table.to_pylist()),
        }
    store.close()
    return {
        "seconds": round(time.perf_counter() - t0, 2),
        "peak_rss_mb": round(peak_rss_mb()),
        "rss_before_mb": round(base),
        "tasks": out,
    }


def run_pandas(parquet_dir: Path, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """Evaluate the tasks with the pandas twins reading Parquet (a child process)."""
    from benchmarks.pandas_twins import TWINS, Frames, evaluate

    base = peak_rss_mb()
    t0 = time.perf_counter()
    frames = Frames(parquet_dir)
    out = {}
    for t in tasks:
        if t["metric"] not in TWINS:
            continue
        t1 = time.perf_counter()
        df = evaluate(frames, t["metric"], t["by"], t["period"], {})
        rows = df.to_dict("records")
        if t["by"] == "none":
            for r in rows:
                r["group"] = "all"
        out[f"{t['metric']}/{t['by']}/{t['period']}"] = {
            "s": round(time.perf_counter() - t1, 3),
            "rows": len(rows),
            "digest": digest(rows),
        }
    return {
        "seconds": round(time.perf_counter() - t0, 2),
        "peak_rss_mb": round(peak_rss_mb()),
        "rss_before_mb": round(base),
        "tasks": out,
    }


def _child(kind: str, path: Path, tasks_file: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(HERE.parent), str(HERE.parent / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_metrics",
            "--child",
            kind,
            "--path",
            str(path),
            "--tasks",
            str(tasks_file),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(HERE.parent),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} run failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and write ``results/metrics.json`` (or ``--out``)."""
    p = argparse.ArgumentParser(prog="bench_metrics")
    p.add_argument("--scale", type=float, default=1.0, help="1.0 = 3 M models, 30 M obs.")
    p.add_argument("--workdir", type=Path, default=None, help="keep the synthetic data here")
    p.add_argument("--out", type=Path, default=RESULTS / "metrics.json")
    p.add_argument("--skip-pandas", action="store_true", help="DuckDB only")
    p.add_argument(
        "--variants",
        action="store_true",
        help="also every grouping and every period of each metric",
    )
    p.add_argument("--child", choices=["duckdb", "pandas"], help=argparse.SUPPRESS)
    p.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--tasks", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        tasks = json.loads(args.tasks.read_text())
        fn = run_duckdb if args.child == "duckdb" else run_pandas
        print(json.dumps(fn(args.path, tasks)))
        return {}

    from benchmarks.synthetic import generate, sizes
    from openrace.metrics.catalogue import load_catalogue
    from openrace.metrics.engine import export_parquet
    from openrace.store import Store

    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="openrace-bench-")
        workdir = Path(tmp.name)
    else:
        workdir = args.workdir
    try:
        store_path = workdir / f"synthetic-{args.scale:g}.duckdb"
        parquet = workdir / f"parquet-{args.scale:g}"
        gen: dict[str, Any] = {}
        if not store_path.exists():
            print(f"generating scale {args.scale:g} ...", file=sys.stderr, flush=True)
            gen = generate(store_path, args.scale)
        t0 = time.perf_counter()
        with Store(store_path, read_only=True) as s:
            counts = s.counts()
            export_parquet(
                s,
                parquet,
                (
                    "organizations",
                    "artifacts",
                    "attributions",
                    "lineage",
                    "observations",
                    "aggregates",
                ),
            )
        export_s = round(time.perf_counter() - t0, 2)
        tasks = workload(load_catalogue(), variants=args.variants)
        tasks_file = workdir / "tasks.json"
        tasks_file.write_text(json.dumps(tasks))
        print(f"{len(tasks)} tasks; duckdb ...", file=sys.stderr, flush=True)
        load = os.getloadavg()[0]
        duck = _child("duckdb", store_path, tasks_file)
        figures: dict[str, Any] = {
            "benchmark": "metrics",
            "scale": args.scale,
            "target_sizes": sizes(args.scale),
            "rows": counts,
            "generate": gen,
            "parquet_export_s": export_s,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                # the machine may be shared: the load when the timed runs started
                "load_average_1m": round(load, 2),
            },
            "metrics": sorted({t["metric"] for t in tasks}),
            "workload": "every grouping and period of every metric"
            if args.variants
            else "every metric at its default grouping and period",
            "n_tasks": len(tasks),
            "duckdb": {k: v for k, v in duck.items() if k != "tasks"},
        }
        if not args.skip_pandas:
            print("pandas ...", file=sys.stderr, flush=True)
            pand = _child("pandas", parquet, tasks_file)
            common = sorted(set(duck["tasks"]) & set(pand["tasks"]))
            mismatch = [
                k for k in common if duck["tasks"][k]["digest"] != pand["tasks"][k]["digest"]
            ]
            duck_common = sum(duck["tasks"][k]["s"] for k in common)
            pand_common = sum(pand["tasks"][k]["s"] for k in common)
            figures["pandas"] = {k: v for k, v in pand.items() if k != "tasks"}
            figures["compared_tasks"] = len(common)
            figures["tasks_without_pandas_twin"] = sorted(set(duck["tasks"]) - set(common))
            figures["results_identical"] = not mismatch
            figures["mismatched_tasks"] = mismatch
            figures["speedup"] = round(pand["seconds"] / max(duck["seconds"], 1e-9), 2)
            figures["speedup_compared_tasks"] = round(pand_common / max(duck_common, 1e-9), 2)
            figures["memory_ratio"] = round(duck["peak_rss_mb"] / max(pand["peak_rss_mb"], 1), 3)
            figures["targets"] = {
                "speedup_at_least_10x": figures["speedup"] >= 10,
                "memory_at_most_one_third": figures["memory_ratio"] <= 1 / 3,
                "duckdb_under_30s": duck["seconds"] < 30,
            }
        figures["slowest_duckdb_tasks"] = sorted(
            ({"task": k, **v} for k, v in duck["tasks"].items()), key=lambda r: -r["s"]
        )[:8]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=1) + "\n")
        return figures
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    result = main(sys.argv[1:])
    if result:
        print(json.dumps(result, indent=1))
