"""The field's metrics: strict/lax bead F1, AER/P/R/F1, BLEU/chrF/chrF++/TER, detection rates.

Metrics are plain functions over plain data; each returns a frozen dataclass that
prints as one line and serializes with `align.serialize.to_json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from align.beads import Bead
from align.errors import InputError

# ---------------------------------------------------------------------------------------------------------
# Word alignment: AER, precision, recall, F1 against sure (S) and possible (P) links, S ⊆ P.


@dataclass(frozen=True)
class WordAlignmentScores:
    """AER = 1 − (|A∩S| + |A∩P|) / (|A| + |S|); precision = |A∩P| / |A|; recall = |A∩S| / |S|."""

    aer: float
    precision: float
    recall: float
    f1: float
    pairs: int
    predicted: int
    sure: int
    possible: int

    def __str__(self) -> str:
        return (
            f"AER {self.aer:.4f}  P {self.precision:.4f}  R {self.recall:.4f}  F1 {self.f1:.4f}  "
            f"({self.pairs} pairs, {self.predicted} predicted, {self.sure} sure, {self.possible} possible links)"
        )


@dataclass(frozen=True)
class GoldLinks:
    """One sentence pair's gold links, 0-based; `possible` includes `sure`."""

    sure: frozenset[tuple[int, int]]
    possible: frozenset[tuple[int, int]]


def read_talp(text: str, one_based: bool = False, where: str = "<gold>") -> list[GoldLinks]:
    """Gold word alignments, one line per pair: `i-j` sure, `ipj` possible (talp format)."""
    shift = 1 if one_based else 0
    gold = []
    for number, line in enumerate(text.splitlines(), 1):
        sure, possible = set(), set()
        for item in line.split():
            m = re.fullmatch(r"(\d+)([-p])(\d+)", item)
            if m is None:
                raise InputError(f"{where}:{number}", f"'{item}' is not an i-j or ipj link", "fix the line")
            link = (int(m.group(1)) - shift, int(m.group(3)) - shift)
            if min(link) < 0:
                raise InputError(f"{where}:{number}", f"'{item}' has index 0", "drop --one-based for 0-based gold")
            possible.add(link)
            if m.group(2) == "-":
                sure.add(link)
        gold.append(GoldLinks(frozenset(sure), frozenset(possible)))
    return gold


def word_alignment_scores(
    gold: Sequence[GoldLinks], predicted: Sequence[Iterable[tuple[int, int]]]
) -> WordAlignmentScores:
    """The field's word-alignment metrics over a corpus (counts summed over all pairs, then divided)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold pairs but {len(predicted)} predicted")
    a_total = s_total = p_total = a_and_s = a_and_p = 0
    for g, links in zip(gold, predicted, strict=True):
        a = set(links)
        a_total += len(a)
        s_total += len(g.sure)
        p_total += len(g.possible)
        a_and_s += len(a & g.sure)
        a_and_p += len(a & g.possible)
    precision = a_and_p / a_total if a_total else 0.0
    recall = a_and_s / s_total if s_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    aer = 1.0 - (a_and_s + a_and_p) / (a_total + s_total) if a_total + s_total else 0.0
    return WordAlignmentScores(aer, precision, recall, f1, len(gold), a_total, s_total, p_total)


# ---------------------------------------------------------------------------------------------------------
# Translation: sacreBLEU's BLEU, chrF, chrF++ and TER with their signatures (the numbers papers and model cards quote).


@dataclass(frozen=True)
class TranslationScores:
    """Corpus BLEU, chrF, chrF++ and TER of line-aligned hypotheses against one or more references, computed by
    sacreBLEU; BLEU's n-gram precisions (1- to 4-grams, in %), brevity penalty and lengths as sacreBLEU reports them."""

    bleu: float
    chrf: float
    chrf_plus_plus: float
    ter: float
    bleu_precisions: tuple[float, ...]
    brevity_penalty: float
    hypothesis_length: int
    reference_length: int
    bleu_signature: str
    chrf_signature: str
    chrf_plus_plus_signature: str
    ter_signature: str
    sentences: int
    references: int

    def __str__(self) -> str:
        precisions = "/".join(f"{p:.1f}" for p in self.bleu_precisions)
        return (
            f"BLEU {self.bleu:.2f}  chrF {self.chrf:.2f}  chrF++ {self.chrf_plus_plus:.2f}  TER {self.ter:.2f}  "
            f"({self.sentences} sentences, {self.references} reference{'s' * (self.references != 1)})\n"
            f"BLEU {precisions} (BP = {self.brevity_penalty:.3f} hyp_len = {self.hypothesis_length} "
            f"ref_len = {self.reference_length})\n"
            f"BLEU signature: {self.bleu_signature}\nchrF signature: {self.chrf_signature}\n"
            f"chrF++ signature: {self.chrf_plus_plus_signature}\nTER signature: {self.ter_signature}"
        )


