"""Docs that run: the README's Python blocks are executed, its command reference and the
methodology's metric catalogue are generated from the code and must be current, and every
metric is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openrace.cli.reference import BLOCKS, blocks_in, main, refresh
from openrace.metrics.catalogue import load_catalogue
from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
METHODOLOGY = REPO_ROOT / "docs" / "methodology.md"


def code_blocks(text: str, language: str) -> list[str]:
    """The fenced code blocks of ``language`` in a Markdown text."""
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.DOTALL | re.MULTILINE)


def test_readme_python_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = code_blocks(README.read_text(encoding="utf-8"), "python")
    assert blocks, "the README has no Python example"
    monkeypatch.chdir(tmp_path)  # the example writes report/ in the current folder
    for block in blocks:
        exec(compile(block, str(README), "exec"), {"__name__": "readme"})
    assert (tmp_path / "report" / "index.html").is_file()


@pytest.mark.parametrize("path", [README, METHODOLOGY], ids=lambda p: p.name)
def test_generated_blocks_are_current(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert blocks_in(text), f"{path.name} holds no generated block"
    assert refresh(text) == text, (
        f"{path.name} is stale: run `make docs` (python -m openrace.cli.reference "
        "README.md docs/methodology.md)"
    )


def test_every_generated_block_has_a_home() -> None:
    held = blocks_in(README.read_text(encoding="utf-8")) + blocks_in(
        METHODOLOGY.read_text(encoding="utf-8")
    )
    assert sorted(held) == sorted(BLOCKS)


def test_every_metric_is_in_the_methodology() -> None:
    text = METHODOLOGY.read_text(encoding="utf-8")
    for name in load_catalogue().names():
        assert f"### `{name}`" in text, f"metric {name} is not in docs/methodology.md"


def test_reference_check_and_rewrite(tmp_path: Path) -> None:
    stale = tmp_path / "doc.md"
    stale.write_text(
        "intro\n<!-- BEGIN GENERATED commands: python -m openrace.cli.reference "
        "-->\nold\n<!-- END GENERATED commands -->\nend\n",
        encoding="utf-8",
    )
    before = stale.read_text(encoding="utf-8")
    assert main(["--check", str(stale)]) == 1
    assert stale.read_text(encoding="utf-8") == before  # --check writes nothing
    assert main([str(stale)]) == 0
    text = stale.read_text(encoding="utf-8")
    assert "- `openrace status [OPTIONS]`" in text and text.endswith("end\n")
    assert main(["--check", str(stale)]) == 0
