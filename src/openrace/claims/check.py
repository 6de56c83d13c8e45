"""Check claims against the metrics catalogue, under every alternative definition.

Each definition (the claim as stated and each alternative) gets a verdict:

``supported`` / ``contradicted``
    the data decide it, and the evidence gives the numbers;
``insufficient data``
    the metric is not defined or has no data in the store (its source is not harvested
    yet), the period asked about is not covered, both groups are at zero, or the
    definition does not apply to the metric.

The claim's robustness label is ``robust`` when every alternative that the data can decide
agrees with the stated definition, ``depends on definition`` when at least one disagrees,
``untested`` when no alternative can be decided, and ``insufficient data`` when the
stated definition itself cannot be decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openrace.claims.model import Claim, Definition, resolve
from openrace.errors import UsageError
from openrace.metrics.catalogue import Catalogue, load_catalogue
from openrace.metrics.crossover import detect, periods_ending
from openrace.metrics.engine import as_tables
from openrace.queries.coverage import is_partial, metric_coverage

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
INSUFFICIENT = "insufficient data"
VERDICTS = (SUPPORTED, CONTRADICTED, INSUFFICIENT)

ROBUST = "robust"
DEPENDS = "depends on definition"
UNTESTED = "untested"


@dataclass
class DefinitionResult:
    """The verdict of one definition of a claim and the numbers behind it."""

    label: str
    verdict: str
    evidence: str
    metric: str
    query: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON output)."""
        return {
            "label": self.label,
            "verdict": self.verdict,
            "evidence": self.evidence,
            "metric": self.metric,
            "query": self.query,
            "values": self.values,
        }


