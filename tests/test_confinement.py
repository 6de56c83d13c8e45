"""`openrace query` is confined to the store, and a store is recognised before it is
touched (issue 16, items 1, 3, 5, 9 and 10)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from openrace.cli import main
from openrace.errors import QueryError, StoreError
from openrace.store import SCHEMA_VERSION, Store, check_read_query


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    with Store(path) as s:
        s.upsert(
            "organizations",
            [
                {
                    "id": "o",
                    "name": "O",
                    "country": "US",
                    "owner_country": "US",
                    "root_org": "o",
                    "sector": "industry",
                    "source": "test",
                }
            ],
            ["id"],
        )
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _query(
    capsys: pytest.CaptureFixture[str], store: Path, sql: str, *extra: str
) -> tuple[int, str, str]:
    code = main(["query", "--store", str(store), sql, *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT content FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM glob('/*')",
        "SELECT * FROM read_blob('/etc/hostname')",
        "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')",
        "SELECT * FROM read_parquet('https://127.0.0.1:9/x.parquet')",
        "FROM sniff_csv('/etc/passwd')",
    ],
)
def test_query_cannot_read_the_file_system_or_the_network(
    store_file: Path, sql: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _query(capsys, store_file, sql)
    assert code == 2 and out == ""
    assert err.startswith("error: a query reads the store's tables only")
    assert len(err.strip().splitlines()) == 1
    assert "root:" not in err


def test_explain_analyze_copy_writes_nothing(
    store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.duckdb"
    victim.write_bytes(b"precious")
    for sql in (
        f"EXPLAIN ANALYZE COPY (SELECT 'x') TO '{victim}'",
        f"COPY (SELECT 'x') TO '{victim}'",
        f"EXPORT DATABASE '{tmp_path / 'exp'}'",
        f"ATTACH '{tmp_path / 'other.duckdb'}'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "PRAGMA enable_profiling",
        "CALL pragma_version()",
        "CHECKPOINT",
        "DELETE FROM organizations",
        "CREATE TABLE x AS SELECT 1",
    ):
        code, _, err = _query(capsys, store_file, sql)
        assert code == 2, sql
        assert "only a single read-only statement" in err, sql
    assert victim.read_bytes() == b"precious"
    assert not (tmp_path / "exp").exists() and not (tmp_path / "other.duckdb").exists()


def test_the_confinement_holds_even_past_the_statement_check(
    store_file: Path, tmp_path: Path
) -> None:
    """The DuckDB settings themselves refuse, not only openrace's statement filter."""
    with Store(store_file, read_only=True, confined=True) as s:
        for sql in (
            f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'",
            f"ATTACH '{tmp_path / 'y.duckdb'}'",
            "INSTALL httpfs",
            "SELECT * FROM read_text('/etc/hostname')",
        ):
            with pytest.raises(duckdb.PermissionException):
                s.con.execute(sql)
        with pytest.raises(duckdb.Error, match="locked"):
            s.con.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.Error, match="locked"):
            s.con.execute("RESET enable_external_access")
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "y.duckdb").exists()


def test_python_objects_are_not_reachable(store: Store) -> None:
    secret_rows = __import__("pyarrow").table({"token": ["hf_secret"]})  # noqa: F841
    with pytest.raises(QueryError):
        store.query_readonly("SELECT * FROM secret_rows")


@pytest.mark.parametrize(
    "sql, rows",
    [
        ("SELECT ';' AS x", [{"x": ";"}]),
        ("SELECT 'a;b' AS x -- a comment; with a semicolon", [{"x": "a;b"}]),
        ("SELECT /* ; */ 1 AS x;", [{"x": 1}]),
        ("WITH t AS (SELECT 1 AS x) SELECT x FROM t", [{"x": 1}]),
        ("FROM (SELECT 2 AS x)", [{"x": 2}]),
    ],
)
def test_a_semicolon_in_a_string_or_comment_is_text(
    store: Store, sql: str, rows: list[dict[str, object]]
) -> None:
    assert store.query_readonly(sql).to_pylist() == rows


