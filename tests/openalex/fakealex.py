"""A fake OpenAlex on 127.0.0.1 that keeps OpenAlex's contract, refusals included.

Every rule here is one of ``docs/contracts/openalex.md`` (its section in brackets):

- ``/works`` and ``/institutions`` list endpoints with ``filter``, ``group_by`` /
  ``group-by``, ``sort``, ``select``, ``per_page`` / ``per-page``, ``page``, ``cursor``,
  ``api_key`` / ``api-key``, ``mailto``; any other parameter is refused with 400 [params];
- ``per_page`` outside 1–100 is refused with 400 [paging]; ``page`` past 10,000 results,
  and ``page`` other than 1 with ``group_by``, too;
- filters: comma-separated clauses ANDed, each matched **independently** on the work (a
  ``authorships.institutions.type:company`` clause and a
  ``authorships.institutions.country_code:CN`` clause need not hit the same institution);
  ``|`` for OR with at most 100 values, ``!`` only in front of the whole OR list (NOT (a
  or b)), ``+`` for AND inside one clause; an unknown filter field is a 400 [filters];
- ``group_by``: groups ``{"key", "key_display_name", "count"}`` with entity ids as keys
  (``https://openalex.org/countries/US``, ``https://openalex.org/I123``); works without a
  value form an ``unknown`` group shown only with ``:include_unknown``; without a cursor
  the ``per_page`` largest groups (200 by default); with ``cursor`` the groups page in key
  order, ``meta.next_cursor`` set after every non-empty page [group_by];
- cursor paging of works: ``meta.next_cursor`` set while results come, null with the
  empty page that ends the listing [paging];
- authentication and the allowance [auth, allowance]: a key in ``api_key`` (or
  ``Authorization: Bearer``) must be valid (401 otherwise); each identity (the key, or
  "anonymous") has a daily allowance in credits (1 credit = $0.0001): a list or group_by
  call costs 1, a singleton 0. Every answer carries the ``X-RateLimit-*`` headers, the USD
  ones fractional. Once spent: 429 with ``Retry-After`` (seconds to midnight UTC) and
  ``X-RateLimit-Remaining-USD`` below ``X-RateLimit-Cost-Required-USD``;
- more than ``per_second`` requests in one second: 403 "slow down" as the errors page
  documents, or (``per_second_status=429``) the proxy's 429 with ``Retry-After: 1`` and
  money left [rate].

Faults (any status, any body) can be forced per request number for the resilience tests.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakeserver import JsonHandler, LoopbackServer

COUNTRY_NAMES = {
    "US": "United States",
    "CN": "China",
    "GB": "United Kingdom",
    "FR": "France",
    "DE": "Germany",
    "CA": "Canada",
    "JP": "Japan",
}
#: OpenAlex's documented ``per_page`` range
MAX_PER_PAGE = 100
#: groups of a group_by answer when ``per_page`` is not given (the server's default)
GROUP_DEFAULT = 200
#: values one OR filter may hold
MAX_OR_VALUES = 100
CREDIT_USD = 0.0001
VALID_PARAMS = {
    "api_key",
    "api-key",
    "cursor",
    "filter",
    "group_by",
    "group-by",
    "mailto",
    "page",
    "per_page",
    "per-page",
    "select",
    "sort",
    "sample",
    "seed",
    "search",
}


def make_institution(
    iid: str,
    country: str | None,
    itype: str = "education",
    ror: str | None = None,
    lineage: Sequence[str] = (),
    name: str | None = None,
) -> dict[str, Any]:
    """An institution as it appears inside an authorship."""
    return {
        "id": f"https://openalex.org/{iid}",
        "display_name": name or f"Institution {iid}",
        "ror": ror,
        "country_code": country,
        "type": itype,
        "lineage": [f"https://openalex.org/{x}" for x in (lineage or [iid])],
    }


def make_author(
    name: str,
    institutions: Sequence[dict[str, Any]],
    countries: Sequence[str] | None = None,
    position: str = "middle",
) -> dict[str, Any]:
    """One authorship (countries default to the institutions' countries)."""
    cs = (
        list(countries)
        if countries is not None
        else list(dict.fromkeys(i["country_code"] for i in institutions if i.get("country_code")))
    )
    return {
        "author_position": position,
        "author": {
            "id": f"https://openalex.org/A{abs(hash(name)) % 10**10}",
            "display_name": name,
            "orcid": None,
        },
        "institutions": list(institutions),
        "countries": cs,
        "is_corresponding": False,
        "raw_author_name": name,
        "raw_affiliation_strings": [i.get("display_name", "") for i in institutions],
    }


def make_work(
    n: int,
    year: int,
    cited: int,
    authors: Sequence[dict[str, Any]],
    *,
    subfield: int = 1702,
    extra_subfields: Sequence[int] = (),
    doi: str | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """A work in the real shape (the fields openrace reads, and a few more)."""
    topic = {
        "id": f"https://openalex.org/T{10000 + subfield}",
        "display_name": f"Topic of subfield {subfield}",
        "score": 0.99,
        "subfield": {
            "id": f"https://openalex.org/subfields/{subfield}",
            "display_name": "Artificial Intelligence" if subfield == 1702 else "x",
        },
        "field": {"id": "https://openalex.org/fields/17", "display_name": "Computer Science"},
        "domain": {"id": "https://openalex.org/domains/3", "display_name": "Physical Sciences"},
    }
    topics = [topic] + [
        {**topic, "subfield": {"id": f"https://openalex.org/subfields/{s}", "display_name": "x"}}
        for s in extra_subfields
    ]
    return {
        "id": f"https://openalex.org/W{n}",
        "doi": doi,
        "title": title or f"Work {n}",
        "display_name": title or f"Work {n}",
        "publication_year": year,
        "publication_date": f"{year}-06-15",
        "ids": {"openalex": f"https://openalex.org/W{n}", **({"doi": doi} if doi else {})},
        "type": "article",
        "authorships": list(authors),
        "countries_distinct_count": len({c for a in authors for c in a["countries"]}),
        "cited_by_count": cited,
        "fwci": 1.5,
        "primary_topic": topic,
        "topics": topics,
    }


@dataclass
class Fault:
    """An answer forced on one request."""

    status: int
    body: bytes = b'{"error": "fault"}'
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeAlex:
    """State of the fake server: its works, faults, allowances and what it has seen."""

    works: list[dict[str, Any]] = field(default_factory=list)
    #: request number (1-based) → forced answer
    faults: dict[int, Fault] = field(default_factory=dict)
    #: a function of the request number returning a fault or None (after ``faults``)
    fault_fn: Callable[[int], Fault | None] | None = None
    #: the valid API key (None: any key is accepted as valid)
    api_key: str | None = None
    #: credits a key may spend per day (None: no limit); $1 = 10,000 for a free key
    budget: int | None = None
    #: credits without a key per day ($0.01 since 13 February 2026)
    anon_budget: int | None = 100
    #: requests allowed per second per identity (None: no limit)
    per_second: int | None = None
    #: the status of a per-second refusal: 403 (the errors page) or 429 (the proxy)
    per_second_status: int = 403
    #: institutions served by /institutions beyond those found in the works
    institutions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: int = 0
    seen: list[str] = field(default_factory=list)
    spent: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _times: dict[str, deque[float]] = field(default_factory=dict)

    def add(self, works: Iterable[dict[str, Any]]) -> None:
        """Add works to the catalogue."""
        self.works.extend(works)

    def institution_catalogue(self) -> dict[str, dict[str, Any]]:
        """Every institution of the works (by short id), overridden by ``institutions``."""
        out: dict[str, dict[str, Any]] = {}
        for w in self.works:
            for a in w["authorships"]:
                for i in a["institutions"]:
                    out.setdefault(_tail(i["id"]), i)
        return {**out, **self.institutions}


class BadQuery(ValueError):
    """A query OpenAlex refuses with 400 (the message is OpenAlex's)."""


def _tail(value: Any) -> str:
    return str(value).rstrip("/").rsplit("/", 1)[-1]


def usd(credits: float) -> str:
    """Credits as the proxy writes dollars: 4 decimals, no trailing zeros (``0.9999``)."""
    text = f"{round(credits * CREDIT_USD, 4):.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _seconds_to_midnight() -> int:
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds() + 0.999))


