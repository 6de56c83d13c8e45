"""A fake Hugging Face Hub on 127.0.0.1 that keeps the real Hub's contract
(``docs/contracts/hub.md``), refusals included.

Serves ``/api/models``, ``/api/datasets`` (``author``, ``filter`` (tag match, repeatable,
all must match), ``search``, ``sort`` (always descending: ``direction`` is ignored, as the
Hub does), ``limit`` (at most 1,000), ``expand[]`` / ``expand``, ``full``; keyset cursors
in a GitHub-style ``Link: <...>; rel="next"`` header) and ``/api/models/{id}``,
``/api/datasets/{id}``. A listing asked for an ``expand`` value the Hub's listing routes
do not accept (``baseModels``, ``childrenModelCount``, ``usedStorage``, or any unknown
value) answers HTTP 400, as the Hub does; with ``expand``, a record holds only ``_id``,
``id`` and the asked properties. With a ``quota``, every answer carries ``RateLimit`` /
``RateLimit-Policy`` and the quota is enforced per fixed window (429 with ``r=0`` and the
seconds to the reset). Faults can be injected per request number: 429 with
``Retry-After``, 5xx, slow answers, malformed bodies. A bearer token is checked when
``tokens`` is set (401 otherwise), as the Hub does for a bad token.

Records live in a :class:`MemoryCatalog` (tests) or are computed from their index by a
synthetic catalog (the benchmark's 3-million-model Hub), so the server's memory does not
grow with the Hub's size.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from tests.fakeserver import JsonHandler, LoopbackServer

#: What the Hub returns for a listing without ``expand`` / ``full`` (a subset).
DEFAULT_FIELDS = ("id", "_id", "likes", "downloads", "private", "pipeline_tag",
                  "library_name", "tags", "createdAt", "modelId")
SORT_FIELDS = ("createdAt", "downloads", "likes", "lastModified", "trendingScore", "id")
#: ``expand`` values a listing accepts (huggingface_hub 2.x ``list_models`` /
#: ``list_datasets`` docstrings, PR #3182); anything else is a 400.
LISTING_EXPAND = {
    "models": frozenset({
        "author", "cardData", "config", "createdAt", "disabled", "downloads",
        "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
        "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token",
        "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha",
        "siblings", "spaces", "tags", "transformersInfo", "trendingScore", "widgetData"}),
    "datasets": frozenset({
        "author", "cardData", "citation", "createdAt", "description", "disabled",
        "downloads", "downloadsAllTime", "gated", "lastModified", "likes", "mainSize",
        "paperswithcode_id", "private", "resourceGroup", "sha", "siblings", "tags",
        "trendingScore"}),
}
#: accepted on ``/api/{kind}/{repo_id}`` only
REPO_ONLY_EXPAND = {"models": frozenset({"baseModels", "childrenModelCount", "usedStorage"}),
                    "datasets": frozenset({"usedStorage"})}
#: The Hub's placeholder ``createdAt`` of every repo created before it stored dates.
UNKNOWN_CREATED = "2022-03-02T23:29:04.000Z"


def make_model(rid: str, created: str, *, downloads: int = 0, likes: int = 0,
               all_time: int | None = None, tags: Sequence[str] = (), parents: Sequence[
                   tuple[str, str]] = (), license: str | None = "apache-2.0",
               pipeline: str | None = "text-generation",
               params: int | None = None, **extra: Any) -> dict[str, Any]:
    """A model record as ``/api/models/{id}`` returns it (camelCase keys); listings
    select from it what ``expand`` asks (``childrenModelCount`` is computed by the repo
    endpoint, never listed)."""
    t = list(tags)
    for pid, rel in parents:
        t += [f"base_model:{pid}", f"base_model:{rel}:{pid}"]
    if license:
        t.append(f"license:{license}")
    t.append("region:us")
    rec: dict[str, Any] = {
        "_id": f"{abs(hash(rid)) % 16**24:024x}",
        "id": rid,
        "modelId": rid,
        "author": rid.split("/")[0],
        "createdAt": created,
        "lastModified": created,
        "downloads": downloads,
        "downloadsAllTime": all_time if all_time is not None else downloads * 10,
        "likes": likes,
        "trendingScore": 0,
        "private": False,
        "gated": False,
        "disabled": False,
        "tags": t,
        "pipeline_tag": pipeline,
        "library_name": "transformers",
        "cardData": {"license": license, **({"base_model": [p for p, _ in parents]}
                                             if parents else {})},
    }
    if params:
        rec["safetensors"] = {"parameters": {"BF16": params}, "total": params}
    rec.update(extra)
    return rec


def make_dataset(rid: str, created: str, *, downloads: int = 0, likes: int = 0,
                 license: str | None = "cc-by-4.0", tasks: Sequence[str] = ("text-generation",),
                 card: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A dataset record as ``/api/datasets?expand[]=...`` returns it."""
    tags = [f"task_categories:{t}" for t in tasks] + ["modality:text", "language:en"]
    if license:
        tags.append(f"license:{license}")
    rec: dict[str, Any] = {
        "_id": f"{abs(hash(rid)) % 16**24:024x}",
        "id": rid,
        "author": rid.split("/")[0],
        "createdAt": created,
        "lastModified": created,
        "downloads": downloads,
        "downloadsAllTime": downloads * 10,
        "likes": likes,
        "trendingScore": 0,
        "private": False,
        "gated": False,
        "disabled": False,
        "tags": tags,
        "description": f"The {rid} dataset.",
        "cardData": card if card is not None else {
            "license": license, "task_categories": list(tasks), "language": ["en"],
            "pretty_name": rid.split("/")[-1]},
    }
    rec.update(extra)
    return rec


