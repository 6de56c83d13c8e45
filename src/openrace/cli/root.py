"""The root ``openrace`` Typer app, on which each CLI module registers its commands.

It is bare here: :mod:`openrace.cli` imports the command modules, all of them for
``openrace.cli.app`` and help, only as many as a command line needs for ``main``.
"""

from __future__ import annotations

import typer

from openrace import __version__

app = typer.Typer(
    name="openrace",
    help="Measure the open-AI race between countries and organisations from public data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help (as click prints it): Rich's help renderer imports Markdown and
    # traceback support, a third of `openrace --help`'s time
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"openrace {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Measure the open-AI race between countries and organisations from public data."""