@dataclass
class ClaimResult:
    """A claim's verdict as stated, under each alternative, and its robustness."""

    claim: Claim
    stated: DefinitionResult
    alternatives: list[DefinitionResult]

    @property
    def verdict(self) -> str:
        """The verdict of the claim as stated."""
        return self.stated.verdict

    @property
    def robustness(self) -> str:
        """robust / depends on definition / untested / insufficient data."""
        if self.stated.verdict == INSUFFICIENT:
            return INSUFFICIENT
        decided = [a for a in self.alternatives if a.verdict != INSUFFICIENT]
        if not decided:
            return UNTESTED
        if all(a.verdict == self.stated.verdict for a in decided):
            return ROBUST
        return DEPENDS

    @property
    def robustness_detail(self) -> str:
        """E.g. ``holds under 5 of 6 alternatives (2 lack data)``."""
        decided = [a for a in self.alternatives if a.verdict != INSUFFICIENT]
        agree = [a for a in decided if a.verdict == self.stated.verdict]
        missing = len(self.alternatives) - len(decided)
        text = f"same verdict under {len(agree)} of {len(decided)} decidable alternatives"
        if missing:
            text += f"; {missing} lack data"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON output)."""
        return {
            "id": self.claim.id,
            "claim": self.claim.text,
            "verdict": self.verdict,
            "evidence": self.stated.evidence,
            "robustness": self.robustness,
            "robustness_detail": self.robustness_detail,
            "chart": self.claim.chart,
            "said_by": [s.model_dump() for s in self.claim.said_by],
            "stated": self.stated.to_dict(),
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


class _Insufficient(Exception):
    """The data cannot decide this definition; the message says why."""


class ClaimChecker:
    """Evaluates claims on one store or engine, sharing metric evaluations between them."""

    def __init__(self, source: Any, catalogue: Catalogue | None = None):
        self.tables = as_tables(source)
        self.catalogue = catalogue or load_catalogue()
        self._cache: dict[tuple[Any, ...], dict[tuple[str, str], float]] = {}
        self._presence: dict[str, bool] = {}
        self._coverage: dict[tuple[str, str], Any] = {}

    # -- public ---------------------------------------------------------------------------

    def check(self, claim: Claim) -> ClaimResult:
        """The claim's verdict as stated and under each alternative."""
        stated = self._definition(claim, claim.label, resolve(claim), set(claim.options))
        alts = [
            self._definition(claim, alt.label, resolve(claim, alt), set(alt.options))
            for alt in claim.alternatives
        ]
        return ClaimResult(claim, stated, alts)

    def check_all(self, claims: list[Claim]) -> list[ClaimResult]:
        """Check every claim, in order."""
        return [self.check(c) for c in claims]

    # -- one definition -------------------------------------------------------------------

    def _definition(
        self, claim: Claim, label: str, d: Definition, explicit: set[str]
    ) -> DefinitionResult:
        metric = d.metric or ""
        if metric in self.catalogue and metric != claim.metric:
            # options the claim set for its own metric do not carry over to another metric
            known = {o.name for o in self.catalogue.get(metric).options}
            kept = {k: v for k, v in d.options.items() if k in known or k in explicit}
            d = d.model_copy(update={"options": kept})
        try:
            values, query = self._values(d)
            m = self.catalogue.get(metric)
            data = _Data(values, m.additive, m.unit)
            verdict, evidence, numbers = _TESTS[d.test or ""](claim, d, data)
        except _Insufficient as why:
            return DefinitionResult(label, INSUFFICIENT, str(why), metric)
        evidence = self._coverage_note(m.source, d, numbers, evidence)
        return DefinitionResult(label, verdict, evidence, metric, query, numbers)

    def _coverage_note(self, source: str, d: Definition, numbers: dict[str, Any],
                       evidence: str) -> str:
        """The evidence, with a note when the periods read end after the data's coverage
        date (the latest quarter of a registry that lags, the current month of a Hub
        harvest): a verdict never reads past its data without saying so."""
        read = _read_period(numbers)
        key = (source, d.options.get("catalogue", ""))
        if key not in self._coverage:
            self._coverage[key] = metric_coverage(self.tables, source, dict(d.options))
        through = self._coverage[key]
        if read is None or through is None:
            return evidence
        numbers["data_through"] = through.isoformat()
        if not is_partial(read, through):
            return evidence
        numbers["partial"] = read
        return (f"{evidence} (data through {through.isoformat()}: {read} is not complete, "
                "the latest figures may rise)")

    def _values(self, d: Definition) -> tuple[dict[tuple[str, str], float], str]:
        """{(period, group): value} of the definition's metric, filtered by ``where``."""
        name = d.metric or ""
        if name not in self.catalogue:
            raise _Insufficient(
                f"metric {name} is not in the metrics catalogue (its source is "
                "not available in this openrace)"
            )
        m = self.catalogue.get(name)
        if name not in self._presence:
            self._presence[name] = self.catalogue.has_data(name, self.tables)
        if not self._presence[name]:
            raise _Insufficient(
                f"no {m.source} data in the store for {name}; run `{m.update_command}`"
            )
        period = "quarter" if d.window == "rolling" else (d.period or m.period_default)
        if d.window == "rolling" and not m.additive:
            raise _Insufficient(f"{name} is a ratio: rolling sums do not apply")
        unknown = [k for k in d.options if k not in {o.name for o in m.options}]
        if unknown:
            raise _Insufficient(
                f"{name} has no option {', '.join(unknown)}: this definition does not apply"
            )
        bad_dims = [k for k in d.where if k not in m.dims]
        if bad_dims:
            raise _Insufficient(f"{name} has no dimension {', '.join(bad_dims)}")
        unfixed = [dim for dim in m.dims if d.where.get(dim, "*") == "*"]
        if unfixed and not m.additive:
            raise _Insufficient(
                f"{name} is a ratio: its {', '.join(unfixed)} values cannot be "
                "added up (fix them with where)"
            )
        if period == "none":
            raise _Insufficient(f"{name} is not measured per period; a claim needs periods")
        try:
            q = m.query(by=d.by or "country", period=period, **d.options)
        except UsageError as exc:
            raise _Insufficient(f"definition does not apply to {name}: {exc}") from None
        key = (
            name,
            q.by,
            q.period,
            tuple(sorted(q.options.items())),
            tuple(sorted(d.where.items())),
        )
        if key not in self._cache:
            table = self.catalogue.evaluate(
                name, self.tables, by=q.by, period=q.period, **q.options
            )
            out: dict[tuple[str, str], float] = {}
            for r in table.to_pylist():
                if any(v != "*" and str(r.get(k)) != v for k, v in d.where.items()):
                    continue
                if r["value"] is None and not m.additive:
                    continue  # a ratio without a value is missing, not zero
                k2 = (r["period"], r["group"])
                out[k2] = out.get(k2, 0.0) + (r["value"] or 0.0)
            self._cache[key] = out
        values = self._cache[key]
        if d.window == "rolling":
            values = _rolling(values)
        where = "".join(f", {k}={v}" for k, v in sorted(d.where.items()))
        return values, f"{name} {q.label()}{where}" + (
            ", trailing four quarters" if d.window == "rolling" else ""
        )


