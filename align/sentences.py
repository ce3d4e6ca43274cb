"""Sentence alignment: dynamic programming over beads, with embeddings, lengths and figure anchors.

A bead links consecutive source sentences to consecutive target sentences: 0-1, 1-0, and every a-b with
a + b <= 5 (Bertalign's max_align = 5: 1-1 ... 1-4, 2-3, 3-2, 4-1). The path maximizes the summed bead
scores, where a bead scores
  - the cosine similarity of the embeddings of its two sides, normalized as Vecalign does by the average
    distance of each side to random sentences of the other document (0 = as far apart as random pairs),
  - times Bertalign's length factor log2(1 + shorter/longer), lengths scaled by the document's length ratio,
  - times the bead's size: its characters (both sides) relative to an average 1-1 pair, to the power
    SIZE_EXPONENT. Summing unweighted bead scores rewards cutting text into many small beads (two 1-1 beads
    score about twice one 2-2 bead over the same sentences); weighting each bead by the text it covers
    makes the path choose how to cut by how well each piece matches, not by how many pieces there are,
  - minus a figure anchor term: sides that share their digit sequences score more, different digits less,
  - minus EXTRA_SENTENCE_COST per sentence beyond 1-1.
A line with no letter or digit has size 0. An unaligned sentence costs SKIP_SCORE times its size weight,
so OCR debris ("- _-", ".....") costs nothing to leave out, and a little (EXTRA_SENTENCE_COST) to glue to
a neighbour.
A multi-sentence side is embedded as the length-weighted mean of its sentences' embeddings (for a
mean-pooled encoder, close to embedding the concatenation, at no extra encoder cost).

Near-linear time and memory: the documents are downsampled (blocks of 8 sentences, recursively) and aligned
coarsely; the exact pass only visits a band around the projected coarse path, and stores one row of the band
per source sentence. No n x m matrix is ever made.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from align.beads import LINE, Bead
from align.encoders import EMBEDDED, Encoder, check_embeddings, load_encoder
from align.signatures import encoder_label, signature
from align.spans import Span

if TYPE_CHECKING:
    from align.bilingual import Unit
    from align.documents import Document
    from align.segment import Segment

MAX_ALIGN = 5  # at most this many sentences in a bead, both sides together (Bertalign's max_align)
BEAD_TYPES: tuple[tuple[int, int], ...] = (
    (0, 1),
    (1, 0),
    *((a, b) for a in range(1, MAX_ALIGN) for b in range(1, MAX_ALIGN) if a + b <= MAX_ALIGN),
)
COARSE_TYPES: tuple[tuple[int, int], ...] = ((0, 1), (1, 0), (1, 1), (1, 2), (2, 1))
SKIP_SCORE = 0.15  # an unaligned sentence of average size costs this much (times its size weight)
SIZE_EXPONENT = 0.15  # bead scores are weighted by (bead size / average 1-1 pair size) ** this
EXTRA_SENTENCE_COST = 0.04  # per sentence beyond 1-1: debris is cheaper to leave out than to glue on
LENGTH_SMOOTHING = 10.0  # letters added to both sides before comparing lengths
FIGURE_WEIGHT = 0.2
BLOCK = 8  # downsampling factor of the coarse pass
FULL_LIMIT = 200 * 200  # below this many cells, one exact pass over the whole matrix
BAND_PAD = 2  # coarse blocks of slack on each side of the coarse path
RANDOM_SAMPLE = 256
SPAN_BLOCK = 4096  # runs whose vectors are made at a time for their norms
COST_BLOCK = 32  # bead start rows whose costs the search computes at a time
UNRELIABLE_COST = 0.8  # median normalized distance of aligned pairs above this: as good as random


@dataclass(frozen=True)
class SentenceSettings:
    """How sentences are aligned: the sentence encoder (a name, or a local folder), under this module's cost model."""

    encoder: str = EMBEDDED

    def signature(self) -> str:
        """The settings as `align.signatures` writes them: the cache key of beads and the report's line."""
        return signature(encoder=encoder_label(self.encoder), max_align=MAX_ALIGN)


