"""Harvest Epoch AI's model lists into the store: one snapshot of notable, frontier and
large-scale models, linked to the registry's organisations.

Each model becomes an artifact ``epoch:release:<model name>`` (source ``epoch``, kind
``release``) with ``tags`` naming the lists it is in (``notable``, ``frontier``,
``large-scale``), and ``epoch`` attributions, weight 1/n over its n organisations:

- an organisation whose name matches a registry organisation's name or alias
  (:func:`org_key`: case, punctuation and legal suffixes ignored) is credited to it, with
  the registry organisation's country (so the owner rule then follows its parent chain);
- an organisation the registry does not know keeps its Epoch name (in ``detail``, org
  NULL) and gets the row's country; a row naming several countries gives an unknown
  organisation the countries its known organisations do not already account for, split
  equally (all of the row's countries when none is left). Unmatched names are listed by
  ``openrace update epoch`` and in the report's methodology, never dropped;
- a row with no organisation is attributed to its countries, split equally.

A model whose name matches a registry release (:func:`openrace.sources.epoch.name_key`)
records it in ``detail.registry_release``: the release metrics' default catalogue counts
such a model once, as the registry's release.

The update replaces the previous Epoch snapshot in one transaction (a model Epoch no longer
lists is removed), so a killed update leaves the previous snapshot whole and the next one
starts afresh; rows Epoch sends that cannot be used are quarantined and counted in
``harvest_runs``. The data's date (the files' ``Last-Modified``), the latest publication
date and the files read are kept in ``meta`` (``epoch_*``) for provenance and coverage.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openrace.errors import OpenraceError
from openrace.registry.sync import refresh_dated_owners
from openrace.sources.epoch import (
    DEFAULT_SUBSETS,
    FILES,
    BadRow,
    EpochClient,
    EpochRow,
    merge,
    name_key,
    parse_csv,
)
from openrace.store import Store, utcnow
from openrace.store.runs import Run
from openrace.store.vocabulary import OK

SOURCE = "epoch"
SCOPE = "models"
METHOD = "epoch"
#: The attribution wording Epoch AI asks for (CC-BY 4.0; see docs/contracts/epoch.md).
ATTRIBUTION = (
    "Epoch AI, ‘Data on AI Models’, published online at epoch.ai "
    "(https://epoch.ai/data/ai-models), licensed CC BY 4.0"
)

_DOMAINS = (
    ("multimodal", "multimodal"),
    ("image generation", "image-generation"),
    ("video", "video-generation"),
    ("speech", "speech"),
    ("audio", "audio"),
    ("biology", "biology"),
    ("robotics", "robotics"),
    ("vision", "vision"),
    ("language", "language"),
    ("code", "code"),
)
_SUFFIX = re.compile(
    r"\b(inc|ltd|llc|co|corp|corporation|company|gmbh|plc|limited|group|"
    r"the)\b"
)


def org_key(name: str) -> str:
    """The key organisation names are matched on (``Meta AI, Inc.`` → ``metaai``)."""
    text = _SUFFIX.sub(" ", name.lower().replace("&", " and "))
    return re.sub(r"[^a-z0-9]", "", text)


@dataclass(frozen=True)
class OrgMatch:
    """A registry organisation a name matched."""

    id: str
    country: str


def org_index(orgs: Sequence[Mapping[str, Any]]) -> dict[str, OrgMatch]:
    """Match keys of every registry organisation's id, name and aliases (a key two
    organisations share is left out: it would be a guess)."""
    seen: dict[str, set[str]] = {}
    ref: dict[str, OrgMatch] = {}
    for o in orgs:
        m = OrgMatch(id=str(o["id"]), country=str(o["country"]))
        ref[m.id] = m
        names = [o["id"], o["name"], *(o.get("aliases") or [])]
        # "Qwen Team (Alibaba Cloud)" is also known as "Qwen Team"
        names += [re.sub(r"\s*\([^)]*\)", "", str(n)) for n in names]
        for n in names:
            k = org_key(str(n))
            if k:
                seen.setdefault(k, set()).add(m.id)
    return {k: ref[next(iter(ids))] for k, ids in seen.items() if len(ids) == 1}


def modality(domain: str | None) -> str:
    """Epoch's domain list → one openrace modality (the first that applies)."""
    d = (domain or "").lower()
    if "," in d and any(x in d for x in ("vision", "image")) and "language" in d:
        return "multimodal"
    for needle, value in _DOMAINS:
        if needle in d:
            return value
    return "other"