# -- catalogs ---------------------------------------------------------------------------------


class MemoryCatalog:
    """Models and datasets held in memory; every filter and sort of the API."""

    def __init__(self, models: Iterable[dict[str, Any]] = (),
                 datasets: Iterable[dict[str, Any]] = ()):
        self.repos: dict[str, list[dict[str, Any]]] = {"models": list(models),
                                                       "datasets": list(datasets)}
        self.lock = threading.Lock()

    def add(self, kind: str, record: dict[str, Any]) -> None:
        """Publish a new repo."""
        with self.lock:
            self.repos[kind].append(record)

    def get(self, kind: str, rid: str) -> dict[str, Any] | None:
        """One repo by id."""
        return next((r for r in self.repos[kind] if r.get("id") == rid), None)

    def children(self, rid: str) -> int:
        """Models whose tags name ``rid`` as their base model (``childrenModelCount``)."""
        with self.lock:
            return sum(1 for r in self.repos["models"]
                       if f"base_model:{rid}" in (r.get("tags") or []))

    def page(self, kind: str, q: dict[str, list[str]], after: Any, size: int
             ) -> tuple[list[dict[str, Any]], Any]:
        """Records after keyset ``after`` and the keyset of the last one (None at the end)."""
        sort = q.get("sort", ["createdAt"])[0]
        if sort not in SORT_FIELDS:
            sort = "createdAt"
        desc = True  # the Hub sorts descending only (huggingface_hub PR #3630)
        with self.lock:
            rows = list(self.repos[kind])
        for author in q.get("author", []):
            rows = [r for r in rows if str(r.get("id", "")).split("/")[0].lower()
                    == author.lower()]
        for f in q.get("filter", []):
            rows = [r for r in rows if isinstance(r.get("tags"), list) and f in r["tags"]]
        for s in q.get("search", []):
            rows = [r for r in rows if s.lower() in str(r.get("id", "")).lower()]

        def key(r: dict[str, Any]) -> tuple[str, str]:
            v = r.get(sort)
            v = f"{v:020.3f}" if isinstance(v, int | float) else str(v or "")
            return (v, str(r.get("id", "")))

        rows.sort(key=key, reverse=desc)
        if after is not None:
            a = tuple(after)
            rows = [r for r in rows if (key(r) < a if desc else key(r) > a)]
        out = rows[:size]
        nxt = list(key(out[-1])) if len(rows) > size else None
        return out, nxt


# -- server -----------------------------------------------------------------------------------


@dataclass
class Fault:
    """What to do instead of answering normally."""

    kind: str  # "429" | "500" | "503" | "slow" | "malformed" | "junk-json"
    retry_after: int | None = 0
    seconds: float = 0.0
    ratelimit_reset: int | None = None


