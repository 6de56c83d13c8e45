"""Openness metrics: how open the open-weight releases are.

Grades come from :mod:`openrace.rules.openness` (computed when the registry is synced): the
Model Openness Framework class (I open science, II open tooling, III open model; releases
without an OSI-approved licence are "ungraded") and whether a release meets the OSI Open
Source AI Definition (weights, training code and data, under an OSI licence).
"""

from __future__ import annotations

from typing import Any

from openrace.metrics.base import Query, Tables, metric, tidy
from openrace.metrics.releases import (
    RELEASE_BY,
    RELEASE_CAVEATS,
    RELEASE_OPTIONS,
    RELEASE_PERIODS,
    count_units,
    group_keys,
    has_releases,
    release_units,
)

_GRADE_CAVEATS = (
    *RELEASE_CAVEATS,
    "Grades are automatic, from the licence class and whether code, data and a paper are "
    "public; they follow the spirit of the Model Openness Framework, not an audit.",
)


@metric(
    name="release_mof",
    title="Open-weight releases by openness grade",
    description="Open-weight notable releases per Model Openness Framework class (Class I "
    "open science, Class II open tooling, Class III open model; ungraded when the licence is "
    "not OSI-approved).",
    unit="releases",
    source="registry",
    by=RELEASE_BY,
    periods=RELEASE_PERIODS,
    options=RELEASE_OPTIONS,
    dims=("mof_class",),
    presence=has_releases,
    update_command="openrace report",
    caveats=_GRADE_CAVEATS,
)
def release_mof(t: Tables, q: Query) -> Any:
    """Open-weight releases per (period, group, MOF class)."""
    dims = ("mof_class",)
    u = release_units(t, q, dims)
    u = u.filter(u.is_open == 1)
    return tidy(count_units(u, q, dims), q, dims)


@metric(
    name="osaid_share",
    title="Share of open-weight releases meeting the Open Source AI Definition",
    description="Among a group's open-weight notable releases, the share whose weights, "
    "training code and training data are public under an OSI-approved licence.",
    unit="share",
    source="registry",
    by=RELEASE_BY,
    periods=RELEASE_PERIODS,
    options=RELEASE_OPTIONS,
    presence=has_releases,
    additive=False,
    update_command="openrace report",
    caveats=_GRADE_CAVEATS,
)
def osaid_share(t: Tables, q: Query) -> Any:
    """OSAID-conformant open releases / open releases per (period, group)."""
    u = release_units(t, q)
    u = u.filter(u.is_open == 1)
    if q.opt("counting") == "whole":
        value = u.is_osaid.cast("float64").sum() / u.count().cast("float64")
    else:
        value = (u.weight * u.is_osaid).sum() / u.weight.sum()
    return tidy(u.group_by(group_keys(q)).aggregate(value=value), q)
