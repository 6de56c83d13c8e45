"""Openness metrics: how open the open-weight releases are.

Grades come from :mod:`openrace.rules.openness` (computed when the registry is synced): the
Model Openness Framework class (I open science, II open tooling, III open model; releases
without an OSI-approved licence are "ungraded") and whether a release meets the OSI Open
Source AI Definition (weights, training code and data, under an OSI licence).
"""

from __future__ import annotations

from typing import Any

from openrace.metrics.base import Query, Tables, tidy
from openrace.metrics.releases import (
    RELEASE_CAVEATS,
    RELEASES,
    count_units,
    release_units,
    unit_share,
)

_GRADE_CAVEATS = (
    *RELEASE_CAVEATS,
    "Grades are automatic, from the licence class and whether code, data and a paper are "
    "public; they follow the spirit of the Model Openness Framework, not an audit.",
)


#: The release family, with the grades' caveat.
GRADES = RELEASES.derive(caveats=_GRADE_CAVEATS)


@GRADES.count(
    name="release_mof",
    title="Open-weight releases by openness grade",
    description="Open-weight notable releases per Model Openness Framework class (Class I "
    "open science, Class II open tooling, Class III open model; ungraded when the licence is "
    "not OSI-approved).",
    unit="releases",
    dims=("mof_class",),
)
def release_mof(t: Tables, q: Query) -> Any:
    """Open-weight releases per (period, group, MOF class)."""
    dims = ("mof_class",)
    u = release_units(t, q, dims)
    u = u.filter(u.is_open == 1)
    return tidy(count_units(u, q, dims), q, dims)


@GRADES.share(
    name="osaid_share",
    title="Share of open-weight releases meeting the Open Source AI Definition",
    description="Among a group's open-weight notable releases, the share whose weights, "
    "training code and training data are public under an OSI-approved licence.",
)
def osaid_share(t: Tables, q: Query) -> Any:
    """OSAID-conformant open releases / open releases per (period, group)."""
    u = release_units(t, q)
    return unit_share(u.filter(u.is_open == 1), q, "is_osaid")
