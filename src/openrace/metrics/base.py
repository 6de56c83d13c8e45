"""The contract every metric follows.

A :class:`Metric` is defined ONCE as an Ibis expression over the store's tables (a
``build(tables, query)`` function), so the DuckDB store and the PySpark engine run the same
definition. It declares its name, title, description, unit, source (``registry``, ``hf``,
``openalex``), the groupings (``by``) and periods it allows, its options (each with
choices and a default) and any extra dimension columns it returns.

Evaluating a metric (:meth:`openrace.metrics.catalogue.Catalogue.evaluate`) returns a tidy
Arrow table with the columns, in this order:

``period``
    a string such as ``2024`` (year), ``2024Q3`` (quarter) or ``2024-07`` (month);
    absent when the period is ``none``;
``group``
    the country code (ISO 3166-1 alpha-2), organisation id or sector; ``all`` when
    ``by`` is ``none``;
the metric's ``dims``
    extra dimension columns, e.g. ``access`` or ``license_class``;
``value``
    a float.

Rows are sorted by period, group and dims. Each source defines its metrics in its own
module (``metrics/<source>.py``) with :func:`openrace.metrics.catalogue.metric` or a
:class:`openrace.metrics.catalogue.Family` and the helpers below; the report and the
claims read ONLY from the catalogue. This module is the contract alone: it imports nothing
of the catalogue.

A metric's :data:`kind <KINDS>` says what its value is, and so whether values of
different groups or periods may be added up: a ``count`` (releases, downloads, works)
may, a ``share`` (a part over its whole, between 0 and 1) or a ``measure`` (a score, a gap
in points, a lag in months) may not.

A build function receives a :class:`Tables` (``tables.table("artifacts")`` is an Ibis
table on whichever engine runs the metric) and a validated :class:`Query`; it must return
an Ibis table with the columns above (``period`` only when ``query.period != "none"``).
Use :func:`period_of` to turn a timestamp into a period string, so that every engine
formats periods identically, and :func:`tidy` to select the contract's columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from openrace.errors import UsageError
from openrace.sources import SPECS

if TYPE_CHECKING:
    import pyarrow as pa


class _LazyIbis:
    """The ``ibis`` module, imported at its first use: the metric modules build Ibis
    expressions only when a metric is evaluated, so that listing the catalogue
    (``openrace metrics list``) imports neither Ibis nor Arrow (about half a second)."""

    def __getattr__(self, name: str) -> Any:
        import ibis as module

        return getattr(module, name)


#: Ibis for the metric modules (``from openrace.metrics.base import ibis``), lazily
ibis: Any = _LazyIbis()

GROUPINGS: tuple[str, ...] = ("country", "org", "sector", "access", "none")
PERIODS: tuple[str, ...] = ("month", "quarter", "year", "none")
#: The sources a metric may be built from: the names of the sources' specs.
SOURCES: tuple[str, ...] = tuple(s.name for s in SPECS)

#: The value of ``group`` when a metric is evaluated with ``by="none"``.
ALL = "all"

#: What a metric's value is: ``count`` (adds up across groups and periods), ``share`` (a
#: part over its whole, unit ``share``) or ``measure`` (a score, gap or lag).
KINDS: tuple[str, ...] = ("count", "share", "measure")


class Tables(Protocol):
    """What a metric's build function reads from: the store's tables on some engine."""

    name: str

    def table(self, name: str) -> Any:
        """One store table as an Ibis table expression."""

    def execute(self, expr: Any) -> pa.Table:
        """Run an Ibis expression and return its rows as Arrow."""


@dataclass(frozen=True)
class Option:
    """A metric option: a named choice with a default, e.g. ``counting=whole|fractional``."""

    name: str
    choices: tuple[str, ...]
    default: str
    help: str = ""

    def check(self, value: str) -> str:
        """Return ``value`` if allowed, else raise :class:`UsageError`."""
        if value not in self.choices:
            raise UsageError(
                f"option {self.name} must be one of {', '.join(self.choices)}, not {value!r}"
            )
        return value


# Options shared by many metrics ------------------------------------------------------------

COUNTRY_RULE = Option(
    "country_rule",
    ("owner", "location"),
    "owner",
    "owner: the country of the organisation's ultimate parent (headquarters of the owner); "
    "location: the country where the organisation itself is based",
)
COUNTING = Option(
    "counting",
    ("whole", "fractional"),
    "whole",
    "whole: an artifact counts 1 for every group it is attributed to; fractional: its "
    "weight (1/n for n organisations) is split between them",
)
ORG_LEVEL = Option(
    "org_level",
    ("org", "root"),
    "org",
    "org: the organisation as listed; root: its ultimate parent (e.g. a lab counted for its "
    "company); used when grouping by organisation",
)

#: Hong Kong (HK) in the China group: the default of every US–China comparison, so that
#: SenseTime, HKUST, CUHK or HKU count for China; ``mainland`` keeps them apart.
CHINA_GROUP = Option(
    "china",
    ("with-hk", "mainland"),
    "with-hk",
    "with-hk: China is the group 'China incl. Hong Kong' (CN + HK, shown as CN); "
    "mainland: mainland China alone (Hong Kong is its own country)",
)
#: The country code the China group is shown under, and the codes it gathers.
CHINA = "CN"
CHINA_WITH_HK = ("CN", "HK")


def china_group(country: Any, q: Query) -> Any:
    """A country column with Hong Kong counted as China unless ``china=mainland``."""
    if q.options.get("china", CHINA_GROUP.default) == "mainland":
        return country
    return country.isin(CHINA_WITH_HK).ifelse(CHINA, country)


@dataclass(frozen=True)
class Query:
    """A validated request: grouping, period and every option's value."""

    by: str
    period: str
    options: Mapping[str, str] = field(default_factory=dict)

    def opt(self, name: str) -> str:
        """The value of option ``name``."""
        try:
            return self.options[name]
        except KeyError:
            raise UsageError(f"this metric has no option {name!r}") from None

    def keys(self, *extra: str) -> list[str]:
        """The key columns of a result of this query: ``period`` (unless the period is
        ``none``), ``group``, then ``extra``.

        >>> Query(by="country", period="year").keys("access")
        ['period', 'group', 'access']
        >>> Query(by="none", period="none").keys()
        ['group']
        """
        return (["period"] if self.period != "none" else []) + ["group", *extra]

    def label(self) -> str:
        """A short human-readable description, e.g. ``by country per year, counting=whole``."""
        parts = [f"by {self.by}" if self.by != "none" else "overall"]
        if self.period != "none":
            parts.append(f"per {self.period}")
        parts += [f"{k}={v}" for k, v in sorted(self.options.items())]
        return ", ".join(parts)