MIN_SENTENCES_TO_JUDGE = 5  # the random-pair baseline of the reliability warning needs a few sentences a side


class AlignmentWarning(UserWarning):
    """The alignment is probably unreliable (e.g. the documents are not translations of each other)."""


# ---------------------------------------------------------------------------------------------------------
# Per-side features


@dataclass(frozen=True)
class _Side:
    vectors: np.ndarray  # (n, d) L2-normalized sentence (or block) embeddings; d may be 0
    lengths: np.ndarray  # (n,) text_length of each sentence (or block)
    digits: tuple[frozenset[str], ...]  # digit sequences per sentence; empty tuple on coarse levels


_DIGIT_GROUP = re.compile(r"(?<=\d)[\s'’.,\u202f\u00a0](?=\d{3}(?!\d))")
_DIGITS = re.compile(r"\d+")


def text_length(text: str) -> int:
    """Characters of `text` without surrounding spaces; 0 for a line with no letter or digit (OCR debris such as
    "- _-" or "....." carries no content, so leaving it unaligned costs nothing)."""
    return len(text.strip()) if any(c.isalnum() for c in text) else 0


def digit_sequences(text: str) -> frozenset[str]:
    """The numbers written with digits in `text`, thousands separators removed ("4'000", "4 000" -> "4000")."""
    return frozenset(_DIGITS.findall(_DIGIT_GROUP.sub("", text)))


def _weighted_rows(side: _Side) -> np.ndarray:
    """Each item's embedding times its length, float32: a span's vector is the normalized sum of its rows."""
    return side.vectors.astype(np.float32) * side.lengths[:, None].astype(np.float32)


def _span_rows(weighted: np.ndarray, k: int, starts: np.ndarray | slice, norms: np.ndarray | None) -> np.ndarray:
    """The vectors of the runs of k items that begin at `starts`: sums of k shifted rows, divided by `norms` (the
    runs' norms, from `_span_norms`) when given. Made when asked for, so that no table of every run's vector is
    held (8 of them, 1.2 GB, for a document of 100,000 sentences a side)."""
    rows = np.arange(starts.start, starts.stop) if isinstance(starts, slice) else starts
    spans = weighted[rows]
    for shift in range(1, k):
        spans += weighted[rows + shift]
    if norms is not None:
        spans /= norms[rows][:, None]
    return spans


def _span_norms(weighted: np.ndarray, k: int) -> np.ndarray:
    """The norm of each run of k items' summed rows (at least 1e-12), computed a block of runs at a time."""
    count = max(len(weighted) - k + 1, 0)
    norms = np.empty(count, np.float32)
    for begin in range(0, count, SPAN_BLOCK):
        block = _span_rows(weighted, k, slice(begin, min(begin + SPAN_BLOCK, count)), None)
        norms[begin : begin + len(block)] = np.maximum(np.linalg.norm(block, axis=1), np.float32(1e-12))
    return norms


def _span_sums(values: np.ndarray, k: int) -> np.ndarray:
    sums = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    return sums[k:] - sums[:-k] if len(values) >= k else np.zeros(0)


@dataclass(frozen=True)
class _Spans:
    weighted: np.ndarray  # `_weighted_rows`: the rows a run's vector is summed from
    span_norms: dict[int, np.ndarray]  # the norm of each run's summed rows, per run length
    lengths: dict[int, np.ndarray]
    norms: dict[int, np.ndarray]  # mean cosine distance of each span to random items of the other side
    digits: dict[int, list[frozenset[str]]]  # the digit sequences of each span
    has_digits: dict[int, np.ndarray]

    def vectors(self, k: int, starts: np.ndarray | slice) -> np.ndarray:
        """The normalized vectors of the runs of k items that begin at `starts`."""
        return _span_rows(self.weighted, k, starts, self.span_norms[k])


