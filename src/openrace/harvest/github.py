"""Harvest GitHub into the store: the public repositories of the registry's GitHub accounts.

One update is one harvest run (``harvest_runs`` source ``github``, scope ``repos``) that
walks the GitHub accounts of the registry's organisations (``github_orgs``) in order, each
through its paged listing (:mod:`openrace.sources.github`). Every page is stored in ONE
transaction together with the run's cursor (the account's index and the next page's URL),
the page's counters and its ETag, so an update killed at any moment (``kill -9``
included), or stopped by the rate limit, resumes at the first page it had not committed.

Per repository: an ``artifacts`` row (kind ``repo``, id ``github:repo:<GitHub id>``, the
SPDX licence and its openrace class, flags ``fork`` / ``archived`` and
``language:*`` / ``topic:*`` as tags), ``registry`` attributions to the organisation(s)
listing the account (weight 1/n when n organisations list the same account; their
location country) and ``observations`` of ``stars``, ``forks`` and ``open_issues`` under
the run's id: every update adds one snapshot, the star history GitHub does not expose.

Forks are skipped unless ``forks=True`` (they come in the same pages, at no extra cost);
private repositories (visible only to a token's owner) are always skipped. Records that
cannot be parsed are quarantined and counted. A second update revalidates every page with
its stored ETag: an unchanged page answers 304 and is replayed from the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from openrace.errors import UsageError
from openrace.rules.openness import license_class
from openrace.sources.github import (
    BadRecord,
    CachedPage,
    GitHubClient,
    GitHubPage,
    OwnerNotFoundError,
    RepoRecord,
    parse_repo,
    repo_detail,
    slim,
)
from openrace.store import Store, utcnow

SOURCE = "github"
SCOPE = "repos"
METHOD = "registry"
#: the observations each run appends per repository
METRICS = ("stars", "forks", "open_issues")


@dataclass(frozen=True)
class Account:
    """A GitHub account of the registry and the organisations that list it."""

    login: str
    orgs: tuple[tuple[str, str], ...]  # (org id, location country)


def registry_accounts(store: Store, org_ids: Iterable[str] = ()) -> list[Account]:
    """The GitHub accounts of the registry's organisations (of ``org_ids`` if given),
    sorted case-insensitively (GitHub account names are case-insensitive)."""
    wanted = set(org_ids)
    rows = store.dicts("SELECT id, country, github_orgs FROM organizations ORDER BY id")
    known = {r["id"] for r in rows}
    missing = sorted(wanted - known)
    if missing:
        raise UsageError(
            f"unknown organisation(s): {', '.join(missing)} (`openrace orgs` lists them)"
        )
    by_login: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for r in rows:
        if wanted and r["id"] not in wanted:
            continue
        for login in r["github_orgs"] or []:
            key = str(login).lower()
            by_login.setdefault(key, (str(login), []))[1].append((r["id"], r["country"]))
    return [Account(login, tuple(orgs)) for _, (login, orgs) in sorted(by_login.items())]


@dataclass
class GitHubStats:
    """What an update did."""

    run_id: int = 0
    resumed: bool = False
    accounts: int = 0
    pages: int = 0
    requests: int = 0
    not_modified: int = 0
    read: int = 0
    stored: int = 0
    skipped: int = 0
    rejected: int = 0
    not_found: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the CLI."""
        return dict(self.__dict__)


