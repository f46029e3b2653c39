"""One kind of error for bad input: it names the file, the line and the column."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class IngestError(Exception):
    """Bad input. Raised before anything is written; ``problems`` lists what was found, first one first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def at(cls, file: str, line: int, column: int, message: str) -> "IngestError":
        return cls([Problem(file, line, column, message)])
