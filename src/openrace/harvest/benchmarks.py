"""Harvest benchmark results (Epoch AI's benchmark data, the Arena leaderboard) into the store.

Each source is one resumable harvest run (``harvest_runs``): the file is downloaded, parsed
into :class:`~openrace.sources.benchmark_results.BenchmarkResult` records (malformed rows
quarantined and counted), every evaluated model is linked to the registry, and the
results are committed in batches, each with the run's cursor. A run killed half-way is
resumed by the next update of the same source (the same file: its SHA-256 is the run's
watermark); a finished run's results are never doubled (``observations`` are unique per
artifact, metric and run), and an update of an unchanged file stores the same rows again
under a new run, as every openrace harvest observes anew.

What is stored, per evaluated model (``artifacts``, kind ``evaluated_model``, id
``<source>:evaluated_model:<name>``): its name as the source gives it, its release date,
access class, licence and developer as resolved below, and in ``detail`` how it was matched.
Per result: an observation ``score:<benchmark>`` (and ``stderr:<benchmark>`` when the source
gives one) whose ``observed_at`` is the evaluation date (the release date where the source
gives none). Its developers and countries are ``attributions`` of method ``benchmark``.

**Linking to the registry.** A model name is reduced to a key (lower case, reasoning-effort
suffixes such as ``_high`` or ``_32K`` and trailing dates dropped, ``-instruct`` / ``-chat``
dropped, separators unified) and looked up among the registry's release names, ids and Hub
repos, then in the alias table (``benchmarks_aliases.yaml``). A matched model takes its
developers, country and access class from the registry, and its release date from the
source (a dated model version) or else from the registry. An unmatched model keeps what
the source says: its organisation (linked to a registry organisation by name or alias
when one matches), the source's country and accessibility. Models matched to nothing
are listed (``openrace benchmarks --unmatched``), never dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from typing import Any

import pyarrow as pa
import yaml

from openrace.errors import UsageError
from openrace.sources import arena as arena_src
from openrace.sources import epoch_benchmarks as epoch_src
from openrace.sources.benchmark_results import BenchmarkResult, FileClient, Parsed
from openrace.store import Store, utcnow

KIND = "evaluated_model"
METHOD = "benchmark"
SOURCES = (epoch_src.SOURCE, arena_src.SOURCE)
BATCH = 500

_EFFORT = re.compile(
    r"_(minimal|low|medium|high|xhigh|max|none|auto|thinking|non-?thinking|reasoning|"
    r"unknown|default|\d+k)$",
    re.IGNORECASE,
)
_DATE_TAIL = re.compile(r"-(20\d\d-?\d\d-?\d\d)$")
_WORD_TAIL = re.compile(r"-(instruct|chat|it|hf|latest)$")


def model_key(name: str) -> str:
    """The key a model name is matched on: ``claude-3-5-sonnet-20240620_high`` and
    ``Claude 3.5 Sonnet`` both give ``claude-3-5-sonnet``."""
    s = name.strip()
    while True:
        t = _EFFORT.sub("", s)
        if t == s:
            break
        s = t
    s = s.lower()
    s = re.sub(r"\([^)]*\)", " ", s)
    s = s.rsplit("/", 1)[-1] if "/" in s else s
    s = re.sub(r"[\s_.:,]+", "-", s)
    s = re.sub(r"-+", "-", s).strip("-")
    while True:
        t = _WORD_TAIL.sub("", _DATE_TAIL.sub("", s))
        if t == s:
            break
        s = t
    return s


def access_class(text: str | None) -> str | None:
    """openrace's access class from a source's words: ``Open weights (restricted use)`` →
    ``open-weights``; ``API access`` / ``Hosted access`` / ``Closed weights`` → ``api``;
    ``Unreleased`` → ``unreleased``; else None (unknown)."""
    if not text:
        return None
    low = text.strip().lower()
    if low.startswith("open weights") or low in ("open-weights", "open", "open weights"):
        return "open-weights"
    if low.startswith(("api", "hosted", "closed")) or low == "proprietary":
        return "api"
    if low.startswith("unreleased"):
        return "unreleased"
    return None


def country_code(name: str | None) -> list[str]:
    """ISO alpha-2 codes of a source's country text (``United States of America,China`` →
    ``['US', 'CN']``); names that are not countries (``Multinational``) are left out."""
    if not name:
        return []
    import pycountry

    out: list[str] = []
    for part in re.split(r"[,;/]", name):
        p = part.strip()
        if not p:
            continue
        if re.fullmatch(r"[A-Za-z]{2}", p):
            out.append(p.upper())
            continue
        p = _COUNTRY_NAMES.get(p.lower(), p)
        try:
            out.append(pycountry.countries.lookup(p).alpha_2)
        except LookupError:
            continue
    return list(dict.fromkeys(out))


_COUNTRY_NAMES = {
    "usa": "US",
    "uk": "GB",
    "uae": "AE",
    "korea (republic of)": "KR",
    "republic of korea": "KR",
    "russia": "RU",
    "south korea": "KR",
}


# -- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """How one evaluated model was linked to the registry."""

    #: ``release`` (a registry release), ``family`` (a release whose name the model's
    #: starts with), ``organization`` (only its developer) or ``unmatched``
    method: str
    release_id: str | None = None
    org_ids: tuple[str, ...] = ()
    #: (org_id or None, country) pairs for the attributions
    attributions: tuple[tuple[str | None, str], ...] = ()
    release_date: date | None = None
    access: str | None = None


@dataclass
class ModelMatcher:
    """Links source model names and organisations to the registry in ``store``."""

    releases: dict[str, dict[str, Any]]
    release_keys: dict[str, str]
    orgs: dict[str, dict[str, Any]]
    org_names: dict[str, str]
    model_aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store, aliases: dict[str, Any] | None = None) -> ModelMatcher:
        """The registry as stored (``openrace`` syncs it before an update), and the alias
        table (default: the bundled ``benchmarks_aliases.yaml``)."""
        aliases = load_aliases() if aliases is None else aliases
        orgs = {
            r["id"]: r
            for r in store.dicts(
                "SELECT id, name, aliases, country, owner_country FROM organizations"
            )
        }
        org_names: dict[str, str] = {}
        for oid, o in orgs.items():
            for n in [o["name"], oid, *(o["aliases"] or [])]:
                org_names.setdefault(n.strip().lower(), oid)
        for n, oid in (aliases.get("organizations") or {}).items():
            if oid in orgs:
                org_names[str(n).strip().lower()] = oid
        releases: dict[str, dict[str, Any]] = {}
        for r in store.dicts(
            "SELECT a.source_id AS id, a.title, a.hf_repo, a.created, a.access, "
            "list(t.org_id ORDER BY t.org_id) AS org_ids FROM artifacts a "
            "LEFT JOIN attributions t ON t.artifact_id = a.artifact_id AND t.method = 'registry' "
            "WHERE a.source = 'registry' AND a.kind = 'release' "
            "GROUP BY a.source_id, a.title, a.hf_repo, a.created, a.access"
        ):
            releases[r["id"]] = r
        keys: dict[str, str] = {}
        # ids first, then names, then Hub repos: the most specific spelling wins a collision
        for attr in ("id", "title", "hf_repo"):
            for rid, r in sorted(releases.items()):
                if r.get(attr):
                    keys.setdefault(model_key(str(r[attr])), rid)
        model_aliases: dict[str, str] = {}
        for n, rid in (aliases.get("models") or {}).items():
            if rid in releases:
                model_aliases[str(n).strip().lower()] = rid
                model_aliases[model_key(str(n))] = rid
        return cls(releases, keys, orgs, org_names, model_aliases)

    def release_for(self, name: str) -> tuple[str, str] | None:
        """The registry release a model name stands for, and how: ``release`` (its name,
        id, Hub repo or an alias) or ``family`` (the longest release key it starts with, at
        a ``-`` boundary: ``llama-3-1-405b`` → ``llama-3.1``)."""
        low = name.strip().lower()
        key = model_key(name)
        rid = (
            self.model_aliases.get(low) or self.model_aliases.get(key) or self.release_keys.get(key)
        )
        if rid is not None:
            return rid, "release"
        parts = key.split("-")
        for n in range(len(parts) - 1, 0, -1):
            prefix = "-".join(parts[:n])
            if len(prefix) >= 3 and prefix in self.release_keys:
                return self.release_keys[prefix], "family"
        return None

    def org_for(self, organization: str | None) -> list[str]:
        """Registry organisations named in a source's organisation text."""
        if not organization:
            return []
        found = []
        for part in re.split(r"[,;]", organization):
            oid = self.org_names.get(part.strip().lower())
            if oid:
                found.append(oid)
        return list(dict.fromkeys(found))

    def match(self, r: BenchmarkResult) -> Match:
        """Link one result's model."""
        source_access = (
            access_class(r.access)
            if r.source != arena_src.SOURCE
            else arena_src.access_of(r.license)
        )
        found = self.release_for(r.model)
        if (found is None or found[1] == "family") and r.display_name:
            found = self.release_for(r.display_name) or found
        if found is not None:
            rid, how = found
            rel = self.releases[rid]
            org_ids = tuple(o for o in rel["org_ids"] or [] if o)
            created = rel["created"]
            reg_date = created.date() if isinstance(created, datetime) else created
            return Match(
                how,
                rid,
                org_ids,
                tuple((o, self.orgs[o]["country"]) for o in org_ids if o in self.orgs),
                r.release_date or reg_date,
                rel["access"] or source_access,
            )
        org_ids = tuple(self.org_for(r.organization))
        if org_ids:
            return Match(
                "organization",
                None,
                org_ids,
                tuple((o, self.orgs[o]["country"]) for o in org_ids),
                r.release_date,
                source_access,
            )
        return Match(
            "unmatched",
            None,
            (),
            tuple((None, c) for c in country_code(r.country)),
            r.release_date,
            source_access,
        )


