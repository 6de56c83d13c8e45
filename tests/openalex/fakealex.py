"""A fake OpenAlex on 127.0.0.1 that speaks the real API's shapes.

Serves ``/works`` with ``filter`` (comma-separated clauses ANDed, ``|`` for OR, ``!`` for
NOT, ``a-b`` year ranges; the fields openrace uses), ``group_by`` / ``group-by``
(``authorships.countries``, ``authorships.institutions.type``, ``publication_year``; each
group ``{"key", "key_display_name", "count"}`` with country keys as entity ids
``https://openalex.org/countries/US``), ``sort`` (``cited_by_count:desc``), ``select``,
``per-page`` / ``per_page`` and ``cursor`` (``*`` to start; ``meta.next_cursor`` null on
the last page), with the real ``meta`` object. An unknown filter gives OpenAlex's 400.

Faults are injected per request number (429 with ``Retry-After``, 5xx, malformed bodies),
and a daily allowance (``budget``) makes the server answer 429 with
``X-RateLimit-Remaining: 0`` once spent, as OpenAlex does. ``api_key`` when set must be
sent (401 otherwise).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakeserver import JsonHandler

COUNTRY_NAMES = {"US": "United States", "CN": "China", "GB": "United Kingdom",
                 "FR": "France", "DE": "Germany", "CA": "Canada", "JP": "Japan"}


def make_institution(iid: str, country: str | None, itype: str = "education",
                     ror: str | None = None, lineage: Sequence[str] = (),
                     name: str | None = None) -> dict[str, Any]:
    """An institution as it appears inside an authorship."""
    return {
        "id": f"https://openalex.org/{iid}",
        "display_name": name or f"Institution {iid}",
        "ror": ror,
        "country_code": country,
        "type": itype,
        "lineage": [f"https://openalex.org/{x}" for x in (lineage or [iid])],
    }


def make_author(name: str, institutions: Sequence[dict[str, Any]],
                countries: Sequence[str] | None = None, position: str = "middle"
                ) -> dict[str, Any]:
    """One authorship (countries default to the institutions' countries)."""
    cs = list(countries) if countries is not None else list(dict.fromkeys(
        i["country_code"] for i in institutions if i.get("country_code")))
    return {
        "author_position": position,
        "author": {"id": f"https://openalex.org/A{abs(hash(name)) % 10**10}",
                   "display_name": name, "orcid": None},
        "institutions": list(institutions),
        "countries": cs,
        "is_corresponding": False,
        "raw_author_name": name,
        "raw_affiliation_strings": [i.get("display_name", "") for i in institutions],
    }


def make_work(n: int, year: int, cited: int, authors: Sequence[dict[str, Any]], *,
              subfield: int = 1702, extra_subfields: Sequence[int] = (),
              doi: str | None = None, title: str | None = None) -> dict[str, Any]:
    """A work in the real shape (the fields openrace reads, and a few more)."""
    topic = {
        "id": f"https://openalex.org/T{10000 + subfield}",
        "display_name": f"Topic of subfield {subfield}",
        "score": 0.99,
        "subfield": {"id": f"https://openalex.org/subfields/{subfield}",
                     "display_name": "Artificial Intelligence" if subfield == 1702 else "x"},
        "field": {"id": "https://openalex.org/fields/17", "display_name": "Computer Science"},
        "domain": {"id": "https://openalex.org/domains/3", "display_name": "Physical Sciences"},
    }
    topics = [topic] + [{**topic, "subfield": {"id": f"https://openalex.org/subfields/{s}",
                                               "display_name": "x"}} for s in extra_subfields]
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
    """State of the fake server: its works, faults and what it has seen."""

    works: list[dict[str, Any]] = field(default_factory=list)
    #: request number (1-based) → forced answer
    faults: dict[int, Fault] = field(default_factory=dict)
    #: a function of the request number returning a fault or None (after ``faults``)
    fault_fn: Callable[[int], Fault | None] | None = None
    api_key: str | None = None
    #: list requests allowed per "day"; after that 429 with X-RateLimit-Remaining: 0
    budget: int | None = None
    requests: int = 0
    seen: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, works: Iterable[dict[str, Any]]) -> None:
        """Add works to the catalogue."""
        self.works.extend(works)


class BadFilter(ValueError):
    """An unknown filter field (OpenAlex answers 400)."""


def _tail(value: Any) -> str:
    return str(value).rstrip("/").rsplit("/", 1)[-1]


def _values(raw: str) -> tuple[bool, set[str]]:
    neg = raw.startswith("!")
    return neg, {v.lower() for v in raw.lstrip("!").split("|")}


