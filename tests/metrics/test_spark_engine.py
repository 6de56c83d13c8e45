"""The same catalogue on DuckDB and on Spark (local mode) gives identical tables."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from openrace.claims import check_claims
from openrace.metrics.catalogue import load_catalogue
from openrace.metrics.engine import SparkTables, export_parquet
from openrace.store import Store
from tests.capability.capdata import ACCESS_ROWS, add_results
from tests.metrics.minidata import add_hub_and_papers, build_store

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, spark_session):  # type: ignore[no-untyped-def]
    """The hand-built store on DuckDB and the same tables on Spark."""
    s = build_store()
    add_hub_and_papers(s)
    add_results(s, ACCESS_ROWS)  # the capability metrics' crafted benchmark results
    parquet = export_parquet(s, tmp_path_factory.mktemp("parquet"))
    yield s, SparkTables(Path(parquet), session=spark_session)
    s.close()


def variants(m) -> list[dict[str, str | None]]:  # type: ignore[no-untyped-def]
    """Every grouping and every period of a metric (paired up, so that each appears at
    least once in as few queries as possible: a Spark query costs about half a second),
    and all its options at a non-default choice at once."""
    bys: list[str | None] = list(m.by) or [None]
    periods: list[str | None] = [p for p in m.periods if p != m.period_default] or [None]
    n = max(len(bys), len(periods))
    out: list[dict[str, str | None]] = [
        {"by": bys[i % len(bys)], "period": periods[i % len(periods)]} for i in range(n)
    ]
    other = {
        o.name: next(c for c in o.choices if c != o.default)
        for o in m.options
        if len(o.choices) > 1
    }
    if other:
        out.append({"by": None, "period": None, **other})
    return out


def same(a: pa.Table, b: pa.Table) -> bool:
    if a.schema != b.schema or a.num_rows != b.num_rows:
        return False
    for name in a.column_names:
        x, y = a.column(name).to_pylist(), b.column(name).to_pylist()
        if name == "value":
            if any(
                abs((p or 0.0) - (q or 0.0)) > 1e-9 * max(1.0, abs(p or 0.0))
                for p, q in zip(x, y, strict=True)
            ):
                return False
        elif x != y:
            return False
    return True


def test_whole_catalogue_identical_on_duckdb_and_spark(stores) -> None:  # type: ignore[no-untyped-def]
    duck, spark = stores
    cat = load_catalogue()
    checked = 0
    for m in cat:
        for v in variants(m):
            kw = {k: x for k, x in v.items() if x is not None}
            d = cat.evaluate(m.name, duck, **kw)
            s = cat.evaluate(m.name, spark, **kw)
            assert same(d, s), f"{m.name} {kw}:\nduckdb {d.to_pylist()}\nspark {s.to_pylist()}"
            checked += 1
    assert checked >= 2 * len(cat)
    # the release metrics have rows here, so the comparison is not between empty tables
    assert cat.evaluate("open_releases", spark).num_rows == 8


def test_presence_on_spark(stores) -> None:  # type: ignore[no-untyped-def]
    duck, spark = stores
    cat = load_catalogue()
    for m in cat:
        assert cat.has_data(m.name, duck) == cat.has_data(m.name, spark), m.name


def test_claims_identical_on_spark(stores) -> None:  # type: ignore[no-untyped-def]
    duck, spark = stores
    d = [r.to_dict() for r in check_claims(duck)]
    s = [r.to_dict() for r in check_claims(spark)]
    assert d == s


def test_spark_engine_on_an_empty_store(tmp_path: Path, spark_session) -> None:  # type: ignore[no-untyped-def]
    s = Store(":memory:")
    spark = SparkTables(export_parquet(s, tmp_path), session=spark_session)
    t = load_catalogue().evaluate("open_releases", spark)
    assert t.num_rows == 0 and t.column_names == ["period", "group", "value"]
    assert not load_catalogue().has_data("releases", spark)


def test_cli_engine_spark_matches_duckdb(
    tmp_path: Path,
    spark_session,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from openrace.cli import main

    args = ["metrics", "show", "open_share", "--period", "year", "--format", "json"]
    assert main(args) == 0
    duck = json.loads(capsys.readouterr().out)
    assert main([*args, "--engine", "spark", "--spark-data", str(tmp_path / "pq")]) == 0
    spark = json.loads(capsys.readouterr().out)
    assert (tmp_path / "pq" / "artifacts.parquet").exists()
    assert len(duck) == len(spark) > 10
    for d, s in zip(duck, spark, strict=True):
        assert (d["period"], d["group"]) == (s["period"], s["group"])
        assert abs(d["value"] - s["value"]) < 1e-9