@dataclass
class GitHubHarvester:
    """Harvest the registry's GitHub accounts into ``store`` through ``client``."""

    store: Store
    client: GitHubClient
    forks: bool = False
    org_ids: tuple[str, ...] = ()
    progress: Callable[[str], None] | None = None

    def _say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def run(self) -> GitHubStats:
        """One update: resume the unfinished one with the same parameters, or start one."""
        accounts = registry_accounts(self.store, self.org_ids)
        params = {
            "accounts": [a.login for a in accounts],
            "forks": self.forks,
            "per_page": self.client.per_page,
        }
        stats = GitHubStats(accounts=len(accounts))
        with self.store.run(SOURCE, SCOPE, params) as run:
            stats.run_id, stats.resumed = run.run_id, run.resumed
            state: dict[str, Any] = {}
            if run.resumed:
                try:
                    state = json.loads(run.cursor or "{}")
                except ValueError:
                    state = {}
                stats.not_found = list(state.get("not_found", []))
            self._walk(accounts, state, stats)
            if stats.not_found:
                run.message = f"not found on GitHub: {', '.join(stats.not_found)}"
            run.watermark = utcnow().isoformat(timespec="seconds")
        return stats

    def _walk(self, accounts: list[Account], state: dict[str, Any], stats: GitHubStats) -> None:
        start = int(state.get("account", 0))
        for i, account in enumerate(accounts):
            if i < start:
                continue
            resume_url = state.get("url") if i == start else None
            owner_kind = state.get("kind", "orgs") if i == start else "orgs"
            pages = self.client.pages(
                "repos",
                cursor=resume_url,
                owner=account.login,
                owner_kind=owner_kind,
                cache=self._cached,
            )
            n = 0
            spent = self.client.requests
            try:
                for page in pages:
                    last = page.next_cursor is None
                    cursor = (
                        {"account": i + 1}
                        if last
                        else {"account": i, "url": page.next_cursor, "kind": page.owner_kind}
                    )
                    cursor["not_found"] = stats.not_found
                    n += self._store_page(page, account, stats, json.dumps(cursor))
            except OwnerNotFoundError:
                stats.not_found.append(account.login)
                requests = self.client.requests - spent
                with self.store.transaction():
                    self.store.checkpoint(
                        stats.run_id,
                        cursor=json.dumps({"account": i + 1, "not_found": stats.not_found}),
                        requests=requests,
                    )
                stats.requests += requests
                self._say(f"{account.login}: not found on GitHub")
                continue
            self._say(f"{account.login}: {n:,} repositories")

    def _cached(self, url: str) -> CachedPage | None:
        row = self.store.cached_page(SOURCE, url)
        if row is None or not isinstance(row["items"], list):
            return None
        return CachedPage(etag=row["etag"], items=row["items"], next_url=row["next_url"])

    def _store_page(
        self, page: GitHubPage, account: Account, stats: GitHubStats, cursor: str
    ) -> int:
        now = utcnow()
        records: list[RepoRecord] = []
        bad: list[tuple[BadRecord, Any]] = []
        skipped = 0
        for raw in page.items:
            try:
                r = parse_repo(raw)
            except BadRecord as exc:
                bad.append((exc, raw))
                continue
            if r.private or (r.fork and not self.forks):
                skipped += 1
                continue
            records.append(r)
        records = list({r.id: r for r in records}.values())
        artifacts, observations, attributions = [], [], []
        weight = 1.0 / len(account.orgs)
        for r in records:
            artifacts.append(
                {
                    "artifact_id": r.artifact_id,
                    "source": SOURCE,
                    "kind": "repo",
                    "source_id": str(r.id),
                    "title": r.full_name,
                    "author": r.owner,
                    "created": r.created,
                    "date_precision": "second",
                    "modified": r.pushed,
                    "license": r.license,
                    "license_class": license_class(r.license),
                    "tags": r.tags,
                    "url": r.url,
                    "detail": repo_detail(r),
                    "first_seen": now,
                    "last_seen": now,
                }
            )
            for metric, value in (
                ("stars", r.stars),
                ("forks", r.forks),
                ("open_issues", r.open_issues),
            ):
                observations.append(
                    {
                        "artifact_id": r.artifact_id,
                        "metric": metric,
                        "value": float(value),
                        "observed_at": now,
                        "run_id": stats.run_id,
                    }
                )
            for org_id, country in account.orgs:
                attributions.append(
                    {
                        "artifact_id": r.artifact_id,
                        "org_id": org_id,
                        "country": country,
                        "weight": weight,
                        "method": METHOD,
                        "detail": f"github account {account.login}",
                    }
                )
        with self.store.transaction():
            if artifacts:
                self.store.upsert("artifacts", artifacts, ["artifact_id"], keep=["first_seen"])
                self.store.append("observations", observations)
                self.store.replace_attributions(
                    [a["artifact_id"] for a in artifacts], [METHOD, "unattributed"], attributions
                )
            for exc, raw in bad:
                self.store.quarantine(stats.run_id, SOURCE, exc.key, exc.reason, raw)
            for raw in page.junk:
                self.store.quarantine(stats.run_id, SOURCE, None, "record is not an object", raw)
            if page.etag and not page.not_modified:
                self.store.save_page(
                    SOURCE,
                    page.url,
                    page.etag,
                    [slim(x) for x in [*page.items, *page.junk]],
                    page.next_cursor,
                )
            self.store.checkpoint(
                stats.run_id,
                cursor=cursor,
                requests=page.requests,
                read=len(page.items) + len(page.junk),
                stored=len(artifacts),
                rejected=len(bad) + len(page.junk),
            )
        stats.pages += 1
        stats.requests += page.requests
        stats.not_modified += int(page.not_modified)
        stats.read += len(page.items) + len(page.junk)
        stats.stored += len(artifacts)
        stats.skipped += skipped
        stats.rejected += len(bad) + len(page.junk)
        return len(artifacts)


def harvest(store: Store, client: GitHubClient, **options: Any) -> GitHubStats:
    """Run one GitHub update (see :class:`GitHubHarvester` for the options)."""
    return GitHubHarvester(store, client, **options).run()


__all__ = ["Account", "GitHubHarvester", "GitHubStats", "harvest", "registry_accounts"]
