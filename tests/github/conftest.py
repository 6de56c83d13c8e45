"""Fixtures of the GitHub tests: a few organisations with GitHub accounts, the fake GitHub,
the real client pointed at it, a store holding the organisations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from openrace.sources.github import GitHubClient
from openrace.store import Store
from tests.github.fakegithub import FakeGitHub, FakeGitHubServer, make_repo

#: registry organisations: (id, country, owner_country, root, sector, github accounts)
ORGS = [
    ("deepseek", "CN", "CN", "deepseek", "industry", ["deepseek-ai"]),
    ("qwen", "CN", "CN", "alibaba", "industry", ["QwenLM"]),
    ("alibaba", "CN", "CN", "alibaba", "industry", ["alibaba"]),
    ("meta", "US", "US", "meta", "industry", ["facebookresearch", "meta-llama"]),
    ("google", "US", "US", "alphabet", "industry", ["google-research"]),
    ("msra", "CN", "US", "microsoft", "industry", ["microsoft-asia"]),
    ("ghost", "FR", "FR", "ghost", "industry", ["no-such-org"]),
    ("karpathy-lab", "US", "US", "karpathy-lab", "academia", ["karpathy"]),
]


def add_orgs(store: Store, orgs: list[tuple[Any, ...]] = ORGS) -> None:
    """The registry organisations of :data:`ORGS`."""
    store.upsert(
        "organizations",
        [
            {
                "id": i,
                "name": i.title(),
                "country": c,
                "owner_country": oc,
                "root_org": root,
                "sector": sector,
                "github_orgs": gh,
                "source": "https://example.org",
            }
            for i, c, oc, root, sector, gh in orgs
        ],
        ["id"],
    )


def world() -> FakeGitHub:
    """The fake's accounts: CN repositories rising, US falling over 2022-2025, forks,
    archived repositories, licences of every kind, one user account."""
    rid = iter(range(1000, 100_000))
    orgs: dict[str, list[dict[str, Any]]] = {}

    def add(owner: str, year: int, n: int, **kw: Any) -> None:
        for i in range(n):
            k = next(rid)
            orgs.setdefault(owner, []).append(
                make_repo(
                    k, f"{owner}/r{k}", f"{year}-{(i % 12) + 1:02d}-0{(i % 9) + 1}T10:00:00Z", **kw
                )
            )

    add("deepseek-ai", 2022, 1, stars=100)
    add("deepseek-ai", 2024, 3, stars=5000, forks=500, spdx="MIT")
    add("deepseek-ai", 2025, 5, stars=20000, forks=2000, spdx="NOASSERTION")
    add("QwenLM", 2023, 2, stars=3000, spdx="Apache-2.0")
    add("QwenLM", 2025, 4, stars=8000, spdx="Apache-2.0", language="Jupyter Notebook")
    add("alibaba", 2022, 2, stars=500, spdx=None)
    add("alibaba", 2023, 1, stars=50, fork=True)
    add("facebookresearch", 2022, 6, stars=2000, spdx="CC-BY-NC-4.0")
    add("facebookresearch", 2024, 3, stars=1500, archived=True)
    add("facebookresearch", 2025, 2, stars=900)
    add("meta-llama", 2024, 2, stars=30000, spdx="NOASSERTION")
    add("google-research", 2022, 5, stars=1000, spdx="Apache-2.0")
    add("google-research", 2025, 1, stars=100, spdx="Apache-2.0", fork=True)
    add("microsoft-asia", 2023, 2, stars=300)
    users = {
        "karpathy": [
            make_repo(
                next(rid), "karpathy/nanoGPT", "2022-12-28T10:00:00Z", stars=40000, forks=6000
            )
        ]
    }
    return FakeGitHub(orgs=orgs, users=users)


#: repositories the harvest stores by default (no forks)
STORED = 38


@pytest.fixture
def gh() -> FakeGitHub:
    """The fake GitHub holding :func:`world`."""
    return world()


@pytest.fixture
def server(gh: FakeGitHub) -> Iterator[FakeGitHubServer]:
    """The fake GitHub, running on 127.0.0.1."""
    with FakeGitHubServer(gh) as srv:
        yield srv


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def client(server: FakeGitHubServer, sleeps: list[float]) -> Iterator[GitHubClient]:
    """The real client pointed at the fake, 5 repositories a page, waits recorded."""
    c = GitHubClient(
        endpoint=server.url, per_page=5, retries=2, backoff=0.5, sleep=sleeps.append, timeout=5
    )
    yield c
    c.close()


@pytest.fixture
def gstore() -> Iterator[Store]:
    """An in-memory store with the test organisations."""
    s = Store(":memory:")
    add_orgs(s)
    yield s
    s.close()


def registry_world(bundled_registry: Any, *, missing: tuple[str, ...] = ()) -> FakeGitHub:
    """A fake holding every GitHub account of the bundled registry (but ``missing``): a
    Chinese organisation's accounts have 1 repository created in 2022 and 3 in 2025, a US
    organisation's 3 in 2022 and 1 in 2025, the others 1 in each year; stars grow with
    the year for China and fall for the US."""
    rid = iter(range(1, 1_000_000))
    orgs: dict[str, list[dict[str, Any]]] = {}
    for o in bundled_registry.organizations:
        counts = {"CN": (1, 3), "US": (3, 1)}.get(o.country, (1, 1))
        stars = {"CN": (10, 1000), "US": (1000, 10)}.get(o.country, (100, 100))
        for login in o.github_orgs:
            if login in missing or login in orgs:
                continue
            repos = orgs.setdefault(login, [])
            for year, n, s in ((2022, counts[0], stars[0]), (2025, counts[1], stars[1])):
                for i in range(n):
                    k = next(rid)
                    repos.append(
                        make_repo(
                            k,
                            f"{login}/r{k}",
                            f"{year}-0{i + 1}-15T00:00:00Z",
                            stars=s,
                            forks=s // 10,
                        )
                    )
    return FakeGitHub(orgs=orgs)
