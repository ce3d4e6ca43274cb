"""The two kinds of failure a user can fix, each with its exit code.

Library functions raise these; the CLI prints their message as one line and exits
with their code. The message always names the file (or input) and what to do. A package the command needs
and the base install leaves out (torch, transformers: `pip install "align[full]"`) is a missing model too (exit 3).
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


FULL_INSTALL = 'pip install "align[full]"'
# Packages `pip install align` (the checker: figures, claims, segmentation, sentence alignment on ONNX Runtime)
# leaves out; the extras of pyproject.toml bring them, `align[full]` all of them.
OPTIONAL_PACKAGES = ("torch", "transformers", "scipy", "sacrebleu", "datasets")
WORD_ALIGNMENT = ("onnx", "onnxruntime")  # word alignment with the embedded encoder (part of the base install)
TRANSFORMERS_ENCODER = ("torch", "transformers")  # word alignment or embeddings with any other encoder


class DependencyMissingError(ModelMissingError):
    """A package the command needs is not installed (the base install leaves torch and transformers out): exit 3."""

    def __init__(self, package: str, needed_for: str, alternative: str = "") -> None:
        self.name = package
        self.how_to_get = f"install the full toolkit with `{FULL_INSTALL}`" + (
            f" ({alternative})" if alternative else ""
        )
        Exception.__init__(
            self,
            f"{needed_for} needs {package}, which is not installed (the base install is the checker alone); "
            f"{self.how_to_get}",
        )


def installed(*packages: str) -> bool:
    """Every package can be imported (found, not imported: finding torch costs nothing, importing it seconds)."""
    import importlib.util

    for package in packages:
        try:
            if importlib.util.find_spec(package) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True


def require(packages: tuple[str, ...], needed_for: str, alternative: str = "") -> None:
    """Raise DependencyMissingError for the first of `packages` that is not installed."""
    for package in packages:
        if not installed(package):
            raise DependencyMissingError(package, needed_for, alternative)


def missing_package(error: BaseException) -> str | None:
    """The optional package (OPTIONAL_PACKAGES) whose absence `error` reports, else None."""
    name = (getattr(error, "name", None) or "").split(".")[0] if isinstance(error, ImportError) else ""
    return name if name in OPTIONAL_PACKAGES else None
