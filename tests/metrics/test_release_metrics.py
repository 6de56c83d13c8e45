"""Every release metric on the hand-built store, against answers worked out by hand."""

from __future__ import annotations

import pytest

from openrace.errors import UsageError
from openrace.metrics.catalogue import load_catalogue
from openrace.store import Store
from tests.metrics.minidata import ORGS, build_store

CAT = load_catalogue()


def rows(table) -> dict[tuple, float]:  # type: ignore[no-untyped-def]
    """A tidy table as {(key columns...): value}."""
    keys = [c for c in table.column_names if c != "value"]
    return {tuple(r[k] for k in keys): r["value"] for r in table.to_pylist()}


def test_open_releases_by_country_per_year_whole_owner(mini: Store) -> None:
    got = rows(CAT.evaluate("open_releases", mini, by="country", period="year"))
    assert got == {
        ("2022", "CN"): 1,
        ("2022", "US"): 1,
        ("2023", "CN"): 1,
        ("2023", "US"): 1,  # a joint release of two Chinese orgs counts once
        ("2024", "CN"): 1,
        ("2024", "US"): 2,  # uk-sub counts for its US owner
        ("2025", "CN"): 2,
        ("2025", "FR"): 1,
    }


def test_open_releases_location_rule_moves_the_uk_lab(mini: Store) -> None:
    got = rows(CAT.evaluate("open_releases", mini, period="year", country_rule="location"))
    assert got[("2024", "US")] == 1
    assert got[("2024", "GB")] == 1
    assert got[("2024", "CN")] == 1


def test_open_releases_fractional(mini: Store) -> None:
    got = rows(CAT.evaluate("open_releases", mini, period="year", counting="fractional"))
    assert got[("2023", "CN")] == pytest.approx(1.0)  # 0.5 + 0.5, same country
    assert got[("2024", "US")] == pytest.approx(1.5)  # r6 + half of r7
    assert got[("2024", "CN")] == pytest.approx(0.5)
    total = sum(got.values())
    assert total == pytest.approx(9.0)  # fractional counts add up to the number of releases


def test_releases_split_open_closed(mini: Store) -> None:
    got = rows(CAT.evaluate("releases", mini, by="country", period="year"))
    assert got == {
        ("2022", "CN", "open"): 1,
        ("2022", "US", "closed"): 1,
        ("2022", "US", "open"): 1,
        ("2023", "CN", "open"): 1,
        ("2023", "US", "open"): 1,
        ("2024", "CN", "closed"): 1,
        ("2024", "CN", "open"): 1,
        ("2024", "US", "open"): 2,
        ("2025", "CN", "open"): 2,
        ("2025", "FR", "open"): 1,
        ("2025", "US", "closed"): 1,
    }


def test_quarter_and_month_labels(mini: Store) -> None:
    q = rows(CAT.evaluate("releases", mini, by="country", period="quarter"))
    assert q[("2024Q4", "CN", "closed")] == 1  # 2024-12-31 23:30 stays in 2024Q4
    assert q[("2024Q1", "US", "open")] == 1
    assert q[("2025Q2", "CN", "open")] == 1
    m = rows(CAT.evaluate("releases", mini, by="country", period="month"))
    assert m[("2024-12", "CN", "closed")] == 1
    assert m[("2022-03", "US", "closed")] == 1


def test_period_none_and_by_none(mini: Store) -> None:
    t = CAT.evaluate("open_releases", mini, by="none", period="year")
    assert t.column_names == ["period", "group", "value"]
    assert rows(t) == {
        ("2022", "all"): 2,
        ("2023", "all"): 2,
        ("2024", "all"): 2,
        ("2025", "all"): 3,
    }
    t = CAT.evaluate("open_releases", mini, by="country", period="none")
    assert t.column_names == ["group", "value"]
    assert rows(t) == {("CN",): 5, ("US",): 4, ("FR",): 1}


def test_open_share(mini: Store) -> None:
    got = rows(CAT.evaluate("open_share", mini, period="year"))
    assert got[("2022", "US")] == 0.5
    assert got[("2025", "US")] == 0.0
    assert got[("2024", "CN")] == 0.5
    assert got[("2025", "CN")] == 1.0
    frac = rows(CAT.evaluate("open_share", mini, period="year", counting="fractional"))
    assert frac[("2024", "CN")] == pytest.approx(0.5 / 1.5)


