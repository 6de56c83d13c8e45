"""Fixtures of the OpenAlex tests: a small world of AI works, the fake server, a store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from openrace.sources.openalex import OpenAlexClient
from openrace.store import Store, utcnow
from tests.openalex.fakealex import (
    FakeAlex,
    FakeAlexServer,
    make_author,
    make_institution,
    make_work,
)

YEARS = (2022, 2023, 2024)

GOOGLE = make_institution("I1291425158", "US", "company", "https://ror.org/00njsd438",
                          name="Google (United States)")
DEEPMIND = make_institution("I4210090411", "GB", "company", None,
                            lineage=["I4210090411", "I1291425158"], name="DeepMind")
MSRA = make_institution("I4210113369", "CN", "company", "https://ror.org/0000msra1",
                        name="Microsoft Research Asia")
ALIBABA = make_institution("I45928872", "CN", "company", "https://ror.org/00k642b80",
                           name="Alibaba Group")
TSINGHUA = make_institution("I99065089", "CN", "education", "https://ror.org/03cve4549",
                            name="Tsinghua University")
MIT = make_institution("I63966007", "US", "education", "https://ror.org/042nb2s44",
                       name="MIT")
CAS = make_institution("I19820366", "CN", "government", "https://ror.org/034t30j35",
                       name="Chinese Academy of Sciences")
OXFORD = make_institution("I40120149", "GB", "education", "https://ror.org/052gg0110",
                          name="University of Oxford")

#: registry organisations the tests link to: (id, name, country, owner_country, root, sector,
#: openalex_id, ror)
ORGS = [
    ("google", "Google", "US", "US", "alphabet", "industry", "I1291425158", None),
    ("alibaba", "Alibaba", "CN", "CN", "alibaba", "industry", None, "https://ror.org/00k642b80"),
    ("microsoft-research-asia", "Microsoft Research Asia", "CN", "US", "microsoft",
     "industry", "I4210113369", None),
    ("tsinghua-university", "Tsinghua University", "CN", "CN", "tsinghua-university",
     "academia", "I99065089", "https://ror.org/03cve4549"),
]

#: author patterns cycled over the works of a year
PATTERNS: list[list[dict[str, Any]]] = [
    [make_author("a1", [GOOGLE]), make_author("a2", [MIT])],                        # US
    [make_author("b1", [TSINGHUA]), make_author("b2", [ALIBABA])],                  # CN
    [make_author("c1", [TSINGHUA]), make_author("c2", [MIT, GOOGLE])],              # US+CN
    [make_author("d1", [DEEPMIND]), make_author("d2", [OXFORD]),
     make_author("d3", [CAS])],                                                     # GB+CN
    [make_author("e1", [MSRA])],                                                    # CN (US owner)
    [make_author("f1", [], countries=[])],                                          # nobody
]


def world_works(per_year: int = 12) -> list[dict[str, Any]]:
    """``per_year`` AI works per year cycling over :data:`PATTERNS` (citations falling
    with the index), plus two non-AI works per year and one AI work only in the broad
    selection."""
    works = []
    n = 1000
    for year in YEARS:
        for i in range(per_year):
            n += 1
            doi = f"https://doi.org/10.48550/arxiv.{year % 100}01.{i:05d}" if i == 0 else None
            works.append(make_work(n, year, cited=1000 - i * 10 + (2024 - year),
                                   authors=PATTERNS[i % len(PATTERNS)], doi=doi))
        for _ in range(2):
            n += 1
            works.append(make_work(n, year, cited=5000, authors=PATTERNS[0], subfield=2713))
        n += 1
        works.append(make_work(n, year, cited=3, authors=PATTERNS[1], subfield=1707,
                               extra_subfields=[1702]))
    return works


def add_orgs(store: Store) -> None:
    """The registry organisations of :data:`ORGS`."""
    store.upsert("organizations", [
        {"id": i, "name": name, "country": c, "owner_country": oc, "root_org": root,
         "sector": sector, "openalex_id": oa, "ror": ror, "source": "https://example.org"}
        for i, name, c, oc, root, sector, oa, ror in ORGS
    ], ["id"])


@pytest.fixture
def alex() -> FakeAlex:
    """A fake OpenAlex holding the small world."""
    return FakeAlex(works=world_works())


@pytest.fixture
def server(alex: FakeAlex) -> Iterator[FakeAlexServer]:
    """The fake OpenAlex, running on 127.0.0.1."""
    with FakeAlexServer(alex) as srv:
        yield srv


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def client(server: FakeAlexServer, sleeps: list[float]) -> Iterator[OpenAlexClient]:
    """The real client pointed at the fake server, with recorded (not slept) waits."""
    c = OpenAlexClient(endpoint=server.url, api_key="sekret-key", email="me@example.org",
                       retries=3, backoff=0.5, sleep=sleeps.append, requests_per_second=0,
                       timeout=5)
    yield c
    c.close()


@pytest.fixture
def ostore() -> Iterator[Store]:
    """An in-memory store with the test organisations."""
    s = Store(":memory:")
    add_orgs(s)
    yield s
    s.close()


def this_year() -> int:
    """The current year (the harvester's default last year)."""
    return utcnow().year
