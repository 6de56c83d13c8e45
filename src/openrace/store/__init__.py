"""The embedded DuckDB store: schema, migrations, idempotent batched writes, the lock.

Nothing else in openrace writes DDL. Other layers write through :meth:`Store.upsert`,
:meth:`Store.append`, :meth:`Store.replace_attributions` and the harvest-run helpers,
always inside :meth:`Store.transaction`, and read through :meth:`Store.table` (Ibis),
:meth:`Store.arrow` or :meth:`Store.sql`.

A DuckDB file can be open for writing in one process only, and not while another process
reads it; a second writer gets :class:`~openrace.errors.StoreBusyError`, never a corrupt
file. Readers during a long harvest: a reader that finds the store held leaves a note next
to it (``<store>.wait.<pid>.<thread>``) and waits up to :data:`READ_WAIT` seconds; a
harvest calls :meth:`Store.let_readers_in` between its pages, which, when it finds such a
note, closes its connection (nothing is lost: it is between transactions), lets the
readers in and opens the store again once they are done (``<store>.paused`` says so to
other writers, which are refused meanwhile; ``<store>.writer`` holds new readers back
while it waits for its turn).
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from openrace.errors import QueryError, StoreBusyError, StoreError
from openrace.store import runs
from openrace.store.rows import Rows
from openrace.store.runs import Run
from openrace.store.vocabulary import RESUMABLE, RUN_STATUSES, RUNNING

if TYPE_CHECKING:
    import pyarrow as pa

SCHEMA_VERSION = 4

#: Seconds a reader waits for a harvest to let it in before it reports the store busy.
READ_WAIT = 30.0
#: Seconds a writer waits for the readers in a store to finish (another writer: none).
WRITE_WAIT = 60.0

TABLES = (
    "organizations",
    "artifacts",
    "attributions",
    "lineage",
    "observations",
    "aggregates",
    "harvest_runs",
    "quarantine",
)

#: Tables whose rows are unique on a natural key that no index enforces (an index over tens
#: of millions of observations, or millions of lineage edges, costs more memory and time
#: than the whole rest of a harvest): :meth:`Store.append` keeps them unique itself.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "observations": ("artifact_id", "metric", "run_id"),
    "lineage": ("child_id", "parent_id", "relation"),
}

# MIGRATIONS[i] takes a store from schema version i to i + 1.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
        """CREATE TABLE organizations (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            aliases VARCHAR[],
            country VARCHAR NOT NULL,          -- ISO 3166-1 alpha-2 of the headquarters
            extra_countries VARCHAR[],
            owner_country VARCHAR NOT NULL,    -- country of the ultimate parent
            root_org VARCHAR NOT NULL,         -- id of the ultimate parent (itself if none)
            sector VARCHAR NOT NULL,
            parent VARCHAR,
            hf_namespaces VARCHAR[],
            github_orgs VARCHAR[],
            ror VARCHAR,
            openalex_id VARCHAR,
            homepage VARCHAR,
            source VARCHAR NOT NULL
        )""",
        """CREATE TABLE artifacts (
            artifact_id VARCHAR PRIMARY KEY,   -- '{source}:{kind}:{source_id}'
            source VARCHAR NOT NULL,           -- registry | hf | openalex | github
            kind VARCHAR NOT NULL,             -- release | model | dataset | work | repo
            source_id VARCHAR NOT NULL,
            title VARCHAR,
            author VARCHAR,                    -- Hub namespace, GitHub owner, ...
            created TIMESTAMP,
            date_precision VARCHAR,            -- day | month | second
            modified TIMESTAMP,
            license VARCHAR,
            license_class VARCHAR,
            access VARCHAR,                    -- open-weights | api | unreleased
            modality VARCHAR,
            params_b DOUBLE,
            pipeline_tag VARCHAR,
            library_name VARCHAR,
            tags VARCHAR[],
            weights BOOLEAN,
            training_code BOOLEAN,
            training_data BOOLEAN,
            paper BOOLEAN,
            mof_class VARCHAR,
            osaid BOOLEAN,
            url VARCHAR,
            hf_repo VARCHAR,                   -- registry releases: the Hub repo of the weights
            detail JSON,
            first_seen TIMESTAMP NOT NULL,
            last_seen TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE attributions (
            artifact_id VARCHAR NOT NULL,
            org_id VARCHAR,
            country VARCHAR,
            weight DOUBLE NOT NULL,
            method VARCHAR NOT NULL,           -- registry | affiliation | inherited | unattributed
            detail VARCHAR
        )""",
        """CREATE TABLE lineage (
            child_id VARCHAR NOT NULL,
            parent_id VARCHAR NOT NULL,
            relation VARCHAR NOT NULL,         -- finetune | adapter | quantized | merge | unknown
            PRIMARY KEY (child_id, parent_id, relation)
        )""",
        """CREATE TABLE observations (
            artifact_id VARCHAR NOT NULL,
            metric VARCHAR NOT NULL,           -- downloads_30d | downloads_all_time | likes | ...
            value DOUBLE,
            observed_at TIMESTAMP NOT NULL,
            run_id BIGINT NOT NULL,
            PRIMARY KEY (artifact_id, metric, run_id)
        )""",
        """CREATE TABLE aggregates (
            source VARCHAR NOT NULL,
            measure VARCHAR NOT NULL,          -- e.g. ai_works
            period VARCHAR NOT NULL,           -- e.g. '2024'
            country VARCHAR NOT NULL,
            segment VARCHAR NOT NULL,          -- e.g. 'all', 'company', 'education'
            value DOUBLE NOT NULL,
            observed_at TIMESTAMP NOT NULL,
            run_id BIGINT NOT NULL,
            PRIMARY KEY (source, measure, period, country, segment, run_id)
        )""",
        """CREATE SEQUENCE harvest_run_ids START 1""",
        """CREATE TABLE harvest_runs (
            run_id BIGINT PRIMARY KEY,
            source VARCHAR NOT NULL,
            scope VARCHAR NOT NULL,
            params JSON,
            started_at TIMESTAMP NOT NULL,
            ended_at TIMESTAMP,
            status VARCHAR NOT NULL,           -- running | ok | failed | interrupted
            cursor VARCHAR,
            watermark VARCHAR,
            n_requests BIGINT DEFAULT 0,
            n_read BIGINT DEFAULT 0,
            n_stored BIGINT DEFAULT 0,
            n_rejected BIGINT DEFAULT 0,
            message VARCHAR
        )""",
        """CREATE TABLE quarantine (
            run_id BIGINT,
            source VARCHAR NOT NULL,
            record_key VARCHAR,
            reason VARCHAR NOT NULL,
            raw VARCHAR,
            seen_at TIMESTAMP NOT NULL
        )""",
    ],
    # 1 -> 2: observations and lineage lose their primary-key indexes (see NATURAL_KEYS)
    [
        """CREATE TABLE observations_v2 (
            artifact_id VARCHAR NOT NULL,
            metric VARCHAR NOT NULL,
            value DOUBLE,
            observed_at TIMESTAMP NOT NULL,
            run_id BIGINT NOT NULL
        )""",
        """INSERT INTO observations_v2 SELECT artifact_id, metric, value, observed_at, run_id
           FROM observations ORDER BY run_id""",
        """DROP TABLE observations""",
        """ALTER TABLE observations_v2 RENAME TO observations""",
        """CREATE TABLE lineage_v2 (
            child_id VARCHAR NOT NULL,
            parent_id VARCHAR NOT NULL,
            relation VARCHAR NOT NULL
        )""",
        """INSERT INTO lineage_v2 SELECT child_id, parent_id, relation FROM lineage""",
        """DROP TABLE lineage""",
        """ALTER TABLE lineage_v2 RENAME TO lineage""",
    ],
    # 2 -> 3: the stored copies of listing pages that a conditional request revalidates
    [
        """CREATE TABLE http_cache (
            source VARCHAR NOT NULL,           -- github
            url VARCHAR NOT NULL,              -- the page's URL (no credentials)
            etag VARCHAR NOT NULL,
            body VARCHAR NOT NULL,             -- JSON: the records openrace keeps
            next_url VARCHAR,
            fetched_at TIMESTAMP NOT NULL,
            PRIMARY KEY (source, url)
        )""",
    ],
    # 3 -> 4: dated parent links (the owner rule at a release's date) and Hub repositories
    # credited to an organisation whatever namespace hosts them
    [
        """ALTER TABLE organizations ADD COLUMN parent_since DATE""",
        """ALTER TABLE organizations ADD COLUMN parent_source VARCHAR""",
        """ALTER TABLE organizations ADD COLUMN hf_repos VARCHAR[]""",
    ],
]

#: The ``meta`` row that marks a DuckDB file as an openrace store (item of every store
#: since schema 1; stores made before the marker are recognised by their schema and get it).
MARKER = ("application", "openrace")

#: DuckDB settings of a confined connection (``openrace query``): no file, network or
#: extension access beyond the store itself, and no statement can loosen them.
#: See https://duckdb.org/docs/stable/operations_manual/securing_duckdb/overview
CONFINED: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "python_enable_replacements": False,
    "lock_configuration": True,
}

# a statement's leading comments and whitespace, then its first keyword(s)
_LEADING = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_EXPLAIN = re.compile(r"explain(?:\s+analyze)?\b", re.IGNORECASE)
_PIVOT = re.compile(r"(?:un)?pivot\b", re.IGNORECASE)


class OldSchemaError(StoreError):
    """The store has an older schema: opening it once for writing migrates it."""


def utcnow() -> datetime:
    """Naive UTC now (DuckDB TIMESTAMP has no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Store:
    """An openrace store: one DuckDB database, ``:memory:`` for tests.

    >>> s = Store(":memory:")
    >>> s.schema_version() == SCHEMA_VERSION
    True
    """

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False,
                 confined: bool = False):
        """Open the store at ``path`` (created, with its folder, when writing to a path
        that does not exist; the CLI refuses a folder that does not exist). ``read_only`` opens an
        existing store without taking the write lock; ``confined`` also shuts the
        connection out of every file but the store (see :data:`CONFINED`). An existing
        file that is not an openrace store is refused (:class:`~openrace.errors.StoreError`)
        before anything is written to it."""
        self.path = str(path)
        self.read_only = read_only
        self.confined = confined
        self._config: dict[str, Any] = dict(CONFINED) if confined else {}
        self._sizes: dict[str, str] = {}  # size settings to restore on a new connection
        self._con: duckdb.DuckDBPyConnection | None = None
        wait = READ_WAIT if read_only else WRITE_WAIT
        self._released = False
        if self.path != ":memory:":
            p = Path(self.path)
            if p.exists() and not read_only:
                # looked at read-only first: a foreign or damaged file is left byte for byte
                _check_store_file(p)
            elif read_only and p.exists():
                pass  # checked below, on the reader's own connection
            elif read_only:
                raise StoreError(
                    f"no store at {p}; run `openrace update` or `openrace report` first, "
                    "or check --store / OPENRACE_STORE"
                )
            else:
                p.parent.mkdir(parents=True, exist_ok=True)
        self._con = _connect(self.path, read_only=read_only, config=self._config, wait=wait)
        self._in_tx = False
        try:
            if read_only and self.path != ":memory:":
                _check_connection(self._con, Path(self.path))
            if not read_only:
                self.migrate()
            else:
                v = self.schema_version()
                if v != SCHEMA_VERSION:
                    raise (OldSchemaError if v < SCHEMA_VERSION else StoreError)(
                        f"store {self.path} has schema version {v}, this openrace needs "
                        f"{SCHEMA_VERSION}; open it once for writing to migrate"
                    )
        except BaseException:
            self.con.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection (opened again if :meth:`let_readers_in` closed it)."""
        if self._con is None:
            if not self._released:
                raise StoreError(f"store {self.path} is closed")
            self._reopen()
        assert self._con is not None
        return self._con

    def close(self) -> None:
        """Close the connection (releases the file lock)."""
        if self._con is not None:
            self._con.close()
            self._con = None
        self._released = False

    def let_readers_in(self, grace: float = 5.0) -> float:
        """If readers are waiting for this store (see the module's docstring), close the
        connection, give them up to ``grace`` seconds to open the store, and open it again
        once they have closed it (waiting as long as they read: their work is finite).
        Call between transactions. Returns the seconds spent (0.0 when nobody waited)."""
        if self._in_tx or self.read_only or self._con is None or self.path == ":memory:":
            return 0.0
        if not _waiting_readers(self.path):
            return 0.0
        started = time.monotonic()
        paused = Path(f"{self.path}.paused")
        paused.write_text(str(os.getpid()))  # other writers: still this harvest's turn
        try:
            self._con.close()
            self._con = None
            self._released = True
            self.__dict__.pop("_ibis", None)
            while _waiting_readers(self.path) and time.monotonic() - started < grace:
                time.sleep(0.02)
            self._reopen()
        finally:
            paused.unlink(missing_ok=True)
        return time.monotonic() - started

    def _reopen(self) -> None:
        """Open the store again for writing, holding back new readers while the ones in
        it finish, and restore the size settings in force."""
        note = Path(f"{self.path}.writer")
        note.write_text(str(os.getpid()))
        try:
            while True:
                try:
                    self._con = duckdb.connect(self.path, read_only=self.read_only,
                                               config=self._config)
                    break
                except duckdb.IOException as exc:
                    if "lock" not in str(exc).lower():
                        raise StoreError(f"cannot open store {self.path} again: "
                                         f"{_first_line(str(exc))}") from None
                    time.sleep(0.05)
        finally:
            note.unlink(missing_ok=True)
        self._released = False
        for key, size in self._sizes.items():
            self._con.execute(f"SET {_ident(key)} = '{size}'")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """The schema version recorded in the store (0 for an empty database)."""
        has_meta = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchall()[0][0]
        if not has_meta:
            return 0
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        return int(row[0][0]) if row else 0

    def migrate(self) -> None:
        """Bring the schema up to :data:`SCHEMA_VERSION`, one transaction per step."""
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {current}, newer than this openrace "
                f"({SCHEMA_VERSION}); upgrade openrace"
            )
        for version in range(current, SCHEMA_VERSION):
            with self.transaction():
                for stmt in MIGRATIONS[version]:
                    self.con.execute(stmt)
                self.con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version + 1)]
                )
                if version == 0:
                    self.con.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('created_at', ?)",
                        [utcnow().isoformat(timespec="seconds")],
                    )
        if self.meta(MARKER[0]) != MARKER[1]:
            self.set_meta(*MARKER)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Run the block in one transaction (nested calls join the outer one)."""
        if self._in_tx:
            yield self
            return
        self.con.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield self
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._in_tx = False

    @contextmanager
    def settings(self, **values: str | None) -> Iterator[Store]:
        """Change DuckDB settings for the block (sizes only: ``memory_limit="512MB"``,
        ``checkpoint_threshold="256MB"``; None leaves one as it is), then restore them.
        A harvest streams: DuckDB's defaults (up to 80 % of the machine's memory for its
        cache, a checkpoint every 16 MB of log) suit queries over a store, not a crawl."""
        before: dict[str, str] = {}
        for key, value in values.items():
            if value is not None:
                before[key] = self.setting(key)
                self.set_setting(key, value)
        try:
            yield self
        finally:
            for key, value in before.items():
                # DuckDB shows sizes rounded: a default is restored exactly by a RESET
                self._sizes.pop(key, None)
                self.con.execute(f"RESET {_ident(key)}")
                if self.setting(key) != value:
                    self.set_setting(key, value)

    def setting(self, key: str) -> str:
        """The current value of a DuckDB setting, as DuckDB shows it."""
        return str(self.con.execute("SELECT current_setting(?)", [key]).fetchall()[0][0])

    def set_setting(self, key: str, size: str) -> None:
        """Set a DuckDB size setting (``memory_limit``, ``checkpoint_threshold``, ...)."""
        if not is_size(size):
            raise StoreError(f"bad memory size {size!r} (e.g. 256MB, 1.5GiB)")
        self.con.execute(f"SET {_ident(key)} = '{size.strip()}'")
        self._sizes[key] = size.strip()

    @contextmanager
    def registered(self, name: str, table: pa.Table) -> Iterator[None]:
        """Make the Arrow ``table`` readable as ``name`` in SQL for the block."""
        self.con.register(name, table)
        try:
            yield
        finally:
            self.con.unregister(name)

    def flush(self) -> None:
        """Write what is committed into the database file (DuckDB's ``CHECKPOINT``), so
        that the memory holding the write-ahead log's changes is free for what follows."""
        self.con.execute("CHECKPOINT")

    def temp_table(self, name: str, query: str) -> None:
        """(Re)create the scratch table ``name`` (temporary: this connection's only, gone
        when it closes) from ``query``."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {_ident(name)} AS {query}")

    def drop_temp_table(self, name: str) -> None:
        """Drop the scratch table ``name`` if there is one."""
        self.con.execute(f"DROP TABLE IF EXISTS temp.{_ident(name)}")

    # -- writes ----------------------------------------------------------------------------

    def columns(self, table: str) -> list[str]:
        """Column names of ``table`` in order."""
        return [r[0] for r in self.con.execute(f"DESCRIBE {_ident(table)}").fetchall()]

    def _batch(self, table: str, rows: Sequence[Mapping[str, Any]] | pa.Table) -> pa.Table:
        import pyarrow as pa

        cols = self.columns(table)
        if isinstance(rows, pa.Table):
            batch = rows
        else:
            keys = set().union(*(r.keys() for r in rows))
            if keys - set(cols):
                raise StoreError(f"unknown column(s) for {table}: {sorted(keys - set(cols))}")
            present = [c for c in cols if c in keys]
            batch = pa.Table.from_pylist(
                [{c: _plain(r.get(c)) for c in present} for r in rows]
            )
        unknown = set(batch.column_names) - set(cols)
        if unknown:
            raise StoreError(f"unknown column(s) for {table}: {sorted(unknown)}")
        return batch

    def upsert(
        self,
        table: str,
        rows: Sequence[Mapping[str, Any]] | pa.Table,
        key: Sequence[str],
        *,
        keep: Sequence[str] = (),
    ) -> int:
        """Insert rows, or update them where ``key`` matches; columns in ``keep`` keep
        their stored value on update (e.g. ``first_seen``). Returns rows written."""
        if len(rows) == 0:
            return 0
        self.upsert_returning(table, rows, key, keep=keep)
        return len(rows)

    def upsert_returning(
        self,
        table: str,
        rows: Sequence[Mapping[str, Any]] | pa.Table,
        key: Sequence[str],
        *,
        keep: Sequence[str] = (),
        update_where: str | None = None,
        params: Sequence[Any] = (),
        returning: Sequence[str] = (),
    ) -> pa.Table:
        """:meth:`upsert`, and return the ``returning`` columns of the rows it inserted or
        updated (as stored, so a ``keep`` column shows its old value on an update).
        ``update_where`` (SQL over ``{table}.col`` and ``excluded.col``, with ``params``)
        limits which stored rows are updated: the others are left as they are and not
        returned."""
        import pyarrow as pa

        if len(rows) == 0:
            return pa.table({c: pa.array([], pa.string()) for c in returning})
        batch = self._batch(table, rows)
        cols = batch.column_names
        updates = [c for c in cols if c not in key and c not in keep]
        col_list = ", ".join(_ident(c) for c in cols)
        conflict = ", ".join(_ident(k) for k in key)
        action = (
            "DO UPDATE SET " + ", ".join(f"{_ident(c)} = excluded.{_ident(c)}" for c in updates)
            if updates
            else "DO NOTHING"
        )
        if update_where and updates:
            action += f" WHERE {update_where}"
        ret = " RETURNING " + ", ".join(_ident(c) for c in returning) if returning else ""
        query = (f"INSERT INTO {_ident(table)} ({col_list}) SELECT {col_list} FROM "
                 f"_openrace_batch ON CONFLICT ({conflict}) {action}{ret}")
        with self.transaction(), self.registered("_openrace_batch", batch):
            if returning:  # a relation runs the statement once, straight to Arrow
                return self.con.sql(query, params=list(params)).to_arrow_table()
            self.con.execute(query, list(params))
        return pa.table({})

    def append(self, table: str, rows: Sequence[Mapping[str, Any]] | pa.Table) -> int:
        """Insert rows, silently skipping any whose key is already stored (so a resumed
        harvest never doubles a row): the primary key, or for the tables of
        :data:`NATURAL_KEYS` their natural key. Returns rows offered."""
        natural = NATURAL_KEYS.get(table)
        if natural is None:
            return self._insert(table, rows, "INSERT OR IGNORE")
        if len(rows) == 0:
            return 0
        batch = self._batch(table, rows)
        cols = ", ".join(_ident(c) for c in batch.column_names)
        keys = ", ".join(_ident(c) for c in natural)
        match = " AND ".join(f"t.{_ident(c)} = b.{_ident(c)}" for c in natural)
        # rows come in run order, so a filter on the batch's runs (constants, not a
        # subquery) lets DuckDB skip every row group of the other runs
        runs = sorted(set(batch.column("run_id").to_pylist())) if "run_id" in natural else []
        scope = f"t.run_id IN ({', '.join('?' * len(runs))}) AND " if runs else ""
        with self.transaction(), self.registered("_openrace_batch", batch):
            self.con.execute(
                f"INSERT INTO {_ident(table)} ({cols}) SELECT {cols} FROM "
                f"(SELECT DISTINCT ON ({keys}) * FROM _openrace_batch) b "
                f"WHERE NOT EXISTS (SELECT 1 FROM {_ident(table)} t WHERE {scope}{match})",
                runs,
            )
        return batch.num_rows

    def insert(self, table: str, rows: Sequence[Mapping[str, Any]] | pa.Table) -> int:
        """Insert rows that the caller knows are not stored yet (no check: the fast path of
        a harvest that has itself established which rows are new). Returns rows
        written."""
        return self._insert(table, rows)

    def _insert(self, table: str, rows: Sequence[Mapping[str, Any]] | pa.Table,
                verb: str = "INSERT") -> int:
        if len(rows) == 0:
            return 0
        batch = self._batch(table, rows)
        col_list = ", ".join(_ident(c) for c in batch.column_names)
        with self.transaction(), self.registered("_openrace_batch", batch):
            self.con.execute(
                f"{verb} INTO {_ident(table)} ({col_list}) SELECT {col_list} FROM _openrace_batch"
            )
        return batch.num_rows

    def replace_attributions(
        self, artifact_ids: Iterable[str], methods: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """Replace the attributions of ``artifact_ids`` made by ``methods`` with ``rows``."""
        import pyarrow as pa

        ids = list(dict.fromkeys(artifact_ids))
        with self.transaction():
            if ids:
                with self.registered("_openrace_ids", pa.table({"artifact_id": ids})):
                    self.con.execute(
                        "DELETE FROM attributions WHERE method IN (SELECT unnest(?)) AND "
                        "artifact_id IN (SELECT artifact_id FROM _openrace_ids)",
                        [list(methods)],
                    )
            self._insert("attributions", rows)

    def quarantine(self, run_id: int | None, source: str, record_key: str | None, reason: str,
                   raw: Any) -> None:
        """Keep a rejected record, with why, for inspection."""
        text = raw if isinstance(raw, str) else json.dumps(raw, default=str)[:100_000]
        self.con.execute(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)",
            [run_id, source, record_key, reason, text, utcnow()],
        )

    # -- conditional requests --------------------------------------------------------------

    def cached_page(self, source: str, url: str) -> dict[str, Any] | None:
        """The stored copy of a listing page (``etag``, ``items``, ``next_url``), or None.
        (``http_cache`` is plumbing of the harvest, not data: it is not among
        :data:`TABLES`, so it is neither exported nor read by metrics.)"""
        rows = self.con.execute(
            "SELECT etag, body, next_url FROM http_cache WHERE source = ? AND url = ?",
            [source, url]).fetchall()
        if not rows:
            return None
        etag, body, next_url = rows[0]
        try:
            items = json.loads(body)
        except ValueError:
            return None
        return {"etag": etag, "items": items, "next_url": next_url}

    def save_page(self, source: str, url: str, etag: str, items: Any,
                  next_url: str | None) -> None:
        """Keep a listing page's ETag, records and next page (call inside the page's
        transaction, so that the copy and the data it produced commit together)."""
        self.con.execute(
            "INSERT OR REPLACE INTO http_cache VALUES (?, ?, ?, ?, ?, ?)",
            [source, url, etag, json.dumps(items, default=str, ensure_ascii=False), next_url,
             utcnow()])

    # -- harvest runs ----------------------------------------------------------------------

    def start_run(self, source: str, scope: str, params: Mapping[str, Any] | None = None) -> int:
        """Record a new harvest run and return its id."""
        with self.transaction():
            run_id = self.con.execute("SELECT nextval('harvest_run_ids')").fetchall()[0][0]
            self.con.execute(
                "INSERT INTO harvest_runs (run_id, source, scope, params, started_at, status) "
                "VALUES (?, ?, ?, ?, ?, 'running')",
                [run_id, source, scope, json.dumps(params or {}, default=str), utcnow()],
            )
        return int(run_id)

    def checkpoint(self, run_id: int, *, cursor: str | None = None, watermark: str | None = None,
                   requests: int = 0, read: int = 0, stored: int = 0, rejected: int = 0) -> None:
        """Advance a run's cursor and add to its counters (call inside the page's transaction
        so that the data and the cursor commit together)."""
        self.con.execute(
            "UPDATE harvest_runs SET cursor = coalesce(?, cursor), "
            "watermark = coalesce(?, watermark), n_requests = n_requests + ?, "
            "n_read = n_read + ?, n_stored = n_stored + ?, n_rejected = n_rejected + ? "
            "WHERE run_id = ?",
            [cursor, watermark, requests, read, stored, rejected, run_id],
        )

    def finish_run(self, run_id: int, status: str, message: str | None = None, *,
                   watermark: str | None = None) -> None:
        """Close a run with ``status`` (:data:`~openrace.store.vocabulary.RUN_STATUSES`:
        ok, failed, interrupted), and set its ``watermark`` if given."""
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        self.con.execute(
            "UPDATE harvest_runs SET status = ?, ended_at = ?, message = ?, "
            "watermark = coalesce(?, watermark) WHERE run_id = ?",
            [status, utcnow(), message, watermark, run_id],
        )

    def reopen_run(self, run_id: int) -> None:
        """Mark an unfinished run running again, to resume it."""
        self.con.execute(
            "UPDATE harvest_runs SET status = ?, message = NULL WHERE run_id = ?",
            [RUNNING, run_id],
        )

    def run(self, source: str, scope: str, params: Mapping[str, Any] | None = None,
            **options: Any) -> AbstractContextManager[Run]:
        """``with store.run(source, scope, params) as run:`` resumes the unfinished run
        with the same parameters or starts one, and closes it ok / failed / interrupted
        (see :func:`openrace.store.runs.run` for ``options``)."""
        return runs.run(self, source, scope, params, **options)

    def resumable_run(self, source: str, scope: str) -> dict[str, Any] | None:
        """The latest unfinished run of ``source``/``scope`` (status running, interrupted
        or failed, e.g. after a kill -9), to resume from its cursor."""
        rows = self.dicts(
            "SELECT * FROM harvest_runs WHERE source = ? AND scope = ? "
            "ORDER BY run_id DESC LIMIT 1",
            [source, scope],
        )
        if rows and rows[0]["status"] in RESUMABLE:
            return rows[0]
        return None

    # -- set-based writes ------------------------------------------------------------------

    def replace_organizations(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Make the ``organizations`` table hold exactly ``rows``."""
        with self.transaction():
            self.con.execute("DELETE FROM organizations")
            self.upsert("organizations", rows, ["id"])

    def replace_method_attributions(self, method: str,
                                    rows: Sequence[Mapping[str, Any]]) -> None:
        """Replace every attribution made by ``method`` with ``rows``."""
        with self.transaction():
            self.con.execute("DELETE FROM attributions WHERE method = ?", [method])
            self._insert("attributions", rows)

    def remove_stale(self, source: str, kind: str, keep: Sequence[str]) -> list[str]:
        """Delete the artifacts of ``source``/``kind`` whose id is not in ``keep``, with
        their attributions (a catalogue that no longer lists them); returns their ids."""
        with self.transaction():
            stale = [r[0] for r in self.con.execute(
                "SELECT artifact_id FROM artifacts WHERE source = ? AND kind = ? AND "
                "artifact_id NOT IN (SELECT unnest(?::VARCHAR[]))", [source, kind, list(keep)]
            ).fetchall()]
            if stale:
                for table in ("attributions", "artifacts"):
                    self.con.execute(
                        f"DELETE FROM {table} WHERE artifact_id IN "
                        "(SELECT unnest(?::VARCHAR[]))", [stale])
        return stale

    def copy_to(self, query: str, path: Path, options: str) -> None:
        """Write the rows of ``query`` to the file ``path`` with DuckDB's ``COPY``
        (streaming: memory stays bounded); ``options`` e.g. ``FORMAT parquet``."""
        target = str(path).replace("'", "''")
        self.con.execute(f"COPY ({query}) TO '{target}' ({options})")

    def add_tags(self, artifact_id: str, tags: Sequence[str]) -> bool:
        """Add ``tags`` to an artifact's tags (once each); False when it had them all
        (or does not exist)."""
        n = self.con.execute(
            "UPDATE artifacts SET tags = list_distinct(list_concat(tags, ?)) "
            "WHERE artifact_id = ? AND NOT list_has_all(tags, ?) RETURNING artifact_id",
            [list(tags), artifact_id, list(tags)]).fetchall()
        return bool(n)

    def last_watermark(self, source: str, scope: str) -> str | None:
        """Watermark of the latest completed run of ``source``/``scope``."""
        row = self.con.execute(
            "SELECT watermark FROM harvest_runs WHERE source = ? AND scope = ? AND status = 'ok' "
            "AND watermark IS NOT NULL ORDER BY run_id DESC LIMIT 1",
            [source, scope],
        ).fetchall()
        return row[0][0] if row else None

    # -- reads -----------------------------------------------------------------------------

    def sql(self, query: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run SQL and return an Arrow table."""
        import pyarrow as pa

        if params:
            return self.con.sql(query, params=list(params)).to_arrow_table()
        rel = self.con.sql(query)
        return rel.to_arrow_table() if rel is not None else pa.table({})

    def rows(self, query: str, params: Sequence[Any] | None = None) -> Rows:
        """Run SQL and return its rows as Python values, without Arrow (for the commands
        that print them: see :mod:`openrace.store.rows`)."""
        cur = self.con.execute(query, list(params) if params else None)
        if cur.description is None:
            return Rows([], [])
        return Rows([d[0] for d in cur.description], cur.fetchall())

    def dicts(self, query: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run SQL and return a list of dicts."""
        return self.rows(query, params).to_pylist()

    def confine(self) -> None:
        """Shut this connection out of every file, network address and extension but the
        store itself, for good (the settings of :data:`CONFINED`, locked)."""
        if self.confined:
            return
        for key, value in CONFINED.items():
            self.con.execute(f"SET {_ident(key)} = {'true' if value else 'false'}")
        self.confined = True

    def query_readonly(self, query: str) -> pa.Table:
        """Run a user's SQL: one SELECT (or DESCRIBE, SHOW, SUMMARIZE, PIVOT, or EXPLAIN of
        one of them) over the store's tables, on a confined connection (:meth:`confine`
        is applied first, so the store stays confined afterwards)."""
        return self._readonly(query, self.sql)

    def query_readonly_rows(self, query: str) -> Rows:
        """:meth:`query_readonly`, as Python rows (for printing; no Arrow)."""
        return self._readonly(query, self.rows)

    def _readonly(self, query: str, run: Callable[[str], Any]) -> Any:
        check_read_query(query)
        self.confine()
        try:
            return run(query)
        except duckdb.PermissionException as exc:
            raise QueryError("a query reads the store's tables only (files, network and "
                             f"extensions are shut off): {_first_line(str(exc))}") from None
        except duckdb.Error as exc:
            raise QueryError(str(exc).strip().splitlines()[0]) from None

    def arrow(self, table: str) -> pa.Table:
        """A whole table as Arrow."""
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}; tables: {', '.join(TABLES)}")
        return self.sql(f"SELECT * FROM {_ident(table)}")

    def ibis(self) -> Any:
        """An Ibis DuckDB backend over this store's connection."""
        import ibis

        if not hasattr(self, "_ibis"):
            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def table(self, name: str) -> Any:
        """One store table as an Ibis table expression."""
        if name not in TABLES:
            raise StoreError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")
        return self.ibis().table(name)

    def counts(self) -> dict[str, int]:
        """Row count of every table."""
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}

    def meta(self, key: str) -> str | None:
        """A value from the ``meta`` table."""
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return row[0][0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the ``meta`` table."""
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def check_read_query(query: str) -> None:
    """Raise :class:`~openrace.errors.QueryError` unless ``query`` is one read statement,
    as DuckDB's own parser splits and classifies it (so a ``;`` inside a string or a
    comment is just text)."""
    refusal = ("only a single read-only statement (SELECT, WITH, FROM, DESCRIBE, SHOW, "
               "SUMMARIZE, PIVOT, EXPLAIN) is allowed")
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip().splitlines()[0]) from None
    if len(statements) != 1:
        raise QueryError(f"{refusal}; this is {len(statements)} statements")
    kind, text = statements[0].type, statements[0].query
    if kind == duckdb.StatementType.EXPLAIN:
        body = _LEADING.sub("", text, count=1)
        m = _EXPLAIN.match(body)
        inner = duckdb.extract_statements(body[m.end():]) if m else []
        if len(inner) == 1 and inner[0].type == duckdb.StatementType.SELECT:
            return
    elif kind == duckdb.StatementType.SELECT or (
        kind == duckdb.StatementType.MULTI and _PIVOT.match(_LEADING.sub("", text, count=1))
    ):
        return
    raise QueryError(refusal)


def _connect(path: str, *, read_only: bool, config: dict[str, Any], wait: float = 0.0
             ) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection, with DuckDB's refusals as openrace errors. With ``wait`` > 0,
    a reader kept out by a harvest leaves a note asking to be let in, and a writer kept
    out by readers only (never by another writer) leaves a note holding new readers back;
    either retries for up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    note: Path | None = None
    try:
        while True:
            if read_only and wait and _writer_waiting(path) and time.monotonic() < deadline:
                time.sleep(0.05)  # a writer waits for the readers in the store: its turn
                continue
            try:
                return duckdb.connect(path, read_only=read_only, config=config)
            except duckdb.IOException as exc:
                msg = str(exc)
                if "lock" not in msg.lower():
                    raise StoreError(f"cannot open store {path}: {_first_line(msg)}") from None
                if time.monotonic() >= deadline or (not read_only and (
                        _paused(path) or not _only_readers(path))):
                    raise StoreBusyError(_busy_message(path, msg, read_only, wait)) from None
                if note is None:
                    note = Path(f"{path}.wait.{os.getpid()}.{threading.get_ident()}"
                                if read_only else f"{path}.writer")
                    note.write_text(str(os.getpid()))
                time.sleep(0.05)
            except duckdb.Error as exc:
                raise StoreError(f"cannot open store {path}: {_first_line(str(exc))}") from None
    finally:
        if note is not None:
            note.unlink(missing_ok=True)


def _only_readers(path: str) -> bool:
    """Whether the processes holding ``path`` only read it (a read-only connection can
    share the file with them, not with a writer)."""
    try:
        duckdb.connect(path, read_only=True).close()
    except duckdb.Error:
        return False
    return True


def _alive(note: Path) -> bool:
    """Whether the process that left ``note`` (its pid inside) still runs."""
    try:
        os.kill(int(note.read_text().strip() or 0), 0)
    except (OSError, ValueError):
        return False
    return True


def _waiting_readers(path: str) -> bool:
    """Whether a live reader has left a note asking to be let in (stale notes of readers
    that died are removed)."""
    p = Path(path)
    waiting = False
    for note in p.parent.glob(f"{glob_escape(p.name)}.wait.*"):
        if _alive(note):
            waiting = True
        else:
            note.unlink(missing_ok=True)
    return waiting


def _paused(path: str) -> bool:
    """Whether a harvest has let readers in and will write again."""
    note = Path(f"{path}.paused")
    return note.exists() and _alive(note)


def _writer_waiting(path: str) -> bool:
    """Whether a harvest that let readers in waits to write again."""
    note = Path(f"{path}.writer")
    return note.exists() and _alive(note)


def _busy_message(path: str, msg: str, read_only: bool, waited: float = 0.0) -> str:
    pid = re.search(r"\(PID (\d+)\)", msg)
    who = f"another process (PID {pid.group(1)})" if pid else "another process"
    if read_only:
        what = "is being written by"
        if waited:
            who += f", which did not let readers in within {waited:.0f} s"
    elif _only_readers(path) and not _paused(path):
        what = "is being read by"
        if waited:
            who += f" for more than {waited:.0f} s"
    else:
        what = "is being written by"
    return (f"store is busy: {path} {what} {who}; wait for it to finish, or use another "
            "--store")


def _check_store_file(p: Path) -> None:
    """Refuse an existing file that is not an openrace store, or is visibly damaged,
    reading it only. An empty DuckDB database (a first run killed before its schema was
    committed) is taken as a new store."""
    con = _connect(str(p), read_only=True, config={})
    try:
        _check_connection(con, p)
    finally:
        con.close()


def _check_connection(con: duckdb.DuckDBPyConnection, p: Path) -> None:
    """:func:`_check_store_file` on an open read-only connection (left open)."""
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()}
        if not tables:
            objects = con.execute(
                "SELECT count(*) FROM duckdb_views() WHERE NOT internal "
                "AND database_name = current_database()").fetchall()[0][0]
            if objects:
                raise StoreError(_foreign(p))
            return
        if "meta" not in tables:
            raise StoreError(_foreign(p))
        cols = {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'meta' "
            "AND database_name = current_database()").fetchall()}
        if cols != {"key", "value"}:
            raise StoreError(_foreign(p))
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        if meta.get(MARKER[0]) != MARKER[1] and not (
            "schema_version" in meta and set(TABLES) <= tables
        ):
            raise StoreError(_foreign(p))
        size = con.execute(
            "SELECT block_size, used_blocks FROM pragma_database_size()").fetchall()[0]
        if p.stat().st_size < _HEADER_BYTES + size[0] * size[1]:
            raise StoreError(f"store {p} is damaged (the file is shorter than its own "
                             "header says: truncated?); restore it from a copy or use "
                             "another --store")
    except duckdb.Error as exc:
        raise StoreError(f"store {p} is damaged or unreadable ({_first_line(str(exc))}); "
                         "restore it from a copy or use another --store") from None


#: DuckDB's file header: one main and two database headers of 4 KiB each.
_HEADER_BYTES = 3 * 4096


def _foreign(p: Path) -> str:
    return (f"{p} is a DuckDB file but not an openrace store; it was left as it is "
            "(use another --store)")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


_SIZE = re.compile(r"\d+(\.\d+)?\s*[KMGT]i?B", re.IGNORECASE)


def is_size(value: str) -> bool:
    """Whether ``value`` is a memory size DuckDB takes and shows (``512MB``, ``18.8 GiB``)."""
    return bool(_SIZE.fullmatch(value.strip()))


def _ident(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise StoreError(f"bad identifier {name!r}")
    return f'"{name}"'


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return value
