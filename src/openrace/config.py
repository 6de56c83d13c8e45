"""Environment and paths, read in one place.

Every environment variable openrace understands is read here and nowhere else, so that
what configures a run is visible in one file (as ``huggingface_hub.constants`` does).
Secrets are kept out of ``repr`` so they cannot leak into logs or reports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "openrace"
STORE_FILENAME = "openrace.duckdb"


def default_store_path() -> Path:
    """The store used when neither ``--store`` nor ``OPENRACE_STORE`` is given."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / STORE_FILENAME


def cache_dir(env: dict[str, str] | None = None) -> Path:
    """Where openrace keeps what it can always rebuild (the SQL metrics compile to):
    ``OPENRACE_CACHE_DIR``, else the user's cache folder."""
    e = os.environ if env is None else env
    given = e.get("OPENRACE_CACHE_DIR")
    if given:
        return Path(given).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Settings:
    """A snapshot of the environment taken once per process (or per test)."""

    store_path: Path
    hf_endpoint: str
    hf_token: str | None = field(default=None, repr=False)
    openalex_endpoint: str = "https://api.openalex.org"
    openalex_api_key: str | None = field(default=None, repr=False)
    openalex_email: str | None = None
    github_token: str | None = field(default=None, repr=False)
    github_endpoint: str = "https://api.github.com"
    #: Epoch AI's benchmark bundle (a zip of CSVs)
    epoch_benchmarks_url: str = "https://epoch.ai/data/benchmark_data.zip"
    #: the Hub serving the Arena leaderboard dataset (lmarena-ai/leaderboard-dataset)
    arena_endpoint: str = "https://huggingface.co"
    epoch_endpoint: str = "https://epoch.ai/data"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default: ``os.environ``)."""
        e = os.environ if env is None else env
        store = e.get("OPENRACE_STORE")
        return cls(
            store_path=Path(store).expanduser() if store else default_store_path(),
            hf_endpoint=e.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/"),
            hf_token=e.get("HF_TOKEN") or None,
            openalex_endpoint=e.get("OPENALEX_ENDPOINT", "https://api.openalex.org").rstrip("/"),
            openalex_api_key=e.get("OPENALEX_API_KEY") or None,
            openalex_email=e.get("OPENALEX_EMAIL") or None,
            github_token=e.get("GITHUB_TOKEN") or None,
            github_endpoint=(e.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
            epoch_benchmarks_url=e.get(
                "EPOCH_BENCHMARKS_URL", "https://epoch.ai/data/benchmark_data.zip"
            ).strip(),
            arena_endpoint=e.get("ARENA_ENDPOINT", "https://huggingface.co").rstrip("/"),
            epoch_endpoint=e.get("EPOCH_ENDPOINT", "https://epoch.ai/data").rstrip("/"),
        )

    def secrets(self) -> list[str]:
        """The secret values in force, for redaction."""
        return [s for s in (self.hf_token, self.openalex_api_key, self.github_token) if s]


def redact(text: str, secrets: list[str]) -> str:
    """Replace every secret in ``text`` by ``***``."""
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text
