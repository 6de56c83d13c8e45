"""GitHub harvest: requests of a full harvest vs a re-run, and the wall time at each rate
limit, against the local fake GitHub.

``python -m benchmarks github [--scale 1.0] [--changed 0.05] [--seed 7] [--workdir DIR]``

The fake holds every GitHub account of the bundled registry, each with a synthetic number
of public repositories from a skewed distribution (most accounts a few dozen, a few in the
thousands, like the real ones); ``--scale`` multiplies them. Four harvests of the same
store, each through openrace's real client (``per_page=100``) and harvester:

1. **first harvest**: every page answers 200;
2. **re-run, nothing changed**: every page is revalidated with its ETag and answers 304;
3. **re-run after activity**: ``--changed`` of the repositories gained a star (and a few
   new ones were created), so the pages holding them answer 200, the rest 304.

Each is measured with a token (5,000 requests an hour, a 304 free) and anonymously (60 an
hour; the fake counts an anonymous 304, the conservative reading of the contract). The
rate-limit waits run on a virtual clock shared by the fake and the client, so the figures
are the waits the client really takes (it waits for ``x-ratelimit-reset`` once
``x-ratelimit-remaining`` is 0), without sleeping for hours: ``wall_time_s`` is the
measured time plus the virtual waits.

Figures go to ``benchmarks/results/github.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


class VirtualClock:
    """Wall-clock time plus the waits the client asked for (which are not slept)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        """Seconds since the epoch, virtual waits included."""
        return time.time() + self.offset

    def sleep(self, seconds: float) -> None:
        """Advance the virtual clock instead of sleeping."""
        self.offset += max(0.0, seconds)


def sizes(accounts: list[str], scale: float, seed: int) -> dict[str, int]:
    """A skewed number of repositories per account (Pareto-like: median ~40, a few in the
    thousands)."""
    rnd = random.Random(seed)
    out = {}
    for a in accounts:
        n = int(min(8000, 8 * rnd.paretovariate(0.9)) * scale)
        out[a] = max(1, n)
    return out


def build_world(scale: float, seed: int) -> tuple[Any, dict[str, int]]:
    """The fake GitHub holding every account of the bundled registry."""
    from tests.github.fakegithub import FakeGitHub, make_repo

    from openrace.registry import load_registry

    reg = load_registry()
    logins = sorted({g for o in reg.organizations for g in o.github_orgs}, key=str.lower)
    n = sizes(logins, scale, seed)
    rnd = random.Random(seed + 1)
    rid = 0
    orgs: dict[str, list[dict[str, Any]]] = {}
    for login in logins:
        repos = []
        for i in range(n[login]):
            rid += 1
            year = 2012 + (i * 14) // max(1, n[login])
            repos.append(
                make_repo(
                    rid,
                    f"{login}/r{rid}",
                    f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00Z",
                    stars=int(rnd.paretovariate(1.2) * 10),
                    fork=rnd.random() < 0.1,
                    archived=rnd.random() < 0.05,
                    spdx=rnd.choice(
                        ["MIT", "Apache-2.0", None, "NOASSERTION", "BSD-3-Clause", "CC-BY-NC-4.0"]
                    ),
                )
            )
        orgs[login] = repos
    return FakeGitHub(orgs=orgs), n


def activity(gh: Any, changed: float, seed: int) -> dict[str, int]:
    """``changed`` of the repositories gain a star; one account in ten gets a new repo."""
    from tests.github.fakegithub import make_repo

    rnd = random.Random(seed + 2)
    starred = 0
    new = 0
    rid = 10_000_000
    for login, repos in sorted(gh.orgs.items()):
        for r in repos:
            if rnd.random() < changed:
                r["stargazers_count"] += 1
                starred += 1
        if rnd.random() < 0.1:
            rid += 1
            repos.append(make_repo(rid, f"{login}/new{rid}", "2026-06-01T00:00:00Z"))
            new += 1
    return {"repos_starred": starred, "repos_created": new}


def harvest_once(gh: Any, url: str, store_path: Path, token: str | None) -> dict[str, Any]:
    """One `update github` through the real client and harvester, on a virtual clock."""
    from openrace.api import open_store
    from openrace.harvest.github import harvest
    from openrace.sources.github import GitHubClient

    clock = VirtualClock()
    gh.clock = clock.now
    gh.reset_at = int(clock.now()) + 3600
    gh.used.clear()
    before = len(gh.log)
    client = GitHubClient(
        endpoint=url, token=token, sleep=clock.sleep, clock=clock.now, max_wait=float("inf")
    )
    t0 = time.perf_counter()
    with client, open_store(store_path) as s:
        stats = harvest(s, client)
    elapsed = time.perf_counter() - t0
    log = gh.log[before:]
    counted = sum(1 for status, _, auth in log if status != 304 or not auth)
    return {
        "requests": client.requests,
        "answered_200": sum(1 for st, _, _ in log if st == 200),
        "answered_304": sum(1 for st, _, _ in log if st == 304),
        "answered_404": sum(1 for st, _, _ in log if st == 404),
        "answered_403_rate_limited": sum(1 for st, _, _ in log if st == 403),
        "requests_counted_against_quota": counted,
        "repositories_stored": stats.stored,
        "measured_s": round(elapsed, 2),
        "rate_limit_waits_s": round(client.waited, 1),
        "wall_time_s": round(elapsed + client.waited, 1),
        "wall_time_h": round((elapsed + client.waited) / 3600, 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and write its figures."""
    p = argparse.ArgumentParser(prog="python -m benchmarks github")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--changed", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--output", type=Path, default=RESULTS / "github.json")
    args = p.parse_args(argv)
    sys.path.insert(0, str(HERE.parent))
    from tests.github.fakegithub import FakeGitHubServer

    work = args.workdir or Path(tempfile.mkdtemp(prefix="openrace-bench-github-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    for who, token in (("token", "good-token"), ("anonymous", None)):
        gh, n = build_world(args.scale, args.seed)
        store = work / f"{who}.duckdb"
        store.unlink(missing_ok=True)
        with FakeGitHubServer(gh) as srv:
            first = harvest_once(gh, srv.url, store, token)
            unchanged = harvest_once(gh, srv.url, store, token)
            act = activity(gh, args.changed, args.seed)
            after = harvest_once(gh, srv.url, store, token)
        results[who] = {
            "first_harvest": first,
            "rerun_unchanged": unchanged,
            "rerun_after_activity": {**after, **act},
        }
    total = sum(n.values())
    figures = {
        "benchmark": "github",
        "what": "requests of a full GitHub harvest of the registry's accounts vs re-runs "
        "(ETag revalidation), and wall time at the primary rate limits (token "
        "5,000/h with free 304s; anonymous 60/h, 304s counted), on a virtual clock",
        "accounts": len(n),
        "repositories": total,
        "largest_accounts": sorted(n.values(), reverse=True)[:5],
        "per_page": 100,
        "changed_fraction": args.changed,
        "scale": args.scale,
        **results,
        "rerun_requests_saved_with_token": (
            f"{results['token']['rerun_unchanged']['requests_counted_against_quota']} of "
            f"{results['token']['first_harvest']['requests_counted_against_quota']} requests "
            "counted against the quota on an unchanged re-run"
        ),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=1) + "\n")
    return figures


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), indent=1))
