"""The field's formats and metrics (issue 21): TMX labels of any language, Vecalign's scored beads and its
micro-averaged score.py over several documents, line numbers with --presegmented, one numbering for bilingual
files, CLI = Python API, `source ||| target` input, Pharaoh with probabilities, sacreBLEU's chrF++ and TER."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from align import sentences as s
from align import words as w
from align.beads import Bead, format_beads, parse_beads
from align.cli import run
from align.encoders import Encoder
from align.errors import InputError
from align.evaluate import sentence_alignment_scores
from tests.test_encoders import build_embedded

BeadList = list[tuple[tuple[int, ...], tuple[int, ...]]]


def _pairs(beads: tuple[Bead, ...]) -> BeadList:
    return [(b.source, b.target) for b in beads]


@pytest.fixture(scope="module")
def e5(tmp_path_factory) -> Encoder:
    from align.encoders import load_encoder

    return load_encoder(str(build_embedded(tmp_path_factory)))


@pytest.fixture(scope="module")
def textberg(shared_data: Path) -> Path:
    return shared_data / "sentence-alignment" / "textberg-defr-dev"


def _lines(path: Path, count: int) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[:count]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# --- 1. TMX labels: any language, or exit 2 asking for it -------------------------------------------------


def test_tmx_labels_a_german_french_pair(textberg: Path, tmp_path: Path, capsys) -> None:
    de, fr = (_write(tmp_path / f"dev.{x}", _lines(textberg / f"dev.{x}", 40)) for x in ("de", "fr"))
    memory = tmp_path / "dev.tmx"
    assert (
        run(
            [
                "sentences",
                str(de),
                str(fr),
                "--presegmented",
                "--encoder",
                "length",
                "--format",
                "tmx",
                "-o",
                str(memory),
            ]
        )
        == 0
    )
    labels = re.findall(r'xml:lang="([^"]+)"', memory.read_text(encoding="utf-8"))
    assert set(labels[0::2]) == {"de"} and set(labels[1::2]) == {"fr"}
    assert 'srclang="de"' in memory.read_text(encoding="utf-8")


def test_tmx_refuses_a_language_it_cannot_tell(tmp_path: Path, capsys) -> None:
    de, en = _write(tmp_path / "a.de", ["Der Umsatz stieg."]), _write(tmp_path / "a.en", ["Revenue rose."])
    args = ["sentences", str(de), str(en), "--presegmented", "--encoder", "length", "--format", "tmx"]
    assert run([*args, "-o", str(tmp_path / "a.tmx")]) == 2
    assert "give it with --src-lang" in capsys.readouterr().err and not (tmp_path / "a.tmx").exists()
    assert run([*args, "--src-lang", "de", "--tgt-lang", "en", "-o", str(tmp_path / "a.tmx")]) == 0
    assert re.findall(r'xml:lang="([^"]+)"', (tmp_path / "a.tmx").read_text(encoding="utf-8")) == ["de", "en"]


# --- 2. Vecalign's scored beads; several documents micro-averaged as score.py -----------------------------


def _score_py(gold_list: list[BeadList], test_list: list[BeadList]) -> dict[str, float]:
    """Vecalign's score.py (`_precision`, `score_multiple`), transcribed as the reference."""

    def precision(goldalign, testalign):
        tpstrict = fpstrict = tplax = fplax = 0
        testalign = {(tuple(x), tuple(y)) for x, y in testalign if len(x) or len(y)}
        goldalign = {(tuple(x), tuple(y)) for x, y in goldalign if len(x) or len(y)}
        src_id_to_gold_tgt_ids = defaultdict(set)
        for gold_src, gold_tgt in goldalign:
            for gold_src_id in gold_src:
                for gold_tgt_id in gold_tgt:
                    src_id_to_gold_tgt_ids[gold_src_id].add(gold_tgt_id)
        for test_src, test_target in testalign:
            if (test_src, test_target) in goldalign:
                tpstrict += 1
                tplax += 1
            else:
                target_ids = {t for i in test_src for t in src_id_to_gold_tgt_ids[i]}
                fpstrict += 1
                if set(test_target) & target_ids:
                    tplax += 1
                else:
                    fplax += 1
        return [tpstrict, fpstrict, tplax, fplax]

    pcounts, rcounts = [0] * 4, [0] * 4
    for goldalign, testalign in zip(gold_list, test_list, strict=True):
        pcounts = [a + b for a, b in zip(pcounts, precision(goldalign, testalign), strict=True)]
        test_no_del = [(x, y) for x, y in testalign if len(x) and len(y)]
        gold_no_del = [(x, y) for x, y in goldalign if len(x) and len(y)]
        rcounts = [a + b for a, b in zip(rcounts, precision(test_no_del, gold_no_del), strict=True)]
    pstrict, plax = pcounts[0] / (pcounts[0] + pcounts[1]), pcounts[2] / (pcounts[2] + pcounts[3])
    rstrict, rlax = rcounts[0] / (rcounts[0] + rcounts[1]), rcounts[2] / (rcounts[2] + rcounts[3])
    return {
        "precision_strict": pstrict,
        "recall_strict": rstrict,
        "f1_strict": 2 * pstrict * rstrict / (pstrict + rstrict),
        "precision_lax": plax,
        "recall_lax": rlax,
        "f1_lax": 2 * plax * rlax / (plax + rlax),
    }


