"""The `align` command: one entry point, subcommands per stage (see DESIGN.md)."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import click

from align import __version__
from align.errors import DependencyMissingError, InputError, ModelMissingError, missing_package
from align.files import atomic_output, refuse_overwrite, write_streamed
from align.vocab import BILINGUAL_FORMATS, DEFAULT_WORD_METHOD, DOCUMENT_FORMATS, EMBEDDED, WORD_METHODS

INTERNAL_ERROR = 70


def progress_enabled(progress: bool | None) -> bool:
    """Progress goes to stderr only on a terminal, unless --progress/--quiet says otherwise."""
    return sys.stderr.isatty() if progress is None else progress


class InputPath(click.Path):
    """A file (or folder) a command reads: no output of the command may replace it, hold it or sit inside it."""


class OutputPath(click.Path):
    """A file a command writes."""


def _paths(ctx: click.Context, kind: type[click.Path]) -> list[str]:
    values: list[str] = []
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if isinstance(param.type, kind) and value:
            values.extend(value if isinstance(value, tuple) else [value])
    return values


class _Command(click.Command):
    """A subcommand that refuses, before it runs, an output path that would overwrite one of its inputs."""

    def invoke(self, ctx: click.Context) -> Any:
        refuse_overwrite(_paths(ctx, InputPath), _paths(ctx, OutputPath))
        return super().invoke(ctx)


class _Group(click.Group):
    command_class = _Command
    group_class = type


progress_option = click.option(
    "--progress/--quiet",
    "progress",
    default=None,
    help="Show or hide progress on stderr (default: shown only on a terminal).",
)
output_option = click.option(
    "-o",
    "--output",
    type=OutputPath(dir_okay=False, allow_dash=True),
    default="-",
    help="Output file (default: stdout). Written to a temporary file, then renamed.",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="align")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def cli(debug: bool) -> None:
    """Translate German to English, align sentences and words, and check figures and claims."""


@cli.group()
def evaluate() -> None:
    """Score predictions against gold data with the field's metrics."""


@cli.command()
@click.argument("doc", type=InputPath(dir_okay=True, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "jsonl"]),
    default="txt",
    show_default=True,
    help="txt: one sentence per line; jsonl: index, span, block and text per segment.",
)
@click.option("--lang", type=click.Choice(["de", "en"]), default=None, help="Language (default: guessed).")
@click.option(
    "--input-format",
    type=click.Choice(["text", "markdown", "lines"]),
    default=None,
    help="How to read DOC (default: by suffix and content).",
)
@output_option
def segment(doc: str, fmt: str, lang: str | None, input_format: str | None, output: str) -> int:
    """Split DOC into sentences with character spans."""
    import json

    from align.documents import load_document
    from align.segment import iter_segments
    from align.serialize import to_json

    document = load_document(doc, language=lang, format=input_format)
    with atomic_output(output) as out:
        for seg in iter_segments(document):
            if fmt == "jsonl":
                out.write(json.dumps(to_json(seg), ensure_ascii=False) + "\n")
            else:
                out.write(" ".join(seg.text.split()) + "\n")
    return 0


