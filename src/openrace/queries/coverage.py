"""How far each source's data reach, so that no figure reads past them silently.

A source's *coverage date* is the last day its data in the store speak for:

``registry`` (and every release metric)
    the newest release of the catalogue used (the registry, Epoch AI's rows, or both):
    the registry adds releases as they are confirmed, so a quarter after that date holds
    nothing yet and the quarter holding it is partial;
``epoch``
    the date of Epoch AI's data (the files' ``Last-Modified``), kept by
    ``openrace update epoch`` (``meta.epoch_data_date``), else its newest model;
``hf``
    the newest Hub repository seen by a harvest;
``openalex``
    the last OpenAlex aggregate harvest.

:func:`period_end` and :func:`is_partial` say whether a period (``2025``, ``2025Q3``,
``2025-07``, or a trailing window ``2024Q4–2025Q3``) ends after a coverage date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openrace.store import Store


def period_end(period: str) -> dt.date | None:
    """The last day of a period string (None when it is not one)."""
    p = period.split("–")[-1].strip()
    try:
        if len(p) == 4 and p.isdigit():
            return dt.date(int(p), 12, 31)
        if len(p) == 6 and p[4] == "Q":
            y, q = int(p[:4]), int(p[5])
            nxt = dt.date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
            return nxt - dt.timedelta(days=1)
        if len(p) == 7 and p[4] == "-":
            y, m = int(p[:4]), int(p[5:])
            nxt = dt.date(y + (m == 12), 1 if m == 12 else m + 1, 1)
            return nxt - dt.timedelta(days=1)
    except ValueError:
        return None
    return None


def is_partial(period: str, through: dt.date | None) -> bool:
    """Whether ``period`` ends after the coverage date ``through``."""
    end = period_end(period)
    return bool(through and end and end > through)


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def metric_coverage(tables: Any, source: str, options: dict[str, str] | None = None
                    ) -> dt.date | None:
    """The coverage date of a metric's data, from the store's tables on any engine
    (``tables.table(name)`` / ``tables.execute(expr)``)."""
    opts = options or {}
    a = tables.table("artifacts")
    if source in ("registry", "epoch"):
        a = a.filter(a.kind == "release")
        cat = opts.get("catalogue", "both")
        if cat == "registry":
            a = a.filter(a.source != "epoch")
        elif cat == "epoch":
            a = a.filter(a.source == "epoch")
        expr = a.aggregate(through=a.created.max())
    elif source == "hf":
        a = a.filter(a.source == "hf")
        expr = a.aggregate(through=a.created.max())
    elif source == "openalex":
        g = tables.table("aggregates")
        g = g.filter(g.source == "openalex")
        expr = g.aggregate(through=g.observed_at.max())
    else:
        return None
    try:
        table = tables.execute(expr)
    except Exception:  # a store or export without the table: no coverage to state
        return None
    rows = table.to_pylist() if hasattr(table, "to_pylist") else []
    return _date(rows[0]["through"]) if rows else None


def source_coverage(store: Store) -> list[dict[str, Any]]:
    """Each source's coverage date in the store, for the report and ``openrace`` users."""
    out = []
    reg = store.dicts("SELECT max(created) AS d, count(*) AS n FROM artifacts WHERE "
                      "source = 'registry' AND kind = 'release'")[0]
    if reg["n"]:
        out.append({"source": "registry", "through": _date(reg["d"]),
                    "meaning": "newest release in the curated registry"})
    epoch = store.meta("epoch_data_date")
    if epoch:
        out.append({"source": "epoch", "through": _date(epoch),
                    "meaning": "date of Epoch AI's data; newest model "
                    f"{store.meta('epoch_coverage') or 'unknown'}"})
    hf = store.dicts("SELECT max(created) AS d FROM artifacts WHERE source = 'hf'")[0]["d"]
    if hf:
        out.append({"source": "hf", "through": _date(hf),
                    "meaning": "newest Hub repository seen by a harvest"})
    oa = store.dicts("SELECT max(observed_at) AS d FROM aggregates WHERE source = "
                     "'openalex'")[0]["d"]
    if oa:
        out.append({"source": "openalex", "through": _date(oa),
                    "meaning": "last OpenAlex harvest"})
    return out


def quarter_completeness(store: Store, quarters: int = 4) -> list[dict[str, Any]]:
    """How complete the registry's latest quarters are: per quarter (newest last), the
    registry's releases, Epoch AI's notable models and how many of those the registry
    has (when Epoch was harvested), and whether the quarter ends after the registry's
    newest release (partial)."""
    rows = store.dicts(
        """
        SELECT year(created) || 'Q' || quarter(created) AS period,
               count(*) FILTER (WHERE source = 'registry') AS registry,
               count(*) FILTER (WHERE source = 'epoch' AND list_contains(tags, 'notable'))
                   AS epoch_notable,
               count(*) FILTER (WHERE source = 'epoch' AND list_contains(tags, 'notable')
                   AND json_extract_string(detail, '$.registry_release') IS NOT NULL)
                   AS epoch_in_registry
        FROM artifacts WHERE kind = 'release' AND created IS NOT NULL
        GROUP BY 1
        """)
    if not rows:
        return []
    through = _date(store.dicts("SELECT max(created) AS d FROM artifacts WHERE source = "
                                "'registry' AND kind = 'release'")[0]["d"])
    has_epoch = store.meta("epoch_data_date") is not None
    rows.sort(key=lambda r: (int(r["period"][:4]), int(r["period"][5:])))
    out = []
    for r in rows[-quarters:]:
        share = (r["epoch_in_registry"] / r["epoch_notable"]
                 if has_epoch and r["epoch_notable"] else None)
        out.append({**r, "registry_share_of_epoch": share,
                    "partial": is_partial(r["period"], through),
                    "registry_through": through})
    return out
