"""The Rich console every printed string passes through, made inert for a terminal.

Kept apart from :mod:`openrace.cli.common`, which holds the consoles as
:class:`~openrace.cli.common.LazyConsole`: Rich takes about 50 ms to import, and a listing
printed to a pipe or a file (plain text, CSV, JSON) never needs it.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console

from openrace.cli.common import terminal_text


class TerminalConsole(Console):
    """A Rich console through which every string printed (plain, in a table cell, a tree
    label, ...) passes :func:`~openrace.cli.common.terminal_text` before Rich adds its own
    styling."""

    def render_str(self, text: str, **kwargs: Any) -> Any:  # type: ignore[override]
        """Rich's rendering of ``text``, once made inert."""
        return super().render_str(terminal_text(text), **kwargs)
