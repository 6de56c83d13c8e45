"""The ``openrace update`` command group: one subcommand per source (``hf``,
``openalex``, ``github``, ``benchmarks``, ``epoch``).

Each source's CLI module defines ``update``; :mod:`openrace.cli` adds it here under the
name of the source's :class:`~openrace.sources.SourceSpec`.
"""

from __future__ import annotations

import typer

from openrace.cli import app

update_app = typer.Typer(
    help="Harvest a source into the store (incremental and resumable).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(update_app, name="update")
