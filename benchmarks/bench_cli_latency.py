"""How fast everyday commands answer, and what openrace's metric layer costs over SQL.

``python -m benchmarks cli_latency [--runs 7] [--scale 0.01] [--out FILE]``

1. Builds a warm store (the bundled registry synced, as after ``openrace report``) in a
   temporary folder, then runs each everyday command ``--runs`` times as a fresh process
   (``python -m openrace ...``, output to a pipe) and records the median wall time and the
   median CPU time (user + system) of each. Targets: ``--help`` < 0.2 s, the listing
   commands < 0.3 s. Two baselines are timed the same way in the same run (the bare
   interpreter, and the interpreter importing DuckDB and Typer: :data:`BASELINES`);
   each command's run is paired with a run of the second just before it, and
   ``over_baseline_s`` is the median of the pairs' differences: openrace's own share,
   steadier than the wall time on a shared machine. Each command runs once untimed first:
   the metric commands' first run compiles their SQL into the cache file of
   ``openrace.metrics.sql`` (in the temporary folder), which the timed runs read.
2. Evaluates every metric of the catalogue (default grouping and period) on the bundled
   data, in-process: the first call without the cache file (which builds the Ibis
   expression and compiles its SQL), the first call of a process that has the cache file
   (``first_call_cached_ms``), then the median of
   ``--runs`` further calls, and the same metric's SQL (``openrace metrics show NAME
   --sql``) executed by DuckDB directly; the ratio is what openrace adds (running the
   cached SQL, casting and sorting the tidy table). Target: < 50 ms per metric, ratio
   <= 1.5.
3. Does the same on a synthetic store (``benchmarks/synthetic.py`` at ``--scale``; 0 skips
   it), where the Hub, OpenAlex and GitHub metrics have rows, and compares three metrics
   (:data:`HAND_SQL`) with queries written by hand for the same result (checked equal).
   Target at ``--scale 1``: <= 1.5x the hand-written query.

Writes ``benchmarks/results/cli_latency.json``. The machine's load average is recorded
with the figures: on a shared machine wall times grow with it, CPU times much less.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

#: (name, arguments, target seconds) of the everyday commands timed
COMMANDS: list[tuple[str, list[str], float]] = [
    ("--help", ["--help"], 0.2),
    ("--version", ["--version"], 0.2),
    ("metrics --help", ["metrics", "--help"], 0.2),
    ("orgs", ["orgs"], 0.3),
    ("orgs --format csv", ["orgs", "--format", "csv"], 0.3),
    ("orgs --country CN", ["orgs", "--country", "CN"], 0.3),
    ("registry list", ["registry", "list"], 0.3),
    ("releases --country CN", ["releases", "--country", "CN"], 0.3),
    ("releases --format csv", ["releases", "--format", "csv"], 0.3),
    ("status", ["status"], 0.3),
    ("query", ["query", "SELECT country, count(*) FROM organizations GROUP BY 1"], 0.3),
    ("metrics list", ["metrics", "list"], 0.3),
    ("metrics show releases --sql", ["metrics", "show", "releases", "--sql"], 0.3),
    ("models", ["models"], 0.3),
    ("papers", ["papers"], 0.3),
    ("repos", ["repos"], 0.3),
    ("datasets", ["datasets"], 0.3),
    (
        "metrics show releases --by country --format csv",
        ["metrics", "show", "releases", "--by", "country", "--format", "csv"],
        None,
    ),  # type: ignore[list-item]
]

#: Hand-written DuckDB SQL for three metrics at their defaults (checked equal to the metric),
#: as a person would write them with the same rules: the latest run of each figure, and
#: China counted with Hong Kong (for OpenAlex, the harvested union of the two for the
#: ``all`` segment, since a work with authors in both counts once)
HAND_SQL = {
    "ai_papers": """
        WITH latest AS (
            SELECT period, country, segment, arg_max(value, run_id) AS value
            FROM aggregates
            WHERE source = 'openalex' AND measure = 'ai_works'
              AND segment IN ('all', 'all-with-HK')
            GROUP BY ALL),
        merged AS (
            SELECT period, CASE WHEN country IN ('CN', 'HK') THEN 'CN' ELSE country END
                       AS country, sum(value) AS value
            FROM latest WHERE segment = 'all' AND country <> 'all'
            GROUP BY ALL)
        SELECT m.period, m.country AS "group", coalesce(u.value, m.value) AS value
        FROM merged m
        LEFT JOIN latest u ON u.segment = 'all-with-HK' AND u.country = 'CN'
             AND m.country = 'CN' AND u.period = m.period""",
    "hub_downloads": """
        WITH latest AS (
            SELECT artifact_id, arg_max(value, run_id) AS value
            FROM observations
            WHERE metric = 'downloads_30d' AND artifact_id LIKE 'hf:model:%'
            GROUP BY artifact_id),
        att AS (
            SELECT artifact_id, org_id, country FROM attributions WHERE method = 'inherited'
            UNION ALL
            SELECT artifact_id, org_id, country FROM attributions a
            WHERE method IN ('registry', 'unattributed') AND NOT EXISTS (
                SELECT 1 FROM attributions i
                WHERE i.method = 'inherited' AND i.artifact_id = a.artifact_id)),
        units AS (
            SELECT coalesce(CASE WHEN c IN ('CN', 'HK') THEN 'CN' ELSE c END, 'XX')
                       AS "group", artifact_id, max(value) AS value
            FROM (
                SELECT coalesce(o.owner_country, t.country) AS c, t.artifact_id, l.value
                FROM artifacts a
                JOIN att t USING (artifact_id)
                LEFT JOIN organizations o ON o.id = t.org_id
                JOIN latest l USING (artifact_id)
                WHERE a.source = 'hf' AND a.kind = 'model')
            GROUP BY 1, 2)
        SELECT "group", CAST(sum(value) AS DOUBLE) AS value FROM units GROUP BY 1""",
    "code_repos": """
        SELECT CAST(year(created) AS VARCHAR) AS period, "group",
               CAST(count(*) AS DOUBLE) AS value
        FROM (
            SELECT CASE WHEN c IN ('CN', 'HK') THEN 'CN' ELSE c END AS "group",
                   artifact_id, min(created) AS created
            FROM (
                SELECT coalesce(o.owner_country, t.country, 'XX') AS c, a.artifact_id,
                       a.created
                FROM artifacts a
                JOIN attributions t ON t.artifact_id = a.artifact_id
                     AND t.method IN ('registry', 'unattributed')
                LEFT JOIN organizations o ON o.id = t.org_id
                WHERE a.source = 'github' AND a.kind = 'repo'
                  AND NOT list_contains(a.tags, 'fork'))
            GROUP BY 1, 2)
        WHERE created IS NOT NULL
        GROUP BY 1, 2""",
}


def _median(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


#: Baselines timed in the same run, as fresh processes like the commands: the interpreter
#: alone, and the interpreter importing the libraries every store-reading command printing
#: to a pipe needs (DuckDB, and Typer with the Pydantic coercion it runs for every
#: subcommand) and doing nothing else. What a command takes over the second is openrace's
#: own cost.
BASELINES: dict[str, list[str]] = {
    "python": ["-c", "pass"],
    "import duckdb+typer": ["-c", "import duckdb, typer, typer.main, typer._adapters"],
}


def _run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one ``python ARGV`` process."""
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0:
        raise RuntimeError(f"python {' '.join(argv)} failed: {proc.stderr.strip()}")
    cpu = ((after.children_user - before.children_user)
           + (after.children_system - before.children_system))
    return wall, cpu


