"""Query results as plain Python rows, for the commands that only print them.

A listing printed by the CLI (``openrace orgs``, ``releases``, ``models``, ``status``, ...)
needs column names and Python values, nothing more; building an Arrow table for it would
import Arrow and NumPy (about 0.15 s, half of such a command's time). :class:`Rows` holds
what DuckDB fetches, with the few methods the CLI's :func:`openrace.cli.common.emit` and
the listings use, and gives the Arrow table when a caller wants one.

>>> rows = Rows(["id", "n"], [("qwen", 3), ("mistral", 1)])
>>> rows.num_rows, rows.column_names
(2, ['id', 'n'])
>>> rows.select(["n"]).to_pylist()
[{'n': 3}, {'n': 1}]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


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

    def __len__(self) -> int:
        return len(self._rows)

    def to_pylist(self) -> list[dict[str, Any]]:
        """One dict per row, keyed by column name (as :meth:`pyarrow.Table.to_pylist`)."""
        cols = self.column_names
        return [dict(zip(cols, r, strict=True)) for r in self._rows]

    def select(self, columns: Sequence[str]) -> Rows:
        """These columns only, in this order; an unknown name is a KeyError."""
        idx = [self.column_names.index(c) if c in self.column_names else _missing(c)
               for c in columns]
        return Rows(columns, [tuple(r[i] for i in idx) for r in self._rows])

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table (types inferred from the values)."""
        import pyarrow as pa

        return pa.Table.from_pylist(self.to_pylist()) if self._rows else pa.table(
            {c: pa.array([], pa.null()) for c in self.column_names})

    def __repr__(self) -> str:
        return f"Rows({self.column_names!r}, {self.num_rows} row(s))"


def _missing(column: str) -> int:
    raise KeyError(f"no column {column!r}")