@cli.command("words")
@click.argument("src", type=InputPath(dir_okay=False, allow_dash=True))
@click.argument("tgt", required=False, type=InputPath(dir_okay=False, allow_dash=True))
@click.option("--pretokenized", is_flag=True, help="Tokens are separated by spaces already (gold sets).")
@click.option(
    "--method",
    type=click.Choice(list(WORD_METHODS)),
    default=DEFAULT_WORD_METHOD,
    show_default=True,
    help="growdiag: each direction's links that are more likely than not (softmax probability over 0.5), "
    "symmetrized by grow-diag; softmax: both directions' probabilities over 0.4 (awesome-align's extraction); "
    "inter, itermax, mwmf: SimAlign's own. growdiag and softmax match in a metric self-trained on the input's "
    "confident links when it gives 384 or more (about 25 pairs), so a pair's links can depend on the others, "
    "as with fast_align or eflomal.",
)
@click.option(
    "--layer",
    "layers",
    type=int,
    multiple=True,
    help="Encoder layer, 0 = embeddings (default 7, best measured; repeat to average layers).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pharaoh", "pharaoh-scores", "jsonl"]),
    default="pharaoh",
    show_default=True,
    help="pharaoh: 0-based i-j links, one line per pair; pharaoh-scores: i-j:p with each link's similarity p; "
    "jsonl: tokens with spans, links with scores.",
)
@click.option(
    "--beads",
    type=InputPath(dir_okay=False),
    default=None,
    help="Beads from `align sentences`; SRC and TGT are then the two documents.",
)
@click.option(
    "--encoder", default=None, help="Encoder name or local transformers directory (default: embedded e5-small)."
)
@click.option("--src-lang", default="de", show_default=True)
@click.option("--tgt-lang", default="en", show_default=True)
@output_option
@progress_option
def words_command(
    src: str,
    tgt: str | None,
    pretokenized: bool,
    method: str,
    layers: tuple[int, ...],
    fmt: str,
    beads: str | None,
    encoder: str | None,
    src_lang: str,
    tgt_lang: str,
    output: str,
    progress: bool | None,
) -> int:
    """Word alignment of aligned sentence pairs: one sentence per line in SRC and TGT, one `source ||| target`
    line per pair in SRC alone (as fast_align, eflomal and awesome-align read), or two documents and --beads."""
    import json

    from align import words as w
    from align.beads import Bead, check_beads, parse_beads
    from align.encoders import is_embedded
    from align.errors import TRANSFORMERS_ENCODER, WORD_ALIGNMENT, require
    from align.files import atomic_output, read_text
    from align.serialize import to_json

    # before a conversion (seconds); the embedded encoder by name or by its converted directory needs no torch
    require(WORD_ALIGNMENT if is_embedded(encoder) else TRANSFORMERS_ENCODER, "align words")
    groups: tuple[Bead, ...] = ()
    if beads is None:
        if tgt is None:
            lines = w.read_bitext(read_text(src), src)
        else:
            lines = w.read_line_pairs(read_text(src), read_text(tgt), src, tgt)
        tokens = [w.tokenize_pair(s, t, src_lang, tgt_lang, pretokenized) for s, t in lines]
    elif tgt is None:
        raise InputError("--beads", "aligns the words of two documents", "give SRC and TGT")
    else:
        from align.documents import load_document
        from align.pipeline import bead_tokens
        from align.segment import segment

        src_segs = segment(load_document(src, src_lang))
        tgt_segs = segment(load_document(tgt, tgt_lang))
        groups = check_beads(parse_beads(read_text(beads), beads), len(src_segs), len(tgt_segs), beads)
        tokens = [
            (bead_tokens(src_segs, bead.source, src_lang), bead_tokens(tgt_segs, bead.target, tgt_lang))
            for bead in groups
        ]
    options: dict[str, object] = {"matching": method}
    if layers:
        options["layers"] = layers
    if progress_enabled(progress):
        from tqdm import tqdm

        bar = tqdm(total=None, unit="seq", desc="embedding", file=sys.stderr)
        options["progress"] = bar.update
    tokenizer, model = w.load_encoder(encoder)
    depth = model.config.num_hidden_layers
    if any(not 0 <= k <= depth for k in layers):
        raise InputError("--layer", f"the encoder has layers 0 to {depth}", f"give --layer between 0 and {depth}")
    from align.sentences import AlignmentWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AlignmentWarning)
        aligned = w.align_tokens(tokens, (tokenizer, model), **options)
    for warning in caught:
        if issubclass(warning.category, AlignmentWarning):
            click.echo(f"align: warning: {warning.message}", err=True)
    if "progress" in options:
        bar.close()
    with atomic_output(output) as out:
        for k, pair in enumerate(aligned):
            if fmt != "jsonl":
                out.write(w.to_pharaoh(pair.links, scores=fmt == "pharaoh-scores") + "\n")
            else:
                record = {"pair": k, **to_json(pair)}
                if groups:
                    record["source_segments"], record["target_segments"] = groups[k].source, groups[k].target
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