@dataclass
class FakeHub:
    """The server's state: catalog, faults, counters, valid tokens."""

    catalog: Any
    tokens: set[str] | None = None
    #: requests per fixed ``window`` seconds (None: no limit and no RateLimit headers)
    quota: int | None = None
    window: int = 300
    clock: Callable[[], float] = time.monotonic
    _window_start: float | None = None
    _in_window: int = 0
    faults: dict[int, Fault] = field(default_factory=dict)
    always: Fault | None = None
    requests: int = 0
    log: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    max_page: int = 1000
    default_page: int = 1000
    on_request: Callable[[int, str], None] | None = None

    def next_request(self, path: str) -> tuple[int, Fault | None]:
        """Count a request and return its number and any fault planned for it."""
        with self.lock:
            self.requests += 1
            n = self.requests
            self.log.append(path)
        if self.on_request is not None:
            self.on_request(n, path)
        return n, self.faults.pop(n, None) or self.always

    def ratelimit(self) -> tuple[dict[str, str], bool]:
        """Count this request in the quota's fixed window: the ``RateLimit`` headers to
        send, and whether the request is over the quota."""
        if not self.quota:
            return {}, False
        with self.lock:
            now = self.clock()
            if self._window_start is None or now - self._window_start >= self.window:
                self._window_start, self._in_window = now, 0
            self._in_window += 1
            used = self._in_window
            reset = max(1, int(self._window_start + self.window - now + 0.999))
        over = used > self.quota
        remaining = max(0, self.quota - used)
        return ({"RateLimit": f'"api";r={remaining};t={reset}',
                 "RateLimit-Policy": f'"fixed window";"api";q={self.quota};w={self.window}'},
                over)


def _cursor(keyset: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(keyset).encode()).decode()


def _uncursor(text: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(text.encode()))


def _select(record: dict[str, Any], expand: list[str], full: bool) -> dict[str, Any]:
    if full:
        return record
    keep = set(expand) | {"id", "_id"} if expand else set(DEFAULT_FIELDS)
    return {k: v for k, v in record.items() if k in keep}


def make_handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    """The request handler class bound to ``hub``."""

    class Handler(JsonHandler):
        content_type = "application/json; charset=utf-8"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            _, fault = hub.next_request(self.path)
            rl, over = hub.ratelimit()
            if hub.tokens is not None:
                auth = self.headers.get("authorization", "")
                if auth and auth.removeprefix("Bearer ") not in hub.tokens:
                    self._json(401, {"error": "Invalid credentials in Authorization header"})
                    return
            if over:
                self._json(429, {"error": "You have exceeded our rate limit"}, rl)
                return
            if fault is not None:
                if fault.kind == "429":
                    h = dict(rl)
                    if fault.retry_after is not None:
                        h["Retry-After"] = str(fault.retry_after)
                    if fault.ratelimit_reset is not None:
                        h["RateLimit"] = f'"api";r=0;t={fault.ratelimit_reset}'
                    self._json(429, {"error": "You have exceeded our rate limit"}, h)
                    return
                if fault.kind in ("500", "502", "503"):
                    self._json(int(fault.kind), {"error": "Internal Error"})
                    return
                if fault.kind == "slow":
                    time.sleep(fault.seconds)
                if fault.kind == "malformed":
                    self._send(200, b'[{"id": "truncated/page", "createdAt": "2024-')
                    return
            path = unquote(parts.path)
            q = parse_qs(parts.query, keep_blank_values=True)
            for kind in ("models", "datasets"):
                prefix = f"/api/{kind}"
                if path == prefix:
                    self._list(kind, q, rl, fault)
                    return
                if path.startswith(prefix + "/"):
                    rid = path[len(prefix) + 1:]
                    rec = hub.catalog.get(kind, rid)
                    if rec is None:
                        self._json(404, {"error": "Repository not found"},
                                   {"X-Error-Code": "RepoNotFound"})
                        return
                    expand = q.get("expand[]", []) + q.get("expand", [])
                    bad = [e for e in expand if e not in LISTING_EXPAND[kind]
                           and e not in REPO_ONLY_EXPAND[kind]]
                    if bad:
                        self._json(400, {"error": f'"expand" contains an invalid value: '
                                                  f"{bad[0]}"}, rl)
                        return
                    rec = dict(rec)
                    if kind == "models" and hasattr(hub.catalog, "children"):
                        rec["childrenModelCount"] = hub.catalog.children(rid)
                    self._json(200, _select(rec, expand, not expand), rl)
                    return
            self._json(404, {"error": "Not Found"})

        def _list(self, kind: str, q: dict[str, list[str]], rl: dict[str, str],
                  fault: Fault | None) -> None:
            try:
                size = min(int(q.get("limit", [hub.default_page])[0]), hub.max_page)
            except ValueError:
                self._json(400, {"error": "Invalid limit"})
                return
            after = _uncursor(q["cursor"][0]) if "cursor" in q else None
            expand = q.get("expand[]", []) + q.get("expand", [])
            refused = [e for e in expand if e not in LISTING_EXPAND[kind]]
            if refused:
                # the Hub's listing routes validate expand and answer 400 (huggingface_hub
                # tests test_list_models_expand_unexpected_value, PR #3182)
                self._json(400, {"error": f'"expand" contains an invalid value: '
                                          f"{refused[0]}"}, rl)
                return
            full = q.get("full", ["false"])[0].lower() in ("true", "1")
            rows, nxt = hub.catalog.page(kind, q, after, size)
            body = [_select(r, expand, full) for r in rows]
            if fault is not None and fault.kind == "junk-json":
                body = [*body, "not an object", 42]
            headers = dict(rl)
            if nxt is not None:
                params = [(k, v) for k, vs in q.items() if k != "cursor" for v in vs]
                params.append(("cursor", _cursor(nxt)))
                host = self.headers.get("host", "127.0.0.1")
                headers["Link"] = f'<http://{host}/api/{kind}?{urlencode(params)}>; rel="next"'
            self._json(200, body, headers)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client killed mid-request (the SIGKILL test) is expected


