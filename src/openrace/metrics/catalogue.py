"""The catalogue of named metrics: one place where every shown figure is defined.

>>> from openrace.metrics.catalogue import load_catalogue
>>> cat = load_catalogue()
>>> "open_releases" in cat.names()
True

``cat.evaluate(name, store_or_engine, by=..., period=..., **options)`` returns the tidy
Arrow table described in :mod:`openrace.metrics.base`; ``cat.has_data(name, store)`` says
whether the store holds anything the metric is built from (else the report shows
"no data yet — run ``openrace update ...``").

Metric modules register their metrics here, with :func:`metric` or a :class:`Family`
(the fields a family of metrics shares, stated once)::

    RELEASES = Family(source="registry", by=RELEASE_BY, periods=RELEASE_PERIODS, ...)

    @RELEASES.share(name="open_share", title="Open share of notable releases",
                    description="The share of a group's releases with open weights.")
    def open_share(t, q):
        return unit_share(release_units(t, q), q, "is_open")
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from openrace.errors import QueryError, UsageError
from openrace.metrics.base import ALL, BuildFn, Metric, Query, Tables

if TYPE_CHECKING:
    import pyarrow as pa


def metric_modules() -> tuple[str, ...]:
    """Modules that define metrics, from the sources' specs; each registers its metrics
    on import."""
    from openrace.sources import SPECS

    return tuple(f"openrace.metrics.{m}" for s in SPECS for m in s.metrics)


class Catalogue:
    """Named metrics, in registration order."""

    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}

    def register(self, m: Metric) -> Metric:
        """Add a metric; a second metric with the same name is an error."""
        if m.name in self._metrics and self._metrics[m.name] is not m:
            existing = self._metrics[m.name]
            if existing.build.__qualname__ != m.build.__qualname__ or (
                existing.build.__module__ != m.build.__module__
            ):
                raise ValueError(f"metric {m.name!r} is already defined")
        self._metrics[m.name] = m
        return m

    def names(self) -> list[str]:
        """Metric names in registration order."""
        return list(self._metrics)

    def __iter__(self) -> Iterator[Metric]:
        return iter(self._metrics.values())

    def __contains__(self, name: object) -> bool:
        return name in self._metrics

    def __len__(self) -> int:
        return len(self._metrics)

    def get(self, name: str) -> Metric:
        """The metric called ``name``; unknown names raise :class:`UsageError` with hints."""
        try:
            return self._metrics[name]
        except KeyError:
            close = difflib.get_close_matches(name, self._metrics, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(
                f"unknown metric {name!r}{hint} (`openrace metrics list` shows them all)"
            ) from None

    def expr(
        self,
        name: str,
        tables: Tables,
        by: str | None = None,
        period: str | None = None,
        **options: str,
    ) -> tuple[Any, Query]:
        """The metric's Ibis expression on ``tables`` and the validated query."""
        m = self.get(name)
        q = m.query(by=by, period=period, **options)
        return m.build(tables, q), q

    def evaluate(
        self,
        name: str,
        source: Any,
        by: str | None = None,
        period: str | None = None,
        **options: str,
    ) -> pa.Table:
        """Evaluate a metric on a store or engine; return the tidy, sorted Arrow table."""
        from openrace.metrics.engine import as_tables

        tables = as_tables(source)
        m = self.get(name)
        if getattr(tables, "name", None) == "duckdb":
            # the query's SQL, compiled once per process (openrace.metrics.sql)
            from openrace.metrics.sql import compiled_sql

            q = m.query(by=by, period=period, **options)
            sql = compiled_sql(m, q, tables)
            run = lambda: tables.store.sql(sql)  # noqa: E731
        else:
            expr, q = self.expr(name, tables, by=by, period=period, **options)
            run = lambda: tables.execute(expr)  # noqa: E731
        try:
            result = run()
        except UsageError:
            raise
        except Exception as exc:  # engine errors become one clear line
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise QueryError(f"metric {name} failed on {tables.name}: {first}") from exc
        return normalise(result, q, m.dims)

    def has_data(self, name: str, source: Any) -> bool:
        """Whether the store holds any record this metric is built from."""
        from openrace.metrics.engine import as_tables

        tables = as_tables(source)
        m = self.get(name)
        if m.presence is not None:
            value = tables.execute(m.presence(tables).name("n").as_table())
            n = value.column(0)[0].as_py() if value.num_rows else 0
            return bool(n)
        q = m.query(
            by="none" if "none" in m.by else None, period="none" if "none" in m.periods else None
        )
        return tables.execute(m.build(tables, q).limit(1)).num_rows > 0

    def describe(self) -> list[dict[str, Any]]:
        """One summary row per metric (for ``openrace metrics list``)."""
        return [
            {
                "name": m.name,
                "title": m.title,
                "unit": m.unit,
                "source": m.source,
                "by": ",".join(m.by),
                "periods": ",".join(m.periods),
                "options": ",".join(o.name for o in m.options),
            }
            for m in self
        ]


