"""The release metrics' Epoch catalogue, China group and dated owner on DuckDB and Spark."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from openrace.metrics.catalogue import load_catalogue
from openrace.metrics.engine import SparkTables, export_parquet
from openrace.store import utcnow
from tests.metrics.minidata import build_store
from tests.metrics.test_spark_engine import same

pytestmark = pytest.mark.spark

CAT = load_catalogue()


def _with_epoch_rows():  # type: ignore[no-untyped-def]
    s = build_store()
    now = utcnow()
    rows = [
        ("Epoch Only HK", ["notable"], "HK", "open-weights"),
        ("Epoch Big (2024)", ["notable", "large-scale"], "US", "api"),
    ]
    s.upsert(
        "artifacts",
        [
            {
                "artifact_id": f"epoch:release:{t}",
                "source": "epoch",
                "kind": "release",
                "source_id": t,
                "title": t,
                "created": datetime(2025, 5, 1),
                "access": acc,
                "tags": tags,
                "first_seen": now,
                "last_seen": now,
            }
            for t, tags, _, acc in rows
        ],
        ["artifact_id"],
    )
    s.insert(
        "attributions",
        [
            {
                "artifact_id": f"epoch:release:{t}",
                "org_id": None,
                "country": c,
                "weight": 1.0,
                "method": "epoch",
                "detail": "epoch organisation X",
            }
            for t, _, c, _ in rows
        ],
    )
    first = s.dicts(
        "SELECT artifact_id, org_id, weight FROM attributions WHERE method = "
        "'registry' AND org_id IS NOT NULL LIMIT 1"
    )[0]
    s.insert(
        "attributions", [{**first, "country": "FI", "method": "owner", "detail": first["org_id"]}]
    )
    return s


def test_release_options_identical_on_duckdb_and_spark(tmp_path: Path, spark_session):  # type: ignore[no-untyped-def]
    s = _with_epoch_rows()
    spark = SparkTables(Path(export_parquet(s, tmp_path / "pq")), session=spark_session)
    variants = [
        {},
        {"catalogue": "epoch"},
        {"catalogue": "registry"},
        {"catalogue": "epoch", "epoch_list": "large-scale"},
        {"china": "mainland"},
        {"country_rule": "location"},
        {"org_level": "root", "by": "org"},
    ]
    for name in ("releases", "open_releases", "open_share"):
        for v in variants:
            opts = {k: x for k, x in v.items() if k != "by"}
            by = v.get("by", "country")
            duck = CAT.evaluate(name, s, by=by, period="year", **opts)
            sp = CAT.evaluate(name, spark, by=by, period="year", **opts)
            assert same(duck, sp), (name, v)
            assert duck.num_rows > 0 or name != "releases", (name, v)
    s.close()
