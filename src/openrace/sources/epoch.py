"""The Epoch AI source: its published model lists (CSV downloads), parsed into typed rows.

Epoch AI publishes its *AI Models* database as CSV files under ``https://epoch.ai/data/``
(``EPOCH_ENDPOINT`` points openrace at another server, such as the local test server),
updated daily and licensed CC-BY 4.0. The contract openrace relies on — file names,
columns, value spellings, what is unsure — is written down with its sources in
``docs/contracts/epoch.md``.

:class:`EpochClient` is the one choke point for the network: one ``httpx`` session,
retries with backoff on 5xx and dropped connections (``tenacity``), a 429 waited out for
its ``Retry-After``, and every failure turned into one :mod:`openrace.errors` exception.
:func:`parse_csv` turns one file into :class:`EpochRow` records and :class:`BadRow`
rejects (the harvester quarantines and counts them); it is robust to columns that are
missing or renamed (:data:`COLUMNS` lists the spellings accepted for each field).
"""

from __future__ import annotations

import csv
import io
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pycountry
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from openrace.errors import SourceError, SourceUnreachableError

DEFAULT_ENDPOINT = "https://epoch.ai/data"

#: The lists openrace reads: subset name → file names tried in order (Epoch has served the
#: frontier list both at the top level and under ``generated/``; see the contract).
FILES: dict[str, tuple[str, ...]] = {
    "notable": ("notable_ai_models.csv",),
    "frontier": ("frontier_ai_models.csv", "generated/frontier_ai_models.csv"),
    "large-scale": ("large_scale_ai_models.csv",),
    "all": ("all_ai_models.csv",),
}
#: The subsets read by default (``all`` holds every model, notable or not: opt-in).
DEFAULT_SUBSETS = ("notable", "frontier", "large-scale")
#: Epoch's definition of a large-scale model (its documentation): at least 1e23 FLOP.
LARGE_SCALE_FLOP = 1e23

#: Each field openrace reads and the column names accepted for it, first match wins
#: (the current name first; older exports called the model column ``System``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "model": ("Model", "System", "Model name"),
    "organization": ("Organization", "Organisation", "Organizations"),
    "country": ("Country (of organization)", "Country (from Organization)", "Country"),
    "date": ("Publication date", "Publication Date", "Release date"),
    "accessibility": ("Model accessibility", "Accessibility"),
    "parameters": ("Parameters",),
    "compute": ("Training compute (FLOP)", "Training compute"),
    "notability": ("Notability criteria",),
    "frontier": ("Frontier model",),
    "domain": ("Domain",),
    "link": ("Link",),
    "org_category": (
        "Organization categorization",
        "Organization categorization (from Organization)",
    ),
}
REQUIRED = ("model", "date")

#: Epoch's "Model accessibility" values (see the contract) → openrace's access and the
#: licence class it implies for open weights.
ACCESSIBILITY: dict[str, tuple[str, str | None]] = {
    "open weights (unrestricted)": ("open-weights", "osi"),
    "open weights (restricted use)": ("open-weights", "open-restricted"),
    "open weights (non-commercial)": ("open-weights", "non-commercial"),
    "api access": ("api", "closed"),
    "hosted access (no api)": ("api", "closed"),
    "unreleased": ("unreleased", "closed"),
}

#: Country spellings pycountry does not resolve by itself.
COUNTRY_SYNONYMS: dict[str, str] = {
    "russia": "RU",
    "uae": "AE",
    "turkey": "TR",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "taiwan": "TW",
    "hong kong": "HK",
    "macau": "MO",
    "czech republic": "CZ",
    "usa": "US",
    "us": "US",
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "great britain": "GB",
    "viet nam": "VN",
    "iran": "IR",
    "the netherlands": "NL",
    "holland": "NL",
}
#: Values of the country column that name no country (multinational, unknown).
NO_COUNTRY = {"multinational", "unknown", "international", "", "n/a", "na", "none", "nan"}
_TRUE = {"true", "yes", "y", "1", "checked", "x"}
_FALSE = {"false", "no", "n", "0", "", "unchecked"}
_LEGAL = re.compile(r"^(inc\.?|ltd\.?|llc|co\.?|corp\.?|gmbh|s\.a\.|plc|limited)$", re.I)


class BadRow(ValueError):
    """A row that cannot be used; the harvester quarantines it."""

    def __init__(self, reason: str, key: str | None = None, raw: Any = None):
        super().__init__(reason)
        self.reason = reason
        self.key = key
        self.raw = raw