def tags(row: EpochRow) -> list[str]:
    """The Epoch lists a model is in (by file, by Epoch's own flags, or by compute)."""
    out = []
    if "notable" in row.subsets or row.notability:
        out.append("notable")
    if "frontier" in row.subsets or row.frontier:
        out.append("frontier")
    if "large-scale" in row.subsets or row.large_scale:
        out.append("large-scale")
    return out


def attribution_rows(
    artifact_id: str, row: EpochRow, index: Mapping[str, OrgMatch]
) -> list[dict[str, Any]]:
    """The ``epoch`` attributions of one model (weights sum to 1; see the module doc)."""
    names = list(row.organizations)
    if not names:
        cs = list(row.countries) or [None]
        return [
            {
                "artifact_id": artifact_id,
                "org_id": None,
                "country": c,
                "weight": 1.0 / len(cs),
                "method": METHOD,
                "detail": "epoch: no organisation given",
            }
            for c in cs
        ]
    share = 1.0 / len(names)
    matched = {n: index.get(org_key(n)) for n in names}
    known = {m.country for m in matched.values() if m is not None}
    left = [c for c in row.countries if c not in known] or list(row.countries)
    out: list[dict[str, Any]] = []
    for n in names:
        m = matched[n]
        if m is not None:
            out.append(
                {
                    "artifact_id": artifact_id,
                    "org_id": m.id,
                    "country": m.country,
                    "weight": share,
                    "method": METHOD,
                    "detail": f"epoch organisation {n} = registry {m.id}",
                }
            )
            continue
        cs: list[str | None] = list(left) or [None]
        for c in cs:
            out.append(
                {
                    "artifact_id": artifact_id,
                    "org_id": None,
                    "country": c,
                    "weight": share / len(cs),
                    "method": METHOD,
                    "detail": f"epoch organisation {n}",
                }
            )
    return out