def normalise(result: pa.Table, q: Query, dims: tuple[str, ...] | list[str] = ()) -> pa.Table:
    """Cast to the contract's types (strings and a float ``value``), order the columns and
    sort the rows, so that every engine gives byte-identical tables."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = q.keys(*dims, "value")
    missing = [c for c in cols if c not in result.column_names]
    if missing:
        raise QueryError(f"metric result lacks column(s) {missing}")
    arrays = []
    for c in cols:
        col = result.column(c)
        arrays.append(pc.cast(col, pa.float64() if c == "value" else pa.string()))
    table = pa.table(dict(zip(cols, arrays, strict=True)))
    if q.by == "none" and table.num_rows:
        table = table.set_column(
            cols.index("group"), "group", pa.array([ALL] * table.num_rows, pa.string())
        )
    keys = [(c, "ascending") for c in cols if c != "value"]
    return table.sort_by(keys) if keys and table.num_rows else table


CATALOGUE = Catalogue()
_loaded = False


def metric(catalogue: Catalogue | None = None, **fields_: Any) -> Callable[[BuildFn], BuildFn]:
    """Decorator: register the decorated build function as a :class:`Metric`.

    >>> @metric(Catalogue(), name="x", title="X", description="...", unit="count",
    ...         source="registry")
    ... def _x(tables, q): ...

    ``catalogue`` defaults to :data:`CATALOGUE`.
    """

    def register(fn: BuildFn) -> BuildFn:
        # (not `catalogue or CATALOGUE`: an empty catalogue is falsy)
        (CATALOGUE if catalogue is None else catalogue).register(Metric(build=fn, **fields_))
        return fn

    return register


_METRIC_FIELDS = frozenset(f.name for f in fields(Metric)) - {"build"}


@dataclass(frozen=True)
class Family:
    """The fields a family of metrics shares (source, groupings, periods, options,
    presence, update command, caveats, ...), stated once; each metric of the family states
    what differs, and may override any shared field.

    >>> fam = Family(source="registry", by=("country", "none"), caveats=("c",))
    >>> @fam.share(Catalogue(), name="s", title="S", description="A share.")
    ... def _s(tables, q): ...
    >>> fam.derive(periods=("none",)).fields["periods"]
    ('none',)
    """

    fields: Mapping[str, Any]

    def __init__(self, **shared: Any) -> None:
        unknown = set(shared) - _METRIC_FIELDS
        if unknown:
            raise ValueError(f"not fields of a metric: {', '.join(sorted(unknown))}")
        object.__setattr__(self, "fields", dict(shared))

    def derive(self, **changed: Any) -> Family:
        """This family with some fields changed or added."""
        return Family(**{**self.fields, **changed})

    def metric(self, catalogue: Catalogue | None = None, **own: Any
               ) -> Callable[[BuildFn], BuildFn]:
        """Register a metric of this family (:func:`metric` with the shared fields)."""
        return metric(catalogue, **{**self.fields, **own})

    def count(self, catalogue: Catalogue | None = None, **own: Any
              ) -> Callable[[BuildFn], BuildFn]:
        """Register a count (kind ``count``: values add up across groups and periods)."""
        return self.metric(catalogue, **{**own, "kind": "count"})

    def share(self, catalogue: Catalogue | None = None, **own: Any
              ) -> Callable[[BuildFn], BuildFn]:
        """Register a share (kind and unit ``share``: a part over its whole, 0 to 1)."""
        return self.metric(catalogue, **{**own, "kind": "share", "unit": "share"})

    def measure(self, catalogue: Catalogue | None = None, **own: Any
                ) -> Callable[[BuildFn], BuildFn]:
        """Register a measure (kind ``measure``: a score, gap or lag; not additive)."""
        return self.metric(catalogue, **{**own, "kind": "measure"})


def load_catalogue() -> Catalogue:
    """The catalogue with every metric module of the sources' specs imported (a module a
    spec names that does not exist is an ImportError)."""
    global _loaded
    if not _loaded:
        for mod in metric_modules():
            importlib.import_module(mod)
        _loaded = True
    return CATALOGUE