@dataclass
class _Data:
    """A definition's values {(period, group): value} and how to read them."""

    values: dict[tuple[str, str], float]
    additive: bool
    unit: str

    def get(self, period: str, group: str | None) -> float | None:
        """The value, with a missing count read as zero (a missing ratio stays missing)."""
        v = self.values.get((period, group or ""))
        if v is None and self.additive:
            return 0.0
        return v

    def fmt(self, v: float) -> str:
        """A value for the evidence sentence."""
        return f"{v:.0%}" if self.unit == "share" else _fmt(v)


def _rolling(values: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Quarterly values summed over the trailing four quarters ending at the latest quarter
    with data, labelled with their span (e.g. ``2024Q4–2025Q3``)."""
    quarters = sorted({p for p, _ in values})
    if not quarters:
        return {}
    window = periods_ending(quarters[-1], 4)
    label = f"{window[0]}–{window[-1]}"
    out: dict[tuple[str, str], float] = {}
    for (p, g), v in values.items():
        if p in window:
            out[(label, g)] = out.get((label, g), 0.0) + v
    return out


def _at(d: Definition, values: dict[tuple[str, str], float], field_: str = "at") -> str:
    """The period a test looks at (``latest``: the last period with data; ``previous``: the
    one before it)."""
    at = getattr(d, field_)
    periods = sorted({p for p, _ in values})
    if not periods:
        raise _Insufficient(
            "no values under this definition (its data may not have been harvested)"
        )
    if d.window == "rolling":
        return periods[-1]  # the one trailing window
    if at == "latest":
        return periods[-1]
    if at == "previous":
        if len(periods) < 2:
            raise _Insufficient("only one period has data")
        return periods[-2]
    if at not in periods:
        raise _Insufficient(f"no data for {at} (data cover {periods[0]}–{periods[-1]})")
    return at


def _fmt(v: float) -> str:
    if v == int(v):
        return f"{int(v):,}"
    if abs(v) < 1:
        return f"{v:.3g}"
    return f"{v:,.1f}"


def _span(d: Definition, at: str) -> str:
    return f"the four quarters {at}" if d.window == "rolling" else at


def _compare(claim: Claim, d: Definition, data: _Data) -> tuple[str, str, dict[str, Any]]:
    at = _at(d, data.values)
    a, b = data.get(at, claim.a), data.get(at, claim.b)
    if a is None or b is None:
        raise _Insufficient(f"no value for {claim.a if a is None else claim.b} in {at}")
    if a == 0 and b == 0:
        raise _Insufficient(f"neither {claim.a} nor {claim.b} has a value in {_span(d, at)}")
    verdict = SUPPORTED if a > b else CONTRADICTED
    rel = ">" if a > b else ("=" if a == b else "<")
    return (
        verdict,
        f"{claim.a} {data.fmt(a)} {rel} {claim.b} {data.fmt(b)} in {_span(d, at)}",
        {"period": at, claim.a: a, claim.b or "b": b},
    )


def _trend(claim: Claim, d: Definition, data: _Data) -> tuple[str, str, dict[str, Any]]:
    if d.window == "rolling":
        raise _Insufficient("a trend compares two calendar periods; rolling sums do not apply")
    start, end = _at(d, data.values, "start"), _at(d, data.values, "end")
    numbers: dict[str, Any] = {"start": start, "end": end}
    parts = []
    ok = True
    moves = [(claim.a, d.a_change)] + ([(claim.b, d.b_change)] if claim.b else [])
    for group, change in moves:
        v0, v1 = data.get(start, group), data.get(end, group)
        if v0 is None or v1 is None:
            raise _Insufficient(f"{group} has no value in {start if v0 is None else end}")
        moved = v1 > v0 if change == "up" else v1 < v0
        ok = ok and moved
        numbers[group] = [v0, v1]
        parts.append(f"{group} {data.fmt(v0)} → {data.fmt(v1)}")
    return (SUPPORTED if ok else CONTRADICTED, f"{start} → {end}: " + "; ".join(parts), numbers)


def _crossover(claim: Claim, d: Definition, data: _Data) -> tuple[str, str, dict[str, Any]]:
    values = data.values
    if d.window == "rolling":
        raise _Insufficient("a crossover is found per period; rolling sums do not apply")
    within = d.within or ""
    a = {p: v for (p, g), v in values.items() if g == claim.a}
    b = {p: v for (p, g), v in values.items() if g == claim.b}
    periods = sorted(set(a) | set(b))
    if not periods:
        raise _Insufficient(f"no values for {claim.a} or {claim.b}")
    if not any(p.startswith(within) for p in periods):
        raise _Insufficient(f"no data in {within} (data cover {periods[0]}–{periods[-1]})")
    r = detect(a, b, a=claim.a, b=claim.b or "", n=d.n or 1, until_end=False)
    numbers = {"status": r.status, "period": r.period, "series": [list(s) for s in r.series]}
    if r.status == "no_data":
        raise _Insufficient(r.describe())
    if r.status == "tentative" and r.period and r.period.startswith(within):
        raise _Insufficient(r.describe())
    if r.status == "ahead_from_start" and (periods[0].startswith(within) or periods[0] > within):
        raise _Insufficient(
            f"{r.describe()}, the first period with data: the history does "
            f"not reach back far enough to see whether it overtook in {within}"
        )
    verdict = (
        SUPPORTED
        if (r.status == "crossed" and r.period and r.period.startswith(within))
        else CONTRADICTED
    )
    return verdict, r.describe(), numbers


def _share(claim: Claim, d: Definition, data: _Data) -> tuple[str, str, dict[str, Any]]:
    if not data.additive:
        raise _Insufficient("a share of the total needs a metric whose values add up")
    values = data.values
    at = _at(d, values)
    groups = {g: v for (p, g), v in values.items() if p == at and g is not None}
    total = sum(groups.values())
    if total <= 0:
        raise _Insufficient(f"no values in {_span(d, at)}")
    a = groups.get(claim.a, 0.0)
    share = a / total
    if d.threshold is not None:
        verdict = SUPPORTED if share > d.threshold else CONTRADICTED
        text = (
            f"{claim.a} has {share:.0%} of the total {_fmt(total)} in {_span(d, at)} "
            f"(threshold {d.threshold:.0%})"
        )
    else:
        top = max(groups, key=lambda g: (groups[g], g))
        verdict = (
            SUPPORTED
            if a > 0 and all(a > v for g, v in groups.items() if g != claim.a)
            else CONTRADICTED
        )
        text = (
            f"{claim.a} has {share:.0%} of the total in {_span(d, at)}; the largest "
            f"group is {top} ({_fmt(groups[top])})"
        )
    return verdict, text, {"period": at, claim.a: a, "total": total, "share": share}


def _value(claim: Claim, d: Definition, data: _Data) -> tuple[str, str, dict[str, Any]]:
    if d.window == "rolling":
        raise _Insufficient("a value test reads one period; rolling sums do not apply")
    # "latest" / "previous" are A's own last periods with a value (a lag or a gap of A
    # exists only where A has one)
    own = {k: v for k, v in data.values.items() if k[1] == claim.a}
    at = _at(d, own if own else data.values)
    v = data.values.get((at, claim.a))
    if v is None:
        raise _Insufficient(f"no value for {claim.a} in {at}")
    ok = (d.low is None or v >= d.low) and (d.high is None or v <= d.high)
    if d.low is not None and d.high is not None:
        span = f"between {_fmt(d.low)} and {_fmt(d.high)}"
    elif d.high is not None:
        span = f"at most {_fmt(d.high)}"
    else:
        span = f"at least {_fmt(d.low or 0.0)}"
    # a metric's ``unit`` option (e.g. points or percent) names the unit of its values
    unit = "%" if d.options.get("unit") == "percent" else d.options.get("unit", data.unit)
    return (
        SUPPORTED if ok else CONTRADICTED,
        f"{claim.a} {data.fmt(v)} {unit} in {at} (claimed: {span})",
        {"period": at, claim.a: v, "low": d.low, "high": d.high},
    )


def _read_period(numbers: dict[str, Any]) -> str | None:
    """The latest period a test read: its period, its end, or a series' last period."""
    series = numbers.get("series")
    if series:
        return str(series[-1][0])
    for k in ("end", "period"):
        if numbers.get(k):
            return str(numbers[k])
    return None


_TESTS = {
    "compare": _compare,
    "trend": _trend,
    "crossover": _crossover,
    "share": _share,
    "value": _value,
}


def check_claims(
    source: Any, claims: list[Claim] | None = None, catalogue: Catalogue | None = None
) -> list[ClaimResult]:
    """Check ``claims`` (default: the bundled claims) on a store or engine."""
    from openrace.claims.loader import load_claims

    return ClaimChecker(source, catalogue).check_all(
        claims if claims is not None else load_claims()
    )
