"""One token-budget batcher for every model call (translation, sentence embeddings, word embeddings)."""

from __future__ import annotations

from collections.abc import Sequence


def batches(lengths: Sequence[int], budget: int, *, overhead: int = 0) -> list[list[int]]:
    """The indices of `lengths` sorted by length and cut into batches whose padded size, rows × (longest length
    + `overhead` special tokens), stays within `budget`; a row longer than the budget gets a batch of its own.
    Sorting keeps padding small; the order of the rows never changes what a model computes for each."""
    groups: list[list[int]] = []
    current: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if current and (len(current) + 1) * (lengths[i] + overhead) > budget:
            groups.append(current)
            current = []
        current.append(i)
    return [*groups, current] if current else groups
