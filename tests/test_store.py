"""The store: schema, migrations, idempotent writes, the busy-store error."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from openrace.errors import QueryError, StoreBusyError, StoreError
from openrace.store import SCHEMA_VERSION, TABLES, Store
from tests.conftest import store_held_by_another_process


def _org(**kw):  # type: ignore[no-untyped-def]
    row = dict(id="acme", name="Acme", country="US", owner_country="US", root_org="acme",
               sector="industry", source="https://acme.example", aliases=["A"])
    row.update(kw)
    return row


def test_new_store_has_every_table_and_the_schema_version(store: Store) -> None:
    assert store.schema_version() == SCHEMA_VERSION
    assert set(store.counts()) == set(TABLES)
    assert all(n == 0 for n in store.counts().values())


def test_upsert_is_idempotent_and_updates(store: Store) -> None:
    store.upsert("organizations", [_org()], ["id"])
    store.upsert("organizations", [_org()], ["id"])
    store.upsert("organizations", [_org(name="Acme Corp", aliases=["A", "B"])], ["id"])
    rows = store.dicts("SELECT name, aliases FROM organizations")
    assert rows == [{"name": "Acme Corp", "aliases": ["A", "B"]}]


def test_upsert_keeps_first_seen(store: Store) -> None:
    first, later = datetime(2024, 1, 1), datetime(2025, 1, 1)
    base = dict(artifact_id="hf:model:a/b", source="hf", kind="model", source_id="a/b")
    store.upsert("artifacts", [{**base, "first_seen": first, "last_seen": first}],
                 ["artifact_id"], keep=["first_seen"])
    store.upsert("artifacts", [{**base, "first_seen": later, "last_seen": later}],
                 ["artifact_id"], keep=["first_seen"])
    row = store.dicts("SELECT first_seen, last_seen FROM artifacts")[0]
    assert row == {"first_seen": first, "last_seen": later}


def test_append_never_doubles_observations(store: Store) -> None:
    obs = [dict(artifact_id="hf:model:a/b", metric="downloads_30d", value=10.0,
                observed_at=datetime(2025, 1, 1), run_id=1)]
    store.append("observations", obs)
    store.append("observations", obs)
    assert store.counts()["observations"] == 1


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert("organizations", [_org()], ["id"])
        raise RuntimeError("boom")
    assert store.counts()["organizations"] == 0


def test_unknown_column_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="unknown column"):
        store.upsert("organizations", [_org(colour="red")], ["id"])


def test_replace_attributions_replaces_only_that_method(store: Store) -> None:
    a = dict(artifact_id="x", org_id="acme", country="US", weight=1.0, method="registry")
    b = dict(artifact_id="x", org_id=None, country="CN", weight=1.0, method="inherited")
    store.replace_attributions(["x"], ["registry"], [a])
    store.replace_attributions(["x"], ["inherited"], [b])
    store.replace_attributions(["x"], ["registry"], [{**a, "weight": 0.5}, {**a, "org_id": "z",
                                                                            "weight": 0.5}])
    got = store.dicts("SELECT method, sum(weight) AS w, count(*) AS n FROM attributions "
                      "GROUP BY method ORDER BY method")
    assert got == [{"method": "inherited", "w": 1.0, "n": 1},
                   {"method": "registry", "w": 1.0, "n": 2}]


def test_harvest_run_bookkeeping(store: Store) -> None:
    run = store.start_run("hf", "namespaces", {"depth": 2})
    store.checkpoint(run, cursor="page-2", requests=1, read=10, stored=9, rejected=1)
    store.checkpoint(run, cursor="page-3", requests=1, read=5, stored=5)
    resumable = store.resumable_run("hf", "namespaces")
    assert resumable is not None
    assert (resumable["cursor"], resumable["n_read"], resumable["n_rejected"]) == ("page-3", 15, 1)
    store.checkpoint(run, watermark="2025-01-01T00:00:00")
    store.finish_run(run, "ok")
    assert store.resumable_run("hf", "namespaces") is None
    assert store.last_watermark("hf", "namespaces") == "2025-01-01T00:00:00"


def test_query_readonly_refuses_writes(store: Store) -> None:
    assert store.query_readonly("SELECT 42 AS x").to_pylist() == [{"x": 42}]
    for bad in ("DROP TABLE artifacts", "SELECT 1; DROP TABLE artifacts",
                "insert into meta values ('a','b')"):
        with pytest.raises(QueryError):
            store.query_readonly(bad)
    assert store.counts()["artifacts"] == 0


def test_file_store_round_trip_and_ibis(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.upsert("organizations", [_org()], ["id"])
    with Store(path, read_only=True) as s:
        assert s.table("organizations").count().execute() == 1
        assert s.arrow("organizations").num_rows == 1


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_second_writer_gets_store_busy(tmp_path: Path) -> None:
    path = tmp_path / "busy.duckdb"
    Store(path).close()
    with store_held_by_another_process(path), pytest.raises(StoreBusyError,
                                                            match="store is busy"):
        Store(path)
    # the file is intact and usable once the holder has gone
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION


def test_version_1_store_migrates_keeping_observations(tmp_path: Path) -> None:
    """A store written by schema 1 (observations and lineage under primary-key indexes)
    opens as the current schema: every row kept, the indexes gone, appends still never
    doubled, and the organisations gain their schema-4 columns."""
    import duckdb

    from openrace.store import MIGRATIONS

    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    for stmt in MIGRATIONS[0]:
        con.execute(stmt)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO observations VALUES ('hf:model:a/b', 'likes', 3, "
                "TIMESTAMP '2025-01-01', 1), ('hf:model:a/b', 'likes', 4, "
                "TIMESTAMP '2025-02-01', 2)")
    con.execute("INSERT INTO lineage VALUES ('hf:model:a/b', 'hf:model:x/y', 'finetune')")
    con.close()
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION == 4
        assert {"parent_since", "parent_source", "hf_repos"} <= set(s.columns("organizations"))
        edge = {"child_id": "hf:model:a/b", "parent_id": "hf:model:x/y",
                "relation": "finetune"}
        s.append("lineage", [edge, {**edge, "relation": "merge"}])
        assert s.dicts("SELECT relation FROM lineage ORDER BY 1") == [
            {"relation": "finetune"}, {"relation": "merge"}]
        assert s.dicts("SELECT value, run_id FROM observations ORDER BY run_id") == [
            {"value": 3.0, "run_id": 1}, {"value": 4.0, "run_id": 2}]
        assert s.dicts("SELECT * FROM duckdb_constraints() WHERE table_name IN "
                       "('observations', 'lineage') AND constraint_type = 'PRIMARY KEY'") == []
        again = [dict(artifact_id="hf:model:a/b", metric="likes", value=9.0,
                      observed_at=datetime(2025, 3, 1), run_id=2),
                 dict(artifact_id="hf:model:a/b", metric="likes", value=5.0,
                      observed_at=datetime(2025, 3, 1), run_id=3),
                 dict(artifact_id="hf:model:a/b", metric="likes", value=5.0,
                      observed_at=datetime(2025, 3, 1), run_id=3)]
        s.append("observations", again)
        assert s.dicts("SELECT value, run_id FROM observations ORDER BY run_id") == [
            {"value": 3.0, "run_id": 1}, {"value": 4.0, "run_id": 2},
            {"value": 5.0, "run_id": 3}]


def test_upsert_returning_says_what_it_wrote(store: Store) -> None:
    day = [datetime(2025, 1, d) for d in range(1, 4)]
    base = dict(source="hf", kind="model")

    def rows(seen: datetime, *ids: str) -> list[dict]:
        return [{**base, "artifact_id": f"hf:model:{i}", "source_id": i, "first_seen": seen,
                 "last_seen": seen} for i in ids]

    store.upsert("artifacts", rows(day[0], "a/old") + rows(day[2], "a/recent"),
                 ["artifact_id"], keep=["first_seen"])
    taken = store.upsert_returning(
        "artifacts", rows(day[2], "a/old", "a/recent", "a/new"), ["artifact_id"],
        keep=["first_seen"], update_where="artifacts.last_seen < ?", params=[day[1]],
        returning=["artifact_id", "first_seen"])
    # a/recent was written since day 2: left alone, not returned; a/old keeps first_seen
    assert sorted(taken.to_pylist(), key=lambda r: r["artifact_id"]) == [
        {"artifact_id": "hf:model:a/new", "first_seen": day[2]},
        {"artifact_id": "hf:model:a/old", "first_seen": day[0]}]
    assert store.dicts("SELECT artifact_id, last_seen FROM artifacts ORDER BY 1") == [
        {"artifact_id": "hf:model:a/new", "last_seen": day[2]},
        {"artifact_id": "hf:model:a/old", "last_seen": day[2]},
        {"artifact_id": "hf:model:a/recent", "last_seen": day[2]}]


def test_settings_are_restored_and_sizes_checked(store: Store) -> None:
    before = store.setting("memory_limit")
    with store.settings(memory_limit="300MB", checkpoint_threshold=None):
        assert store.setting("memory_limit") == "286.1 MiB"
    assert store.setting("memory_limit") == before
    with pytest.raises(StoreError, match="bad memory size"):
        store.set_setting("memory_limit", "lots; DROP TABLE artifacts")


def test_flush_moves_the_log_into_the_file(tmp_path: Path) -> None:
    with Store(tmp_path / "f.duckdb") as s:
        s.con.execute("SET checkpoint_threshold = '1GB'")
        s.append("observations", [{"artifact_id": "x", "metric": "likes", "value": 1.0,
                                   "observed_at": datetime(2025, 1, 1), "run_id": 1}])
        wal = tmp_path / "f.duckdb.wal"
        assert wal.exists() and wal.stat().st_size > 0
        s.flush()
        assert not wal.exists() or wal.stat().st_size == 0
        assert s.con.execute("SELECT count(*) FROM observations").fetchall() == [(1,)]
