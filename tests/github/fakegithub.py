"""A fake GitHub REST API on 127.0.0.1 that keeps the contract of ``docs/contracts/github.md``.

Serves ``GET /orgs/{org}/repos`` and ``GET /users/{user}/repos`` (account names
case-insensitive) with ``type``, ``sort`` (created, updated, pushed, full_name),
``direction``, ``per_page`` (default 30, **clamped** to 100 as GitHub does) and ``page``;
``link`` headers with ``next`` / ``last`` / ``first`` / ``prev`` as absolute URLs carrying
the query; a weak ``etag`` per page body, ``If-None-Match`` answered ``304`` with no body;
``x-ratelimit-limit/remaining/used/reset/resource`` on every answer, a primary limit per
hour (60 anonymous, 5,000 with a token; a 304 is free only when authorised) answered
``403`` with ``x-ratelimit-remaining: 0`` once spent; ``404 Not Found`` for an unknown
account; ``401`` for a token it does not know.

Faults are injected per request number (``faults``: 403/429 secondary limits with
``retry-after``, 5xx, a malformed body); ``on_request`` is called with each request
number and path (e.g. to kill a client mid-harvest). ``log`` records every request as
``(status, path_and_query, authorised)``.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakeserver import JsonHandler, LoopbackServer

DOCS = "https://docs.github.com/rest"
TYPES_ORG = ("all", "public", "private", "forks", "sources", "member")
TYPES_USER = ("all", "owner", "member")
SORTS = ("created", "updated", "pushed", "full_name")


def make_repo(
    rid: int,
    full_name: str,
    created: str,
    *,
    stars: int = 0,
    forks: int = 0,
    fork: bool = False,
    archived: bool = False,
    spdx: str | None = "MIT",
    language: str | None = "Python",
    topics: list[str] | None = None,
    private: bool = False,
    description: str | None = None,
) -> dict[str, Any]:
    """A repository object as the listing returns it (the fields of the real schema that
    matter, plus some openrace ignores)."""
    owner = full_name.split("/")[0]
    lic = None
    if spdx == "NOASSERTION":
        lic = {
            "key": "other",
            "name": "Other",
            "spdx_id": "NOASSERTION",
            "url": None,
            "node_id": "MDc6TGljZW5zZTA=",
        }
    elif spdx is not None:
        lic = {
            "key": spdx.lower(),
            "name": f"{spdx} License",
            "spdx_id": spdx,
            "url": f"https://api.github.com/licenses/{spdx.lower()}",
            "node_id": "x",
        }
    return {
        "id": rid,
        "node_id": f"R_{rid}",
        "name": full_name.split("/")[1],
        "full_name": full_name,
        "private": private,
        "owner": {"login": owner, "id": abs(hash(owner)) % 10**8, "type": "Organization"},
        "html_url": f"https://github.com/{full_name}",
        "description": description,
        "fork": fork,
        "url": f"https://api.github.com/repos/{full_name}",
        "created_at": created,
        "updated_at": created,
        "pushed_at": created,
        "homepage": None,
        "size": 100,
        "stargazers_count": stars,
        "watchers_count": stars,
        "language": language,
        "forks_count": forks,
        "archived": archived,
        "disabled": False,
        "open_issues_count": 1,
        "license": lic,
        "topics": topics or [],
        "visibility": "private" if private else "public",
        "forks": forks,
        "open_issues": 1,
        "watchers": stars,
        "default_branch": "main",
    }


@dataclass
class Fault:
    """A fault answered instead of the real page."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def secondary_limit(status: int = 403, retry_after: int | None = 60) -> Fault:
    """A secondary rate limit as GitHub answers it."""
    headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
    return Fault(
        status,
        {
            "message": "You have exceeded a secondary rate limit. Please wait "
            "a few minutes before you try again.",
            "documentation_url": DOCS,
        },
        headers,
    )


