"""The compiled SQL of the built-in metrics is kept in a cache file named for the code's
hash: a later process runs ``openrace metrics show`` without importing Ibis, and gives the
same values; a file of other code, or a broken one, is never used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openrace.api import open_store
from openrace.metrics import sql as msql
from openrace.metrics.catalogue import Catalogue, load_catalogue
from tests.conftest import run_python


def _cli(args: list[str], cache: Path, store: Path) -> tuple[str, list[str]]:
    """Output of ``openrace ARGS`` in a fresh process, and the heavy modules it imported."""
    code = ("import sys\nfrom openrace.cli import main\n"
            f"code = main({args!r})\n"
            "print('MODULES', [m for m in ('ibis', 'sqlglot') if m in sys.modules])\n"
            "sys.exit(code)")
    out = run_python(code, OPENRACE_CACHE_DIR=str(cache), OPENRACE_STORE=str(store))
    body, _, modules = out.rpartition("MODULES ")
    return body, json.loads(modules.replace("'", '"'))


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("OPENRACE_CACHE_DIR", str(cache))
    monkeypatch.setattr(msql, "_DISK", None)
    monkeypatch.setattr(msql, "_COMPILED", {})
    return cache


def test_a_second_process_runs_a_metric_without_ibis(tmp_path: Path) -> None:
    cache, store = tmp_path / "cache", tmp_path / "s.duckdb"
    open_store(store).close()
    args = ["metrics", "show", "releases", "--by", "country", "-f", "csv"]
    first, loaded_first = _cli(args, cache, store)
    assert "ibis" in loaded_first  # compiled once
    (saved,) = cache.glob("metric-sql-*.json")
    assert saved.name == f"metric-sql-{msql.code_fingerprint()}.json"
    second, loaded_second = _cli(args, cache, store)
    assert loaded_second == [] and second == first and first.count("\n") > 3
    sql_first, _ = _cli(["metrics", "show", "ai_papers", "--sql"], cache, store)
    sql_second, loaded = _cli(["metrics", "show", "ai_papers", "--sql"], cache, store)
    assert loaded == [] and sql_second == sql_first and sql_first.startswith("SELECT")


def test_the_cached_sql_is_the_compiled_sql(fresh_cache: Path) -> None:
    compiled = msql.metric_sql("hub_downloads", by="country")
    msql._COMPILED.clear()
    msql._DISK = None
    entries = json.loads(msql.cache_path().read_text())
    assert list(entries.values()) == [compiled.removesuffix(";\n")]
    assert msql.metric_sql("hub_downloads", by="country") == compiled


def test_a_file_of_other_code_is_not_read_and_is_removed(fresh_cache: Path) -> None:
    fresh_cache.mkdir()
    key = json.dumps(["releases", "country", "year", []])
    other = fresh_cache / "metric-sql-0123456789abcdef01234567.json"
    other.write_text(json.dumps({key: "SELECT 'stale' AS value"}))
    sql = msql.metric_sql("releases", by="country", period="year")
    assert "stale" not in sql and '"artifacts"' in sql
    assert not other.exists() and msql.cache_path().exists()


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"k": 3}', ""])
def test_a_broken_cache_file_is_ignored_and_rewritten(fresh_cache: Path, content: str) -> None:
    fresh_cache.mkdir()
    msql.cache_path().write_text(content)
    sql = msql.metric_sql("releases")
    assert sql.startswith("SELECT")
    assert list(json.loads(msql.cache_path().read_text()).values()) == [sql.removesuffix(";\n")]


def test_a_cache_folder_that_cannot_be_written_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("OPENRACE_CACHE_DIR", str(blocker / "cache"))  # under a file
    monkeypatch.setattr(msql, "_DISK", None)
    monkeypatch.setattr(msql, "_COMPILED", {})
    s = open_store(":memory:")
    try:
        assert load_catalogue().evaluate("releases", s).num_rows > 0
    finally:
        s.close()
    assert msql.metric_sql("releases").startswith("SELECT")


def test_only_the_built_in_definitions_are_kept(fresh_cache: Path) -> None:
    # a metric defined elsewhere (or a built-in's name reused) is compiled in each process:
    # its code is not in the hash that names the file
    from openrace.metrics.releases import RELEASES, release_units, unit_share

    mine = Catalogue()

    @RELEASES.share(mine, name="releases", title="Open share", description="x")
    def _share(t, q):  # type: ignore[no-untyped-def]
        return unit_share(release_units(t, q), q, "is_open")

    s = open_store(":memory:")
    try:
        mine_value = mine.evaluate("releases", s, by="none", period="none")
        built_in = load_catalogue().evaluate("releases", s, by="none", period="none")
    finally:
        s.close()
    assert 0 < mine_value.to_pylist()[0]["value"] < 1 < built_in.to_pylist()[0]["value"]
    entries = json.loads(msql.cache_path().read_text())
    assert len(entries) == 1  # the built-in's query alone


def test_the_hash_follows_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import openrace

    before = msql.code_fingerprint()
    msql.code_fingerprint.cache_clear()
    monkeypatch.setattr(openrace, "__version__", "0.0.0-other")
    try:
        assert msql.code_fingerprint() != before
    finally:
        msql.code_fingerprint.cache_clear()
    monkeypatch.undo()
    assert msql.code_fingerprint() == before


def test_a_failed_write_leaves_no_file_behind(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(msql.json, "dump", full_disk)
    assert msql.metric_sql("releases").startswith("SELECT")  # compiled all the same
    assert list(fresh_cache.iterdir()) == []
