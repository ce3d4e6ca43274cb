"""The two kinds of failure a user can fix, each with its exit code.

Library functions raise these; the CLI prints their message as one line and exits
with their code. The message always names the file (or input) and what to do.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input or usage: exit code 2."""

    exit_code = 2

    def __init__(self, where: object, problem: str, fix: str) -> None:
        self.where = str(where)
        self.problem = problem
        self.fix = fix
        super().__init__(f"{self.where}: {problem}; {fix}")


class ModelMissingError(Exception):
    """A model the command needs is not on this machine: exit code 3."""

    exit_code = 3

    def __init__(self, name: str, how_to_get: str) -> None:
        self.name = name
        self.how_to_get = how_to_get
        super().__init__(f"model '{name}' is not available here; {how_to_get}")
