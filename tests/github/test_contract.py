"""The fake GitHub keeps the contract of docs/contracts/github.md: one test per rule it
enforces, refusals included, spoken to with plain httpx (not openrace's client)."""

from __future__ import annotations

import httpx

from openrace.sources.github import _next_link
from tests.github.fakegithub import FakeGitHub, FakeGitHubServer, make_repo, secondary_limit


def _get(srv: FakeGitHubServer, path: str, **headers: str) -> httpx.Response:
    return httpx.get(srv.url + path, headers=headers, timeout=5)


def test_per_page_above_100_is_clamped_not_refused() -> None:
    gh = FakeGitHub(
        orgs={
            "big": [
                make_repo(i, f"big/r{i}", f"2024-01-01T00:00:{i % 60:02d}Z") for i in range(1, 251)
            ]
        }
    )
    with FakeGitHubServer(gh) as srv:
        r = _get(srv, "/orgs/big/repos?per_page=500")
        assert r.status_code == 200 and len(r.json()) == 100  # contract 1.4
        assert "per_page=100" in r.headers["link"]
        assert len(_get(srv, "/orgs/big/repos").json()) == 30  # default 30


def test_link_header_walks_every_page_with_absolute_urls(
    server: FakeGitHubServer, gh: FakeGitHub
) -> None:
    r = _get(server, "/orgs/facebookresearch/repos?per_page=4&type=public")
    seen = len(r.json())
    assert 'rel="next"' in r.headers["link"] and 'rel="last"' in r.headers["link"]
    assert 'rel="prev"' not in r.headers["link"]
    while (nxt := _next_link(r.headers.get("link"))) is not None:
        assert nxt.startswith(server.url) and "type=public" in nxt  # contract 2.2
        r = httpx.get(nxt, timeout=5)
        seen += len(r.json())
    assert seen == 11


def test_single_page_has_no_link_header(server: FakeGitHubServer) -> None:
    r = _get(server, "/orgs/meta-llama/repos?per_page=100")
    assert r.status_code == 200 and "link" not in r.headers  # contract 2.1


def test_org_names_are_case_insensitive(server: FakeGitHubServer) -> None:
    assert _get(server, "/orgs/qwenlm/repos").status_code == 200  # contract 1.1


