"""openrace's GitHub client against the fake: paging, 304 replay, the user fallback, rate
limits waited out or stopping the run, typed errors; the repository parser."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openrace.errors import (
    AuthenticationError,
    RateLimitExhaustedError,
    SourceError,
    SourceUnreachableError,
)
from openrace.sources.github import (
    BadRecord,
    CachedPage,
    GitHubClient,
    OwnerNotFoundError,
    parse_repo,
    slim,
)
from tests.github.fakegithub import (
    FakeGitHub,
    FakeGitHubServer,
    Fault,
    make_repo,
    secondary_limit,
)


def test_pages_follow_the_link_header(client: GitHubClient, gh: FakeGitHub) -> None:
    pages = list(client.pages("repos", owner="facebookresearch"))
    assert [len(p.items) for p in pages] == [5, 5, 1]
    assert pages[-1].next_cursor is None and client.requests == 3
    assert all(p.etag for p in pages)
    created = [r["created_at"] for p in pages for r in p.items]
    assert created == sorted(created)  # sort=created&direction=asc: new repos come last
    assert "type=public" in gh.log[0][1] and "per_page=5" in gh.log[0][1]


def test_a_cursor_resumes_at_that_page(client: GitHubClient) -> None:
    first = next(iter(client.pages("repos", owner="facebookresearch")))
    rest = list(client.pages("repos", owner="facebookresearch", cursor=first.next_cursor))
    assert [len(p.items) for p in rest] == [5, 1]


def test_unchanged_page_is_replayed_from_the_stored_copy(
    client: GitHubClient, gh: FakeGitHub
) -> None:
    pages = list(client.pages("repos", owner="facebookresearch"))
    stored = {
        p.url: CachedPage(p.etag or "", [slim(x) for x in p.items], p.next_cursor) for p in pages
    }
    gh.orgs["facebookresearch"][10]["stargazers_count"] += 7  # the last page changes
    again = list(client.pages("repos", owner="facebookresearch", cache=stored.get))
    assert [p.not_modified for p in again] == [True, True, False]
    assert client.not_modified == 2
    assert [r["id"] for p in again for r in p.items] == [r["id"] for p in pages for r in p.items]
    assert again[-1].items[0]["stargazers_count"] == pages[-1].items[0]["stargazers_count"] + 7


def test_a_user_account_is_listed_when_the_org_is_404(client: GitHubClient, gh: FakeGitHub) -> None:
    pages = list(client.pages("repos", owner="karpathy"))
    assert pages[0].owner_kind == "users" and len(pages[0].items) == 1
    assert pages[0].requests == 2  # the org's 404 counts
    assert [p.split("?")[0] for _, p, _ in gh.log] == [
        "/orgs/karpathy/repos",
        "/users/karpathy/repos",
    ]


def test_unknown_account_raises_owner_not_found(client: GitHubClient) -> None:
    with pytest.raises(OwnerNotFoundError, match="no-such-org"):
        list(client.pages("repos", owner="no-such-org"))


def test_secondary_limits_are_waited_out_in_the_documented_order(
    server: FakeGitHubServer, gh: FakeGitHub, client: GitHubClient, sleeps: list[float]
) -> None:
    gh.faults = {
        1: secondary_limit(403, 30),
        2: secondary_limit(429, None),
        3: Fault(
            429,
            {"message": "You have exceeded a secondary rate limit"},
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 100)},
        ),
    }
    pages = list(client.pages("repos", owner="QwenLM"))
    assert len(pages) == 2 and pages[0].requests == 4
    assert sleeps[0] == 30  # retry-after
    assert sleeps[1] == 120  # no retry-after, remaining not 0: a minute, doubling
    assert 95 <= sleeps[2] <= 102  # remaining 0: until the reset


def test_secondary_limits_that_keep_coming_stop_the_run(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    gh.faults = {n: secondary_limit(429, 1) for n in range(1, 20)}
    with pytest.raises(RateLimitExhaustedError, match="run `openrace update github` again"):
        list(client.pages("repos", owner="QwenLM"))
    assert len(gh.log) == client.max_secondary + 1


def test_spent_quota_waits_for_the_reset_when_short(
    server: FakeGitHubServer, sleeps: list[float]
) -> None:
    gh = server.gh
    gh.anonymous_limit = 2
    gh.reset_at = int(time.time()) + 60
    c = GitHubClient(endpoint=server.url, per_page=5, sleep=sleeps.append)

    def sleep(s: float) -> None:  # the window resets while the client waits
        sleeps.append(s)
        gh.used.clear()

    c.sleep = sleep
    pages = list(c.pages("repos", owner="facebookresearch"))
    assert len(pages) == 3
    assert len(sleeps) == 1 and 55 <= sleeps[0] <= 62  # waited from the headers
    assert gh.count(403) == 0  # never hit the wall: x-ratelimit-remaining said 0 first


def test_spent_quota_with_a_long_reset_stops_with_one_clear_error(
    server: FakeGitHubServer, sleeps: list[float]
) -> None:
    gh = server.gh
    gh.anonymous_limit = 1
    c = GitHubClient(endpoint=server.url, per_page=5, sleep=sleeps.append, max_wait=60)
    with pytest.raises(RateLimitExhaustedError) as e:
        list(c.pages("repos", owner="facebookresearch"))
    assert "resets at" in str(e.value) and "GITHUB_TOKEN" in str(e.value)
    assert sleeps == [] and len(gh.log) == 1


def test_403_rate_limit_from_the_server_is_recognised(
    server: FakeGitHubServer, sleeps: list[float]
) -> None:
    gh = server.gh
    gh.anonymous_limit = 0  # already spent by someone else on this IP
    c = GitHubClient(endpoint=server.url, sleep=sleeps.append, max_wait=60)
    with pytest.raises(RateLimitExhaustedError, match="rate limit"):
        list(c.pages("repos", owner="QwenLM"))


def test_server_errors_are_retried_then_fail(
    gh: FakeGitHub, client: GitHubClient, sleeps: list[float]
) -> None:
    gh.faults = {1: Fault(502), 2: Fault(503)}
    assert len(list(client.pages("repos", owner="QwenLM"))) == 2
    assert sleeps == [0.5, 1.0]
    gh.faults = {n: Fault(500) for n in range(1, 50)}
    gh.log.clear()
    with pytest.raises(SourceError, match="kept failing"):
        list(client.pages("repos", owner="QwenLM"))


def test_malformed_page_is_a_source_error(gh: FakeGitHub, client: GitHubClient) -> None:
    gh.faults = {1: Fault(200, b"<html>oops")}
    with pytest.raises(SourceError, match="not JSON"):
        list(client.pages("repos", owner="QwenLM"))
    gh.faults = {2: Fault(200, {"message": "hi"})}
    with pytest.raises(SourceError, match="not a list"):
        list(client.pages("repos", owner="QwenLM"))


def test_bad_token_is_refused_and_never_shown(server: FakeGitHubServer) -> None:
    c = GitHubClient(endpoint=server.url, token="wrong-secret-123")
    with pytest.raises(AuthenticationError) as e:
        list(c.pages("repos", owner="QwenLM"))
    assert "GITHUB_TOKEN" in str(e.value) and "wrong-secret-123" not in str(e.value)


def test_token_is_sent_and_raises_the_limit(server: FakeGitHubServer, gh: FakeGitHub) -> None:
    c = GitHubClient(endpoint=server.url, token="good-token")
    list(c.pages("repos", owner="QwenLM"))
    assert gh.log[0][2] is True and c.limit == 5000
    assert "good-token" not in repr(c)


def test_forbidden_without_rate_limit_is_an_authentication_error(
    gh: FakeGitHub, client: GitHubClient
) -> None:
    gh.faults = {1: Fault(403, {"message": "Resource protected by organization SAML enforcement."})}
    with pytest.raises(AuthenticationError, match="SAML"):
        list(client.pages("repos", owner="QwenLM"))


def test_unreachable_server() -> None:
    c = GitHubClient(endpoint="http://127.0.0.1:9", timeout=2)
    with pytest.raises(SourceUnreachableError, match="cannot reach GitHub"):
        list(c.pages("repos", owner="x"))


def test_bad_endpoint_and_page_size() -> None:
    with pytest.raises(SourceError):
        GitHubClient(endpoint="ftp://x")
    with pytest.raises(SourceError):
        GitHubClient(per_page=101)
    with pytest.raises(SourceError, match="not a GitHub account"):
        GitHubClient().first_url("../etc")


def test_next_link_to_another_host_is_refused(server: FakeGitHubServer) -> None:
    c = GitHubClient(endpoint=server.url.replace("127.0.0.1", "localhost"), per_page=5)
    with pytest.raises(SourceError, match="leaves"):
        list(c.pages("repos", owner="facebookresearch"))


# -- the parser --------------------------------------------------------------------------------


def test_parse_repo_fields_and_licences() -> None:
    r = parse_repo(
        make_repo(
            7,
            "deepseek-ai/DeepSeek-V3",
            "2024-12-26T09:52:40Z",
            stars=100,
            forks=5,
            topics=["LLM", "llm"],
            spdx="NOASSERTION",
        )
    )
    assert (r.id, r.owner, r.stars, r.forks, r.license) == (7, "deepseek-ai", 100, 5, "NOASSERTION")
    assert r.created.isoformat() == "2024-12-26T09:52:40" and r.artifact_id == "github:repo:7"
    assert r.tags == ["language:Python", "topic:llm"]
    assert parse_repo(make_repo(8, "a/b", "2024-01-01T00:00:00Z", spdx=None)).license is None
    arch = parse_repo(
        make_repo(9, "a/c", "2024-01-01T00:00:00Z", fork=True, archived=True, language=None)
    )
    assert arch.tags == ["fork", "archived"]


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        ({"id": "12"}, "id"),
        ({"id": True}, "id"),
        ({"full_name": None}, "full_name"),
        ({"full_name": "noslash"}, "full_name"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"created_at": None}, "created_at"),
        ({"fork": "no"}, "fork"),
        ({"stargazers_count": -1}, "stargazers_count"),
        ({"forks_count": 1.5}, "forks_count"),
        ({"license": "MIT"}, "license"),
        ({"topics": "llm"}, "topics"),
    ],
)
def test_parse_repo_rejects_malformed_records(patch: dict, reason: str) -> None:
    raw = {**make_repo(1, "a/b", "2024-01-01T00:00:00Z"), **patch}
    with pytest.raises(BadRecord, match=reason):
        parse_repo(raw)


def test_parse_repo_rejects_non_objects() -> None:
    with pytest.raises(BadRecord):
        parse_repo(["not", "a", "repo"])


def test_slim_keeps_only_used_fields() -> None:
    s = slim(make_repo(1, "a/b", "2024-01-01T00:00:00Z"))
    assert "node_id" not in s and set(s["license"]) == {"key", "name", "spdx_id"}
    assert parse_repo(s).id == 1


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "id",
                "full_name",
                "fork",
                "archived",
                "created_at",
                "pushed_at",
                "stargazers_count",
                "forks_count",
                "open_issues_count",
                "license",
                "topics",
                "owner",
                "language",
                "private",
                "html_url",
            ]
        ),
        _json,
    )
)
def test_parse_repo_raises_only_bad_record(patch: dict) -> None:
    raw = {**make_repo(1, "a/b", "2024-01-01T00:00:00Z"), **patch}
    try:
        r = parse_repo(raw)
    except BadRecord:
        return
    assert r.id > 0 and r.full_name.count("/") == 1 and r.stars >= 0
    assert parse_repo(slim(raw)) == r  # what a 304 replays parses the same


@pytest.mark.parametrize("link_on_304", [True, False])
def test_a_new_page_behind_an_unchanged_full_last_page_is_found(
    client: GitHubClient, gh: FakeGitHub, link_on_304: bool
) -> None:
    gh.link_on_304 = link_on_304
    gh.orgs["facebookresearch"] = gh.orgs["facebookresearch"][:10]  # two full pages
    pages = list(client.pages("repos", owner="facebookresearch"))
    assert [len(p.items) for p in pages] == [5, 5] and pages[-1].next_cursor is None
    stored = {
        p.url: CachedPage(p.etag or "", [slim(x) for x in p.items], p.next_cursor) for p in pages
    }
    gh.orgs["facebookresearch"].append(
        make_repo(5555, "facebookresearch/new", "2026-01-01T00:00:00Z")
    )
    gh.log.clear()
    again = list(client.pages("repos", owner="facebookresearch", cache=stored.get))
    assert [len(p.items) for p in again] == [5, 5, 1]
    assert [p.not_modified for p in again] == [True, link_on_304, False]
    # without a link header on the 304, the full last page is asked for again, in full
    assert [s for s, _, _ in gh.log] == ([304, 304, 200] if link_on_304 else [304, 304, 200, 200])


def test_retries_zero_is_one_try(gh: FakeGitHub, server) -> None:  # type: ignore[no-untyped-def]
    # --retries N means N retries after the first try in every source (0: one try)
    gh.faults = {1: Fault(502)}
    c = GitHubClient(endpoint=server.url, per_page=5, retries=0, sleep=lambda s: None)
    with pytest.raises(SourceError, match="kept failing"):
        list(c.pages("repos", owner="QwenLM"))
    assert c.requests == 1
