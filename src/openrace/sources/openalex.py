"""The OpenAlex source: group-by aggregates, cursor-paged works, typed work records.

Every rule this module relies on is written, with its source, in
``docs/contracts/openalex.md``; the fake OpenAlex of the tests enforces the same rules.

openrace speaks OpenAlex's HTTP API with ``httpx`` rather than through ``pyalex``:
pyalex builds every request URL with the fixed host ``api.openalex.org`` and mounts its
retry adapter on ``https://`` only, so it cannot be pointed at another server (a mirror,
or the local test server), and it retries a 429 — which OpenAlex now uses for a spent
daily allowance. The requests are the ones pyalex sends: ``/works`` with ``filter``,
``group_by``, ``sort``, ``select``, ``per_page`` and ``cursor``.

The client (:class:`OpenAlexClient`) is the one choke point for the network:

- against the public API (``api.openalex.org``) a key is required since 13 February 2026:
  without ``OPENALEX_API_KEY`` the client refuses before its first request; the key goes
  in the ``api_key`` parameter and never appears in a message;
- pages hold at most 100 results or groups (``per_page`` 1–100) and requests are paced
  under the per-second limit;
- a 429 means the day's allowance is spent: the harvest stops at once with
  :class:`~openrace.errors.RateLimitExhaustedError` and the next run resumes (a 429 that
  says it is about the per-second rate, as the proxy's own source writes it, is waited out);
- a 403 means too many requests per second: waited out with backoff;
- a 5xx or a dropped connection is retried with exponential backoff (``tenacity``), and a
  malformed page (not JSON, or without its ``meta`` / ``results``) is fetched again, as
  the Hub source does; ``retries`` = N means N retries (N + 1 attempts);
- an unreachable server, a refused key, a rejected query and a page still malformed after
  its retries each become one :mod:`openrace.errors` exception.

:func:`parse_work` turns one raw work into a :class:`WorkRecord` or raises
:class:`BadRecord` (the harvester quarantines it).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from openrace.errors import (
    AuthenticationError,
    RateLimitExhaustedError,
    SourceError,
    SourceUnreachableError,
    UsageError,
)
from openrace.sources import Page

if TYPE_CHECKING:
    import httpx
    from tenacity import RetryCallState

# httpx and tenacity are imported where a request is made: the CLI imports this module
# for its constants (SELECTIONS) and `openrace --help` need not load an HTTP stack

#: Which works count as "AI". ``primary`` is the default; ``broad`` is the alternative a
#: critic may prefer (any of a work's up-to-three topics in the subfield).
SELECTIONS: dict[str, tuple[str, str]] = {
    "primary": (
        "primary_topic.subfield.id:1702",
        "works whose primary topic is in OpenAlex subfield 1702 (Artificial Intelligence)",
    ),
    "broad": (
        "topics.subfield.id:1702",
        "works with any of their (up to three) topics in OpenAlex subfield 1702 "
        "(Artificial Intelligence)",
    ),
}
DEFAULT_SELECTION = "primary"

#: Sector segments of the per-country series: the OpenAlex institution types whose
#: institutions may be of the sector (the ``authorships.institutions.type`` filter that
#: finds candidates; None = every work). Universities carry ``funder`` in real data.
SEGMENTS: dict[str, str | None] = {
    "all": None,
    "company": "company",
    "education": "education|funder",
    "government": "government|facility",
}

# The vocabulary of what a harvest stores (openrace.harvest.openalex) and the metrics read
# (openrace.metrics.openalex), kept here so that the metrics import no harvest code.
#: the country pair whose co-authored works are counted
PAIR = ("US", "CN")
#: segment of the works with an author in mainland China or Hong Kong (country ``CN``,
#: measure ``ai_works``): the union, counted once, not the sum of the two countries' counts
ALL_WITH_HK = "all-with-HK"
#: segment of the US-China co-authored works with China incl. Hong Kong (measure
#: ``..._coauthored``, rows for ``US`` and ``CN``, the same number)
PAIR_WITH_HK = "pair-with-HK"
WORLD = "all"
#: the segment of works with an author at a company and one at a university of the country
COAUTHORED = "academia-industry"


def measure_name(selection: str) -> str:
    """The aggregates measure of a selection: ``ai_works`` or ``ai_works_<selection>``."""
    return "ai_works" if selection == DEFAULT_SELECTION else f"ai_works_{selection}"


def rank_metric(selection: str) -> str:
    """The observation holding a work's citation rank within its year."""
    return "cited_rank" if selection == DEFAULT_SELECTION else f"cited_rank_{selection}"


