"""A local server speaking the two benchmark sources' real shapes (docs/contracts/).

- ``GET /data/benchmark_data.zip``: Epoch AI's bundle — one CSV per benchmark (Epoch's own
  runs with ``Model version``, ``mean_score``, ``Best score (across scorers)``, ``Release
  date``, ``Organization``, ``Country``, ``stderr``, ``Started at``, ``id``; external
  results with a score column of their own), ``benchmark_metadata.csv``,
  ``model_metadata.csv``, the ECI under ``epoch_capabilities_index/eci_scores.csv`` and a
  README. Any other path under ``/data/`` is a 404 with an HTML page, as epoch.ai answers.
- ``GET /datasets/lmarena-ai/leaderboard-dataset/resolve/main/<config>/<split>-...parquet``
  (``<split>-00000-of-00001.parquet``): a 302 to a CDN path serving the Parquet file, as
  the Hub does for LFS files; an unknown file is a 404 ``Entry not found``.

Malformed rows are part of the data (a score that is not a number, a row without a model,
a bad date, too many cells, a rating that is null). ``faults`` makes the next requests fail
with 503 or 429 (``Retry-After``) before succeeding.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tests.fakeserver import JsonHandler, LoopbackServer

EPOCH_RUN_HEADER = [
    "Model version",
    "mean_score",
    "Best score (across scorers)",
    "Release date",
    "Organization",
    "Country",
    "stderr",
    "Started at",
    "id",
]

#: gpqa_diamond.csv: (model version, score, release date, organisation, country, started)
GPQA = [
    ("gpt-4-0613", 0.35, "2023-06-13", "OpenAI", "United States of America", "2024-03-01"),
    (
        "claude-3-opus-20240229",
        0.50,
        "2024-02-29",
        "Anthropic",
        "United States of America",
        "2024-03-05",
    ),
    (
        "gpt-4o-2024-05-13_high",
        0.53,
        "2024-05-13",
        "OpenAI",
        "United States of America",
        "2024-05-20",
    ),
    (
        "gpt-4o-2024-05-13_low",
        0.49,
        "2024-05-13",
        "OpenAI",
        "United States of America",
        "2024-05-21",
    ),
    ("o1-2024-12-17_high", 0.76, "2024-12-17", "OpenAI", "United States of America", "2024-12-20"),
    (
        "Llama-3.1-405B-Instruct",
        0.50,
        "2024-07-23",
        "Meta AI",
        "United States of America",
        "2024-07-30",
    ),
    ("qwen2.5-72b-instruct", 0.49, "2024-09-19", "Alibaba", "China", "2024-09-25"),
    ("DeepSeek-R1", 0.72, "2025-01-20", "DeepSeek", "China", "2025-01-25"),
    ("mystery-model-7b", 0.30, "2024-06-01", "Unknown Lab", "France", "2024-06-10"),
]
#: rows that must be quarantined (model, score cell, release date cell)
GPQA_BAD = [
    ("bad-score-model", "n/a", "2024-01-01"),
    ("", "0.4", "2024-01-01"),
    ("bad-date-model", "0.4", "last spring"),
]

#: mmlu_external.csv, percentages: (model version, Score, release date, organisation)
MMLU = [
    ("gpt-4-0613", 86.4, "2023-06-13", "OpenAI"),
    ("Llama-3.1-405B-Instruct", 87.3, "2024-07-23", "Meta AI"),
    ("DeepSeek-V3", 88.5, "2024-12-26", "DeepSeek"),
    ("claude-3-5-sonnet-20240620", 88.7, "2024-06-20", "Anthropic"),
]

#: eci_scores.csv: (Model, eci, date, Organization, Model accessibility)
ECI = [
    ("GPT-4 (Mar 2023)", 126.0, "2023-03-14", "OpenAI", "API access"),
    ("Claude 3.5 Sonnet", 130.0, "2024-06-20", "Anthropic", "API access"),
    ("Llama 3.1-405B", 127.0, "2024-07-23", "Meta AI", "Open weights (restricted use)"),
    ("DeepSeek-R1", 139.0, "2025-01-20", "DeepSeek", "Open weights (unrestricted)"),
    ("o3-mini", 140.3, "2025-01-31", "OpenAI", "API access"),
]

#: Arena rows: (model_name, organization, license, rating, category, publish date)
ARENA = [
    ("gpt-4-0613", "OpenAI", "Proprietary", 1160.0, "overall", "2023-07-01"),
    ("gpt-4-0613", "OpenAI", "Proprietary", 1163.0, "overall", "2024-07-01"),
    ("gpt-4-0613", "OpenAI", "Proprietary", 1165.0, "overall", "2025-02-01"),
    ("claude-3-opus-20240229", "Anthropic", "Proprietary", 1250.0, "overall", "2024-03-10"),
    ("claude-3-opus-20240229", "Anthropic", "Proprietary", 1248.0, "overall", "2025-02-01"),
    ("gpt-4o-2024-05-13", "OpenAI", "Proprietary", 1285.0, "overall", "2024-05-20"),
    ("gpt-4o-2024-05-13", "OpenAI", "Proprietary", 1287.0, "overall", "2025-02-01"),
    ("llama-3.1-405b-instruct", "Meta", "Llama 3.1 Community", 1266.0, "overall", "2024-07-30"),
    ("llama-3.1-405b-instruct", "Meta", "Llama 3.1 Community", 1268.0, "overall", "2025-02-01"),
    ("deepseek-r1", "DeepSeek", "MIT", 1360.0, "overall", "2025-02-01"),
    ("qwen2.5-max", "Alibaba", "Proprietary", 1340.0, "overall", "2025-02-01"),
    ("deepseek-r1", "DeepSeek", "MIT", 1400.0, "coding", "2025-02-01"),
]
#: malformed Arena rows (rating null / not a number, no model name)
ARENA_BAD = [
    ("broken-model", "Nobody", "MIT", None, "overall", "2025-02-01"),
    (None, "Nobody", "MIT", 1200.0, "overall", "2025-02-01"),
]


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def epoch_zip(extra: dict[str, str] | None = None) -> bytes:
    """The bundle, in Epoch's layout."""
    gpqa_rows: list[list[Any]] = []
    for i, (m, s, rel, org, country, started) in enumerate(GPQA):
        gpqa_rows.append(
            [m, s, s, rel, org, country, 0.03, f"{started}T10:00:00.000Z", f"run{i:04d}"]
        )
    for m, s, rel in GPQA_BAD:
        gpqa_rows.append([m, s, s, rel, "X", "China", 0.03, "2024-02-01T00:00:00.000Z", "bad"])
    gpqa = _csv(EPOCH_RUN_HEADER, gpqa_rows)
    gpqa += "too-many-cells,0.4,0.4,2024-01-01,X,China,0.03,2024-02-01T00:00:00.000Z,id,EXTRA\n"
    files = {
        "README.md": "## Licensing\nCC BY 4.0 (test data in Epoch AI's layout)\n",
        "benchmark_metadata.csv": _csv(
            ["benchmark", "in_eci", "source_file", "score_column"],
            [["GPQA diamond", "True", "gpqa_diamond.csv", "Best score (across scorers)"]],
        ),
        "model_metadata.csv": _csv(
            ["model_version", "model_group", "date"], [["gpt-4-0613", "GPT-4", "2023-06-13"]]
        ),
        "gpqa_diamond.csv": gpqa,
        "mmlu_external.csv": _csv(
            ["Model version", "Score", "Release date", "Organization", "Source link"],
            [[m, s, r, o, "https://example.org"] for m, s, r, o in MMLU],
        ),
        "metr_time_horizons_external.csv": _csv(
            ["Model version", "Time horizon", "Release date"],
            [["gpt-4-0613", 5.4, "2023-06-13"], ["o1-2024-12-17", 39.2, "2024-12-17"]],
        ),
        "frontierswe_external.csv": _csv(["Model version", "Implementation rank"], [["gpt-4o", 3]]),
        "epoch_capabilities_index/eci_scores.csv": _csv(
            [
                "Model",
                "Display name",
                "eci",
                "eci_ci_low",
                "eci_ci_high",
                "date",
                "Organization",
                "Model accessibility",
                "Accessibility group",
            ],
            [
                [
                    m,
                    m,
                    e,
                    e - 2,
                    e + 2,
                    d,
                    o,
                    a,
                    "Open weights" if a.startswith("Open") else "Closed weights",
                ]
                for m, e, d, o, a in ECI
            ],
        ),
    }
    files.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buf.getvalue()


