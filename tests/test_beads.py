"""Beads: one reader for every `[0]:[0, 1]` file, one check that the sentences it names exist."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from align.beads import Bead, check_beads, format_beads, parse_beads
from align.errors import InputError


def test_beads_parse_with_vecalign_scores_and_refuse_out_of_range() -> None:
    beads = parse_beads("[0]:[0, 1]\n[1, 2]:[2]\n\n[]:[3]\n[3]:[]:0.25\n")
    assert beads == (
        Bead((0,), (0, 1), 0.0),
        Bead((1, 2), (2,), 0.0),
        Bead((), (3,), 0.0),
        Bead((3,), (), 0.25),
    )
    assert check_beads(beads, 4, 4) == beads
    with pytest.raises(InputError, match=r"b.txt: bead 1.*target sentence 7 does not exist \(target has 2"):
        check_beads(parse_beads("[0]:[7]\n", "b.txt"), 1, 2, "b.txt")


@pytest.mark.parametrize("line", ["[0]-[1]", "[0]:[1]:x", "[" + "9" * 12 + "]:[0]", "0:0"])
def test_what_is_not_a_bead_is_refused_with_its_line(line: str) -> None:
    with pytest.raises(InputError, match=r"pred\.beads:2"):
        parse_beads(f"[0]:[0]\n{line}\n", "pred.beads")


sides = st.lists(st.integers(min_value=0, max_value=10_000), max_size=4).map(tuple)


@given(st.lists(st.tuples(sides, sides), max_size=30))
def test_written_beads_read_back(pairs: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> None:
    beads = tuple(Bead(source, target, 0.0) for source, target in pairs)
    assert parse_beads(format_beads(beads)) == beads