@dataclass
class FakeGitHub:
    """The state of the fake: accounts and their repositories, quota, faults."""

    orgs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    users: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tokens: tuple[str, ...] = ("good-token",)
    anonymous_limit: int = 60
    token_limit: int = 5000
    #: when the hour's window resets (epoch seconds)
    reset_at: int = field(default_factory=lambda: int(time.time()) + 3600)
    faults: dict[int, Fault] = field(default_factory=dict)
    on_request: Callable[[int, str], None] | None = None
    log: list[tuple[int, str, bool]] = field(default_factory=list)
    #: whether a 304 repeats the page's ``link`` header (GitHub's documentation does not say)
    link_on_304: bool = True
    #: the fake's clock (a benchmark passes a virtual one): the hour's window rolls over
    #: when it passes ``reset_at``
    clock: Callable[[], float] = time.time
    used: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def account(self, kind: str, name: str) -> list[dict[str, Any]] | None:
        """The repositories of an account (case-insensitive), None if unknown."""
        table = self.orgs if kind == "orgs" else self.users
        for k, v in table.items():
            if k.lower() == name.lower():
                return v
        return None

    @property
    def listing_requests(self) -> int:
        """Requests for repository listings."""
        return sum(1 for _, p, _ in self.log if "/repos" in p)

    def count(self, status: int) -> int:
        """Requests answered with ``status``."""
        return sum(1 for s, _, _ in self.log if s == status)


def _etag(body: bytes) -> str:
    return f'W/"{hashlib.sha1(body).hexdigest()}"'


