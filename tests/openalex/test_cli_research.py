"""The research commands end to end against the fake OpenAlex."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openrace.cli import main
from openrace.store import Store
from tests.openalex.fakealex import FakeAlex, FakeAlexServer


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


UPDATE = ["update", "openalex", "--from", "2022", "--to", "2024", "--top", "5"]


def test_update_then_papers(server: FakeAlexServer, alex: FakeAlex, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENALEX_ENDPOINT", server.url)
    monkeypatch.setenv("OPENALEX_API_KEY", "k-123")
    alex.api_key = "k-123"
    db = tmp_path / "s.duckdb"
    code, out, err = _run([*UPDATE, "--store", str(db), "--format", "json"], capsys)
    assert code == 0, err
    parts = {r["part"]: r for r in json.loads(out)}
    assert parts["aggregates"]["requests"] == 15 and parts["works"]["stored"] == 15
    assert parts["links"]["stored"] == 0
    code, out, err = _run(["papers", "--store", str(db), "--format", "json", "--year", "2023",
                           "--company", "--country", "CN"], capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all(r["company"] and "CN" in r["countries"] for r in rows)
    assert [r["cited_by_count"] for r in rows] == sorted((r["cited_by_count"] for r in rows),
                                                          reverse=True)
    # the bundled registry links Tsinghua University by its OpenAlex id
    code, out, _ = _run(["papers", "--store", str(db), "--format", "json", "--org",
                         "tsinghua-university"], capsys)
    assert code == 0 and len(json.loads(out)) == 6  # two of the top five each year
    with Store(db, read_only=True) as s:
        assert "k-123" not in json.dumps(s.dicts("SELECT * FROM harvest_runs"), default=str)


def test_unreachable_api_is_one_line_and_non_zero(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([*UPDATE, "--store", str(tmp_path / "s.duckdb")], capsys)
    assert code == 4
    assert err.strip().count("\n") == 0
    assert err.startswith("error: cannot reach OpenAlex at http://127.0.0.1:9")


def test_daily_allowance_stops_then_resumes(server: FakeAlexServer, alex: FakeAlex,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENALEX_ENDPOINT", server.url)
    monkeypatch.setenv("OPENALEX_API_KEY", "k-123")
    db = tmp_path / "s.duckdb"
    alex.budget = 6
    code, _, err = _run([*UPDATE, "--store", str(db), "--no-links"], capsys)
    assert code == 4 and "daily allowance is spent" in err and "resume" in err
    alex.budget = None
    code, out, err = _run([*UPDATE, "--store", str(db), "--no-links"], capsys)
    assert code == 0, err
    assert "aggregates resumed and finished" in out
    with Store(db, read_only=True) as s:
        dup = s.dicts("SELECT measure, period, country, segment, count(*) n FROM aggregates "
                      "GROUP BY ALL HAVING n > 1")
        assert dup == []
        assert s.counts()["artifacts"] >= 15


def test_bad_flags_are_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run([*UPDATE, "--selection", "everything", "--store",
                         str(tmp_path / "s.duckdb")], capsys)
    assert code == 2 and "--selection must be one of primary, broad" in err
    code, _, err = _run(["papers", "--sort", "nope", "--store", str(tmp_path / "s.duckdb")],
                        capsys)
    assert code != 0


def test_update_then_report_shows_research(server: FakeAlexServer, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENALEX_ENDPOINT", server.url)
    db = tmp_path / "s.duckdb"
    code, _, err = _run([*UPDATE, "--store", str(db)], capsys)
    assert code == 0, err
    code, out, err = _run(["report", "--store", str(db), "--out", str(tmp_path / "r")], capsys)
    assert code == 0, err
    html = (tmp_path / "r" / "index.html").read_text()
    assert 'id="research"' in html and "OpenAlex lists 12 AI works" in html
    assert (tmp_path / "r" / "data" / "ai-papers-by-country.csv").exists()
    empty = out.split("no data yet for:", 1)[1].split("(")[0] if "no data yet" in out else ""
    assert "research" not in empty


def test_public_api_without_key_is_refused_before_any_call(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENALEX_ENDPOINT", raising=False)
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    db = tmp_path / "s.duckdb"
    code, _, err = _run([*UPDATE, "--store", str(db)], capsys)
    assert code == 4 and err.count("\n") == 1
    assert "API key" in err and "https://openalex.org/settings/api" in err
    assert "OPENALEX_API_KEY" in err
    assert not db.exists()  # refused before anything, the store included


def test_dry_run_prints_the_plan_and_spends_nothing(
        server: FakeAlexServer, alex: FakeAlex, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENALEX_ENDPOINT", server.url)
    monkeypatch.setenv("OPENALEX_API_KEY", "k-123")
    db = tmp_path / "s.duckdb"
    code, out, err = _run([*UPDATE, "--store", str(db), "--dry-run", "--format", "json"],
                          capsys)
    assert code == 0, err
    p = json.loads(out)[0]
    parts = {r["part"]: r["calls"] for r in p["parts"]}
    # works: 3 years x 1 page of up to 100; aggregates: a year 1 group_by of up to 3 pages
    # and 3 world counts, + the pair, + 2 for China incl. Hong Kong; sectors: 30 countries x
    # (3 sectors x 3 calls + 1), + 1
    assert parts["works"] == 3 and parts["aggregates"] == 3 * (3 + 3) + 1 + 2
    assert parts["sectors"] == 1 + 30 * (3 * 3 + 1) and parts["links"] == 0
    assert p["usd"] == pytest.approx(p["calls"] * 0.0001)
    assert p["allowance_usd"] == 1.0 and not p["refused"]
    assert alex.requests == 0
    code, out, _ = _run([*UPDATE, "--store", str(db), "--dry-run"], capsys)
    assert code == 0 and out.startswith("plan: at most 325 list calls, $0.0325 of a free "
                                        "key's $1.00 a day (3.2%)")
    assert alex.requests == 0


def test_dry_run_without_key_says_the_run_would_be_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENALEX_ENDPOINT", raising=False)
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    code, out, _ = _run([*UPDATE, "--store", str(tmp_path / "s.duckdb"), "--dry-run"], capsys)
    assert code == 0 and "would be refused" in out and "settings/api" in out


def test_dry_run_after_a_stop_counts_what_is_left(
        server: FakeAlexServer, alex: FakeAlex, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENALEX_ENDPOINT", server.url)
    monkeypatch.setenv("OPENALEX_API_KEY", "k-123")
    db = tmp_path / "s.duckdb"
    alex.budget = 5
    only = ["--no-links", "--no-works", "--no-sectors"]
    code, _, err = _run([*UPDATE, "--store", str(db), *only], capsys)
    assert code == 4 and "daily allowance is spent" in err
    assert alex.requests == 6  # five answered, the sixth refused and not retried
    code, out, _ = _run([*UPDATE, "--store", str(db), *only, "--dry-run", "--format", "json"],
                        capsys)
    # left: 2023's three world counts, 2024's group_by (up to 3 pages) and counts, the pair,
    # China incl. Hong Kong (2)
    assert json.loads(out)[0]["calls"] == 3 + (3 + 3) + 1 + 2


def test_retries_0_is_accepted_and_means_one_attempt(
        server: FakeAlexServer, alex: FakeAlex, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.openalex.fakealex import Fault

    monkeypatch.setenv("OPENALEX_ENDPOINT", server.url)
    alex.fault_fn = lambda n: Fault(503)
    code, _, err = _run([*UPDATE, "--store", str(tmp_path / "s.duckdb"), "--retries", "0"],
                        capsys)
    assert code == 4 and "after 0 retries" in err and alex.requests == 1
    code, _, err = _run([*UPDATE, "--store", str(tmp_path / "s.duckdb"), "--retries", "-1"],
                        capsys)
    assert code == 2 and "--retries must be 0 or more" in err
    code, _, err = _run([*UPDATE, "--store", str(tmp_path / "s.duckdb"),
                         "--requests-per-second", "-1"], capsys)
    assert code == 2 and "--requests-per-second" in err


def test_a_truncated_page_does_not_abort_the_run(
        server: FakeAlexServer, alex: FakeAlex, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.openalex.fakealex import Fault

    monkeypatch.setenv("OPENALEX_ENDPOINT", server.url)
    alex.faults[4] = Fault(200, b'{"meta": {"count": 12}, "group_by": [{"key": "https://op')
    alex.faults[20] = Fault(200, b'{"meta": {"count": 12, "next_cursor": null}, "resul')
    code, _, err = _run([*UPDATE, "--store", str(tmp_path / "s.duckdb"), "--no-links"],
                          capsys)
    assert code == 0, err
    assert all("per_page=100" in p or "per_page=50" in p or "per_page=1&" in p
               or "per_page=5" in p for p in alex.seen if "per_page" in p)


def test_company_papers_by_country_equal_the_hand_counted_truth(
        server: FakeAlexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from tests.openalex.test_harvest import HAND_COUNTED

    monkeypatch.setenv("OPENALEX_ENDPOINT", server.url)
    db = tmp_path / "s.duckdb"
    code, _, err = _run([*UPDATE, "--store", str(db), "--no-works", "--no-links"], capsys)
    assert code == 0, err
    for segment in ("company", "education", "government"):
        code, out, err = _run(["metrics", "show", "ai_papers", "-o", f"segment={segment}",
                               "--by", "country", "--store", str(db), "--format", "json"],
                              capsys)
        assert code == 0, err
        got = {(r["period"], r["group"]): r["value"] for r in json.loads(out) if r["value"]}
        truth = {(str(y), c): n for (s, c), n in HAND_COUNTED.items() if s == segment
                 for y in (2022, 2023, 2024)}
        assert got == truth, segment
