"""The ``openrace`` command line: a thin Typer layer over the library.

Each command builds the core object and calls one method; errors from
:mod:`openrace.errors` become one clear line on stderr and a non-zero exit.
Command groups live in sibling modules, which register on the root app
(:mod:`openrace.cli.root`) when imported: ``openrace.cli.app`` imports them all, ``main``
only those a command line needs.
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import typer

from openrace.cli.root import app as _app
from openrace.errors import OpenraceError


def _modules() -> Iterator[str]:
    """The command modules in the order their commands are listed: the store-wide
    commands, one module per source (from its spec), the ``update`` group (which
    imports every source's module), then metrics, claims, the report and status."""
    from openrace.sources import SPECS

    yield "core"
    yield from (s.cli for s in SPECS if s.cli is not None)
    yield from ("update", "metrics", "report", "status")


def _load(until: str | None = None) -> tuple[list[Any], list[Any]]:
    """Import the command modules in order, until one registers command or group
    ``until`` (all of them when it is None); the commands and groups found under
    ``until`` (empty when none). Each load is a prefix of :func:`_modules`, so the
    commands are always listed in one order."""
    for module in _modules():
        import_module(f"{__name__}.{module}")
        if until is not None:
            found = _registered(until)
            if any(found):
                return found
    return [], []


def _registered(name: str) -> tuple[list[Any], list[Any]]:
    """The commands and the groups registered so far under ``name``."""
    from typer.main import get_command_name

    commands = [c for c in _app.registered_commands
                if c.callback is not None
                and (c.name or get_command_name(c.callback.__name__)) == name]
    return commands, [g for g in _app.registered_groups if g.name == name]


def whole() -> typer.Typer:
    """The app with every command registered (``openrace.cli.app``)."""
    _load()
    return _app


def __getattr__(name: str) -> Any:
    if name == "app":
        return whole()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def only(name: str) -> typer.Typer | None:
    """The app holding only its command or command group ``name`` (with the root
    options), or None when it has no such command. Only the modules up to the one
    registering ``name`` are imported (the listings are in the first, which spares a
    listing the sources' modules), and Typer builds a click command from the signature
    of the one command alone (about 20 ms for all of openrace's). Help, unknown commands
    and anything else go to the whole ``app``."""
    commands, groups = _load(until=name)
    if not commands and not groups:
        return None
    one = copy.copy(_app)
    one.registered_commands = commands
    one.registered_groups = groups
    return one


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    from openrace.cli.common import error_line

    args = list(sys.argv[1:] if argv is None else argv)
    target = only(args[0]) if args and not args[0].startswith("-") else None
    try:
        (target or whole())(args=args, standalone_mode=False)
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
        if type(exc).__name__ == "NoArgsIsHelpError":  # `openrace`, `openrace update`
            print(exc.format_message(), file=sys.stderr)  # the help, not an error line
            return 2
        format_message = getattr(exc, "format_message", None)
        message = format_message() if format_message else str(exc)
        error_line(f"{message} (see --help)")
        return int(getattr(exc, "exit_code", 2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