#: The fields asked for when harvesting works (``select``).
WORK_FIELDS = (
    "id", "doi", "display_name", "publication_year", "publication_date", "cited_by_count",
    "authorships", "primary_topic", "type", "fwci", "ids",
)
#: results (or groups) per page: the top of OpenAlex's documented range (1-100)
PER_PAGE = 100
#: values one OR filter may hold (``a|b|c``)
MAX_OR_VALUES = 100
#: The docs give 100 requests per second; the API proxy's source allows a free key 30 and
#: no key 10. openrace stays at 10.
REQUESTS_PER_SECOND = 10.0
#: The daily allowance of a free key in US dollars, and what one call costs.
FREE_ALLOWANCE_USD = 1.0
NO_KEY_ALLOWANCE_USD = 0.01
LIST_CALL_USD = 0.0001
#: hosts of the public API, where a key is required
PUBLIC_HOSTS = ("api.openalex.org",)
KEY_HELP = ("OpenAlex requires an API key since 13 February 2026: get a free one at "
            "https://openalex.org/settings/api and set OPENALEX_API_KEY")

_WORK_ID = re.compile(r"^(?:https://openalex\.org/)?(W\d{1,12})$")
_INST_ID = re.compile(r"^(?:https://openalex\.org/)?(I\d{1,12})$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ARXIV_DOI = re.compile(r"^(?:https://doi\.org/)?10\.48550/arxiv\.(.+)$", re.IGNORECASE)


def selection_filter(selection: str) -> str:
    """The OpenAlex filter of an AI-works selection (``primary`` or ``broad``)."""
    try:
        return SELECTIONS[selection][0]
    except KeyError:
        raise SourceError(
            f"unknown selection {selection!r}; selections: {', '.join(SELECTIONS)}"
        ) from None


def short_id(value: Any) -> str | None:
    """``https://openalex.org/I123`` → ``I123`` (None for anything else)."""
    if not isinstance(value, str):
        return None
    tail = value.rstrip("/").rsplit("/", 1)[-1]
    return tail if re.fullmatch(r"[A-Z]\d{1,12}", tail) else None


def country_key(value: Any) -> str | None:
    """A group-by country key (``https://openalex.org/countries/US`` or ``US``) → ``US``."""
    if not isinstance(value, str):
        return None
    tail = value.rstrip("/").rsplit("/", 1)[-1].upper()
    return tail if _COUNTRY.match(tail) else None


# -- the client -------------------------------------------------------------------------------


class _Transient(Exception):
    """A failure worth another try after ``delay`` seconds (None: exponential backoff)."""

    def __init__(self, message: str, delay: float | None = None, *, rate_limited: bool = False):
        super().__init__(message)
        self.delay = delay
        self.rate_limited = rate_limited


class _Malformed(Exception):
    """A page that is not what OpenAlex sends; fetched again, then refused."""


def is_public(endpoint: str) -> bool:
    """Whether ``endpoint`` is OpenAlex's public API (where a key is required)."""
    return (urlsplit(endpoint).hostname or "").lower() in PUBLIC_HOSTS


@dataclass
class OpenAlexClient:
    """Requests to the OpenAlex API (or any server speaking it, such as a local one).

    ``retries`` is the number of retries (not attempts) of one request through a 5xx, a
    dropped connection or a 403 (too many requests per second); ``malformed_retries`` the
    fetches again of a malformed page. A 429 saying the day is spent is not retried.
    """

    endpoint: str = "https://api.openalex.org"
    api_key: str | None = field(default=None, repr=False)
    email: str | None = None
    retries: int = 5
    malformed_retries: int = 2
    backoff: float = 1.0
    max_backoff: float = 60.0
    #: a per-second 429 asking to wait longer than this is taken as the day spent
    max_wait: float = 120.0
    timeout: float = 60.0
    requests_per_second: float = REQUESTS_PER_SECOND
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    name: str = "openalex"
    requests: int = 0
    #: the day's allowance and what is left of it, in USD, from the last answer's headers
    remaining_usd: float | None = None
    limit_usd: float | None = None
    _last: float = field(default=0.0, repr=False)
    _client: httpx.Client | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.endpoint = self.endpoint.rstrip("/")
        if not re.match(r"^https?://", self.endpoint):
            raise SourceError(f"OpenAlex endpoint must be an http(s) URL, not {self.endpoint!r}")
        if self.retries < 0:
            raise UsageError("--retries must be 0 or more")
        if self.requests_per_second < 0:
            raise UsageError("--requests-per-second must be 0 (no pacing) or more")

    @property
    def public(self) -> bool:
        """Whether the client talks to OpenAlex's public API."""
        return is_public(self.endpoint)

    def check_key(self) -> None:
        """Refuse, before any request, to use the public API without a key."""
        if self.public and not self.api_key:
            raise AuthenticationError(KEY_HELP)

    # -- plumbing --------------------------------------------------------------------------

    @property
    def http(self) -> httpx.Client:
        """The shared HTTP session (created on first use)."""
        if self._client is None:
            import httpx

            from openrace import __version__

            self._client = httpx.Client(
                base_url=self.endpoint,
                timeout=self.timeout,
                transport=self.transport,
                headers={"User-Agent": f"openrace/{__version__}"
                         + (f" (mailto:{self.email})" if self.email else "")},
                follow_redirects=True,
            )
        return self._client

    def close(self) -> None:
        """Close the HTTP session."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> OpenAlexClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pace(self) -> None:
        if self.requests_per_second <= 0:
            return
        gap = 1.0 / self.requests_per_second - (time.monotonic() - self._last)
        if gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()

    def get(self, path: str, params: Mapping[str, Any],
            check: Callable[[dict[str, Any]], str | None] | None = None) -> dict[str, Any]:
        """GET ``path`` with ``params`` (key and email added) and return the JSON object,
        retrying what is worth retrying. ``check`` returns why a decoded page is malformed
        (None when it is fine); a malformed page is fetched again ``malformed_retries``
        times before :class:`SourceError`."""
        from tenacity import Retrying, retry_if_exception_type

        self.check_key()
        query = {k: v for k, v in params.items() if v is not None}
        if self.api_key:
            query["api_key"] = self.api_key
        if self.email:
            query["mailto"] = self.email
        counts = {"malformed": 0}

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Transient) and exc.delay is not None:
                return exc.delay
            if isinstance(exc, _Malformed):
                return 0.0
            return min(self.max_backoff, self.backoff * 2 ** (state.attempt_number - 1))

        def give_up(state: RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Malformed):
                counts["malformed"] += 1
                return counts["malformed"] > self.malformed_retries
            return state.attempt_number - counts["malformed"] > self.retries

        retrying = Retrying(
            stop=give_up,
            wait=wait,
            retry=retry_if_exception_type((_Transient, _Malformed)),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(path, query, check)
        except _Malformed as exc:
            raise SourceError(f"OpenAlex sent a malformed page ({exc}) for {path}, "
                              f"{self.malformed_retries + 1} times; what was harvested is "
                              "kept: run the update again to resume") from None
        except _Transient as exc:
            if exc.rate_limited:
                raise RateLimitExhaustedError(
                    f"OpenAlex kept refusing requests as too many per second ({exc}) after "
                    f"{self.retries} retries; what was harvested is kept: run again with a "
                    "lower --requests-per-second to resume"
                ) from None
            raise SourceError(f"OpenAlex kept failing after {self.retries} retries: {exc}; "
                              "what was harvested is kept: run the update again to "
                              "resume") from None
        raise SourceError("OpenAlex request was not attempted")  # pragma: no cover

    def _once(self, path: str, query: Mapping[str, Any],
              check: Callable[[dict[str, Any]], str | None] | None) -> dict[str, Any]:
        import httpx

        self._pace()
        self.requests += 1
        try:
            r = self.http.get(path, params=query)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
            raise SourceUnreachableError(
                f"cannot reach OpenAlex at {self.endpoint} ({_reason(exc)})"
            ) from None
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Transient(f"connection to {self.endpoint} failed ({_reason(exc)})") from None
        self._observe(r.headers)
        status = r.status_code
        if status == 429:
            self._too_many(r)
        if status == 403:
            raise _Transient("HTTP 403, too many requests per second",
                             retry_after(r.headers), rate_limited=True)
        if status >= 500:
            raise _Transient(f"HTTP {status} from {self.endpoint}{path}")
        if status == 401:
            raise AuthenticationError(
                "OpenAlex refused the API key (HTTP 401): check OPENALEX_API_KEY"
                if self.api_key else f"OpenAlex refused the request (HTTP 401): {KEY_HELP}")
        if status >= 400:
            raise SourceError(f"OpenAlex rejected the query (HTTP {status}): {_message(r)}")
        try:
            body = r.json()
        except (ValueError, UnicodeDecodeError):
            raise _Malformed("not JSON") from None
        if not isinstance(body, dict):
            raise _Malformed("not an object")
        why = check(body) if check is not None else None
        if why:
            raise _Malformed(why)
        return body

    def _observe(self, headers: Mapping[str, str]) -> None:
        for name, attr in (("x-ratelimit-remaining-usd", "remaining_usd"),
                           ("x-ratelimit-limit-usd", "limit_usd")):
            if name in headers:
                with contextlib.suppress(ValueError):
                    setattr(self, attr, float(headers[name].lstrip("$")))

    def _too_many(self, r: httpx.Response) -> None:
        """A 429: the day's allowance is spent (the documented meaning), unless the answer
        says it is about the per-second rate (money left, a short wait)."""
        delay = retry_after(r.headers)
        cost = _header_float(r.headers, "x-ratelimit-cost-required-usd")
        left = _header_float(r.headers, "x-ratelimit-remaining-usd")
        text = _message(r).lower()
        per_second = ("per second" in text or (left is not None and cost is not None
                                               and left >= cost))
        if per_second and (delay is None or delay <= self.max_wait):
            raise _Transient("HTTP 429, too many requests per second", delay,
                             rate_limited=True)
        reset = delay if delay is not None else _header_float(r.headers, "x-ratelimit-reset")
        when = f" (it resets in about {_duration(reset)})" if reset else ""
        raise RateLimitExhaustedError(
            f"the OpenAlex daily allowance is spent{when}; what was harvested is kept: "
            "run `openrace update openalex` again after the reset to resume"
        )

    # -- listings --------------------------------------------------------------------------

    def group_by(self, filter: str, key: str, *, per_page: int = PER_PAGE,
                 max_pages: int = 1000) -> tuple[list[dict[str, Any]], int]:
        """All groups of ``/works?filter=...&group_by=key`` (cursor-paged: groups come in
        key order, the last page is empty) and the ``meta.count`` of the filtered works."""
        groups: list[dict[str, Any]] = []
        cursor: str | None = "*"
        count = 0
        pages = 0
        while cursor:
            body = self.get("/works", {"filter": filter, "group_by": key,
                                       "per_page": per_page, "cursor": cursor},
                            check=_group_page)
            page = body["group_by"]
            if pages == 0:
                count = _int(body["meta"].get("count"))
            pages += 1
            groups += [g for g in page if isinstance(g, dict)]
            nxt = body["meta"].get("next_cursor")
            # a short page is the last one: no need to fetch the empty page after it
            full = len(page) >= per_page
            cursor = nxt if isinstance(nxt, str) and nxt and full and pages < max_pages \
                else None
        return groups, count

    def top_groups(self, filter: str, key: str, *, n: int = PER_PAGE
                   ) -> tuple[list[dict[str, Any]], int]:
        """The ``n`` (at most 100) largest groups of ``/works?filter=...&group_by=key`` in
        one request (without a cursor OpenAlex answers the largest groups first) and the
        ``meta.count`` of the filtered works."""
        body = self.get("/works", {"filter": filter, "group_by": key,
                                   "per_page": min(n, PER_PAGE)}, check=_group_page)
        return ([g for g in body["group_by"] if isinstance(g, dict)],
                _int(body["meta"].get("count")))

    def count(self, filter: str) -> int:
        """``meta.count`` of ``/works?filter=...`` (one request)."""
        body = self.get("/works", {"filter": filter, "per_page": 1, "select": "id"},
                        check=_list_page)
        return _int(body["meta"].get("count"))

    def pages(self, kind: str, *, cursor: str | None = None, **query: Any) -> Iterator[Page]:
        """Yield cursor pages of ``/works`` (``kind`` must be ``works``); ``query`` holds
        ``filter``, ``sort``, ``select`` and ``per_page``. ``cursor`` resumes a listing."""
        if kind != "works":
            raise SourceError(f"unknown OpenAlex listing {kind!r}")
        params = {
            "filter": query.get("filter"),
            "sort": query.get("sort"),
            "select": query.get("select"),
            "per_page": min(PER_PAGE, int(query.get("per_page", PER_PAGE))),
        }
        current = cursor or "*"
        while True:
            before = self.requests
            body = self.get("/works", {**params, "cursor": current}, check=_list_page)
            meta, results = body["meta"], body["results"]
            items = [r for r in results if isinstance(r, dict)]
            junk = [r for r in results if not isinstance(r, dict)]
            nxt = meta.get("next_cursor")
            full = len(results) >= params["per_page"]
            nxt = nxt if isinstance(nxt, str) and nxt and full else None
            yield Page(items=items, cursor=None if current == "*" else current,
                       next_cursor=nxt, requests=self.requests - before, junk=junk)
            if nxt is None:
                return
            current = nxt

    def institutions(self, ids: list[str]) -> list[dict[str, Any]]:
        """The institutions with these OpenAlex ids (``I123``), 100 per request."""
        out: list[dict[str, Any]] = []
        for i in range(0, len(ids), MAX_OR_VALUES):
            batch = ids[i:i + MAX_OR_VALUES]
            body = self.get("/institutions", {
                "filter": "openalex:" + "|".join(batch), "per_page": PER_PAGE,
                "select": "id,display_name,type,country_code,ror,lineage"}, check=_list_page)
            out += [r for r in body["results"] if isinstance(r, dict)]
        return out

    def works_by_doi(self, dois: list[str], *, select: str | None = None
                     ) -> list[dict[str, Any]]:
        """The works with these DOIs (batches of 50, OpenAlex's OR syntax)."""
        out: list[dict[str, Any]] = []
        for i in range(0, len(dois), 50):
            batch = dois[i:i + 50]
            body = self.get("/works", {"filter": "doi:" + "|".join(batch), "per_page": 50,
                                       "select": select}, check=_list_page)
            out += [r for r in body["results"] if isinstance(r, dict)]
        return out


def _list_page(body: dict[str, Any]) -> str | None:
    if not isinstance(body.get("meta"), dict) or not isinstance(body.get("results"), list):
        return "no meta/results"
    return None


def _group_page(body: dict[str, Any]) -> str | None:
    if not isinstance(body.get("meta"), dict) or not isinstance(body.get("group_by"), list):
        return "no meta/group_by"
    return None


def _header_float(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return float(value.strip().lstrip("$"))
    except ValueError:
        return None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds asked by a ``Retry-After`` header (seconds or an HTTP date)."""
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


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"api_key=[^&\s]+", "api_key=***", text)[:200]


def _message(r: httpx.Response) -> str:
    try:
        body = r.json()
        if isinstance(body, dict):
            return str(body.get("message") or body.get("error") or "")[:300]
    except ValueError:
        pass
    return r.text[:200].strip()


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SourceError(f"OpenAlex sent a malformed count: {str(value)[:40]!r}")
    return int(value)


# -- records ----------------------------------------------------------------------------------


class BadRecord(ValueError):
    """A work record that cannot be used; the harvester quarantines it."""

    def __init__(self, reason: str, key: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.key = key


@dataclass(frozen=True)
class Institution:
    """One institution of an authorship."""

    id: str | None
    name: str | None
    country: str | None
    type: str | None
    ror: str | None
    lineage: tuple[str, ...] = ()


@dataclass(frozen=True)
class Authorship:
    """One author of a work with their institutions and countries."""

    author_id: str | None
    name: str | None
    position: str | None
    institutions: tuple[Institution, ...]
    countries: tuple[str, ...]


@dataclass(frozen=True)
class WorkRecord:
    """An OpenAlex work as openrace keeps it."""

    id: str
    title: str | None
    doi: str | None
    year: int | None
    date: datetime | None
    cited_by_count: int
    authorships: tuple[Authorship, ...]
    type: str | None = None
    fwci: float | None = None
    topic: str | None = None
    subfield: str | None = None

    @property
    def artifact_id(self) -> str:
        """``openalex:work:W123``."""
        return f"openalex:work:{self.id}"

    @property
    def arxiv_id(self) -> str | None:
        """The arXiv id when the DOI is an arXiv DOI (``10.48550/arXiv.2305.12345``)."""
        m = _ARXIV_DOI.match(self.doi or "")
        return m.group(1) if m else None

    @property
    def url(self) -> str:
        """The DOI link, else the OpenAlex page."""
        return self.doi or f"https://openalex.org/{self.id}"


def _text(value: Any, limit: int = 500) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text[:limit] or None


def parse_institution(raw: Any) -> Institution:
    """One raw institution (of ``/institutions`` or an authorship) → :class:`Institution`;
    :class:`BadRecord` if unusable."""
    return _institution(raw, str(raw.get("id") if isinstance(raw, dict) else ""))


def _institution(raw: Any, key: str) -> Institution:
    if not isinstance(raw, dict):
        raise BadRecord("an institution is not an object", key)
    iid = raw.get("id")
    m = _INST_ID.match(iid) if isinstance(iid, str) else None
    if iid is not None and not m:
        raise BadRecord(f"institution id is malformed: {str(iid)[:60]!r}", key)
    cc = raw.get("country_code")
    country = cc.upper() if isinstance(cc, str) and _COUNTRY.match(cc.upper()) else None
    if cc is not None and country is None:
        raise BadRecord(f"institution country_code is malformed: {str(cc)[:20]!r}", key)
    ror = raw.get("ror") if isinstance(raw.get("ror"), str) else None
    raw_lineage = raw.get("lineage")
    lineage = tuple(s for s in (short_id(x) for x in raw_lineage) if s) if isinstance(
        raw_lineage, list) else ()
    itype = raw.get("type")
    return Institution(
        id=m.group(1) if m else None,
        name=_text(raw.get("display_name"), 300),
        country=country,
        type=itype.lower() if isinstance(itype, str) and itype else None,
        ror=ror.rstrip("/") if ror else None,
        lineage=lineage,
    )


def _authorship(raw: Any, key: str) -> Authorship:
    if not isinstance(raw, dict):
        raise BadRecord("an authorship is not an object", key)
    insts = raw.get("institutions") or []
    if not isinstance(insts, list):
        raise BadRecord("authorship institutions is not a list", key)
    countries = raw.get("countries") or []
    if not isinstance(countries, list):
        raise BadRecord("authorship countries is not a list", key)
    cs: list[str] = []
    for c in countries:
        cc = c.upper() if isinstance(c, str) else ""
        if not _COUNTRY.match(cc):
            raise BadRecord(f"authorship country is malformed: {str(c)[:20]!r}", key)
        if cc not in cs:
            cs.append(cc)
    author = raw.get("author") if isinstance(raw.get("author"), dict) else {}
    return Authorship(
        author_id=short_id(author.get("id")),
        name=_text(author.get("display_name"), 200),
        position=raw.get("author_position") if isinstance(raw.get("author_position"), str)
        else None,
        institutions=tuple(_institution(i, key) for i in insts),
        countries=tuple(cs),
    )


def parse_work(raw: Any) -> WorkRecord:
    """One raw OpenAlex work → :class:`WorkRecord`; :class:`BadRecord` if unusable."""
    if not isinstance(raw, dict):
        raise BadRecord("record is not an object")
    wid = raw.get("id")
    m = _WORK_ID.match(wid) if isinstance(wid, str) else None
    if not m:
        raise BadRecord(f"work id is missing or malformed: {str(wid)[:60]!r}")
    key = m.group(1)
    cited = raw.get("cited_by_count", 0)
    if isinstance(cited, bool) or not isinstance(cited, int) or cited < 0:
        raise BadRecord(f"cited_by_count is not a count: {str(cited)[:30]!r}", key)
    year = raw.get("publication_year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)
                             or not 1000 <= year <= 2200):
        raise BadRecord(f"publication_year is malformed: {str(year)[:20]!r}", key)
    date = None
    pd = raw.get("publication_date")
    if pd is not None:
        try:
            date = datetime.strptime(str(pd)[:10], "%Y-%m-%d")
        except ValueError:
            raise BadRecord(f"publication_date is not a date: {str(pd)[:30]!r}", key) from None
    if date is None and isinstance(year, int):
        date = datetime(year, 1, 1)
    auths = raw.get("authorships") or []
    if not isinstance(auths, list):
        raise BadRecord("authorships is not a list", key)
    doi = raw.get("doi") if isinstance(raw.get("doi"), str) else None
    fwci = raw.get("fwci")
    topic = raw.get("primary_topic") if isinstance(raw.get("primary_topic"), dict) else {}
    sub = topic.get("subfield") if isinstance(topic.get("subfield"), dict) else {}
    return WorkRecord(
        id=key,
        title=_text(raw.get("display_name") or raw.get("title")),
        doi=doi,
        year=year if isinstance(year, int) else (date.year if date else None),
        date=date,
        cited_by_count=cited,
        authorships=tuple(_authorship(a, key) for a in auths),
        type=raw.get("type") if isinstance(raw.get("type"), str) else None,
        fwci=float(fwci) if isinstance(fwci, int | float) and not isinstance(fwci, bool)
        else None,
        topic=_text(topic.get("display_name"), 200),
        subfield=short_id(sub.get("id")) or (str(sub.get("id")).rsplit("/", 1)[-1]
                                             if sub.get("id") else None),
    )


def work_detail(w: WorkRecord, **extra: Any) -> str:
    """The JSON kept in ``artifacts.detail`` for a work."""
    return json.dumps({
        "doi": w.doi, "year": w.year, "type": w.type, "fwci": w.fwci, "topic": w.topic,
        "subfield": w.subfield, "authors": len(w.authorships), **extra,
    }, ensure_ascii=False)
