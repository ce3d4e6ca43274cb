"""Beads: the one shape of a sentence alignment. A bead names the sentences of the source and of the target
(either side may be empty) that translate each other, with the aligner's score; `[0]:[0, 1]` is its text form,
as align, Bertalign and Vecalign write it. Every reader of beads (`align check --beads`, `align words --beads`,
`align evaluate sentences`, the cache) goes through `parse_beads` and `check_beads`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from align.errors import InputError

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_BEAD_LINE = re.compile(rf"\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*(?::\s*({_NUMBER})\s*)?")
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # a line with its end, as Python's text files read it
_MAX_DIGITS = 9  # a sentence index longer than this names no sentence of any document


@dataclass(frozen=True)
class Bead:
    """Source and target sentence indices (either may be empty) and the bead's similarity score."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float


def format_bead(bead: Bead) -> str:
    """Vecalign/Bertalign form: `[0]:[0, 1]`, `[]:[5]`."""
    return f"[{', '.join(map(str, bead.source))}]:[{', '.join(map(str, bead.target))}]"


def format_beads(beads: Sequence[Bead]) -> str:
    return "".join(format_bead(b) + "\n" for b in beads)


def text_lines(text: str) -> list[str]:
    """The lines of `text` as Python's text files (and so Vecalign and Bertalign) read them: ended by LF, CRLF or
    CR, a last line without its line end counted too."""
    return [m.group().rstrip("\r\n") for m in LINE.finditer(text)]


def parse_beads(text: str, where: str = "<beads>") -> tuple[Bead, ...]:
    """Beads written as `[0]:[0, 1]`, one per line, as align, Bertalign and Vecalign write them (Vecalign's
    `[0]:[0, 1]:0.123456` with its score, which becomes the bead's; 0.0 without one); blank lines ignored."""
    out = []
    for number, line in enumerate(text_lines(text), 1):
        if not line.strip():
            continue
        match = _BEAD_LINE.fullmatch(line)
        if not match:
            raise InputError(f"{where}:{number}", f"not a bead: {line.strip()[:40]!r}", "write beads as [0]:[0, 1]")
        sides = [part.replace(",", " ").split() for part in match.groups()[:2]]
        if any(len(x) > _MAX_DIGITS for side in sides for x in side):
            raise InputError(f"{where}:{number}", "names a sentence index too large", "write beads as [0]:[0, 1]")
        source, target = (tuple(int(x) for x in side) for side in sides)
        out.append(Bead(source, target, float(match.group(3) or 0.0)))
    return tuple(out)


def check_beads(beads: Sequence[Bead], n_source: int, n_target: int, where: str = "<beads>") -> tuple[Bead, ...]:
    """`beads` when every sentence they name exists (`n_source` and `n_target` sentences); InputError naming the
    first bead that names one beyond them."""
    for number, bead in enumerate(beads, 1):
        for side, count, name in ((bead.source, n_source, "source"), (bead.target, n_target, "target")):
            if any(not 0 <= i < count for i in side):
                raise InputError(
                    f"{where}: bead {number}",
                    f"{name} sentence {max(side)} does not exist ({name} has {count} sentences)",
                    "give the beads file made by `align sentences` for these two documents",
                )
    return tuple(beads)
