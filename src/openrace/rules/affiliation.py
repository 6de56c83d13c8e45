"""Paper attributions from author affiliations: pure functions, records in, rows out.

A work's attributions (method ``affiliation``) come from its authorships:

- every author carries an equal share of the work, ``1 / n_authors``;
- an author's share is split equally over their institutions (an author with two
  affiliations gives half of their share to each);
- an institution's country is its ``country_code``; when OpenAlex gives none, the
  author's own country is used if the author has exactly one, else the country is unknown;
- an author without institutions but with countries splits their share over those
  countries; an author with neither keeps their share unattributed (country NULL).

So the weights of one work's rows sum to 1 (fractional counting); whole counting counts a
work once for every country / organisation that has any row. A work with no usable
affiliation at all gets one ``unattributed`` row of weight 1.

Institutions are linked to registry organisations (``org_id``) through their OpenAlex id
or ROR id, walking up the institution's OpenAlex lineage (a lab to its company) when the
institution itself is not in the registry. ``detail`` holds the institution's sector
(:mod:`openrace.rules.sectors`: the registry's, else ROR's types, else OpenAlex's type) and id,
e.g. ``company I1291425158``, so that company-authored papers are one filter away.

:func:`work_attributions` computes the rows of one work in Python (the harvester's
path); for millions of works at once, from the long rows of :func:`flatten`,
:func:`fractional_weight_batches` streams the same weights through Arrow batches in one
linear pass (rows grouped by work), and :func:`fractional_weights` computes them in DuckDB
(any row order).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from openrace.rules.sectors import RorIndex, classify
from openrace.sources.openalex import Institution, WorkRecord

METHOD = "affiliation"
UNATTRIBUTED = "unattributed"
#: institution types of OpenAlex grouped as in the report ("company", "education", other)
COMPANY, EDUCATION = "company", "education"


@dataclass
class OrgIndex:
    """Registry organisations by OpenAlex institution id and by ROR id, their sectors, and
    ROR's types of institutions (to classify those outside the registry)."""

    by_openalex: dict[str, str] = field(default_factory=dict)
    by_ror: dict[str, str] = field(default_factory=dict)
    sectors: dict[str, str] = field(default_factory=dict)
    ror: RorIndex | None = None

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], ror: RorIndex | None = None
                  ) -> OrgIndex:
        """Build from organisation rows with ``id``, ``openalex_id``, ``ror`` and
        ``sector``."""
        idx = cls(ror=ror)
        for r in rows:
            if r.get("sector"):
                idx.sectors[r["id"]] = r["sector"]
            if r.get("openalex_id"):
                idx.by_openalex[str(r["openalex_id"]).rsplit("/", 1)[-1].upper()] = r["id"]
            if r.get("ror"):
                idx.by_ror[_ror_key(str(r["ror"]))] = r["id"]
        return idx

    @classmethod
    def from_store(cls, store: Any, ror: RorIndex | None = None) -> OrgIndex:
        """Build from the store's ``organizations`` table."""
        return cls.from_rows(store.dicts(
            "SELECT id, openalex_id, ror, sector FROM organizations "
            "WHERE openalex_id IS NOT NULL OR ror IS NOT NULL ORDER BY id"), ror)

    def __len__(self) -> int:
        return len(set(self.by_openalex.values()) | set(self.by_ror.values()))

    def match(self, inst: Institution) -> str | None:
        """The registry organisation of ``inst``: its own OpenAlex or ROR id first, then
        the institutions above it in its OpenAlex lineage."""
        if inst.id and inst.id in self.by_openalex:
            return self.by_openalex[inst.id]
        if inst.ror and _ror_key(inst.ror) in self.by_ror:
            return self.by_ror[_ror_key(inst.ror)]
        for parent in inst.lineage:
            if parent != inst.id and parent in self.by_openalex:
                return self.by_openalex[parent]
        return None


    def sector(self, inst: Institution, org: str | None = None) -> tuple[str, str]:
        """``(sector, basis)`` of ``inst`` (``org``: its registry organisation, if known)."""
        org = org if org is not None else self.match(inst)
        ror_types = self.ror.types_of(inst.ror) if self.ror is not None else ()
        return classify(inst.type, ror_types, self.sectors.get(org) if org else None)


def _ror_key(ror: str) -> str:
    return ror.rstrip("/").rsplit("/", 1)[-1].lower()


#: One long row: (work id, author index, org id, country, detail).
LongRow = tuple[str, int, str | None, str | None, str]


def flatten(work: WorkRecord, index: OrgIndex | None = None) -> list[LongRow]:
    """One row per (author, affiliation unit) of ``work``: the input of the weights."""
    rows: list[LongRow] = []
    for i, a in enumerate(work.authorships):
        units: list[tuple[str | None, str | None, str]] = []
        seen: set[str] = set()
        for inst in a.institutions:
            if inst.id is not None:
                if inst.id in seen:
                    continue
                seen.add(inst.id)
            country = inst.country or (a.countries[0] if len(a.countries) == 1 else None)
            org = index.match(inst) if index is not None else None
            sector = (index.sector(inst, org)[0] if index is not None
                      else classify(inst.type)[0])
            units.append((org, country, f"{sector} {inst.id or '-'}"))
        if not units:
            units = [(None, c, "country -") for c in a.countries] or [(None, None, "unknown -")]
        rows += [(work.id, i, org, country, detail) for org, country, detail in units]
    return rows


