"""``openrace metrics list|show`` and ``openrace claims`` from a fresh store (bundled data)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from openrace.api import open_store
from openrace.cli import main
from openrace.cli.metrics import parse_options
from openrace.errors import UsageError
from openrace.metrics.catalogue import load_catalogue


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_metrics_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["metrics", "list", "--format", "json"], capsys)
    assert code == 0
    names = [r["name"] for r in json.loads(out)]
    assert names == load_catalogue().names()
    for n in ("releases", "open_releases", "open_share", "release_licenses", "leading_orgs"):
        assert n in names


def test_metrics_show_matches_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "metrics",
            "show",
            "open_releases",
            "--by",
            "country",
            "--period",
            "year",
            "-o",
            "counting=fractional",
            "--format",
            "csv",
        ],
        capsys,
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["period", "group", "value"]
    with open_store() as s:
        expected = (
            load_catalogue()
            .evaluate("open_releases", s, by="country", period="year", counting="fractional")
            .to_pylist()
        )
    assert len(rows) == len(expected) > 10
    for got, exp in zip(rows, expected, strict=True):
        assert got["period"] == exp["period"] and got["group"] == exp["group"]
        assert float(got["value"]) == pytest.approx(exp["value"], rel=1e-5)


def test_metrics_show_quarter_json_and_definition(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["metrics", "show", "releases", "--period", "quarter", "--format", "json"], capsys
    )
    assert code == 0
    rows = json.loads(out)
    assert {r["access"] for r in rows} == {"open", "closed"}
    assert all("Q" in r["period"] for r in rows)
    code, out, _ = run(["metrics", "show", "open_share", "--definition"], capsys)
    assert code == 0
    assert "unit: share" in out and "option counting" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["metrics", "show", "open_releasez"], "unknown metric 'open_releasez'; did you mean"),
        (["metrics", "show", "leading_orgs", "--by", "country"], "cannot be grouped by"),
        (["metrics", "show", "releases", "--period", "decade"], "has no period 'decade'"),
        (["metrics", "show", "releases", "-o", "counting=half"], "counting must be one of"),
        (["metrics", "show", "releases", "-o", "counting"], "--option expects KEY=VALUE"),
        (["claims", "--id", "no-such-claim"], "no claim with id"),
    ],
)
def test_bad_requests_are_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(args, capsys)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_parse_options() -> None:
    assert parse_options(["a=b", " c = d "]) == {"a": "b", "c": "d"}
    assert parse_options(None) == {}
    with pytest.raises(UsageError):
        parse_options(["=x"])


def test_claims_from_a_fresh_store(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["claims", "--format", "json"], capsys)
    assert code == 0
    results = {r["id"]: r for r in json.loads(out)}
    assert len(results) >= 6
    for r in results.values():  # every bundled claim says who made it
        assert r["said_by"] and all(s["who"] and s["link"] for s in r["said_by"]), r["id"]
    for cid in ("cn-more-open-releases-2025", "us-open-share-fell-cn-rose"):
        r = results[cid]
        assert r["verdict"] in ("supported", "contradicted"), r
        assert r["robustness"] in ("robust", "depends on definition")
        assert r["evidence"] and r["alternatives"]
    # nothing harvested: the Hub and OpenAlex claims cannot be decided
    for cid in (
        "cn-overtook-us-downloads-2025",
        "most-derivatives-build-on-cn-roots-2025",
        "cn-companies-more-top-cited-papers",
        "cn-more-ai-papers",
    ):
        assert results[cid]["verdict"] == "insufficient data"


def test_claims_table_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["claims"], capsys)
    assert code == 0
    assert "verdict:" in out and "robustness:" in out and "insufficient data" in out
    assert "said by: Andy Konwinski" in out and "Cerebral Valley AI Summit" in out
    code, out, _ = run(["claims", "--format", "csv", "--id", "cn-more-open-releases-2025"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["definition"] == "as stated"
    assert {r["id"] for r in rows} == {"cn-more-open-releases-2025"}
    assert len(rows) >= 5


def test_claims_with_a_broken_user_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text(
        "- id: x\n  text: t\n  test: compare\n  metric: open_releases\n  a: CN\n", encoding="utf-8"
    )
    code, _, err = run(["claims", "--file", str(p)], capsys)
    assert code == 2
    assert f"{p}:1: a compare claim needs b" in err
