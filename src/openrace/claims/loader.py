"""Load a claims file (YAML); every problem is reported as ``file:line: message``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from openrace.claims.model import Claim
from openrace.errors import OpenraceError


class ClaimsFileError(OpenraceError):
    """A claims file is unreadable or invalid; ``problems`` lists each as file:line: msg."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the claims file:\n" + "\n".join(problems))


def bundled_claims_path() -> Path:
    """The claims file shipped with openrace."""
    return Path(str(resources.files("openrace.claims") / "claims.yaml"))


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping and of each of its keys."""


def _mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise yaml.constructor.ConstructorError(
            None, None, f"duplicate key(s) {', '.join(dupes)}", node.start_mark
        )
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    return _Located(
        mapping,
        node.start_mark.line + 1,
        {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)},
    )


class _Located(dict):  # type: ignore[type-arg]
    """A mapping that knows the line it starts on and the line of each key."""

    def __init__(self, data: dict[str, Any], line: int, lines: dict[str, int]):
        super().__init__(data)
        self.line = line
        self.lines = lines


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _line_of(item: _Located, loc: tuple[Any, ...]) -> int:
    """The line of the innermost mapping / key that ``loc`` (a pydantic error location)
    reaches."""
    node: Any = item
    line = item.line
    for part in loc:
        if isinstance(node, _Located):
            line = node.lines.get(str(part), node.line) if isinstance(part, str) else node.line
            node = node.get(part) if isinstance(part, str) else None
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, _Located):
                line = node.line
        else:
            break
    return line


def load_claims(path: Path | str | None = None) -> list[Claim]:
    """Load and validate a claims file (default: the bundled one).

    Raises :class:`ClaimsFileError` listing every problem as ``file:line: message``.
    """
    p = Path(path) if path is not None else bundled_claims_path()
    shown = str(p) if path is not None else "claims.yaml (bundled)"
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimsFileError(
            [
                f"{shown}:1: cannot read file: {exc.__class__.__name__}: "
                f"{getattr(exc, 'strerror', None) or exc}"
            ]
        ) from None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ClaimsFileError([f"{shown}:{line}: invalid YAML: {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise ClaimsFileError([f"{shown}:1: invalid YAML: {exc}"]) from None
    if isinstance(data, dict) and "claims" in data:
        data = data["claims"]
    if not isinstance(data, list):
        raise ClaimsFileError([f"{shown}:1: expected a list of claims"])
    problems: list[str] = []
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data):
        if not isinstance(item, _Located):
            problems.append(f"{shown}:?: claim {i + 1} is not a mapping")
            continue
        try:
            claim = Claim.model_validate(dict(item))
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    msg = "unknown field"
                elif err["type"] == "missing":
                    msg = "required field missing"
                where = ".".join(str(x) for x in loc)
                problems.append(
                    f"{shown}:{_line_of(item, loc)}: {where + ': ' if where else ''}{msg}"
                )
            continue
        if claim.id in seen:
            problems.append(
                f"{shown}:{item.line}: id {claim.id!r} already used on line {seen[claim.id]}"
            )
            continue
        seen[claim.id] = item.line
        claims.append(claim)
    if problems:
        raise ClaimsFileError(problems)
    return claims
