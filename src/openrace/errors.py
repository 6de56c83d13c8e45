"""The exception hierarchy. The CLI maps each to one clear line and a non-zero exit."""

from __future__ import annotations


class OpenraceError(Exception):
    """Base class of every error openrace raises on purpose."""

    exit_code = 1


class StoreBusyError(OpenraceError):
    """Another process holds the store for writing."""

    exit_code = 3


class StoreError(OpenraceError):
    """The store file cannot be opened or is not an openrace store."""

    exit_code = 3


class RegistryError(OpenraceError):
    """The bundled or user registry files are invalid; ``problems`` lists each one."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the registry:\n" + "\n".join(problems))


class UsageError(OpenraceError):
    """A wrong flag or argument value."""

    exit_code = 2


class QueryError(OpenraceError):
    """A user query failed or tried to write."""

    exit_code = 2


class SourceError(OpenraceError):
    """A data source failed: unreachable, refused, or answered nonsense."""

    exit_code = 4


class SourceUnreachableError(SourceError):
    """The source's server could not be reached."""


class AuthenticationError(SourceError):
    """The token was refused."""


class RateLimitExhaustedError(SourceError):
    """The source kept answering 429 / the daily allowance is spent; re-run later to resume."""