@dataclass(frozen=True)
class EpochRow:
    """One model of Epoch's lists, as openrace keeps it."""

    model: str
    organizations: tuple[str, ...]
    countries: tuple[str, ...]
    date: date
    date_precision: str
    accessibility: str | None
    access: str | None
    license_class: str | None
    parameters: float | None
    compute: float | None
    notability: str | None
    frontier: bool
    domain: str | None
    link: str | None
    unknown_countries: tuple[str, ...] = ()
    subsets: frozenset[str] = field(default_factory=frozenset)

    @property
    def key(self) -> str:
        """The match key of the model name (see :func:`name_key`)."""
        return name_key(self.model)

    @property
    def large_scale(self) -> bool:
        """Trained with at least 1e23 FLOP (Epoch's large-scale threshold)."""
        return self.compute is not None and self.compute >= LARGE_SCALE_FLOP


def name_key(name: str) -> str:
    """The key two model names are matched on: lower case, a parenthesised suffix
    dropped, letters and digits only (``GPT-4 (Mar 2023)`` → ``gpt4``). The metrics
    compute the same key for registry releases (:func:`openrace.metrics.releases`)."""
    text = re.sub(r"\([^)]*\)", "", name.lower())
    return re.sub(r"[^a-z0-9]", "", text)


# -- the client -------------------------------------------------------------------------------


class _Transient(Exception):
    def __init__(self, message: str, delay: float | None = None):
        super().__init__(message)
        self.delay = delay


@dataclass
class Download:
    """One file as served: its text, the URL it came from and the server's date of it."""

    name: str
    url: str
    text: str
    last_modified: datetime | None
    requests: int


