"""Metric kinds (count, share, measure) and families: what a metric is says how its values
combine, and a family states its shared fields once, so that a new share over releases is
one decorator and one line."""

from __future__ import annotations

from typing import Any

import pytest

from openrace.metrics import KINDS, Catalogue, Family, load_catalogue
from openrace.metrics.base import Metric, Query, Tables
from openrace.metrics.releases import RELEASES, release_units, unit_share
from openrace.store import Store


def _build(t: Tables, q: Query) -> Any:
    raise AssertionError("not evaluated")


def test_every_metric_has_a_kind_and_shares_are_exactly_the_unit_share() -> None:
    cat = load_catalogue()
    for m in cat:
        assert m.kind in KINDS, m.name
        assert (m.kind == "share") == (m.unit == "share"), m.name
        assert m.additive == (m.kind == "count"), m.name
        assert m.describe()["kind"] == m.kind
    kinds = {m.kind for m in cat}
    assert kinds == set(KINDS)


def test_a_kind_must_agree_with_the_unit() -> None:
    common = dict(name="x", title="X", description="d", source="registry", build=_build)
    with pytest.raises(ValueError, match="unknown kind"):
        Metric(unit="releases", kind="average", **common)
    with pytest.raises(ValueError, match="a share has unit 'share'"):
        Metric(unit="releases", kind="share", **common)
    with pytest.raises(ValueError, match="a share has unit 'share'"):
        Metric(unit="share", kind="count", **common)
    assert not Metric(unit="months", kind="measure", **common).additive


def test_a_family_refuses_what_is_not_a_metric_field() -> None:
    with pytest.raises(ValueError, match="not fields of a metric: colour"):
        Family(source="registry", colour="red")
    with pytest.raises(ValueError, match="not fields of a metric: build"):
        Family(build=_build)


def test_a_family_member_may_override_a_shared_field() -> None:
    cat = Catalogue()
    fam = Family(source="registry", by=("country", "none"), periods=("year",))

    @fam.count(cat, name="n", title="N", description="d", unit="releases", periods=("none",))
    def _n(t: Tables, q: Query) -> Any: ...

    m = cat.get("n")
    assert (m.source, m.by, m.periods, m.kind) == ("registry", ("country", "none"), ("none",),
                                                   "count")
    assert fam.derive(by=("org",)).fields == {"source": "registry", "by": ("org",),
                                              "periods": ("year",)}


def test_a_new_share_of_releases_is_one_decorator_and_one_line(mini: Store) -> None:
    # the share of releases that are NOT open, written as a user adding a metric would
    cat = Catalogue()

    @RELEASES.share(cat, name="closed_share_test", title="Closed share",
                    description="The share of a group's releases without open weights.")
    def closed_share(t: Tables, q: Query) -> Any:
        u = release_units(t, q)
        return unit_share(u.mutate(is_closed=1 - u.is_open), q, "is_closed")

    m = cat.get("closed_share_test")
    assert (m.kind, m.unit, m.additive, m.source) == ("share", "share", False, "registry")
    assert m.options == load_catalogue().get("open_share").options
    closed = cat.evaluate("closed_share_test", mini, by="country", period="year")
    opened = load_catalogue().evaluate("open_share", mini, by="country", period="year")
    got = {(r["period"], r["group"]): r["value"] for r in closed.to_pylist()}
    want = {(r["period"], r["group"]): 1 - r["value"] for r in opened.to_pylist()}
    assert got.keys() == want.keys() and got
    assert all(abs(got[k] - want[k]) < 1e-12 for k in got)