# -- filters -----------------------------------------------------------------------------------


def _work_values(work: dict[str, Any], key: str) -> set[str] | None:
    """The values of a filter/group field on a work (lower-case short forms), or None for a
    field OpenAlex does not know."""
    insts = [i for a in work["authorships"] for i in a["institutions"]]
    if key == "primary_topic.subfield.id":
        return {_tail((work.get("primary_topic") or {}).get("subfield", {}).get("id")).lower()}
    if key == "topics.subfield.id":
        return {_tail(t.get("subfield", {}).get("id")).lower() for t in work.get("topics") or []}
    if key == "publication_year":
        return {str(work.get("publication_year"))}
    if key in ("authorships.institutions.type", "institutions.type"):
        return {str(i.get("type")).lower() for i in insts if i.get("type")}
    if key == "authorships.countries":
        return {c.lower() for a in work["authorships"] for c in a["countries"]}
    if key in ("authorships.institutions.country_code", "institutions.country_code"):
        return {str(i.get("country_code")).lower() for i in insts if i.get("country_code")}
    if key in ("authorships.institutions.id", "institutions.id"):
        return {_tail(i["id"]).lower() for i in insts if i.get("id")}
    if key in ("authorships.institutions.lineage", "institutions.lineage"):
        return {_tail(x).lower() for i in insts for x in i.get("lineage") or []}
    if key == "doi":
        return {str(work.get("doi") or "").lower().replace("https://doi.org/", "")}
    if key in ("openalex", "ids.openalex", "openalex_id"):
        return {_tail(work["id"]).lower()}
    return None


