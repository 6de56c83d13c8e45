"""The crossover detector: when did group A's metric catch up with group B's and stay there?

A period counts as "A ahead" when A's value passed B's, or matched it (``ties=True``,
the default) with a value above zero — two groups both at zero have not raced. Missing
periods between the first and last period with data count as zero.

The crossover is the first period from which A stayed ahead for ``n`` consecutive
periods (``until_end=True``: for every period to the last one, and at least ``n``).
The result says how it was reached:

``crossed``
    A was behind before that period, then stayed ahead;
``ahead_from_start``
    A was already ahead in the first period with data (no crossing was observed);
``tentative``
    A moved ahead in the last periods but fewer than ``n`` periods have been observed since;
``never``
    A did not stay ahead for ``n`` periods;
``no_data``
    neither group has a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from openrace.errors import UsageError

if TYPE_CHECKING:
    import pyarrow as pa

STATUSES = ("crossed", "ahead_from_start", "tentative", "never", "no_data")


@dataclass(frozen=True)
class Crossover:
    """The outcome of :func:`detect`."""

    status: str
    period: str | None
    a: str
    b: str
    n: int
    #: (period, value of A, value of B) for every period considered
    series: list[tuple[str, float, float]] = field(default_factory=list)

    @property
    def crossed(self) -> bool:
        """True when A moved ahead of B after being behind, and stayed."""
        return self.status == "crossed"

    def describe(self) -> str:
        """One sentence for people."""
        if self.status == "crossed":
            return (
                f"{self.a} caught up with {self.b} in {self.period} and stayed ahead "
                f"for at least {self.n} period(s)"
            )
        if self.status == "ahead_from_start":
            return f"{self.a} was already level with or ahead of {self.b} in {self.period}"
        if self.status == "tentative":
            return (
                f"{self.a} moved ahead of {self.b} in {self.period}, but fewer than "
                f"{self.n} period(s) have been observed since"
            )
        if self.status == "never":
            return f"{self.a} did not stay ahead of {self.b} for {self.n} period(s)"
        return f"no data for {self.a} or {self.b}"


def fill_periods(periods: Sequence[str]) -> list[str]:
    """Every period from the first to the last of ``periods`` (years, quarters or months),
    so that a missing period counts as zero."""
    if not periods:
        return []
    ps = sorted(set(periods))
    first, last = ps[0], ps[-1]
    step = _parse(first)
    if step is None or _parse(last) is None or step[0] != _parse(last)[0]:  # type: ignore[index]
        return ps
    kind = step[0]
    per_year = {"year": 1, "quarter": 4, "month": 12}[kind]
    a, b = _ordinal(first, per_year), _ordinal(last, per_year)
    return [_label(i, kind, per_year) for i in range(a, b + 1)]


def periods_ending(last: str, k: int) -> list[str]:
    """The ``k`` periods ending at ``last`` (same kind: year, quarter or month), oldest first.

    >>> periods_ending("2025Q1", 4)
    ['2024Q2', '2024Q3', '2024Q4', '2025Q1']
    """
    parsed = _parse(last)
    if parsed is None:
        return [last]
    kind = parsed[0]
    per_year = {"year": 1, "quarter": 4, "month": 12}[kind]
    end = _ordinal(last, per_year)
    return [_label(i, kind, per_year) for i in range(end - k + 1, end + 1)]


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _parse(p: str) -> tuple[str, int, int] | None:
    if m := _YEAR.match(p):
        return ("year", int(m.group(1)), 1)
    if m := _QUARTER.match(p):
        return ("quarter", int(m.group(1)), int(m.group(2)))
    if m := _MONTH.match(p):
        return ("month", int(m.group(1)), int(m.group(2)))
    return None


def _ordinal(p: str, per_year: int) -> int:
    _, y, k = _parse(p)  # type: ignore[misc]
    return y * per_year + (k - 1)


def _label(i: int, kind: str, per_year: int) -> str:
    y, k = divmod(i, per_year)
    if kind == "year":
        return f"{y}"
    if kind == "quarter":
        return f"{y}Q{k + 1}"
    return f"{y}-{k + 1:02d}"


def detect(
    a_values: Mapping[str, float],
    b_values: Mapping[str, float],
    *,
    a: str = "A",
    b: str = "B",
    n: int = 1,
    ties: bool = True,
    until_end: bool = False,
) -> Crossover:
    """Find the first period from which A's value stayed level with or above B's.

    ``a_values`` / ``b_values`` map period labels to values (missing = 0).
    """
    if n < 1:
        raise UsageError("the crossover needs n >= 1 consecutive periods")
    periods = fill_periods(list(a_values) + list(b_values))
    series = [(p, float(a_values.get(p) or 0.0), float(b_values.get(p) or 0.0)) for p in periods]
    if not series:
        return Crossover("no_data", None, a, b, n, series)

    def ahead(va: float, vb: float) -> bool:
        return va > vb or (ties and va == vb and va > 0)

    flags = [ahead(va, vb) for _, va, vb in series]
    k = len(flags)
    for i in range(k):
        if not flags[i] or (i > 0 and flags[i - 1]):
            continue  # not the start of a run of "ahead" periods
        j = i
        while j < k and flags[j]:
            j += 1
        run = j - i
        reaches_end = j == k
        sustained = run >= n and (reaches_end or not until_end)
        if sustained:
            status = "ahead_from_start" if i == 0 else "crossed"
            return Crossover(status, series[i][0], a, b, n, series)
        if reaches_end and i > 0:
            return Crossover("tentative", series[i][0], a, b, n, series)
    return Crossover("never", None, a, b, n, series)


def detect_in(table: pa.Table, a: str, b: str, **kwargs: Any) -> Crossover:
    """:func:`detect` on a tidy metric table (columns ``period``, ``group``, ``value``;
    any dimension columns must already be filtered to one value)."""
    if "period" not in table.column_names:
        raise UsageError("the crossover detector needs a metric evaluated per period")
    av: dict[str, float] = {}
    bv: dict[str, float] = {}
    for row in table.select(["period", "group", "value"]).to_pylist():
        if row["group"] == a:
            av[row["period"]] = av.get(row["period"], 0.0) + (row["value"] or 0.0)
        elif row["group"] == b:
            bv[row["period"]] = bv.get(row["period"], 0.0) + (row["value"] or 0.0)
    return detect(av, bv, a=a, b=b, **kwargs)
