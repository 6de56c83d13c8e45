"""Query results as plain Python rows, for the commands that only print them.

A listing printed by the CLI (``openrace orgs``, ``releases``, ``models``, ``status``, ...)
needs column names and Python values, nothing more; building an Arrow table for it would
import Arrow and NumPy (about 0.15 s, half of such a command's time). :class:`Rows` holds
what DuckDB fetches, with the few methods of an Arrow table that the CLI's
:func:`openrace.cli.common.emit` and the listings use.

>>> rows = Rows(["id", "n"], [("qwen", 3), ("mistral", 1)])
>>> rows.num_rows, rows.column_names
(2, ['id', 'n'])
>>> rows.select(["n"]).to_pylist()
[{'n': 3}, {'n': 1}]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Rows:
    """Column names and rows (tuples of Python values, as DuckDB returns them)."""

    __slots__ = ("_rows", "column_names")

    def __init__(self, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        self.column_names: list[str] = list(columns)
        self._rows = list(rows)

    @property
    def num_rows(self) -> int:
        """The number of rows."""
        return len(self._rows)

    def to_pylist(self) -> list[dict[str, Any]]:
        """One dict per row, keyed by column name (as :meth:`pyarrow.Table.to_pylist`)."""
        cols = self.column_names
        return [dict(zip(cols, r, strict=True)) for r in self._rows]

    def select(self, columns: Sequence[str]) -> Rows:
        """These columns only, in this order; an unknown name is a KeyError (as Arrow's)."""
        unknown = [c for c in columns if c not in self.column_names]
        if unknown:
            raise KeyError(f"no column(s) {unknown}")
        idx = [self.column_names.index(c) for c in columns]
        return Rows(columns, [tuple(r[i] for i in idx) for r in self._rows])

    def __repr__(self) -> str:
        return f"Rows({self.column_names!r}, {self.num_rows} row(s))"