def work_attributions(work: WorkRecord, index: OrgIndex | None = None) -> list[dict[str, Any]]:
    """The attribution rows of one work (weights sum to 1)."""
    aid = work.artifact_id
    long = flatten(work, index)
    if not long or all(org is None and country is None for _, _, org, country, _ in long):
        return [{"artifact_id": aid, "org_id": None, "country": None, "weight": 1.0,
                 "method": UNATTRIBUTED, "detail": "no affiliation"}]
    n_authors = len(work.authorships)
    per_author: dict[int, int] = {}
    for _, i, *_ in long:
        per_author[i] = per_author.get(i, 0) + 1
    acc: dict[tuple[str | None, str | None, str], Fraction] = {}
    for _, i, org, country, detail in long:
        k = (org, country, detail)
        acc[k] = acc.get(k, Fraction(0)) + Fraction(1, n_authors * per_author[i])
    return [
        {"artifact_id": aid, "org_id": org, "country": country, "weight": float(w),
         "method": METHOD, "detail": detail}
        for (org, country, detail), w in sorted(acc.items(), key=lambda kv: _sort_key(kv[0]))
    ]


def _sort_key(k: tuple[str | None, str | None, str]) -> tuple[str, str, str]:
    return (k[1] or "~", k[0] or "~", k[2])


def country_weights(rows: Sequence[Mapping[str, Any]]) -> dict[str | None, float]:
    """Fractional weight per country of one work's rows."""
    out: dict[str | None, float] = {}
    for r in rows:
        out[r["country"]] = out.get(r["country"], 0.0) + r["weight"]
    return out


def institution_type(detail: str | None) -> str:
    """The institution type recorded in an attribution's ``detail``."""
    return (detail or "unknown").split(" ", 1)[0]


FRACTIONAL_SQL = """
WITH units AS (SELECT work_id, author_idx, count(*) AS k FROM {src} GROUP BY work_id, author_idx),
authors AS (SELECT work_id, count(*) AS n FROM units GROUP BY work_id)
SELECT s.work_id, s.org_id, s.country, s.detail, 1.0 / (authors.n * units.k) AS weight
FROM {src} s
JOIN units USING (work_id, author_idx)
JOIN authors USING (work_id)
"""


def fractional_weights(con: Any, source: str) -> Any:
    """Fractional weights for every work of ``source`` (a DuckDB table, view or
    ``read_parquet(...)`` holding :func:`flatten`'s columns ``work_id, author_idx, org_id,
    country, detail``), as a DuckDB relation ``work_id, org_id, country, detail, weight``
    with one row per input row (sum by ``work_id, org_id, country, detail`` to merge an
    institution shared by several authors, as :func:`work_attributions` does).

    The same rule as :func:`work_attributions`, run by DuckDB in bounded memory; any order
    of the input rows.
    """
    return con.sql(FRACTIONAL_SQL.format(src=source))


def fractional_weight_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Stream fractional weights over long rows that come grouped by work, authors in
    order (as :func:`flatten` writes them): each batch gains a ``weight`` column.

    One linear pass with run-length arithmetic, no hashing or sorting, so memory is bounded
    by the batch size; a work cut by a batch boundary is carried into the next batch.
    """
    carry: pa.Table | None = None
    for batch in batches:
        table = pa.Table.from_batches([batch])
        if carry is not None and carry.num_rows:
            table = pa.concat_tables([carry, table])
        if table.num_rows == 0:
            continue
        works = table.column("work_id").combine_chunks()
        last = works[-1]
        # the rows of the last work may continue in the next batch
        tail = len(works) - _run_length_from_end(works, last)
        carry = table.slice(tail)
        if tail:
            yield from _weights(table.slice(0, tail)).to_batches()
    if carry is not None and carry.num_rows:
        yield from _weights(carry).to_batches()


def _run_length_from_end(works: pa.Array, last: Any) -> int:
    eq = pc.equal(works, last).to_numpy(zero_copy_only=False)
    diff = np.flatnonzero(~eq)
    return len(works) - (int(diff[-1]) + 1) if len(diff) else len(works)


def _weights(table: pa.Table) -> pa.Table:
    works = table.column("work_id").combine_chunks()
    authors = table.column("author_idx").combine_chunks().to_numpy(zero_copy_only=False)
    n = len(authors)
    same_work = np.zeros(n, dtype=bool)
    if n > 1:
        same_work[1:] = pc.equal(works.slice(1), works.slice(0, n - 1)).to_numpy(
            zero_copy_only=False)
    same_author = np.zeros(n, dtype=bool)
    same_author[1:] = authors[1:] == authors[:-1]
    new_author = ~(same_work & same_author)
    author_run = np.cumsum(new_author) - 1
    k = np.bincount(author_run)[author_run]
    work_run = np.cumsum(~same_work) - 1
    n_authors = np.bincount(work_run, weights=new_author)[work_run]
    return table.append_column("weight", pa.array(1.0 / (k * n_authors), pa.float64()))
