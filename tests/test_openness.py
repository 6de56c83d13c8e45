"""Licence classes on real Hub licence ids, SPDX expressions, and the openness grade."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrace.rules.openness import (
    CLASSES,
    Components,
    is_known_license,
    license_class,
    meets_osaid,
    mof_class,
    normalise_license,
    rule_table,
)

# Licence ids as the Hub shows them (the `license:` tags and card `license:` values).
HUB_IDS = {
    "apache-2.0": "osi",
    "mit": "osi",
    "bsd-3-clause": "osi",
    "gpl-3.0": "osi",
    "agpl-3.0": "osi",
    "cc-by-4.0": "osi",
    "cc-by-sa-4.0": "osi",
    "cc0-1.0": "osi",
    "odc-by": "osi",
    "llama2": "open-restricted",
    "llama3": "open-restricted",
    "llama3.1": "open-restricted",
    "llama3.2": "open-restricted",
    "llama3.3": "open-restricted",
    "llama4": "open-restricted",
    "gemma": "open-restricted",
    "openrail": "open-restricted",
    "openrail++": "open-restricted",
    "bigscience-openrail-m": "open-restricted",
    "bigscience-bloom-rail-1.0": "open-restricted",
    "creativeml-openrail-m": "open-restricted",
    "bigcode-openrail-m": "open-restricted",
    "cc-by-nc-4.0": "non-commercial",
    "cc-by-nc-sa-4.0": "non-commercial",
    "cc-by-nc-nd-4.0": "non-commercial",
    "fair-noncommercial-research-license": "non-commercial",
    "deepfloyd-if-license": "research-only",
    "apple-amlr": "research-only",
    "other": "unknown",
    "unknown": "unknown",
}


@pytest.mark.parametrize(("licence", "expected"), sorted(HUB_IDS.items()))
def test_hub_licence_ids(licence: str, expected: str) -> None:
    assert license_class(licence) == expected
    assert license_class(f"license:{licence}") == expected
    assert is_known_license(licence)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("MIT", "osi"),
        ("Apache-2.0", "osi"),
        ("MIT OR Apache-2.0", "osi"),
        ("GPL-2.0-only WITH Classpath-exception-2.0", "osi"),
        ("Apache-2.0 AND CC-BY-NC-4.0", "non-commercial"),
        ("CC-BY-NC-4.0 OR MIT", "osi"),
        ("(MIT AND CC-BY-NC-4.0) OR llama3.1", "open-restricted"),
        ("LicenseRef-custom", "unknown"),
        ("MIT OR no-such-licence", "unknown"),
    ],
)
def test_spdx_expressions(expr: str, expected: str) -> None:
    assert license_class(expr) == expected


def test_spelling_variants_normalise() -> None:
    assert normalise_license("  Apache 2.0 ") == "apache-2.0"
    assert normalise_license("LICENSE:MIT") == "mit"
    assert license_class(None) == "unknown"
    assert license_class("") == "unknown"


@given(st.text(max_size=200))
def test_any_string_gets_a_class(text: str) -> None:
    assert license_class(text) in CLASSES


@given(st.sampled_from(sorted(HUB_IDS)), st.sampled_from(sorted(HUB_IDS)))
def test_or_is_at_least_as_open_as_and(a: str, b: str) -> None:
    rank = {c: i for i, c in enumerate(CLASSES)}
    if "unknown" in (license_class(a), license_class(b)) or "+" in a + b:
        return
    either = license_class(f"{a} OR {b}")
    both = license_class(f"{a} AND {b}")
    if either != "unknown" and both != "unknown":
        assert rank[either] <= rank[both]


@pytest.mark.parametrize(
    ("components", "grade", "osaid"),
    [
        (Components(weights=False, license_class="closed"), None, False),
        (Components(weights=True, license_class="open-restricted", training_code=True,
                    training_data=True, paper=True), None, False),
        (Components(weights=True, license_class="osi"), "III", False),
        (Components(weights=True, license_class="osi", training_code=True), "II", False),
        (Components(weights=True, license_class="osi", training_code=True, paper=True), "II",
         False),
        (Components(weights=True, license_class="osi", training_code=True, training_data=True),
         "II", True),
        (Components(weights=True, license_class="osi", training_code=True, training_data=True,
                    paper=True), "I", True),
    ],
)
def test_mof_grade_and_osaid(components: Components, grade: str | None, osaid: bool) -> None:
    assert mof_class(components) == grade
    assert meets_osaid(components) is osaid


def test_rule_table_covers_every_class_but_closed_is_proprietary() -> None:
    rows = rule_table()
    assert {r["class"] for r in rows} == set(CLASSES)
    assert [r for r in rows if r["class"] == "closed"] == [
        {"license": "proprietary", "class": "closed", "name": "Proprietary (no public weights)"}
    ]