def test_license_classes_by_country(mini: Store) -> None:
    got = rows(CAT.evaluate("release_licenses", mini, by="country", period="none"))
    assert got == {
        ("CN", "closed"): 1,
        ("CN", "non-commercial"): 1,
        ("CN", "open-restricted"): 1,
        ("CN", "osi"): 3,
        ("FR", "research-only"): 1,
        ("US", "closed"): 2,
        ("US", "non-commercial"): 1,
        ("US", "open-restricted"): 2,
        ("US", "osi"): 1,
    }


def test_releases_by_org_and_root(mini: Store) -> None:
    got = rows(CAT.evaluate("releases", mini, by="org", period="none"))
    assert got[("us-a", "open")] == 2
    assert got[("us-a", "closed")] == 1
    assert got[("cn-b", "open")] == 3
    assert got[("uk-sub", "open")] == 1
    root = rows(CAT.evaluate("releases", mini, by="org", period="none", org_level="root"))
    assert root[("us-a", "open")] == 3  # uk-sub counted for its parent
    assert ("uk-sub", "open") not in root


def test_releases_by_sector(mini: Store) -> None:
    got = rows(CAT.evaluate("open_releases", mini, by="sector", period="none"))
    assert got == {("academia",): 3, ("industry",): 8}
    frac = rows(
        CAT.evaluate("open_releases", mini, by="sector", period="none", counting="fractional")
    )
    assert frac[("academia",)] == pytest.approx(2.0)
    assert frac[("industry",)] == pytest.approx(7.0)


def test_leading_orgs_carries_name_and_country(mini: Store) -> None:
    t = CAT.evaluate("leading_orgs", mini)
    assert t.column_names == ["group", "name", "country", "access", "value"]
    got = rows(t)
    assert got[("uk-sub", "Org uk-sub", "US", "open")] == 1
    assert got[("cn-a", "Org cn-a", "CN", "open")] == 3
    loc = rows(CAT.evaluate("leading_orgs", mini, country_rule="location"))
    assert loc[("uk-sub", "Org uk-sub", "GB", "open")] == 1


def test_empty_store_has_no_data(store: Store) -> None:
    assert not CAT.has_data("releases", store)
    t = CAT.evaluate("open_releases", store)
    assert t.num_rows == 0
    assert t.column_names == ["period", "group", "value"]


def test_has_data(mini: Store) -> None:
    for name in ("releases", "open_releases", "open_share", "release_licenses", "leading_orgs"):
        assert CAT.has_data(name, mini)


def test_bad_requests_are_usage_errors(mini: Store) -> None:
    with pytest.raises(UsageError, match="did you mean"):
        CAT.evaluate("open_release", mini)
    with pytest.raises(UsageError, match="cannot be grouped"):
        CAT.evaluate("leading_orgs", mini, by="country")
    with pytest.raises(UsageError, match="counting must be one of"):
        CAT.evaluate("open_releases", mini, counting="half")
    with pytest.raises(UsageError, match="no option"):
        CAT.evaluate("open_releases", mini, colour="red")


def test_catalogue_entries_are_complete() -> None:
    for m in CAT:
        d = m.describe()
        assert d["title"] and d["description"] and d["unit"] and d["source"]
        assert m.by_default in m.by and m.period_default in m.periods


def test_releases_without_registry_attribution_are_not_counted() -> None:
    s = build_store(orgs=ORGS)
    s.con.execute(
        "UPDATE attributions SET method = 'affiliation' WHERE artifact_id = 'registry:release:r11'"
    )
    got = rows(CAT.evaluate("open_releases", s, period="year"))
    assert ("2025", "FR") not in got


def test_release_mof_grades(mini: Store) -> None:
    got = rows(CAT.evaluate("release_mof", mini, by="country", period="none"))
    assert got == {
        ("CN", "Class I"): 1,
        ("CN", "Class II"): 1,
        ("CN", "Class III"): 1,
        ("CN", "ungraded"): 2,
        ("FR", "ungraded"): 1,
        ("US", "Class III"): 1,
        ("US", "ungraded"): 3,
    }


def test_osaid_share(mini: Store) -> None:
    got = rows(CAT.evaluate("osaid_share", mini, by="country", period="none"))
    assert got == {("CN",): pytest.approx(0.2), ("US",): 0.0, ("FR",): 0.0}
    year = rows(CAT.evaluate("osaid_share", mini, by="none", period="year"))
    assert year[("2025", "all")] == pytest.approx(1 / 3)