def translation_scores(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> TranslationScores:
    """sacreBLEU's defaults: BLEU (13a tokenizer, exp smoothing), chrF2, chrF2++ (word bigrams) and TER, over one
    or more reference streams (each one line per hypothesis), exactly as `sacrebleu REF... -i HYP -m bleu chrf ter`
    (and `--chrf-word-order 2`) computes them."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    for number, stream in enumerate(references, 1):
        if len(stream) != len(hypotheses):
            raise InputError(
                f"<reference {number}>",
                f"has {len(stream)} lines but the hypotheses have {len(hypotheses)}",
                "give one reference line per translation",
            )
    hyps, refs = list(hypotheses), [list(stream) for stream in references]
    bleu, chrf, chrf_pp, ter = BLEU(), CHRF(), CHRF(word_order=2), TER()
    bleu_score = bleu.corpus_score(hyps, refs)
    return TranslationScores(
        bleu=bleu_score.score,
        chrf=chrf.corpus_score(hyps, refs).score,
        chrf_plus_plus=chrf_pp.corpus_score(hyps, refs).score,
        ter=ter.corpus_score(hyps, refs).score,
        bleu_precisions=tuple(bleu_score.precisions),
        brevity_penalty=bleu_score.bp,
        hypothesis_length=bleu_score.sys_len,
        reference_length=bleu_score.ref_len,
        bleu_signature=str(bleu.get_signature()),
        chrf_signature=str(chrf.get_signature()),
        chrf_plus_plus_signature=str(chrf_pp.get_signature()),
        ter_signature=str(ter.get_signature()),
        sentences=len(hyps),
        references=len(refs),
    )


# ---------------------------------------------------------------------------------------------------------
# Sentence alignment: strict and lax precision/recall/F1 exactly as Vecalign's score.py defines them.

BeadPair = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class BeadTypeScore:
    """The strict F1 of one bead type ("1-1", "0-1", ...) and how many gold and predicted beads are of that type."""

    type: str
    f1: float
    gold: int
    predicted: int


@dataclass(frozen=True)
class SentenceAlignmentScores:
    """Strict: a bead counts only if it equals a gold bead; lax: if it overlaps a gold bead on both sides.

    Precision is over all predicted beads; recall over the gold beads that are not insertions/deletions,
    matched against the predicted beads that are not (Vecalign's score.py). `by_type` holds the strict F1
    per bead type ("1-1", "0-1", ...), precision over predicted beads of that type, recall over gold ones.
    """

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float
    by_type: tuple[BeadTypeScore, ...]
    documents: int

    def __str__(self) -> str:
        types = "  ".join(f"{t.type} {t.f1:.3f} ({t.gold}/{t.predicted})" for t in self.by_type)
        return (
            f"strict P {self.precision_strict:.4f} R {self.recall_strict:.4f} F1 {self.f1_strict:.4f}  "
            f"lax P {self.precision_lax:.4f} R {self.recall_lax:.4f} F1 {self.f1_lax:.4f}  "
            f"by type (F1, gold/predicted): {types}" + (f"  ({self.documents} documents)" if self.documents > 1 else "")
        )


def _bead_counts(gold: Iterable[BeadPair], test: Iterable[BeadPair]) -> tuple[int, int, int, int]:
    """(tp strict, fp strict, tp lax, fp lax) of `test` against `gold`, as score.py's `_precision`."""
    test_set = {(tuple(x), tuple(y)) for x, y in test if len(x) or len(y)}
    gold_set = {(tuple(x), tuple(y)) for x, y in gold if len(x) or len(y)}
    gold_targets: dict[int, set[int]] = {}
    for gold_src, gold_tgt in gold_set:
        for s in gold_src:
            gold_targets.setdefault(s, set()).update(gold_tgt)
    tp_strict = fp_strict = tp_lax = fp_lax = 0
    for test_src, test_tgt in test_set:
        if (test_src, test_tgt) in gold_set:
            tp_strict += 1
            tp_lax += 1
            continue
        fp_strict += 1
        targets = set().union(*(gold_targets.get(s, set()) for s in test_src))
        if set(test_tgt) & targets:
            tp_lax += 1
        else:
            fp_lax += 1
    return tp_strict, fp_strict, tp_lax, fp_lax


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _indices(bead: Bead | BeadPair) -> BeadPair:
    return (bead.source, bead.target) if isinstance(bead, Bead) else bead


def bead_type(bead: BeadPair) -> str:
    return f"{len(bead[0])}-{len(bead[1])}"


def sentence_alignment_scores(
    gold_beads: Sequence[Sequence[Bead | BeadPair]], predicted_beads: Sequence[Sequence[Bead | BeadPair]]
) -> SentenceAlignmentScores:
    """Vecalign's `score_multiple` over one or more documents (counts summed over documents): each document's
    beads as `Bead`s or as the (source indices, target indices) pairs Vecalign's score.py takes."""
    if len(gold_beads) != len(predicted_beads):
        raise ValueError(f"{len(gold_beads)} gold documents but {len(predicted_beads)} predicted")
    gold, predicted = ([[_indices(b) for b in doc] for doc in side] for side in (gold_beads, predicted_beads))
    p_counts = [0, 0, 0, 0]
    r_counts = [0, 0, 0, 0]
    for g, t in zip(gold, predicted, strict=True):
        p_counts = [a + b for a, b in zip(p_counts, _bead_counts(g, t), strict=True)]
        test_no_del = [(x, y) for x, y in t if len(x) and len(y)]
        gold_no_del = [(x, y) for x, y in g if len(x) and len(y)]
        r_counts = [a + b for a, b in zip(r_counts, _bead_counts(test_no_del, gold_no_del), strict=True)]
    ps, rs = _ratio(p_counts[0], p_counts[0] + p_counts[1]), _ratio(r_counts[0], r_counts[0] + r_counts[1])
    pl, rl = _ratio(p_counts[2], p_counts[2] + p_counts[3]), _ratio(r_counts[2], r_counts[2] + r_counts[3])
    gold_all = [(tuple(x), tuple(y)) for doc in gold for x, y in doc]
    test_all = [(tuple(x), tuple(y)) for doc in predicted for x, y in doc]
    by_type = []
    for kind in sorted({bead_type(b) for b in gold_all + test_all}, key=lambda k: tuple(map(int, k.split("-")))):
        correct = sum(
            len(
                {(tuple(x), tuple(y)) for x, y in g}
                & {(tuple(x), tuple(y)) for x, y in t if f"{len(x)}-{len(y)}" == kind}
            )
            for g, t in zip(gold, predicted, strict=True)
        )
        n_gold = sum(1 for b in gold_all if bead_type(b) == kind)
        n_test = sum(1 for b in test_all if bead_type(b) == kind)
        f1 = round(_f1(_ratio(correct, n_test), _ratio(correct, n_gold)), 6)
        by_type.append(BeadTypeScore(kind, f1, n_gold, n_test))
    return SentenceAlignmentScores(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl), tuple(by_type), len(gold))
