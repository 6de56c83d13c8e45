"""Harvested text cannot drive the terminal (issue 16, item 2): control characters are
shown as escapes in every terminal output and kept intact in the store, in files and in
pipes."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from openrace.cli import main
from openrace.cli.common import terminal_text
from openrace.store import Store

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
CSI = "\x9b2J"
RLO = "\u202e"
HOSTILE = f"Evil{CLEAR} paper{TITLE}{CSI}{RLO}txt.exe\rX"
RAW = (CLEAR, "\x1b]0;", "\x9b", RLO, "\r")


def _hostile_store(path: Path) -> Path:
    now = datetime(2025, 1, 1)
    with Store(path) as s:
        common = {"first_seen": now, "last_seen": now, "created": now}
        s.upsert(
            "artifacts",
            [
                {
                    "artifact_id": "openalex:work:W1",
                    "source": "openalex",
                    "kind": "work",
                    "source_id": "W1",
                    "title": HOSTILE,
                    **common,
                },
                {
                    "artifact_id": "hf:dataset:evil/ds",
                    "source": "hf",
                    "kind": "dataset",
                    "source_id": f"evil/ds{CLEAR}",
                    "license": "mit",
                    "license_class": "osi",
                    "detail": {"tasks": [f"task{TITLE}"], "modalities": [], "card_completeness": 1},
                    **common,
                },
            ],
            ["artifact_id"],
        )
    return path


def _in_a_terminal(args: list[str], store: Path) -> tuple[int, str]:
    """Run ``openrace ARGS`` with its standard output and error on a pseudo-terminal."""
    leader, follower = pty.openpty()
    env = {**os.environ, "OPENRACE_STORE": str(store), "COLUMNS": "400", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "openrace", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    # the terminal itself turns each newline into CR LF
    shown = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return proc.wait(timeout=60), shown


@pytest.mark.parametrize(
    "args",
    [
        ["papers"],
        ["papers", "-f", "csv"],
        ["papers", "-f", "json"],
        ["datasets"],
        ["datasets", "-f", "csv"],
        ["query", "SELECT title FROM artifacts"],
        ["query", "SELECT title FROM artifacts", "-f", "csv"],
        ["query", "SELECT title FROM artifacts", "-f", "json"],
        ["query", "SELECT title FROM artifacts WHERE title = 1"],  # an error line quoting it
    ],
)
def test_hostile_text_reaches_a_terminal_inert(tmp_path: Path, args: list[str]) -> None:
    store = _hostile_store(tmp_path / "s.duckdb")
    code, shown = _in_a_terminal(args, store)
    for raw in RAW:
        assert raw not in shown, (args, raw, shown)
    if args[0] == "papers":
        assert "\\x1b[2J" in shown or "\\u001b[2J" in shown
    if "json" in args:
        start = shown.index("[")
        json.loads(shown[start:])  # still valid JSON
    assert code in (0, 2)


def test_hostile_text_is_intact_in_pipes_and_in_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _hostile_store(tmp_path / "s.duckdb")
    assert main(["papers", "-f", "csv", "--store", str(store)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out, newline="")))
    assert rows[0]["title"] == HOSTILE
    assert main(["papers", "-f", "json", "--store", str(store)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["title"] == HOSTILE
    with Store(store, read_only=True) as s:
        assert s.dicts("SELECT title FROM artifacts WHERE source_id = 'W1'")[0]["title"] == HOSTILE


def test_terminal_text_escapes_controls_and_keeps_tabs_and_newlines() -> None:
    assert terminal_text(f"a{CLEAR}b") == "a\\x1b[2Jb"
    assert terminal_text("tab\tand\nnewline") == "tab\tand\nnewline"
    assert terminal_text("\x9b\x7f\r\u202e") == "\\x9b\\x7f\\x0d\\u202e"
    assert terminal_text("\x1b\x9b", json_escapes=True) == "\\u001b\\u009b"
    assert terminal_text("plain ünïcödé 中文") == "plain ünïcödé 中文"