def _vecalign_lines(beads: BeadList, score: float) -> str:
    """Beads as Vecalign's `print_alignments` writes them: `%s:%s:%.6f` of the two index lists and a cost."""
    return "".join("%s:%s:%.6f\n" % (list(x), list(y), score * k) for k, (x, y) in enumerate(beads))  # noqa: UP031


def _merged(beads: BeadList, every: int) -> BeadList:
    """Every `every`-th bead glued to the next one: a realistic 2-2 / 1-2 error pattern."""
    out: BeadList = []
    skip = False
    for k, (x, y) in enumerate(beads):
        if skip:
            skip = False
            continue
        if k % every == 0 and k + 1 < len(beads):
            nx, ny = beads[k + 1]
            out.append((x + nx, y + ny))
            skip = True
        else:
            out.append((x, y))
    return out


def test_evaluate_reads_vecalign_scored_beads(textberg: Path, tmp_path: Path, capsys) -> None:
    gold = _pairs(parse_beads((textberg / "dev.defr").read_text(encoding="utf-8")))
    scored = tmp_path / "dev.vecalign"
    scored.write_text(_vecalign_lines(_merged(gold, 7), 0.0123456), encoding="utf-8")
    assert all(re.fullmatch(r"\[[\d, ]*\]:\[[\d, ]*\]:\d+\.\d{6}", line) for line in scored.read_text().splitlines())
    plain = tmp_path / "dev.beads"
    plain.write_text("".join(f"{list(x)}:{list(y)}\n" for x, y in _merged(gold, 7)), encoding="utf-8")
    assert run(["evaluate", "sentences", str(textberg / "dev.defr"), str(scored), "--format", "json"]) == 0
    from_scored = json.loads(capsys.readouterr().out)
    assert run(["evaluate", "sentences", str(textberg / "dev.defr"), str(plain), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == from_scored
    expected = _score_py([gold], [_merged(gold, 7)])
    assert {k: from_scored[k] for k in expected} == pytest.approx(expected, abs=1e-12)


def test_several_files_are_micro_averaged_as_score_py(textberg: Path, tmp_path: Path, capsys) -> None:
    gold = _pairs(parse_beads((textberg / "dev.defr").read_text(encoding="utf-8")))
    golds = [gold[:100], gold[100:300], gold[300:]]
    preds = [_merged(golds[0], 3), golds[1], _merged(golds[2], 5)]
    files = []
    for k, (g, p) in enumerate(zip(golds, preds, strict=True)):
        (tmp_path / f"{k}.gold").write_text(_vecalign_lines(g, 0.0), encoding="utf-8")
        (tmp_path / f"{k}.pred").write_text(_vecalign_lines(p, 0.5), encoding="utf-8")
        files += [str(tmp_path / f"{k}.gold"), str(tmp_path / f"{k}.pred")]
    assert run(["evaluate", "sentences", *files, "--format", "json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    expected = _score_py(golds, preds)
    assert {k: scores[k] for k in expected} == pytest.approx(expected, abs=1e-12)
    macro = sum(_score_py([g], [p])["f1_strict"] for g, p in zip(golds, preds, strict=True)) / 3
    assert abs(scores["f1_strict"] - macro) > 1e-3  # pooled counts, not a mean of per-document scores
    assert scores["documents"] == 3
    assert all(set(kind) == {"type", "f1", "gold", "predicted"} for kind in scores["by_type"])
    assert sum(kind["gold"] for kind in scores["by_type"]) == len(gold)
    assert run(["evaluate", "sentences", *files[:3]]) == 2
    assert "GOLD PRED pairs" in capsys.readouterr().err


# --- 3.-5. line numbers with --presegmented, one numbering, CLI = API ------------------------------------


def test_blank_lines_keep_their_numbers_and_are_in_no_bead(textberg: Path, tmp_path: Path, capsys) -> None:
    de, fr = _lines(textberg / "dev.de", 30), _lines(textberg / "dev.fr", 36)
    de_blank = [*de[:3], "", *de[3:10], "   ", "", *de[10:]]
    fr_blank = ["", *fr[:20], "\t", *fr[20:]]
    plain = tmp_path / "plain.beads"
    args = ["--presegmented", "--encoder", "length"]
    assert (
        run(
            [
                "sentences",
                str(_write(tmp_path / "a.de", de)),
                str(_write(tmp_path / "a.fr", fr)),
                *args,
                "-o",
                str(plain),
            ]
        )
        == 0
    )
    blank = tmp_path / "blank.beads"
    src, tgt = _write(tmp_path / "b.de", de_blank), _write(tmp_path / "b.fr", fr_blank)
    assert run(["sentences", str(src), str(tgt), *args, "-o", str(blank)]) == 0
    src_lines = [k for k, line in enumerate(de_blank) if line.strip()]
    tgt_lines = [k for k, line in enumerate(fr_blank) if line.strip()]
    expected = [
        (tuple(src_lines[i] for i in x), tuple(tgt_lines[j] for j in y))
        for x, y in _pairs(parse_beads(plain.read_text()))
    ]
    assert _pairs(parse_beads(blank.read_text())) == expected  # the same beads, numbered by line
    named = {i for x, _ in expected for i in x}, {j for _, y in expected for j in y}
    assert named == (set(src_lines), set(tgt_lines))  # every sentence in a bead, no blank line in any
    assert run(["sentences", str(src), str(tgt), *args, "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(tuple(r["source"]), tuple(r["target"])) for r in records] == expected
    text = src.read_text(encoding="utf-8")
    assert all(
        text[a:b] == de_blank[i].strip()
        for r in records
        for i, (a, b) in zip(r["source"], r["source_spans"], strict=True)
    )


def test_bilingual_jsonl_numbers_sentences_as_beads(tmp_path: Path, capsys) -> None:
    table = tmp_path / "units.tsv"
    table.write_text(
        "id\tsource\ttarget\n"
        "u1\tDer Umsatz stieg um 5 %. Der Gewinn fiel.\tRevenue rose by 5%. Profit fell.\n"
        "u2\tDas Werk schloss 2023. Alle 300 Stellen fielen weg. Der Rest blieb.\t"
        "The plant closed in 2023. All 300 jobs were cut. The rest stayed.\n",
        encoding="utf-8",
    )
    assert run(["sentences", str(table), "--encoder", "length"]) == 0
    beads = _pairs(parse_beads(capsys.readouterr().out))
    assert run(["sentences", str(table), "--encoder", "length", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(tuple(r["source"]), tuple(r["target"])) for r in records] == beads
    assert (
        records[-1]["unit"] == "u2" and records[-1]["source"] == [4] and records[-1]["source_text"] == "Der Rest blieb."
    )


def test_cli_equals_align_lines_on_lines_with_trailing_spaces(textberg: Path, tmp_path: Path, e5: Encoder) -> None:
    de, fr = textberg / "dev.de", textberg / "dev.fr"
    src, tgt = (path.read_text(encoding="utf-8").splitlines(keepends=True)[:40] for path in (de, fr))
    assert all(line.endswith(" \n") for line in src)  # the corpus's lines end with a space
    (tmp_path / "a.de").write_text("".join(src), encoding="utf-8")
    (tmp_path / "a.fr").write_text("".join(tgt), encoding="utf-8")
    out = tmp_path / "a.beads"
    assert (
        run(
            [
                "sentences",
                str(tmp_path / "a.de"),
                str(tmp_path / "a.fr"),
                "--presegmented",
                "--encoder",
                str(e5.path),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    raw = [line.rstrip("\n") for line in src], [line.rstrip("\n") for line in tgt]
    beads = s.align_lines(*raw, e5)
    assert out.read_text() == format_beads(beads)
    assert beads == s.align_texts([x.strip() for x in raw[0]], [x.strip() for x in raw[1]], e5)


# --- 6. word alignment: `|||` input, Pharaoh with probabilities, one-based predictions ---------------------


@pytest.fixture(scope="module")
def rwth(shared_data: Path) -> Path:
    return shared_data / "word-alignment" / "rwth-deen"


def test_words_reads_source_target_lines_and_writes_scores(rwth: Path, tmp_path: Path) -> None:
    de, en = _lines(rwth / "deen.de", 6), _lines(rwth / "deen.en", 6)
    bitext = tmp_path / "deen.txt"
    bitext.write_text("".join(f"{s_} ||| {t}\n" for s_, t in zip(de, en, strict=True)) + "\n", encoding="utf-8")
    two_files = tmp_path / "two.pharaoh"
    assert (
        run(
            [
                "words",
                str(_write(tmp_path / "de", [*de, ""])),
                str(_write(tmp_path / "en", [*en, ""])),
                "--pretokenized",
                "--quiet",
                "-o",
                str(two_files),
            ]
        )
        == 0
    )
    one_file = tmp_path / "one.pharaoh"
    assert run(["words", str(bitext), "--pretokenized", "--quiet", "-o", str(one_file)]) == 0
    assert one_file.read_text() == two_files.read_text() and one_file.read_text().endswith("\n\n")
    scored = tmp_path / "scored.pharaoh"
    assert (
        run(["words", str(bitext), "--pretokenized", "--quiet", "--format", "pharaoh-scores", "-o", str(scored)]) == 0
    )
    first = scored.read_text().splitlines()[0].split()
    assert all(re.fullmatch(r"\d+-\d+:[01]\.\d{4}", item) for item in first)
    assert " ".join(item.split(":")[0] for item in first) == one_file.read_text().splitlines()[0]
    # the scored links evaluate as the plain ones, and one-based predictions as their 0-based originals
    gold = tmp_path / "gold.talp"
    gold.write_text("".join(line + "\n" for line in _lines(rwth / "deen.talp", 6)) + "\n", encoding="utf-8")
    one_based = tmp_path / "one.based"
    one_based.write_text(
        "".join(
            " ".join(f"{i + 1}-{j + 1}" for i, j in sorted(w.parse_pharaoh(line))) + "\n"
            for line in w.split_lines(one_file.read_text())
        ),
        encoding="utf-8",
    )
    results = []
    for pred, extra in ((one_file, []), (scored, []), (one_based, ["--pred-one-based"])):
        out = tmp_path / "scores.json"
        assert (
            run(["evaluate", "words", str(gold), str(pred), "--one-based", "--format", "json", "-o", str(out), *extra])
            == 0
        )
        results.append(json.loads(out.read_text()))
    assert results[0] == results[1] == results[2] and results[0]["predicted"] > 0


def test_bitext_lines_are_checked(tmp_path: Path, capsys) -> None:
    assert w.read_bitext("a b ||| x y\n\n ||| z\n", "p") == [("a b", "x y"), ("", ""), ("", "z")]
    bad = tmp_path / "bad.txt"
    bad.write_text("a ||| b\nc d\n", encoding="utf-8")
    assert run(["words", str(bad), "--pretokenized"]) == 2
    assert "bad.txt:2: has 0 '|||' separators" in capsys.readouterr().err
    assert run(["words", str(bad), "--beads", str(bad)]) == 2
    with pytest.raises(InputError, match="has index 0"):
        w.parse_pharaoh("0-1", "p", one_based=True)


# --- 7. translation metrics: sacreBLEU's own numbers ---------------------------------------------------


def _translations(rwth: Path) -> tuple[list[str], list[str], list[str]]:
    """Real English sentences as two references, and a hypothesis that drops, swaps and recases words."""
    ref = _lines(rwth / "deen.en", 60)
    ref2 = [" ".join(line.split()[::-1]) if k % 4 == 0 else line.lower() for k, line in enumerate(ref)]
    hyp = [" ".join(line.split()[: max(1, len(line.split()) - k % 3)]) for k, line in enumerate(ref2)]
    return hyp, ref, ref2


def test_translation_metrics_equal_sacrebleu(rwth: Path, tmp_path: Path, capsys) -> None:
    from sacrebleu.metrics import BLEU, CHRF, TER

    hyp, ref, ref2 = _translations(rwth)
    files = [_write(tmp_path / name, lines) for name, lines in (("hyp", hyp), ("ref", ref), ("ref2", ref2))]
    assert run(["evaluate", "translation", *map(str, files), "--format", "json"]) == 0
    ours = json.loads(capsys.readouterr().out)
    bleu, chrf, chrf_pp, ter = BLEU(), CHRF(), CHRF(word_order=2), TER()
    bleu_score = bleu.corpus_score(hyp, [ref, ref2])
    assert ours["bleu"] == bleu_score.score and ours["bleu_precisions"] == bleu_score.precisions
    assert ours["brevity_penalty"] == bleu_score.bp and ours["reference_length"] == bleu_score.ref_len
    assert ours["chrf"] == chrf.corpus_score(hyp, [ref, ref2]).score
    assert ours["chrf_plus_plus"] == chrf_pp.corpus_score(hyp, [ref, ref2]).score
    assert ours["ter"] == ter.corpus_score(hyp, [ref, ref2]).score
    signatures = [str(m.get_signature()) for m in (bleu, chrf, chrf_pp, ter)]
    assert [ours[f"{k}_signature"] for k in ("bleu", "chrf", "chrf_plus_plus", "ter")] == signatures
    assert "nrefs:2" in ours["bleu_signature"] and "nw:2" in ours["chrf_plus_plus_signature"]
    assert ours["references"] == 2 and ours["sentences"] == 60
    assert run(["evaluate", "translation", str(files[0]), str(files[1])]) == 0
    text = capsys.readouterr().out
    assert "chrF++" in text and "TER" in text and "TER signature: nrefs:1|case:lc|tok:tercom" in text


def test_translation_reads_lines_as_sacrebleu_and_drops_a_bom(rwth: Path, tmp_path: Path, capsys) -> None:
    from sacrebleu.metrics import BLEU, CHRF

    hyp, ref, _ = _translations(rwth)
    (tmp_path / "hyp").write_bytes(b"\xef\xbb\xbf" + "".join(f"{line}  \r\n" for line in hyp).encode())
    (tmp_path / "ref").write_text("".join(line + "\n" for line in ref), encoding="utf-8")
    assert run(["evaluate", "translation", str(tmp_path / "hyp"), str(tmp_path / "ref"), "--format", "json"]) == 0
    ours = json.loads(capsys.readouterr().out)
    assert ours["bleu"] == BLEU().corpus_score(hyp, [ref]).score  # as `sacrebleu -e utf-8-sig`
    assert ours["chrf"] == CHRF().corpus_score(hyp, [ref]).score
    assert ours["chrf"] != CHRF().corpus_score(["\ufeff" + hyp[0], *hyp[1:]], [ref]).score  # sacreBLEU's default
    _write(tmp_path / "short", ref[:-1])
    assert run(["evaluate", "translation", str(tmp_path / "hyp"), str(tmp_path / "ref"), str(tmp_path / "short")]) == 2
    assert "short: has 59 lines" in capsys.readouterr().err


def test_sentence_alignment_scores_by_type_are_labelled() -> None:
    gold = [Bead((0,), (0,), 0.0), Bead((1,), (1, 2), 0.0)]
    predicted = [Bead((0,), (0,), 0.0), Bead((1,), (1,), 0.0), Bead((), (2,), 0.0)]
    scores = sentence_alignment_scores([gold], [predicted])
    assert [(t.type, t.gold, t.predicted) for t in scores.by_type] == [("0-1", 0, 1), ("1-1", 1, 2), ("1-2", 1, 0)]