class FakeHubServer(LoopbackServer):
    """Run a :class:`FakeHub` on 127.0.0.1 in a background thread (a context manager);
    ``url`` is the endpoint, for ``HF_ENDPOINT``."""

    server_class = _QuietServer

    def __init__(self, hub: FakeHub, port: int = 0):
        self.hub = hub
        super().__init__(make_handler(hub), port)


# -- a synthetic Hub of realistic shape ------------------------------------------------------

#: Licence mix of Hub models (share of models carrying each ``license:`` tag, rounded from
#: the Hub's own licence facet); None = no licence tag.
LICENSE_MIX: tuple[tuple[str | None, float], ...] = (
    ("apache-2.0", 0.36), ("mit", 0.14), (None, 0.22), ("other", 0.07),
    ("llama3.1", 0.03), ("llama3", 0.02), ("llama2", 0.02), ("cc-by-nc-4.0", 0.04),
    ("openrail", 0.03), ("cc-by-4.0", 0.02), ("gemma", 0.02), ("afl-3.0", 0.01),
    ("creativeml-openrail-m", 0.02),
)
RELATION_MIX: tuple[tuple[str, float], ...] = (
    ("finetune", 0.55), ("quantized", 0.25), ("adapter", 0.15), ("merge", 0.05))
REGISTRY_NAMESPACES = ("Qwen", "meta-llama", "mistralai", "deepseek-ai", "google",
                       "microsoft", "THUDM", "01-ai", "tiiuae", "allenai", "nvidia",
                       "baidu", "internlm", "openbmb", "CohereForAI", "stabilityai")


def _mix(table: tuple[tuple[Any, float], ...], u: float) -> Any:
    acc = 0.0
    for value, p in table:
        acc += p
        if u < acc:
            return value
    return table[-1][0]


UNKNOWN_BEFORE_TS = 1_646_263_744  # 2022-03-02T23:29:04Z