@dataclass
class EpochClient:
    """Downloads of Epoch AI's data files (or of any server serving them)."""

    endpoint: str = DEFAULT_ENDPOINT
    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_wait: float = 120.0
    timeout: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    requests: int = 0
    _client: httpx.Client | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.endpoint = self.endpoint.rstrip("/")
        if not re.match(r"^https?://", self.endpoint):
            raise SourceError(f"EPOCH_ENDPOINT must be an http(s) URL, not {self.endpoint!r}")

    @property
    def http(self) -> httpx.Client:
        """The shared HTTP session (created on first use)."""
        if self._client is None:
            from openrace import __version__

            self._client = httpx.Client(
                base_url=self.endpoint + "/",
                timeout=self.timeout,
                transport=self.transport,
                headers={"User-Agent": f"openrace/{__version__}"},
                follow_redirects=True,
            )
        return self._client

    def close(self) -> None:
        """Close the HTTP session."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> EpochClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def download(self, subset: str) -> Download:
        """The CSV of ``subset`` (one of :data:`FILES`), trying its known file names in
        order; a 404 on every name is a :class:`SourceError`."""
        names = FILES.get(subset)
        if names is None:
            raise SourceError(f"unknown Epoch list {subset!r}; lists: {', '.join(FILES)}")
        before = self.requests
        for name in names:
            r = self._get(name)
            if r is None:
                continue
            return Download(
                name=name,
                url=f"{self.endpoint}/{name}",
                text=_decode(r, name),
                last_modified=_http_date(r.headers.get("last-modified")),
                requests=self.requests - before,
            )
        raise SourceError(
            f"Epoch AI has no {subset} list at {self.endpoint} (tried {', '.join(names)}: "
            "HTTP 404); the file may have been renamed: see docs/contracts/epoch.md"
        )

    def _get(self, path: str) -> httpx.Response | None:
        """GET ``path``: the response, None on 404; retries what is worth retrying."""

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Transient) and exc.delay is not None:
                return exc.delay
            return min(self.max_backoff, self.backoff * 2 ** (state.attempt_number - 1))

        retrying = Retrying(
            stop=lambda s: s.attempt_number > self.retries,  # retries after the first try
            wait=wait,
            retry=retry_if_exception_type(_Transient),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(path)
        except _Transient as exc:
            raise SourceError(
                f"Epoch AI kept failing after {self.retries + 1} tries: {exc}; "
                "nothing was changed in the store, run the update again later"
            ) from None
        return None  # pragma: no cover

    def _once(self, path: str) -> httpx.Response | None:
        self.requests += 1
        try:
            r = self.http.get(path)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
            raise SourceUnreachableError(
                f"cannot reach Epoch AI at {self.endpoint} ({_reason(exc)}); check the "
                "network or EPOCH_ENDPOINT"
            ) from None
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Transient(f"connection to {self.endpoint} failed ({_reason(exc)})") from None
        if r.status_code == 404:
            return None
        if r.status_code == 429:
            delay = _retry_after(r.headers.get("retry-after"))
            if delay is not None and delay > self.max_wait:
                raise SourceError(
                    "Epoch AI asks to wait more than "
                    f"{self.max_wait:.0f} s (HTTP 429); run the update later"
                )
            raise _Transient("HTTP 429 (too many requests)", delay)
        if r.status_code >= 500:
            raise _Transient(f"HTTP {r.status_code} for {path}")
        if r.status_code >= 400:
            raise SourceError(
                f"Epoch AI refused {path} (HTTP {r.status_code}); re-running "
                "will not help: check EPOCH_ENDPOINT"
            )
        return r


def _decode(r: httpx.Response, name: str) -> str:
    ctype = r.headers.get("content-type", "").lower()
    if "html" in ctype or r.content[:200].lstrip().lower().startswith((b"<!doctype", b"<html")):
        raise SourceError(
            f"Epoch AI sent a web page, not CSV, for {name}; the download may "
            "have moved: see docs/contracts/epoch.md"
        )
    try:
        return r.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"Epoch AI sent {name} in an encoding other than UTF-8") from None


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return (
        d.replace(tzinfo=None) if d.tzinfo is None else d.astimezone(tz=None).replace(tzinfo=None)
    )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        d = _http_date(value)
        return max(0.0, (d - datetime.now()).total_seconds()) if d else None


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


# -- parsing -----------------------------------------------------------------------------------


def header_map(header: Iterable[str]) -> dict[str, str]:
    """Field → the file's column holding it, for the fields the header has (matching is
    case- and space-insensitive)."""
    norm = {" ".join(h.split()).lower(): h for h in header if h}
    out: dict[str, str] = {}
    for fld, names in COLUMNS.items():
        for n in names:
            if n.lower() in norm:
                out[fld] = norm[n.lower()]
                break
    return out


def parse_csv(text: str, subset: str) -> tuple[list[EpochRow], list[BadRow], dict[str, str]]:
    """Parse one Epoch CSV: its rows, its rejects and the header map used. A file without
    a model or a date column is a :class:`SourceError` (every row would be unusable)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError(f"Epoch AI's {subset} list is empty (no header row)") from None
    except csv.Error as exc:
        raise SourceError(f"Epoch AI's {subset} list is not CSV: {exc}") from None
    cols = header_map(header)
    missing = [f for f in REQUIRED if f not in cols]
    if missing:
        raise SourceError(
            f"Epoch AI's {subset} list has no {' or '.join(missing)} column (header: "
            f"{', '.join(header[:12])}...); the format changed: see docs/contracts/epoch.md"
        )
    index = {h: i for i, h in enumerate(header)}
    rows: list[EpochRow] = []
    bad: list[BadRow] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            bad.append(BadRow(f"unreadable CSV line: {exc}", None, None))
            continue
        if not any(v.strip() for v in values):
            continue
        raw = {h: values[i] if i < len(values) else None for h, i in index.items()}
        if len(values) != len(header):
            bad.append(
                BadRow(
                    f"row has {len(values)} fields, the header {len(header)}",
                    values[0][:200] if values else None,
                    values,
                )
            )
            continue
        try:
            rows.append(parse_row(raw, cols, subset))
        except BadRow as exc:
            bad.append(exc)
    return rows, bad, cols


def parse_row(raw: Mapping[str, str | None], cols: Mapping[str, str], subset: str) -> EpochRow:
    """One CSV row (column → text) → :class:`EpochRow`; :class:`BadRow` if unusable."""

    def get(fld: str) -> str:
        col = cols.get(fld)
        v = raw.get(col) if col else None
        return " ".join(v.split()) if isinstance(v, str) else ""

    model = get("model")
    if not model:
        raise BadRow("no model name", None, dict(raw))
    model = model[:300]
    try:
        when, precision = parse_date(get("date"))
    except ValueError as exc:
        raise BadRow(str(exc), model, dict(raw)) from None
    acc_text = get("accessibility")
    access, lic = ACCESSIBILITY.get(acc_text.lower(), (None, None))
    try:
        params = parse_number(get("parameters"), "Parameters")
        compute = parse_number(get("compute"), "Training compute (FLOP)")
    except ValueError as exc:
        raise BadRow(str(exc), model, dict(raw)) from None
    frontier_text = get("frontier").lower()
    if frontier_text not in _TRUE | _FALSE:
        raise BadRow(
            f"Frontier model is neither true nor false: {frontier_text[:30]!r}", model, dict(raw)
        )
    countries, unknown = parse_countries(get("country"))
    return EpochRow(
        model=model,
        organizations=split_names(get("organization")),
        countries=countries,
        date=when,
        date_precision=precision,
        accessibility=acc_text or None,
        access=access,
        license_class=lic,
        parameters=params,
        compute=compute,
        notability=get("notability") or None,
        frontier=frontier_text in _TRUE,
        domain=get("domain") or None,
        link=_link(get("link")),
        unknown_countries=unknown,
        subsets=frozenset({subset}),
    )


