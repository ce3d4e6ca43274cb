"""Comparison of source and target: the findings of one sentence pair (`compare_pair`) or of two aligned
documents bead by bead (`compare_beads`), from the figure matching (`align.figure_matching`) and the claim
matching (`align.claim_matching`) of each bead."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from align.beads import Bead
from align.claim_matching import compare_claims
from align.claims import Claim, extract_claims
from align.figure_matching import compare_figures, link_strength, moved
from align.figures import Figure, extract
from align.findings import Finding, Side
from align.qa import Glossary, check_aligned, check_pair
from align.segment import Segment
from align.spans import Span, text_and_start

if TYPE_CHECKING:
    from align.bilingual import Placeholder


def read_side(
    text: str,
    language: str,
    offset: int = 0,
    protected: tuple[tuple[int, int], ...] = (),
    segment: int = 0,
    claims: bool = True,
) -> Side:
    """Figures and claims of one text (a sentence or the joined sentences of one bead side); without `claims`
    the claims are left unread (an empty `Claim`), which halves the cost of a figures-only check."""
    found = extract_claims(text, language, offset, segment) if claims else Claim(language, segment=segment)
    return Side(text, extract(text, language, protected, offset, segment), found)


def compare_pair(
    source: str,
    target: str,
    src_lang: str = "de",
    tgt_lang: str = "en",
    bead: int = 0,
    severities: Mapping[str, str] | None = None,
    claims: bool = True,
    *,
    qa: bool = True,
    glossary: Glossary | None = None,
    placeholders: Iterable[Placeholder] = (),
) -> tuple[Finding, ...]:
    """Every finding for one independent sentence pair; with `qa`, the standard QA checks too (`align.qa`: empty
    and untranslated target, the inline tags of `placeholders`, the terms of `glossary`)."""
    src, tgt = read_side(source, src_lang, claims=claims), read_side(target, tgt_lang, claims=claims)
    findings = compare_figures(src.figures, tgt.figures, bead, src_lang, tgt_lang, severities, source, target)
    if claims:
        findings += compare_claims(src, tgt, bead, severities)
    if qa:
        findings += check_pair(source, target, src_lang, tgt_lang, bead, severities, glossary, placeholders)
    return tuple(findings)


def _bead_side(segments: Sequence[Span | str], indices: Sequence[int], language: str, claims: bool = True) -> Side:
    """The figures and claims of one side of a bead: its sentences (spans, or plain strings at offset 0) read
    one by one, with their offsets, and the claims merged."""
    figures: list[Figure] = []
    texts = []
    found: list[Claim] = []
    for i in indices:
        seg = segments[i]
        text, offset = text_and_start(seg)
        protected = seg.protected if isinstance(seg, Segment) else ()
        figures += extract(text, language, protected, offset, i)
        if claims:
            found.append(extract_claims(text, language, offset, i))
        texts.append(text)
    merged = Claim(
        language,
        names=tuple(c for claim in found for c in claim.names),
        negations=tuple(c for claim in found for c in claim.negations),
        hedges=tuple(c for claim in found for c in claim.hedges),
        quotes=tuple(c for claim in found for c in claim.quotes),
        attributions=tuple(c for claim in found for c in claim.attributions),
        segment=indices[0] if indices else 0,
    )
    return Side(" ".join(texts), tuple(figures), merged)


def _lazy_strength(
    word_links: Callable[[int], Any], number: int, src_figures: Sequence[Figure], tgt_figures: Sequence[Figure]
) -> Callable[[Figure, Figure], int]:
    """`link_strength` of bead `number`, with its word alignment asked for at the first call, not before."""

    @cache
    def strength() -> Callable[[Figure, Figure], int] | None:
        alignment = word_links(number)
        return None if alignment is None else link_strength(alignment, src_figures, tgt_figures)

    def linked(s: Figure, t: Figure) -> int:
        measure = strength()
        return 0 if measure is None else measure(s, t)

    return linked


def compare_beads(
    src_segments: Sequence[Span | str],
    tgt_segments: Sequence[Span | str],
    beads: Sequence[Bead],
    src_lang: str = "de",
    tgt_lang: str = "en",
    severities: Mapping[str, str] | None = None,
    claims: bool = True,
    word_links: Callable[[int], Any] | None = None,
    *,
    qa: bool = True,
    glossary: Glossary | None = None,
) -> tuple[Finding, ...]:
    """Findings for aligned documents: the sentences of each side (`Segment`s, spans, or plain strings) and the
    beads that align them.

    `word_links(number)`, the word alignment of a bead (None where there is none), decides which changed figure
    is which; it is asked only for the beads where that is open (more than one candidate figure on a side).
    With `qa`, the standard QA checks that apply to documents too (`align.qa.check_aligned`: untranslated
    sentences, the terms of `glossary`, inconsistent translations across beads).
    """
    findings: list[Finding] = []
    for number, bead in enumerate(beads):
        src_idx, tgt_idx = bead.source, bead.target
        src = _bead_side(src_segments, src_idx, src_lang, claims)
        tgt = _bead_side(tgt_segments, tgt_idx, tgt_lang, claims)
        linked = None if word_links is None else _lazy_strength(word_links, number, src.figures, tgt.figures)
        findings += compare_figures(
            src.figures, tgt.figures, number, src_lang, tgt_lang, severities, src.text, tgt.text, linked
        )
        if claims and src_idx and tgt_idx:
            findings += compare_claims(src, tgt, number, severities)
    findings = moved(findings)
    if qa:
        findings += check_aligned(src_segments, tgt_segments, beads, src_lang, tgt_lang, severities, glossary)
    return tuple(findings)