def _spans(side: _Side, other: _Side, sizes: Sequence[int], rng: np.random.Generator) -> _Spans:
    weighted = _weighted_rows(side)
    span_norms = {k: _span_norms(weighted, k) for k in sizes}
    lengths = {k: _span_sums(side.lengths, k) for k in sizes}
    norms = {}
    if side.vectors.shape[1] and len(other.vectors):
        sample = other.vectors[rng.choice(len(other.vectors), min(RANDOM_SAMPLE, len(other.vectors)), False)]
        centre = sample.mean(axis=0)  # the mean cosine to the sample is the cosine with the sample's mean
        for k in sizes:
            count = len(span_norms[k])
            if not count:
                continue
            cosines = np.concatenate(
                [
                    _span_rows(weighted, k, slice(begin, min(begin + SPAN_BLOCK, count)), span_norms[k]) @ centre
                    for begin in range(0, count, SPAN_BLOCK)
                ]
            )
            norms[k] = np.maximum(1.0 - cosines, 0.05)
    digits, has_digits = {}, {}
    if side.digits:
        for k in sizes:
            digits[k] = [frozenset().union(*side.digits[i : i + k]) for i in range(len(side.digits) - k + 1)]
            has_digits[k] = np.array([bool(d) for d in digits[k]], bool)
    return _Spans(weighted, span_norms, lengths, norms, digits, has_digits)


# ---------------------------------------------------------------------------------------------------------
# Bead costs


@dataclass(frozen=True)
class _Costs:
    source: _Spans
    target: _Spans
    log_ratio: float  # the document's log(target length / source length)
    pair_size: float  # characters of an average 1-1 pair, the source scaled by the length ratio

    def size_weight(self, source_size: np.ndarray | float, target_size: np.ndarray | float) -> np.ndarray:
        """(size of a bead / that of an average 1-1 pair) ** SIZE_EXPONENT; the source scaled by the ratio."""
        size = np.asarray(source_size) * math.exp(self.log_ratio) + np.asarray(target_size)
        return (size / self.pair_size) ** SIZE_EXPONENT

    def skip_source(self, i: int) -> float:
        """Cost of leaving source sentence i unaligned."""
        return SKIP_SCORE * float(self.size_weight(self.source.lengths[1][i], 0.0))

    def skip_target(self, js: np.ndarray) -> np.ndarray:
        """Cost of leaving each target sentence in js unaligned."""
        return SKIP_SCORE * self.size_weight(0.0, self.target.lengths[1][js])

    def similarity(self, a: int, b: int, i: int, js: np.ndarray) -> np.ndarray:
        """Cosine of source span [i, i+a) with target spans [j, j+b) for each j in js."""
        if self.source.weighted.shape[1] == 0:
            return np.zeros(len(js))
        return self.target.vectors(b, js) @ self.source.vectors(a, np.array([i]))[0]