def parse_date(text: str) -> tuple[date, str]:
    """``2024-05-13`` (day), ``2024-05`` (month) or ``2024`` (year); also a timestamp."""
    t = text.strip()
    if not t:
        raise ValueError("no publication date")
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:[T ].*)?", t)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        try:
            return date(int(y), int(mo or 1), int(d or 1)), (
                "day" if d else "month" if mo else "year"
            )
        except ValueError:
            pass
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t)  # US style, as a spreadsheet writes
    if m:
        try:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2))), "day"
        except ValueError:
            pass
    raise ValueError(f"publication date is not a date: {t[:40]!r}")


def parse_number(text: str, name: str) -> float | None:
    """A count as Epoch writes it (``1.75e+11``, ``175000000000``, ``1,750``); empty → None."""
    t = text.strip().replace(",", "").replace("_", "")
    if not t:
        return None
    try:
        v = float(t)
    except ValueError:
        raise ValueError(f"{name} is not a number: {text[:40]!r}") from None
    if math.isnan(v) or math.isinf(v) or v < 0:
        raise ValueError(f"{name} is not a count: {text[:40]!r}")
    return v


def split_names(text: str) -> tuple[str, ...]:
    """An organisation field split into names: Epoch separates several with commas; a
    legal suffix (``Inc.``, ``Ltd``) stays with the name before it."""
    out: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if out and _LEGAL.match(part):
            out[-1] = f"{out[-1]}, {part}"
        elif part not in out:
            out.append(part[:200])
    return tuple(out)


def country_code(name: str) -> str | None:
    """A country name as Epoch writes it → ISO 3166-1 alpha-2 (None when unknown)."""
    key = " ".join(name.split()).lower().strip(" .")
    if key in COUNTRY_SYNONYMS:
        return COUNTRY_SYNONYMS[key]
    if re.fullmatch(r"[a-z]{2}", key) and pycountry.countries.get(alpha_2=key.upper()):
        return key.upper()
    try:
        return str(pycountry.countries.lookup(name.strip()).alpha_2)
    except LookupError:
        return None


def parse_countries(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The country field → (ISO codes, names not understood). Several countries are
    separated by commas; a name that itself holds a comma (``Korea, Republic of``) is
    recognised whole first."""
    parts = [p.strip() for p in text.split(",")]
    codes: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        if not p:
            i += 1
            continue
        if i + 1 < len(parts) and country_code(f"{p}, {parts[i + 1]}"):
            cc: str | None = country_code(f"{p}, {parts[i + 1]}")
            i += 2
        else:
            cc = None if p.lower() in NO_COUNTRY else country_code(p)
            if cc is None and p.lower() not in NO_COUNTRY:
                unknown.append(p[:100])
            i += 1
        if cc and cc not in codes:
            codes.append(cc)
    return tuple(codes), tuple(unknown)


def _link(text: str) -> str | None:
    first = text.split(",")[0].strip() if text else ""
    return first if re.match(r"^https?://[^\s<>\"']+$", first) else None


def merge(rows: Iterable[EpochRow]) -> tuple[dict[str, EpochRow], list[BadRow]]:
    """Rows of several lists merged by model name into one row per model, with the lists
    it is in (``subsets``). The same name twice in one list is a reject (the first row is
    kept)."""
    out: dict[str, EpochRow] = {}
    bad: list[BadRow] = []
    for r in rows:
        prev = out.get(r.model)
        if prev is None:
            out[r.model] = r
            continue
        if prev.subsets & r.subsets:
            bad.append(
                BadRow(
                    f"model {r.model!r} appears twice in the {'/'.join(sorted(r.subsets))} list",
                    r.model,
                    None,
                )
            )
            continue
        out[r.model] = EpochRow(**{**prev.__dict__, "subsets": prev.subsets | r.subsets})
    return out, bad
