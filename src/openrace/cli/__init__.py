"""The ``openrace`` command line: a thin Typer layer over the library.

Each command builds the core object and calls one method; errors from
:mod:`openrace.errors` become one clear line on stderr and a non-zero exit.
Command groups live in sibling modules and are registered at the bottom of this file.
"""

from __future__ import annotations

import copy
import os
import sys

import typer

from openrace import __version__
from openrace.errors import OpenraceError

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


def only(name: str) -> typer.Typer | None:
    """``app`` holding only its command or command group ``name`` (with the root options),
    or None when it has no such command. Typer builds a click command from the signature
    of every registered function each time it runs (about 20 ms for all of openrace's, a
    tenth of a listing's time); a command line runs one. Help, unknown commands and
    anything else go to the whole ``app``."""
    from typer.main import get_command_name

    commands = [c for c in app.registered_commands
                if c.callback is not None
                and (c.name or get_command_name(c.callback.__name__)) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return None
    one = copy.copy(app)
    one.registered_commands = commands
    one.registered_groups = groups
    return one


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    from openrace.cli.common import error_line

    args = list(sys.argv[1:] if argv is None else argv)
    target = only(args[0]) if args and not args[0].startswith("-") else None
    try:
        (target or app)(args=args, standalone_mode=False)
    except OpenraceError as exc:
        error_line(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        error_line("interrupted; anything committed is kept and the next run resumes")
        return 130
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        error_line("aborted")
        return 1
    except BrokenPipeError:  # `openrace ... | head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (Python flushes it at exit)
        return 1
    except OSError as exc:  # a file or folder named on the command line
        where = f"{exc.filename}: " if exc.filename else ""
        error_line(f"{where}{exc.strerror or exc}")
        return 1
    except RecursionError:
        error_line("input nested too deeply")
        return 1
    except typer.TyperException as exc:  # wrong flags and values (Typer's vendored click)
        format_message = getattr(exc, "format_message", None)
        message = format_message() if format_message else str(exc)
        error_line(f"{message} (see --help)")
        return int(getattr(exc, "exit_code", 2))
    return 0


def _register_sources() -> None:
    """Import each source's CLI module (its commands register on `app`) and add its
    ``update`` function as ``openrace update <name>``: the spec's name is the command's."""
    from importlib import import_module

    from openrace.cli.update import update_app
    from openrace.sources import SPECS

    for spec in SPECS:
        if spec.cli is not None:
            module = import_module(f"{__name__}.{spec.cli}")
            update_app.command(spec.name)(module.update)


# Command groups register themselves on `app` when imported: the store-wide commands,
# then one module per source (from its spec), then metrics, claims and the report.
from openrace.cli import core as _core  # noqa: E402,F401

_register_sources()

from openrace.cli import metrics as _metrics  # noqa: E402,F401
from openrace.cli import report as _report  # noqa: E402,F401
from openrace.cli import status as _status  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
