"""The Arena (LMArena) leaderboard's published history: ``lmarena-ai/leaderboard-dataset``.

LMArena publishes its leaderboards as a Hugging Face dataset under CC BY 4.0, one
configuration per arena (``text``, ``webdev``, ``vision``, ...) with a ``latest`` split (the
current leaderboard) and a ``full`` split (every published leaderboard), each one Parquet
file, e.g. ``text/full-00000-of-00001.parquet``. The contract, with its sources and
unsure points, is in ``docs/contracts/arena.md``. Each row is one model in one category of
one published leaderboard: ``model_name``, ``organization``, ``license``, ``rating``,
``rating_lower``, ``rating_upper``, ``variance``, ``vote_count``, ``rank``, ``category``,
``leaderboard_publish_date``.

openrace keeps one result per model in the chosen category (default ``overall``): its
rating on the **latest** leaderboard that lists it (so every model's rating is on the same,
current scale — Arena ratings drift as the pool of models changes), evaluated on the date
of the **first** leaderboard that listed it (when the public first saw it ranked). The
Hugging Face datasets-server's JSON rows (``{"rows": [{"row": {...}}]}``) are read too.
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

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

SOURCE = "arena"
DEFAULT_ENDPOINT = "https://huggingface.co"
DATASET = "lmarena-ai/leaderboard-dataset"
DEFAULT_CONFIG = "text"
DEFAULT_SPLIT = "full"
DEFAULT_CATEGORY = "overall"
#: names seen for each field (the older ``lmsys/chatbot_arena_leaderboard`` ones last)
COLUMNS: dict[str, tuple[str, ...]] = {
    "model": ("model_name", "Model", "model"),
    "rating": ("rating", "Arena Score", "arena_score"),
    "organization": ("organization", "Organization"),
    "license": ("license", "License"),
    "category": ("category",),
    "published": ("leaderboard_publish_date", "publish_date", "date"),
    "lower": ("rating_lower",),
    "upper": ("rating_upper",),
    "votes": ("vote_count", "Votes"),
}


def file_url(
    endpoint: str = DEFAULT_ENDPOINT, config: str = DEFAULT_CONFIG, split: str = DEFAULT_SPLIT
) -> str:
    """The Parquet file of one configuration and split of the dataset."""
    return (
        f"{endpoint.rstrip('/')}/datasets/{DATASET}/resolve/main/{config}/"
        f"{split}-00000-of-00001.parquet"
    )


def benchmark_name(config: str = DEFAULT_CONFIG, category: str = DEFAULT_CATEGORY) -> str:
    """openrace's benchmark name: ``arena-text``, or ``arena-text-coding`` for a category."""
    return f"arena-{config}" + ("" if category == DEFAULT_CATEGORY else f"-{category}")


def access_of(license_: str | None) -> str | None:
    """The access class a leaderboard licence string suggests: ``Proprietary`` → ``api``;
    an open licence name → ``open-weights``; empty / ``Other`` → unknown. Only used when
    the registry does not know the model (the registry's access wins)."""
    if not license_:
        return None
    low = license_.strip().lower()
    if low in ("proprietary", "closed", "api"):
        return "api"
    if low in ("other", "unknown", "n/a", "-"):
        return None
    return "open-weights"


def _rows(data: bytes) -> list[dict[str, Any]]:
    head = data[:1].lstrip()
    if data[:4] == b"PAR1":
        try:
            table: pa.Table = pq.read_table(io.BytesIO(data))
        except (pa.ArrowInvalid, OSError) as exc:
            raise SourceError(f"the Arena leaderboard file is not valid Parquet ({exc})") from None
        return table.to_pylist()
    if head in (b"{", b"["):
        try:
            body = json.loads(data)
        except ValueError:
            raise SourceError("the Arena leaderboard answer is not valid JSON") from None
        items = body.get("rows") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise SourceError("the Arena leaderboard JSON has no rows list")
        return [(i.get("row") if isinstance(i, dict) and "row" in i else i) for i in items]
    raise SourceError(
        "the Arena leaderboard file is neither Parquet nor JSON; the dataset layout may have "
        "changed: see docs/contracts/arena.md"
    )


def parse_leaderboard(
    data: bytes, *, config: str = DEFAULT_CONFIG, category: str = DEFAULT_CATEGORY
) -> Parsed:
    """One result per model of ``category``: latest rating, first publication date."""
    rows = _rows(data)
    out = Parsed()
    if not rows:
        return out
    header = set().union(*(r.keys() for r in rows if isinstance(r, dict)))
    col = {f: next((c for c in names if c in header), None) for f, names in COLUMNS.items()}
    if col["model"] is None or col["rating"] is None:
        raise SourceError(
            "the Arena leaderboard has no model_name / rating columns (columns: "
            f"{', '.join(sorted(header)[:12])}); see docs/contracts/arena.md"
        )
    bench = benchmark_name(config, category)
    latest: dict[str, tuple[date | None, dict[str, Any], float]] = {}
    first: dict[str, date] = {}
    for i, row in enumerate(rows):
        out.rows_read += 1
        key = f"{config}:{i}"
        if not isinstance(row, dict):
            out.rejected.append(Rejected(key, "row is not an object", row))
            continue
        if col["category"] is not None and text(row.get(col["category"])) != category:
            continue
        try:
            model = text(row.get(col["model"]))
            if model is None:
                raise ValueError("no model name")
            rating = parse_float(row.get(col["rating"]))
            assert rating is not None
            published = parse_date(row.get(col["published"])) if col["published"] else None
        except ValueError as exc:
            out.rejected.append(Rejected(key, str(exc), _jsonable(row)))
            continue
        cur = latest.get(model)
        if cur is None or (published is not None and (cur[0] is None or published >= cur[0])):
            latest[model] = (published, row, rating)
        if published is not None and (model not in first or published < first[model]):
            first[model] = published
    if col["category"] is not None and not latest and not out.rejected:
        out.skipped[config] = f"no rows in category {category!r}"
    for model, (published, row, rating) in sorted(latest.items()):
        lic = text(row.get(col["license"])) if col["license"] else None
        extra = {k: row.get(col[k]) for k in ("lower", "upper", "votes") if col[k]}
        extra["latest_leaderboard"] = published.isoformat() if published else None
        out.results.append(
            BenchmarkResult(
                source=SOURCE,
                benchmark=bench,
                model=model,
                score=rating,
                evaluated=first.get(model),
                organization=text(row.get(col["organization"])) if col["organization"] else None,
                license=lic,
                access=lic,
                scale="elo",
                extra=_jsonable(extra),
            )
        )
    return out


def _jsonable(obj: Any) -> Any:
    return json.loads(json.dumps(obj, default=str))


def download(client: FileClient, url: str) -> tuple[bytes, dict[str, str]]:
    """The leaderboard file's bytes and response headers."""
    return client.get(url)
