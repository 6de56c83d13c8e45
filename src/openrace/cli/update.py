"""The ``openrace update`` command group: one subcommand per source (``hf``,
``openalex``, ``github``, ``benchmarks``, ``epoch``).

Each source's CLI module (named by its :class:`~openrace.sources.SourceSpec`) defines
``update``; importing this module imports them all and adds each ``update`` here under
its spec's name.
"""

from __future__ import annotations

from importlib import import_module

import typer

from openrace.cli.root import app
from openrace.sources import SPECS

update_app = typer.Typer(
    help="Harvest a source into the store (incremental and resumable).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(update_app, name="update")

for _spec in SPECS:
    if _spec.cli is not None:
        update_app.command(_spec.name)(import_module(f"openrace.cli.{_spec.cli}").update)
