"""The GitHub source: the public repositories of GitHub organisations, typed repo records.

openrace speaks GitHub's documented REST API with ``httpx`` (the rules it relies on, each
with its source, are in ``docs/contracts/github.md``). The client
(:class:`GitHubClient`) is the one choke point for the network:

- ``GITHUB_TOKEN`` goes in the ``Authorization`` header only and never into a message;
  ``GITHUB_API_URL`` (a GitHub Enterprise Server, or the local test server) replaces
  ``https://api.github.com``;
- listings are walked through the ``link`` header's ``rel="next"`` URLs;
- each page is asked for with the ``ETag`` of its last copy (``If-None-Match``): a
  ``304 Not Modified`` replays the stored copy, and costs no quota when authorised;
- the ``x-ratelimit-*`` headers of every answer are tracked: when the hour's quota is spent
  the client waits for ``x-ratelimit-reset``; a primary or secondary rate limit
  (``403``/``429``) is waited out in the documented order (``retry-after``, then the
  reset, then one minute doubling); a wait longer than ``max_wait`` ends the harvest with
  :class:`~openrace.errors.RateLimitExhaustedError` (the next run resumes);
- an unreachable server, a refused token, a refusal and a malformed page each become one
  :mod:`openrace.errors` exception.

The client never touches the store: :meth:`GitHubClient.pages` takes a read-only lookup
of stored pages (``cache``) and yields :class:`GitHubPage` objects that carry what the
harvester stores with each page (its URL, ETag and the records to replay).

:func:`parse_repo` turns one raw repository into a :class:`RepoRecord` or raises
:class:`BadRecord` (the harvester quarantines it).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from openrace.errors import (
    AuthenticationError,
    RateLimitExhaustedError,
    SourceError,
    SourceUnreachableError,
)
from openrace.sources import Page

API_VERSION = "2022-11-28"
#: GitHub's maximum page size for the repository listings (larger values are clamped)
PER_PAGE_MAX = 100
#: documented primary rate limits, requests per hour
ANONYMOUS_LIMIT = 60
TOKEN_LIMIT = 5000

#: the repository fields openrace keeps (and replays after a 304)
FIELDS = (
    "id",
    "name",
    "full_name",
    "owner",
    "private",
    "html_url",
    "description",
    "fork",
    "archived",
    "created_at",
    "updated_at",
    "pushed_at",
    "stargazers_count",
    "forks_count",
    "open_issues_count",
    "language",
    "topics",
    "license",
)

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([^";]+)"?')
_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98})$")


# -- the client -------------------------------------------------------------------------------


class OwnerNotFoundError(SourceError):
    """Neither an organisation nor a user of that name exists (or is visible)."""


@dataclass(frozen=True)
class CachedPage:
    """A stored copy of a listing page: its ETag, records and next page."""

    etag: str
    items: list[Any]
    next_url: str | None


@dataclass
class GitHubPage(Page):
    """A listing page and what the harvester keeps of it."""

    #: the URL this page was fetched from (its cache key)
    url: str = ""
    etag: str | None = None
    #: the server answered 304: ``items`` are the stored copy
    not_modified: bool = False
    #: the GitHub account listed (as the registry names it)
    owner: str = ""
    #: ``orgs`` or ``users``: which listing the owner's repositories came from
    owner_kind: str = "orgs"


@dataclass
class _Answer:
    status: int
    body: Any = None
    etag: str | None = None
    next_url: str | None = None
    #: the answer carried a ``link`` header (a 304 may or may not repeat it)
    has_link: bool = False


@dataclass
class GitHubClient:
    """Requests to the GitHub REST API (or any server speaking it, such as a local one).

    ``retries`` bounds the retries of one request through 5xx and dropped connections (0:
    one try), as in the other sources;
    ``max_secondary`` secondary rate limits in a row end the harvest, as does any wait
    longer than ``max_wait`` seconds.
    """

    endpoint: str = "https://api.github.com"
    token: str | None = field(default=None, repr=False)
    per_page: int = PER_PAGE_MAX
    retries: int = 4
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_wait: float = 900.0
    max_secondary: int = 5
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    transport: httpx.BaseTransport | None = None
    name: str = "github"
    #: HTTP requests sent (304s included)
    requests: int = 0
    #: of which answered 304 Not Modified
    not_modified: int = 0
    #: seconds spent waiting for rate limits
    waited: float = 0.0
    #: from the last answer's headers
    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None
    _client: httpx.Client | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.endpoint = self.endpoint.rstrip("/")
        if not re.match(r"^https?://", self.endpoint):
            raise SourceError(f"GitHub API URL must be an http(s) URL, not {self.endpoint!r}")
        if not 1 <= self.per_page <= PER_PAGE_MAX:
            raise SourceError(f"page size must be between 1 and {PER_PAGE_MAX}")

    # -- plumbing --------------------------------------------------------------------------

    @property
    def http(self) -> httpx.Client:
        """The shared HTTP session (created on first use)."""
        if self._client is None:
            from openrace import __version__

            headers = {
                "User-Agent": f"openrace/{__version__}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
            }
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            self._client = httpx.Client(
                timeout=self.timeout,
                transport=self.transport,
                headers=headers,
                follow_redirects=True,
            )
        return self._client

    def close(self) -> None:
        """Close the HTTP session."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.waited += seconds
        self.sleep(seconds)

    def _until_reset(self) -> float | None:
        return None if self.reset is None else max(0.0, self.reset - self.clock()) + 1.0

    def _spent(self, why: str, delay: float | None) -> RateLimitExhaustedError:
        when = ""
        if self.reset is not None and delay is not None:
            at = datetime.fromtimestamp(self.reset).astimezone().strftime("%H:%M %Z").strip()
            when = f" (resets at {at}, in about {_duration(delay)})"
        hint = "" if self.token else "; a GITHUB_TOKEN raises the limit from 60 to 5,000 an hour"
        return RateLimitExhaustedError(
            f"GitHub {why}{when}; what was harvested is kept: run `openrace update github` "
            f"again later to resume, or pass a larger --max-wait to wait{hint}"
        )

    def _before_request(self) -> None:
        """Wait for the reset when the last answer said the quota is spent."""
        if self.remaining is not None and self.remaining <= 0:
            delay = self._until_reset()
            if delay is None:
                return
            if delay > self.max_wait:
                raise self._spent("rate limit is spent", delay)
            self._wait(delay)
            self.remaining = None

    def _observe(self, headers: Mapping[str, str]) -> None:
        for name, attr in (
            ("x-ratelimit-limit", "limit"),
            ("x-ratelimit-remaining", "remaining"),
            ("x-ratelimit-reset", "reset"),
        ):
            if name in headers:
                with contextlib.suppress(ValueError):
                    setattr(self, attr, int(headers[name]))

    def _get(self, url: str, etag: str | None = None) -> _Answer:
        """GET one URL, retrying what is worth retrying; 404 and 304 are answers."""
        headers = {"If-None-Match": etag} if etag else {}
        failures = 0
        secondary = 0
        while True:
            self._before_request()
            self.requests += 1
            try:
                r = self.http.get(url, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
                raise SourceUnreachableError(
                    f"cannot reach GitHub at {self.endpoint} ({_reason(exc)})"
                ) from None
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                failures += 1
                if failures > self.retries:
                    raise SourceError(f"GitHub kept failing: {_reason(exc)}") from None
                self._wait(min(self.max_backoff, self.backoff * 2 ** (failures - 1)))
                continue
            self._observe(r.headers)
            status = r.status_code
            if status in (403, 429):
                delay = self._rate_limited(r, secondary)
                if delay is not None:
                    secondary += 1
                    self._wait(delay)
                    continue
                if status == 403:
                    raise AuthenticationError(
                        f"GitHub refused the request (HTTP 403: {_message(r)}): "
                        + (
                            "check GITHUB_TOKEN's access"
                            if self.token
                            else "set GITHUB_TOKEN if this needs authentication"
                        )
                    )
            if status >= 500:
                failures += 1
                if failures > self.retries:
                    raise SourceError(f"GitHub kept failing: HTTP {status} for {_path(url)}")
                self._wait(min(self.max_backoff, self.backoff * 2 ** (failures - 1)))
                continue
            if status == 401:
                raise AuthenticationError(
                    "GitHub refused the token (HTTP 401 Bad credentials): check GITHUB_TOKEN"
                )
            if status == 304:
                self.not_modified += 1
                return _Answer(
                    304,
                    etag=r.headers.get("etag") or etag,
                    next_url=_next_link(r.headers.get("link")),
                    has_link="link" in r.headers,
                )
            if status == 404:
                return _Answer(404)
            if status >= 400:
                raise SourceError(f"GitHub rejected the request (HTTP {status}): {_message(r)}")
            try:
                body = r.json()
            except (ValueError, UnicodeDecodeError):
                raise SourceError(
                    f"GitHub sent a malformed page (not JSON) for {_path(url)}"
                ) from None
            return _Answer(status, body, r.headers.get("etag"), _next_link(r.headers.get("link")))

    def _rate_limited(self, r: httpx.Response, secondary: int) -> float | None:
        """Seconds to wait before retrying a 403/429 that is a rate limit (None if it is
        not one), in the documented order; raise when it is too long or keeps coming."""
        text = r.text[:2000].lower()
        retry = _retry_after(r.headers)
        spent = r.headers.get("x-ratelimit-remaining") == "0"
        is_secondary = "secondary rate limit" in text or retry is not None
        if not spent and not is_secondary and "rate limit" not in text:
            return None
        if secondary >= self.max_secondary:
            raise self._spent(
                f"kept answering {r.status_code} (rate limit) after {self.max_secondary} waits",
                self._until_reset(),
            )
        if retry is not None:
            delay = retry
        elif spent:
            delay = self._until_reset() or 60.0
        else:
            delay = min(self.max_wait, 60.0 * 2**secondary)
        if delay > self.max_wait:
            what = "secondary rate limit" if is_secondary and not spent else "rate limit"
            raise self._spent(f"{what} is spent (HTTP {r.status_code})", delay)
        return delay

    def _check_next(self, next_url: str | None) -> None:
        """Refuse a next-page link to another server (the token goes with every request)."""
        if next_url is not None and not _same_server(next_url, self.endpoint):
            raise SourceError(f"GitHub's next-page link leaves {self.endpoint}: {next_url[:100]!r}")

    # -- listings --------------------------------------------------------------------------

    def first_url(self, owner: str, kind: str = "orgs") -> str:
        """The first page of ``owner``'s public repositories (``kind``: orgs or users)."""
        if not _OWNER.match(owner):
            raise SourceError(f"not a GitHub account name: {owner[:60]!r}")
        params = (
            {"type": "public", "sort": "created", "direction": "asc"}
            if kind == "orgs"
            else {"type": "owner", "sort": "created", "direction": "asc"}
        )
        params["per_page"] = str(self.per_page)
        return f"{self.endpoint}/{kind}/{quote(owner)}/repos?{urlencode(params)}"

    def pages(
        self, kind: str = "repos", *, cursor: str | None = None, **query: Any
    ) -> Iterator[GitHubPage]:
        """Yield the pages of an owner's public repositories (``kind`` must be ``repos``).

        ``query``: ``owner`` (required), ``owner_kind`` (``orgs``, or ``users`` when the
        listing resumed is a user's), ``cache`` (``url -> CachedPage | None``, the stored
        copies to revalidate). ``cursor`` is the URL of the page to resume at. A first page
        answering 404 is retried as a user's listing; :class:`OwnerNotFoundError` if that
        is 404 too."""
        if kind != "repos":
            raise SourceError(f"unknown GitHub listing {kind!r}")
        owner = str(query["owner"])
        owner_kind = str(query.get("owner_kind") or "orgs")
        cache: Callable[[str], CachedPage | None] = query.get("cache") or (lambda url: None)
        url: str | None = cursor or self.first_url(owner, owner_kind)
        first = cursor is None
        before = self.requests
        while url is not None:
            stored = cache(url)
            answer = self._get(url, stored.etag if stored else None)
            if answer.status == 404:
                if first and owner_kind == "orgs":
                    owner_kind = "users"
                    url = self.first_url(owner, owner_kind)
                    continue
                raise OwnerNotFoundError(f"GitHub has no organisation or user {owner!r} (HTTP 404)")
            first = False
            if answer.status == 304:
                if stored is None:  # a 304 to a request without a validator is nonsense
                    raise SourceError(f"GitHub answered 304 without a stored copy of {_path(url)}")
                if (
                    not answer.has_link
                    and stored.next_url is None
                    and len(stored.items) >= self.per_page
                ):
                    # an unchanged full last page: a new page may have appeared behind it,
                    # which only the link header of a full answer tells (contract 3.4)
                    cache = _forget(cache, url)
                    continue
                next_url = answer.next_url if answer.has_link else stored.next_url
                self._check_next(next_url)
                items, junk = _split(stored.items)
                page = GitHubPage(
                    items=items,
                    cursor=url,
                    next_cursor=next_url,
                    requests=self.requests - before,
                    junk=junk,
                    url=url,
                    etag=answer.etag or stored.etag,
                    not_modified=True,
                    owner=owner,
                    owner_kind=owner_kind,
                )
            else:
                if not isinstance(answer.body, list):
                    raise SourceError(
                        f"GitHub sent a malformed page (not a list of repositories) for "
                        f"{_path(url)}"
                    )
                items, junk = _split(answer.body)
                next_url = answer.next_url if answer.body else None
                self._check_next(next_url)
                page = GitHubPage(
                    items=items,
                    cursor=url,
                    next_cursor=next_url,
                    requests=self.requests - before,
                    junk=junk,
                    url=url,
                    etag=answer.etag,
                    owner=owner,
                    owner_kind=owner_kind,
                )
            yield page
            before = self.requests
            url = page.next_cursor


def _forget(
    cache: Callable[[str], CachedPage | None], url: str
) -> Callable[[str], CachedPage | None]:
    """``cache`` without its copy of ``url`` (to ask for that page unconditionally)."""
    return lambda u: None if u == url else cache(u)


def _split(body: list[Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    return ([r for r in body if isinstance(r, dict)], [r for r in body if not isinstance(r, dict)])


def slim(raw: Any) -> Any:
    """The fields of a raw repository that openrace keeps (what a 304 replays)."""
    if not isinstance(raw, dict):
        return raw
    out = {k: raw[k] for k in FIELDS if k in raw}
    if isinstance(out.get("owner"), dict):
        out["owner"] = {k: out["owner"].get(k) for k in ("login", "type")}
    if isinstance(out.get("license"), dict):
        out["license"] = {k: out["license"].get(k) for k in ("key", "name", "spdx_id")}
    return out


def _next_link(header: str | None) -> str | None:
    """The ``rel="next"`` URL of a ``link`` header."""
    if not header:
        return None
    for url, rels in _LINK.findall(header):
        if "next" in rels.split():
            return url
    return None


def _same_server(url: str, endpoint: str) -> bool:
    a, b = httpx.URL(url), httpx.URL(endpoint)
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = datetime.now(when.tzinfo) if when.tzinfo else datetime.now()
    return max(0.0, (when - now).total_seconds())


def _path(url: str) -> str:
    u = httpx.URL(url)
    return u.raw_path.decode("ascii", "replace")[:200]


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _message(r: httpx.Response) -> str:
    try:
        body = r.json()
        if isinstance(body, dict):
            return " ".join(str(body.get("message") or "").split())[:300]
    except ValueError:
        pass
    return " ".join(r.text[:200].split())


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


# -- records ----------------------------------------------------------------------------------


class BadRecord(ValueError):
    """A repository record that cannot be used; the harvester quarantines it."""

    def __init__(self, reason: str, key: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.key = key


@dataclass(frozen=True)
class RepoRecord:
    """A GitHub repository as openrace keeps it."""

    id: int
    full_name: str
    owner: str
    url: str
    description: str | None
    fork: bool
    archived: bool
    private: bool
    created: datetime
    pushed: datetime | None
    stars: int
    forks: int
    open_issues: int
    language: str | None
    topics: tuple[str, ...]
    license: str | None

    @property
    def artifact_id(self) -> str:
        """``github:repo:123``."""
        return f"github:repo:{self.id}"

    @property
    def tags(self) -> list[str]:
        """Flags and topics as artifact tags (``fork``, ``archived``, ``language:Python``,
        ``topic:llm``)."""
        out = [t for t, on in (("fork", self.fork), ("archived", self.archived)) if on]
        if self.language:
            out.append(f"language:{self.language}")
        return out + [f"topic:{t}" for t in self.topics]


def _time(value: Any, name: str, key: str, *, required: bool) -> datetime | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{name} is missing or not a string", key)
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRecord(f"{name} is not a date: {value[:40]!r}", key) from None
    if t.tzinfo is not None:
        t = t.astimezone(UTC).replace(tzinfo=None)
    return t


def _count(raw: Mapping[str, Any], name: str, key: str) -> int:
    v = raw.get(name)
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise BadRecord(f"{name} is not a count: {str(v)[:30]!r}", key)
    return v


def _text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text[:limit] or None


def parse_repo(raw: Any) -> RepoRecord:
    """One raw GitHub repository → :class:`RepoRecord`; :class:`BadRecord` if unusable."""
    if not isinstance(raw, dict):
        raise BadRecord("record is not an object")
    rid = raw.get("id")
    name = raw.get("full_name")
    key = name if isinstance(name, str) else (str(rid) if rid is not None else None)
    if isinstance(rid, bool) or not isinstance(rid, int) or rid <= 0:
        raise BadRecord(f"id is missing or not a positive integer: {str(rid)[:30]!r}", key)
    if not isinstance(name, str) or name.count("/") != 1 or len(name) > 200:
        raise BadRecord(f"full_name is missing or malformed: {str(name)[:60]!r}", key)
    flags = {}
    for f in ("fork", "archived"):
        v = raw.get(f)
        if not isinstance(v, bool):
            raise BadRecord(f"{f} is not a boolean: {str(v)[:20]!r}", key)
        flags[f] = v
    private = raw.get("private", False)
    owner = raw.get("owner") if isinstance(raw.get("owner"), dict) else {}
    login = owner.get("login") if isinstance(owner.get("login"), str) else name.split("/")[0]
    lic = raw.get("license")
    if lic is not None and not isinstance(lic, dict):
        raise BadRecord("license is neither an object nor null", key)
    spdx = lic.get("spdx_id") if isinstance(lic, dict) else None
    if spdx is not None and (not isinstance(spdx, str) or len(spdx) > 100):
        raise BadRecord(f"license.spdx_id is malformed: {str(spdx)[:40]!r}", key)
    if isinstance(lic, dict) and spdx is None and lic.get("key") == "other":
        spdx = "NOASSERTION"
    topics = raw.get("topics") or []
    if not isinstance(topics, list):
        raise BadRecord("topics is not a list", key)
    url = raw.get("html_url")
    return RepoRecord(
        id=rid,
        full_name=name,
        owner=login,
        url=url
        if isinstance(url, str) and url.startswith("https://")
        else f"https://github.com/{name}",
        description=_text(raw.get("description"), 500),
        fork=flags["fork"],
        archived=flags["archived"],
        private=bool(private),
        created=_time(raw.get("created_at"), "created_at", key, required=True),  # type: ignore[arg-type]
        pushed=_time(raw.get("pushed_at"), "pushed_at", key, required=False),
        stars=_count(raw, "stargazers_count", key),
        forks=_count(raw, "forks_count", key),
        open_issues=_count(raw, "open_issues_count", key),
        language=_text(raw.get("language"), 60),
        topics=tuple(dict.fromkeys(t.lower()[:50] for t in topics if isinstance(t, str) and t)),
        license=spdx or None,
    )


def repo_detail(r: RepoRecord) -> str:
    """The JSON kept in ``artifacts.detail`` for a repository."""
    return json.dumps(
        {
            "full_name": r.full_name,
            "description": r.description,
            "language": r.language,
            "fork": r.fork,
            "archived": r.archived,
            "open_issues": r.open_issues,
            "topics": list(r.topics),
        },
        ensure_ascii=False,
    )
