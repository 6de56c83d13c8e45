"""The Hugging Face Hub source: paged listings through ``huggingface_hub``, typed records.

Every rule this module relies on is written, with its source, in
``docs/contracts/hub.md``; the fake Hub of the tests enforces the same rules.

Requests go through the installed ``huggingface_hub`` client's HTTP layer
(:func:`huggingface_hub.utils.http_backoff`, its shared session, its headers and
``hf_raise_for_status``), against ``HF_ENDPOINT`` with ``HF_TOKEN``, exactly as
``HfApi.list_models`` does; openrace walks the ``Link`` pages itself so that it can keep
the cursor of every page and resume after a crash. On top of the client it

- asks listings only for ``expand`` values the Hub's listing routes accept
  (:data:`LISTING_EXPAND`; ``baseModels``, ``childrenModelCount`` and ``usedStorage``
  are refused there with HTTP 400);
- paces itself under the account's quota, read from the Hub's ``RateLimit-Policy`` /
  ``RateLimit`` headers (:class:`Pacer`; the plan table :data:`PLANS` only until the
  first answer);
- leaves a 429 to the client's own retry (which waits as long as ``RateLimit`` /
  ``Retry-After`` say) and gives up with :class:`~openrace.errors.RateLimitExhaustedError`
  when those retries run out (the next run resumes);
- maps an unreachable server, a refused token, a refused request (with the Hub's own
  message), a 5xx that outlives the client's retries and a malformed page to one
  :mod:`openrace.errors` exception each.

:func:`parse_model` and :func:`parse_dataset` turn one raw API record into a
:class:`HubRecord`, or raise :class:`BadRecord` (the harvester quarantines it).
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson

from openrace.errors import (
    AuthenticationError,
    RateLimitExhaustedError,
    SourceError,
    SourceUnreachableError,
    UsageError,
)

KINDS = ("model", "dataset")

#: the relations of the Hub's ``base_model:<relation>:`` tags (the store's
#: ``vocabulary.RELATIONS``; a test keeps them equal — the source does not import the
#: store, so that ``openrace --help`` need not load DuckDB)
RELATIONS: tuple[str, ...] = ("finetune", "adapter", "quantized", "merge")

#: The ``expand[]`` values the Hub's listing routes accept (``list_models`` /
#: ``list_datasets`` docstrings of huggingface_hub 2.x; huggingface_hub PR #3182).
LISTING_EXPAND: dict[str, frozenset[str]] = {
    "model": frozenset({
        "author", "cardData", "config", "createdAt", "disabled", "downloads",
        "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
        "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token",
        "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha",
        "siblings", "spaces", "tags", "transformersInfo", "trendingScore", "widgetData",
    }),
    "dataset": frozenset({
        "author", "cardData", "citation", "createdAt", "description", "disabled",
        "downloads", "downloadsAllTime", "gated", "lastModified", "likes", "mainSize",
        "paperswithcode_id", "private", "resourceGroup", "sha", "siblings", "tags",
        "trendingScore",
    }),
}
#: Accepted only on ``/api/{kind}s/{repo_id}``, refused by listings with HTTP 400
#: (huggingface_hub PR #3182 quotes the Hub's listing routes for models; ``usedStorage``
#: of datasets is not settled by any source, so openrace never asks a listing for it).
LISTING_REFUSED: dict[str, frozenset[str]] = {
    "model": frozenset({"baseModels", "childrenModelCount", "usedStorage"}),
    "dataset": frozenset({"usedStorage"}),
}

#: What openrace asks a listing to return for each kind: nothing else is read.
WANTED_EXPAND: dict[str, tuple[str, ...]] = {
    "model": (
        "author", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes",
        "trendingScore", "tags", "pipeline_tag", "library_name", "gated", "cardData",
        "safetensors",
    ),
    "dataset": (
        "author", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes",
        "trendingScore", "tags", "gated", "cardData", "description",
    ),
}

#: API requests per 5-minute window, per account type (Hub docs, "Rate limits", tiers of
#: September 2025). Only a fallback: the Hub's ``RateLimit-Policy`` header says the quota
#: of the account actually used.
PLANS: dict[str, int] = {"anonymous": 500, "free": 1000, "pro": 2500, "team": 3000,
                         "enterprise": 6000, "enterprise-plus": 10000, "academia": 3000}
WINDOW_SECONDS = 300.0
#: Page size asked of the Hub (the most a listing page holds).
PAGE_SIZE = 1000
#: The Hub began storing creation dates on 2022-03-02: every repo created before carries
#: ``2022-03-02T23:29:04.000Z`` (the lowest value, huggingface_hub ``ModelInfo`` docs) or a
#: second or two later (the backfill's own pace, seen in huggingface_hub's recorded
#: responses). A date before this bound is no creation date.
UNKNOWN_CREATED_BEFORE = datetime(2022, 3, 2, 23, 30, 0)

_ID_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
_REPO_ID = re.compile(rf"^(?:{_ID_PART}/)?{_ID_PART}$")


def expand_for(kind: str) -> list[str]:
    """The ``expand[]`` values openrace asks a ``kind`` listing for: what it reads, never
    a value the listing refuses.

    >>> "childrenModelCount" in expand_for("model")
    False
    """
    wanted = [p for p in WANTED_EXPAND[kind] if p in LISTING_EXPAND[kind]]
    assert not set(wanted) & LISTING_REFUSED[kind]
    return wanted


def is_repo_id(value: Any) -> bool:
    """Whether ``value`` is a well-formed Hub repository id (``namespace/name`` or legacy
    ``name``)."""
    return isinstance(value, str) and bool(_REPO_ID.match(value)) and ".." not in value


# -- pacing ----------------------------------------------------------------------------------


@dataclass
class Pacer:
    """Keep requests under ``limit`` per ``window`` seconds (0 = no pacing), and slow down
    when the server's ``RateLimit`` header says few requests remain.

    ``limit`` / ``window`` start from the plan table (or the user's override) and follow
    the Hub's ``RateLimit-Policy`` once it has answered, unless ``fixed``."""

    limit: int
    window: float = WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    #: the user set the pace (``--requests-per-5min``): the server's policy does not move it
    fixed: bool = False
    #: where ``limit`` comes from: ``plan`` (the table), ``server`` or ``user``
    source: str = "plan"
    _sent: deque[float] = field(default_factory=deque, repr=False)
    _not_before: float = 0.0
    slept: float = 0.0

    def wait(self) -> None:
        """Block until one more request fits the policy, then count it."""
        now = self.clock()
        delay = max(0.0, self._not_before - now)
        if self.limit > 0:
            while self._sent and self._sent[0] <= now - self.window:
                self._sent.popleft()
            if len(self._sent) >= self.limit:
                delay = max(delay, self._sent[0] + self.window - now)
        if delay > 0:
            self.sleep(delay)
            self.slept += delay
            now = self.clock()
        if self.limit > 0:
            self._sent.append(now)

    def adopt(self, limit: int | None, window: float | None) -> None:
        """Follow the quota the server states (``RateLimit-Policy``: ``q`` per ``w``)."""
        if self.fixed or not limit or not window or limit <= 0 or window <= 0:
            return
        self.limit, self.window, self.source = int(limit), float(window), "server"

    def observe(self, remaining: int | None, reset_in: float | None) -> None:
        """Take the server's view of the window into account: with ``remaining`` requests
        left for ``reset_in`` seconds, spread them out (none left: wait for the reset)."""
        if remaining is None or reset_in is None:
            return
        now = self.clock()
        if remaining <= 0:
            self._not_before = max(self._not_before, now + reset_in)
        elif self.limit and remaining < max(1, self.limit // 10):
            self._not_before = max(self._not_before, now + reset_in / (remaining + 1))

    def seconds_for(self, requests: int) -> float:
        """The least time ``requests`` requests take under this pace (the first window's
        worth goes at once, each further one waits for a slot)."""
        if self.limit <= 0 or requests <= self.limit:
            return 0.0
        return (requests - self.limit) * self.window / self.limit


# -- the client -------------------------------------------------------------------------------


@dataclass
class HubClient:
    """Paged listings of the Hub through the ``huggingface_hub`` client.

    ``retries`` / ``backoff`` are handed to the client's own retry of 429s, 5xx and
    network errors (a 429 waits as long as the Hub's ``RateLimit`` / ``Retry-After`` say);
    when they run out the harvest ends with :class:`RateLimitExhaustedError` or
    :class:`SourceError`, and the next run resumes.
    """

    endpoint: str = "https://huggingface.co"
    token: str | None = field(default=None, repr=False)
    plan: str | None = None
    requests_per_window: int | None = None
    retries: int = 5
    backoff: float = 1.0
    timeout: float = 60.0
    malformed_retries: int = 2
    #: pages fetched and parsed ahead by a worker thread while the caller stores (0: none)
    prefetch: int = 16
    pacer: Pacer | None = None
    name: str = "hf"
    requests: int = 0
    _hdrs: dict[str, str] | None = field(default=None, repr=False)
    _remaining: int | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.endpoint = self.endpoint.rstrip("/")
        if self.retries < 0:
            raise UsageError("--retries must be 0 or more")
        if self.pacer is None:
            plan = self.plan or ("free" if self.token else "anonymous")
            if self.requests_per_window is None and plan not in PLANS:
                raise UsageError(f"unknown Hub plan {plan!r}; plans: {', '.join(PLANS)}")
            if self.requests_per_window is not None:
                self.pacer = Pacer(limit=self.requests_per_window, fixed=True, source="user")
            else:
                self.pacer = Pacer(limit=PLANS[plan])

    def _headers(self) -> dict[str, str]:
        if self._hdrs is None:
            from huggingface_hub import HfApi

            # token=False: never fall back to a token saved on this machine when none is given
            self._hdrs = HfApi(endpoint=self.endpoint)._build_hf_headers(
                token=self.token or False)
        return self._hdrs

    def first_url(self, kind: str, *, author: str | None = None, filter: str | None = None,
                  search: str | None = None, page_size: int = PAGE_SIZE,
                  sort: str = "createdAt") -> str:
        """The URL of the first page of a listing, newest first."""
        from urllib.parse import urlencode

        params: list[tuple[str, Any]] = []
        if author:
            params.append(("author", author))
        if filter:
            params.append(("filter", filter))
        if search:
            params.append(("search", search))
        # the Hub sorts descending only (huggingface_hub PR #3630): no ``direction``
        params += [("sort", sort), ("limit", page_size)]
        params += [("expand[]", p) for p in expand_for(kind)]
        return f"/api/{kind}s?{urlencode(params)}"

    def pages(self, kind: str, *, cursor: str | None = None, since: datetime | None = None,
              **query: Any) -> Iterator[HubPage]:
        """Yield the pages of a listing, parsed; ``cursor`` (a relative URL from a previous
        page's ``next_cursor``) resumes it. With ``prefetch`` > 0, a worker thread fetches
        and parses up to that many pages ahead while the caller stores the ones it has,
        and stops after a page that already reaches back before ``since`` (an incremental
        run stops there)."""
        if kind not in KINDS:
            raise SourceError(f"unknown Hub listing {kind!r}")
        url: str = cursor or self.first_url(kind, **query)
        parse = PARSERS[kind]

        def following(page: HubPage) -> str | None:
            if since is not None and any(r.created < since for r in page.records):
                return None
            return page.next_cursor

        if self.prefetch <= 0:
            page: HubPage | None = self._page(url, parse)
            while page is not None:
                yield page
                page = self._page(page.next_cursor, parse) if page.next_cursor else None
            return
        yield from _read_ahead(url, lambda u: self._page(u, parse), following, self.prefetch)

    def _page(self, url: str, parse: Callable[[Any], HubRecord]) -> HubPage:
        """Fetch, decode and parse one page (a malformed body is fetched again, then
        refused); records that cannot be parsed are kept, with why, for quarantine."""
        before = self.requests
        for attempt in range(self.malformed_retries + 1):
            response = self._get(url)
            try:
                items, junk = _page_items(response, url)
                break
            except SourceError:
                if attempt == self.malformed_retries:
                    raise
        records: list[HubRecord] = []
        bad: list[tuple[str | None, str, Any]] = []
        for raw in items:
            try:
                records.append(parse(raw))
            except BadRecord as exc:
                bad.append((exc.key, exc.reason, raw))
        bad += [(None, "record is not an object", raw) for raw in junk]
        nxt = response.links.get("next", {}).get("url")
        return HubPage(records=records, bad=bad, read=len(items) + len(junk), cursor=url,
                       next_cursor=_relative(nxt) if nxt else None,
                       requests=self.requests - before)

    def probe(self, kind: str = "model") -> dict[str, Any]:
        """Spend one request (a one-record listing) to learn the account's quota from the
        Hub's ``RateLimit-Policy``; returns ``limit``, ``window``, ``remaining`` and where
        the limit comes from (``server``, or ``plan`` / ``user`` when the Hub sent none)."""
        self._get(self.first_url(kind, page_size=1))
        assert self.pacer is not None
        return {"limit": self.pacer.limit, "window": self.pacer.window,
                "source": self.pacer.source, "remaining": self._remaining}

    def _get(self, relative: str) -> Any:
        import httpx2
        from huggingface_hub.errors import HfHubHTTPError
        from huggingface_hub.utils import hf_raise_for_status, http_backoff

        assert self.pacer is not None
        url = self.endpoint + relative
        self.pacer.wait()
        self.requests += 1
        try:
            # the client retries 429 (waiting out RateLimit / Retry-After), 5xx and network
            # errors itself; each retry is one more request against the quota
            r = http_backoff(
                "GET", url, headers=self._headers(), timeout=self.timeout,
                max_retries=self.retries, base_wait_time=self.backoff,
                max_wait_time=max(self.backoff * 8, self.backoff),
                retry_on_status_codes=(429, 500, 502, 503, 504),
            )
        except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
            raise SourceUnreachableError(
                f"cannot reach the Hub at {self.endpoint} ({type(exc).__name__}); check "
                "HF_ENDPOINT and the network, then re-run to resume"
            ) from None
        except (httpx2.TimeoutException, httpx2.NetworkError,
                httpx2.RemoteProtocolError) as exc:
            raise SourceUnreachableError(
                f"the Hub at {self.endpoint} stopped answering ({type(exc).__name__}); "
                "re-run to resume"
            ) from None
        except HfHubHTTPError as exc:  # a 429 or 5xx outlived the client's retries
            raise _http_error(exc.response, self.endpoint, self.retries) from None
        self._observe(r.headers)
        try:
            hf_raise_for_status(r)
        except HfHubHTTPError:
            raise _http_error(r, self.endpoint, self.retries) from None
        return r

    def _observe(self, headers: Mapping[str, str]) -> None:
        from huggingface_hub.utils import parse_ratelimit_headers

        assert self.pacer is not None
        try:
            info = parse_ratelimit_headers(headers)
        except (ValueError, TypeError):
            info = None
        if info is not None:
            self.pacer.adopt(info.limit, info.window_seconds)
            self.pacer.observe(info.remaining, float(info.reset_in_seconds))
            self._remaining = info.remaining


def _server_message(response: Any) -> str:
    """The Hub's own words about a refused request (``X-Error-Message`` or the body's
    ``error``), made inert for a terminal and cut short."""
    text = ""
    try:
        text = response.headers.get("X-Error-Message") or ""
        if not text:
            body = orjson.loads(response.content)
            if isinstance(body, Mapping):
                text = str(body.get("error") or body.get("message") or "")
    except Exception:  # any body: the status alone still says what happened
        text = ""
    text = "".join(c if c.isprintable() else " " for c in text).strip()
    return text[:200]


def _http_error(response: Any, endpoint: str, retries: int) -> SourceError:
    """One error a user can act on, for a response the Hub refused."""
    status = int(response.status_code)
    said = _server_message(response)
    quoted = f": {said}" if said else ""
    if status == 429:
        return RateLimitExhaustedError(
            f"the Hub kept refusing requests (HTTP 429{quoted}) after {retries} retries; "
            "the account's quota is spent: re-run later to resume where this run stopped")
    if status == 401:
        return AuthenticationError(
            f"the Hub refused the token (HTTP 401{quoted}): check HF_TOKEN, or unset it to "
            "harvest anonymously")
    if status == 403:
        return AuthenticationError(
            f"the Hub refused access (HTTP 403{quoted}): the token in HF_TOKEN lacks the "
            "permission, or the account is blocked; re-running will not help until that "
            "changes")
    if status >= 500:
        return SourceError(f"the Hub at {endpoint} failed (HTTP {status}{quoted}) after "
                           f"{retries} retries; re-run to resume")
    return SourceError(
        f"the Hub at {endpoint} refused the request (HTTP {status}{quoted}); re-running "
        "will not help: check HF_ENDPOINT, or report this as an openrace bug")


def _read_ahead(first: str, fetch: Callable[[str], HubPage],
                following: Callable[[HubPage], str | None], depth: int) -> Iterator[HubPage]:
    """Yield ``fetch(first)`` and the pages ``following`` each, fetched by a worker thread
    up to ``depth`` pages ahead of the consumer; an error reaches the consumer after the
    pages fetched before it. The worker stops when the consumer does."""
    ahead: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        url: str | None = first
        try:
            while url is not None and not stop.is_set():
                page = fetch(url)
                if not hand(("page", page)):
                    return
                url = following(page)
            hand(("end", None))
        except BaseException as exc:  # handed to the consumer, raised there
            hand(("error", exc))

    worker = threading.Thread(target=work, name="openrace-hf", daemon=True)
    worker.start()
    try:
        while True:
            what, value = ahead.get()
            if what == "end":
                return
            if what == "error":
                raise value
            yield value
    finally:
        stop.set()
        # a worker in a paced wait or a retry may take long: it stops by itself after that
        worker.join(timeout=5.0)


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_items(response: Any, url: str) -> tuple[list[Any], list[Any]]:
    try:
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:  # what orjson refuses and json takes (NaN, huge ints)
            body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise SourceError(
            f"the Hub sent a malformed page (not JSON) for {url[:200]}; re-run to resume"
        ) from None
    if not isinstance(body, list):
        raise SourceError(f"the Hub sent a malformed page (not a list) for {url[:200]}")
    items = [x for x in body if isinstance(x, dict)]
    junk = [x for x in body if not isinstance(x, dict)]
    return items, junk


# -- records ----------------------------------------------------------------------------------


class BadRecord(ValueError):
    """A raw record that cannot be stored; ``key`` is its id if it has a usable one."""

    def __init__(self, reason: str, key: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.key = key


@dataclass(slots=True)
class HubRecord:
    """One model or dataset as openrace stores it."""

    kind: str
    id: str
    author: str
    #: the listing's ``createdAt`` (its sort key: watermarks compare it)
    created: datetime
    modified: datetime | None = None
    downloads_30d: float | None = None
    downloads_all_time: float | None = None
    likes: float | None = None
    trending: float | None = None
    tags: list[str] = field(default_factory=list)
    pipeline_tag: str | None = None
    library_name: str | None = None
    gated: str | None = None
    license: str | None = None
    params: float | None = None
    parents: list[tuple[str, str]] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    card_completeness: float | None = None
    description: str | None = None

    @property
    def artifact_id(self) -> str:
        """``hf:model:<id>`` / ``hf:dataset:<id>``."""
        return f"hf:{self.kind}:{self.id}"

    @property
    def created_known(self) -> bool:
        """Whether ``created`` is a creation date: the Hub gives every repo created before
        it stored dates the same placeholder (:data:`UNKNOWN_CREATED_BEFORE`)."""
        return self.created >= UNKNOWN_CREATED_BEFORE

    @property
    def quantized(self) -> bool:
        """Whether the repo is a quantisation of another model."""
        return any(rel == "quantized" for _, rel in self.parents)


@dataclass
class HubPage:
    """One page of a Hub listing, parsed at the edge."""

    #: the records that parsed
    records: list[HubRecord]
    #: (id if any, reason, raw record) of those that did not, non-objects included
    bad: list[tuple[str | None, str, Any]]
    #: records the page held
    read: int
    #: cursor that fetched this page
    cursor: str | None
    #: cursor of the next page, None when this page is the last
    next_cursor: str | None
    #: HTTP requests spent on this page (retries included)
    requests: int = 1


def parse_time(value: Any, field_name: str, key: str | None) -> datetime | None:
    """An ISO 8601 Hub timestamp as naive UTC; None stays None; garbage is a
    :class:`BadRecord`."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{field_name} is not a date: {str(value)[:60]!r}", key)
    try:
        if value.endswith("Z") and value[10:11] == "T":  # the Hub's form: UTC, no zone to convert
            ts = datetime.fromisoformat(value[:-1])
            if ts.tzinfo is not None:
                raise ValueError(value)
        else:
            ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadRecord(f"{field_name} is not a date: {value[:60]!r}", key) from None
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    if not 1990 <= ts.year <= 2100:
        raise BadRecord(f"{field_name} out of range: {value[:60]!r}", key)
    return ts


def _number(value: Any, field_name: str, key: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise BadRecord(f"{field_name} is not a number: {str(value)[:60]!r}", key)
    if value < 0:
        raise BadRecord(f"{field_name} is negative: {value!r}", key)
    return float(value)


def _text(value: Any, limit: int = 200) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value[:limit]
    return None


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _tag_values(tags: list[str], prefix: str) -> list[str]:
    return [t[len(prefix):] for t in tags if t.startswith(prefix) and len(t) > len(prefix)]


def lineage_of(repo_id: str, tags: list[str], card: Mapping[str, Any] | None,
               base_models: Any = None) -> list[tuple[str, str]]:
    """The (parent id, relation) pairs of a model. The Hub's ``base_model:*`` tags are its
    own resolution of the card and win; only a model without such tags falls back on the
    ``baseModels`` property, then the card's ``base_model`` / ``base_model_relation``.

    >>> lineage_of("a/b", ["base_model:x/y", "base_model:quantized:x/y"], None)
    [('x/y', 'quantized')]
    """
    typed: dict[str, str] = {}
    plain: list[str] = []
    for t in tags:
        if t.startswith("base_model:"):
            rel, typed_tag, pid = t[11:].partition(":")
            if typed_tag:
                typed.setdefault(pid, rel if rel in RELATIONS else "unknown")
            else:
                plain.append(rel)
    # each id checked once: most models carry both the plain and the typed tag
    typed = {pid: rel for pid, rel in typed.items() if pid != repo_id and is_repo_id(pid)}
    plain = [pid for pid in plain if pid not in typed and pid != repo_id and is_repo_id(pid)]
    if typed or plain:
        out = dict(typed)
        for pid in plain:
            out.setdefault(pid, "unknown")
        return sorted(out.items())
    fallback_rel = None
    if isinstance(base_models, Mapping):
        rel = base_models.get("relation")
        fallback_rel = rel if rel in RELATIONS else None
        base_models = base_models.get("models")
    for b in base_models if isinstance(base_models, list) else []:
        pid = b.get("id") if isinstance(b, Mapping) else b
        if is_repo_id(pid) and pid != repo_id:
            plain.append(pid)
    if isinstance(card, Mapping):
        rel = card.get("base_model_relation")
        fallback_rel = fallback_rel or (rel if rel in RELATIONS else None)
        if not plain:
            plain = [b for b in _str_list(card.get("base_model"))
                     if is_repo_id(b) and b != repo_id]
    return sorted({pid: fallback_rel or "unknown" for pid in plain}.items())


#: Card fields whose presence makes a dataset card complete (each counts equally).
DATASET_CARD_FIELDS = ("license", "task_categories", "language", "size_categories",
                       "pretty_name", "source_datasets", "configs")


def _common(raw: Any, kind: str) -> tuple[str, Mapping[str, Any], list[str], Mapping[str, Any]]:
    if not isinstance(raw, Mapping):
        raise BadRecord("record is not an object")
    rid = raw.get("id", raw.get("modelId"))
    if rid is None:
        raise BadRecord("missing id")
    if not is_repo_id(rid):
        raise BadRecord(f"malformed id {str(rid)[:80]!r}")
    tags_raw = raw.get("tags", [])
    if tags_raw is None:
        tags_raw = []
    if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
        raise BadRecord("tags is not a list of strings", rid)
    tags = [t[:200] for t in tags_raw[:500]]
    card = raw.get("cardData")
    if not isinstance(card, Mapping):
        card = {}
    return rid, raw, tags, card


def parse_model(raw: Any) -> HubRecord:
    """One ``/api/models`` record as a :class:`HubRecord` (or :class:`BadRecord`)."""
    rid, r, tags, card = _common(raw, "model")
    created = parse_time(r.get("createdAt"), "createdAt", rid)
    if created is None:
        raise BadRecord("missing createdAt", rid)
    author = r.get("author") if isinstance(r.get("author"), str) else None
    author = author or (rid.split("/")[0] if "/" in rid else rid)
    licences = _tag_values(tags, "license:") or _str_list(card.get("license"))
    params = None
    st = r.get("safetensors")
    if isinstance(st, Mapping):
        params = _number(st.get("total"), "safetensors.total", rid)
    gated = r.get("gated")
    return HubRecord(
        kind="model", id=rid, author=author[:96], created=created,
        modified=parse_time(r.get("lastModified"), "lastModified", rid),
        downloads_30d=_number(r.get("downloads"), "downloads", rid),
        downloads_all_time=_number(r.get("downloadsAllTime"), "downloadsAllTime", rid),
        likes=_number(r.get("likes"), "likes", rid),
        trending=_number(r.get("trendingScore"), "trendingScore", rid),
        tags=tags, pipeline_tag=_text(r.get("pipeline_tag"), 80),
        library_name=_text(r.get("library_name"), 80),
        gated=str(gated) if isinstance(gated, str | bool) and gated else None,
        license=licences[0][:80] if licences else None,
        params=params,
        parents=lineage_of(rid, tags, card, r.get("baseModels")),
        languages=_tag_values(tags, "language:")[:50],
    )


def parse_dataset(raw: Any) -> HubRecord:
    """One ``/api/datasets`` record as a :class:`HubRecord` (or :class:`BadRecord`)."""
    rid, r, tags, card = _common(raw, "dataset")
    created = parse_time(r.get("createdAt"), "createdAt", rid)
    if created is None:
        raise BadRecord("missing createdAt", rid)
    author = r.get("author") if isinstance(r.get("author"), str) else None
    author = author or (rid.split("/")[0] if "/" in rid else rid)
    licences = _tag_values(tags, "license:") or _str_list(card.get("license"))
    present = sum(1 for f in DATASET_CARD_FIELDS if card.get(f))
    gated = r.get("gated")
    return HubRecord(
        kind="dataset", id=rid, author=author[:96], created=created,
        modified=parse_time(r.get("lastModified"), "lastModified", rid),
        downloads_30d=_number(r.get("downloads"), "downloads", rid),
        downloads_all_time=_number(r.get("downloadsAllTime"), "downloadsAllTime", rid),
        likes=_number(r.get("likes"), "likes", rid),
        trending=_number(r.get("trendingScore"), "trendingScore", rid),
        tags=tags,
        gated=str(gated) if isinstance(gated, str | bool) and gated else None,
        license=licences[0][:80] if licences else None,
        tasks=(_tag_values(tags, "task_categories:")
               or _str_list(card.get("task_categories")))[:20],
        modalities=_tag_values(tags, "modality:")[:10],
        languages=(_tag_values(tags, "language:") or _str_list(card.get("language")))[:50],
        card_completeness=round(present / len(DATASET_CARD_FIELDS), 3),
        description=_text(r.get("description"), 500),
    )


PARSERS: dict[str, Callable[[Any], HubRecord]] = {"model": parse_model, "dataset": parse_dataset}