def _cell_figures(costs: _Costs, a: int, b: int, ps: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """Figure anchor of the beads source [p, p+a) with target [q, q+b): -1 when both sides carry the same digit
    sequences, +1 when they share none or only one side has any, 0 when neither has any (Jaccard in between)."""
    source_has = costs.source.has_digits[a][ps]
    target_has = costs.target.has_digits[b][qs]
    out = np.where(source_has, 1.0, target_has.astype(np.float64))
    sources, targets = costs.source.digits[a], costs.target.digits[b]
    for n in np.nonzero(source_has & target_has)[0]:
        source, target = sources[ps[n]], targets[qs[n]]
        out[n] = 1.0 - 2.0 * len(source & target) / len(source | target)
    return out


def _cell_costs(costs: _Costs, a: int, b: int, ps: np.ndarray, qs: np.ndarray, cosines: np.ndarray) -> np.ndarray:
    """Cost of the beads source [p, p+a) with target [q, q+b) for each cell (p, q) (a, b >= 1), given the
    cosines of their two sides.

    The negated score: normalized similarity (0 for random pairs, 1 for identical sides) times Bertalign's
    length factor log2(1 + shorter/longer) after scaling the source by the document's length ratio, times the
    bead's size weight; plus the figure anchor.
    """
    source, target = costs.source, costs.target
    if source.norms:
        distance = 1.0 - cosines
        similarity = 1.0 - distance / ((source.norms[a][ps] + target.norms[b][qs]) / 2)
    else:
        similarity = np.full(len(ps), 0.5)
    ls = (source.lengths[a][ps] + LENGTH_SMOOTHING) * math.exp(costs.log_ratio)
    lt = target.lengths[b][qs] + LENGTH_SMOOTHING
    length = np.log2(1.0 + np.minimum(ls, lt) / np.maximum(ls, lt))
    size = costs.size_weight(source.lengths[a][ps], target.lengths[b][qs])
    cost = -similarity * length * size + EXTRA_SENTENCE_COST * (a + b - 2)
    if source.digits:
        cost = cost + FIGURE_WEIGHT * _cell_figures(costs, a, b, ps, qs)
    return cost


def _bead_cost_rows(
    costs: _Costs, a: int, b: int, lo: np.ndarray, hi: np.ndarray, n: int
) -> Iterator[tuple[int, np.ndarray]]:
    """For each bead start row p = 0 .. n-a in turn: the first target start q the search reaches from row p + a
    (lo[p+a]-b .. hi[p+a]-b within row p's band) and the costs of beads of a source and b target sentences
    starting at (p, q), q, q+1, ... (empty where there is none). Computed COST_BLOCK rows at a time, each run's
    vector made once per block, so the search pays a few array operations per row instead of one cost
    computation per row and bead type."""
    for p0 in range(0, n - a + 1, COST_BLOCK):
        ps = np.arange(p0, min(p0 + COST_BLOCK, n - a + 1))
        first = np.maximum(lo[ps], lo[ps + a] - b)
        counts = np.maximum(np.minimum(hi[ps], hi[ps + a] - b) - first + 1, 0)
        reached = counts > 0
        if not reached.any():
            yield from ((int(q), np.zeros(0)) for q in first)
            continue
        ends = np.cumsum(counts)
        cell_rows = np.repeat(ps, counts)
        cell_columns = np.arange(ends[-1]) - np.repeat(ends - counts, counts) + np.repeat(first, counts)
        cosines = np.zeros(0)
        if costs.source.norms:
            low, high = int(first[reached].min()), int((first + counts)[reached].max())
            spans = costs.target.vectors(b, slice(low, high))
            sources = costs.source.vectors(a, slice(p0, p0 + len(ps)))
            cosines = np.concatenate(
                [
                    spans[q - low : q - low + k] @ sources[r]
                    for r, (q, k) in enumerate(zip(first, counts, strict=True))
                    if k
                ]
            )
        cell_costs = _cell_costs(costs, a, b, cell_rows, cell_columns, cosines)
        for q, end, k in zip(first, ends, counts, strict=True):
            yield int(q), cell_costs[end - k : end]


# ---------------------------------------------------------------------------------------------------------
# Banded dynamic programming


def _dp(costs: _Costs, n: int, m: int, lo: np.ndarray, hi: np.ndarray, types: Sequence[tuple[int, int]]):
    """Minimum-cost bead path from (0, 0) to (n, m) through cells lo[i] <= j <= hi[i]; returns the beads."""
    rows: list[np.ndarray] = []
    back: list[np.ndarray] = []
    insert = (0, 1) in types
    bead_rows = {t: _bead_cost_rows(costs, a, b, lo, hi, n) for t, (a, b) in enumerate(types) if a and b}
    for i in range(n + 1):
        width = hi[i] - lo[i] + 1
        best = np.full(width, np.inf)
        arg = np.full(width, -1, np.int8)
        if i == 0 and lo[0] == 0:
            best[0] = 0.0
        for t, (a, b) in enumerate(types):
            if a == 0 or a > i:
                continue
            p = i - a
            cost: np.ndarray | float
            if b:
                first, cost = next(bead_rows[t])
            else:
                first, cost = max(lo[p], lo[i]), costs.skip_source(p)
            last = min(hi[p], hi[i] - b)
            if last < first:
                continue
            total = rows[p][first - lo[p] : last - lo[p] + 1] + cost
            cells = slice(first + b - lo[i], last + b - lo[i] + 1)
            better = total < best[cells]
            best[cells][better] = total[better]
            arg[cells][better] = t
        if insert and width > 1:
            js = np.arange(lo[i] + 1, hi[i] + 1)
            steps = np.concatenate([[0.0], np.cumsum(costs.skip_target(js - 1))])
            shifted = best - steps
            running = np.minimum.accumulate(shifted)
            from_left = running < shifted
            best = running + steps
            arg[from_left] = types.index((0, 1))
        rows.append(best)
        back.append(arg)
    if not np.isfinite(rows[n][m - lo[n]]):
        raise RuntimeError("sentence alignment: no path through the band")
    beads: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = types[int(back[i][j - lo[i]])]
        beads.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    return beads[::-1]


def _block(side: _Side, size: int) -> _Side:
    """Downsample: one item per `size` consecutive items (length-weighted mean embedding, summed length)."""
    n, d = side.vectors.shape
    count = math.ceil(n / size)
    vectors = np.zeros((count, d), np.float32)
    lengths = np.zeros(count)
    for c in range(count):
        part = slice(c * size, min(n, (c + 1) * size))
        lengths[c] = side.lengths[part].sum()
        if d:
            mean = (side.vectors[part] * side.lengths[part, None]).sum(axis=0)
            vectors[c] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return _Side(vectors, lengths, ())


def _band_from(coarse: list[tuple[int, int, int, int]], n: int, m: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows 0..n of the fine band: the coarse path scaled up, widened by BAND_PAD blocks each way."""
    lo = np.full(n + 1, m, np.int64)
    hi = np.zeros(n + 1, np.int64)
    pad = BAND_PAD * size
    for i0, i1, j0, j1 in coarse:
        r0, r1 = max(0, i0 * size - pad), min(n, i1 * size + pad)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], max(0, j0 * size - pad))
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], min(m, j1 * size + pad))
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return lo, hi


def _costs(source: _Side, target: _Side, sizes: Sequence[int], seed: int = 0) -> _Costs:
    rng = np.random.default_rng(seed)
    log_ratio = math.log((target.lengths.sum() + 1.0) / (source.lengths.sum() + 1.0))
    pair_size = max(float(source.lengths.mean() * math.exp(log_ratio) + target.lengths.mean()), 1.0)
    return _Costs(_spans(source, target, sizes, rng), _spans(target, source, sizes, rng), log_ratio, pair_size)


def _band(source: _Side, target: _Side, full: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The columns lo[i]..hi[i] the exact pass searches in row i: all of them for a small matrix or `full`,
    else a band around the path of a coarse pass over blocks of sentences."""
    n, m = len(source.lengths), len(target.lengths)
    if full or n * m <= FULL_LIMIT:
        return np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64)
    coarse, _ = _align(_block(source, BLOCK), _block(target, BLOCK), COARSE_TYPES)
    return _band_from(coarse, n, m, BLOCK)


def _sizes(types: Sequence[tuple[int, int]]) -> list[int]:
    """The run lengths of sentences that beads of these types take from either side."""
    return sorted({k for t in types for k in t if k})


def _align(source: _Side, target: _Side, types: Sequence[tuple[int, int]], full: bool = False):
    n, m = len(source.lengths), len(target.lengths)
    costs = _costs(source, target, _sizes(types))
    lo, hi = _band(source, target, full)
    return _dp(costs, n, m, lo, hi, types), costs


# ---------------------------------------------------------------------------------------------------------
# Public API


def _embed(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    vectors = encoder.embed(texts)
    check_embeddings(encoder.name, texts, vectors)
    return vectors.astype(np.float32)


def _side(encoder: Encoder, texts: Sequence[str]) -> _Side:
    lengths = np.array([text_length(t) for t in texts], np.float64)
    return _Side(_embed(encoder, texts), lengths, tuple(digit_sequences(t) for t in texts))


def _warn_if_unreliable(costs: _Costs, beads: Sequence[Bead], n: int, m: int) -> None:
    """Warn when aligned pairs are no closer than random ones; fewer than 5 sentences a side give no baseline."""
    pairs = [b for b in beads if len(b.source) == 1 and len(b.target) == 1]
    if not costs.source.norms or not pairs or min(n, m) < MIN_SENTENCES_TO_JUDGE:
        return
    distances = [
        (1.0 - b.score) / ((costs.source.norms[1][b.source[0]] + costs.target.norms[1][b.target[0]]) / 2) for b in pairs
    ]
    median = float(np.median(distances))
    unaligned = sum(1 for b in beads if not b.source or not b.target) / max(n + m, 1)
    if median > UNRELIABLE_COST or unaligned > 0.5:
        warnings.warn(
            f"sentence alignment looks unreliable: aligned pairs are about as similar as random pairs "
            f"(median normalized distance {median:.2f}, {unaligned:.0%} unaligned); are the two documents "
            "translations of each other, in the languages you expect?",
            AlignmentWarning,
            stacklevel=3,
        )


def align_texts(
    source: Sequence[str], target: Sequence[str], encoder: Encoder | str = EMBEDDED, *, full: bool = False
) -> tuple[Bead, ...]:
    """Align two sequences of sentences; every sentence of each side is in exactly one bead, in order.

    `full=True` runs the exact pass over the whole matrix instead of a band (for comparison only).
    """
    source, target = list(source), list(target)
    if not source or not target:
        return tuple(Bead((i,), (), 0.0) for i in range(len(source))) + tuple(
            Bead((), (j,), 0.0) for j in range(len(target))
        )
    enc = load_encoder(encoder) if isinstance(encoder, str) else encoder
    src, tgt = _side(enc, source), _side(enc, target)
    path, costs = _align(src, tgt, BEAD_TYPES, full=full)
    beads = []
    for i0, i1, j0, j1 in path:
        score = 0.0
        if i1 > i0 and j1 > j0 and src.vectors.shape[1]:
            score = float(costs.similarity(i1 - i0, j1 - j0, i0, np.array([j0]))[0])
        beads.append(Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(score, 6)))
    _warn_if_unreliable(costs, beads, len(source), len(target))
    return tuple(beads)


def document_sentences(document: Document) -> tuple[Segment, ...]:
    """The sentences of a `Document` (`align.segment.segment`) with their character spans."""
    from align.segment import segment

    return segment(document)


def align_documents(source: Document, target: Document, encoder: Encoder | str = EMBEDDED) -> tuple[Bead, ...]:
    """Align the sentences (`align.segment.segment`) of two `Document`s."""
    sides = [[x.text for x in document_sentences(document)] for document in (source, target)]
    return align_texts(sides[0], sides[1], encoder)


@dataclass(frozen=True)
class UnitAlignment:
    """The sentences of one unit of a bilingual file (or of two documents: `unit` None) and their beads."""

    unit: Unit | None
    source: tuple[Span, ...]
    target: tuple[Span, ...]
    beads: tuple[Bead, ...]


def align_units(units: Sequence[Unit], encoder: Encoder | str = EMBEDDED) -> tuple[UnitAlignment, ...]:
    """Split the source and target of every unit that has a target into sentences and align them within the
    unit (no bead crosses a unit boundary). Every sentence is embedded first, in one batched pass."""
    from align.bilingual import primary_language
    from align.documents import document_from_text

    def sentences(text: str, language: str) -> tuple[Span, ...]:
        return document_sentences(document_from_text(text, primary_language(language)))

    enc = load_encoder(encoder) if isinstance(encoder, str) else encoder
    split = [
        (unit, sentences(unit.source, unit.source_language), sentences(unit.target, unit.target_language))
        for unit in units
        if unit.target is not None
    ]
    _embed(enc, [x.text for _, source, target in split for x in (*source, *target)])
    return tuple(
        UnitAlignment(unit, source, target, align_texts([x.text for x in source], [x.text for x in target], enc))
        for unit, source, target in split
    )


def sentence_units(alignments: Sequence[UnitAlignment], source_language: str, target_language: str) -> list[Unit]:
    """The aligned sentence pairs (beads with both sides) as units, e.g. for a TMX: `<unit id>.<n>` with the unit's
    languages and inline tags; numbered 1, 2, ... (in the given languages) for two documents."""
    from dataclasses import replace

    from align.bilingual import units_from_pairs

    units: list[Unit] = []
    for alignment in alignments:
        pairs = [
            (side_text(alignment.source, b.source), side_text(alignment.target, b.target))
            for b in alignment.beads
            if b.source and b.target
        ]
        unit = alignment.unit
        if unit is None:
            units += units_from_pairs(pairs, source_language, target_language)
            continue
        units += [
            replace(unit, id=f"{unit.id}.{n}", source=source, target=target, notes=(), state=None)
            for n, (source, target) in enumerate(pairs, 1)
        ]
    return units


def shifted(bead: Bead, source_offset: int, target_offset: int) -> Bead:
    """The bead with its sentence numbers moved by the offsets (beads of consecutive units, numbered as one)."""
    return Bead(
        tuple(i + source_offset for i in bead.source), tuple(j + target_offset for j in bead.target), bead.score
    )


# ---------------------------------------------------------------------------------------------------------
# Formats


def side_text(sentences: Sequence[Span], indices: Sequence[int]) -> str:
    """The text of one side of a bead: its sentences joined by spaces."""
    return " ".join(sentences[i].text for i in indices)


def format_jsonl(
    beads: Sequence[Bead],
    source: Sequence[Span],
    target: Sequence[Span],
    unit: str | None = None,
    first: tuple[int, int] = (0, 0),
) -> str:
    """One JSON object per bead: indices, texts, character spans and score (and the bilingual file's unit id, with
    spans inside that unit's texts). Indices are numbered from `first` (the number of the unit's first source and
    target sentence in its file), so they are those the beads format writes."""
    lines = []
    for bead in beads:
        record = {
            **({"unit": unit} if unit is not None else {}),
            "source": [first[0] + i for i in bead.source],
            "target": [first[1] + j for j in bead.target],
            "score": bead.score,
            "source_text": side_text(source, bead.source),
            "target_text": side_text(target, bead.target),
            "source_spans": [[source[i].start, source[i].end] for i in bead.source],
            "target_spans": [[target[j].start, target[j].end] for j in bead.target],
        }
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)