def make_handler(gh: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    """The request handler class bound to ``gh``."""

    class Handler(JsonHandler):
        content_type = "application/json; charset=utf-8"

        def _rate_headers(self, who: str, limit: int) -> dict[str, str]:
            used = gh.used.get(who, 0)
            return {
                "x-ratelimit-limit": str(limit),
                "x-ratelimit-remaining": str(max(0, limit - used)),
                "x-ratelimit-used": str(used),
                "x-ratelimit-reset": str(gh.reset_at),
                "x-ratelimit-resource": "core",
            }

        def _answer(
            self, n: int, status: int, body: Any, headers: dict[str, str], authorised: bool
        ) -> None:
            gh.log.append((status, self.path, authorised))
            if status == 304:
                self.send_response(304)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                return
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self._send(status, raw, headers)

        def do_GET(self) -> None:
            with gh.lock:
                n = len(gh.log) + 1
                if gh.on_request is not None:
                    gh.on_request(n, self.path)
                self._get(n)

        def _get(self, n: int) -> None:
            auth = self.headers.get("Authorization")
            authorised = False
            if auth is not None:
                token = auth.removeprefix("Bearer ").removeprefix("token ").strip()
                if token not in gh.tokens:
                    self._answer(
                        n,
                        401,
                        {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"},
                        {},
                        False,
                    )
                    return
                authorised = True
            if gh.clock() >= gh.reset_at:  # a new window
                gh.used.clear()
                gh.reset_at = int(gh.clock()) + 3600
            who = "token" if authorised else "anonymous"
            limit = gh.token_limit if authorised else gh.anonymous_limit
            if gh.used.get(who, 0) >= limit:
                self._answer(
                    n,
                    403,
                    {
                        "message": "API rate limit exceeded for 127.0.0.1. (But here's the good "
                        "news: Authenticated requests get a higher rate limit.)",
                        "documentation_url": DOCS,
                    },
                    self._rate_headers(who, limit),
                    authorised,
                )
                return
            fault = gh.faults.get(n)
            if fault is not None:
                gh.used[who] = gh.used.get(who, 0) + 1
                headers = {**self._rate_headers(who, limit), **fault.headers}
                body = fault.body if fault.body is not None else {"message": "Server Error"}
                self._answer(n, fault.status, body, headers, authorised)
                return
            parts = urlsplit(self.path)
            segs = parts.path.strip("/").split("/")
            if len(segs) != 3 or segs[0] not in ("orgs", "users") or segs[2] != "repos":
                gh.used[who] = gh.used.get(who, 0) + 1
                self._answer(
                    n,
                    404,
                    {"message": "Not Found", "documentation_url": DOCS, "status": "404"},
                    self._rate_headers(who, limit),
                    authorised,
                )
                return
            kind, name = segs[0], segs[1]
            repos = gh.account(kind, name)
            if repos is None:
                gh.used[who] = gh.used.get(who, 0) + 1
                self._answer(
                    n,
                    404,
                    {"message": "Not Found", "documentation_url": DOCS, "status": "404"},
                    self._rate_headers(who, limit),
                    authorised,
                )
                return
            q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status, body, headers = self._listing(kind, repos, q, parts.path, authorised)
            etag = _etag(body)
            headers["etag"] = etag
            if self.headers.get("If-None-Match") == etag:
                # a 304 is free when authorised (docs: best practices, conditional requests)
                if not authorised:
                    gh.used[who] = gh.used.get(who, 0) + 1
                if not gh.link_on_304:
                    headers.pop("link", None)
                self._answer(n, 304, b"", {**headers, **self._rate_headers(who, limit)}, authorised)
                return
            gh.used[who] = gh.used.get(who, 0) + 1
            self._answer(n, status, body, {**headers, **self._rate_headers(who, limit)}, authorised)

        def _listing(
            self,
            kind: str,
            repos: list[dict[str, Any]],
            q: dict[str, str],
            path: str,
            authorised: bool,
        ) -> tuple[int, bytes, dict[str, str]]:
            rtype = q.get("type", "all" if kind == "orgs" else "owner")
            if rtype not in (TYPES_ORG if kind == "orgs" else TYPES_USER):
                rtype = "all"  # GitHub ignores an unknown type
            sort = q.get("sort", "created" if kind == "orgs" else "full_name")
            if sort not in SORTS:
                sort = "created"
            direction = q.get("direction", "asc" if sort == "full_name" else "desc")
            try:
                per_page = int(q.get("per_page", "30"))
            except ValueError:
                per_page = 30
            per_page = min(100, max(1, per_page))  # clamped, never refused
            try:
                page = max(1, int(q.get("page", "1")))
            except ValueError:
                page = 1
            rows = [r for r in repos if isinstance(r, dict)]
            junk = [r for r in repos if not isinstance(r, dict)]
            visible = [r for r in rows if authorised or not r.get("private")]
            if rtype == "public":
                visible = [r for r in visible if not r.get("private")]
            elif rtype == "sources":
                visible = [r for r in visible if not r.get("fork")]
            elif rtype == "forks":
                visible = [r for r in visible if r.get("fork")]
            key = {
                "created": "created_at",
                "updated": "updated_at",
                "pushed": "pushed_at",
                "full_name": "full_name",
            }[sort]
            visible.sort(
                key=lambda r: (str(r.get(key) or ""), str(r.get("id"))), reverse=direction == "desc"
            )
            everything: list[Any] = [*visible, *junk]  # malformed rows ride at the end
            last = max(1, -(-len(everything) // per_page))
            chunk = everything[(page - 1) * per_page : page * per_page]
            host, port = self.server.server_address[:2]
            base = f"http://{host}:{port}{path}"

            def link(p: int) -> str:
                return base + "?" + urlencode({**q, "per_page": per_page, "page": p})

            links = []
            if page < last:
                links += [f'<{link(page + 1)}>; rel="next"', f'<{link(last)}>; rel="last"']
            if page > 1:
                links = [f'<{link(page - 1)}>; rel="prev"', *links, f'<{link(1)}>; rel="first"']
            headers = {"link": ", ".join(links)} if links and last > 1 else {}
            return 200, json.dumps(chunk).encode(), headers

    return Handler


class FakeGitHubServer(LoopbackServer):
    """Runs a :class:`FakeGitHub` on 127.0.0.1 in a thread (a context manager)."""

    def __init__(self, gh: FakeGitHub, port: int = 0):
        self.gh = gh
        super().__init__(make_handler(gh), port)
