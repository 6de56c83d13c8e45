"""Harvest OpenAlex into the store: per-country aggregates, top-cited works, model links.

Three parts, each a resumable harvest run (``harvest_runs``, source ``openalex``):

``aggregates:<selection>``
    AI works per country per year from ``group_by=authorships.countries`` queries (segment
    ``all``), the world total of works with an author at a company / education /
    government institution (OpenAlex's type filter, country ``all``), and the works
    co-authored from the United States and China. Written to ``aggregates`` (measure
    ``ai_works``, or ``ai_works_broad`` for the broad selection; ``..._coauthored`` for
    the pair). A few requests per year. A resumed run skips every (year, segment) already
    stored under its run id.
``sectors:<selection>``
    Exact company / education / government AI works per country and year, and the works
    with authors at both a company and a university of the country (segment
    ``academia-industry``): a work counts for country C in sector S only when one of its
    authors is at an institution of sector S located in C (:mod:`openrace.rules.sectors`), never
    because a sector filter and a country filter happen to match different authors. For
    each of the ``exact_countries`` countries with the most AI works: a ``group_by`` over
    institutions finds the 100 institutions with the most works matching both filters
    (the candidates), ``/institutions`` gives their type, country and ROR id, and one
    ``group_by=publication_year`` over an OR filter of the qualifying ids counts the works
    per year. Also stored: the co-occurrence count (an upper bound, measure
    ``..._bound``).
``top:<selection>``
    For each year, the ``top`` most-cited AI works with their full authorships, through
    cursor paging sorted by ``cited_by_count``: ``artifacts`` (kind ``work``),
    ``attributions`` (method ``affiliation``, see :mod:`openrace.rules.affiliation`) and
    ``observations`` (``cited_by_count`` and the work's rank in its year,
    ``cited_rank`` / ``cited_rank_broad``). Each page is committed with its cursor, so an
    interrupted run (a kill, the daily allowance) resumes at the next page.
``links``
    ``arxiv:<id>`` tags of harvested Hub models resolved to OpenAlex works through their
    arXiv DOIs, in batches of 50; each work is stored as above and tagged with the
    artifact ids of the models that cite it (``hf:model:<repo>``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from openrace.errors import UsageError
from openrace.rules.affiliation import METHOD, UNATTRIBUTED, OrgIndex, work_attributions
from openrace.rules.sectors import RorIndex
from openrace.sources.openalex import (  # the stored vocabulary, defined with the source
    ALL_WITH_HK,
    COAUTHORED,
    DEFAULT_SELECTION,
    FREE_ALLOWANCE_USD,
    LIST_CALL_USD,
    PAIR,
    PAIR_WITH_HK,
    PER_PAGE,
    SEGMENTS,
    WORK_FIELDS,
    WORLD,
    BadRecord,
    Institution,
    OpenAlexClient,
    WorkRecord,
    country_key,
    measure_name,
    parse_institution,
    parse_work,
    rank_metric,
    selection_filter,
    short_id,
    work_detail,
)
from openrace.store import Store, utcnow

SOURCE = "openalex"
FIRST_YEAR = 2015
DEFAULT_TOP = 2000
#: the codes of the group "China incl. Hong Kong" (openrace.metrics.base.CHINA_WITH_HK)
CHINA_WITH_HK = ("CN", "HK")
#: the sectors counted exactly per country (the others of SEGMENTS are world-only)
EXACT = ("company", "education", "government")
DEFAULT_EXACT_COUNTRIES = 30


@dataclass
class PartResult:
    """What one part of a harvest did."""

    part: str
    run_id: int
    requests: int = 0
    read: int = 0
    stored: int = 0
    rejected: int = 0
    resumed: bool = False
    skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the CLI."""
        return dict(self.__dict__)