def format_tsv(beads: Sequence[Bead], source: Sequence[Span], target: Sequence[Span]) -> str:
    """`source text<TAB>target text<TAB>score` per bead (tabs and newlines inside texts become spaces)."""

    def clean(text: str) -> str:
        return re.sub(r"[\t\r\n]+", " ", text)

    return "".join(
        f"{clean(side_text(source, b.source))}\t{clean(side_text(target, b.target))}\t{b.score:.4f}\n" for b in beads
    )


def line_sentences(text: str) -> tuple[Span, ...]:
    """One sentence per line (`--presegmented` input), so a sentence's index is its line number (0-based, as
    Vecalign counts); each without its surrounding whitespace, with its span. A blank line (nothing but
    whitespace) is no sentence: it keeps its number with an empty text, and `align_lines` puts it in no bead."""
    out = []
    for match in LINE.finditer(text):
        line = match.group().rstrip("\r\n")
        stripped = line.strip()
        start = match.start() + line.index(stripped)
        out.append(Span(stripped, start, start + len(stripped)))
    return tuple(out)


def align_lines(source: Sequence[str], target: Sequence[str], encoder: Encoder | str = EMBEDDED) -> tuple[Bead, ...]:
    """Align two files of one sentence per line (`align sentences --presegmented`): bead indices are line numbers.

    Each line is aligned without its surrounding whitespace; a blank line is in no bead but keeps its number, so
    the sentences after it keep theirs."""
    kept = [[k for k, line in enumerate(side) if line.strip()] for side in (source, target)]
    beads = align_texts([source[k].strip() for k in kept[0]], [target[k].strip() for k in kept[1]], encoder)
    return tuple(Bead(tuple(kept[0][i] for i in b.source), tuple(kept[1][j] for j in b.target), b.score) for b in beads)
