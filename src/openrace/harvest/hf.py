"""Harvest the Hugging Face Hub into the store: complete snapshots, resumable, never doubling.

An update is one *parent* run (``harvest_runs`` scope ``update:full`` or
``update:registry``) made of *scope* runs, one per listing. Every page is stored in ONE
transaction together with its run's cursor and counters, so a harvest killed at any
moment (``kill -9`` included) resumes from its last committed page: the next update finds
the unfinished parent run, skips the scopes it completed and continues the interrupted one
from its cursor.

Two designs, chosen by the requests they cost on the real Hub (``docs/contracts/hub.md``,
figures in ``benchmarks/results/hf_crawl.json``):

- **snapshot** (mode ``full``, the default): every public model and dataset, newest first
  (scopes ``full:models`` / ``full:datasets``), about one request per 1,000 repos. Lineage
  comes from the ``base_model:*`` tags every listed model carries, so it is complete at
  any depth, and every repo gets a new downloads / likes observation. ``refresh=False``
  (``--new-only``) stops each listing at the last run's watermark instead: requests in
  proportion to what is new.
- **registry** (``--registry``): the registry's namespaces (``models:<ns>`` /
  ``datasets:<ns>``), then their derivatives level by level through
  ``filter=base_model:<id>`` (``children:<id>``), one request or more per parent, within a
  request ``budget``. The listing does not say which models have children
  (``childrenModelCount`` is refused there), so parents are followed in order of their
  derivatives known from an earlier snapshot, then of downloads; what the budget leaves out
  is counted and stated (:func:`hub_coverage`).

Every stored record appends its observations (downloads, likes, trending score) under the
update's (parent) run id, so repeated harvests build the download history the Hub does not
keep. A repo created before the Hub stored creation dates is stored with no creation date
(``date_precision`` ``unknown``). Records that cannot be parsed are quarantined and
counted, never dropped in silence.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from openrace.errors import StoreError, UsageError
from openrace.rules.openness import license_class
from openrace.sources.hf import PAGE_SIZE, PARSERS, HubClient, HubPage, HubRecord
from openrace.store import Store, is_size, utcnow
from openrace.store.attributions import (
    insert_hub_attributions,
    refresh_hub_attributions,
    refresh_inherited,
)
from openrace.store.runs import Run
from openrace.store.vocabulary import INTERRUPTED, OK

SOURCE = "hf"
#: DuckDB's checkpoint threshold during an update: a checkpoint every 16 MB of log (the
#: default) costs a fifth of a crawl's time
CHECKPOINT_EVERY = "256MB"
MODES = ("full", "registry")
#: The requests a registry-scoped update may spend by default (its namespaces' listings
#: are always made; derivatives' listings stop at the budget).
REGISTRY_BUDGET = 1000
#: meta key of the coverage of the latest Hub update (JSON, see :func:`hub_coverage`)
COVERAGE_KEY = "hf_coverage"


@dataclass
class HarvestOptions:
    """What to harvest."""

    #: ``full`` (a snapshot of the whole Hub) or ``registry``; None: ``registry`` when
    #: ``namespaces`` are given, else ``full``
    mode: str | None = None
    depth: int = 2
    kinds: tuple[str, ...] = ("model", "dataset")
    #: list everything again (new snapshot) instead of stopping at the watermark;
    #: None: True (a complete snapshot of downloads and likes)
    refresh: bool | None = None
    #: requests a registry-scoped update may spend (None: no bound)
    budget: int | None = REGISTRY_BUDGET
    #: harvest these namespaces instead of the registry's
    namespaces: list[str] | None = None
    page_size: int = PAGE_SIZE
    #: store pages in one transaction until they hold this many records (a crash loses at
    #: most this much work; larger batches store faster)
    commit_every: int = 20000
    #: stop after this many pages in total (a bound for trials); None: no bound
    max_pages: int | None = None
    #: DuckDB's memory bound during the update, e.g. ``"2GB"``; ``"auto"``: 512 MB, and
    #: more as the store grows past 4 M artifacts (its key index must fit); None: DuckDB's
    #: default, 80 % of the machine. A crawl streams: it needs little of the store cached
    memory_limit: str | None = "auto"

    def __post_init__(self) -> None:
        if self.mode is None:
            self.mode = "registry" if self.namespaces is not None else "full"
        if self.mode == "full" and self.namespaces is not None:
            raise UsageError("namespaces need the registry mode (--registry)")
        if self.mode not in MODES:
            raise UsageError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if not 0 <= self.depth <= 10:
            raise UsageError("--depth must be between 0 and 10")
        for k in self.kinds:
            if k not in PARSERS:
                raise UsageError(f"unknown Hub kind {k!r}; kinds: model, dataset")
        if not 1 <= self.page_size <= 1000:
            raise UsageError("page size must be between 1 and 1000")
        if self.budget is not None and self.budget < 1:
            raise UsageError("--budget must be at least 1 request")
        if self.max_pages is not None and self.max_pages < 1:
            raise UsageError("--max-pages must be at least 1")
        if self.commit_every < 1:
            raise UsageError("--commit-every must be at least 1")
        if self.memory_limit not in (None, "auto") and not is_size(self.memory_limit):
            raise UsageError(f"--memory-limit must be auto or a size such as 512MB or 2GB, "
                             f"not {self.memory_limit!r}")

    @property
    def refreshing(self) -> bool:
        """Whether this update lists everything again."""
        return self.refresh if self.refresh is not None else True


@dataclass
class HarvestStats:
    """What an update did."""

    run_id: int = 0
    resumed: bool = False
    scopes: int = 0
    pages: int = 0
    requests: int = 0
    read: int = 0
    stored: int = 0
    rejected: int = 0
    inherited: int = 0
    scope_runs: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {k: getattr(self, k) for k in ("run_id", "resumed", "scopes", "pages",
                                              "requests", "read", "stored", "rejected",
                                              "inherited")}


ProgressFn = Callable[[str, dict[str, Any]], None]


@dataclass
class _Parsed:
    """One page, parsed, waiting to be stored."""

    records: list[HubRecord]
    bad: list[tuple[str | None, str, Any]]
    stop: bool
    read: int
    requests: int
    next_cursor: str | None


@dataclass
class _Scope:
    name: str
    kind: str
    query: dict[str, Any]


class HubHarvester:
    """Harvest the Hub into ``store`` through ``client``."""

    def __init__(self, store: Store, client: HubClient, *,
                 progress: ProgressFn | None = None):
        self.store = store
        self.client = client
        self.progress = progress or (lambda event, info: None)
        self._pages_left: int | None = None
        self._artifacts = 0
        self._auto_limit = False

    # -- the update -----------------------------------------------------------------------

    def run(self, opts: HarvestOptions) -> HarvestStats:
        """Run (or resume) an update; returns its statistics."""
        scope = f"update:{opts.mode}"
        stats = HarvestStats()
        params = {"mode": opts.mode, "depth": opts.depth, "kinds": list(opts.kinds),
                  "refresh": opts.refreshing, "namespaces": opts.namespaces,
                  "endpoint": self.client.endpoint}
        if opts.mode == "registry":
            params["budget"] = opts.budget
        with self.store.run(SOURCE, scope, params,
                            interrupted="interrupted by the user") as run:
            stats.run_id, stats.resumed = run.run_id, run.resumed
            self._update(opts, stats)
            self.store.checkpoint(stats.run_id, requests=stats.requests, read=stats.read,
                                  stored=stats.stored, rejected=stats.rejected)
            self._record_coverage(opts, stats)
        self.progress("done", stats.as_dict())
        return stats

    def _update(self, opts: HarvestOptions, stats: HarvestStats) -> None:
        """The levels of the update of run ``stats.run_id`` (closed by :meth:`run`)."""
        self._pages_left = opts.max_pages
        # requests already spent by the scopes of a resumed update count for the budget
        self._spent = int(self.store.con.execute(
            "SELECT coalesce(sum(n_requests), 0) FROM harvest_runs WHERE source = ? AND "
            "json_extract_string(params, '$.parent') = ?", [SOURCE, str(stats.run_id)]
        ).fetchall()[0][0])
        self._coverage: dict[str, Any] = {"mode": opts.mode, "levels": []}
        self.progress("plan", self.plan(opts))
        # an artifact last seen since this moment was written (and observed) by this update
        self._started: datetime = self.store.con.execute(
            "SELECT started_at FROM harvest_runs WHERE run_id = ?", [stats.run_id]
        ).fetchall()[0][0]
        fingerprint = self.store.meta("registry_fingerprint") or ""
        if self.store.meta("hf_attributions_registry") != fingerprint:
            refresh_hub_attributions(self.store)
            self.store.set_meta("hf_attributions_registry", fingerprint)
        self.progress("start", {"run_id": stats.run_id, "resumed": stats.resumed})
        try:
            self._artifacts = int(self.store.con.execute(
                "SELECT count(*) FROM artifacts").fetchall()[0][0])
            self._auto_limit = opts.memory_limit == "auto"
            limit = _auto_limit(self._artifacts) if self._auto_limit else opts.memory_limit
            with self.store.settings(memory_limit=limit, checkpoint_threshold=CHECKPOINT_EVERY):
                self._levels(opts, stats)
        except duckdb.OutOfMemoryException as exc:
            raise StoreError(
                f"the store ran out of memory under its bound ({str(exc).splitlines()[0]}); "
                "re-run with a larger --memory-limit to resume"
            ) from None
        except duckdb.FatalException as exc:  # the connection is lost, the file intact
            raise StoreError(f"the store stopped the update ({str(exc).splitlines()[0]}); "
                             "re-run to resume") from None

    def _levels(self, opts: HarvestOptions, stats: HarvestStats) -> None:
        """Harvest each level's scopes (one level in ``full`` mode), then the inherited
        attributions."""
        for level in range(opts.depth + 1 if opts.mode == "registry" else 1):
            scopes = self._scopes(opts, level, stats.run_id)
            self.progress("level", {"level": level, "scopes": len(scopes)})
            followed = 0
            for sc in scopes:
                if self._pages_left is not None and self._pages_left <= 0:
                    break
                if level > 0 and opts.budget is not None and \
                        self._spent + stats.requests >= opts.budget:
                    break
                with _paused_gc():
                    self._harvest_scope(sc, opts, stats)
                followed += 1
            self._coverage["levels"].append(
                {"level": level, "listings": len(scopes), "listed": followed})
        # a registry walk commits page by page: what its log holds in memory would crowd
        # the roots' walk out of the update's memory bound
        self.store.flush()
        stats.inherited = refresh_inherited(self.store)

    def _record_coverage(self, opts: HarvestOptions, stats: HarvestStats) -> None:
        """Say what this update covered (read by :func:`hub_coverage` and the report)."""
        levels = self._coverage["levels"]
        complete = opts.mode == "full" and opts.refreshing and opts.max_pages is None \
            and set(opts.kinds) == {"model", "dataset"} and opts.namespaces is None
        counts = dict(self.store.con.execute(
            "SELECT kind, count(*) FROM artifacts WHERE source = 'hf' AND last_seen >= ? "
            "GROUP BY 1", [self._started]).fetchall())
        self.store.set_meta(COVERAGE_KEY, json.dumps({
            "mode": opts.mode, "complete": complete, "refresh": opts.refreshing,
            "kinds": list(opts.kinds), "depth": opts.depth if opts.mode == "registry" else None,
            "budget": opts.budget if opts.mode == "registry" else None,
            "levels": levels, "models": int(counts.get("model", 0)),
            "datasets": int(counts.get("dataset", 0)), "requests": self._spent + stats.requests,
            "run_id": stats.run_id, "finished_at": utcnow().isoformat(timespec="seconds"),
        }))

    def plan(self, opts: HarvestOptions) -> dict[str, Any]:
        """What an update of ``opts`` will list and roughly what it costs: its listings,
        the requests estimated from the store's last complete runs (None where nothing is
        known yet), and the least time they take at the client's pace."""
        pacer = self.client.pacer
        assert pacer is not None
        rows: list[dict[str, Any]] = []
        if opts.mode == "full":
            for k in opts.kinds:
                scope = f"full:{k}s"
                last = self.store.con.execute(
                    "SELECT n_read FROM harvest_runs WHERE source = ? AND scope = ? AND "
                    "status = 'ok' ORDER BY run_id DESC LIMIT 1", [SOURCE, scope]).fetchall()
                n = int(last[0][0]) if last else None
                est = None
                if n is not None:
                    est = max(1, -(-n // opts.page_size)) if opts.refreshing else 1
                rows.append({"listing": scope, "repos": n, "requests": est})
        else:
            nss = self._namespaces(opts)
            for k in opts.kinds:
                for ns in nss:
                    n = int(self.store.con.execute(
                        "SELECT count(*) FROM artifacts WHERE source = 'hf' AND kind = ? AND "
                        "lower(author) = lower(?)", [k, ns]).fetchall()[0][0])
                    rows.append({"listing": f"{k}s:{ns}", "repos": n or None,
                                 "requests": max(1, -(-n // opts.page_size))})
            if opts.depth > 0:
                first = sum(r["requests"] for r in rows)
                rest = None if opts.budget is None else max(0, opts.budget - first)
                rows.append({"listing": f"derivatives to depth {opts.depth}", "repos": None,
                             "requests": rest})
        known = [r["requests"] for r in rows if r["requests"] is not None]
        total = sum(known) if len(known) == len(rows) else None
        return {"mode": opts.mode, "refresh": opts.refreshing, "listings": rows,
                "requests": total, "per_1000_repos": 1000 / opts.page_size,
                "quota": pacer.limit, "window": pacer.window, "quota_source": pacer.source,
                "seconds": pacer.seconds_for(total) if total is not None else None}

    def _namespaces(self, opts: HarvestOptions) -> list[str]:
        if opts.namespaces is not None:
            return sorted({n for n in opts.namespaces if n})
        rows = self.store.dicts(
            "SELECT DISTINCT unnest(hf_namespaces) AS ns FROM organizations ORDER BY 1")
        return [r["ns"] for r in rows]

    def _scopes(self, opts: HarvestOptions, level: int, parent_run: int) -> list[_Scope]:
        if opts.mode == "full":
            return [_Scope(f"full:{k}s", k, {}) for k in opts.kinds]
        if level == 0:
            return [_Scope(f"{k}s:{ns}", k, {"author": ns})
                    for ns in self._namespaces(opts) for k in opts.kinds]
        # derivatives: the children listings of the models reached at level - 1, best first
        frontier = self._frontier(opts, level - 1, parent_run)
        return [_Scope(f"children:{mid}", "model", {"filter": f"base_model:{mid}"})
                for mid in frontier]

    def _frontier(self, opts: HarvestOptions, level: int, parent_run: int) -> list[str]:
        """Models reached at ``level`` of this update, in the order their children are
        worth listing: most derivatives already known (an earlier snapshot's lineage), then
        most downloads. The listing itself says nothing of children."""
        # level by level: a recursive query over text ids holds every path and outgrows the
        # update's memory bound on a store of millions of models
        nss = pa.table({"ns": pa.array(sorted({n.lower() for n in self._namespaces(opts)}),
                                       pa.string())})
        with self.store.registered("_frontier_ns", nss):
            self.store.temp_table(
                "_frontier", "SELECT artifact_id FROM artifacts WHERE source = 'hf' AND "
                "kind = 'model' AND lower(author) IN (SELECT ns FROM _frontier_ns)")
        for _ in range(level):
            self.store.temp_table(
                "_frontier_next", "SELECT DISTINCT l.child_id AS artifact_id FROM lineage l "
                "JOIN _frontier f ON l.parent_id = f.artifact_id")
            self.store.temp_table("_frontier", "SELECT artifact_id FROM _frontier_next")
        rows = self.store.con.execute(
            """
            WITH kids AS (
                SELECT parent_id AS artifact_id, count(*) AS n FROM lineage
                WHERE parent_id IN (SELECT artifact_id FROM _frontier) GROUP BY 1
            ),
            dl AS (
                SELECT artifact_id, arg_max(value, run_id) AS downloads FROM observations
                WHERE metric = 'downloads_30d'
                  AND artifact_id IN (SELECT artifact_id FROM _frontier)
                GROUP BY 1
            )
            SELECT a.source_id FROM artifacts a
            JOIN _frontier USING (artifact_id)
            LEFT JOIN kids USING (artifact_id) LEFT JOIN dl USING (artifact_id)
            WHERE a.source = 'hf' AND a.kind = 'model'
            ORDER BY coalesce(kids.n, 0) DESC, dl.downloads DESC NULLS LAST, a.source_id
            """).fetchall()
        for name in ("_frontier", "_frontier_next"):
            self.store.drop_temp_table(name)
        return [r[0] for r in rows]

    # -- one scope ------------------------------------------------------------------------

    def _harvest_scope(self, sc: _Scope, opts: HarvestOptions, stats: HarvestStats) -> None:
        done = self.store.dicts(
            "SELECT run_id, status, cursor FROM harvest_runs WHERE source = ? AND scope = ? "
            "AND json_extract_string(params, '$.parent') = ? ORDER BY run_id DESC LIMIT 1",
            [SOURCE, sc.name, str(stats.run_id)])
        if done and done[0]["status"] == OK:
            self.progress("scope_done", {"scope": sc.name, "skipped": True})
            return
        with self.store.run(SOURCE, sc.name, {"parent": str(stats.run_id), **sc.query},
                            interrupted="interrupted by the user") as run:
            if self._scope_pages(sc, opts, stats, run):
                return
        self.progress("scope_done", {"scope": sc.name, "skipped": False})

    def _scope_pages(self, sc: _Scope, opts: HarvestOptions, stats: HarvestStats,
                     run: Run) -> bool:
        """Harvest the pages of scope run ``run``; True when the page limit stopped it."""
        run_id, cursor = run.run_id, run.cursor
        stats.scopes += 1
        stats.scope_runs.append(run_id)
        watermark = None if opts.refreshing else self.store.last_watermark(SOURCE, sc.name)
        since = datetime.fromisoformat(watermark) if watermark else None
        self.progress("scope", {"scope": sc.name, "run_id": run_id})
        pages = self.client.pages(sc.kind, cursor=cursor, page_size=opts.page_size,
                                  since=since, **sc.query)
        batch: list[_Parsed] = []
        for page in pages:
            parsed = self._parse_page(page, since)
            batch.append(parsed)
            limited = False
            if self._pages_left is not None:
                self._pages_left -= 1
                limited = self._pages_left <= 0
            if (parsed.stop or limited or page.next_cursor is None
                    or sum(len(b.records) + len(b.bad) for b in batch)
                    >= opts.commit_every):
                self._flush(run_id, sc, batch, stats)
                batch = []
                gc.collect()  # with the batch gone, a pass over little (_paused_gc)
            if limited:
                run.stop(INTERRUPTED, "page limit reached")
                return True
            if parsed.stop:
                break
            self.store.let_readers_in()  # between transactions: readers may come in
        return False

    def _parse_page(self, page: HubPage, since: datetime | None) -> _Parsed:
        records, stop = page.records, False
        if since is not None:
            # newer than the watermark; at the watermark itself only what is not stored yet
            tied = [r.artifact_id for r in records if r.created == since]
            known = {row[0] for row in self.store.con.execute(
                "SELECT artifact_id FROM artifacts WHERE artifact_id IN (SELECT unnest(?))",
                [tied]).fetchall()} if tied else set()
            fresh = [r for r in records if r.created > since
                     or (r.created == since and r.artifact_id not in known)]
            stop = any(r.created < since for r in records)
            records = fresh
        return _Parsed(records=records, bad=page.bad, stop=stop, read=page.read,
                       requests=page.requests, next_cursor=page.next_cursor)

    def _flush(self, run_id: int, sc: _Scope, batch: list[_Parsed],
               stats: HarvestStats) -> None:
        """Store parsed pages and advance the run's cursor in ONE transaction."""
        records = [r for b in batch for r in b.records]
        bad = [x for b in batch for x in b.bad]
        read = sum(b.read for b in batch)
        requests = sum(b.requests for b in batch)
        now = utcnow()
        newest = max((r.created for r in records), default=None)
        with self.store.transaction():
            if records:
                # observations carry the update's run id: one snapshot per update, so a
                # model listed under two parents, or a resumed page, is observed once
                self._write(records, stats.run_id, now)
            for key, reason, raw in bad:
                self.store.quarantine(run_id, SOURCE, key, reason, raw)
            self.store.checkpoint(
                run_id, cursor=batch[-1].next_cursor,
                watermark=_later(self._watermark(run_id), newest),
                requests=requests, read=read, stored=len(records), rejected=len(bad))
        stats.pages += len(batch)
        stats.requests += requests
        stats.read += read
        stats.stored += len(records)
        stats.rejected += len(bad)
        self.progress("page", {"scope": sc.name, "records": len(records),
                               "rejected": len(bad), "requests": requests})

    def _watermark(self, run_id: int) -> str | None:
        row = self.store.con.execute(
            "SELECT watermark FROM harvest_runs WHERE run_id = ?", [run_id]).fetchall()
        return row[0][0] if row else None

    def _write(self, records: list[HubRecord], run_id: int, now: datetime) -> None:
        """Store one batch of records: artifacts (upsert, keeping ``first_seen``),
        observations and lineage (never doubled), and the attribution of the artifacts new
        to the store (an artifact's namespace, hence its attribution, never changes; a
        changed registry is applied by :func:`refresh_hub_attributions`).

        This runs once per batch of a multi-million-record crawl, so it is columnar: Arrow
        arrays built in one pass, and the store itself says which records it took. An
        artifact already written in this update (``last_seen`` not before the update's
        start: a model listed under two parents, or twice as the listing shifted) is left
        as it is and observed once, without an index over the observations."""
        first: dict[str, HubRecord] = {}
        for r in records:
            first.setdefault(r.artifact_id, r)
        records = list(first.values())
        endpoint = self.client.endpoint
        n = len(records)
        ids = [r.artifact_id for r in records]
        is_model = [r.kind == "model" for r in records]
        ts = pa.timestamp("us")
        arts = pa.table({
            "artifact_id": pa.array(ids, pa.string()),
            "source": pa.array([SOURCE] * n, pa.string()),
            "kind": pa.array([r.kind for r in records], pa.string()),
            "source_id": pa.array([r.id for r in records], pa.string()),
            "title": pa.array([r.id for r in records], pa.string()),
            "author": pa.array([r.author for r in records], pa.string()),
            "created": pa.array([r.created if r.created_known else None for r in records],
                                ts),
            "date_precision": pa.array(["second" if r.created_known else "unknown"
                                        for r in records], pa.string()),
            "modified": pa.array([r.modified for r in records], ts),
            "license": pa.array([r.license for r in records], pa.string()),
            "license_class": pa.array([_license_class(r.license) for r in records],
                                      pa.string()),
            "access": pa.array(["open-weights" if m else None for m in is_model], pa.string()),
            "modality": pa.array([r.modalities[0] if r.modalities else None
                                  for r in records], pa.string()),
            "params_b": pa.array([r.params / 1e9 if r.params else None for r in records],
                                 pa.float64()),
            "pipeline_tag": pa.array([r.pipeline_tag for r in records], pa.string()),
            "library_name": pa.array([r.library_name for r in records], pa.string()),
            "tags": pa.array([r.tags for r in records], pa.list_(pa.string())),
            "weights": pa.array([True if m else None for m in is_model], pa.bool_()),
            "url": pa.array([f"{endpoint}/{'' if m else 'datasets/'}{r.id}"
                             for r, m in zip(records, is_model, strict=True)], pa.string()),
            "detail": pa.array([_detail(r) for r in records], pa.string()),
            "first_seen": pa.array([now] * n, ts),
            "last_seen": pa.array([now] * n, ts),
        })
        taken = self.store.upsert_returning(
            "artifacts", arts, ["artifact_id"], keep=["first_seen"],
            update_where="artifacts.last_seen < ?", params=[self._started],
            returning=["artifact_id", "first_seen"])
        fresh = pc.is_in(arts.column("artifact_id"), value_set=taken.column("artifact_id"))
        self.store.insert("observations", _observations(arts.column("artifact_id"), fresh,
                                                        records, now, run_id))
        new = taken.filter(pc.equal(taken.column("first_seen"), pa.scalar(now, ts)))
        bound = _auto_limit(self._artifacts)
        self._artifacts += new.num_rows
        if self._auto_limit and _auto_limit(self._artifacts) != bound:
            self.store.set_setting("memory_limit", _auto_limit(self._artifacts))
        # the edges of an artifact new to the store cannot be stored yet; the others may be
        new_ids = set(new.column("artifact_id").to_pylist())
        seen_ids = set(taken.column("artifact_id").to_pylist()) - new_ids
        self.store.insert("lineage", _edges(records, new_ids))
        self.store.append("lineage", _edges(records, seen_ids))
        if new.num_rows:
            # nothing to delete: these artifacts are new to the store
            insert_hub_attributions(self.store, arts.select(["artifact_id", "source_id"])
                                     .filter(pc.is_in(arts.column("artifact_id"),
                                                      value_set=new.column("artifact_id"))))


def _auto_limit(artifacts: int) -> str:
    """DuckDB's memory bound for a harvest into a store of ``artifacts`` artifacts."""
    return f"{max(512, artifacts * 128 // 2**20)}MB"


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause Python's automatic garbage collection for a listing: the harvest collects
    after each stored batch instead, when little is alive. Parsed records form no reference
    cycles, but the collector's passes over the hundreds of thousands alive in a batch
    cost a third of the harvest's time. What was alive before the listing (the imported
    libraries: hundreds of thousands of objects) is frozen out of those collections, or each
    one would walk it again (60 ms a batch, most of a small harvest's time)."""
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


#: The observations of a Hub record: metric name → the record's attribute.
OBSERVED = (("downloads_30d", "downloads_30d"), ("downloads_all_time", "downloads_all_time"),
            ("likes", "likes"), ("trending_score", "trending"))


def _observations(ids: pa.ChunkedArray, fresh: pa.ChunkedArray, records: list[HubRecord],
                  now: datetime, run_id: int) -> pa.Table:
    """The observations of the ``fresh`` records, one row per metric with a value."""
    parts = []
    for metric, attr in OBSERVED:
        values = pa.array([getattr(r, attr) for r in records], pa.float64())
        keep = pc.and_(fresh, pc.is_valid(values))
        m = pc.sum(keep).as_py() or 0
        parts.append(pa.table({
            "artifact_id": ids.filter(keep),
            "metric": pa.array([metric] * m, pa.string()),
            "value": pa.chunked_array([values]).filter(keep),
        }))
    obs = pa.concat_tables(parts)
    m = obs.num_rows
    return obs.append_column("observed_at", pa.array([now] * m, pa.timestamp("us"))) \
        .append_column("run_id", pa.array([run_id] * m, pa.int64()))


def _edges(records: list[HubRecord], ids: set[str]) -> pa.Table:
    """The lineage edges of the records of ``ids``."""
    edges = [(r.artifact_id, f"hf:model:{pid}", rel) for r in records if r.artifact_id in ids
             for pid, rel in r.parents]
    return pa.table({
        "child_id": pa.array([e[0] for e in edges], pa.string()),
        "parent_id": pa.array([e[1] for e in edges], pa.string()),
        "relation": pa.array([e[2] for e in edges], pa.string()),
    })


def _detail(r: HubRecord) -> str:
    detail: dict[str, Any] = {"gated": r.gated, "quantized": r.quantized}
    if r.kind == "dataset":
        detail.update(tasks=r.tasks, modalities=r.modalities, languages=r.languages,
                      card_completeness=r.card_completeness, description=r.description)
    return json.dumps(detail)


@lru_cache(maxsize=4096)
def _license_class(value: str | None) -> str:
    return license_class(value)


def _later(a: str | None, b: datetime | None) -> str | None:
    if b is None:
        return a
    if a is None or datetime.fromisoformat(a) < b:
        return b.isoformat()
    return a


def _client(settings: Any, plan: str | None, requests_per_window: int | None,
            retries: int) -> HubClient:
    from openrace.config import Settings

    s = settings or Settings.from_env()
    if requests_per_window is not None and requests_per_window < 0:
        raise UsageError("--requests-per-5min must be 0 (no pacing) or more")
    return HubClient(endpoint=s.hf_endpoint, token=s.hf_token, plan=plan,
                     requests_per_window=requests_per_window, retries=retries)


def update_hub(store: Store, opts: HarvestOptions, *, settings: Any = None,
               plan: str | None = None, requests_per_window: int | None = None,
               retries: int = 5, progress: ProgressFn | None = None) -> HarvestStats:
    """Harvest the Hub at ``HF_ENDPOINT`` (with ``HF_TOKEN`` if set) into ``store``: the
    library form of ``openrace update hf``."""
    client = _client(settings, plan, requests_per_window, retries)
    return HubHarvester(store, client, progress=progress).run(opts)


def plan_hub(store: Store, opts: HarvestOptions, *, settings: Any = None,
             plan: str | None = None, requests_per_window: int | None = None,
             retries: int = 5, probe: bool = True) -> dict[str, Any]:
    """The plan of an update (``openrace update hf --dry-run``): its listings, estimated
    requests and the least time they take at the account's quota. With ``probe``, one
    request (a one-record listing) reads the quota from the Hub's ``RateLimit-Policy``
    (unless ``requests_per_window`` fixes the pace); nothing is stored."""
    client = _client(settings, plan, requests_per_window, retries)
    probed = False
    if probe and requests_per_window is None:
        client.probe()
        probed = True
    out = HubHarvester(store, client).plan(opts)
    out["probe_requests"] = 1 if probed else 0
    return out


def hub_coverage(store: Store) -> dict[str, Any] | None:
    """What the latest finished Hub update covered: ``mode``, ``complete`` (a refreshing
    snapshot of every model and dataset), models and datasets seen, and per level of a
    registry update the children listings made out of those wanted (``listed`` /
    ``listings``). None before any update."""
    raw = store.meta(COVERAGE_KEY)
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def coverage_note(store: Store) -> str | None:
    """One sentence saying how complete the stored Hub data are (for captions)."""
    cov = hub_coverage(store)
    if cov is None:
        return None
    when = str(cov.get("finished_at", ""))[:10]
    if cov.get("complete"):
        return (f"Complete Hub snapshot of {when}: {cov.get('models', 0):,} models and "
                f"{cov.get('datasets', 0):,} datasets; lineage from every model's base_model "
                "tags.")
    if cov.get("mode") == "registry":
        parts = [f"level {lv['level']}: {lv['listed']:,} of {lv['listings']:,} models' "
                 "derivative listings" for lv in cov.get("levels", []) if lv.get("level")]
        left = any(lv.get("listed", 0) < lv.get("listings", 0) for lv in cov.get("levels", []))
        return (f"Registry-scoped Hub update of {when} (budget {cov.get('budget')} requests): "
                f"the registry's namespaces and their derivatives to depth {cov.get('depth')}"
                + (f" ({'; '.join(parts)})" if parts else "")
                + ("; derivatives of the models left out are missing." if left else "."))
    return (f"Partial Hub update of {when} ({cov.get('models', 0):,} models, "
            f"{cov.get('datasets', 0):,} datasets): not a complete snapshot.")
