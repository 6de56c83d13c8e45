"""OpenAlex harvest and attribution at scale, against the local fake OpenAlex.

``python -m benchmarks openalex [--works-per-year 5000] [--top 2000] [--fractional-works
5000000] [--workdir DIR]``

1. **Ten-year per-country series** (2015–2025, every institution-type segment, the
   US–China pair, China incl. Hong Kong counted once) through ``group_by`` queries:
   requests and seconds; baseline in the same run: paging through every AI work of each
   year (200 per page) and counting countries client-side, the way a script without
   ``group_by`` would; both must agree.
2. **Top-cited harvest**: the ``--top`` most-cited works of each year with authorships,
   via cursor paging, into a DuckDB store: requests, seconds, works per second.
3. **Fractional attribution** of ``--fractional-works`` synthetic works (5 million by
   default, ~3 authors and ~1.5 affiliations each, ~22 million long rows in Parquet), each
   path in a fresh process: the streaming Arrow path
   (:func:`openrace.rules.affiliation.fractional_weight_batches`) and the DuckDB path under a
   memory limit (:func:`openrace.rules.affiliation.fractional_weights`): seconds and peak RSS;
   baseline in the same run: the per-work Python path
   (:func:`openrace.rules.affiliation.work_attributions`) on a sample, extrapolated. The weights
   must sum to the number of works.

Figures go to ``benchmarks/results/openalex.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
YEARS = list(range(2015, 2026))
COUNTRIES = ["US", "CN", "GB", "DE", "FR", "JP", "IN", "KR", "CA", "SG"]
TYPES = ["education", "education", "company", "government", "facility", "nonprofit"]


def synthetic_works(per_year: int, years: list[int], seed: int = 7) -> list[dict[str, Any]]:
    """AI works of realistic shape (1-8 authors, 0-3 affiliations each, skewed
    citations), plus 10 % works of another subfield."""
    from tests.openalex.fakealex import make_author, make_institution, make_work

    rnd = random.Random(seed)
    insts = [make_institution(f"I{1000 + i}", COUNTRIES[i % len(COUNTRIES)],
                              TYPES[i % len(TYPES)]) for i in range(400)]
    works = []
    n = 0
    for year in years:
        for _ in range(per_year):
            n += 1
            authors = []
            for a in range(rnd.choice([1, 2, 2, 3, 3, 4, 5, 8])):
                k = rnd.choice([0, 1, 1, 1, 2, 3])
                authors.append(make_author(f"a{n}-{a}", rnd.sample(insts, k)))
            works.append(make_work(n, year, int(rnd.paretovariate(1.2) * 3), authors,
                                   subfield=1702 if rnd.random() < 0.9 else 1707))
    return works


def _client(url: str) -> Any:
    from openrace.sources.openalex import OpenAlexClient

    return OpenAlexClient(endpoint=url, api_key="bench", requests_per_second=0, timeout=120)


def bench_series(url: str, years: list[int]) -> dict[str, Any]:
    """The per-country series via group_by, and the paging baseline."""
    from openrace.harvest.openalex import OpenAlexHarvester
    from openrace.sources.openalex import country_key
    from openrace.store import Store

    with Store(":memory:") as s, _client(url) as c:
        t0 = time.perf_counter()
        res = OpenAlexHarvester(s, c, first_year=years[0], last_year=years[-1]).aggregates()
        seconds = time.perf_counter() - t0
        got = {(r["period"], r["country"]): r["value"] for r in s.dicts(
            "SELECT period, country, value FROM aggregates WHERE measure = 'ai_works' AND "
            "segment = 'all' AND country <> 'all'")}
        union = {r["period"]: r["value"] for r in s.dicts(
            "SELECT period, value FROM aggregates WHERE measure = 'ai_works' AND "
            "segment = 'all-with-HK' AND country = 'CN'")}
    with _client(url) as c:
        t0 = time.perf_counter()
        counted: dict[tuple[str, str], float] = {}
        counted_union: dict[str, float] = {str(y): 0 for y in years}
        for year in years:
            for page in c.pages("works", filter=f"primary_topic.subfield.id:1702,"
                                f"publication_year:{year}", select="id,authorships",
                                per_page=100):
                for w in page.items:
                    ccs = {country_key(x) for a in w["authorships"] for x in a["countries"]}
                    for cc in ccs:
                        counted[(str(year), cc)] = counted.get((str(year), cc), 0) + 1
                    counted_union[str(year)] += bool(ccs & {"CN", "HK"})
        base_seconds = time.perf_counter() - t0
        base_requests = c.requests
    return {
        "years": len(years),
        "requests": res.requests,
        "seconds": round(seconds, 3),
        "rows_stored": res.stored,
        "baseline_paging_requests": base_requests,
        "baseline_paging_seconds": round(base_seconds, 3),
        "requests_ratio": round(base_requests / max(res.requests, 1), 1),
        "seconds_ratio": round(base_seconds / max(seconds, 1e-9), 1),
        "agrees_with_baseline": got == counted,
        "china_with_hk_agrees_with_baseline": union == counted_union,
    }


def bench_top(url: str, years: list[int], top: int, workdir: Path) -> dict[str, Any]:
    """The top-cited harvest into a DuckDB file."""
    from openrace.harvest.openalex import OpenAlexHarvester
    from openrace.store import Store

    path = workdir / "top.duckdb"
    path.unlink(missing_ok=True)
    with Store(path) as s, _client(url) as c:
        t0 = time.perf_counter()
        res = OpenAlexHarvester(s, c, first_year=years[0], last_year=years[-1],
                                top=top).top_works()
        seconds = time.perf_counter() - t0
        n_attr = s.dicts("SELECT count(*) n FROM attributions")[0]["n"]
    return {
        "top": top,
        "years": len(years),
        "requests": res.requests,
        "expected_requests": len(years) * math.ceil(top / 100),
        "works_stored": res.stored,
        "attribution_rows": n_attr,
        "seconds": round(seconds, 3),
        "works_per_second": round(res.stored / max(seconds, 1e-9), 1),
    }


GENERATE_SQL = """
COPY (
  WITH a AS (
    SELECT w, unnest(range(1 + (hash(w) % 5)::INT)) AS author_idx FROM range({n}) t(w)),
  u AS (
    SELECT w, author_idx, unnest(range(1 + (hash(w * 7 + author_idx) % 2)::INT)) AS i FROM a)
  SELECT 'W' || w AS work_id, author_idx::INT AS author_idx, NULL::VARCHAR AS org_id,
         ['US','CN','GB','DE','FR','JP','IN','KR','CA', NULL][
           1 + (hash(w, author_idx, i) % 10)::INT] AS country,
         ['company','education','government'][1 + (hash(w, i) % 3)::INT]
           || ' I' || (hash(w, author_idx, i) % 100000)::VARCHAR AS detail
  FROM u
) TO '{path}' (FORMAT parquet)
"""


def _connect(wd: Path, memory_limit: str) -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = '{wd / 'spill'}'")
    return con


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _generate_child(n: int, workdir: str, memory_limit: str) -> dict[str, Any]:
    wd = Path(workdir)
    con = _connect(wd, memory_limit)
    t0 = time.perf_counter()
    con.execute(GENERATE_SQL.format(n=n, path=wd / "long.parquet"))
    seconds = time.perf_counter() - t0
    rows = con.sql(f"SELECT count(*) FROM read_parquet('{wd / 'long.parquet'}')").fetchall()
    return {"generate_seconds": round(seconds, 3), "long_rows": rows[0][0]}


def _check(con: Any, path: Path) -> dict[str, Any]:
    n_rows, total, works = con.sql(
        f"SELECT count(*), sum(weight), count(DISTINCT work_id) FROM read_parquet('{path}')"
    ).fetchall()[0]
    return {"weight_rows": n_rows, "weights_sum": round(total, 3), "works_with_weights": works}


def _stream_child(workdir: str, memory_limit: str, batch_rows: int) -> dict[str, Any]:
    """The streaming path: Parquet batches in, weights out, one linear pass."""
    import pyarrow.parquet as pq

    from openrace.rules.affiliation import fractional_weight_batches

    wd = Path(workdir)
    src, out = wd / "long.parquet", wd / "weights-stream.parquet"
    t0 = time.perf_counter()
    batches = pq.ParquetFile(src).iter_batches(batch_size=batch_rows)
    writer = None
    for b in fractional_weight_batches(batches):
        if writer is None:
            writer = pq.ParquetWriter(out, b.schema)
        writer.write_batch(b)
    if writer is not None:
        writer.close()
    seconds = time.perf_counter() - t0
    rss = _rss_mb()
    return {"seconds": round(seconds, 3), "peak_rss_mb": rss, "batch_rows": batch_rows,
            **_check(_connect(wd, memory_limit), out)}


def _duckdb_child(workdir: str, memory_limit: str) -> dict[str, Any]:
    """The DuckDB path (any row order), under a memory limit."""
    from openrace.rules.affiliation import fractional_weights

    wd = Path(workdir)
    src, out = wd / "long.parquet", wd / "weights-duckdb.parquet"
    con = _connect(wd, memory_limit)
    t0 = time.perf_counter()
    fractional_weights(con, f"read_parquet('{src}')").write_parquet(str(out))
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 3), "peak_rss_mb": _rss_mb(),
            "memory_limit": memory_limit, **_check(con, out)}


def _python_child(workdir: str, n: int, sample: int) -> dict[str, Any]:
    """Baseline: the per-work Python path on a sample of the same works, extrapolated."""
    import duckdb

    from openrace.rules.affiliation import work_attributions
    from openrace.sources.openalex import parse_work

    src = Path(workdir) / "long.parquet"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    rows = con.sql(
        f"SELECT work_id, author_idx, country, detail FROM read_parquet('{src}') "
        f"WHERE work_id IN (SELECT 'W' || range FROM range({sample})) ORDER BY ALL").fetchall()
    by_work: dict[str, dict[int, list[tuple[str | None, str]]]] = {}
    for wid, ai, country, detail in rows:
        by_work.setdefault(wid, {}).setdefault(ai, []).append((country, detail))
    raws = []
    for wid, authors in by_work.items():
        auths = []
        for ai in sorted(authors):
            insts = [{"id": f"https://openalex.org/{d.split(' ')[1]}", "country_code": c,
                      "type": d.split(" ")[0]} for c, d in authors[ai]]
            auths.append({"author": {}, "institutions": insts,
                          "countries": sorted({c for c, _ in authors[ai] if c})})
        raws.append({"id": f"https://openalex.org/{wid}", "cited_by_count": 1,
                     "authorships": auths})
    t0 = time.perf_counter()
    for raw in raws:
        work_attributions(parse_work(raw))
    seconds = time.perf_counter() - t0
    return {"sample_works": len(raws), "sample_seconds": round(seconds, 3),
            "seconds_extrapolated": round(seconds * n / max(len(raws), 1), 1)}


def bench_fractional(n: int, workdir: Path, memory_limit: str, sample: int,
                     batch_rows: int = 1 << 20) -> dict[str, Any]:
    """Generate ``n`` works' long rows, then time each path in its own fresh process."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        gen = pool.apply(_generate_child, (n, str(workdir), memory_limit))
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        stream = pool.apply(_stream_child, (str(workdir), memory_limit, batch_rows))
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        duck = pool.apply(_duckdb_child, (str(workdir), memory_limit))
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        py = pool.apply(_python_child, (str(workdir), n, sample))
    base = py["seconds_extrapolated"]
    return {
        "works": n,
        **gen,
        "streaming": stream,
        "duckdb": duck,
        "baseline_python": py,
        "speedup_streaming_vs_python": round(base / max(stream["seconds"], 1e-9), 1),
        "speedup_duckdb_vs_python": round(base / max(duck["seconds"], 1e-9), 1),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; write and return its figures."""
    p = argparse.ArgumentParser(prog="python -m benchmarks openalex")
    p.add_argument("--works-per-year", type=int, default=5000)
    p.add_argument("--first-year", type=int, default=YEARS[0])
    p.add_argument("--last-year", type=int, default=YEARS[-1])
    p.add_argument("--top", type=int, default=2000)
    p.add_argument("--fractional-works", type=int, default=5_000_000)
    p.add_argument("--memory-limit", default="1GB")
    p.add_argument("--python-sample", type=int, default=20_000)
    p.add_argument("--batch-rows", type=int, default=1 << 20,
                   help="rows per Arrow batch of the streaming path (memory vs speed)")
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--output", type=Path, default=RESULTS / "openalex.json")
    args = p.parse_args(argv or [])
    from tests.openalex.fakealex import FakeAlex, FakeAlexServer

    years = list(range(args.first_year, args.last_year + 1))
    with tempfile.TemporaryDirectory() as tmp:
        wd = args.workdir or Path(tmp)
        wd.mkdir(parents=True, exist_ok=True)
        figures: dict[str, Any] = {
            "benchmark": "openalex",
            "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                        "cpus": mp.cpu_count()},
        }
        figures["fractional_attribution"] = bench_fractional(
            args.fractional_works, wd, args.memory_limit, args.python_sample, args.batch_rows)
        t0 = time.perf_counter()
        works = synthetic_works(args.works_per_year, years)
        figures["synthetic_catalogue"] = {"works": len(works),
                                          "seconds": round(time.perf_counter() - t0, 2)}
        with FakeAlexServer(FakeAlex(works=works)) as srv:
            figures["per_country_series"] = bench_series(srv.url, years)
            figures["top_cited_harvest"] = bench_top(srv.url, years, args.top, wd)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=1) + "\n")
    return figures


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), indent=1))
