"""Epoch AI's benchmark data: one zip of CSVs (``benchmark_data.zip``, CC BY 4.0).

The contract openrace relies on, with a source for each rule, is in
``docs/contracts/epoch-benchmarks.md``. In short:

- one file per benchmark, named for it (``gpqa_diamond.csv``, ``mmlu_external.csv``, ...);
  Epoch's own runs carry ``Model version``, ``mean_score``, ``Best score (across
  scorers)``, ``Release date``, ``Organization``, ``Country``, ``stderr``, ``Started at``
  and a run ``id``; files of external results (``*_external.csv``) carry ``Model version``
  and a score column of their own (``Score``, ``Accuracy``, ...), sometimes a release date;
- the Epoch Capabilities Index in ``epoch_capabilities_index/eci_scores.csv`` (older
  bundles: ``epoch_capabilities_index.csv``), keyed by ``Model`` with ``eci``, ``date``,
  ``Organization`` and ``Model accessibility`` / ``Accessibility group``;
- metadata files (``benchmark_metadata.csv``, ``model_metadata.csv``, the README) are not
  results.

Column names have changed between bundles, so each field is looked up among the names
seen so far (:data:`COLUMNS`); a benchmark file without a model column or a score column
openrace understands is skipped and named in the run's summary, never guessed at. Scores
are stored as fractions (0–1): a file whose scores run to 100 is read as percentages;
one whose scores exceed 100 (times in minutes, ranks) is skipped. The ECI is an index and
kept as it is. A model with several runs keeps its best score, evaluated on the date of
its first run.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from openrace.errors import SourceError
from openrace.sources.benchmark_results import (
    BenchmarkResult,
    FileClient,
    Parsed,
    Rejected,
    parse_date,
    parse_float,
    text,
)

SOURCE = "epoch-benchmarks"
DEFAULT_URL = "https://epoch.ai/data/benchmark_data.zip"
ECI = "eci"

#: Names each field has had in Epoch's files, in order of preference.
COLUMNS: dict[str, tuple[str, ...]] = {
    "model": ("Model version", "model_version", "Model"),
    "score": (
        "Best score (across scorers)",
        "mean_score",
        "Score",
        "Accuracy",
        "Accuracy mean",
        "Average score",
    ),
    "eci": ("eci", "ECI Score", "ECI"),
    "release": ("Release date", "Version release date", "date", "Date"),
    "evaluated": ("Started at", "Run date", "Evaluation date"),
    "organization": ("Organization", "Organisation", "organization"),
    "country": ("Country", "Country (of organization)", "country"),
    "access": ("Model accessibility", "Accessibility group", "accessibility"),
    "stderr": ("stderr", "Stderr", "Standard error"),
    "display": ("Display name", "display_name", "Name"),
}
#: Files of the bundle that are not benchmark results.
METADATA_FILES = ("benchmark_metadata.csv", "model_metadata.csv")


def benchmark_name(member: str) -> str:
    """openrace's name for the benchmark in zip member ``member``:
    ``gpqa_diamond.csv`` → ``gpqa_diamond``; the ECI files → ``eci``."""
    p = PurePosixPath(member)
    if p.name in ("eci_scores.csv", "epoch_capabilities_index.csv"):
        return ECI
    return p.stem


def _column(header: Iterable[str], field: str) -> str | None:
    names = set(header)
    return next((c for c in COLUMNS[field] if c in names), None)


def parse_archive(data: bytes) -> Parsed:
    """Every benchmark result in Epoch's zip ``data``; malformed rows rejected."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(
            f"Epoch AI's benchmark data is not a zip archive ({exc}); the URL may have "
            "moved: see docs/contracts/epoch-benchmarks.md"
        ) from None
    out = Parsed()
    for info in sorted(members, key=lambda i: i.filename):
        name = info.filename
        base = PurePosixPath(name).name
        if not base.lower().endswith(".csv"):
            continue
        if base in METADATA_FILES or PurePosixPath(name).parts[0].startswith("__MACOSX"):
            continue
        try:
            raw = archive.read(info).decode("utf-8-sig")
        except (UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
            out.skipped[name] = f"unreadable ({type(exc).__name__})"
            continue
        _parse_csv(name, raw, out)
    if not out.results and not out.rejected:
        raise SourceError(
            "Epoch AI's benchmark data holds no benchmark file openrace can read (expected "
            "CSVs with a 'Model version' and a score column): see "
            "docs/contracts/epoch-benchmarks.md"
        )
    return out


def _parse_csv(member: str, raw: str, out: Parsed) -> None:
    bench = benchmark_name(member)
    reader = csv.DictReader(io.StringIO(raw))
    header = reader.fieldnames or []
    model_col = _column(header, "model")
    score_col = _column(header, "eci") if bench == ECI else _column(header, "score")
    if model_col is None or score_col is None:
        out.skipped[member] = (
            "no model column" if model_col is None else "no score column openrace understands"
        ) + f" (columns: {', '.join(header[:12])})"
        return
    cols = {f: _column(header, f) for f in COLUMNS}
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for i, row in enumerate(reader, start=2):
            rows.append((i, row))
    except csv.Error as exc:
        out.skipped[member] = f"malformed CSV after {len(rows)} rows ({exc})"
    parsed: list[tuple[BenchmarkResult, dict[str, Any]]] = []
    for i, row in rows:
        out.rows_read += 1
        key = f"{member}:{i}"
        if None in row:  # more cells than the header has names
            out.rejected.append(Rejected(key, "more cells than columns", _plain(row)))
            continue
        try:
            model = text(row.get(model_col))
            if model is None:
                raise ValueError("no model name")
            score = parse_float(row.get(score_col))
            assert score is not None
            result = BenchmarkResult(
                source=SOURCE,
                benchmark=bench,
                model=model,
                score=score,
                stderr=parse_float(row.get(cols["stderr"] or ""), required=False),
                release_date=parse_date(row.get(cols["release"] or "")),
                evaluated=parse_date(row.get(cols["evaluated"] or "")),
                organization=text(row.get(cols["organization"] or "")),
                country=text(row.get(cols["country"] or "")),
                access=text(row.get(cols["access"] or "")),
                display_name=text(row.get(cols["display"] or "")),
                scale="index" if bench == ECI else "fraction",
            )
        except ValueError as exc:
            out.rejected.append(Rejected(key, str(exc), _plain(row)))
            continue
        parsed.append((result, row))
    if not parsed:
        return
    if bench != ECI:
        top = max(r.score for r, _ in parsed)
        low = min(r.score for r, _ in parsed)
        if low < 0 or top > 100:
            out.skipped[member] = (
                f"scores from {low:g} to {top:g} in {score_col!r} are not a 0–1 or 0–100 accuracy"
            )
            return
        if top > 1:  # a percentage
            parsed = [
                (
                    replace(
                        r, score=r.score / 100, stderr=None if r.stderr is None else r.stderr / 100
                    ),
                    row,
                )
                for r, row in parsed
            ]
    out.results.extend(_best_per_model([r for r, _ in parsed]))


def _best_per_model(results: list[BenchmarkResult]) -> list[BenchmarkResult]:
    """One result per model: its best score, evaluated on the date of its first run."""
    best: dict[str, BenchmarkResult] = {}
    first: dict[str, date | None] = {}
    for r in results:
        cur = best.get(r.model)
        if cur is None or r.score > cur.score:
            best[r.model] = r
        f = first.get(r.model)
        if r.evaluated is not None and (f is None or r.evaluated < f):
            first[r.model] = r.evaluated
    return [replace(r, evaluated=first.get(m) or r.evaluated) for m, r in best.items()]


def _plain(row: dict[Any, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in row.items()}


def download(client: FileClient, url: str = DEFAULT_URL) -> tuple[bytes, dict[str, str]]:
    """The bundle's bytes and response headers."""
    return client.get(url)
