"""Figures over a metric's result rows, for the report and the CLI: totals, shares, values
per key and rankings. A report section selects and shows; every sum, ratio or ranking of a
metric's ``value`` column is one of these functions (a layout test keeps arithmetic on
``value`` out of ``report/``).

Rows are the dicts of a metric result (``table.to_pylist()``); a missing value counts 0.

>>> rows = [{"group": "CN", "value": 3}, {"group": "US", "value": 1},
...         {"group": "CN", "value": 2}]
>>> total(rows), total(rows, group="CN"), value_of(rows, group="US")
(6, 5, 1)
>>> share(total(rows, group="CN"), total(rows)), share(1, 0)
(0.8333333333333334, None)
>>> totals_by(rows, "group")
{'CN': 5, 'US': 1}
>>> ranked(totals_by(rows, "group"))
['CN', 'US']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Row = Mapping[str, Any]


def _matches(r: Row, match: Mapping[str, Any]) -> bool:
    return all(r.get(k) == v for k, v in match.items())


def total(rows: Iterable[Row], where: Callable[[Row], bool] | None = None, **match: Any) -> Any:
    """The sum of ``value`` over the rows whose fields equal ``match`` (and for which
    ``where`` holds); 0 without rows. Integers stay integers."""
    return sum(
        (r["value"] or 0) for r in rows if _matches(r, match) and (where is None or where(r))
    )


def share(part: float | None, whole: float | None) -> float | None:
    """``part / whole``, or None when the whole is 0 or unknown."""
    if not whole or part is None:
        return None
    return part / whole


def value_of(rows: Iterable[Row], **match: Any) -> Any:
    """The ``value`` of the first row whose fields equal ``match`` (None if none does)."""
    return next((r["value"] for r in rows if _matches(r, match)), None)


def totals_by(
    rows: Iterable[Row], key: str | Callable[[Row], Any], where: Callable[[Row], bool] | None = None
) -> dict[Any, Any]:
    """The sum of ``value`` per ``key`` (a field name or a function of the row), in the
    order the keys first appear."""
    get = (lambda r: r[key]) if isinstance(key, str) else key
    out: dict[Any, Any] = {}
    for r in rows:
        if where is None or where(r):
            k = get(r)
            out[k] = out.get(k, 0) + (r["value"] or 0)
    return out


def ranked(totals: Mapping[Any, Any]) -> list[Any]:
    """The keys of ``totals``, largest first (ties by key)."""
    return sorted(totals, key=lambda k: (-totals[k], k))


def peak(rows: Iterable[Row]) -> Any:
    """The largest ``value`` (0 without rows)."""
    return max((r["value"] or 0 for r in rows), default=0)


def shares(totals: Mapping[Any, Any]) -> dict[Any, float | None]:
    """Each key's share of the sum of ``totals``."""
    whole = sum(totals.values())
    return {k: share(v, whole) for k, v in totals.items()}


def top_groups(
    rows: Iterable[Row], n: int, always: Iterable[str] = ("US", "CN"), exclude: Iterable[str] = ()
) -> list[str]:
    """The ``n`` groups with the largest totals, those in ``always`` first when present,
    those in ``exclude`` never.

    >>> top_groups([{"group": "FR", "value": 9}, {"group": "CN", "value": 1},
    ...             {"group": "DE", "value": 5}, {"group": "XX", "value": 99}], 3,
    ...            exclude=("XX",))
    ['CN', 'FR', 'DE']
    """
    skip = set(exclude)
    totals = totals_by(rows, "group", where=lambda r: bool(r["group"]) and r["group"] not in skip)
    keep = [c for c in always if c in totals]
    for c in ranked(totals):
        if len(keep) >= n:
            break
        if c not in keep:
            keep.append(c)
    return keep


def outside(whole: Iterable[Row], part: Iterable[Row]) -> Any:
    """How much of ``whole``'s total ``part`` does not hold, e.g. the undated rest when
    ``whole`` is a metric over all time and ``part`` the same metric per period.

    >>> outside([{"value": 10}], [{"value": 4}, {"value": 5}])
    1
    """
    return total(whole) - total(part)


def first_ahead(table: Any, a: str, b: str) -> str | None:
    """The first period in which group ``a``'s value reached ``b``'s (``a`` above 0), in a
    metric result (a table or its rows) by group and period.

    >>> first_ahead([{"period": "2024", "group": "CN", "value": 2},
    ...              {"period": "2024", "group": "US", "value": 3},
    ...              {"period": "2025", "group": "CN", "value": 3},
    ...              {"period": "2025", "group": "US", "value": 3}], "CN", "US")
    '2025'
    """
    rows = table.to_pylist() if hasattr(table, "to_pylist") else table
    by: dict[str, dict[str, Any]] = {}
    for r in rows:
        by.setdefault(r["period"], {})[r["group"]] = r["value"]
    for p in sorted(by):
        va, vb = by[p].get(a, 0.0), by[p].get(b, 0.0)
        if va > 0 and va >= vb:
            return p
    return None
