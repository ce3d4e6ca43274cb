"""Build a tiny MarianMT model (random weights, real SentencePiece vocabulary) for the translation tests.

It follows opus-mt's conventions: `</s>` = 0, `<unk>` = 1, `<pad>` the last id (CTranslate2's Marian
converter drops the last embedding row as padding), shared source/target vocabulary, safetensors weights.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ENGLISH = """\
The company announced a new partnership on Thursday.
Revenue rose by 12 percent in the second quarter.
The chairman said the market was growing faster than expected.
Artificial intelligence is changing how people work.
The share price fell by 2.45 percent to 131.5 Hong Kong dollars.
Cloud computing remains the most important business.
He warned of a bubble in data center construction.
The model was released as open source in June.
Investors reacted cautiously to the announcement.
The agreement covers several years and many countries.
Apple wants to use the technology in its phones.
The team played in Macau for the first time in six years.
Nobody knows whether the investments will pay off.
The report was written by the editorial team.
Prices were about 50 percent higher than last year.
The government plans to invest more in education.
Researchers published the results in a journal.
The new system is faster and uses less memory.
The city has about two million inhabitants.
Sales grew strongly in Europe and Asia.
The weather will be sunny tomorrow.
We need more time to finish the project.
She works as an engineer in Berlin.
The train arrives at ten o'clock.
Please read the instructions carefully.
The museum is closed on Mondays.
Most users prefer the mobile app.
The conference takes place in September.
Costs rose to more than 100 billion dollars.
The decision was made after long discussions.
"""

GERMAN = """\
Das Wetter wird morgen sonnig.
Wir brauchen mehr Zeit, um das Projekt abzuschließen.
Sie arbeitet als Ingenieurin in Berlin.
Der Zug kommt um zehn Uhr an.
Bitte lesen Sie die Anleitung sorgfältig.
Das Museum ist montags geschlossen.
Die meisten Nutzer bevorzugen die mobile App.
Die Konferenz findet im September statt.
Die Kosten stiegen auf mehr als 100 Milliarden Dollar.
Die Entscheidung fiel nach langen Diskussionen.
Der Umsatz stieg im zweiten Quartal um 12 Prozent.
Die Regierung plant, mehr in Bildung zu investieren.
Forscher veröffentlichten die Ergebnisse in einer Zeitschrift.
Das neue System ist schneller und braucht weniger Speicher.
Die Stadt hat etwa zwei Millionen Einwohner.
"""


def training_sentences() -> list[str]:
    """A few hundred German and English sentences: the German seeds plus the lines above."""
    lines = [*ENGLISH.splitlines(), *GERMAN.splitlines()]
    for seed in sorted((ROOT / "seeds" / "de").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        lines += [s.strip() for s in re.split(r"(?<=[.!?:])\s+|\n+", text) if len(s.strip()) > 3]
    return lines


def build_tiny_marian(
    directory: Path,
    vocab_size: int = 400,
    layers: int = 1,
    d_model: int = 32,
    init_std: float = 0.5,
    eos_bias: float = 6.5,
) -> Path:
    """Write config, generation config, safetensors weights and a MarianTokenizer into `directory`."""
    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    corpus = directory / "corpus.txt"
    corpus.write_text("\n".join(training_sentences()) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(directory / "spm"),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        unk_id=1,
        eos_id=0,
        bos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    corpus.unlink()
    shutil.move(directory / "spm.model", directory / "source.spm")
    shutil.copy(directory / "source.spm", directory / "target.spm")
    pieces = [line.split("\t")[0] for line in (directory / "spm.vocab").read_text(encoding="utf-8").splitlines()]
    (directory / "spm.vocab").unlink()
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    pad = len(vocab)
    vocab["<pad>"] = pad
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    config = MarianConfig(
        vocab_size=pad + 1,
        decoder_vocab_size=pad + 1,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model,
        max_position_embeddings=512,
        pad_token_id=pad,
        eos_token_id=0,
        bos_token_id=0,
        decoder_start_token_id=pad,
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
        activation_function="swish",
        init_std=init_std,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    with torch.no_grad():
        model.final_logits_bias[0, 0] = eos_bias  # random weights otherwise never stop; this mixes short and long
    model.generation_config = GenerationConfig(
        num_beams=2,
        max_length=512,
        bad_words_ids=[[pad]],
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        bos_token_id=0,
    )
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer = MarianTokenizer(
        source_spm=str(directory / "source.spm"),
        target_spm=str(directory / "target.spm"),
        vocab=str(directory / "vocab.json"),
        source_lang="de",
        target_lang="en",
        model_max_length=512,
    )
    tokenizer.save_pretrained(directory)
    return directory
