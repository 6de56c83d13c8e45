"""openrace: measure the open-AI race between countries and organisations from public data."""

from __future__ import annotations

__version__ = "0.1.0"