class SyntheticCatalog:
    """``n`` models computed from their creation rank ``k`` (0 = oldest): power-law
    downloads and likes, lineage trees (40 % derivatives of an older, preferentially
    popular model), the Hub's licence mix, 4 % from registry namespaces, the oldest 5 %
    dated with the Hub's placeholder. Serves the ``createdAt`` listing, newest first, with a
    keyset cursor on ``k``, also by ``author`` and ``filter=base_model:<id>``; ``n`` can
    grow (new models published) between crawls."""

    def __init__(self, n: int, seed: int = 7, unknown: int | None = None):
        self.n = n
        self.seed = seed
        #: the oldest ``unknown`` models (default 5 %) carry the placeholder createdAt
        self.unknown = n // 20 if unknown is None else unknown
        self._lock = threading.Lock()
        self._built = -1
        self._by_ns: dict[str, list[int]] = {}
        self._kids: dict[int, list[int]] = {}

    def _u(self, k: int, salt: int) -> float:
        x = (k * 0x9E3779B97F4A7C15 + salt * 0xBF58476D1CE4E5B9 + self.seed) & (2**64 - 1)
        x ^= x >> 31
        x = (x * 0x94D049BB133111EB) & (2**64 - 1)
        x ^= x >> 29
        return (x & 0xFFFFFFFFFFFF) / float(1 << 48)

    def model_id(self, k: int) -> str:
        """The repo id of model ``k``."""
        u = self._u(k, 1)
        if u < 0.04:
            ns = REGISTRY_NAMESPACES[int(self._u(k, 2) * len(REGISTRY_NAMESPACES))]
        else:
            ns = f"user{int((self._u(k, 2) ** 2) * 400_000)}"
        return f"{ns}/model-{k}"

    def record(self, k: int) -> dict[str, Any]:
        """Model ``k`` as ``/api/models?expand[]=...`` returns it."""
        rid = self.model_id(k)
        # the oldest models predate the Hub's creation dates: they carry its placeholder;
        # the others follow, 20 s apart
        created = (UNKNOWN_CREATED if k < self.unknown else time.strftime(
            "%Y-%m-%dT%H:%M:%S.000Z",
            time.gmtime(UNKNOWN_BEFORE_TS + 60 + (k - self.unknown) * 20)))
        downloads = int(1 / max(self._u(k, 3), 1e-9) ** 1.1) - 1
        parents: list[tuple[str, str]] = []
        parent = self.parent(k)
        if parent is not None:
            parents.append((self.model_id(parent), _mix(RELATION_MIX, self._u(k, 6))))
        return make_model(
            rid, created, downloads=min(downloads, 50_000_000),
            likes=int(downloads ** 0.5 * self._u(k, 7)), parents=parents,
            license=_mix(LICENSE_MIX, self._u(k, 8)))

    def get(self, kind: str, rid: str) -> dict[str, Any] | None:
        """One model by id (ids end with their rank)."""
        k = self._rank(rid)
        return self.record(k) if kind == "models" and k is not None else None

    def parent(self, k: int) -> int | None:
        """The rank of model ``k``'s base model, if it is a derivative."""
        if k > 10 and self._u(k, 4) < 0.4:
            return int(k * self._u(k, 5) ** 3)
        return None

    def _indexes(self) -> tuple[dict[str, list[int]], dict[int, list[int]]]:
        """Ranks by registry namespace and by parent, ascending (built on first use: a
        filtered listing must not scan millions of records per request)."""
        with self._lock:
            if self._built != self.n:
                by_ns: dict[str, list[int]] = {}
                kids: dict[int, list[int]] = {}
                for k in range(self.n):
                    if self._u(k, 1) < 0.04:
                        by_ns.setdefault(self.model_id(k).split("/")[0].lower(), []).append(k)
                    p = self.parent(k)
                    if p is not None:
                        kids.setdefault(p, []).append(k)
                self._by_ns, self._kids, self._built = by_ns, kids, self.n
            return self._by_ns, self._kids

    def children(self, rid: str) -> int:
        """``childrenModelCount`` of a model (repo endpoint only)."""
        k = self._rank(rid)
        return 0 if k is None else len(self._indexes()[1].get(k, []))

    def _rank(self, rid: str) -> int | None:
        try:
            k = int(rid.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            return None
        return k if 0 <= k < self.n and self.model_id(k) == rid else None

    def page(self, kind: str, q: dict[str, list[str]], after: Any, size: int
             ) -> tuple[list[dict[str, Any]], Any]:
        """Newest first (ranks below the cursor's), all models or those of an ``author``
        and / or a ``filter=base_model:<id>``."""
        if kind != "models":
            return [], None
        top = self.n - 1 if after is None else int(after) - 1
        authors, filters = q.get("author", []), q.get("filter", [])
        if not authors and not filters:
            ks: Sequence[int] = range(top, max(top - size, -1), -1)
            rows = [self.record(k) for k in ks]
            nxt = ks[-1] if rows and ks[-1] > 0 else None
            return rows, nxt
        by_ns, kids = self._indexes()
        pool: set[int] | None = None
        for a in authors:
            got = set(by_ns.get(a.lower(), []))
            pool = got if pool is None else pool & got
        for f in filters:
            if not f.startswith("base_model:"):
                return [], None
            pid = f.split(":")[-1]
            pk = self._rank(pid)
            got = set(kids.get(pk, [])) if pk is not None else set()
            pool = got if pool is None else pool & got
        ranked = sorted((k for k in pool or () if k <= top), reverse=True)
        out = ranked[:size]
        nxt = out[-1] if len(ranked) > size else None
        return [self.record(k) for k in out], nxt