def _institution_values(inst: dict[str, Any], key: str) -> set[str] | None:
    if key in ("openalex", "openalex_id", "ids.openalex", "id"):
        return {_tail(inst["id"]).lower()}
    if key == "type":
        return {str(inst.get("type")).lower()}
    if key == "country_code":
        return {str(inst.get("country_code")).lower()}
    if key == "ror":
        return {_tail(inst.get("ror")).lower()} if inst.get("ror") else set()
    return None


def _norm(key: str, value: str) -> str:
    value = value.strip().lower()
    if key == "doi":
        return value.replace("https://doi.org/", "")
    return _tail(value) if value.startswith("https://openalex.org/") else value


def _clause(
    values_of: Callable[[dict[str, Any], str], set[str] | None], probe: dict[str, Any], clause: str
) -> Callable[[dict[str, Any]], bool]:
    """One filter clause as a predicate, or :class:`BadQuery` as OpenAlex refuses it."""
    key, sep, raw = clause.partition(":")
    if not sep or not raw:
        raise BadQuery(f"Invalid query parameters error. Filter '{clause}' has no value.")
    if "|" in raw:
        if any(
            values_of(probe, p.partition(":")[0].lstrip("!")) is not None
            for p in raw.split("|")
            if ":" in p
        ):
            raise BadQuery(
                f"It looks like you're trying to do an OR query between filters "
                f"and it's not supported. Problem value: {raw}"
            )
        parts = raw.split("|")
        if len(parts) > MAX_OR_VALUES:
            raise BadQuery(
                f"Maximum number of values exceeded for {key}. Decrease values "
                f"to {MAX_OR_VALUES} or below."
            )
        if any(p.startswith("!") for p in parts[1:]):
            raise BadQuery("The ! operator can only be used at the beginning of an OR query")
    neg = raw.startswith("!")
    body = raw[1:] if neg else raw
    year_ranges: list[tuple[int, int]] = []
    if "+" in body and "|" not in body:
        wanted_all = [_norm(key, v) for v in body.split("+")]
        wanted: set[str] = set()
    else:
        wanted_all = []
        wanted = set()
        for v in body.split("|"):
            if key == "publication_year" and "-" in v.strip("-"):
                lo, _, hi = v.partition("-")
                if not (lo.isdigit() and hi.isdigit()):
                    raise BadQuery(f"Invalid filter: publication_year:{v}")
                year_ranges.append((int(lo), int(hi)))
            else:
                if key == "publication_year" and not v.isdigit():
                    raise BadQuery(f"Invalid filter: publication_year:{v}")
                wanted.add(_norm(key, v))

    def test(item: dict[str, Any]) -> bool:
        got = values_of(item, key)
        if got is None:  # pragma: no cover - checked below
            return False
        if wanted_all:
            hit = all(v in got for v in wanted_all)
        else:
            hit = bool(got & wanted) or any(
                lo <= int(g) <= hi for g in got if g.isdigit() for lo, hi in year_ranges
            )
        return hit != neg

    return test