@dataclass
class EpochResult:
    """What one Epoch update did."""

    run_id: int
    requests: int = 0
    read: int = 0
    stored: int = 0
    rejected: int = 0
    removed: int = 0
    matched_orgs: int = 0
    covered_by_registry: int = 0
    data_date: str | None = None
    latest_publication: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the CLI."""
        return dict(self.__dict__)


def harvest(
    store: Store,
    client: EpochClient,
    *,
    subsets: Sequence[str] = DEFAULT_SUBSETS,
    progress: Callable[[str], None] | None = None,
) -> EpochResult:
    """Download Epoch's lists ``subsets`` and replace the store's Epoch snapshot with them
    (see the module doc). Returns what was done; raises the source's errors with the
    run closed as failed and the previous snapshot untouched."""
    for s in subsets:
        if s not in FILES:
            raise OpenraceError(f"unknown Epoch list {s!r}; lists: {', '.join(FILES)}")
    params = {"subsets": list(subsets), "endpoint": client.endpoint}
    # a new update replaces the snapshot whole: it never resumes one
    with store.run(SOURCE, SCOPE, params, resume=False,
                   superseded="superseded by a new update") as run:
        res = EpochResult(run_id=run.run_id)
        rows: list[EpochRow] = []
        bad: list[tuple[str, BadRow]] = []
        modified: list[datetime] = []
        for s in subsets:
            d = client.download(s)
            parsed, rejects, cols = parse_csv(d.text, s)
            res.requests += d.requests
            res.read += len(parsed) + len(rejects)
            rows += parsed
            bad += [(s, b) for b in rejects]
            if d.last_modified:
                modified.append(d.last_modified)
            res.files.append(
                {
                    "list": s,
                    "url": d.url,
                    "rows": len(parsed),
                    "rejected": len(rejects),
                    "columns": sorted(cols),
                    "last_modified": d.last_modified.isoformat() if d.last_modified else None,
                }
            )
            if progress:
                progress(f"epoch {s}: {len(parsed):,} rows, {len(rejects):,} rejected")
        models, dupes = merge(rows)
        bad += [("merge", b) for b in dupes]
        _store(store, run, res, models, bad, modified)
    return res


def _store(
    store: Store,
    run: Run,
    res: EpochResult,
    models: Mapping[str, EpochRow],
    bad: list[tuple[str, BadRow]],
    modified: list[datetime],
) -> None:
    now = utcnow()
    orgs = store.dicts("SELECT id, name, aliases, country FROM organizations")
    index = org_index(orgs)
    releases = store.dicts(
        "SELECT source_id, title FROM artifacts WHERE source = 'registry' AND kind = 'release'"
    )
    rel_keys: dict[str, str] = {}
    for r in releases:
        for text in (r["title"], r["source_id"]):
            rel_keys.setdefault(name_key(str(text or "")), r["source_id"])
    rel_keys.pop("", None)
    arts: list[dict[str, Any]] = []
    attrs: list[dict[str, Any]] = []
    unmatched: Counter[str] = Counter()
    for row in models.values():
        aid = f"epoch:release:{row.model}"
        covered = rel_keys.get(row.key)
        res.covered_by_registry += covered is not None
        rows = attribution_rows(aid, row, index)
        attrs += rows
        for n in row.organizations:
            if org_key(n) in index:
                res.matched_orgs += 1
            else:
                unmatched[n] += 1
        weights = row.access == "open-weights" if row.access else None
        arts.append(
            {
                "artifact_id": aid,
                "source": SOURCE,
                "kind": "release",
                "source_id": row.model,
                "title": row.model,
                "author": row.organizations[0] if row.organizations else None,
                "created": datetime.combine(row.date, datetime.min.time()),
                "date_precision": row.date_precision,
                "license_class": row.license_class,
                "access": row.access,
                "modality": modality(row.domain),
                "params_b": row.parameters / 1e9 if row.parameters else None,
                "tags": tags(row),
                "weights": weights,
                "url": row.link,
                "detail": json.dumps(
                    {
                        "organizations": list(row.organizations),
                        "countries": list(row.countries),
                        "unknown_countries": list(row.unknown_countries),
                        "accessibility": row.accessibility,
                        "training_compute_flop": row.compute,
                        "parameters": row.parameters,
                        "notability": row.notability,
                        "frontier": row.frontier,
                        "domain": row.domain,
                        "lists": sorted(row.subsets),
                        "registry_release": covered,
                        "match_key": row.key,
                    },
                    ensure_ascii=False,
                ),
                "first_seen": now,
                "last_seen": now,
            }
        )
    latest = max((r.date for r in models.values()), default=None)
    data_date = max(modified).date() if modified else now.date()
    res.data_date = data_date.isoformat()
    res.latest_publication = latest.isoformat() if latest else None
    res.unmatched = [
        {"organization": n, "rows": c}
        for n, c in sorted(unmatched.items(), key=lambda x: (-x[1], x[0]))
    ]
    ids = [a["artifact_id"] for a in arts]
    with store.transaction():
        res.removed = len(store.remove_stale(SOURCE, "release", ids))
        store.upsert("artifacts", arts, ["artifact_id"], keep=["first_seen"])
        store.replace_attributions(ids, [METHOD], attrs)
        refresh_dated_owners(store)
        for where, b in bad:
            store.quarantine(res.run_id, SOURCE, b.key, f"{where}: {b.reason}", b.raw)
        res.stored = len(arts)
        res.rejected = len(bad)
        store.checkpoint(
            res.run_id,
            watermark=res.data_date,
            requests=res.requests,
            read=res.read,
            stored=res.stored,
            rejected=res.rejected,
        )
        store.set_meta("epoch_data_date", res.data_date)
        if res.latest_publication:
            store.set_meta("epoch_coverage", res.latest_publication)
        store.set_meta("epoch_files", json.dumps(res.files))
        store.set_meta("epoch_attribution", ATTRIBUTION)
        run.stop(OK)  # in the snapshot's transaction


def unmatched_organizations(store: Store) -> list[dict[str, Any]]:
    """Organisation names in the stored Epoch rows that no registry organisation matches,
    with how many models name them (most first)."""
    return store.dicts(
        "SELECT substr(detail, 20) AS organization, count(DISTINCT artifact_id) AS models "
        "FROM attributions WHERE method = 'epoch' AND org_id IS NULL AND "
        "detail LIKE 'epoch organisation %' GROUP BY 1 ORDER BY 2 DESC, 1"
    )


def epoch_meta(store: Store) -> dict[str, Any]:
    """The stored Epoch snapshot's provenance (empty when Epoch was never harvested)."""
    date_ = store.meta("epoch_data_date")
    if date_ is None:
        return {}
    files = store.meta("epoch_files")
    return {
        "data_date": date_,
        "coverage": store.meta("epoch_coverage"),
        "files": json.loads(files) if files else [],
        "attribution": store.meta("epoch_attribution") or ATTRIBUTION,
    }
