"""Generated documentation: the command reference in ``README.md`` and the metric
catalogue in ``docs/methodology.md``, written from the code so that they cannot drift.

Each generated block sits between two markers in its file::

    <!-- BEGIN GENERATED commands: python -m openrace.cli.reference -->
    ...
    <!-- END GENERATED commands -->

``python -m openrace.cli.reference README.md docs/methodology.md`` (``make docs``)
rewrites the blocks the files hold; ``--check`` only says which are stale (a test runs it).

>>> "openrace status" in command_reference()
True
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BEGIN = "<!-- BEGIN GENERATED {name}: python -m openrace.cli.reference -->"
END = "<!-- END GENERATED {name} -->"


def _text(help_text: str) -> str:
    """Help text as Markdown prose: one line, no raw HTML."""
    return " ".join(help_text.split()).replace("<", "&lt;").replace(">", "&gt;")


def _commands() -> Iterator[tuple[str, Any, Any]]:
    import typer
    from typer._click.core import Context

    from openrace.cli import app

    root = typer.main.get_command(app)

    def walk(cmd: Any, ctx: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
        if hasattr(cmd, "list_commands"):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None and not getattr(sub, "hidden", False):
                    yield from walk(sub, Context(sub, info_name=name, parent=ctx), f"{path} {name}")
        else:
            yield path, cmd, ctx

    yield from walk(root, Context(root, info_name="openrace"), "openrace")


def command_reference() -> str:
    """Every command of the ``openrace`` CLI with its usage, first help line and options
    (with their defaults), sorted by command, as Markdown."""
    lines = []
    for path, cmd, ctx in sorted(_commands(), key=lambda c: c[0]):
        usage = " ".join(cmd.collect_usage_pieces(ctx))
        summary = _text((cmd.help or "").strip().split("\n\n")[0])
        lines.append(f"- `{path} {usage}` — {summary}")
        for param in cmd.params:
            record = param.get_help_record(ctx)
            if record is None:
                continue
            opts, help_text = record
            lines.append(f"  - `{opts}`" + (f": {_text(help_text)}" if help_text else ""))
    return "\n".join(lines) + "\n"


def metric_reference() -> str:
    """Every metric of the catalogue: name, title, definition, unit, source, groupings,
    periods, options with their choices and defaults, and caveats, as Markdown."""
    from openrace.metrics.catalogue import load_catalogue, metric_modules

    modules = list(metric_modules())

    def place(m: Any) -> tuple[int, int]:
        # the catalogue's order depends on which module was imported first; the document
        # follows the modules' order and each module's order of definition
        module = m.build.__module__
        rank = modules.index(module) if module in modules else len(modules)
        return rank, m.build.__code__.co_firstlineno

    out = []
    for m in sorted(load_catalogue(), key=place):
        d = m.describe()
        out.append(f"### `{d['name']}` — {d['title']}\n")
        out.append(f"{_text(d['description'])}\n")
        dims = f"; extra columns: {', '.join(d['dims'])}" if d["dims"] else ""
        out.append(
            f"Unit: {d['unit']}; source: {d['source']}; by: {', '.join(d['by'])}; "
            f"periods: {', '.join(d['periods'])}{dims}.\n"
        )
        for o in d["options"]:
            choices = " | ".join(o["choices"])
            out.append(
                f"- option `{o['name']}` ({choices}; default `{o['default']}`): {_text(o['help'])}"
            )
        for c in d["caveats"]:
            out.append(f"- caveat: {_text(c)}")
        if d["options"] or d["caveats"]:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


BLOCKS: dict[str, Callable[[], str]] = {
    "commands": command_reference,
    "metrics": metric_reference,
}


def refresh(text: str) -> str:
    """``text`` with every generated block it holds rewritten from the code."""
    for name, render in BLOCKS.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), re.DOTALL)
        if pattern.search(text):
            body = render()
            text = pattern.sub(lambda _m, b=begin, e=end, s=body: f"{b}\n{s}{e}", text)
    return text


def blocks_in(text: str) -> list[str]:
    """Names of the generated blocks ``text`` holds."""
    return [n for n in BLOCKS if BEGIN.format(name=n) in text]


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check``, check) the generated blocks of the files named."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    stale = []
    for name in (a for a in args if a != "--check"):
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        new = refresh(text)
        if new != text:
            stale.append(name)
            if not check:
                path.write_text(new, encoding="utf-8")
    for name in stale:
        print(f"{name}: generated block(s) {'stale' if check else 'rewritten'}")
    return 1 if check and stale else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
