"""Run the benchmarks: ``python -m benchmarks [NAME ...] [--scale S]``.

Each ``benchmarks/bench_<name>.py`` module exposes ``main(argv: list[str]) -> dict`` and
writes its figures as JSON to ``benchmarks/results/<name>.json``. Benchmarks are not tests:
they run at full scale on purpose and take minutes; the test suite never runs them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    """Names of the benchmark modules (without the ``bench_`` prefix)."""
    return sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(HERE)])
                  if m.name.startswith("bench_"))


def run(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all by default), passing unknown flags through."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"some of: {', '.join(available())}")
    args, rest = parser.parse_known_args(argv)
    names = args.names or available()
    unknown = set(names) - set(available())
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    for name in names:
        mod = importlib.import_module(f"benchmarks.bench_{name}")
        t0 = time.perf_counter()
        print(f"== {name}", file=sys.stderr, flush=True)
        figures = mod.main(rest)
        print(json.dumps(figures, indent=1, default=str))
        print(f"== {name} done in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(run())
