"""One formatter for every output: numbers, dates and shares as the CLI, the CSV files,
the HTML report and ``serve`` write them.

Machine-read outputs (CSV, JSON) are exact: an integer is written with all its digits,
a fraction with the shortest text that reads back as the same float. Human-read outputs
(terminal and report tables) group thousands and round fractions, but never round or
abbreviate an integer.

>>> csv_cell(12345678.0), csv_cell(12345678), csv_cell(1 / 3)
('12345678', '12345678', '0.3333333333333333')
>>> display(12345678.0), display(2.5), display(1 / 3), display(None)
('12,345,678', '2.5', '0.3333', '')
>>> share(0.4213), csv_cell(dt.date(2025, 1, 31)), plain(float("nan"))
('42.1%', '2025-01-31', None)

This module imports nothing heavy, so a command that only prints rows stays quick.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any

#: Vega-Lite / d3 number format of chart tooltips and labels: thousands grouped, integers
#: exact (``12,345,678``, never ``1.235e+7``), fractions to at most four decimals.
D3_NUMBER = ",.4~f"
#: d3 format of shares (0-1) in chart tooltips.
D3_SHARE = ".1%"

# floats beyond 2**53 are not exact integers anymore: they keep their float text
_EXACT = 2**53


def _integral(value: float) -> bool:
    return value.is_integer() and abs(value) <= _EXACT


def number(value: int | float | decimal.Decimal) -> str:
    """A number as exact plain text: integers (and integral floats) with every digit,
    other floats as their shortest round-tripping ``repr``; ``""`` for NaN and infinity.

    >>> number(1.23457e7), number(12345678.9), number(float("inf"))
    ('12345700', '12345678.9', '')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return ""
        return str(int(value)) if value == value.to_integral_value() else str(value.normalize())
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return str(int(value)) if _integral(value) else repr(value)
    return str(value)


def date(value: dt.date | dt.datetime) -> str:
    """A date or timestamp in ISO 8601 (``2025-01-31``, ``2025-01-31T12:00:00``)."""
    return value.isoformat()


def share(value: float | None, digits: int = 1) -> str:
    """A share (0-1) as a percentage: ``42.1%``; ``n/a`` when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value * 100:.{digits}f}%"


def count(value: float | None) -> str:
    """A count for prose, rounded to a whole number with thousands grouped: ``1,234``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{round(value):,}"


def csv_cell(value: Any) -> str:
    """One CSV cell (and one cell of a machine-read listing): exact numbers
    (:func:`number`), ISO dates, ``true`` / ``false``, lists joined by ``;``, ``""`` for
    nothing."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | decimal.Decimal):
        return number(value)
    if isinstance(value, list | tuple):
        return ";".join(csv_cell(v) for v in value)
    if isinstance(value, dt.datetime | dt.date):
        return date(value)
    return str(value)


def display(value: Any) -> str:
    """One cell of a table a person reads (the terminal, the report): integers exact with
    thousands grouped (``12,345,678``); other numbers to four significant digits, but
    never fewer digits than their integer part (``12,345,678.5``, ``2.333``, ``0.0001235``);
    lists joined by ``"; "``; the rest as :func:`csv_cell`."""
    if isinstance(value, bool) or value is None:
        return csv_cell(value)
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if _integral(value):
            return f"{int(value):,}"
        if abs(value) >= 1:
            whole = len(str(int(abs(value))))
            text = f"{value:,.{max(1, 4 - whole)}f}"
            return text.rstrip("0").rstrip(".") if "." in text else text
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return "; ".join(display(v) for v in value)
    return csv_cell(value)


def plain(value: Any) -> Any:
    """A value as JSON-ready plain data: ISO dates, exact decimals as floats, NaN and
    infinity as ``None`` (JSON has no NaN); lists and dicts converted throughout."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return date(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