def arena_parquet(rows: list[tuple[Any, ...]] | None = None) -> bytes:
    """The leaderboard dataset's Parquet file (``full`` split: every publication)."""
    rows = list(ARENA) + list(ARENA_BAD) if rows is None else rows
    from datetime import date

    table = pa.table(
        {
            "model_name": pa.array([r[0] for r in rows], pa.string()),
            "organization": pa.array([r[1] for r in rows], pa.string()),
            "license": pa.array([r[2] for r in rows], pa.string()),
            "rating": pa.array([r[3] for r in rows], pa.float64()),
            "rating_lower": pa.array(
                [None if r[3] is None else r[3] - 5 for r in rows], pa.float64()
            ),
            "rating_upper": pa.array(
                [None if r[3] is None else r[3] + 5 for r in rows], pa.float64()
            ),
            "variance": pa.array([6.5] * len(rows), pa.float64()),
            "vote_count": pa.array([5000] * len(rows), pa.int64()),
            "rank": pa.array(list(range(1, len(rows) + 1)), pa.int64()),
            "category": pa.array([r[4] for r in rows], pa.string()),
            "leaderboard_publish_date": pa.array(
                [date.fromisoformat(r[5]) for r in rows], pa.date32()
            ),
        }
    )
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


@dataclass
class FakeBench:
    """What the server serves, and the faults it injects."""

    epoch: bytes = field(default_factory=epoch_zip)
    arena: dict[str, bytes] = field(
        default_factory=lambda: {
            "text/full": arena_parquet(),
            "text/latest": arena_parquet([r for r in ARENA if r[5] == "2025-02-01"]),
        }
    )
    #: statuses answered (in order) before serving normally: 503, 429, ...
    faults: list[int] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


