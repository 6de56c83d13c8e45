"""Affiliation attributions: whole and fractional counting, the registry link, the contract
with a real OpenAlex work, and the bulk (DuckDB) path agreeing with the per-work one."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openrace.rules.affiliation import (
    OrgIndex,
    country_weights,
    flatten,
    fractional_weight_batches,
    fractional_weights,
    institution_type,
    work_attributions,
)
from openrace.sources.openalex import BadRecord, parse_work
from tests.openalex.conftest import ORGS, PATTERNS
from tests.openalex.fakealex import make_author, make_institution, make_work

# the repository root is parents[2]; the shared reference sits beside it
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "openalex"
INDEX = OrgIndex.from_rows([{"id": o[0], "openalex_id": o[6], "ror": o[7]} for o in ORGS])


def test_contract_real_work_nine_authorships() -> None:
    path = REFERENCE / "W2741809807.json"
    if not path.exists():
        pytest.skip("shared reference data not present")
    raw = json.loads(path.read_text())
    w = parse_work(raw)
    assert w.id == "W2741809807" and len(w.authorships) == 9
    assert w.cited_by_count == raw["cited_by_count"] and w.year == 2018
    rows = work_attributions(w)
    assert {r["method"] for r in rows} == {"affiliation"}
    assert sum(r["weight"] for r in rows) == pytest.approx(1.0, abs=1e-12)
    # five authors in the United States, four in Canada (one Canadian author's second
    # institution has no country code: the author's own single country is used)
    cw = country_weights(rows)
    assert cw == {"US": pytest.approx(5 / 9), "CA": pytest.approx(4 / 9)}
    # each author's 1/9 is split over their institutions
    by_inst = {r["detail"].split(" ")[1]: r["weight"] for r in rows}
    assert by_inst["I4210166736"] == pytest.approx(2 / 9)   # Impactstory: two authors
    assert by_inst["I201448701"] == pytest.approx(3 / 18)   # three authors, half each
    assert by_inst["I4387153203"] == pytest.approx(1 / 18)  # no country_code of its own
    assert [r["country"] for r in rows if "I4387153203" in r["detail"]] == ["CA"]
    assert institution_type(next(r["detail"] for r in rows if "I4210166736" in r["detail"])) \
        == "company"
    # whole counting: the work counts once for each country
    assert sorted({r["country"] for r in rows}) == ["CA", "US"]


def test_fractional_split_and_registry_link() -> None:
    w = parse_work(make_work(1, 2024, 10, PATTERNS[2]))  # Tsinghua; MIT + Google
    rows = work_attributions(w, INDEX)
    got = {(r["org_id"], r["country"]): r["weight"] for r in rows}
    assert got == {("tsinghua-university", "CN"): 0.5, (None, "US"): 0.25, ("google", "US"): 0.25}
    # DeepMind is matched to Google through its OpenAlex lineage
    w3 = parse_work(make_work(2, 2024, 10, PATTERNS[3]))
    assert {r["org_id"] for r in work_attributions(w3, INDEX)} == {"google", None}


def test_no_affiliation_is_unattributed() -> None:
    w = parse_work(make_work(3, 2024, 1, PATTERNS[5]))
    assert work_attributions(w) == [{"artifact_id": "openalex:work:W3", "org_id": None,
                                     "country": None, "weight": 1.0, "method": "unattributed",
                                     "detail": "no affiliation"}]


def test_author_without_institution_keeps_an_unknown_share() -> None:
    authors = [make_author("x", [make_institution("I1", "FR")]), make_author("y", [], [])]
    rows = work_attributions(parse_work(make_work(4, 2024, 1, authors)))
    assert country_weights(rows) == {"FR": 0.5, None: 0.5}


@pytest.mark.parametrize("mutate, reason", [
    (lambda w: w.update(id="not-an-id"), "work id"),
    (lambda w: w.update(cited_by_count=-1), "cited_by_count"),
    (lambda w: w.update(publication_date="yesterday"), "publication_date"),
    (lambda w: w.update(authorships="x"), "authorships"),
    (lambda w: w["authorships"][0].update(countries=["USA1"]), "country"),
])
def test_malformed_work_is_a_bad_record(mutate, reason) -> None:  # type: ignore[no-untyped-def]
    raw = json.loads(json.dumps(make_work(5, 2024, 1, PATTERNS[0])))
    mutate(raw)
    with pytest.raises(BadRecord, match=reason):
        parse_work(raw)


COUNTRIES = st.sampled_from(["US", "CN", "GB", None])
INSTITUTION = st.builds(
    lambda n, c, t: make_institution(f"I{n}", c, t),
    st.integers(1, 6), COUNTRIES, st.sampled_from(["company", "education", "government"]))
AUTHOR = st.builds(
    lambda insts, cs: make_author("a", insts, cs),
    st.lists(INSTITUTION, max_size=3), st.lists(st.sampled_from(["US", "CN", "FR"]), max_size=2,
                                                unique=True))
WORKS = st.lists(st.lists(AUTHOR, min_size=0, max_size=5), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(WORKS, st.integers(1, 7))
def test_bulk_weights_equal_per_work_weights(authorlists, batch_size) -> None:  # type: ignore[no-untyped-def]
    works = [parse_work(make_work(i + 1, 2024, 1, a)) for i, a in enumerate(authorlists)]
    per_work: dict[tuple, Fraction] = {}
    for w in works:
        for r in work_attributions(w):
            if r["method"] == "affiliation":
                per_work[(w.id, r["country"], r["detail"])] = r["weight"]
        assert sum(r["weight"] for r in work_attributions(w)) == pytest.approx(1.0)
    long = [row for w in works for row in flatten(w)
            if any(r["method"] == "affiliation" for r in work_attributions(w))]
    table = pa.table({
        "work_id": pa.array([r[0] for r in long], pa.string()),
        "author_idx": pa.array([r[1] for r in long], pa.int32()),
        "org_id": pa.array([r[2] for r in long], pa.string()),
        "country": pa.array([r[3] for r in long], pa.string()),
        "detail": pa.array([r[4] for r in long], pa.string()),
    })
    con = duckdb.connect()
    con.register("long_rows", table)
    sql = ("SELECT work_id, country, detail, sum(weight) FROM ({}) "
           "GROUP BY work_id, country, detail")
    bulk = {(r[0], r[1], r[2]): r[3] for r in con.sql(sql.format(
        fractional_weights(con, "long_rows").sql_query())).fetchall()}
    assert bulk.keys() == per_work.keys()
    for k, v in per_work.items():
        assert bulk[k] == pytest.approx(v)
    # the streaming path, with batches small enough to cut works in two
    streamed: dict[tuple, float] = {}
    for batch in fractional_weight_batches(table.to_batches(max_chunksize=batch_size)):
        for r in batch.to_pylist():
            key = (r["work_id"], r["country"], r["detail"])
            streamed[key] = streamed.get(key, 0.0) + r["weight"]
    assert streamed.keys() == per_work.keys()
    for k, v in per_work.items():
        assert streamed[k] == pytest.approx(v)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["id", "country_code", "type", "countries",
                                       "institutions", "author", "lineage", "ror"]),
                      children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "id": st.sampled_from(["https://openalex.org/W1", "W2", "nope"]) | JSON,
    "cited_by_count": JSON, "publication_year": JSON, "publication_date": JSON,
    "authorships": st.lists(JSON, max_size=3) | JSON, "doi": JSON, "display_name": JSON,
    "primary_topic": JSON, "fwci": JSON,
}))
def test_any_record_parses_or_is_a_bad_record(raw) -> None:  # type: ignore[no-untyped-def]
    try:
        w = parse_work(raw)
    except BadRecord:
        return
    rows = work_attributions(w)
    assert sum(r["weight"] for r in rows) == pytest.approx(1.0)


FIELD = st.sampled_from(["id", "country_code", "type", "ror", "lineage", "display_name"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(FIELD, JSON, max_size=6), max_size=3),
       st.lists(st.text(max_size=3) | JSON, max_size=3))
def test_any_institution_parses_or_is_a_bad_record(insts, countries) -> None:  # type: ignore[no-untyped-def]
    raw = make_work(9, 2024, 1, [])
    raw["authorships"] = [{"author": {"id": "A1"}, "institutions": insts,
                           "countries": countries}]
    try:
        w = parse_work(raw)
    except BadRecord:
        return
    assert sum(r["weight"] for r in work_attributions(w, INDEX)) == pytest.approx(1.0)
