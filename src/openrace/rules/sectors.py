"""The sector of a research institution: what it is, not what one field says.

Three sources, the first that knows wins:

1. the **registry**: an institution linked to a registry organisation takes that
   organisation's sector (``industry`` → ``company``, ``academia`` → ``education``, …);
2. **ROR**: an institution with a ROR id takes the first of its ROR types in
   :data:`ROR_PRIORITY` (a university that is also a funder is ``education``);
3. the institution's **OpenAlex type**, except ``funder`` (not a documented OpenAlex
   type, yet real universities carry it: University of Michigan, Simon Fraser, …) and
   ``archive``, which say nothing about the sector: ``other``.

ROR types come from ROR's public data dump (schema v2: a JSON list of organisation
records, or the Zenodo ``.zip`` holding it), read once by :class:`RorIndex`.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openrace.errors import UsageError

SECTORS = ("company", "education", "government", "nonprofit", "facility", "healthcare", "other")
#: ROR v2 types, most telling first (``funder`` and ``archive`` only when nothing else)
ROR_PRIORITY = (
    "education",
    "healthcare",
    "company",
    "government",
    "facility",
    "nonprofit",
    "archive",
    "funder",
    "other",
)
_ROR_SECTOR = {"archive": "other", "funder": "other"}
#: OpenAlex institution types → sectors
OPENALEX_SECTOR = {
    "company": "company",
    "education": "education",
    "government": "government",
    "facility": "facility",
    "healthcare": "healthcare",
    "nonprofit": "nonprofit",
    "archive": "other",
    "funder": "other",
    "other": "other",
}
#: registry sectors → institution sectors
REGISTRY_SECTOR = {
    "industry": "company",
    "academia": "education",
    "government": "government",
    "nonprofit": "nonprofit",
    "community": "nonprofit",
}


def ror_key(ror: str | None) -> str | None:
    """``https://ror.org/00jmfr291`` → ``00jmfr291`` (lower case); None for nothing."""
    if not ror or not isinstance(ror, str):
        return None
    tail = ror.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    return tail or None


def classify(
    openalex_type: str | None,
    ror_types: Iterable[str] | None = None,
    registry_sector: str | None = None,
) -> tuple[str, str]:
    """``(sector, basis)`` of an institution; basis is ``registry``, ``ror`` or
    ``openalex``."""
    if registry_sector in REGISTRY_SECTOR:
        return REGISTRY_SECTOR[registry_sector], "registry"
    types = {t.lower() for t in ror_types or () if isinstance(t, str)}
    for t in ROR_PRIORITY:
        if t in types:
            return _ROR_SECTOR.get(t, t), "ror"
    return OPENALEX_SECTOR.get((openalex_type or "").lower(), "other"), "openalex"


@dataclass
class RorIndex:
    """ROR types (and country) of organisations, by ROR id."""

    types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.types)

    def types_of(self, ror: str | None) -> tuple[str, ...]:
        """The ROR types of ``ror`` (empty when unknown)."""
        key = ror_key(ror)
        return self.types.get(key, ()) if key else ()

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> RorIndex:
        """Build from ROR v2 records (``id``, ``types``, ``locations``)."""
        idx = cls()
        for r in records:
            if not isinstance(r, Mapping):
                continue
            key = ror_key(r.get("id"))
            types = r.get("types")
            if not key or not isinstance(types, list):
                continue
            idx.types[key] = tuple(str(t).lower() for t in types if isinstance(t, str))
            locs = r.get("locations") or []
            if locs and isinstance(locs[0], Mapping):
                cc = (locs[0].get("geonames_details") or {}).get("country_code")
                if isinstance(cc, str):
                    idx.countries[key] = cc.upper()
        return idx

    @classmethod
    def from_dump(cls, path: str | Path) -> RorIndex:
        """Read ROR's data dump: a JSON list of v2 records, a ``.zip`` holding one (the
        ``*schema_v2.json`` member when there are several), or an Elasticsearch answer
        of the ROR API (``hits.hits[]._source``)."""
        p = Path(path)
        try:
            if zipfile.is_zipfile(p):
                with zipfile.ZipFile(p) as z:
                    names = [n for n in z.namelist() if n.endswith(".json")]
                    v2 = [n for n in names if "v2" in n] or names
                    if not v2:
                        raise UsageError(f"{p}: no JSON file in the ROR dump")
                    with z.open(v2[0]) as f:
                        data = json.load(io.TextIOWrapper(f, encoding="utf-8"))
            else:
                with p.open(encoding="utf-8") as f:
                    data = json.load(f)
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            raise UsageError(f"cannot read the ROR dump {p}: {exc}") from None
        if isinstance(data, dict) and isinstance(data.get("hits"), dict):
            data = [h.get("_source") for h in data["hits"].get("hits") or [] if isinstance(h, dict)]
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            data = data["items"]
        if not isinstance(data, list):
            raise UsageError(f"{p} is not a ROR data dump (a JSON list of organisations)")
        return cls.from_records(data)
