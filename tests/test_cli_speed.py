"""Everyday commands load only what they need: the registry is validated once per content
(its hash recorded in the store) and heavy libraries are imported by the commands that use
them. (Timings are a benchmark, ``python -m benchmarks cli_latency``, not a test.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from openrace.api import open_reader, open_store
from openrace.registry import cache
from openrace.registry.cache import SOURCE_HASH_KEY, bundled_source_hash, holds_bundled
from tests.conftest import REPO_ROOT, run_python

HEAVY = (
    "ibis",
    "pyarrow",
    "pandas",
    "numpy",
    "pyspark",
    "altair",
    "vl_convert",
    "httpx",
    "huggingface_hub",
    "yaml",
    "duckdb",
    "tenacity",
    "jinja2",
    "rich",
)


def _loaded_after(code: str, env_store: Path | None = None) -> list[str]:
    probe = (
        f"{code}\nimport sys, json\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    extra = {} if env_store is None else {"OPENRACE_STORE": str(env_store)}
    out = run_python(probe, **extra)
    return json.loads(out.strip().splitlines()[-1])


def test_help_loads_no_heavy_library() -> None:
    assert _loaded_after("import openrace, openrace.cli") == []
    assert (
        _loaded_after(
            "from openrace.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit:\n    pass"
        )
        == []
    )


def test_a_listing_on_a_warm_store_skips_the_registry_and_the_chart_libraries(
    tmp_path: Path,
) -> None:
    db = tmp_path / "warm.duckdb"
    open_store(db).close()
    loaded = _loaded_after(
        f"from openrace.cli import main\nmain(['orgs', '--format', 'csv', '--store', {str(db)!r}])"
    )
    assert "duckdb" in loaded
    for lib in ("yaml", "ibis", "pandas", "altair", "httpx", "huggingface_hub", "jinja2",
                "pyarrow", "numpy"):
        assert lib not in loaded, lib


@pytest.mark.parametrize("args", [
    ["orgs"], ["orgs", "--country", "CN"], ["registry", "show", "qwen"],
    ["releases", "-f", "json"],
    ["status"], ["query", "SELECT id FROM organizations LIMIT 3"], ["models"],
    ["datasets"], ["papers"], ["repos"],
])
def test_printing_commands_read_rows_without_arrow(tmp_path: Path, args: list[str]) -> None:
    # the listings' rows come from DuckDB as Python values (openrace.store.rows): Arrow
    # and NumPy are half such a command's time
    db = tmp_path / "warm.duckdb"
    open_store(db).close()
    code = f"from openrace.cli import main\nassert main([*{args!r}, '--store', {str(db)!r}]) == 0"
    loaded = _loaded_after(code)
    assert "pyarrow" not in loaded and "numpy" not in loaded
    # printed to a pipe: plain text, so Rich (a sixth of a listing's time) is not imported
    # (`registry show` prints a record's fields in bold through Rich)
    assert ("rich" in loaded) == (args[0] == "registry")


def test_the_printed_rows_are_the_arrow_listings_rows() -> None:
    # the CLI prints Store.rows of each listing's SQL; the Python API returns Store.sql's
    # Arrow table of the same SQL: the same columns and the same Python values
    from openrace.queries import github, hf, openalex
    from openrace.queries import registry as reg
    from tests.report.report_sample import sample_store

    s = sample_store()
    builders = [
        (reg.organizations_sql, {}), (reg.organizations_sql, {"country": "CN"}),
        (reg.releases_sql, {}), (reg.releases_sql, {"access": "open"}),
        (hf.models_sql, {"limit": None}), (hf.datasets_sql, {"limit": None}),
        (openalex.papers_sql, {"limit": None}), (github.repos_sql, {}),
    ]
    for build, filters in builders:
        sql, params = build(s, **filters)
        arrow, rows = s.sql(sql, params), s.rows(sql, params)
        assert rows.column_names == arrow.column_names, build.__name__
        assert rows.to_pylist() == arrow.to_pylist(), build.__name__
        assert rows.num_rows == arrow.num_rows
    assert s.rows("SELECT 1 AS a").to_pylist() == s.dicts("SELECT 1 AS a") == [{"a": 1}]
    s.close()


def test_the_hash_is_recorded_and_spares_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.duckdb"
    with open_store(db) as s:
        assert holds_bundled(s)
        assert s.meta(SOURCE_HASH_KEY).startswith(bundled_source_hash())

    def no_load(*a: object, **k: object) -> None:
        raise AssertionError("the registry was loaded again")

    monkeypatch.setattr("openrace.registry.loader.check_registry", no_load)
    with open_reader(db) as s:
        assert s.dicts("SELECT count(*) AS n FROM organizations")[0]["n"] > 100
    open_store(db).close()


def test_another_registry_synced_invalidates_the_stamp(tmp_path: Path) -> None:
    from openrace.registry import sync_registry
    from tests.report.report_sample import sample_registry

    db = tmp_path / "s.duckdb"
    with open_store(db) as s:
        n = s.dicts("SELECT count(*) AS n FROM organizations")[0]["n"]
        sync_registry(s, sample_registry())  # e.g. a test or a user's own registry
        assert not holds_bundled(s)
    with open_reader(db) as s:  # brought back to the bundled registry
        assert s.dicts("SELECT count(*) AS n FROM organizations")[0]["n"] == n
    with open_store(db) as s:
        assert holds_bundled(s)


def test_the_hash_follows_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = Path(cache.__file__).parent
    real = bundled_source_hash()
    copy = tmp_path / "registry"
    shutil.copytree(here / "data", copy / "data")
    for name in cache._CODE:
        shutil.copy(here / name, copy / name)
    monkeypatch.setattr(cache, "_HERE", copy)
    cache.bundled_source_hash.cache_clear()
    try:
        same = cache.bundled_source_hash()
        cache.bundled_source_hash.cache_clear()
        org_file = next((copy / "data" / "organizations").glob("*.yaml"))
        org_file.write_text(org_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        changed = cache.bundled_source_hash()
    finally:
        cache.bundled_source_hash.cache_clear()
    assert same == real and changed != same


def test_metrics_list_loads_no_query_library() -> None:
    # the catalogue's specs only: Ibis, Arrow and DuckDB wait for a metric's evaluation
    loaded = _loaded_after("from openrace.cli import main\nmain(['metrics', 'list', '-f', 'csv'])")
    for lib in ("ibis", "pyarrow", "numpy", "duckdb", "pandas", "httpx", "yaml"):
        assert lib not in loaded, lib


def test_the_catalogue_evaluates_with_the_lazy_ibis(tmp_path: Path) -> None:
    from openrace.metrics import load_catalogue

    db = tmp_path / "s.duckdb"
    open_store(db).close()
    with open_reader(db) as s:
        assert load_catalogue().evaluate("releases", s).num_rows > 0


def test_a_table_to_a_pipe_is_plain_aligned_text(tmp_path: Path) -> None:
    db = tmp_path / "warm.duckdb"
    open_store(db).close()
    env = {"PYTHONPATH": str(REPO_ROOT / "src"), "PATH": "/usr/bin:/bin", "OPENRACE_STORE": str(db)}
    out = subprocess.run(
        [sys.executable, "-m", "openrace", "orgs", "--country", "CN"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.splitlines()
    assert out[0] == "Organisations" and out[1].split()[:4] == ["id", "name", "aliases", "country"]
    assert set(out[2]) <= {"-", " "} and out[-1].endswith(" row(s)")
    assert len(out) == int(out[-1].split()[0]) + 4  # one line per row, nothing wrapped
    assert not any(ch in "".join(out) for ch in "│┃━─")
    header = out[1]
    assert all(
        line[header.index("country") :].split()[0] == "CN"
        for line in out[3:-1]
        if "qwen" in line.split()[0]
    )


def _top_level_names() -> list[str]:
    from typer.main import get_command_name

    from openrace.cli import app

    return sorted([c.name or get_command_name(c.callback.__name__)
                   for c in app.registered_commands if c.callback is not None]
                  + [g.name for g in app.registered_groups if isinstance(g.name, str)])


def test_every_command_is_found_alone() -> None:
    import openrace.cli as cli

    names = _top_level_names()
    assert {"orgs", "releases", "status", "metrics", "update", "registry"} <= set(names)
    for name in names:
        one = cli.only(name)
        assert one is not None, name
        assert len(one.registered_commands) + len(one.registered_groups) == 1
    assert cli.only("orgz") is None and cli.only("--help") is None
    assert len(cli.app.registered_commands) > 1  # the whole app is left as it was


@pytest.mark.parametrize("name", _top_level_names())
def test_a_command_built_alone_answers_as_in_the_whole_app(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `openrace NAME ...` builds only NAME (Typer builds every command's click object on
    # each run); its help, its errors and its output are those of the whole app
    import openrace.cli as cli

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main([name, *args])
        out, err = capsys.readouterr()
        return code, out, err

    alone = [run("--help"), run("--no-such-flag")]
    monkeypatch.setattr(cli, "only", lambda _name: None)
    whole = [run("--help"), run("--no-such-flag")]
    assert alone == whole
    assert alone[0][0] == 0 and alone[1][0] != 0


def test_a_listing_built_alone_prints_what_the_whole_app_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import openrace.cli as cli

    db = tmp_path / "warm.duckdb"
    open_store(db).close()
    args = ["releases", "--country", "CN", "-f", "csv", "--store", str(db)]
    assert cli.main(args) == 0
    alone = capsys.readouterr().out
    monkeypatch.setattr(cli, "only", lambda _name: None)
    assert cli.main(args) == 0
    assert capsys.readouterr().out == alone and alone.count("\n") > 10


def test_a_listing_imports_only_the_command_modules_up_to_its_own(tmp_path: Path) -> None:
    db = tmp_path / "warm.duckdb"
    open_store(db).close()
    probe = ("from openrace.cli import main\nimport sys\n"
             f"assert main(['orgs', '-f', 'csv', '--store', {str(db)!r}]) == 0\n"
             "print(sorted(m for m in sys.modules if m.startswith(('openrace.cli.', "
             "'openrace.sources'))))")
    loaded = run_python(probe).strip().splitlines()[-1]
    assert "openrace.cli.core" in loaded
    for module in ("openrace.cli.hf", "openrace.cli.metrics", "openrace.cli.update",
                   "openrace.sources.hf", "openrace.sources.openalex"):
        assert module not in loaded, module


def test_commands_are_listed_in_one_order_whatever_was_loaded_first() -> None:
    # `openrace papers` imports the modules up to openalex's; the whole app, asked for
    # later in the same process (tests, the reference generator), lists as a fresh one
    listing = ("from openrace.cli import app\nfrom typer.main import get_command\n"
               "g = get_command(app)\nprint(list(g.commands))\n"
               "print(list(g.commands['update'].commands))")
    fresh = run_python(listing)
    for first in ("papers", "update", "models", "status", "orgs"):
        after = run_python(f"import openrace.cli as cli\nassert cli.only({first!r})\n"
                            + listing)
        assert after == fresh, first
    names = fresh.splitlines()
    assert "'update'" in names[0] and "'hf'" in names[1] and "'epoch'" in names[1]


def test_update_alone_holds_every_source() -> None:
    import openrace.cli as cli
    from openrace.sources import SPECS

    one = cli.only("update")
    assert one is not None
    (group,) = one.registered_groups
    assert group.typer_instance is not None
    names = [c.name for c in group.typer_instance.registered_commands]
    assert names == [s.name for s in SPECS if s.cli is not None]