def test_matching_etag_answers_304_without_body(server: FakeGitHubServer) -> None:
    r = _get(server, "/orgs/QwenLM/repos")
    etag = r.headers["etag"]
    assert etag.startswith('W/"')
    again = _get(server, "/orgs/QwenLM/repos", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""  # contract 3.1
    stale = _get(server, "/orgs/QwenLM/repos", **{"If-None-Match": 'W/"old"'})
    assert stale.status_code == 200 and stale.headers["etag"] == etag


def test_a_star_changes_the_page_etag(server: FakeGitHubServer, gh: FakeGitHub) -> None:
    etag = _get(server, "/orgs/QwenLM/repos").headers["etag"]
    gh.orgs["QwenLM"][0]["stargazers_count"] += 1
    r = _get(server, "/orgs/QwenLM/repos", **{"If-None-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag  # contract 3.5


def test_304_is_free_only_when_authorised(server: FakeGitHubServer) -> None:
    auth = {"Authorization": "Bearer good-token"}
    r = _get(server, "/orgs/QwenLM/repos", **auth)
    before = int(r.headers["x-ratelimit-remaining"])
    r = _get(server, "/orgs/QwenLM/repos", **auth, **{"If-None-Match": r.headers["etag"]})
    assert r.status_code == 304 and int(r.headers["x-ratelimit-remaining"]) == before
    a = _get(server, "/orgs/QwenLM/repos")
    left = int(a.headers["x-ratelimit-remaining"])
    b = _get(server, "/orgs/QwenLM/repos", **{"If-None-Match": a.headers["etag"]})
    assert b.status_code == 304 and int(b.headers["x-ratelimit-remaining"]) == left - 1


def test_rate_limit_headers_on_every_answer(server: FakeGitHubServer) -> None:
    r = _get(server, "/orgs/QwenLM/repos")
    for h in (
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-used",
        "x-ratelimit-reset",
        "x-ratelimit-resource",
    ):
        assert h in r.headers  # contract 4.2
    assert r.headers["x-ratelimit-limit"] == "60"
    assert (
        _get(server, "/orgs/QwenLM/repos", Authorization="Bearer good-token").headers[
            "x-ratelimit-limit"
        ]
        == "5000"
    )


def test_spent_primary_limit_is_refused_with_403_and_remaining_zero() -> None:
    gh = FakeGitHub(orgs={"o": [make_repo(1, "o/a", "2024-01-01T00:00:00Z")]}, anonymous_limit=2)
    with FakeGitHubServer(gh) as srv:
        assert _get(srv, "/orgs/o/repos").status_code == 200
        assert _get(srv, "/orgs/o/repos").status_code == 200
        r = _get(srv, "/orgs/o/repos")
        assert r.status_code == 403  # contract 4.3
        assert r.headers["x-ratelimit-remaining"] == "0"
        assert int(r.headers["x-ratelimit-reset"]) == gh.reset_at
        assert "rate limit exceeded" in r.json()["message"]


def test_secondary_limits_answer_403_or_429_with_retry_after() -> None:
    gh = FakeGitHub(
        orgs={"o": [make_repo(1, "o/a", "2024-01-01T00:00:00Z")]},
        faults={1: secondary_limit(403, 30), 2: secondary_limit(429, 5)},
    )
    with FakeGitHubServer(gh) as srv:
        r = _get(srv, "/orgs/o/repos")
        assert r.status_code == 403 and r.headers["retry-after"] == "30"  # contract 4.4
        assert "secondary rate limit" in r.json()["message"]
        r = _get(srv, "/orgs/o/repos")
        assert r.status_code == 429 and r.headers["retry-after"] == "5"
        assert _get(srv, "/orgs/o/repos").status_code == 200


def test_unknown_org_is_404_not_found(server: FakeGitHubServer) -> None:
    r = _get(server, "/orgs/no-such-org/repos")
    assert r.status_code == 404  # contract 1.5
    assert r.json()["message"] == "Not Found"
    assert _get(server, "/orgs/karpathy/repos").status_code == 404  # a user, not an org
    assert _get(server, "/users/karpathy/repos").status_code == 200


def test_bad_token_is_401(server: FakeGitHubServer) -> None:
    r = _get(server, "/orgs/QwenLM/repos", Authorization="Bearer wrong")
    assert r.status_code == 401 and r.json()["message"] == "Bad credentials"  # contract 4.5


def test_type_public_hides_private_and_anonymous_sees_no_private() -> None:
    gh = FakeGitHub(
        orgs={
            "o": [
                make_repo(1, "o/a", "2024-01-01T00:00:00Z"),
                make_repo(2, "o/secret", "2024-01-02T00:00:00Z", private=True),
            ]
        }
    )
    with FakeGitHubServer(gh) as srv:
        assert len(_get(srv, "/orgs/o/repos").json()) == 1
        assert len(_get(srv, "/orgs/o/repos", Authorization="Bearer good-token").json()) == 2
        assert (
            len(_get(srv, "/orgs/o/repos?type=public", Authorization="Bearer good-token").json())
            == 1
        )  # contract 1.2


def test_licence_object_shapes(server: FakeGitHubServer) -> None:
    by_license = {
        str((r["license"] or {}).get("spdx_id")): r["license"]
        for org in ("deepseek-ai", "alibaba")
        for r in _get(server, f"/orgs/{org}/repos?per_page=100").json()
    }
    assert by_license["NOASSERTION"]["key"] == "other"  # contract 6.2
    assert by_license["NOASSERTION"]["url"] is None
    assert by_license["None"] is None  # contract 6.1: no licence detected
    assert set(by_license["MIT"]) == {"key", "name", "spdx_id", "url", "node_id"}