def _predicate(
    values_of: Callable[[dict[str, Any], str], set[str] | None],
    probe: dict[str, Any],
    filt: str | None,
) -> Callable[[dict[str, Any]], bool]:
    tests = []
    for clause in [c for c in (filt or "").split(",") if c]:
        key = clause.partition(":")[0]
        if values_of(probe, key) is None:
            raise BadQuery(
                f"{key} is not a valid field. Valid fields are listed at "
                "https://developers.openalex.org/api-reference/works"
            )
        tests.append(_clause(values_of, probe, clause))
    return lambda item: all(t(item) for t in tests)


_PROBE_WORK = make_work(0, 2000, 0, [])
_PROBE_INST = make_institution("I0", "US")


def apply_filter(works: list[dict[str, Any]], filt: str | None) -> list[dict[str, Any]]:
    """The works matching an OpenAlex filter string (clauses ANDed, each independently)."""
    pred = _predicate(_work_values, _PROBE_WORK, filt)
    return [w for w in works if pred(w)]


# -- group_by ----------------------------------------------------------------------------------


def _group_keys(work: dict[str, Any], key: str) -> set[tuple[str, str]] | None:
    """The (key, key_display_name) groups a work belongs to; empty set: unknown."""
    insts = [i for a in work["authorships"] for i in a["institutions"]]
    if key == "authorships.countries":
        return {
            (f"https://openalex.org/countries/{c}", COUNTRY_NAMES.get(c, c))
            for a in work["authorships"]
            for c in a["countries"]
        }
    if key in ("authorships.institutions.country_code", "institutions.country_code"):
        return {
            (
                f"https://openalex.org/countries/{i['country_code']}",
                COUNTRY_NAMES.get(i["country_code"], i["country_code"]),
            )
            for i in insts
            if i.get("country_code")
        }
    if key in ("authorships.institutions.type", "institutions.type"):
        return {
            (f"https://openalex.org/institution-types/{i['type']}", i["type"])
            for i in insts
            if i.get("type")
        }
    if key in ("authorships.institutions.id", "institutions.id"):
        return {(i["id"], i.get("display_name") or "") for i in insts if i.get("id")}
    if key == "publication_year":
        return {(str(work["publication_year"]), str(work["publication_year"]))}
    return None


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _uncursor(text: str) -> int:
    if text == "*":
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(text.encode()))["o"])
    except (ValueError, KeyError, TypeError):
        raise BadQuery("Invalid cursor value.") from None


def _int_param(q: dict[str, str], *names: str, default: int) -> int:
    for n in names:
        if n in q:
            try:
                return int(q[n])
            except ValueError:
                raise BadQuery(f"{n} must be a number.") from None
    return default


def _num(value: Any) -> float:
    return value if isinstance(value, int | float) else 0