@dataclass
class OpenAlexHarvester:
    """Harvest OpenAlex into ``store`` through ``client``."""

    store: Store
    client: OpenAlexClient
    selection: str = DEFAULT_SELECTION
    first_year: int = FIRST_YEAR
    last_year: int = field(default_factory=lambda: utcnow().year)
    top: int = DEFAULT_TOP
    exact_countries: int = DEFAULT_EXACT_COUNTRIES
    ror: RorIndex | None = None
    index: OrgIndex | None = None
    progress: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        self.filter = selection_filter(self.selection)
        if self.first_year > self.last_year:
            raise UsageError(f"first year {self.first_year} is after last year {self.last_year}")
        if not 1900 <= self.first_year <= 2200 or not 1900 <= self.last_year <= 2200:
            raise UsageError("years must be between 1900 and 2200")
        if self.top < 1:
            raise UsageError("--top must be at least 1")
        if self.exact_countries < 0:
            raise UsageError("--exact-countries must be 0 or more")
        if self.index is None:
            self.index = OrgIndex.from_store(self.store, self.ror)
        self._institutions: dict[str, Institution] = {}

    @property
    def years(self) -> list[int]:
        """The publication years harvested, oldest first."""
        return list(range(self.first_year, self.last_year + 1))

    def _say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    # -- the plan ------------------------------------------------------------------------------

    def _pending(self, scope: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """The resumable run of ``scope`` with the same parameters (None: a new run)."""
        prev = self.store.resumable_run(SOURCE, scope)
        if prev is not None and json.loads(prev["params"] or "{}") == params:
            return prev
        return None

    def plan_part(self, part: str) -> dict[str, Any]:
        """The most calls ``part`` will make, and what they are."""
        if part == "aggregates":
            prev = self._pending(f"aggregates:{self.selection}", self._agg_params())
            done = set()
            if prev is not None:
                done = {(r["period"], r["segment"]) for r in self.store.dicts(
                    "SELECT DISTINCT period, segment FROM aggregates WHERE source = ? AND "
                    "run_id = ? AND country = ?", [SOURCE, prev["run_id"], WORLD])}
            todo = [(y, seg) for y in self.years for seg in SEGMENTS
                    if (str(y), seg) not in done]
            pair = 0 if (str(self.last_year), "pair") in done else 1
            with_hk = 0 if (str(self.last_year), ALL_WITH_HK) in done else 2
            grouped = sum(1 for _, seg in todo if SEGMENTS[seg] is None)
            counted = len(todo) - grouped
            return {"part": part, "calls": grouped * COUNTRY_PAGES + counted + pair + with_hk,
                    "what": f"{grouped} group_by queries (one a year) of up to "
                    f"{COUNTRY_PAGES} pages of 100 countries, {counted} world counts by "
                    f"sector, {pair} for the US-China pair, {with_hk} for China incl. "
                    "Hong Kong (its works and those co-authored with the US)"}
        if part == "sectors":
            prev = self._pending(f"sectors:{self.selection}", self._sector_params())
            done = ({cc for _, cc in self._sectors_done(prev["run_id"])} if prev is not None
                    else set())
            todo = max(0, self.exact_countries - len(done))
            per = len(EXACT) * 3 + 1
            return {"part": part, "calls": 1 + todo * per,
                    "what": f"{todo} countries x (3 sectors x (candidate institutions, their "
                    "records, works per year) + academia-industry co-authored works); one "
                    "group_by for the countries"}
        if part == "works":
            prev = self._pending(f"top:{self.selection}", self._top_params())
            state = json.loads(prev["cursor"]) if prev is not None and prev.get("cursor") \
                else {}
            start = int(state.get("year", self.first_year))
            pages = math.ceil(self.top / PER_PAGE)
            calls = 0
            for year in self.years:
                if year < start:
                    continue
                done = int(state.get("done", 0)) if year == start else 0
                calls += max(0, math.ceil((self.top - done) / PER_PAGE))
            return {"part": part, "calls": calls,
                    "what": f"{len(self.years)} years x {pages} pages of 100 top-cited "
                    "works"}
        if part == "links":
            wanted = self._wanted_links()
            stored = self._stored_links()
            todo = [a for a in wanted if a not in stored]
            return {"part": part, "calls": math.ceil(len(todo) / 50),
                    "what": f"{len(todo)} arXiv ids of Hub models, 50 a call"}
        raise UsageError(f"unknown part {part!r}; parts: aggregates, sectors, works, links")

    def _sector_params(self) -> dict[str, Any]:
        return {"years": [self.first_year, self.last_year], "filter": self.filter,
                "countries": self.exact_countries}

    def _agg_params(self) -> dict[str, Any]:
        return {"years": [self.first_year, self.last_year], "filter": self.filter}

    def _top_params(self) -> dict[str, Any]:
        return {"years": [self.first_year, self.last_year], "top": self.top,
                "filter": self.filter}

    # -- aggregates ----------------------------------------------------------------------------

    def aggregates(self) -> PartResult:
        """Per-country AI works per year, by institution-type segment, and the pair."""
        scope = f"aggregates:{self.selection}"
        with self.store.run(SOURCE, scope, self._agg_params()) as run:
            run_id, prev = run.run_id, run.previous
            res = PartResult("aggregates", run_id, resumed=prev is not None)
            measure = measure_name(self.selection)
            pair_measure = f"{measure}_coauthored"
            done = {(r["measure"], r["period"], r["segment"]) for r in self.store.dicts(
                "SELECT DISTINCT measure, period, segment FROM aggregates WHERE source = ? "
                "AND run_id = ? AND country = ?", [SOURCE, run_id, WORLD])}

            def work() -> None:
                for year in self.years:
                    for segment, types in SEGMENTS.items():
                        if (measure, str(year), segment) in done:
                            res.skipped += 1
                            continue
                        f = f"{self.filter},publication_year:{year}"
                        before = self.client.requests
                        if types:
                            # per country, a type filter and a country filter would match
                            # different authors: only the world total here (sectors part)
                            f += f",authorships.institutions.type:{types}"
                            groups, total = [], self.client.count(f)
                        else:
                            groups, total = self.client.group_by(f, "authorships.countries")
                        self._store_groups(run_id, res, measure, str(year), segment, groups,
                                           total, self.client.requests - before)
                        self._say(f"aggregates {year} {segment}: {total:,} works, "
                                  f"{len(groups)} countries")
                if (pair_measure, str(self.last_year), "pair") not in done:
                    self._pair(run_id, res, pair_measure)
                else:
                    res.skipped += 1
                if (measure, str(self.last_year), ALL_WITH_HK) not in done:
                    self._china_with_hk(run_id, res, measure, pair_measure)
                else:
                    res.skipped += 1

            work()
            run.watermark = utcnow().date().isoformat()
        return res

    def _store_groups(self, run_id: int, res: PartResult, measure: str, period: str,
                      segment: str, groups: list[dict[str, Any]], total: int,
                      requests: int) -> None:
        now = utcnow()
        rows = [{"source": SOURCE, "measure": measure, "period": period, "country": WORLD,
                 "segment": segment, "value": float(total), "observed_at": now,
                 "run_id": run_id}]
        bad = []
        for g in groups:
            cc = country_key(g.get("key"))
            n = g.get("count")
            if cc is None or isinstance(n, bool) or not isinstance(n, int | float) or n < 0:
                if str(g.get("key")).lower() not in ("unknown", "none", "null"):
                    bad.append(g)
                continue
            rows.append({"source": SOURCE, "measure": measure, "period": period, "country": cc,
                         "segment": segment, "value": float(n), "observed_at": now,
                         "run_id": run_id})
        with self.store.transaction():
            self.store.append("aggregates", rows)
            for g in bad:
                self.store.quarantine(run_id, SOURCE, f"{measure}:{period}:{segment}",
                                      "malformed group_by group", g)
            self.store.checkpoint(run_id, cursor=f"{period}:{segment}", requests=requests,
                                  read=len(groups), stored=len(rows), rejected=len(bad))
        res.requests += requests
        res.read += len(groups)
        res.stored += len(rows)
        res.rejected += len(bad)
        self.store.let_readers_in()  # between transactions: readers may come in

    def _pair(self, run_id: int, res: PartResult, measure: str) -> None:
        a, b = PAIR
        f = (f"{self.filter},authorships.countries:{a},authorships.countries:{b},"
             f"publication_year:{self.first_year}-{self.last_year}")
        before = self.client.requests
        groups, _ = self.client.group_by(f, "publication_year")
        counts = {}
        bad = []
        for g in groups:
            key, n = str(g.get("key")), g.get("count")
            if key.isdigit() and isinstance(n, int) and not isinstance(n, bool) and n >= 0:
                counts[key] = n
            else:
                bad.append(g)
        now = utcnow()
        rows = []
        for year in self.years:
            n = float(counts.get(str(year), 0))
            rows += [
                {"source": SOURCE, "measure": measure, "period": str(year), "country": a,
                 "segment": f"with-{b}", "value": n, "observed_at": now, "run_id": run_id},
                {"source": SOURCE, "measure": measure, "period": str(year), "country": b,
                 "segment": f"with-{a}", "value": n, "observed_at": now, "run_id": run_id},
            ]
        rows.append({"source": SOURCE, "measure": measure, "period": str(self.last_year),
                     "country": WORLD, "segment": "pair", "value": float(sum(counts.values())),
                     "observed_at": now, "run_id": run_id})
        requests = self.client.requests - before
        with self.store.transaction():
            self.store.append("aggregates", rows)
            for g in bad:
                self.store.quarantine(run_id, SOURCE, measure, "malformed group_by group", g)
            self.store.checkpoint(run_id, cursor="pair", requests=requests, read=len(groups),
                                  stored=len(rows), rejected=len(bad))
        res.requests += requests
        res.read += len(groups)
        res.stored += len(rows)
        res.rejected += len(bad)
        self.store.let_readers_in()  # between transactions: readers may come in
        self._say(f"co-authored {a}-{b}: {sum(counts.values()):,} works")

    def _year_counts(self, f: str) -> tuple[dict[str, int], list[Any], int]:
        """Works per publication year matching filter ``f`` (one ``group_by`` request): the
        counts, the malformed groups and the number of groups read."""
        groups, _ = self.client.group_by(
            f"{f},publication_year:{self.first_year}-{self.last_year}", "publication_year")
        counts: dict[str, int] = {}
        bad = []
        for g in groups:
            key, n = str(g.get("key")), g.get("count")
            if key.isdigit() and isinstance(n, int) and not isinstance(n, bool) and n >= 0:
                counts[key] = n
            else:
                bad.append(g)
        return counts, bad, len(groups)

    def _china_with_hk(self, run_id: int, res: PartResult, measure: str,
                       pair_measure: str) -> None:
        """The group "China incl. Hong Kong" counted as OpenAlex counts a country: the works
        with an author in mainland China *or* Hong Kong, each once (summing the two
        countries' counts would count their co-authored works twice), and the same for the
        works co-authored with the United States. Two ``group_by=publication_year``
        requests, then one transaction."""
        china = "|".join(CHINA_WITH_HK)
        before = self.client.requests
        union, bad_u, read_u = self._year_counts(f"{self.filter},authorships.countries:{china}")
        pair, bad_p, read_p = self._year_counts(
            f"{self.filter},authorships.countries:{PAIR[0]},authorships.countries:{china}")
        requests = self.client.requests - before
        now = utcnow()
        rows = []
        for year in self.years:
            y = str(year)
            rows.append({"source": SOURCE, "measure": measure, "period": y,
                         "country": CHINA_WITH_HK[0], "segment": ALL_WITH_HK,
                         "value": float(union.get(y, 0)), "observed_at": now, "run_id": run_id})
            rows += [{"source": SOURCE, "measure": pair_measure, "period": y, "country": cc,
                      "segment": PAIR_WITH_HK, "value": float(pair.get(y, 0)),
                      "observed_at": now, "run_id": run_id} for cc in PAIR]
        # the marker a resumed run looks for (``done`` in :meth:`aggregates`)
        rows.append({"source": SOURCE, "measure": measure, "period": str(self.last_year),
                     "country": WORLD, "segment": ALL_WITH_HK,
                     "value": float(sum(union.values())), "observed_at": now, "run_id": run_id})
        with self.store.transaction():
            self.store.append("aggregates", rows)
            for m, bad in ((measure, bad_u), (pair_measure, bad_p)):
                for g in bad:
                    self.store.quarantine(run_id, SOURCE, f"{m}:{ALL_WITH_HK}",
                                          "malformed group_by group", g)
            self.store.checkpoint(run_id, cursor=ALL_WITH_HK, requests=requests,
                                  read=read_u + read_p, stored=len(rows),
                                  rejected=len(bad_u) + len(bad_p))
        res.requests += requests
        res.read += read_u + read_p
        res.stored += len(rows)
        res.rejected += len(bad_u) + len(bad_p)
        self.store.let_readers_in()  # between transactions: readers may come in
        self._say(f"China incl. Hong Kong: {sum(union.values()):,} works, "
                  f"{sum(pair.values()):,} co-authored with the US")

    # -- exact sector counts by the qualifying institution's country ---------------------------

    def _sectors_done(self, run_id: int) -> set[tuple[str, str]]:
        return {(r["segment"], r["country"]) for r in self.store.dicts(
            "SELECT DISTINCT segment, country FROM aggregates WHERE source = ? AND run_id = ? "
            "AND measure = ?", [SOURCE, run_id, f"{measure_name(self.selection)}_bound"])}

    def _top_countries(self, res: PartResult) -> list[str]:
        """The ``exact_countries`` countries with the most AI works over the years: from
        the stored series, else one group_by over the whole period."""
        rows = self.store.dicts(
            "SELECT country, sum(value) n FROM (SELECT period, country, arg_max(value, run_id) "
            "AS value FROM aggregates WHERE source = ? AND measure = ? AND segment = 'all' "
            "AND country <> ? AND period BETWEEN ? AND ? GROUP BY period, country) "
            "GROUP BY country ORDER BY n DESC, country",
            [SOURCE, measure_name(self.selection), WORLD, str(self.first_year),
             str(self.last_year)])
        if rows and {r["country"] for r in rows}:
            return [r["country"] for r in rows][: self.exact_countries]
        before = self.client.requests
        groups, _ = self.client.group_by(
            f"{self.filter},publication_year:{self.first_year}-{self.last_year}",
            "authorships.countries")
        res.requests += self.client.requests - before
        counts = sorted((-int(g.get("count") or 0), cc) for g in groups
                         if (cc := country_key(g.get("key"))))
        return [cc for _, cc in counts][: self.exact_countries]

    def _resolve(self, ids: list[str]) -> None:
        """Fetch the records of institutions not yet known (type, country, ROR id)."""
        todo = [i for i in ids if i not in self._institutions]
        if not todo:
            return
        for raw in self.client.institutions(todo):
            try:
                inst = parse_institution(raw)
            except BadRecord:
                continue
            if inst.id:
                self._institutions[inst.id] = inst
        for i in todo:  # unknown to OpenAlex: never qualifies
            self._institutions.setdefault(i, Institution(i, None, None, None, None))

    def sectors(self) -> PartResult:
        """Exact sector AI works per country and year, and the works co-authored by the
        country's academia and industry (see the module docstring); one country at a time,
        each committed whole, so that a resumed run skips the countries done."""
        scope = f"sectors:{self.selection}"
        with self.store.run(SOURCE, scope, self._sector_params()) as run:
            run_id, prev = run.run_id, run.previous
            res = PartResult("sectors", run_id, resumed=prev is not None)
            measure = measure_name(self.selection)
            done = {cc for _, cc in self._sectors_done(run_id)}
            period = f"{self.first_year}-{self.last_year}"

            def per_year(filt: str) -> dict[str, int]:
                years, _ = self.client.group_by(f"{self.filter},publication_year:{period},{filt}",
                                                "publication_year")
                out = {}
                for g in years:
                    key, n = str(g.get("key")), g.get("count")
                    if key.isdigit() and isinstance(n, int) and not isinstance(n, bool) and n >= 0:
                        out[key] = n
                return out

            def work() -> None:
                countries = self._top_countries(res) if self.exact_countries else []
                for cc in countries:
                    if cc in done:
                        res.skipped += 1
                        continue
                    before = self.client.requests
                    counts: dict[str, tuple[dict[str, int], int, int, int]] = {}
                    ids: dict[str, list[str]] = {}
                    for segment in EXACT:
                        groups, bound = self.client.top_groups(
                            f"{self.filter},publication_year:{period},"
                            f"authorships.institutions.type:{SEGMENTS[segment]},"
                            f"authorships.institutions.country_code:{cc}",
                            "authorships.institutions.id")
                        candidates = [i for i in (short_id(g.get("key")) for g in groups) if i]
                        self._resolve(candidates)
                        ids[segment] = [i for i in candidates if self._qualifies(i, segment, cc)]
                        found = (per_year(f"authorships.institutions.id:{'|'.join(ids[segment])}")
                                 if ids[segment] else {})
                        counts[segment] = (found, bound, len(candidates), len(ids[segment]))
                    # a company and a university of the same country on one work: two OR
                    # clauses of the country's own qualifying ids, ANDed
                    both = (per_year(f"authorships.institutions.id:{'|'.join(ids['company'])},"
                                     f"authorships.institutions.id:{'|'.join(ids['education'])}")
                            if ids["company"] and ids["education"] else {})
                    self._store_exact(run_id, res, measure, cc, counts, both,
                                      self.client.requests - before)
                    self._say(f"{cc}: " + ", ".join(
                        f"{seg} {sum(c[0].values()):,} works from {c[3]} of {c[2]} institutions"
                        for seg, c in counts.items()))

            work()
            run.watermark = utcnow().date().isoformat()
        return res

    def _qualifies(self, iid: str, segment: str, country: str) -> bool:
        inst = self._institutions.get(iid)
        if inst is None or inst.country != country:
            return False
        assert self.index is not None
        return self.index.sector(inst)[0] == segment

    def _store_exact(self, run_id: int, res: PartResult, measure: str, country: str,
                     counts: dict[str, tuple[dict[str, int], int, int, int]],
                     both: dict[str, int], requests: int) -> None:
        now = utcnow()
        span = f"{self.first_year}-{self.last_year}"
        rows = []
        series = {seg: c[0] for seg, c in counts.items()}
        series[COAUTHORED] = both
        for segment, per_year in series.items():
            rows += [{"source": SOURCE, "measure": measure, "period": str(y),
                      "country": country, "segment": segment,
                      "value": float(per_year.get(str(y), 0)), "observed_at": now,
                      "run_id": run_id} for y in self.years]
        for segment, (_, bound, _, _) in counts.items():
            rows.append({"source": SOURCE, "measure": f"{measure}_bound", "period": span,
                         "country": country, "segment": segment, "value": float(bound),
                         "observed_at": now, "run_id": run_id})
        read = sum(c[2] for c in counts.values())
        with self.store.transaction():
            self.store.append("aggregates", rows)
            self.store.checkpoint(run_id, cursor=country, requests=requests, read=read,
                                  stored=len(rows), rejected=0)
        res.requests += requests
        res.read += read
        res.stored += len(rows)

    # -- top-cited works ------------------------------------------------------------------------

    def top_works(self) -> PartResult:
        """The ``top`` most-cited AI works of each year, with authorships."""
        scope = f"top:{self.selection}"
        with self.store.run(SOURCE, scope, self._top_params()) as run:
            run_id, prev = run.run_id, run.previous
            res = PartResult("works", run_id, resumed=prev is not None)
            state: dict[str, Any] = {}
            if prev is not None and prev.get("cursor"):
                try:
                    state = json.loads(prev["cursor"])
                except ValueError:
                    state = {}
            per_page = min(PER_PAGE, self.top)
            rank_name = rank_metric(self.selection)

            def work() -> None:
                start = int(state.get("year", self.first_year))
                for year in self.years:
                    if year < start:
                        res.skipped += 1
                        continue
                    same = year == start
                    done = int(state.get("done", 0)) if same else 0
                    cursor = state.get("cursor") if same else None
                    if done >= self.top:
                        continue
                    pages = self.client.pages(
                        "works", cursor=cursor, filter=f"{self.filter},publication_year:{year}",
                        sort="cited_by_count:desc", select=",".join(WORK_FIELDS), per_page=per_page)
                    for page in pages:
                        items = page.items[: self.top - done]
                        finished = done + len(items) >= self.top or page.next_cursor is None
                        nxt = ({"year": year + 1, "cursor": None, "done": 0} if finished
                               else {"year": year, "cursor": page.next_cursor,
                                     "done": done + len(items)})
                        self._store_works(run_id, res, items, page.junk, first_rank=done + 1,
                                          rank_name=rank_name, cursor=json.dumps(nxt),
                                          requests=page.requests, extra={"top_year": year})
                        done += len(items)
                        if finished:
                            break
                    self._say(f"top-cited {year}: {done:,} works")

            work()
            run.watermark = utcnow().date().isoformat()
        return res

    def _store_works(self, run_id: int, res: PartResult, items: list[Any], junk: list[Any], *,
                     first_rank: int | None, rank_name: str | None, cursor: str | None,
                     requests: int, extra: dict[str, Any] | None = None,
                     links: dict[str, list[str]] | None = None) -> list[WorkRecord]:
        now = utcnow()
        works: list[tuple[int, WorkRecord]] = []
        bad: list[tuple[BadRecord, Any]] = []
        for i, raw in enumerate(items):
            try:
                works.append((i, parse_work(raw)))
            except BadRecord as exc:
                bad.append((exc, raw))
        existing_tags: dict[str, list[str]] = {}
        if works:
            ids = [w.artifact_id for _, w in works]
            for r in self.store.dicts(
                    "SELECT artifact_id, tags FROM artifacts WHERE artifact_id IN "
                    "(SELECT unnest(?))", [ids]):
                existing_tags[r["artifact_id"]] = list(r["tags"] or [])
        artifacts, observations, attributions = [], [], []
        for i, w in works:
            tags = [f"selection:{self.selection}"] if first_rank is not None else []
            if w.arxiv_id:
                tags.append(f"arxiv:{w.arxiv_id}")
            tags = list(dict.fromkeys(existing_tags.get(w.artifact_id, []) + tags
                                      + (links or {}).get(w.id, [])))
            artifacts.append({
                "artifact_id": w.artifact_id, "source": SOURCE, "kind": "work",
                "source_id": w.id, "title": w.title,
                "author": w.authorships[0].name if w.authorships else None,
                "created": w.date, "date_precision": "day", "url": w.url, "tags": tags,
                "paper": True, "detail": work_detail(w, **(extra or {})),
                "first_seen": now, "last_seen": now,
            })
            observations.append({"artifact_id": w.artifact_id, "metric": "cited_by_count",
                                  "value": float(w.cited_by_count), "observed_at": now,
                                  "run_id": run_id})
            if first_rank is not None and rank_name:
                observations.append({"artifact_id": w.artifact_id, "metric": rank_name,
                                     "value": float(first_rank + i), "observed_at": now,
                                     "run_id": run_id})
            attributions += work_attributions(w, self.index)
        with self.store.transaction():
            if artifacts:
                self.store.upsert("artifacts", artifacts, ["artifact_id"], keep=["first_seen"])
                self.store.append("observations", observations)
                self.store.replace_attributions([a["artifact_id"] for a in artifacts],
                                                [METHOD, UNATTRIBUTED], attributions)
            for exc, raw in bad:
                self.store.quarantine(run_id, SOURCE, exc.key, exc.reason, raw)
            for raw in junk:
                self.store.quarantine(run_id, SOURCE, None, "record is not an object", raw)
            self.store.checkpoint(run_id, cursor=cursor, requests=requests,
                                  read=len(items) + len(junk), stored=len(artifacts),
                                  rejected=len(bad) + len(junk))
        res.requests += requests
        res.read += len(items) + len(junk)
        res.stored += len(artifacts)
        res.rejected += len(bad) + len(junk)
        self.store.let_readers_in()  # between transactions: readers may come in
        return [w for _, w in works]

    # -- model <-> paper links ------------------------------------------------------------------

    def _wanted_links(self) -> dict[str, list[str]]:
        """arXiv id → the Hub models tagged with it."""
        wanted: dict[str, list[str]] = {}
        for r in self.store.dicts(
                "SELECT artifact_id, t FROM (SELECT artifact_id, unnest(tags) AS t FROM "
                "artifacts WHERE source = 'hf' AND kind = 'model') WHERE t LIKE 'arxiv:%' "
                "ORDER BY artifact_id, t"):
            arxiv = r["t"][len("arxiv:"):].strip().lower()
            if arxiv and len(arxiv) <= 40 and " " not in arxiv:
                wanted.setdefault(arxiv, []).append(r["artifact_id"])
        return wanted

    def _stored_links(self) -> dict[str, str]:
        """arXiv id → the stored OpenAlex work with that arXiv DOI."""
        stored: dict[str, str] = {}
        for r in self.store.dicts(
                "SELECT artifact_id, t FROM (SELECT artifact_id, unnest(tags) AS t FROM "
                "artifacts WHERE source = 'openalex' AND kind = 'work') WHERE t LIKE 'arxiv:%' "
                "ORDER BY artifact_id"):
            stored.setdefault(r["t"][len("arxiv:"):].lower(), r["artifact_id"])
        return stored

    def link_models(self) -> PartResult:
        """Resolve ``arxiv:*`` tags of the store's Hub models to OpenAlex works."""
        with self.store.run(SOURCE, "links", {}) as run:
            run_id, prev = run.run_id, run.previous
            res = PartResult("links", run_id, resumed=prev is not None)
            wanted = self._wanted_links()
            stored = self._stored_links()

            def work() -> None:
                # papers already in the store (e.g. top-cited ones) are linked without a request
                with self.store.transaction():
                    for arxiv in sorted(set(wanted) & set(stored)):
                        n = int(self.store.add_tags(stored[arxiv], wanted[arxiv]))
                        res.stored += n
                        res.skipped += 1 - n
                todo = [a for a in sorted(wanted) if a not in stored]
                for batch in _chunks(todo, 50):
                    before = self.client.requests
                    dois = [f"10.48550/arxiv.{a}" for a in batch]
                    found = self.client.works_by_doi(dois, select=",".join(WORK_FIELDS))
                    links: dict[str, list[str]] = {}
                    for raw in found:
                        doi = str(raw.get("doi") or "").lower()
                        arxiv = doi.split("10.48550/arxiv.", 1)[-1] if "arxiv." in doi else None
                        wid = str(raw.get("id") or "").rsplit("/", 1)[-1]
                        if arxiv in wanted:
                            links[wid] = wanted[arxiv]
                    self._store_works(run_id, res, found, [], first_rank=None, rank_name=None,
                                      cursor=batch[-1], requests=self.client.requests - before,
                                      links=links)
                    self._say(f"model links: {len(found)} of {len(batch)} papers found")

            work()
            run.watermark = utcnow().date().isoformat()
        return res


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def top1pct_threshold(total_works: float) -> int:
    """How many works make the top 1 % of a year with ``total_works`` works."""
    return max(1, math.ceil(total_works * 0.01))


#: group_by pages one per-country query may take (about 250 countries, 100 a page)
COUNTRY_PAGES = 3


def plan(store: Store, client: OpenAlexClient, *, parts: Iterable[str] = ("aggregates",
         "sectors", "works", "links"), **options: Any) -> dict[str, Any]:
    """The calls a harvest will make (``openrace update openalex --dry-run``), at most, and
    their cost against the free key's daily allowance; no request is made. A resumable run
    counts only what is left."""
    h = OpenAlexHarvester(store, client, **options)
    rows = [h.plan_part(p) for p in parts]
    calls = sum(r["calls"] for r in rows)
    usd = calls * LIST_CALL_USD
    return {
        "endpoint": client.endpoint,
        "key": bool(client.api_key),
        "refused": client.public and not client.api_key,
        "parts": rows,
        "calls": calls,
        "usd": round(usd, 4),
        "allowance_usd": FREE_ALLOWANCE_USD,
        "share_of_allowance": round(usd / FREE_ALLOWANCE_USD, 4),
        "days": max(1, math.ceil(usd / FREE_ALLOWANCE_USD)) if calls else 0,
    }


def harvest(store: Store, client: OpenAlexClient, *, parts: Iterable[str] = ("aggregates",
            "sectors", "works", "links"), **options: Any) -> list[dict[str, Any]]:
    """Run the chosen parts of an OpenAlex harvest; return one summary per part."""
    client.check_key()
    h = OpenAlexHarvester(store, client, **options)
    out = []
    for part in parts:
        if part == "aggregates":
            out.append(h.aggregates().as_dict())
        elif part == "sectors":
            out.append(h.sectors().as_dict())
        elif part == "works":
            out.append(h.top_works().as_dict())
        elif part == "links":
            out.append(h.link_models().as_dict())
        else:
            raise UsageError(f"unknown part {part!r}; parts: aggregates, sectors, works, "
                             "links")
    return out


__all__ = ["OpenAlexHarvester", "PartResult", "harvest", "measure_name", "plan",
           "rank_metric", "top1pct_threshold"]
