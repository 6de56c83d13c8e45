"""Institutions classified by what they are: the rule, the ROR dump, the reference records."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from openrace.errors import UsageError
from openrace.rules.sectors import RorIndex, classify
from openrace.sources.openalex import parse_work

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"


def _reference(*parts: str) -> dict:
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip("no ../shared/reference next to the repository")
    return json.loads(path.read_text())


@pytest.mark.parametrize(
    ("args", "want"),
    [
        (("company",), ("company", "openalex")),
        (("funder",), ("other", "openalex")),
        ((None,), ("other", "openalex")),
        (("funder", ["education", "funder"]), ("education", "ror")),
        (("education", ["funder"]), ("other", "ror")),
        (("education", ["company"], "academia"), ("education", "registry")),
        (("company", [], "industry"), ("company", "registry")),
        (("nonprofit", ["healthcare", "education"]), ("education", "ror")),
    ],
)
def test_registry_then_ror_then_openalex(args: tuple, want: tuple[str, str]) -> None:
    assert classify(*args) == want


def test_ror_dump_forms(tmp_path: Path) -> None:
    es = _reference("ror", "ror_v2_search_response.json")
    records = [h["_source"] for h in es["hits"]["hits"]]
    plain = tmp_path / "v2.json"
    plain.write_text(json.dumps(records))
    zipped = tmp_path / "dump.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("v1.99-ror-data.json", "[]")
        z.writestr("v1.99-ror-data_schema_v2.json", json.dumps(records))
    for path in (plain, zipped, tmp_path / "es.json"):
        if path.name == "es.json":
            path.write_text(json.dumps(es))
        idx = RorIndex.from_dump(path)
        assert len(idx) == 20
        assert idx.types_of("https://ror.org/02bfwt286") == ("education",)
        assert idx.countries["02bfwt286"] == "AU"
    bad = tmp_path / "bad.json"
    bad.write_text('{"nope": 1}')
    with pytest.raises(UsageError, match="not a ROR data dump"):
        RorIndex.from_dump(bad)
    with pytest.raises(UsageError, match="cannot read"):
        RorIndex.from_dump(tmp_path / "missing.json")


def test_reference_universities_are_education_in_ror_though_funders() -> None:
    es = _reference("ror", "ror_v2_search_response.json")
    records = [h["_source"] for h in es["hits"]["hits"]]
    assert all(r["types"] == ["education"] for r in records)
    assert all(any(e["type"] == "fundref" for e in r["external_ids"]) for r in records)


def test_measured_on_the_reference_work() -> None:
    """The figures of docs/methodology.md ("Sector of an institution")."""
    w = parse_work(_reference("openalex", "W2741809807.json"))
    links = [i for a in w.authorships for i in a.institutions]
    assert len(w.authorships) == 9 and len(links) == 15
    assert Counter(i.type for i in links) == {"funder": 9, "education": 3, "company": 2, "other": 1}
    by_type = Counter(classify(i.type)[0] for i in links)
    assert by_type == {"other": 10, "education": 3, "company": 2}
    funder_authorships = [
        a for a in w.authorships if any(i.type == "funder" for i in a.institutions)
    ]
    assert len(funder_authorships) == 7
    # with ROR typing these universities as it types the reference ones (education)
    ror = RorIndex.from_records(
        [{"id": i.ror, "types": ["education"]} for i in links if i.type == "funder"]
    )

    def shares(types_of) -> Counter:  # type: ignore[no-untyped-def]
        out: Counter = Counter()
        for a in w.authorships:  # each authorship split over its institutions
            for i in a.institutions:
                out[classify(i.type, types_of(i))[0]] += 1 / len(a.institutions)
        return out

    by_type, by_ror = shares(lambda i: ()), shares(lambda i: ror.types_of(i.ror))
    assert by_type == {
        "education": pytest.approx(1.5),
        "other": pytest.approx(5.5),
        "company": pytest.approx(2),
    }
    assert by_ror == {
        "education": pytest.approx(6.5),
        "other": pytest.approx(0.5),
        "company": pytest.approx(2),
    }
    changed = [
        a
        for a in w.authorships
        if [classify(i.type)[0] for i in a.institutions]
        != [classify(i.type, ror.types_of(i.ror))[0] for i in a.institutions]
    ]
    assert len(changed) == 7