def time_command(args: list[str], store: Path, runs: int, *,
                 python_args: list[str] | None = None,
                 baseline: list[str] | None = None) -> dict[str, Any]:
    """Median wall and CPU seconds of ``python -m openrace ARGS`` (or of ``python
    PYTHON_ARGS``) over ``runs`` runs. With ``baseline`` (``python`` arguments), each run is
    paired with a run of the baseline just before it, and ``over_baseline_s`` is the
    median of the pairs' differences: the machine's load drifts, a pair shares it."""
    env = {**os.environ, "OPENRACE_STORE": str(store), "COLUMNS": "160"}
    argv = python_args if python_args is not None else ["-m", "openrace", *args]
    walls, cpus, base_walls, base_cpus = [], [], [], []
    _run_once(argv, env)  # untimed: fills the SQL cache as a user's first call does
    for _ in range(runs):
        if baseline is not None:
            bw, bc = _run_once(baseline, env)
            base_walls.append(bw)
            base_cpus.append(bc)
        wall, cpu = _run_once(argv, env)
        walls.append(wall)
        cpus.append(cpu)
    out = {
        "median_s": round(statistics.median(walls), 3),
        "median_cpu_s": round(statistics.median(cpus), 3),
        "min_s": round(min(walls), 3),
    }
    if baseline is not None:
        out |= {
            "baseline_median_s": round(statistics.median(base_walls), 3),
            "over_baseline_s": round(statistics.median(
                w - b for w, b in zip(walls, base_walls, strict=True)), 3),
            "over_baseline_cpu_s": round(statistics.median(
                c - b for c, b in zip(cpus, base_cpus, strict=True)), 3),
        }
    return out


