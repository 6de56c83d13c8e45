"""`update github` against the fake: what is stored, ETag reuse on a second run, rate-limit
stops with resume, quarantine, forks, idempotence."""

from __future__ import annotations

import time

import pytest

from openrace.errors import RateLimitExhaustedError, UsageError
from openrace.harvest.github import harvest, registry_accounts
from openrace.sources.github import GitHubClient
from openrace.store import Store
from tests.github.conftest import STORED
from tests.github.fakegithub import FakeGitHub, FakeGitHubServer, make_repo


def _n(store: Store, sql: str) -> int:
    return store.con.execute(sql).fetchall()[0][0]


def test_registry_accounts_are_the_registry_github_orgs(gstore: Store) -> None:
    accounts = registry_accounts(gstore)
    assert [a.login for a in accounts][:3] == ["alibaba", "deepseek-ai", "facebookresearch"]
    assert {a.login: a.orgs for a in accounts}["meta-llama"] == (("meta", "US"),)
    assert [a.login for a in registry_accounts(gstore, ["qwen"])] == ["QwenLM"]
    with pytest.raises(UsageError, match="unknown organisation"):
        registry_accounts(gstore, ["nope"])


def test_harvest_fills_the_store(gstore: Store, client: GitHubClient, gh: FakeGitHub) -> None:
    stats = harvest(gstore, client)
    assert stats.stored == STORED and stats.rejected == 0
    assert stats.skipped == 2  # the two forks
    assert stats.not_found == ["no-such-org"]
    assert _n(gstore, "SELECT count(*) FROM artifacts WHERE source = 'github'") == STORED
    assert _n(gstore, "SELECT count(*) FROM observations") == STORED * 3
    assert _n(gstore, "SELECT count(*) FROM attributions WHERE method = 'registry'") == STORED
    row = gstore.dicts("SELECT * FROM artifacts WHERE title = 'karpathy/nanoGPT'")[0]
    assert row["kind"] == "repo" and row["license"] == "MIT" and row["license_class"] == "osi"
    assert row["author"] == "karpathy" and "language:Python" in row["tags"]
    lic = dict(
        gstore.con.execute(
            "SELECT license_class, count(*) FROM artifacts WHERE source = 'github' GROUP BY 1"
        ).fetchall()
    )
    assert lic == {"osi": 23, "unknown": 9, "non-commercial": 6}  # NOASSERTION, no licence
    assert _n(gstore, "SELECT count(*) FROM artifacts WHERE list_contains(tags, 'archived')") == 3
    run = gstore.dicts("SELECT * FROM harvest_runs WHERE source = 'github'")[0]
    assert run["status"] == "ok" and run["n_stored"] == STORED
    assert run["n_requests"] == stats.requests == client.requests
    assert "no-such-org" in run["message"]


def test_second_run_costs_only_304s_for_unchanged_pages(
    gstore: Store, client: GitHubClient, gh: FakeGitHub
) -> None:
    first = harvest(gstore, client)
    gh.log.clear()
    second = harvest(gstore, client)
    assert second.run_id != first.run_id
    assert second.stored == STORED
    listings = [s for s, p, _ in gh.log]
    # every page answered 304; only the unknown account's two 404s cost a full answer
    assert listings.count(304) == first.pages and listings.count(200) == 0
    assert second.not_modified == first.pages
    # a new snapshot of stars and forks under the new run, replayed from the stored pages
    assert _n(gstore, "SELECT count(DISTINCT run_id) FROM observations") == 2
    assert _n(gstore, "SELECT count(*) FROM observations") == STORED * 3 * 2

    gh.orgs["QwenLM"][0]["stargazers_count"] = 9999  # one page changes
    gh.log.clear()
    harvest(gstore, client)
    assert [s for s, _, _ in gh.log].count(200) == 1
    latest = gstore.dicts(
        "SELECT value FROM observations WHERE metric = 'stars' AND artifact_id = ? "
        "ORDER BY run_id DESC LIMIT 1",
        [f"github:repo:{gh.orgs['QwenLM'][0]['id']}"],
    )
    assert latest[0]["value"] == 9999


