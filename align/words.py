"""Word alignment of aligned sentence pairs: SimAlign's methods over contextual embeddings, batched.

The flow for many pairs at once: every sentence is cut into subwords (one call to the fast tokenizer),
sentences longer than the encoder's window are cut into overlapping windows, all sequences are sorted
by length and embedded in batches under a token budget (one forward pass for many sentences, only as
many layers as the chosen ones need), then per pair the similarity matrix and the matching run on numpy.
The embedded encoder runs on ONNX Runtime (`align.encoders.OnnxLayers`: an int8 graph cut after the chosen
layers), so word alignment imports neither torch nor transformers; any other encoder runs with transformers on
torch.

Methods: SimAlign's `inter` (argmax), `itermax` and `mwmf`, reproduced exactly (tested equal to
`simalign.SentenceAligner` on random matrices and on RWTH pairs) with SimAlign's subword matching
(`token_type="bpe"`: words link when any of their subwords link). `softmax` and `growdiag` work on
mean-pooled words, centred on the pair's mean, in a metric self-trained on the input (below), with
hubness-corrected (CSLS), diagonally smoothed similarities, and awesome-align's link probabilities (a
softmax over the target words for each source word and over the source words for each target word).
`softmax` links where both directions' probabilities pass 0.4; `growdiag`, the recommended default,
takes each direction's links that are more likely than not (probability above 0.5) and symmetrizes the
two with grow-diag (Koehn et al. 2003): the links both directions agree on, grown into neighbouring links
one direction proposes while a word is still unaligned. On RWTH it beats SimAlign's argmax in precision
and recall at once in every scoring measured (benchmarks/words_accuracy.py).

The self-trained metric: the mutual links of the first pass over all pairs of the input give pairs of
word vectors that mean the same; the vectors are then whitened by the covariance of those pairs'
differences (regularized), so that the directions in which translations differ count less than those in
which they agree. It is learned only when the input gives at least as many links as the vectors have
dimensions (about 25 sentence pairs); fewer pairs are aligned without it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from align.batching import batches
from align.signatures import encoder_label, signature
from align.tokenize import Token, tokenize
from align.vocab import DEFAULT_WORD_METHOD, EMBEDDED, WORD_METHODS

DEFAULT_LAYERS: tuple[int, ...] = (7,)
DEFAULT_BATCH_TOKENS = 2048  # subwords per batch, padding included; on CPU 2048 ran 20% faster than 8192


@dataclass(frozen=True)
class Matching:
    """How links are drawn from a pair's vectors.

    method: `growdiag` (grow-diag of both directions' links over the threshold), `softmax` (links both
    directions' probabilities pass the threshold), or SimAlign's `inter`, `itermax`, `mwmf`; token_type:
    `word` matches mean-pooled words, `bpe` matches subwords and links words when any of their subwords
    link (SimAlign's default); hubness: CSLS neighbourhood size, 0 for plain similarity; distortion:
    SimAlign's diagonal prior (0 for none); center: subtract the pair's mean vector (both sides together)
    before the cosine, which takes out the direction every vector of this encoder shares; diagonal: weight
    of each score's two diagonal neighbours added to it (a monotone phrase supports its links);
    temperature and threshold: the link probabilities', on SimAlign's similarity scale [0, 1] (0.075 there
    is 0.15 on cosines); metric: whiten the word vectors by a metric self-trained on the input's links.
    """

    method: str = DEFAULT_WORD_METHOD
    token_type: str = "word"
    hubness: int = 3
    distortion: float = 0.0
    center: bool = False
    diagonal: float = 0.0
    temperature: float = 0.075
    threshold: float = 0.4
    metric: bool = False

    def __post_init__(self) -> None:
        if self.method not in WORD_METHODS:
            raise ValueError(f"unknown method {self.method!r}; choose one of {', '.join(WORD_METHODS)}")
        if self.token_type not in ("bpe", "word"):
            raise ValueError(f"unknown token type {self.token_type!r}; choose bpe or word")
        if self.temperature <= 0.0 or not 0.0 < self.threshold < 1.0:
            raise ValueError("link probabilities need a temperature above 0 and a threshold between 0 and 1")
        if self.metric and self.token_type != "word":
            raise ValueError("the self-trained metric works on words; use token_type='word'")

    def signature(self, layers: Sequence[int] = DEFAULT_LAYERS, encoder: str = EMBEDDED) -> str:
        """Everything links drawn this way depend on, as `align.signatures` writes it (cache key and report line)."""
        fields = {k: v for k, v in asdict(self).items() if k != "method"}
        return signature(
            encoder=encoder_label(encoder),
            layers="+".join(map(str, layers)),
            method=self.method,
            **{key: ("yes" if value else "no") if isinstance(value, bool) else value for key, value in fields.items()},
        )


def per_pair(method: str) -> Matching:
    """`preset(method)` without the self-trained metric, so that a pair's links never depend on the other pairs
    aligned with it: what the pipeline caches per bead and `align check` and `align report` must agree on."""
    return replace(preset(method), metric=False)


def preset(method: str) -> Matching:
    """The chosen settings for `growdiag` and `softmax`; SimAlign's own (subwords, plain similarity) for the others.

    Both: mean-pooled words, centred, self-trained metric, CSLS k=3, diagonal 0.1, temperature 0.15 on
    cosines. `softmax`: threshold 0.4 (the setting chosen before the metric, kept). `growdiag`: threshold
    0.5, where a direction's link is more likely than not, so no threshold is tuned.
    """
    if method in ("softmax", "growdiag"):
        return Matching(method, center=True, diagonal=0.1, threshold=0.5 if method == "growdiag" else 0.4, metric=True)
    return Matching(method, token_type="bpe", hubness=0)


@dataclass(frozen=True)
class WordLink:
    """A link from source token `source` to target token `target` (0-based indices), with its similarity."""

    source: int
    target: int
    score: float


@dataclass(frozen=True)
class AlignedPair:
    """One sentence pair's tokens (with character spans) and the links between them."""

    source: tuple[Token, ...]
    target: tuple[Token, ...]
    links: tuple[WordLink, ...]


# ---------------------------------------------------------------------------------------------------------
# Matching on similarity matrices (numpy), equal to simalign.SentenceAligner's static methods.


def similarity(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """SimAlign's similarity: cosine similarity rescaled to [0, 1]."""
    xn = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), np.finfo(x.dtype).tiny)
    yn = y / np.maximum(np.linalg.norm(y, axis=1, keepdims=True), np.finfo(y.dtype).tiny)
    return (xn @ yn.T + 1.0) / 2.0


def apply_distortion(sim: np.ndarray, ratio: float = 0.5) -> np.ndarray:
    """SimAlign's distortion prior: damp similarities far from the diagonal by `ratio` * squared offset."""
    m, n = sim.shape
    if m < 2 or n < 2 or ratio == 0.0:
        return sim
    offset = np.arange(n)[None, :] / (n - 1) - np.arange(m)[:, None] / (m - 1)
    return sim * (1.0 - offset**2 * ratio)


def argmax_matrices(sim: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward (each row's best column) and reverse (each column's best row) 0/1 matrices."""
    m, n = sim.shape
    forward = np.zeros((m, n))
    forward[np.arange(m), sim.argmax(axis=1)] = 1.0
    reverse = np.zeros((m, n))
    reverse[sim.argmax(axis=0), np.arange(n)] = 1.0
    return forward, reverse


def inter(sim: np.ndarray) -> np.ndarray:
    """Argmax (SimAlign's `inter`): links that are each other's best match in both directions."""
    forward, reverse = argmax_matrices(sim)
    return forward * reverse


def itermax(sim: np.ndarray, max_count: int = 2, alpha: float = 0.9) -> np.ndarray:
    """SimAlign's IterMax: argmax, then argmax again among rows/columns still unaligned."""
    m, n = sim.shape
    links = inter(sim)
    if min(m, n) <= 2:
        return links
    for _ in range(max_count - 1):
        mask_x = np.broadcast_to(1.0 - links.sum(1)[:, None].clip(0.0, 1.0), (m, n))
        mask_y = np.broadcast_to(1.0 - links.sum(0)[None, :].clip(0.0, 1.0), (m, n))
        if mask_x.sum() < 1.0 or mask_y.sum() < 1.0:
            break
        mask = (alpha * mask_x + alpha * mask_y).clip(0.0, 1.0)
        mask_zeros = 1.0 - (1.0 - mask_x) * (1.0 - mask_y)
        forward, reverse = argmax_matrices(sim * mask)
        new = forward * reverse * mask_zeros
        if not new.any():
            break
        links = links + new
    return links


def mwmf(sim: np.ndarray) -> np.ndarray:
    """Maximum-weight maximal matching (SimAlign's `mwmf`), by the Hungarian method instead of networkx."""
    from scipy.optimize import linear_sum_assignment  # scipy: the words extra, not the checker's base install

    rows, cols = linear_sum_assignment(sim, maximize=True)
    links = np.zeros(sim.shape)
    links[rows, cols] = 1.0
    return links


def hubness_corrected(sim: np.ndarray, k: int) -> np.ndarray:
    """CSLS (Conneau et al. 2018): 2·sim − mean of a row's k best − mean of a column's k best.

    Words similar to everything ("hubs": punctuation, function words) lose their pull, so argmax
    finds the rarer, right partner more often.
    """
    rows = np.sort(sim, axis=1)[:, -min(k, sim.shape[1]) :].mean(axis=1)
    cols = np.sort(sim, axis=0)[-min(k, sim.shape[0]) :, :].mean(axis=0)
    return 2.0 * sim - rows[:, None] - cols[None, :]


def diagonal_smoothed(sim: np.ndarray, weight: float) -> np.ndarray:
    """Each score plus `weight` times its two diagonal neighbours' ((i-1, j-1) and (i+1, j+1); past an edge,
    the nearest cell's): words inside a monotone phrase support each other's links."""
    if weight == 0.0:
        return sim
    padded = np.pad(sim, 1, mode="edge")
    return sim + weight * (padded[:-2, :-2] + padded[2:, 2:])


def link_probabilities(sim: np.ndarray, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    """awesome-align's two directions: softmax(sim / temperature) over the targets of each source word (rows)
    and over the sources of each target word (columns)."""
    z = sim / temperature
    forward = np.exp(z - z.max(axis=1, keepdims=True))
    forward /= forward.sum(axis=1, keepdims=True)
    reverse = np.exp(z - z.max(axis=0, keepdims=True))
    reverse /= reverse.sum(axis=0, keepdims=True)
    return forward, reverse


def directional_links(sim: np.ndarray, temperature: float, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Each direction's links (0/1 matrices): where its link probability exceeds `threshold`."""
    forward, reverse = link_probabilities(sim, temperature)
    return (forward > threshold).astype(float), (reverse > threshold).astype(float)


def softmax_links(sim: np.ndarray, temperature: float = 0.075, threshold: float = 0.4) -> np.ndarray:
    """awesome-align's extraction: link where both directions' probabilities exceed `threshold`.

    A threshold of 0.5 or more keeps a subset of argmax (`inter`); below 0.5 a word may link to several
    words that share its probability mass (at most 1/threshold of them).
    """
    forward, reverse = directional_links(sim, temperature, threshold)
    return forward * reverse


_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def grow_diag(forward: np.ndarray, reverse: np.ndarray) -> np.ndarray:
    """Grow-diag symmetrization (Koehn et al. 2003) of two directions' 0/1 link matrices.

    Start from the links both directions agree on; repeatedly add a link that one direction proposes
    next to (or diagonal to) an accepted link, when its source or its target word is still unaligned.
    """
    links = forward * reverse
    proposed = np.maximum(forward, reverse) - links
    m, n = links.shape
    grew = True
    while grew:
        grew = False
        for i, j in zip(*np.nonzero(links), strict=True):
            for di, dj in _NEIGHBOURS:
                a, b = i + di, j + dj
                if 0 <= a < m and 0 <= b < n and proposed[a, b] and not (links[a].any() and links[:, b].any()):
                    links[a, b] = 1.0
                    proposed[a, b] = 0.0
                    grew = True
    return links


def softmax_grow_diag(sim: np.ndarray, temperature: float = 0.075, threshold: float = 0.5) -> np.ndarray:
    """Grow-diag of the two directions' links whose probability exceeds `threshold` (0.5: more likely than not)."""
    return grow_diag(*directional_links(sim, temperature, threshold))


SIMALIGN_MATCHERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"inter": inter, "itermax": itermax, "mwmf": mwmf}
PROBABILITY_MATCHERS: dict[str, Callable[[np.ndarray, float, float], np.ndarray]] = {
    "softmax": softmax_links,
    "growdiag": softmax_grow_diag,
}


def chosen_links(scored: np.ndarray, matching: Matching) -> np.ndarray:
    """The 0/1 link matrix `matching`'s method draws from a scored similarity matrix."""
    if matching.method in PROBABILITY_MATCHERS:
        return PROBABILITY_MATCHERS[matching.method](scored, matching.temperature, matching.threshold)
    return SIMALIGN_MATCHERS[matching.method](scored)


# ---------------------------------------------------------------------------------------------------------
# Subword embeddings for many sentences: windows, length-sorted batches under a token budget.


@dataclass(frozen=True)
class _Window:
    sentence: int
    start: int  # first subword of the window in the sentence
    keep_from: int  # subwords [keep_from, keep_to) of the sentence take their vectors from this window
    keep_to: int


def windows(length: int, size: int) -> list[tuple[int, int, int]]:
    """Overlapping windows `(start, keep_from, keep_to)` covering `length` subwords, `size` at most each.

    Windows step by half their size; each subword keeps the vector from the window where it sits
    furthest from an edge, so every subword has at least a quarter window of context on each side
    (except at the sentence's ends).
    """
    if length <= size:
        return [(0, 0, length)]
    step = max(1, size // 2)
    starts = [*range(0, length - size, step), length - size]
    out = []
    for k, start in enumerate(starts):
        keep_from = 0 if k == 0 else (starts[k - 1] + size + start) // 2
        keep_to = length if k == len(starts) - 1 else (start + size + starts[k + 1]) // 2
        out.append((start, keep_from, keep_to))
    return out


def subword_ids(tokenizer: Any, sentences: Sequence[Sequence[str]]) -> list[tuple[list[int], list[int]]]:
    """Per sentence: subword ids and the word index of each subword (a word with no subword gets <unk>)."""
    out: list[tuple[list[int], list[int]]] = []
    nonempty = [list(words) for words in sentences if words]
    if not nonempty:
        return [([], []) for _ in sentences]
    encoded = iter(_encoded_words(tokenizer, nonempty))
    unk = special_ids(tokenizer)[3]
    for words in sentences:
        if not words:
            out.append(([], []))
            continue
        ids, word_ids = next(encoded)
        per_word: list[list[int]] = [[] for _ in words]
        for token_id, w in zip(ids, word_ids, strict=True):
            if w is not None:
                per_word[w].append(token_id)
        sub, owner = [], []
        for w, pieces in enumerate(per_word):
            pieces = pieces or [unk]
            sub.extend(pieces)
            owner.extend([w] * len(pieces))
        out.append((sub, owner))
    return out


def _encoded_words(tokenizer: Any, sentences: list[list[str]]) -> list[tuple[list[int], list[int | None]]]:
    """Per sentence of words: subword ids, without special tokens, and the word index of each (None for none); from a
    `tokenizers.Tokenizer` (the ONNX path) or a transformers fast tokenizer."""
    from tokenizers import Tokenizer

    if isinstance(tokenizer, Tokenizer):
        rows = tokenizer.encode_batch(sentences, is_pretokenized=True, add_special_tokens=False)
        return [(row.ids, row.word_ids) for row in rows]
    encoded = tokenizer(sentences, is_split_into_words=True, add_special_tokens=False, verbose=False)
    return [(encoded["input_ids"][k], encoded.word_ids(k)) for k in range(len(sentences))]


def special_ids(tokenizer: Any) -> tuple[int, int, int, int]:
    """(cls, sep, pad, unk) token ids of a transformers tokenizer, or of a `tokenizers.Tokenizer` by the embedded
    encoder's special tokens."""
    from tokenizers import Tokenizer

    names = ("cls_token", "sep_token", "pad_token", "unk_token")
    if isinstance(tokenizer, Tokenizer):
        from align.encoders.conversion import _SPECIAL_TOKENS

        return tuple(tokenizer.token_to_id(_SPECIAL_TOKENS[name]) for name in names)
    return tuple(getattr(tokenizer, f"{name}_id") for name in names)


def _max_content(model: Any) -> int:
    limit = getattr(model.config, "max_position_embeddings", 512)
    if getattr(model.config, "model_type", "") in ("xlm-roberta", "roberta", "camembert"):
        limit -= 2  # RoBERTa-style position ids start after the padding index
    return min(limit, 512) - 2


def _forward_layers(model: Any, input_ids: Any, attention_mask: Any, layers: Sequence[int]) -> Any:
    """Mean of the hidden states `layers` (0 = embeddings), running only as many layers as needed.

    BERT-family encoders (`model.encoder.layer`) run a truncated layer stack with forward hooks on the
    layers asked for; other encoders run whole with `output_hidden_states=True`.
    """
    import torch

    stack = getattr(getattr(model, "encoder", None), "layer", None)
    deepest = max(layers)
    if not isinstance(stack, torch.nn.ModuleList) or not hasattr(model, "embeddings"):
        states = model(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True).hidden_states
        if deepest >= len(states):
            raise ValueError(f"layer {deepest} asked for, but the encoder has only {len(states) - 1} layers")
        return torch.stack([states[k] for k in layers]).mean(0)
    if deepest > len(stack):
        raise ValueError(f"layer {deepest} asked for, but the encoder has only {len(stack)} layers")
    captured: dict[int, Any] = {}

    def keep(k: int) -> Callable[..., None]:
        def hook(module: Any, args: Any, output: Any) -> None:
            captured[k] = output[0] if isinstance(output, tuple) else output

        return hook

    modules = [model.embeddings, *stack]
    handles = [modules[k].register_forward_hook(keep(k)) for k in set(layers)]
    model.encoder.layer = torch.nn.ModuleList(list(stack)[:deepest])
    try:
        model(input_ids=input_ids, attention_mask=attention_mask)
    finally:
        model.encoder.layer = stack
        for handle in handles:
            handle.remove()
    return torch.stack([captured[k] for k in layers]).mean(0)


def _forward(model: Any, ids: np.ndarray, mask: np.ndarray, layers: Sequence[int]) -> np.ndarray:
    """Mean hidden states of `layers` (float32 [B, L, H]) of right-padded `ids` (`mask` 1 on the tokens): through
    the ONNX graph of an `OnnxLayers`, else through the torch model."""
    from align.encoders.onnx_backend import OnnxLayers

    if isinstance(model, OnnxLayers):
        return model.hidden(ids, mask, layers)
    import torch

    with torch.inference_mode():
        states = _forward_layers(model, torch.from_numpy(ids), torch.from_numpy(mask), layers)
    return np.asarray(states.float().numpy())


def embed_subwords(
    encoder: tuple[Any, Any],
    sentences: Sequence[Sequence[int]],
    layers: Sequence[int] = DEFAULT_LAYERS,
    batch_tokens: int = DEFAULT_BATCH_TOKENS,
    progress: Callable[[int], None] | None = None,
) -> list[np.ndarray]:
    """Contextual vectors (float32, one row per subword) for each sentence of subword ids.

    Sentences longer than the encoder's window are embedded in overlapping windows, never truncated.
    `progress`, when given, is called with the number of sequences each batch finished.
    """
    tokenizer, model = encoder
    size = _max_content(model)
    pieces = [
        _Window(s, start, keep_from, keep_to)
        for s, ids in enumerate(sentences)
        if ids
        for start, keep_from, keep_to in windows(len(ids), size)
    ]
    lengths = [min(size, len(sentences[p.sentence]) - p.start) for p in pieces]
    dim = model.config.hidden_size
    out = [np.zeros((len(ids), dim), dtype=np.float32) for ids in sentences]
    cls, sep, pad, _unk = special_ids(tokenizer)
    for batch in batches(lengths, batch_tokens, overhead=2):  # [CLS] and [SEP]
        width = max(lengths[i] for i in batch) + 2
        input_ids = np.full((len(batch), width), pad, dtype=np.int64)
        attention = np.zeros((len(batch), width), dtype=np.int64)
        for row, i in enumerate(batch):
            p = pieces[i]
            ids = sentences[p.sentence][p.start : p.start + lengths[i]]
            input_ids[row, : len(ids) + 2] = [cls, *ids, sep]
            attention[row, : len(ids) + 2] = 1
        states = _forward(model, input_ids, attention, layers)
        for row, i in enumerate(batch):
            p = pieces[i]
            a, b = p.keep_from - p.start, p.keep_to - p.start
            out[p.sentence][p.keep_from : p.keep_to] = states[row, 1 + a : 1 + b]
        if progress is not None:
            progress(len(batch))
    return out


# ---------------------------------------------------------------------------------------------------------
# From vectors to word links.


def pool_words(vectors: np.ndarray, owner: Sequence[int], n_words: int) -> np.ndarray:
    """Mean of each word's subword vectors (SimAlign's `average_embeds_over_words`)."""
    sums = np.zeros((n_words, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, np.asarray(owner, dtype=np.int64), vectors)
    counts = np.bincount(np.asarray(owner, dtype=np.int64), minlength=n_words)
    return (sums / np.maximum(counts, 1)[:, None]).astype(vectors.dtype)


@dataclass(frozen=True)
class PairVectors:
    """One pair's vectors as its matching sees them: per side the rows (words or subwords), each row's word,
    and the rows the similarity is computed on (centred when the matching centres)."""

    src: np.ndarray
    tgt: np.ndarray
    src_owner: Sequence[int]
    tgt_owner: Sequence[int]
    src_scored: np.ndarray
    tgt_scored: np.ndarray


def pair_vectors(
    src: np.ndarray,
    tgt: np.ndarray,
    src_owner: Sequence[int],
    tgt_owner: Sequence[int],
    n_src: int,
    n_tgt: int,
    matching: Matching,
) -> PairVectors:
    """A pair's subword vectors pooled into words (for token_type `word`) and centred (when asked)."""
    if matching.token_type == "word":
        src, tgt = pool_words(src, src_owner, n_src), pool_words(tgt, tgt_owner, n_tgt)
        src_owner, tgt_owner = range(n_src), range(n_tgt)
    if matching.center and len(src) + len(tgt):
        mean = np.concatenate([src, tgt]).mean(axis=0)
        return PairVectors(src, tgt, src_owner, tgt_owner, src - mean, tgt - mean)
    return PairVectors(src, tgt, src_owner, tgt_owner, src, tgt)


def scored_similarity(src: np.ndarray, tgt: np.ndarray, matching: Matching) -> np.ndarray:
    """The similarity matrix the matching runs on: cosine, hubness-corrected, smoothed, distorted as set."""
    scored = similarity(src, tgt)
    scored = hubness_corrected(scored, matching.hubness) if matching.hubness else scored
    scored = diagonal_smoothed(scored, matching.diagonal)
    return apply_distortion(scored, matching.distortion)


METRIC_SHRINKAGE = 0.1  # share of the mean variance added to every direction of the difference covariance


def learned_metric(pairs: Sequence[PairVectors], matching: Matching) -> np.ndarray | None:
    """The self-trained metric: a whitening matrix for the covariance of the differences between the word
    vectors the pairs' mutual links (both probabilities over the threshold) join, shrunk towards a multiple of
    the identity; None when the links are fewer than the vectors' dimensions (too few to estimate it)."""
    differences = []
    for pair in (p for p in pairs if len(p.src) and len(p.tgt)):
        scored = scored_similarity(pair.src_scored, pair.tgt_scored, matching)
        rows, cols = np.nonzero(softmax_links(scored, matching.temperature, matching.threshold))
        differences.append(pair.src_scored[rows] - pair.tgt_scored[cols])
    if not differences:
        return None
    diff = np.concatenate(differences).astype(np.float64)
    dim = diff.shape[1]
    if len(diff) < dim:
        return None
    covariance = diff.T @ diff / len(diff)
    covariance += METRIC_SHRINKAGE * np.trace(covariance) / dim * np.eye(dim)
    values, vectors = np.linalg.eigh(covariance)
    return (vectors / np.sqrt(values)) @ vectors.T


def match_pair(pair: PairVectors, matching: Matching, metric: np.ndarray | None = None) -> tuple[WordLink, ...]:
    """Word links for one pair (in `metric` when given); scores are SimAlign's rescaled cosine similarities."""
    if len(pair.src) == 0 or len(pair.tgt) == 0:
        return ()
    src, tgt = pair.src_scored, pair.tgt_scored
    if metric is not None:
        src, tgt = src @ metric, tgt @ metric
    chosen = chosen_links(scored_similarity(src, tgt, matching), matching)
    sim = similarity(pair.src, pair.tgt)
    best: dict[tuple[int, int], float] = {}
    for i, j in zip(*np.nonzero(chosen), strict=True):
        key = (pair.src_owner[int(i)], pair.tgt_owner[int(j)])
        best[key] = max(best.get(key, 0.0), float(sim[i, j]))
    return tuple(WordLink(i, j, round(score, 4)) for (i, j), score in sorted(best.items()))


def link_vectors(
    vectors: Sequence[np.ndarray],
    owners: Sequence[Sequence[int]],
    sizes: Sequence[tuple[int, int]],
    matching: Matching,
) -> list[tuple[WordLink, ...]]:
    """Links for many pairs from their subword vectors (`vectors` and `owners`: source and target of pair k at
    2k and 2k + 1; `sizes`: each pair's word counts), in the metric self-trained on them when the matching asks."""
    pairs = [
        pair_vectors(vectors[2 * k], vectors[2 * k + 1], owners[2 * k], owners[2 * k + 1], n_src, n_tgt, matching)
        for k, (n_src, n_tgt) in enumerate(sizes)
    ]
    metric = learned_metric(pairs, matching) if matching.metric else None
    return [match_pair(pair, matching, metric) for pair in pairs]


WORD_LINK_LIMIT = 250_000  # word pairs in one sentence pair (500 × 500): past it, a similarity matrix without bound
WORDS_PER_PASS = 50_000  # words embedded and linked at once where each pair's links are its own (about 100 MB)


def passes(
    pairs: Sequence[tuple[Sequence[str], Sequence[str]]], linked: list[int], matching: Matching
) -> list[list[int]]:
    """The pairs `linked` in groups embedded and linked at once: all together where the matching's self-trained
    metric learns from every pair, else runs of about WORDS_PER_PASS words, so that the subword vectors held are
    one run's, not the whole input's (a 1 MB document's would take 0.8 GB)."""
    if matching.metric:
        return [linked]
    groups: list[list[int]] = [[]]
    words = 0
    for k in linked:
        if words >= WORDS_PER_PASS:
            groups.append([])
            words = 0
        groups[-1].append(k)
        words += len(pairs[k][0]) + len(pairs[k][1])
    return groups


def align_word_lists(
    pairs: Sequence[tuple[Sequence[str], Sequence[str]]],
    encoder: tuple[Any, Any] | None = None,
    matching: Matching | str = DEFAULT_WORD_METHOD,
    layers: Sequence[int] = DEFAULT_LAYERS,
    batch_tokens: int = DEFAULT_BATCH_TOKENS,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[WordLink, ...]]:
    """Links for many pairs of word lists at once (batched embedding passes over many sentences: `passes`).

    `matching` is a `Matching` or a method name (`growdiag`, `softmax`, or SimAlign's `inter`, `itermax`,
    `mwmf`). A pair of more than WORD_LINK_LIMIT word pairs gets no links, with an `AlignmentWarning`.
    """
    from align.sentences import AlignmentWarning

    matching = preset(matching) if isinstance(matching, str) else matching
    linked = [k for k, (src, tgt) in enumerate(pairs) if len(src) * len(tgt) <= WORD_LINK_LIMIT]
    for k in sorted(set(range(len(pairs))) - set(linked)):
        src, tgt = pairs[k]
        message = f"pair {k + 1} is too long to link its words ({len(src)} × {len(tgt)}); it gets no links"
        warnings.warn(message, AlignmentWarning, stacklevel=2)
    links: list[tuple[WordLink, ...]] = [() for _ in pairs]
    if not linked:
        return links
    encoder = encoder if encoder is not None else load_encoder()
    for group in passes(pairs, linked, matching):
        encoded = subword_ids(encoder[0], [words for k in group for words in pairs[k]])
        vectors = embed_subwords(encoder, [ids for ids, _ in encoded], layers, batch_tokens, progress)
        sizes = [(len(pairs[k][0]), len(pairs[k][1])) for k in group]
        for k, pair_links in zip(group, link_vectors(vectors, [o for _, o in encoded], sizes, matching), strict=True):
            links[k] = pair_links
    return links


def split_pretokenized(text: str, offset: int = 0) -> tuple[Token, ...]:
    """Tokens of text whose tokens are separated by whitespace, with their spans."""
    return tuple(Token(m.group(), offset + m.start(), offset + m.end()) for m in re.finditer(r"\S+", text))


def align_sentences(
    pairs: Sequence[tuple[str, str]],
    source_language: str = "de",
    target_language: str = "en",
    pretokenized: bool = False,
    encoder: tuple[Any, Any] | None = None,
    **options: Any,
) -> list[AlignedPair]:
    """Tokenize each pair of sentence texts (spans into those texts) and align their words."""
    tokens = [tokenize_pair(src, tgt, source_language, target_language, pretokenized) for src, tgt in pairs]
    return align_tokens(tokens, encoder, **options)


def tokenize_pair(
    source: str, target: str, source_language: str, target_language: str, pretokenized: bool = False
) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
    """The tokens of a sentence pair, with spans: Moses tokens, or the whitespace-separated ones when the input
    is pretokenized or when the pair is too long to link even at one token per word (more than WORD_LINK_LIMIT
    word pairs: Moses only ever splits words further, and tokenizing megabytes with it takes minutes for a pair
    that gets no links anyway)."""
    if pretokenized or len(source.split()) * len(target.split()) > WORD_LINK_LIMIT:
        return split_pretokenized(source), split_pretokenized(target)
    return tokenize(source, source_language), tokenize(target, target_language)


def align_tokens(
    pairs: Sequence[tuple[Sequence[Token], Sequence[Token]]],
    encoder: tuple[Any, Any] | None = None,
    **options: Any,
) -> list[AlignedPair]:
    """Align pairs of token sequences (options as for `align_word_lists`)."""
    words = [([t.text for t in src], [t.text for t in tgt]) for src, tgt in pairs]
    links = align_word_lists(words, encoder, **options)
    return [AlignedPair(tuple(src), tuple(tgt), pair) for (src, tgt), pair in zip(pairs, links, strict=True)]


def load_encoder(name: str | None = None, backend: str | None = None) -> tuple[Any, Any]:
    """(tokenizer, model) for word alignment: the embedded encoder (default), a known name, or a model directory.

    `backend` as for sentence embeddings (`align.encoders.choose_backend`): by default the embedded encoder runs on
    ONNX Runtime where it is installed (`align.encoders.onnx_word_encoder`: a `tokenizers.Tokenizer` and an
    `OnnxLayers`, no torch), any other model, or the embedded one with backend "torch", with transformers on torch,
    the loaded model shared with sentence embeddings (`align.encoders.shared_transformers`).
    """
    from align.encoders import EMBEDDED, choose_backend, onnx_word_encoder, resolve_model, shared_transformers

    directory = resolve_model(name or EMBEDDED)
    if choose_backend(name or EMBEDDED, directory, backend) == "onnx":
        return onnx_word_encoder(str(directory))
    return shared_transformers(str(directory))


# ---------------------------------------------------------------------------------------------------------
# Pharaoh format.


def to_pharaoh(links: Sequence[WordLink], scores: bool = False) -> str:
    """`i-j` pairs, 0-based, sorted, space-separated (one pair's line, without newline); with `scores`, each as
    `i-j:p` with the link's similarity p (the highest where a pair is linked twice)."""
    best: dict[tuple[int, int], float] = {}
    for link in links:
        best[link.source, link.target] = max(best.get((link.source, link.target), link.score), link.score)
    return " ".join(f"{i}-{j}" + (f":{p:.4f}" if scores else "") for (i, j), p in sorted(best.items()))


_LINK = re.compile(r"(\d+)-(\d+)(?::[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)?")


def parse_pharaoh(line: str, where: str = "<pharaoh>", one_based: bool = False) -> set[tuple[int, int]]:
    """The 0-based (source, target) pairs of one Pharaoh line: `i-j`, or `i-j:p` with a probability (ignored);
    `one_based` when the line counts from 1."""
    from align.errors import InputError

    shift = 1 if one_based else 0
    out = set()
    for item in line.split():
        m = _LINK.fullmatch(item)
        if m is None:
            raise InputError(where, f"'{item}' is not an i-j link", "write links as i-j (or i-j:p) pairs")
        link = (int(m.group(1)) - shift, int(m.group(2)) - shift)
        if min(link) < 0:
            raise InputError(where, f"'{item}' has index 0", "leave out the one-based option for 0-based links")
        out.add(link)
    return out


# ---------------------------------------------------------------------------------------------------------
# Inputs: sentence-per-line files and beads files.


def split_lines(text: str) -> list[str]:
    """Lines split on newlines only (not on the other characters str.splitlines treats as breaks)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def read_line_pairs(src_text: str, tgt_text: str, src_name: str, tgt_name: str) -> list[tuple[str, str]]:
    """Sentence pairs from two one-sentence-per-line texts; refuse files whose line counts differ."""
    from align.errors import InputError

    src, tgt = split_lines(src_text), split_lines(tgt_text)
    if len(src) != len(tgt):
        longer, shorter = (src_name, tgt_name) if len(src) > len(tgt) else (tgt_name, src_name)
        line = min(len(src), len(tgt)) + 1
        raise InputError(
            f"{longer}:{line}",
            f"has {max(len(src), len(tgt))} lines but {shorter} has {min(len(src), len(tgt))}; "
            f"line {line} has no partner",
            "give both files one sentence per line, the same number of lines (an empty line for none)",
        )
    return list(zip(src, tgt, strict=True))


def read_bitext(text: str, where: str) -> list[tuple[str, str]]:
    """Sentence pairs from one file of `source ||| target` lines (fast_align, eflomal and awesome-align's input);
    each side without its surrounding spaces, an empty line an empty pair."""
    from align.errors import InputError

    pairs = []
    for number, line in enumerate(split_lines(text), 1):
        sides = line.split("|||") if line.strip() else ["", ""]
        if len(sides) != 2:
            raise InputError(
                f"{where}:{number}",
                f"has {len(sides) - 1} '|||' separators",
                "write each pair as one line: source ||| target",
            )
        pairs.append((sides[0].strip(), sides[1].strip()))
    return pairs