def time_metrics(store_path: Path, runs: int) -> dict[str, Any]:
    """Per metric: the catalogue's evaluation and its SQL run directly (medians, ms)."""
    from openrace.metrics import sql as msql
    from openrace.metrics.catalogue import load_catalogue, normalise
    from openrace.metrics.sql import metric_sql
    from openrace.store import Store

    cat = load_catalogue()
    out: dict[str, Any] = {}
    with Store(store_path, read_only=True) as s:
        for m in cat:
            q = m.query()
            msql._COMPILED.clear()
            msql._DISK = {}  # as if no cache file: the first call compiles the SQL
            t0 = time.perf_counter()
            result = cat.evaluate(m.name, s)
            t_first = time.perf_counter() - t0
            msql._COMPILED.clear()
            msql._DISK = None  # a new process: the cache file is read
            t0 = time.perf_counter()
            cat.evaluate(m.name, s)
            t_cached = time.perf_counter() - t0
            sql = metric_sql(m.name)
            s.sql(sql)
            t_metric = _median(lambda m=m: cat.evaluate(m.name, s), runs)
            t_sql = _median(lambda sql=sql: s.sql(sql), runs)
            row: dict[str, Any] = {
                "rows": result.num_rows,
                "ms": round(t_metric * 1000, 2),
                "first_call_ms": round(t_first * 1000, 2),
                "first_call_cached_ms": round(t_cached * 1000, 2),
                "sql_ms": round(t_sql * 1000, 2),
                "ratio_to_sql": round(t_metric / t_sql, 2),
            }
            if m.name in HAND_SQL:
                hand = HAND_SQL[m.name]
                got = normalise(s.sql(hand), q, m.dims)
                if not got.equals(result):
                    raise RuntimeError(f"the hand-written SQL of {m.name} disagrees")
                t_hand = _median(lambda hand=hand: s.sql(hand), runs)
                row |= {
                    "hand_sql_ms": round(t_hand * 1000, 2),
                    "ratio_to_hand_sql": round(t_metric / t_hand, 2),
                }
            out[m.name] = row
    return out


def _summary(metrics: dict[str, Any]) -> dict[str, Any]:
    ms = [r["ms"] for r in metrics.values()]
    first = [r["first_call_ms"] for r in metrics.values()]
    ratios = [r["ratio_to_sql"] for r in metrics.values()]
    return {
        "metrics": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "max_ms": max(ms),
        "under_50_ms": sum(v < 50 for v in ms),
        "first_call_median_ms": round(statistics.median(first), 2),
        "first_call_max_ms": max(first),
        "first_call_cached_median_ms": round(
            statistics.median(r["first_call_cached_ms"] for r in metrics.values()), 2),
        "median_ratio_to_sql": round(statistics.median(ratios), 2),
        "max_ratio_to_sql": max(ratios),
        "hand_sql": {
            k: {"ratio": r["ratio_to_hand_sql"], "ms": r["ms"], "hand_sql_ms": r["hand_sql_ms"]}
            for k, r in metrics.items()
            if "hand_sql_ms" in r
        },
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and write its JSON."""
    p = argparse.ArgumentParser(prog="python -m benchmarks cli_latency")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument(
        "--scale",
        type=float,
        default=0.01,
        help="synthetic store for the metric timings (0: bundled data only)",
    )
    p.add_argument("--out", type=Path, default=RESULTS / "cli_latency.json")
    args = p.parse_args(argv)

    from openrace.api import open_store

    figures: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": os.getloadavg(),
        },
        "runs": args.runs,
    }
    # the SQL cache in the temporary folder, for this run only (this process's later work
    # must not recreate the deleted folder)
    with tempfile.TemporaryDirectory(prefix="openrace-bench-") as tmp, mock.patch.dict(
        os.environ, {"OPENRACE_CACHE_DIR": str(Path(tmp) / "cache")}
    ):
        store = Path(tmp) / "warm.duckdb"
        open_store(store).close()  # the bundled registry synced and its hash recorded
        baselines = {name: time_command([], store, args.runs, python_args=argv)
                     for name, argv in BASELINES.items()}
        figures["baselines"] = baselines
        print(f"baselines: {baselines}", file=sys.stderr, flush=True)
        commands = {}
        for name, cmd, target in COMMANDS:
            r = time_command(cmd, store, args.runs, baseline=BASELINES["import duckdb+typer"])
            if target is not None:
                r |= {"target_s": target, "meets_target": r["median_s"] < target}
            commands[name] = r
            print(f"{name}: {r}", file=sys.stderr, flush=True)
        figures["commands"] = commands
        bundled = time_metrics(store, args.runs)
        figures["metrics_bundled"] = {"summary": _summary(bundled), "metrics": bundled}
        if args.scale > 0:
            sys.path.insert(0, str(HERE.parent))
            from benchmarks.synthetic import generate

            synth = Path(tmp) / "synthetic.duckdb"
            info = generate(synth, scale=args.scale)
            timed = time_metrics(synth, args.runs)
            figures["metrics_synthetic"] = {
                "scale": args.scale,
                "rows": info["rows"],
                "summary": _summary(timed),
                "metrics": timed,
            }
    figures["machine"]["load_average_after"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
