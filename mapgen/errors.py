"""The project's one error type: every problem in the zone data, with its place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Mark:
    """A place in a zone file; line and column count from 1."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, order=True)
class Problem:
    mark: Mark
    message: str

    def __str__(self) -> str:
        return f"{self.mark}: {self.message}"


class ZoneDataError(ValueError):
    """The zone data is wrong; ``problems`` lists every finding, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ValueError):
    """The command was called wrongly (bad option, missing directory, bad date)."""


class GeodataError(ValueError):
    """A geodata extract is damaged (truncated, empty, or not what mapgen wrote)."""


class BoundaryError(ValueError):
    """A user's boundary file cannot stand in for the governorates; ``problems``
    lists every reason, each a full sentence naming the file."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
