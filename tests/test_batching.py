"""The one token-budget batcher: every index once, each batch within its budget, short rows together."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from align.batching import batches


def test_batches_group_similar_lengths_within_the_budget() -> None:
    lengths = [5, 40, 7, 12, 40, 3]
    assert batches(lengths, 48) == [[5, 0, 2, 3], [1], [4]]


def test_special_tokens_count_against_the_budget() -> None:
    assert batches([10, 10, 10], 30) == [[0, 1, 2]]
    assert batches([10, 10, 10], 30, overhead=2) == [[0, 1], [2]]


@given(st.lists(st.integers(min_value=0, max_value=600), max_size=60), st.integers(min_value=1, max_value=4096))
def test_every_index_once_and_batches_within_budget(lengths: list[int], budget: int) -> None:
    groups = batches(lengths, budget, overhead=2)
    assert sorted(i for group in groups for i in group) == list(range(len(lengths)))
    for group in groups:
        assert len(group) == 1 or len(group) * (max(lengths[i] for i in group) + 2) <= budget