def make_handler(alex: FakeAlex) -> type[BaseHTTPRequestHandler]:
    """The request handler class bound to ``alex``."""

    class Handler(JsonHandler):
        def do_GET(self) -> None:
            with alex.lock:
                alex.requests += 1
                n = alex.requests
                alex.seen.append(self.path)
            fault = alex.faults.get(n) or (alex.fault_fn(n) if alex.fault_fn else None)
            if fault is not None:
                self._send(fault.status, fault.body, fault.headers)
                return
            parts = urlsplit(self.path)
            q = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            auth = self.headers.get("Authorization", "")
            key = (
                (auth.split(" ", 1)[1] if auth.lower().startswith("bearer ") else None)
                or q.get("api_key")
                or q.get("api-key")
            )
            if key is not None and alex.api_key is not None and key != alex.api_key:
                self._json(
                    401,
                    {"error": "Invalid or missing API key", "message": "Provide a valid API key"},
                )
                return
            who = "key" if key else "anonymous"
            limit = alex.budget if key else alex.anon_budget
            path = parts.path.rstrip("/")
            cost = 1 if path in ("/works", "/institutions") else 0
            with alex.lock:
                now = time.monotonic()
                times = alex._times.setdefault(who, deque())
                while times and now - times[0] >= 1.0:
                    times.popleft()
                too_fast = alex.per_second is not None and len(times) >= alex.per_second
                times.append(now)
                used = alex.spent.get(who, 0)
                spent = limit is not None and used + cost > limit
                if not too_fast and not spent:
                    alex.spent[who] = used + cost
                    used += cost
            remaining = None if limit is None else max(0, limit - used)
            rl: dict[str, str] = {}
            if limit is not None:
                rl = {
                    "X-RateLimit-Limit": str(limit),
                    "X-RateLimit-Remaining": str(remaining),
                    "X-RateLimit-Limit-USD": usd(limit),
                    "X-RateLimit-Remaining-USD": usd(remaining or 0),
                    "X-RateLimit-Reset": str(_seconds_to_midnight()),
                }
            if too_fast:
                if alex.per_second_status == 429:
                    self._json(
                        429,
                        {
                            "error": "Rate limit exceeded",
                            "message": f"Rate limit exceeded: {alex.per_second} "
                            "requests per second. Please slow down.",
                        },
                        {**rl, "Retry-After": "1"},
                    )
                else:
                    self._json(
                        403,
                        {"error": "Forbidden", "message": "Rate limit exceeded; slow down."},
                        rl,
                    )
                return
            if spent:
                self._json(
                    429,
                    {
                        "error": "Rate limit exceeded",
                        "message": f"Insufficient budget. This request costs ${usd(cost)} but "
                        f"you only have ${usd(remaining or 0)} remaining. Resets at midnight "
                        "UTC.",
                        "retryAfter": _seconds_to_midnight(),
                    },
                    {
                        **rl,
                        "Retry-After": str(_seconds_to_midnight()),
                        "X-RateLimit-Cost-Required-USD": usd(cost),
                        "X-RateLimit-Credits-Required": str(cost),
                    },
                )
                return
            rl.update(
                {"X-RateLimit-Cost-USD": usd(cost), "X-RateLimit-Credits-Used": str(cost)}
                if limit is not None
                else {}
            )
            if path not in ("/works", "/institutions"):
                self._json(404, {"error": "Not found", "message": f"{parts.path} not found"}, rl)
                return
            try:
                bad = sorted(set(q) - VALID_PARAMS)
                if bad:
                    raise BadQuery(
                        f"{bad[0]} is not a valid parameter. Valid parameters "
                        f"are: {', '.join(sorted(VALID_PARAMS))}."
                    )
                if path == "/works":
                    self._works(q, rl)
                else:
                    self._institutions(q, rl)
            except BadQuery as exc:
                self._json(
                    400, {"error": "Invalid query parameters error.", "message": str(exc)}, rl
                )

        def _paging(self, q: dict[str, str], group: bool) -> tuple[int, int, str | None]:
            explicit = any(k in q for k in ("per_page", "per-page"))
            per_page = _int_param(q, "per_page", "per-page", default=GROUP_DEFAULT if group else 25)
            if explicit and not 1 <= per_page <= MAX_PER_PAGE:
                raise BadQuery(f"per-page parameter must be between 1 and {MAX_PER_PAGE}.")
            page = _int_param(q, "page", default=1)
            if page < 1:
                raise BadQuery("Page parameter must be greater than 0.")
            if group and page != 1:
                raise BadQuery(
                    "Unable to paginate beyond page 1. Group-by is limited to "
                    "page 1; use cursor paging."
                )
            if page * per_page > 10000:
                raise BadQuery(
                    "Maximum results size of 10,000 records is exceeded. Cursor "
                    "pagination is required for records beyond 10,000."
                )
            cursor = q.get("cursor")
            offset = _uncursor(cursor) if cursor else (page - 1) * per_page
            return per_page, offset, cursor

        def _works(self, q: dict[str, str], rl: dict[str, str]) -> None:
            works = apply_filter(alex.works, q.get("filter"))
            group = q.get("group_by") or q.get("group-by")
            per_page, offset, cursor = self._paging(q, bool(group))
            meta: dict[str, Any] = {
                "count": len(works),
                "db_response_time_ms": 3,
                "page": None if cursor else int(q.get("page", 1)),
                "per_page": per_page,
            }
            if group:
                field_, _, flag = group.partition(":")
                if flag not in ("", "include_unknown"):
                    raise BadQuery(f"{group} is not a valid group_by.")
                counts: dict[tuple[str, str], int] = {}
                for w in works:
                    keys = _group_keys(w, field_)
                    if keys is None:
                        raise BadQuery(f"{field_} is not a valid group_by field.")
                    for k in keys or ({("unknown", "unknown")} if flag else set()):
                        counts[k] = counts.get(k, 0) + 1
                if cursor:  # composite aggregation: key order, a cursor after each page
                    groups = sorted(counts.items(), key=lambda kv: kv[0][0])
                    page = groups[offset : offset + per_page]
                    nxt = _cursor(offset + per_page) if page else None
                else:
                    groups = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
                    page = groups[:per_page]
                    nxt = None
                meta.update(groups_count=len(page), next_cursor=nxt)
                self._json(
                    200,
                    {
                        "meta": meta,
                        "results": [],
                        "group_by": [
                            {"key": k, "key_display_name": d, "count": c} for (k, d), c in page
                        ],
                    },
                    rl,
                )
                return
            sort = q.get("sort")
            if sort:
                field_, _, direction = sort.partition(":")
                if field_ not in ("cited_by_count", "publication_year", "publication_date"):
                    raise BadQuery(f"{field_} is not a valid sort field.")
                works = sorted(
                    works, key=lambda w: (_num(w.get(field_)), w["id"]), reverse=direction == "desc"
                )
            page_items = works[offset : offset + per_page]
            meta.update(
                groups_count=None,
                next_cursor=_cursor(offset + per_page) if cursor and page_items else None,
            )
            self._json(
                200, {"meta": meta, "results": self._select(q, page_items), "group_by": []}, rl
            )

        def _institutions(self, q: dict[str, str], rl: dict[str, str]) -> None:
            cat = list(alex.institution_catalogue().values())
            pred = _predicate(_institution_values, _PROBE_INST, q.get("filter"))
            found = [i for i in cat if pred(i)]
            per_page, offset, cursor = self._paging(q, False)
            page_items = found[offset : offset + per_page]
            meta = {
                "count": len(found),
                "db_response_time_ms": 2,
                "page": None if cursor else int(q.get("page", 1)),
                "per_page": per_page,
                "next_cursor": _cursor(offset + per_page) if cursor and page_items else None,
                "groups_count": None,
            }
            self._json(
                200, {"meta": meta, "results": self._select(q, page_items), "group_by": []}, rl
            )

        def _select(self, q: dict[str, str], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            sel = q.get("select")
            if not sel:
                return items
            return [{k: w[k] for k in sel.split(",") if k in w} for w in items]

    return Handler


class FakeAlexServer(LoopbackServer):
    """Runs a :class:`FakeAlex` on 127.0.0.1 in a thread (a context manager)."""

    def __init__(self, alex: FakeAlex, port: int = 0):
        self.alex = alex
        super().__init__(make_handler(alex), port)
