"""What the benchmark-result sources share: the typed result record and the file client.

Both benchmark sources (:mod:`openrace.sources.epoch_benchmarks`,
:mod:`openrace.sources.arena`) publish their data as one downloadable file (a zip of CSVs,
a Parquet file), not as a paged API. :class:`FileClient` is their one choke point for the
network: a GET of one URL through ``httpx`` with retries of 5xx, 429 (honouring
``Retry-After``) and dropped connections (``tenacity``), the body read to a bounded
size, and every failure turned into one :mod:`openrace.errors` exception.

A parser turns the file into :class:`BenchmarkResult` records and :class:`Rejected` rows
(malformed rows, quarantined and counted by the harvest, never silently dropped).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from openrace.errors import RateLimitExhaustedError, SourceError, SourceUnreachableError

#: Files larger than this are refused (Arena's full history is ~57 MB in 2026).
MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class BenchmarkResult:
    """One model's result on one benchmark, as the source states it."""

    source: str
    #: openrace's name of the benchmark, e.g. ``gpqa_diamond``, ``eci``, ``arena-text``
    benchmark: str
    #: the model as the source names it (Epoch: ``Model version``; Arena: ``model_name``)
    model: str
    score: float
    stderr: float | None = None
    #: the model's release date according to the source
    release_date: date | None = None
    #: when the model was evaluated (Epoch: the run's start; Arena: first leaderboard)
    evaluated: date | None = None
    organization: str | None = None
    country: str | None = None
    #: the source's own words for the model's accessibility / licence
    access: str | None = None
    license: str | None = None
    display_name: str | None = None
    #: the scale of ``score``: ``fraction`` (0–1), ``index`` (ECI) or ``elo`` (Arena)
    scale: str = "fraction"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Rejected:
    """A row the parser could not use, with why (quarantined by the harvest)."""

    key: str
    reason: str
    raw: Any


@dataclass
class Parsed:
    """What a parser made of one downloaded file."""

    results: list[BenchmarkResult] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    #: files / tables of the download that hold no usable benchmark results, with why
    skipped: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0


# -- field parsing shared by the parsers ------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: Any) -> date | None:
    """A date from ``2024-05-13``, ``2024-05-13T10:00:00.000Z``, a date or datetime; None
    for empty. Anything else raises ValueError (the row is rejected)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text or text.lower() in ("nan", "none", "null", "nat"):
        return None
    m = _ISO_DATE.match(text)
    if not m:
        raise ValueError(f"not a date: {text[:40]!r}")
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def parse_float(value: Any, *, required: bool = True) -> float | None:
    """A finite float from a number or numeric text; ValueError when it is not one (None
    for an empty optional value)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError("missing score")
        return None
    try:
        x = float(str(value).strip().rstrip("%")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"not a number: {str(value)[:40]!r}") from None
    if not math.isfinite(x):
        if required:
            raise ValueError(f"not a finite number: {value!r}")
        return None
    return x


def text(value: Any) -> str | None:
    """Stripped text, None for empty."""
    if value is None:
        return None
    s = str(value).strip()
    return s or None


# -- the file client --------------------------------------------------------------------------


class _Transient(Exception):
    def __init__(self, message: str, delay: float | None = None, *, rate_limited: bool = False):
        super().__init__(message)
        self.delay = delay
        self.rate_limited = rate_limited


@dataclass
class FileClient:
    """Downloads one file per call from a public data host (or a local server)."""

    name: str
    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_wait: float = 300.0
    timeout: float = 120.0
    max_bytes: int = MAX_BYTES
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    requests: int = 0
    _client: httpx.Client | None = field(default=None, repr=False)

    @property
    def http(self) -> httpx.Client:
        """The shared HTTP session (created on first use)."""
        if self._client is None:
            from openrace import __version__

            self._client = httpx.Client(
                timeout=self.timeout,
                transport=self.transport,
                follow_redirects=True,
                headers={"User-Agent": f"openrace/{__version__}"},
            )
        return self._client

    def close(self) -> None:
        """Close the HTTP session."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> FileClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str) -> tuple[bytes, dict[str, str]]:
        """The body and headers of ``url``, retrying 5xx / 429 / dropped connections."""
        if not re.match(r"^https?://", url):
            raise SourceError(f"{self.name}: the URL must be http(s), not {url!r}")

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
                    return self._once(url)
        except _Transient as exc:
            if exc.rate_limited:
                raise RateLimitExhaustedError(
                    f"{self.name} kept answering 429 (too many requests) at {url}; "
                    "run the update again later"
                ) from None
            raise SourceError(f"{self.name} kept failing at {url}: {exc}") from None
        raise SourceError("request was not attempted")  # pragma: no cover

    def _once(self, url: str) -> tuple[bytes, dict[str, str]]:
        self.requests += 1
        try:
            with self.http.stream("GET", url) as r:
                status = r.status_code
                if status == 429:
                    delay = _retry_after(r.headers.get("retry-after"))
                    if delay is not None and delay > self.max_wait:
                        raise RateLimitExhaustedError(
                            f"{self.name} asks to wait {delay:.0f} s (HTTP 429); run the "
                            "update again later"
                        )
                    raise _Transient("HTTP 429", delay, rate_limited=True)
                if status >= 500:
                    raise _Transient(f"HTTP {status}")
                if status >= 400:
                    raise SourceError(
                        f"{self.name} refused {url} (HTTP {status}); check the URL "
                        "(see docs/contracts) — re-running will not help"
                    )
                length = r.headers.get("content-length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise SourceError(f"{self.name}: {url} is larger than {self.max_bytes:,} bytes")
                chunks: list[bytes] = []
                size = 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise SourceError(
                            f"{self.name}: {url} is larger than {self.max_bytes:,} bytes"
                        )
                    chunks.append(chunk)
                return b"".join(chunks), dict(r.headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
            raise SourceUnreachableError(
                f"cannot reach {self.name} at {url} ({type(exc).__name__}); check the "
                "network or the endpoint setting"
            ) from None
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Transient(f"connection failed ({type(exc).__name__})") from None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
