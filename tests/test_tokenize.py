"""Word tokens: Moses-compatible, figures kept whole, spans back into the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sacremoses import MosesTokenizer

from align.tokenize import tokenize


def test_figures_are_single_tokens():
    text = "Die Aktie fiel um 2,45 Prozent auf 1.500 Punkte, 52,5 Mrd. für QwQ-32B und 32B Modelle; $4.6 und HK$131.5."
    tokens = [t.text for t in tokenize(text, "de")]
    for figure in ("2,45", "1.500", "52,5", "QwQ-32B", "32B", "$4.6", "HK$131.5"):
        assert figure in tokens
    english = [t.text for t in tokenize("It fell −1.59% at 1:13 p.m., about $52.5 billion.", "en")]
    assert english == ["It", "fell", "−1.59", "%", "at", "1:13", "p.m.", ",", "about", "$52.5", "billion", "."]


def test_tokens_match_moses_where_no_figure_is_joined():
    text = 'Er sagte: "Die USA sollten mehr investieren" (z. B. in F&E).'
    assert [t.text for t in tokenize(text, "de")] == MosesTokenizer(lang="de").tokenize(text, escape=False)


def test_spans_point_into_the_document():
    text = "xx Die Aktie fiel um 2,45 Prozent."
    tokens = tokenize(text[3:], "de", offset=3)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert tokenize("   ", "de") == ()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aB9,.:$€−-% \n\"'()😀\u200fäß")), max_size=60))
def test_token_spans_slice_back_for_any_text(text):
    previous = 0
    for token in tokenize(text, "de"):
        assert text[token.start : token.end] == token.text
        assert token.start >= previous
        previous = token.end
