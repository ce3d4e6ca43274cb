"""The `align` command: one entry point, subcommands per stage (see DESIGN.md)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from align import __version__
from align.errors import InputError, ModelMissingError
from align.files import atomic_output

INTERNAL_ERROR = 70


def progress_enabled(progress: bool | None) -> bool:
    """Progress goes to stderr only on a terminal, unless --progress/--quiet says otherwise."""
    return sys.stderr.isatty() if progress is None else progress


progress_option = click.option(
    "--progress/--quiet",
    "progress",
    default=None,
    help="Show or hide progress on stderr (default: shown only on a terminal).",
)
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="Output file (default: stdout). Written to a temporary file, then renamed.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="align")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def cli(debug: bool) -> None:
    """Translate German to English, align sentences and words, and check figures and claims."""


@cli.group()
def evaluate() -> None:
    """Score predictions against gold data with the field's metrics."""


@cli.command()
@click.argument("doc", type=click.Path(dir_okay=True, allow_dash=True))
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
@click.argument("src", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("tgt", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--pretokenized", is_flag=True, help="Tokens are separated by spaces already (gold sets).")
@click.option("--method", type=click.Choice(["inter", "itermax", "mwmf"]), default="inter", show_default=True)
@click.option("--layer", "layers", type=int, multiple=True, help="Encoder layer (repeat to average layers).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pharaoh", "jsonl"]),
    default="pharaoh",
    show_default=True,
    help="pharaoh: 0-based i-j links, one line per pair; jsonl: tokens with spans, links with scores.",
)
@click.option(
    "--beads",
    type=click.Path(dir_okay=False),
    default=None,
    help="Beads from `align sentences`; SRC and TGT are then the two documents.",
)
@click.option("--encoder", default=None, help="A local transformers model directory (default: embedded).")
@click.option("--src-lang", default="de", show_default=True)
@click.option("--tgt-lang", default="en", show_default=True)
@output_option
@progress_option
def words_command(
    src: str,
    tgt: str,
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
    """Word alignment of aligned sentence pairs (one sentence per line in SRC and TGT, or --beads)."""
    import json

    from align import words as w
    from align.files import atomic_output, read_text
    from align.serialize import to_json

    groups: list[tuple[tuple[int, ...], ...]] = []
    if beads is None:
        lines = w.read_line_pairs(read_text(src), read_text(tgt), src, tgt)
        if pretokenized:
            tokens = [(w.split_pretokenized(s), w.split_pretokenized(t)) for s, t in lines]
        else:
            tokens = [(w.tokenize(s, src_lang), w.tokenize(t, tgt_lang)) for s, t in lines]
    else:
        from align.documents import load_document
        from align.segment import segment

        src_segs = segment(load_document(src, src_lang))
        tgt_segs = segment(load_document(tgt, tgt_lang))
        groups = w.parse_beads(read_text(beads), len(src_segs), len(tgt_segs), beads)
        tokens = [
            (
                tuple(t for i in s_ids for t in w.tokenize(src_segs[i].text, src_lang, src_segs[i].start)),
                tuple(t for i in t_ids for t in w.tokenize(tgt_segs[i].text, tgt_lang, tgt_segs[i].start)),
            )
            for s_ids, t_ids in groups
        ]
    options: dict[str, object] = {"method": method}
    if layers:
        options["layers"] = layers
    if progress_enabled(progress):
        from tqdm import tqdm

        bar = tqdm(total=None, unit="seq", desc="embedding", file=sys.stderr)
        options["progress"] = bar.update
    aligned = w.align_tokens(tokens, w.load_encoder(encoder), **options)
    with atomic_output(output) as out:
        for k, pair in enumerate(aligned):
            if fmt == "pharaoh":
                out.write(w.to_pharaoh(pair.links) + "\n")
            else:
                record = {"pair": k, **to_json(pair)}
                if groups:
                    record["source_segments"], record["target_segments"] = groups[k]
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


@evaluate.command("words")
@click.argument("gold", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("pred", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--one-based", is_flag=True, help="GOLD indices start at 1 (as RWTH's talp files); PRED is 0-based.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@output_option
def evaluate_words(gold: str, pred: str, one_based: bool, fmt: str, output: str) -> int:
    """AER, precision, recall and F1 of Pharaoh links PRED against talp gold GOLD (i-j sure, ipj possible)."""
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
    predicted = [parse_pharaoh(line, f"{pred}:{k}") for k, line in enumerate(pred_lines, 1)]
    scores = word_alignment_scores(gold_links, predicted)
    with atomic_output(output) as out:
        out.write((json.dumps(to_json(scores)) if fmt == "json" else str(scores)) + "\n")
    return 0


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
        click.echo(f"align: internal error: {type(err).__name__}: {err} (rerun with --debug for details)", err=True)
        return INTERNAL_ERROR
    return code if isinstance(code, int) else 0


def main() -> None:
    sys.exit(run())