def load_aliases() -> dict[str, Any]:
    """The bundled alias table: source model names → registry release ids, source
    organisation names → registry organisation ids."""
    text = (
        resources.files("openrace.harvest")
        .joinpath("benchmarks_aliases.yaml")
        .read_text(encoding="utf-8")
    )
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise UsageError("benchmarks_aliases.yaml must be a mapping")
    return data


# -- the harvest ------------------------------------------------------------------------------


@dataclass
class SourceResult:
    """What one source's harvest did."""

    source: str
    run_id: int
    url: str
    requests: int = 0
    read: int = 0
    stored: int = 0
    rejected: int = 0
    models: int = 0
    matched: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    resumed: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the CLI."""
        return dict(self.__dict__)


def artifact_id(source: str, model: str) -> str:
    """The artifact id of an evaluated model."""
    return f"{source}:{KIND}:{model}"


def harvest_source(
    store: Store,
    client: FileClient,
    source: str,
    url: str,
    parse: Callable[[bytes], Parsed],
    *,
    scope: str = "results",
    params: dict[str, Any] | None = None,
    matcher: ModelMatcher | None = None,
    batch: int = BATCH,
) -> SourceResult:
    """Download ``url``, parse it with ``parse`` and store the results (see the module)."""
    params = {"url": url, **(params or {})}
    before = client.requests
    data, _headers = client.get(url)
    sha = hashlib.sha256(data).hexdigest()
    parsed = parse(data)
    matcher = matcher or ModelMatcher.from_store(store)
    results = sorted(parsed.results, key=lambda r: (r.benchmark, r.model))
    with store.run(source, scope, params, resume=lambda prev: prev["watermark"] == sha,
                   superseded="superseded by a run of another file or other parameters"
                   ) as run:
        run_id, resumed = run.run_id, run.resumed
        start = int(run.cursor or 0) if resumed else 0
        if not resumed:
            with store.transaction():
                store.checkpoint(
                    run_id,
                    watermark=sha,
                    requests=client.requests - before,
                    read=parsed.rows_read,
                    rejected=len(parsed.rejected),
                )
                for rej in parsed.rejected:
                    store.quarantine(run_id, source, rej.key, rej.reason, rej.raw)
        res = SourceResult(
            source,
            run_id,
            url,
            requests=client.requests - before,
            read=parsed.rows_read,
            rejected=len(parsed.rejected),
            skipped=dict(parsed.skipped),
            resumed=resumed,
        )
        for i in range(start, len(results), batch):
            chunk = results[i : i + batch]
            with store.transaction():
                n = _store_batch(store, run_id, chunk, matcher)
                store.checkpoint(run_id, cursor=str(i + len(chunk)), stored=n)
        run.message = json.dumps({"skipped": parsed.skipped}) if parsed.skipped else None
    counts = store.dicts("SELECT n_stored FROM harvest_runs WHERE run_id = ?", [run_id])
    res.stored = int(counts[0]["n_stored"]) if counts else 0
    models = {r.model for r in results}
    res.models = len(models)
    seen: dict[str, str] = {}
    for r in results:
        seen.setdefault(r.model, matcher.match(r).method)
    for m in seen.values():
        res.matched[m] = res.matched.get(m, 0) + 1
    return res


def _store_batch(
    store: Store, run_id: int, results: Sequence[BenchmarkResult], matcher: ModelMatcher
) -> int:
    now = utcnow()
    arts: dict[str, dict[str, Any]] = {}
    attrs: list[dict[str, Any]] = []
    obs: list[dict[str, Any]] = []
    for r in results:
        aid = artifact_id(r.source, r.model)
        m = matcher.match(r)
        if aid not in arts:
            arts[aid] = {
                "artifact_id": aid,
                "source": r.source,
                "kind": KIND,
                "source_id": r.model,
                "title": r.display_name or r.model,
                "author": r.organization,
                "created": m.release_date,
                "date_precision": "day" if m.release_date else None,
                "license": r.license,
                "access": m.access,
                "modality": "language",
                "detail": json.dumps(
                    {
                        "match": m.method,
                        "release_id": m.release_id,
                        "org_ids": list(m.org_ids),
                        "source_organization": r.organization,
                        "source_country": r.country,
                        "source_access": r.access,
                        "source_release_date": r.release_date.isoformat()
                        if r.release_date
                        else None,
                        "key": model_key(r.model),
                    }
                ),
                "first_seen": now,
                "last_seen": now,
            }
            pairs = list(dict.fromkeys(m.attributions))
            for org_id, country in pairs:
                attrs.append(
                    {
                        "artifact_id": aid,
                        "org_id": org_id,
                        "country": country,
                        "weight": 1.0 / len(pairs),
                        "method": METHOD,
                        "detail": f"{m.method} match",
                    }
                )
        when = r.evaluated or m.release_date
        observed = datetime.combine(when, datetime.min.time()) if when else now
        obs.append(
            {
                "artifact_id": aid,
                "metric": f"score:{r.benchmark}",
                "value": r.score,
                "observed_at": observed,
                "run_id": run_id,
            }
        )
        if r.stderr is not None:
            obs.append(
                {
                    "artifact_id": aid,
                    "metric": f"stderr:{r.benchmark}",
                    "value": r.stderr,
                    "observed_at": observed,
                    "run_id": run_id,
                }
            )
    rows = list(arts.values())
    store.upsert("artifacts", rows, ["artifact_id"], keep=["first_seen"])
    store.replace_attributions(arts, [METHOD], attrs)
    store.append("observations", obs)
    return len(results)


# -- both sources -----------------------------------------------------------------------------


def harvest(
    store: Store,
    client: FileClient,
    *,
    sources: Iterable[str] = SOURCES,
    epoch_url: str = epoch_src.DEFAULT_URL,
    arena_endpoint: str = arena_src.DEFAULT_ENDPOINT,
    arena_config: str = arena_src.DEFAULT_CONFIG,
    arena_split: str = arena_src.DEFAULT_SPLIT,
    arena_category: str = arena_src.DEFAULT_CATEGORY,
    progress: Callable[[str], None] | None = None,
) -> list[SourceResult]:
    """Harvest the chosen sources (``epoch-benchmarks``, ``arena``) into ``store``."""
    chosen = list(dict.fromkeys(sources))
    unknown = [s for s in chosen if s not in SOURCES]
    if unknown or not chosen:
        raise UsageError(f"unknown benchmark source(s) {unknown}; sources: {', '.join(SOURCES)}")
    if arena_split not in ("full", "latest"):
        raise UsageError(f"the Arena split must be full or latest, not {arena_split!r}")
    if not re.fullmatch(r"[a-z0-9_-]+", arena_config):
        raise UsageError(f"bad Arena configuration name {arena_config!r}")
    matcher = ModelMatcher.from_store(store)
    out: list[SourceResult] = []
    for s in chosen:
        if progress:
            progress(f"downloading {s} ...")
        if s == epoch_src.SOURCE:
            out.append(
                harvest_source(
                    store, client, s, epoch_url, epoch_src.parse_archive, matcher=matcher
                )
            )
        else:
            url = arena_src.file_url(arena_endpoint, arena_config, arena_split)
            out.append(
                harvest_source(
                    store,
                    client,
                    s,
                    url,
                    lambda data: arena_src.parse_leaderboard(
                        data, config=arena_config, category=arena_category
                    ),
                    scope=f"{arena_config}:{arena_category}",
                    params={"category": arena_category},
                    matcher=matcher,
                )
            )
    return out


def evaluated_models(
    store: Store, *, unmatched: bool = False, source: str | None = None
) -> pa.Table:
    """The evaluated models with how each was linked to the registry (for ``openrace
    benchmarks``)."""
    where = ["a.kind = ?"]
    params: list[Any] = [KIND]
    if source:
        where.append("a.source = ?")
        params.append(source)
    if unmatched:
        where.append("json_extract_string(a.detail, '$.match') = 'unmatched'")
    return store.sql(
        "SELECT a.source, a.source_id AS model, json_extract_string(a.detail, '$.match') "
        "AS match, json_extract_string(a.detail, '$.release_id') AS release_id, "
        "(SELECT string_agg(DISTINCT t.org_id, ';') FROM attributions t WHERE "
        "t.artifact_id = a.artifact_id AND t.method = 'benchmark') AS orgs, "
        "(SELECT string_agg(DISTINCT t.country, ';') FROM attributions t WHERE "
        "t.artifact_id = a.artifact_id AND t.method = 'benchmark') AS countries, "
        "a.access, CAST(a.created AS DATE) AS release_date, a.author AS source_organization, "
        "(SELECT string_agg(DISTINCT substr(o.metric, 7), ';') FROM observations o WHERE "
        "o.artifact_id = a.artifact_id AND o.metric LIKE 'score:%') AS benchmarks "
        f"FROM artifacts a WHERE {' AND '.join(where)} ORDER BY a.source, a.source_id",
        params,
    )