@evaluate.command("words")
@click.argument("gold", type=InputPath(dir_okay=False, allow_dash=True))
@click.argument("pred", type=InputPath(dir_okay=False, allow_dash=True))
@click.option("--one-based", is_flag=True, help="GOLD indices start at 1 (as RWTH's talp files).")
@click.option("--pred-one-based", is_flag=True, help="PRED indices start at 1 (default: 0, as `align words` writes).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@output_option
def evaluate_words(gold: str, pred: str, one_based: bool, pred_one_based: bool, fmt: str, output: str) -> int:
    """AER, precision, recall and F1 of Pharaoh links PRED (i-j, or i-j:p with a probability) against talp gold
    GOLD (i-j sure, ipj possible)."""
    import json

    from align.evaluate import read_talp, word_alignment_scores
    from align.files import atomic_output, read_text
    from align.serialize import to_json
    from align.words import parse_pharaoh, split_lines

    gold_links = read_talp(read_text(gold), one_based, gold)
    pred_lines = split_lines(read_text(pred))
    if len(pred_lines) != len(gold_links):
        raise InputError(
            pred,
            f"has {len(pred_lines)} lines but {gold} has {len(gold_links)}",
            "give one line of links per gold sentence pair",
        )
    predicted = [parse_pharaoh(line, f"{pred}:{k}", pred_one_based) for k, line in enumerate(pred_lines, 1)]
    scores = word_alignment_scores(gold_links, predicted)
    with atomic_output(output) as out:
        out.write((json.dumps(to_json(scores)) if fmt == "json" else str(scores)) + "\n")
    return 0


@cli.command("translate")
@click.argument("doc", type=InputPath(dir_okay=False, allow_dash=True))
@click.option("--model", default=None, help="Model name or directory (default: Helsinki-NLP/opus-mt-de-en).")
@click.option(
    "--backend", type=click.Choice(["transformers", "ctranslate2"]), default="transformers", show_default=True
)
@click.option("--beam", type=click.IntRange(1, 16), default=None, help="Beam size (default: the model's; opus-mt: 4).")
@click.option("--batch-tokens", type=click.IntRange(16), default=2048, show_default=True, help="Padded tokens a batch.")
@click.option("--compute-type", default="int8", show_default=True, help="CTranslate2 weights: int8, float32, ...")
@click.option("--threads", type=click.IntRange(0), default=0, help="CPU threads (default: all cores, at most 8).")
@click.option("--input-format", type=click.Choice(["text", "markdown", "lines"]), default=None)
@click.option("--mapping", type=OutputPath(dir_okay=False), default=None, help="Write the segment mapping as JSONL.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the translation cache.")
@output_option
@progress_option
def translate_command(
    doc: str,
    model: str | None,
    backend: str,
    beam: int | None,
    batch_tokens: int,
    compute_type: str,
    threads: int,
    input_format: str | None,
    mapping: str | None,
    no_cache: bool,
    output: str,
    progress: bool | None,
) -> int:
    """Translate German DOC to English with MarianMT; only sentences change, the structure stays byte-identical."""
    import json

    from align.documents import load_document
    from align.files import cache_dir as align_cache_dir
    from align.segment import segment as segment_document
    from align.translate import TranslateSettings, load_translator, translate_document

    source = load_document(doc, language="de", format=input_format)
    settings = TranslateSettings(backend, beam, batch_tokens, compute_type=compute_type, threads=threads)
    translator = load_translator(model, settings, align_cache_dir())
    result = translate_document(source, translator, not no_cache, progress_enabled(progress))
    with atomic_output(output) as out:
        out.write(result.document.text)
    if mapping:
        by_index = {seg.index: seg for seg in segment_document(source)}
        with atomic_output(mapping) as out:
            for seg, src in zip(result.segments, (by_index[i] for i in result.sources or ()), strict=True):
                record = {
                    "target": seg.index,
                    "source": src.index,
                    "target_span": [seg.start, seg.end],
                    "source_span": [src.start, src.end],
                }
                out.write(json.dumps(record) + "\n")
    return 0


@cli.command("models")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@output_option
def models_command(fmt: str, output: str) -> int:
    """The models align knows, whether each is available here, and the exact command to get it."""
    import json

    from align.models import registry, status
    from align.serialize import to_json

    with atomic_output(output) as out:
        for entry in registry():
            state = status(entry)
            if fmt == "json":
                out.write(json.dumps(to_json(state), ensure_ascii=False) + "\n")
                continue
            where = f"available: {state.location}" if state.location else "MISSING"
            out.write(f"{entry.name}  [{entry.task}, {entry.licence.split(' ')[0]}]  {where}\n")
            if not state.location:
                out.write(f"    to get it: {state.how_to_get}\n")
    return 0


@evaluate.command("translation")
@click.argument("hyp", type=InputPath(dir_okay=False, allow_dash=True))
@click.argument("refs", nargs=-1, required=True, type=InputPath(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@output_option
def evaluate_translation(hyp: str, refs: tuple[str, ...], fmt: str, output: str) -> int:
    """sacreBLEU's BLEU, chrF, chrF++ and TER of HYP against one or more references REFS, with their signatures.

    One sentence per line, lines read as sacreBLEU reads them (split at LF, trailing whitespace removed); a UTF-8
    byte order mark is dropped, as `sacrebleu -e utf-8-sig` does.
    """
    import json

    from align.evaluate import translation_scores
    from align.files import read_text
    from align.serialize import to_json
    from align.words import split_lines

    hypotheses, *references = ([line.rstrip() for line in split_lines(read_text(path))] for path in (hyp, *refs))
    for path, lines in zip(refs, references, strict=True):
        if len(lines) != len(hypotheses):
            raise InputError(path, f"has {len(lines)} lines but {hyp} has {len(hypotheses)}", "give one line per line")
    scores = translation_scores(hypotheses, references)
    with atomic_output(output) as out:
        out.write((json.dumps(to_json(scores)) if fmt == "json" else str(scores)) + "\n")
    return 0


@cli.command("check")
@click.argument("src", required=False, type=InputPath(dir_okay=False, allow_dash=True))
@click.argument("tgt", required=False, type=InputPath(dir_okay=False, allow_dash=True))
@click.option(
    "--pairs",
    type=InputPath(dir_okay=False, allow_dash=True),
    default=None,
    help="TSV (header source/target[/id]) or JSON Lines of independent sentence pairs, each checked alone "
    "(further pairs files may follow as arguments, as pre-commit passes them).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit", "sarif", "xliff", "csv", "xlsx"]),
    default="text",
    show_default=True,
    help="xliff: the checked XLIFF file itself, with a <note> per unit that has a finding; csv, xlsx: the issue "
    "list, one row per finding (xlsx needs -o FILE and openpyxl: align[xlsx]).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Exit 1 on a finding of this severity or worse (error: changed/dropped figures).",
)
@click.option(
    "--severity",
    "severity_overrides",
    multiple=True,
    metavar="KIND.STATUS=LEVEL",
    help="Override a severity, e.g. figure.added=error or name.dropped=info (repeatable).",
)
@click.option("--presegmented", is_flag=True, help="SRC and TGT hold one sentence per line, aligned 1-1.")
@click.option(
    "--beads",
    "beads_path",
    type=InputPath(dir_okay=False),
    default=None,
    help="Sentence alignment to use, as `align sentences` writes it ([0]:[0, 1] per line).",
)
@click.option(
    "--input-format",
    type=click.Choice([*DOCUMENT_FORMATS, *BILINGUAL_FORMATS]),
    default=None,
    help="Documents: text, markdown or lines; bilingual files: xliff, tmx, tsv, csv or jsonl (default: by suffix).",
)
@click.option("--src-lang", default="de", show_default=True)
@click.option("--tgt-lang", default="en", show_default=True)
@click.option("--no-claims", is_flag=True, help="Check figures only.")
@click.option(
    "--glossary",
    "glossary_file",
    type=InputPath(dir_okay=False),
    default=None,
    help="Terminology: a TBX file or a CSV/TSV with the header source,target; a source term whose approved "
    "translation is missing in the target is a term.changed finding.",
)
@click.option("--all", "show_all", is_flag=True, help="List preserved figures and claims too.")
@click.option("--encoder", default=EMBEDDED, show_default=True, help="Documents: the sentence/word encoder.")
@click.option(
    "--words/--no-words",
    default=True,
    show_default=True,
    help="Documents: word links decide which changed figure is which where a sentence leaves it open.",
)
@output_option
@click.option("--text", "text_file", type=OutputPath(dir_okay=False), help="Also write the text report to FILE.")
@click.option("--json", "json_file", type=OutputPath(dir_okay=False), help="Also write JSON Lines to FILE.")
@click.option("--junit", "junit_file", type=OutputPath(dir_okay=False), help="Also write JUnit XML to FILE.")
@click.option("--sarif", "sarif_file", type=OutputPath(dir_okay=False), help="Also write SARIF 2.1.0 to FILE.")
@click.option(
    "--accepted",
    "accepted_files",
    type=InputPath(dir_okay=False),
    multiple=True,
    help="Accepted-findings file (repeatable): its findings stay in the reports, marked, and never fail the run.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=InputPath(dir_okay=False),
    default=None,
    help="Fail only on findings that are not in FILE (an accepted-findings file, as --write-baseline writes it).",
)
@click.option(
    "--write-baseline",
    "write_baseline",
    type=OutputPath(dir_okay=False),
    default=None,
    help="Record every current finding in FILE as the baseline; this run then applies it.",
)
def check_command(
    src: str | None,
    tgt: str | None,
    pairs: str | None,
    fmt: str,
    fail_on: str,
    severity_overrides: tuple[str, ...],
    presegmented: bool,
    beads_path: str | None,
    input_format: str | None,
    src_lang: str,
    tgt_lang: str,
    no_claims: bool,
    glossary_file: str | None,
    show_all: bool,
    encoder: str,
    words: bool,
    output: str,
    text_file: str | None,
    json_file: str | None,
    junit_file: str | None,
    sarif_file: str | None,
    accepted_files: tuple[str, ...],
    baseline_file: str | None,
    write_baseline: str | None,
) -> int:
    """Compare the figures and claims of SRC (German) and TGT (English); exit 1 on findings at --fail-on.

    A single bilingual file (XLIFF, TMX, TSV, JSON Lines) is checked unit by unit: `align check reviewed.xlf`.
    One run writes the main report (--format, -o) and any of --text, --json, --junit and --sarif, each atomically
    and only once the check is done. Findings in --baseline or --accepted files stay in every report, marked, and
    never fail the run.
    """
    import os

    from align.findings import parse_severities
    from align.fingerprints import merge_decisions, read_decisions, write_decisions
    from align.pipeline import check, check_units, compare_signature
    from align.report import documents_report, units_report, with_decisions, write_report

    extra = {"text": text_file, "json": json_file, "junit": junit_file, "sarif": sarif_file}
    outputs = [p if p == "-" else os.path.abspath(p) for p in (output, *extra.values(), write_baseline) if p]
    if len(set(outputs)) < len(outputs):
        raise InputError("align check", "writes two reports to one file", "give each output its own file (or -o)")
    if fmt == "xlsx" and output == "-":
        raise InputError("--format xlsx", "writes a binary workbook, not to stdout", "give -o FILE.xlsx")
    decision_files = (*([baseline_file] if baseline_file else []), *accepted_files)
    decisions = merge_decisions(read_decisions(p) for p in decision_files)
    options: dict[str, Any] = {"severities": parse_severities(severity_overrides), "claims": not no_claims}
    languages = (src_lang, tgt_lang)
    if glossary_file:
        from align.qa import load_glossary

        options["glossary"] = load_glossary(glossary_file, languages)
    bilingual = input_format if input_format in BILINGUAL_FORMATS else None
    if pairs is None and src and (not tgt or bilingual):
        pairs, src = src, None
    if pairs is not None:
        files = [pairs, *(f for f in (src, tgt) if f)]
        checked = check_units(files, languages=languages, input_format=bilingual, **options)
        report = units_report(checked, fail_on, show_all, {"compare": compare_signature(**options)})
    elif fmt == "xliff":
        raise InputError("--format xliff", "writes notes into a bilingual XLIFF file", "give one .xlf file")
    else:
        if not src or not tgt:
            raise InputError("align check", "needs SRC and TGT (or --pairs FILE)", "see `align check --help`")
        result = check(
            src,
            tgt,
            languages=languages,
            input_format=input_format,
            presegmented=presegmented,
            beads_path=beads_path,
            encoder=encoder,
            words="needed" if words else False,
            **options,
        )
        report = documents_report(result, fail_on, show_all)
        for message in result.warnings:
            click.echo(f"align: warning: {message}", err=True)
    report, baseline_entries = with_decisions(report, decisions, baseline_file is not None, write_baseline is not None)
    _release_models()
    formats = {path: kind for kind, path in extra.items() if path}
    if fmt == "xliff":
        _write_xliff_notes(files, report, output, bilingual)
    elif fmt == "xlsx":
        from align.report import issues

        issues.write_xlsx(report, output)
    elif fmt == "csv":
        from align.report import issues

        with atomic_output(output) as out:
            out.write(issues.render_csv(report))
    else:
        formats = {output: fmt, **formats}
    for path, kind in formats.items():
        write_report(report, kind, path)
    if write_baseline:
        write_decisions(write_baseline, baseline_entries)
    return 1 if report.failed() else 0


def _write_xliff_notes(files: list[str], report: Any, output: str, input_format: str | None) -> None:
    """Write the checked XLIFF file back with one note per finding that is not `preserved` (an accepted one
    marked, as `[accepted] message`); align's notes of an earlier check are replaced, others' notes kept."""
    from align.bilingual import detect_format, read_units, write_xliff

    if len(files) != 1 or files[0] == "-" or detect_format(files[0], input_format) != "xliff":
        raise InputError(files[0], "--format xliff needs exactly one XLIFF file", "give one .xlf/.xliff file")
    notes: dict[str | int, list[str]] = {}  # by the unit's position: ids may repeat (one per <file>)
    for item in report.items:
        for mark in report.marks(item, shown_only=False):
            if mark.finding.status != "preserved":
                flag = f"[{mark.decision}] " if mark.decision else ""
                notes.setdefault(item.row or item.id, []).append(flag + mark.finding.message)
    write_xliff(read_units(files[0], input_format), notes, output, template=files[0])


@cli.command("sentences")
@click.argument("src", type=InputPath(dir_okay=False, allow_dash=True))
@click.argument("tgt", required=False, type=InputPath(dir_okay=False, allow_dash=True))
@click.option(
    "--presegmented",
    is_flag=True,
    help="SRC and TGT hold one sentence per line: bead indices are line numbers (0-based); a blank line keeps its "
    "number but is in no bead.",
)
@click.option(
    "--encoder",
    default="e5-small",
    show_default=True,
    help="e5-small (embedded), length (no model), a known name (LaBSE) or a model directory.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["beads", "jsonl", "tsv", "tmx"]),
    default="beads",
    show_default=True,
    help="beads: [0]:[0, 1] per line (Vecalign/Bertalign); jsonl: texts, spans, score; tsv: text pairs; "
    "tmx: a translation memory of the aligned pairs.",
)
@click.option(
    "--input-format",
    type=click.Choice([*DOCUMENT_FORMATS, *BILINGUAL_FORMATS]),
    default=None,
    help="Documents: text, markdown or lines; one bilingual file: xliff, tmx, tsv, csv or jsonl (default: by suffix).",
)
@click.option(
    "--src-lang",
    default=None,
    help="Source language (default: identified from the text, exit 2 when unsure; de for a bilingual file).",
)
@click.option(
    "--tgt-lang",
    default=None,
    help="Target language (default: identified from the text, exit 2 when unsure; en for a bilingual file).",
)
@output_option
def sentences_command(
    src: str,
    tgt: str | None,
    presegmented: bool,
    encoder: str,
    fmt: str,
    input_format: str | None,
    src_lang: str | None,
    tgt_lang: str | None,
    output: str,
) -> int:
    """Align the sentences of SRC and TGT (beads of 0-1, 1-0 and up to five sentences: 1-1, 2-1, 1-2, 2-2, ...).

    A single bilingual file (XLIFF, TMX, TSV/CSV, JSON Lines) is aligned unit by unit: each unit's source and
    target are split into sentences and aligned within the unit (units without a target are skipped). Beads
    then number the sentences of all units in file order; JSON Lines names each bead's unit (spans count each
    inline tag as one character), TSV and JSON Lines show inline tags as their markup, and TMX writes
    one translation unit per aligned pair, `<unit id>.<n>`, with the unit's inline tags as TMX inline codes:
    `align sentences memory.xlf --format tmx -o sentences.tmx` makes a sentence-level translation memory.
    """
    from pathlib import Path

    from align import sentences as s
    from align.bilingual import SUFFIXES, read_units
    from align.encoders import load_encoder

    xml_bilingual = SUFFIXES.get(Path(src).suffix.lower()) in ("xliff", "tmx") and input_format is None
    bilingual = tgt is None or (input_format or "") in BILINGUAL_FORMATS or xml_bilingual
    if bilingual and tgt is not None:
        raise InputError(tgt, "is a second file, but a bilingual file holds both sides", "give SRC alone")
    if bilingual and presegmented:
        raise InputError("--presegmented", "does not apply to a bilingual file", "leave it out")
    if bilingual:
        units = read_units(src, input_format, source_language=src_lang or "de", target_language=tgt_lang or "en")
    else:
        source, target = _document_sentences(src, str(tgt), presegmented, input_format, src_lang, tgt_lang)
        if fmt == "tmx":
            from align.language import language_label

            src_lang = language_label((x.text for x in source), src_lang, src, "--src-lang")
            tgt_lang = language_label((x.text for x in target), tgt_lang, str(tgt), "--tgt-lang")
    enc = load_encoder(encoder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", s.AlignmentWarning)
        if bilingual:
            alignments = s.align_units(units, enc)
        else:
            aligner = s.align_lines if presegmented else s.align_texts
            beads = aligner([x.text for x in source], [x.text for x in target], enc)
            alignments = (s.UnitAlignment(None, source, target, beads),)
    for message in dict.fromkeys(str(warning.message) for warning in caught):
        click.echo(f"align: warning: {message}", err=True)
    if fmt == "tmx":
        from align.bilingual import write_tmx

        write_tmx(s.sentence_units(alignments, src_lang or "de", tgt_lang or "en"), output)
        return 0
    with atomic_output(output) as out:
        out.write("".join(_formatted(alignments, fmt)))
    return 0


def _formatted(alignments: Sequence[Any], fmt: str) -> Iterator[str]:
    """Beads and JSON Lines (with each unit's id), both numbering the sentences of all units in file order, or TSV;
    inline tags as their markup."""
    from align import sentences as s
    from align.beads import format_beads
    from align.bilingual import plain_markup

    offsets = (0, 0)
    for alignment in alignments:
        source, target, unit = alignment.source, alignment.target, alignment.unit
        if fmt == "beads":
            yield format_beads([s.shifted(bead, *offsets) for bead in alignment.beads])
        else:
            if unit is not None:
                source, target = (
                    tuple(replace(x, text=plain_markup(x.text, unit.placeholders)) for x in sentences)
                    for sentences in (source, target)
                )
            if fmt == "jsonl":
                yield s.format_jsonl(alignment.beads, source, target, None if unit is None else unit.id, offsets)
            else:
                yield s.format_tsv(alignment.beads, source, target)
        offsets = (offsets[0] + len(source), offsets[1] + len(target))


def _document_sentences(
    src: str, tgt: str, presegmented: bool, input_format: str | None, src_lang: str | None, tgt_lang: str | None
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    from align import sentences as s

    if presegmented:
        from align.files import read_text

        return s.line_sentences(read_text(src)), s.line_sentences(read_text(tgt))
    from align.documents import load_document

    source, target = (
        s.document_sentences(load_document(path, lang, input_format))
        for path, lang in ((src, src_lang), (tgt, tgt_lang))
    )
    return source, target


@evaluate.command("sentences")
@click.argument("files", nargs=-1, required=True, type=InputPath(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@output_option
def evaluate_sentences(files: tuple[str, ...], fmt: str, output: str) -> int:
    """Strict and lax precision/recall/F1 of predicted beads against gold beads, and F1 per bead type.

    FILES are GOLD PRED pairs: `align evaluate sentences gold1 pred1 gold2 pred2 ...`; several documents are
    micro-averaged (counts summed over all of them) as Vecalign's score.py does with `-g gold1 gold2 -t pred1
    pred2`. Beads are `[0]:[0, 1]` lines, with or without Vecalign's score after a third colon.
    """
    import json

    from align.beads import parse_beads
    from align.evaluate import sentence_alignment_scores
    from align.files import read_text
    from align.serialize import to_json

    if len(files) % 2:
        raise InputError(files[-1], "has no partner: FILES are GOLD PRED pairs", "give a prediction for each gold file")
    gold, pred = ([parse_beads(read_text(path), path) for path in files[k::2]] for k in (0, 1))
    scores = sentence_alignment_scores(gold, pred)
    with atomic_output(output) as out:
        out.write((json.dumps(to_json(scores)) if fmt == "json" else str(scores)) + "\n")
    return 0


@cli.command("run")
@click.argument("source", type=click.Path(dir_okay=True, allow_dash=False))
@click.option("--reference", type=click.Path(dir_okay=False), default=None, help="English reference translation.")
@click.option(
    "--translation",
    type=click.Path(dir_okay=False),
    default=None,
    help="A translation made elsewhere; takes the place of machine translation.",
)
@click.option("--model", default=None, help="MarianMT model name or directory (default: opus-mt-de-en if present).")
@click.option("--encoder", default=EMBEDDED, show_default=True, help="Sentence/word encoder name or directory.")
@click.option("--no-words", is_flag=True, help="Skip word alignment.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), required=True, help="Output folder.")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes for a corpus or dataset.")
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Corpus or dataset: local worker processes, or Ray Data (the running Ray, $RAY_ADDRESS, or a local one).",
)
@click.option(
    "--accepted",
    type=InputPath(dir_okay=False),
    default=None,
    help="One document: an accepted-findings file; its findings show muted in the report and out of the counts.",
)
@progress_option
def run_command(
    source: str,
    reference: str | None,
    translation: str | None,
    model: str | None,
    encoder: str,
    no_words: bool,
    out_dir: str,
    workers: int,
    executor: str,
    accepted: str | None,
    progress: bool | None,
) -> int:
    """The whole pipeline: translate (when a model is there), align, check, and write every output into a folder.

    SOURCE is one German document, or a corpus folder with de/ and en/ subfolders (pairs matched by file name,
    each written to OUT/<stem>/, finished ones skipped on a re-run, totals in OUT/corpus-summary.json), or a
    dataset (save_to_disk folder, .parquet, .jsonl) with source/target(/id) columns: findings per row in
    OUT/findings.jsonl.
    """
    from pathlib import Path

    from align.corpus import is_dataset

    corpus = Path(source).is_dir() and not is_dataset(source)
    sources = [Path(source, "de"), Path(source, "en")] if corpus else [source]
    refuse_overwrite([*sources, *(p for p in (reference, translation) if p)], [out_dir])
    if accepted and (is_dataset(source) or corpus):
        raise InputError("--accepted", "applies to one document", "run the document alone, or leave out --accepted")
    if is_dataset(source) or corpus:
        from align.corpus import run_corpus, run_dataset, summary_line
        from align.errors import WORD_ALIGNMENT, require

        if is_dataset(source):  # the workers would each fail on the missing package: say it once, up front
            require(("datasets",), "a dataset run")
        elif not no_words:
            require(WORD_ALIGNMENT, "word alignment", "or leave it out with --no-words")

        if is_dataset(source):
            totals = run_dataset(
                source, out_dir, workers=workers, executor=executor, progress=progress_enabled(progress)
            )
        else:
            totals = run_corpus(
                source,
                out_dir,
                workers=workers,
                executor=executor,
                encoder=encoder,
                words=not no_words,
                progress=progress_enabled(progress),
            )
        for failure in totals["failures"]:
            click.echo(f"align: {failure['reason']}", err=True)
        click.echo(summary_line(totals), err=True)
        return 2 if totals["failed"] else 0

    from align.pipeline import run as run_pipeline

    summary = run_pipeline(
        source,
        out_dir,
        reference=reference,
        translation=translation,
        model=model,
        encoder=encoder,
        words=not no_words,
        progress=progress_enabled(progress),
        accepted=accepted,
    )
    for label, pair in summary["pairs"].items():
        click.echo(f"{label}: {pair['beads']} beads, {pair['problems']} problems", err=True)
    click.echo(f"wrote {out_dir}/report.html and summary.json", err=True)
    return 0


@cli.command("report")
@click.argument("src", type=InputPath(dir_okay=False, allow_dash=True))
@click.argument("tgt", required=False, type=InputPath(dir_okay=False, allow_dash=True))
@click.option("--encoder", default=EMBEDDED, show_default=True, help="Sentence/word encoder name or directory.")
@click.option("--no-words", is_flag=True, help="Skip word alignment.")
@click.option("--title", default=None, help="Title of the report.")
@click.option(
    "--input-format",
    type=click.Choice(BILINGUAL_FORMATS),
    default=None,
    help="A bilingual SRC: xliff, tmx, tsv, csv or jsonl (default: by suffix).",
)
@click.option(
    "--accepted",
    "accepted_files",
    type=InputPath(dir_okay=False),
    multiple=True,
    help="Accepted-findings file (repeatable, as the report saves it): its findings show muted and out of the counts.",
)
@output_option
def report_command(
    src: str,
    tgt: str | None,
    encoder: str,
    no_words: bool,
    title: str | None,
    input_format: str | None,
    accepted_files: tuple[str, ...],
    output: str,
) -> int:
    """The side-by-side HTML report of a German source and its English translation, or of every unit of one
    bilingual file (`align report reviewed.xlf -o report.html`: XLIFF, TMX, TSV/CSV or JSON Lines pairs)."""
    from align.fingerprints import merge_decisions, read_decisions

    decisions = {fp: d.decision for fp, d in merge_decisions(read_decisions(p) for p in accepted_files).items()}
    if tgt is None or input_format is not None:
        from align.pipeline import check_units, compare_signature
        from align.report.html import units_html_pieces

        files = [src, *([tgt] if tgt else [])]
        checked = check_units(files, input_format=input_format)
        settings = {"words": "off", "signatures": {"compare": compare_signature()}}
        _release_models()
        pieces = units_html_pieces(checked, title, decisions=decisions, settings=settings)
    else:
        from align.pipeline import check
        from align.report.html import html_pieces

        result = check(src, tgt, encoder=encoder, words=not no_words).with_decisions(decisions)
        for message in result.warnings:
            click.echo(f"align: warning: {message}", err=True)
        _release_models()
        pieces = html_pieces(result, title)
    write_streamed(output, lambda out: out.writelines(pieces))
    return 0


def _release_models() -> None:
    """The findings are made: the models' memory (tokenizer, encoder, language identifier) goes to the report."""
    from align.encoders import release_models
    from align.language import release_identifier

    release_models()
    release_identifier()


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (0 ok, 1 findings, 2 bad input, 3 missing model)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = cli.main(args=args, prog_name="align", standalone_mode=False)
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except click.Abort:
        click.echo("align: interrupted", err=True)
        return 130
    except (InputError, ModelMissingError) as err:
        if "--debug" in args:
            raise
        click.echo(f"align: error: {err}", err=True)
        return err.exit_code
    except Exception as err:
        if "--debug" in args:
            raise
        package = missing_package(err)
        if package is not None:  # torch, transformers, ...: an extra the base install leaves out
            command = next((a for a in args if a in cli.commands), "")
            click.echo(f"align: error: {DependencyMissingError(package, f'align {command}'.strip())}", err=True)
            return DependencyMissingError.exit_code
        click.echo(f"align: internal error: {type(err).__name__}: {err} (rerun with --debug for details)", err=True)
        return INTERNAL_ERROR
    return code if isinstance(code, int) else 0