def test_rate_limit_stop_then_resume_without_refetching(
    gstore: Store, server: FakeGitHubServer, gh: FakeGitHub, sleeps: list[float]
) -> None:
    gh.anonymous_limit = 6
    c = GitHubClient(endpoint=server.url, per_page=5, sleep=sleeps.append, max_wait=60)
    with pytest.raises(RateLimitExhaustedError):
        harvest(gstore, c)
    run = gstore.dicts("SELECT * FROM harvest_runs")[0]
    assert run["status"] == "failed" and "rate limit" in run["message"]
    stored = _n(gstore, "SELECT count(*) FROM artifacts")
    assert 0 < stored < STORED
    fetched = [p for s, p, _ in gh.log if s == 200]
    # the window resets; the next run resumes at the first page it had not committed
    gh.used.clear()
    gh.anonymous_limit = 60
    gh.reset_at = int(time.time()) + 3600
    gh.log.clear()
    stats = harvest(gstore, GitHubClient(endpoint=server.url, per_page=5, sleep=sleeps.append))
    assert stats.resumed and stats.run_id == run["run_id"]
    again = [p for s, p, _ in gh.log if s == 200]
    assert not set(fetched) & set(again)
    assert _n(gstore, "SELECT count(*) FROM artifacts") == STORED
    assert _n(gstore, "SELECT count(*) FROM observations") == STORED * 3
    assert gstore.dicts("SELECT status FROM harvest_runs")[0]["status"] == "ok"


def test_malformed_records_are_quarantined_and_counted(
    gstore: Store, server: FakeGitHubServer, client: GitHubClient
) -> None:
    gh = server.gh
    gh.orgs["QwenLM"].append(
        {**make_repo(77, "QwenLM/broken", "2025-06-01T00:00:00Z"), "stargazers_count": "lots"}
    )
    gh.orgs["QwenLM"].append("not a repo")
    stats = harvest(gstore, client)
    assert stats.rejected == 2 and stats.stored == STORED
    q = gstore.dicts("SELECT record_key, reason FROM quarantine ORDER BY reason")
    assert q == [
        {"record_key": None, "reason": "record is not an object"},
        {"record_key": "QwenLM/broken", "reason": "stargazers_count is not a count: 'lots'"},
    ]
    assert gstore.dicts("SELECT n_rejected FROM harvest_runs")[0]["n_rejected"] == 2
    # the stored copy keeps the malformed records: a 304 quarantines them again
    stats = harvest(gstore, client)
    assert stats.rejected == 2 and stats.not_modified == stats.pages


def test_forks_are_stored_on_request(gstore: Store, client: GitHubClient) -> None:
    stats = harvest(gstore, client, forks=True)
    assert stats.stored == STORED + 2 and stats.skipped == 0
    assert _n(gstore, "SELECT count(*) FROM artifacts WHERE list_contains(tags, 'fork')") == 2


def test_an_account_of_two_organisations_is_split(client: GitHubClient) -> None:
    from tests.github.conftest import add_orgs

    s = Store(":memory:")
    add_orgs(
        s,
        [
            ("a", "US", "US", "a", "industry", ["QwenLM"]),
            ("b", "CN", "CN", "b", "industry", ["qwenlm"]),
        ],
    )
    harvest(s, client)
    rows = s.dicts("SELECT org_id, weight FROM attributions ORDER BY org_id LIMIT 2")
    assert {r["weight"] for r in rows} == {0.5}
    assert _n(s, "SELECT count(DISTINCT artifact_id) FROM attributions") == 6


def test_org_filter_and_changed_parameters_start_a_new_run(
    gstore: Store, client: GitHubClient
) -> None:
    stats = harvest(gstore, client, org_ids=("deepseek",))
    assert stats.accounts == 1 and stats.stored == 9