_ARENA_PREFIX = "/datasets/lmarena-ai/leaderboard-dataset/resolve/main/"


def make_handler(bench: FakeBench) -> type[BaseHTTPRequestHandler]:
    """The request handler class bound to ``bench``."""

    class Handler(JsonHandler):
        content_type = "application/octet-stream"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            bench.requests.append(path)
            if bench.faults:
                status = bench.faults.pop(0)
                self._send(status, b"busy", {"Retry-After": "0"} if status == 429 else {})
                return
            if path == "/data/benchmark_data.zip":
                self._send(200, bench.epoch, {"ETag": '"bundle"'})
                return
            if path.startswith("/data/"):
                self.content_type = "text/html"
                self._send(404, b"<html><body>Page not found</body></html>")
                return
            if path.startswith(_ARENA_PREFIX):
                rest = path[len(_ARENA_PREFIX) :]
                key = rest.removesuffix("-00000-of-00001.parquet")
                if key in bench.arena and rest.endswith("-00000-of-00001.parquet"):
                    self.send_response(302)
                    self.send_header("Location", f"/cdn/{rest}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.content_type = "text/plain"
                self._send(404, b"Entry not found", {"X-Error-Code": "EntryNotFound"})
                return
            if path.startswith("/cdn/"):
                key = path[len("/cdn/") :].removesuffix("-00000-of-00001.parquet")
                if key in bench.arena:
                    self._send(200, bench.arena[key])
                    return
            self.content_type = "text/plain"
            self._send(404, b"Not Found")

    return Handler


class FakeBenchServer(LoopbackServer):
    """Runs a :class:`FakeBench` on 127.0.0.1 in a thread (a context manager)."""

    def __init__(self, bench: FakeBench | None = None):
        self.bench = bench or FakeBench()
        super().__init__(make_handler(self.bench))