def _match(work: dict[str, Any], clause: str) -> bool:
    key, _, raw = clause.partition(":")
    neg, vals = _values(raw)
    if key == "primary_topic.subfield.id":
        got = {_tail((work.get("primary_topic") or {}).get("subfield", {}).get("id"))}
    elif key == "topics.subfield.id":
        got = {_tail(t.get("subfield", {}).get("id")) for t in work.get("topics") or []}
    elif key == "publication_year":
        y = work.get("publication_year")
        for v in vals:
            if "-" in v:
                lo, hi = v.split("-", 1)
                if int(lo) <= y <= int(hi):
                    return not neg
        got = {str(y)}
    elif key == "authorships.institutions.type":
        got = {str(i.get("type")).lower() for a in work["authorships"] for i in a["institutions"]}
    elif key in ("authorships.countries", "institutions.country_code"):
        got = {c.lower() for a in work["authorships"] for c in a["countries"]}
        vals = {_tail(v) for v in vals}
    elif key == "doi":
        got = {str(work.get("doi") or "").lower().replace("https://doi.org/", "")}
        vals = {v.replace("https://doi.org/", "") for v in vals}
    elif key in ("openalex", "ids.openalex", "openalex_id"):
        got = {_tail(work["id"]).lower()}
    else:
        raise BadFilter(key)
    hit = bool(got & vals)
    return hit != neg


def apply_filter(works: list[dict[str, Any]], filt: str | None) -> list[dict[str, Any]]:
    """The works matching an OpenAlex filter string (clauses ANDed)."""
    clauses = [c for c in (filt or "").split(",") if c]
    return [w for w in works if all(_match(w, c) for c in clauses)]


def _group_keys(work: dict[str, Any], key: str) -> set[tuple[str, str]]:
    if key == "authorships.countries":
        return {(f"https://openalex.org/countries/{c}", COUNTRY_NAMES.get(c, c))
                for a in work["authorships"] for c in a["countries"]}
    if key == "authorships.institutions.type":
        return {(f"https://openalex.org/institution-types/{i['type']}", i["type"])
                for a in work["authorships"] for i in a["institutions"]}
    if key == "publication_year":
        return {(str(work["publication_year"]), str(work["publication_year"]))}
    raise BadFilter(key)


def _num(value: Any) -> float:
    return value if isinstance(value, int | float) else 0


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _uncursor(text: str) -> int:
    if text == "*":
        return 0
    return int(json.loads(base64.urlsafe_b64decode(text.encode()))["o"])


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
            if alex.api_key is not None and q.get("api_key") != alex.api_key:
                self._json(401, {"error": "Invalid or missing API key",
                                 "message": "Provide a valid api_key parameter."})
                return
            rl: dict[str, str] = {}
            if alex.budget is not None:
                remaining = alex.budget - n
                rl = {"X-RateLimit-Limit": str(alex.budget),
                      "X-RateLimit-Remaining": str(max(0, remaining))}
                if remaining < 0:
                    self._json(429, {"error": "Rate limit exceeded",
                                     "message": "Daily limit exceeded. Resets at midnight UTC."},
                               {**rl, "Retry-After": "36000"})
                    return
            if parts.path.rstrip("/") != "/works":
                self._json(404, {"error": "Not found", "message": f"{parts.path} not found"})
                return
            try:
                self._works(q, rl)
            except BadFilter as exc:
                self._json(400, {"error": "Invalid query parameters error.",
                                 "message": f"{exc} is not a valid field."}, rl)
            except (ValueError, KeyError) as exc:
                self._json(400, {"error": "Invalid query parameters error.",
                                 "message": str(exc)}, rl)

        def _works(self, q: dict[str, str], rl: dict[str, str]) -> None:
            works = apply_filter(alex.works, q.get("filter"))
            per_page = int(q.get("per-page") or q.get("per_page") or 25)
            if not 1 <= per_page <= 200:
                raise ValueError("per-page must be between 1 and 200")
            cursor = q.get("cursor")
            offset = _uncursor(cursor) if cursor else (int(q.get("page", 1)) - 1) * per_page
            group = q.get("group_by") or q.get("group-by")
            meta: dict[str, Any] = {"count": len(works), "db_response_time_ms": 3,
                                    "page": None if cursor else int(q.get("page", 1)),
                                    "per_page": per_page}
            if group:
                counts: dict[tuple[str, str], int] = {}
                for w in works:
                    for k in _group_keys(w, group):
                        counts[k] = counts.get(k, 0) + 1
                groups = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
                page = groups[offset:offset + per_page]
                more = offset + per_page < len(groups)
                meta.update(groups_count=len(groups),
                            next_cursor=_cursor(offset + per_page) if cursor and more else None)
                self._json(200, {"meta": meta, "results": [], "group_by": [
                    {"key": k, "key_display_name": d, "count": c} for (k, d), c in page]}, rl)
                return
            sort = q.get("sort")
            if sort:
                field_, _, direction = sort.partition(":")
                if field_ not in ("cited_by_count", "publication_year", "publication_date"):
                    raise BadFilter(field_)
                works = sorted(works, key=lambda w: (_num(w.get(field_)), w["id"]),
                               reverse=direction == "desc")
            page = works[offset:offset + per_page]
            more = offset + per_page < len(works)
            meta.update(groups_count=None,
                        next_cursor=_cursor(offset + per_page) if cursor and more else None)
            sel = q.get("select")
            if sel:
                fields_ = sel.split(",")
                page = [{k: w[k] for k in fields_ if k in w} for w in page]
            self._json(200, {"meta": meta, "results": page, "group_by": []}, rl)

    return Handler


class FakeAlexServer:
    """Runs a :class:`FakeAlex` on 127.0.0.1 in a thread (a context manager)."""

    def __init__(self, alex: FakeAlex, port: int = 0):
        self.alex = alex
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), make_handler(alex))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        """The server's base URL."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeAlexServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
