"""Language identification for labels (a TMX's `xml:lang`): py3langid's naive Bayes model of 139 languages, offline.

A label is only given when the model is sure of it; otherwise the user is asked for it, never told a wrong one.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from align.errors import InputError

MIN_PROBABILITY = 0.95  # below this the language is not told: a few short lines are often below it
SAMPLE_CHARACTERS = 20_000  # the beginning of a text is enough to tell its language
NOT_A_LANGUAGE = frozenset({"zxx", "und"})  # no linguistic content (figures, markup), undetermined


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def release_identifier() -> None:
    """Let go of the language identifier's model (75 MB) once a command needs it no more."""
    _identifier.cache_clear()


def identify(text: str) -> tuple[str, float]:
    """The most probable language of `text` (an ISO 639-1 code where one exists, else ISO 639-3) and its
    probability."""
    language, probability = _identifier().classify(text[:SAMPLE_CHARACTERS])
    return language, probability


def language_label(texts: Iterable[str], given: str | None, where: str, option: str) -> str:
    """`given` if there is one, else the language of `texts` when the model is sure of it; an InputError (exit 2)
    asking for `option` when it is not."""
    if given:
        return given
    language, probability = identify("\n".join(texts))
    if probability < MIN_PROBABILITY or language in NOT_A_LANGUAGE:
        raise InputError(
            where,
            f"its language cannot be told for sure (most likely '{language}', probability {probability:.2f})",
            f"give it with {option}",
        )
    return language
