"""Typed claims: a comparison of two groups on a catalogue metric, with alternatives.

A claim names a ``test``:

``compare``
    A's value is greater than B's in period ``at`` (``latest``: the last period with data;
    ``previous``: the one before it);
``trend``
    from period ``start`` to period ``end`` A's value moved in direction ``a_change`` and B's
    in direction ``b_change`` (``up`` or ``down``); without B, only A's move is tested;
``crossover``
    A's value caught up with B's (see :mod:`openrace.metrics.crossover`) in a period that
    falls within ``within`` (e.g. ``2025`` for any month or quarter of 2025) and stayed
    ahead for ``n`` periods;
``share``
    A's share of the total over all groups in period ``at`` is above ``threshold``
    (``0.5``: "most"); with ``threshold: null`` it must be the largest group instead;
``value``
    A's value in period ``at`` (``latest``: A's own last period with a value) lies between
    ``low`` and ``high`` (either may be left out),
    e.g. a lag in months "under six" (``high: 6``) or "about a year" (``low: 9, high: 15``).

Each alternative definition overrides some of the claim's fields (metric, options, where,
period, at, start, end, window, threshold, ...), e.g. fractional instead of whole counting.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Test = Literal["compare", "trend", "crossover", "share", "value"]
Change = Literal["up", "down"]
Window = Literal["calendar", "rolling"]

_ID = r"^[a-z0-9][a-z0-9-]*$"


class Definition(BaseModel):
    """The measurable part of a claim; alternatives override some of these fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test: Test | None = None
    metric: str | None = None
    by: Literal["country", "org", "sector", "access"] | None = None
    period: Literal["month", "quarter", "year"] | None = None
    options: dict[str, str] = Field(default_factory=dict)
    #: keep only rows whose dimension columns have these values (e.g. access: open)
    where: dict[str, str] = Field(default_factory=dict)
    at: str | None = None
    start: str | None = None
    end: str | None = None
    within: str | None = None
    n: int | None = Field(default=None, ge=1)
    a_change: Change | None = None
    b_change: Change | None = None
    threshold: float | None = Field(default=None, gt=0, lt=1)
    #: calendar periods, or the trailing four quarters ending at the latest quarter with data
    window: Window | None = None
    #: bounds of a ``value`` test (inclusive)
    low: float | None = None
    high: float | None = None

    @field_validator("options", "where", mode="before")
    @classmethod
    def _strings(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): str(x).lower() if isinstance(x, bool) else str(x) for k, x in v.items()}
        return v

    @field_validator("at", "start", "end", "within", mode="before")
    @classmethod
    def _period(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v


class Alternative(Definition):
    """An alternative definition a critic could choose, with a short label."""

    label: str = Field(min_length=1)


class SaidBy(BaseModel):
    """Who made a claim, where, when, and a link to the record of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    who: str = Field(min_length=1)
    where: str | None = None
    #: a date or month, e.g. 2025-11
    when: str | None = None
    link: str | None = Field(default=None, pattern=r"^https://\S+$")
    #: what was said, or how the source relates to the claim
    note: str | None = None

    @field_validator("when", mode="before")
    @classmethod
    def _when(cls, v: Any) -> Any:
        return str(v) if v is not None and not isinstance(v, str) else v

    def text(self) -> str:
        """One line: who, where, when."""
        return ", ".join(x for x in (self.who, self.where, self.when) if x)


class Claim(Definition):
    """A claim of the public debate, its measurable form and its alternative definitions."""

    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1)
    a: str = Field(min_length=1)
    b: str | None = None
    #: who made the claim, where and when, with a link
    said_by: list[SaidBy] = Field(default_factory=list)
    #: the report chart behind the claim (its name, e.g. "open-share-by-year"), or a section
    chart: str | None = None
    label: str = "as stated"
    alternatives: list[Alternative] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> Claim:
        if self.test is None:
            raise ValueError("test is required (compare, trend, crossover, share or value)")
        if self.metric is None:
            raise ValueError("metric is required")
        if self.test in ("compare", "crossover") and not self.b:
            raise ValueError(f"a {self.test} claim needs b (the group A is compared with)")
        for alt in [self, *self.alternatives]:
            d = resolve(self, alt)
            if d.test in ("compare", "share", "value") and not d.at:
                raise ValueError(f"{_where(alt)}a {d.test} test needs at (a period or latest)")
            if d.test == "trend" and not (d.start and d.end and d.a_change
                                          and (d.b_change or not self.b)):
                raise ValueError(
                    f"{_where(alt)}a trend test needs start, end, a_change (and b_change "
                    "with b)"
                )
            if d.test == "value" and d.low is None and d.high is None:
                raise ValueError(f"{_where(alt)}a value test needs low and/or high")
            if d.test == "crossover" and not d.within:
                raise ValueError(f"{_where(alt)}a crossover test needs within (e.g. 2025)")
        return self


def _where(alt: Definition) -> str:
    return f"alternative {alt.label!r}: " if isinstance(alt, Alternative) else ""


def resolve(claim: Claim, alt: Definition | None = None) -> Definition:
    """The claim's definition with ``alt``'s fields (those it sets) laid over it; options and
    where are merged."""
    base = {k: getattr(claim, k) for k in Definition.model_fields}
    if alt is not None and alt is not claim:
        for k in alt.model_fields_set:
            if k not in Definition.model_fields:
                continue
            v = getattr(alt, k)
            if k in ("options", "where"):
                base[k] = {**base[k], **v}
            else:
                base[k] = v
    return Definition.model_construct(**base)