BuildFn = Callable[[Tables, Query], Any]
PresenceFn = Callable[[Tables], Any]


@dataclass(frozen=True)
class Metric:
    """One named metric, defined once as an Ibis expression."""

    name: str
    title: str
    description: str
    unit: str
    source: str
    build: BuildFn
    by: tuple[str, ...] = ("country",)
    periods: tuple[str, ...] = ("year",)
    options: tuple[Option, ...] = ()
    dims: tuple[str, ...] = ()
    default_by: str | None = None
    default_period: str | None = None
    #: Ibis expression (given the tables) counting the records the metric is built from;
    #: a metric "has data" when it is positive. Default: the metric has any row.
    presence: PresenceFn | None = None
    #: what the value is (:data:`KINDS`): counts add up, shares and measures do not
    kind: str = "count"
    #: the command that fills this metric's data, for the report's "no data yet" state
    update_command: str = "openrace update"
    caveats: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"metric {self.name}: unknown source {self.source!r}")
        for b in self.by:
            if b not in GROUPINGS:
                raise ValueError(f"metric {self.name}: unknown grouping {b!r}")
        for p in self.periods:
            if p not in PERIODS:
                raise ValueError(f"metric {self.name}: unknown period {p!r}")
        if not self.by or not self.periods:
            raise ValueError(f"metric {self.name}: needs at least one grouping and period")
        if self.kind not in KINDS:
            raise ValueError(f"metric {self.name}: unknown kind {self.kind!r}")
        if (self.kind == "share") != (self.unit == "share"):
            raise ValueError(f"metric {self.name}: a share has unit 'share' and only a share")

    @property
    def additive(self) -> bool:
        """Whether values of different groups or periods may be added up (counts only)."""
        return self.kind == "count"

    @property
    def by_default(self) -> str:
        """The grouping used when none is asked for."""
        return self.default_by or self.by[0]

    @property
    def period_default(self) -> str:
        """The period used when none is asked for."""
        return self.default_period or self.periods[0]

    def option(self, name: str) -> Option:
        """The option called ``name``."""
        for o in self.options:
            if o.name == name:
                return o
        raise UsageError(
            f"metric {self.name} has no option {name!r}"
            + (f"; options: {', '.join(o.name for o in self.options)}" if self.options else "")
        )

    def query(self, by: str | None = None, period: str | None = None, **options: str) -> Query:
        """Validate a grouping, period and options against this metric; fill defaults."""
        by = by or self.by_default
        period = period or self.period_default
        if by not in self.by:
            raise UsageError(
                f"metric {self.name} cannot be grouped by {by!r}; allowed: {', '.join(self.by)}"
            )
        if period not in self.periods:
            raise UsageError(
                f"metric {self.name} has no period {period!r}; allowed: {', '.join(self.periods)}"
            )
        values = {o.name: o.default for o in self.options}
        for k, v in options.items():
            if v is None:
                continue
            values[k] = self.option(k).check(str(v))
        return Query(by=by, period=period, options=values)

    def describe(self) -> dict[str, Any]:
        """The metric's definition as plain data (for ``openrace metrics show`` and the report)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "unit": self.unit,
            "kind": self.kind,
            "source": self.source,
            "by": list(self.by),
            "periods": list(self.periods),
            "dims": list(self.dims),
            "options": [
                {"name": o.name, "choices": list(o.choices), "default": o.default, "help": o.help}
                for o in self.options
            ],
            "caveats": list(self.caveats),
        }


# Expression helpers shared by metric modules ---------------------------------------------


def period_of(ts: Any, period: str) -> Any:
    """A timestamp column as a period string: ``2024`` / ``2024Q3`` / ``2024-07``.

    Returns None for ``period == "none"``. The same expression runs on every engine.
    """
    year = ts.year().cast("string")
    if period == "year":
        return year
    if period == "quarter":
        return year + "Q" + ts.quarter().cast("string")
    if period == "month":
        return year + "-" + ts.month().cast("string").lpad(2, "0")
    if period == "none":
        return None
    raise UsageError(f"unknown period {period!r}; allowed: {', '.join(PERIODS)}")


def ratio(part: Any, whole: Any) -> Any:
    """A share's value: ``part / whole`` as a float, null where ``whole`` is not positive
    (so that every engine gives the same answer for an empty whole: DuckDB's division by
    zero and Spark's differ)."""
    return ibis.ifelse(whole > 0, part / whole, ibis.null()).cast("float64")


def tidy(expr: Any, q: Query, dims: Sequence[str] = ()) -> Any:
    """Select and order the contract's columns (``period`` only when the query has one)."""
    cols = q.keys(*dims, "value")
    return expr.select(*cols)


def empty_result(q: Query, dims: Sequence[str] = ()) -> pa.Table:
    """An empty tidy table with the right columns."""
    import pyarrow as pa

    fields_ = ([pa.field("period", pa.string())] if q.period != "none" else []) + [
        pa.field("group", pa.string()),
        *[pa.field(d, pa.string()) for d in dims],
        pa.field("value", pa.float64()),
    ]
    return pa.schema(fields_).empty_table()
