"""A fake Epoch AI data server on 127.0.0.1 serving Epoch-shaped CSV files.

It serves what ``docs/contracts/epoch.md`` says the real one serves: ``GET /data/<file>``
answers the file's bytes as ``text/csv`` with a ``Last-Modified`` date; any other path is
a 404 (a file that is not published is not there, and the real server does not list
directories); any method but GET / HEAD is refused (405). Faults are injected per request
number: a 5xx, a 429 with ``Retry-After``, an HTML page in place of the CSV (what a moved
download looks like).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.fakeserver import JsonHandler, LoopbackServer

HEADER = [
    "Model",
    "Domain",
    "Task",
    "Organization",
    "Authors",
    "Publication date",
    "Reference",
    "Link",
    "Citations",
    "Notability criteria",
    "Notability criteria notes",
    "Parameters",
    "Parameters notes",
    "Training compute (FLOP)",
    "Training compute notes",
    "Training dataset size (total)",
    "Confidence",
    "Country (of organization)",
    "Base model",
    "Model accessibility",
    "Frontier model",
    "Training hardware",
    "Organization categorization",
    "Open model weights?",
]


def row(
    model: str,
    org: str,
    country: str,
    date: str,
    access: str = "API access",
    *,
    params: str = "",
    compute: str = "",
    notable: str = "SOTA improvement",
    frontier: str = "",
    domain: str = "Language",
) -> list[str]:
    """One row in the column order of :data:`HEADER`."""
    values = dict.fromkeys(HEADER, "")
    values.update(
        {
            "Model": model,
            "Domain": domain,
            "Organization": org,
            "Publication date": date,
            "Link": f"https://example.org/{model.replace(' ', '-')}",
            "Notability criteria": notable,
            "Parameters": params,
            "Training compute (FLOP)": compute,
            "Country (of organization)": country,
            "Model accessibility": access,
            "Frontier model": frontier,
            "Confidence": "Confident",
        }
    )
    return [values[h] for h in HEADER]


def to_csv(rows: list[list[str]], header: list[str] | None = None) -> str:
    """Rows as CSV text (quoted where needed), with the header."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header or HEADER)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


US, GB, CN, HK = (
    "United States of America",
    "United Kingdom of Great Britain and Northern Ireland",
    "China",
    "Hong Kong",
)

NOTABLE = [
    row("GPT-4", "OpenAI", US, "2023-03-15", compute="2.1e+25", frontier="True"),
    row(
        "Qwen2.5-72B",
        "Alibaba",
        CN,
        "2024-09-19",
        "Open weights (restricted use)",
        params="72700000000",
        compute="7.8e+24",
    ),
    row(
        "DeepSeek-V3",
        "DeepSeek",
        CN,
        "2024-12-26",
        "Open weights (unrestricted)",
        params="671000000000",
        compute="3.4e+24",
        frontier="True",
    ),
    row(
        "Llama 3.1-405B",
        "Meta AI",
        US,
        "2024-07-23",
        "Open weights (restricted use)",
        params="405000000000",
        compute="3.8e+25",
        frontier="True",
    ),
    row(
        "GLM-Joint",
        "Tsinghua University,Zhipu AI",
        CN,
        "2025-06-01",
        "Open weights (unrestricted)",
        params="9000000000",
        compute="5e+22",
    ),
    row("Duo-Model", "Google DeepMind,Unknown Lab", f"{GB},{US}", "2025-03-10", compute="2e+23"),
    row("Mystery-1", "Mystery Lab", "Korea, Republic of", "2025-11", compute="1e+21"),
    row("SenseNova-X", "SenseTime", HK, "2025-08-20", "Open weights (non-commercial)"),
    row("Year-Only", "", "China", "2025", "Unreleased"),
    # malformed rows: quarantined and counted, never dropped silently
    row("Bad-Date", "OpenAI", US, "soon"),
    row("Bad-Params", "OpenAI", US, "2025-01-01", params="lots"),
    row("", "OpenAI", US, "2025-01-01"),
    row("Bad-Flag", "OpenAI", US, "2025-01-01", frontier="maybe"),
    row("Short-Row", "OpenAI", US, "2025-01-01")[:5],
]
FRONTIER = [
    r for r in NOTABLE if len(r) == len(HEADER) and r[HEADER.index("Frontier model")] == "True"
]
LARGE_SCALE = [
    r for r in NOTABLE[:6] if float(r[HEADER.index("Training compute (FLOP)")] or 0) >= 1e23
]


def default_files() -> dict[str, str]:
    """The three lists openrace reads by default."""
    return {
        "notable_ai_models.csv": to_csv(NOTABLE),
        "frontier_ai_models.csv": to_csv(FRONTIER),
        "large_scale_ai_models.csv": to_csv(LARGE_SCALE),
    }


@dataclass
class FakeEpoch:
    """The server's state: files by name, injected faults, the requests seen."""

    files: dict[str, str] = field(default_factory=default_files)
    last_modified: str = "Fri, 04 Dec 2026 06:00:00 GMT"
    #: request number (1-based) → (status, headers, body)
    faults: dict[int, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: FakeEpoch) -> type[JsonHandler]:
    class Handler(JsonHandler):
        content_type = "text/csv; charset=utf-8"

        def do_GET(self) -> None:
            with state.lock:
                state.paths.append(self.path)
                n = len(state.paths)
            if n in state.faults:
                status, headers, body = state.faults[n]
                self._send(status, body, headers)
                return
            path = self.path.split("?", 1)[0]
            name = path.removeprefix("/data/") if path.startswith("/data/") else None
            if name is None or name not in state.files:
                self._send(404, b"Not Found")
                return
            self._send(
                200, state.files[name].encode("utf-8"), {"Last-Modified": state.last_modified}
            )

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_POST(self) -> None:
            self._send(405, b"Method Not Allowed", {"Allow": "GET, HEAD"})

    return Handler


@contextmanager
def serve(state: FakeEpoch | None = None) -> Iterator[tuple[str, FakeEpoch]]:
    """Run the fake server; yields (endpoint ``http://127.0.0.1:PORT/data``, state)."""
    st = state or FakeEpoch()
    with LoopbackServer(_handler(st)) as server:
        yield f"{server.url}/data", st


def files_with(**overrides: str) -> Mapping[str, str]:
    """The default files with some replaced."""
    return {**default_files(), **overrides}


if __name__ == "__main__":  # pragma: no cover - `python -m tests.epoch.fakeepoch`
    import time

    with serve() as (url, _):
        print(f"EPOCH_ENDPOINT={url}", flush=True)
        while True:
            time.sleep(3600)