def test_read_statements_are_allowed(store_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for sql in (
        "DESCRIBE organizations",
        "SHOW TABLES",
        "SUMMARIZE organizations",
        "EXPLAIN SELECT * FROM organizations",
        "PIVOT organizations ON sector USING count(*) GROUP BY country",
    ):
        code, out, err = _query(capsys, store_file, sql, "-f", "json")
        assert code == 0, (sql, err)
        assert out.startswith("[")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1; SELECT 2",
        "SELECT 1; DROP TABLE artifacts",
        "",
        "-- nothing",
        "EXPLAIN DELETE FROM meta",
        "EXPLAIN ANALYZE INSERT INTO meta VALUES ('a', 'b')",
    ],
)
def test_anything_but_one_read_is_refused(sql: str) -> None:
    with pytest.raises(QueryError, match="only a single read-only statement"):
        check_read_query(sql)


def test_query_on_a_missing_store_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo" / "sotre.duckdb"
    code, out, err = _query(capsys, missing, "SELECT 1")
    assert code == 3 and out == ""
    assert err.startswith("error: no store at") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "typo").exists()


# -- a store is recognised before it is touched ------------------------------------------


def _foreign_file(path: Path, with_meta: bool) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE invoices (id INTEGER, amount DOUBLE)")
    con.execute("INSERT INTO invoices VALUES (1, 9.5)")
    if with_meta:
        con.execute("CREATE TABLE meta (k INTEGER, v VARCHAR)")
    con.close()
    return path


@pytest.mark.parametrize("with_meta", [False, True])
@pytest.mark.parametrize(
    "args",
    [
        ["orgs"],
        ["models"],
        ["query", "SELECT 1"],
        ["update", "hf", "--max-pages", "1"],
        ["report", "--out"],
        ["papers"],
        ["claims"],
        ["export"],
    ],
)
def test_another_apps_duckdb_file_is_refused_and_untouched(
    tmp_path: Path, with_meta: bool, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    other = _foreign_file(tmp_path / "other-app.duckdb", with_meta)
    before = _digest(other)
    files = sorted(p.name for p in tmp_path.iterdir())
    if args[-1] in ("--out", "export"):
        args = [*args, str(tmp_path / "out")]
    code = main([*args, "--store", str(other)])
    _, err = capsys.readouterr()
    assert code == 3, err
    assert err.startswith("error: ") and "not an openrace store" in err
    assert len(err.strip().splitlines()) == 1
    assert _digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no .wal, no out/


def test_a_store_carries_its_marker_and_an_older_store_gets_it(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        assert s.meta("application") == "openrace"
        s.con.execute("DELETE FROM meta WHERE key = 'application'")  # a store of before
    with Store(path, read_only=True) as s:
        assert s.schema_version() == SCHEMA_VERSION
    with Store(path) as s:
        assert s.meta("application") == "openrace"


def test_an_empty_duckdb_file_becomes_a_store(tmp_path: Path) -> None:
    """A first run killed before its schema was committed leaves an empty database."""
    path = tmp_path / "s.duckdb"
    duckdb.connect(str(path)).close()
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION


def test_a_truncated_store_is_one_line(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = store_file.read_bytes()
    store_file.write_bytes(data[: len(data) // 2])
    before = _digest(store_file)
    for args in (["orgs"], ["query", "SELECT * FROM organizations"], ["models"]):
        code = main([*args, "--store", str(store_file)])
        _, err = capsys.readouterr()
        assert code == 3, err
        assert err.startswith("error: store ") and "damaged" in err
        assert len(err.strip().splitlines()) == 1
    assert _digest(store_file) == before


def test_a_file_that_is_not_duckdb_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n" * 1000)
    with pytest.raises(StoreError):
        Store(notes)
    assert notes.read_text() == "hello\n" * 1000
    assert main(["orgs", "--store", str(notes)]) == 3
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_read_command_migrates_a_store_of_an_older_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openrace.store import MIGRATIONS

    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    for stmt in MIGRATIONS[0]:
        con.execute(stmt)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.close()
    assert main(["orgs", "-f", "csv", "--store", str(path)]) == 0
    assert capsys.readouterr().out.startswith("id,name")
    with Store(path, read_only=True) as s:
        assert s.schema_version() == SCHEMA_VERSION
