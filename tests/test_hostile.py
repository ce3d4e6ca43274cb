"""Hostile input: alias bombs, deep nesting, huge numbers, control characters, invalid UTF-8 and long lines.

Every reader answers with a result or an InputError (the CLI: exit 2 and one line naming the file), never
another exception, a crash or a runaway; and the text report grows with the findings, not with their context.
Every input is built here, small, except the one long line of the output test.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.bilingual import read_units
from align.cli import run
from align.datasets import JSON_DEPTH, load_dataset_file, units_from_dataset
from align.documents import FORMATS, FRONT_MATTER_DEPTH, document_from_text, load_document
from align.errors import InputError
from align.report.issues import CONTEXT, marked
from align.spans import Span

SECONDS = 60  # generous: each refusal below takes well under a few seconds
ENGLISH = "# Title\n\nRevenue rose 5 percent.\n"


def _alias_bomb(levels: int = 9) -> str:
    """Front matter of ~400 bytes whose aliases of aliases expand to 9**levels strings (the billion laughs)."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "---\n" + "\n".join(lines) + "\n---\n# Titel\n\nDer Umsatz stieg um 5 Prozent.\n"


def _xliff(source: str, target: str = "5 percent") -> str:
    return (
        '<?xml version="1.0"?><xliff version="1.2"><file source-language="de" target-language="en"><body>'
        f'<trans-unit id="1"><source>{source}</source><target>{target}</target></trans-unit></body></file></xliff>'
    )


def _nested(start: str, end: str, depth: int, inner: str) -> str:
    return start * depth + inner + end * depth


def _refused(capsys: pytest.CaptureFixture[str], folder: Path, argv: list[str], named: Path) -> str:
    """Run the CLI on bad input: exit 2 in time, one line naming the file, nothing new left in `folder`."""
    before = sorted(folder.rglob("*"))
    started = time.monotonic()
    code = run(argv)
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2, err
    assert elapsed < SECONDS
    assert err.count("\n") == 1 and err.startswith(f"align: error: {named}"), err
    assert sorted(folder.rglob("*")) == before
    return err


def _write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "command",
    [["check", "{src}", "{tgt}", "-o", "{out}"], ["segment", "{src}", "-o", "{out}"], ["report", "{src}", "{tgt}"]],
    ids=["check", "segment", "report"],
)
def test_a_yaml_alias_bomb_in_front_matter_is_refused(tmp_path: Path, capsys, command: list[str]) -> None:
    src, tgt = _write(tmp_path, "bomb.md", _alias_bomb()), _write(tmp_path, "en.md", ENGLISH)
    out = tmp_path / "out" / "result.html"
    argv = [a.format(src=src, tgt=tgt, out=out) for a in command]
    argv += ["-o", str(out)] if "-o" not in argv else []
    err = _refused(capsys, tmp_path, argv, src)
    assert "front matter uses the alias '*a0' at line 3" in err


@pytest.mark.parametrize(
    ("front_matter", "pattern"),
    [
        ("a: &x 1\nb: *x", r"uses the alias '\*x' at line 3, which align refuses; write the value out in full"),
        ("base: &b {x: 1}\nother:\n  <<: *b", r"uses the alias '\*b' at line 4"),
        ("x: " + _nested("[", "]", 100_000, ""), rf"nests lists or mappings more than {FRONT_MATTER_DEPTH} levels"),
        ("x: " + _nested("{a: ", "}", FRONT_MATTER_DEPTH + 1, "1"), "nests lists or mappings"),
        ("date: 2024-13-45", r"has a value YAML cannot read \(month must be in 1\.\.12\); quote it"),
        ("n: " + "9" * 5000, r"has a value YAML cannot read \(Exceeds the limit \(4300 digits\)"),
    ],
)
def test_front_matter_without_aliases_nor_deep_nesting_nor_unreadable_values(front_matter: str, pattern: str) -> None:
    with pytest.raises(InputError, match=rf"^doc\.md: front matter {pattern}"):
        document_from_text(f"---\n{front_matter}\n---\n# Titel\n", "de", "markdown", path="doc.md")


def test_front_matter_with_an_anchor_alone_and_moderate_nesting_is_read() -> None:
    nested = _nested("[", "]", FRONT_MATTER_DEPTH - 1, "1")
    doc = document_from_text(f"---\ntitle: &t Bericht\nx: {nested}\n---\n# Titel\n", "de", "markdown")
    assert doc.metadata["title"] == "Bericht"


def test_the_loader_refuses_the_bomb_at_once(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=r"bomb\.md: front matter uses the alias"):
        load_document(_write(tmp_path, "bomb.md", _alias_bomb(levels=40)))
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("name", "data", "where", "problem"),
    [
        ("deep_g.xlf", _xliff(_nested('<g id="1">', "</g>", 1000, "5 Prozent")), "line 1", "nests elements more"),
        ("deep_sub.xlf", _xliff(_nested("<sub>", "</sub>", 100_000, "x") + " 5 Prozent"), "line 1", "nests elements"),
        ("deep.tmx", "<tmx><body><tu><tuv xml:lang='de'><seg>" + "<hi>" * 5000, "line 1", "nests elements more"),
        ("deep.jsonl", '{"source": "a", "target": "b", "x": ' + _nested("[", "]", 100_000, "") + "}\n", "row 1", ""),
        ("big.jsonl", '{"source": "a", "target": "b", "x": ' + "9" * 5000 + "}\n", "row 1", "has a value JSON"),
    ],
)
def test_deep_markup_and_unreadable_json_in_bilingual_files_exit_2(
    tmp_path: Path, capsys, name: str, data: str, where: str, problem: str
) -> None:
    path = _write(tmp_path, name, data)
    err = _refused(capsys, tmp_path, ["check", str(path), "-o", str(tmp_path / "out.txt")], path)
    assert f"{path}, {where}" in err and problem in err


def test_inline_markup_up_to_the_bound_is_read(tmp_path: Path) -> None:
    (unit,) = read_units(_write(tmp_path, "g.xlf", _xliff(_nested('<g id="1">', "</g>", 90, "5 Prozent"))))
    assert unit.source.endswith("5 Prozent" + unit.source[-1] * 90)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("deep.jsonl", '{"source": "a", "target": "b", "x": ' + _nested("[", "]", 10_000, "") + "}\n", "too deeply"),
        ("deeper.jsonl", '{"source": "a", "target": "b", "x": ' + _nested("[", "]", 100_000, "") + "}\n", "deeply"),
        ("deep40.jsonl", '{"source": "a", "target": "b", "x": ' + _nested("[", "]", 40, "") + "}\n", "more than"),
        ("big.jsonl", '{"source": "a", "target": "b", "x": ' + "9" * 5000 + "}\n", "has a value JSON cannot read"),
        ("number.jsonl", '{"source": "a", "target": "b"}\n{"source": 5, "target": "b"}\n', "int 'source', not"),
        ("list.jsonl", '{"source": "a", "target": ["b"]}\n', "has a list 'target', not text"),
        ("row.jsonl", '{"source": "a", "target": "b"}\n\n[1, 2]\n', "is not a JSON object"),
        ("bytes.jsonl", b'{"source": "a", "target": "b"}\n{"source": "\xff", "target": "b"}\n', "not valid UTF-8"),
    ],
)
def test_dataset_rows_are_checked_before_arrow_reads_them(
    tmp_path: Path, capsys, name: str, data: str | bytes, problem: str
) -> None:
    path = _write(tmp_path, name, data)
    err = _refused(capsys, tmp_path, ["run", str(path), "-o", str(tmp_path / "out")], path)
    assert problem in err and ", line " in err


def test_a_json_array_dataset_names_the_record(tmp_path: Path) -> None:
    rows = [{"source": "a", "target": "b", "id": 1}, {"source": "c", "target": "d", "x": _nested_list(JSON_DEPTH)}]
    with pytest.raises(InputError, match=rf"rows\.json, record 2: nests arrays or objects more than {JSON_DEPTH}"):
        load_dataset_file(_write(tmp_path, "rows.json", json.dumps(rows)), cache_dir=tmp_path / "cache")
    rows[1]["x"] = _nested_list(JSON_DEPTH - 2)
    ds = load_dataset_file(_write(tmp_path, "ok.json", json.dumps(rows)), cache_dir=tmp_path / "cache")
    assert [(u.id, u.source) for u in units_from_dataset(ds)] == [("1", "a"), ("2", "c")]


def _nested_list(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def test_text_output_grows_with_findings_not_with_the_line(tmp_path: Path, capsys) -> None:
    filler_de, filler_en = "und die Kosten sanken " * 22_000, "and costs fell " * 32_000
    source = f"{filler_de}um 5 Prozent auf 7 Millionen Euro {filler_de}"
    target = f"{filler_en}by 6 percent to 8 million euros {filler_en}"
    assert len(source) > 900_000
    pairs = _write(tmp_path, "long.jsonl", json.dumps({"source": source, "target": target}) + "\n")
    started = time.monotonic()
    assert run(["check", "--pairs", str(pairs)]) == 1
    assert time.monotonic() - started < SECONDS
    out = capsys.readouterr().out
    assert len(out.encode()) < 50_000
    assert f"…{filler_de[-CONTEXT + 3 :]}um ⟦5 Prozent⟧ auf 7 Millionen Euro " in out
    assert "⟦6 percent⟧ to 8 million euros and costs fell" in out


def test_a_long_marked_span_keeps_its_ends() -> None:
    text = "a" * 10 + "1" * 1000 + "b" * 10
    assert (
        marked(text, 0, Span(start=10, end=1010, text=""))
        == "a" * 10 + "⟦" + "1" * CONTEXT + "…" + "1" * CONTEXT + "⟧" + "b" * 10
    )
    assert marked("kurz 5 %", 0, Span(start=5, end=8, text="5 %")) == "kurz ⟦5 %⟧"


@pytest.mark.parametrize("output", ["report.csv", "report.html"])
def test_issue_lists_grow_with_findings_not_with_the_line(tmp_path: Path, output: str) -> None:
    filler_de, filler_en = "und die Kosten sanken " * 22_000, "and costs fell " * 32_000
    source = f"{filler_de}um 5 Prozent auf 7 Millionen Euro {filler_de}"
    target = f"{filler_en}by 6 percent to 8 million euros {filler_en}"
    pairs = _write(tmp_path, "long.jsonl", json.dumps({"source": source, "target": target}) + "\n")
    out = tmp_path / output
    if output.endswith(".csv"):
        assert run(["check", "--pairs", str(pairs), "--format", "csv", "-o", str(out)]) == 1
        assert out.stat().st_size < 50_000
    else:
        assert run(["report", str(pairs), "-o", str(out)]) == 0
        assert out.stat().st_size < len(source) + len(target) + 200_000  # the unit's text once a side, no more
    assert "um ⟦5 Prozent⟧ auf" in out.read_text(encoding="utf-8") or "5 Prozent</mark> auf" in out.read_text(
        encoding="utf-8"
    )


# Property: random nesting, huge numbers, control characters and invalid UTF-8, for every reader.

NOISE = st.text(
    st.characters(exclude_categories=("Cs",)) | st.sampled_from("\x00\x01\x0b\x0c\x1b\x7f\x85\u2028\ufeff\r\n\t"),
    max_size=20,
)
BUILDERS: dict[str, Callable[[int, str, str], str]] = {
    "doc.md": lambda d, n, t: f"---\ntitle: {t}\nn: {n}\nx: {_nested('[', ']', d, '')}\n---\n# {t}\n{t} {n} %\n",
    "body.md": lambda d, n, t: f"# {t}\n\n{'> ' * d}{t} {n} %\n\n{'- ' * d}x\n\n{_nested('[', '](x)', d, t)}\n",
    "doc.txt": lambda d, n, t: f"{t} {n} Prozent.\n\n{_nested('(', ')', d, t)}\n",
    "units.xlf": lambda d, n, t: _xliff(_nested('<g id="1">', "</g>", d, f"{escape(t)} {n}"), f"{n} percent"),
    "units.tmx": lambda d, n, t: (
        "<tmx><body><tu><tuv xml:lang='de'><seg>"
        + _nested("<hi>", "</hi>", d, f"{escape(t)} {n}")
        + f"</seg></tuv><tuv xml:lang='en'><seg>{n}</seg></tuv></tu></body></tmx>"
    ),
    "units.tsv": lambda d, n, t: f"id\tsource\ttarget\n{t}\t{t} {n}\t{_nested('[', ']', d, n)}\n",
    "units.jsonl": lambda d, n, t: (
        json.dumps({"id": t, "source": f"{t} {n}"})[:-1] + f', "target": "{n}", "x": {_nested("[", "]", d, n)}}}\n'
    ),
    "rows.json": lambda d, n, t: f'[{{"source": {json.dumps(t)}, "target": "{n}", "n": {_nested("[", "]", d, n)}}}]',
    "rows.csv": lambda d, n, t: f'source,target\n"{t}",{n}\n',
}


@st.composite
def hostile(draw: st.DrawFn, name: str) -> bytes:
    """A file of format `name` with random nesting, a number of up to 6,000 digits, odd characters, stray bytes."""
    depth = draw(st.integers(0, 3000) | st.integers(0, 40))
    number = "9" * draw(st.integers(1, 6000) | st.integers(1, 20))
    data = BUILDERS[name](depth, number, draw(NOISE)).encode("utf-8")
    stray, at = draw(st.binary(max_size=4)), draw(st.integers(0, len(data)))
    return data[:at] + stray + data[at:]


def _result_or_input_error(read: Callable[[], Any]) -> None:
    try:
        read()
    except InputError as err:
        assert "\n" not in str(err) and "\r" not in str(err), str(err)


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_document_readers_answer_with_a_document_or_an_input_error(tmp_path_factory, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["doc.md", "body.md", "doc.txt"]))
    path = _write(tmp_path_factory.mktemp("doc"), name, data.draw(hostile(name)))
    _result_or_input_error(lambda: load_document(path))
    text = path.read_bytes().decode("utf-8", "replace")
    for fmt in FORMATS:
        _result_or_input_error(lambda fmt=fmt: document_from_text(text, "de", fmt, path=str(path)))


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_bilingual_readers_answer_with_units_or_an_input_error(tmp_path_factory, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["units.xlf", "units.tmx", "units.tsv", "units.jsonl"]))
    path = _write(tmp_path_factory.mktemp("units"), name, data.draw(hostile(name)))
    _result_or_input_error(lambda: read_units(path))


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_dataset_loaders_answer_with_units_or_an_input_error(tmp_path_factory, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["units.jsonl", "rows.json", "rows.csv"]))
    folder = tmp_path_factory.mktemp("dataset")
    path = _write(folder, name, data.draw(hostile(name)))
    _result_or_input_error(lambda: list(units_from_dataset(load_dataset_file(path, folder / "cache"), where=name)))


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_check_pairs_exits_0_1_or_2(tmp_path_factory, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["units.jsonl", "units.tsv"]))
    path = _write(tmp_path_factory.mktemp("pairs"), name, data.draw(hostile(name)))
    assert run(["check", "--pairs", str(path)]) in (0, 1, 2)


# ---- the minor surprises: each a one-line answer or the right output ----


def test_a_bead_index_of_5000_digits_is_refused(tmp_path, capsys):
    src = _write(tmp_path, "de.txt", "Es kamen 300 Gäste.\n")
    tgt = _write(tmp_path, "en.txt", "300 guests came.\n")
    beads = _write(tmp_path, "big.beads", f"[{'9' * 5000}]:[0]\n")
    assert "index too large" in _refused(capsys, tmp_path, ["check", str(src), str(tgt), "--beads", str(beads)], beads)


def test_units_sharing_an_id_across_files_get_their_own_notes(tmp_path):
    files = "".join(
        f'<file original="{name}" source-language="de" target-language="en" datatype="plaintext"><body>'
        f'<trans-unit id="1"><source>Es kamen {de} Gäste.</source><target>{en} guests came.</target></trans-unit>'
        "</body></file>"
        for name, de, en in (("a.txt", 300, 300), ("b.txt", 400, 500))
    )
    xlf = _write(
        tmp_path, "two.xlf", f'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">{files}</xliff>'
    )
    out = tmp_path / "two.checked.xlf"
    assert run(["check", str(xlf), "--format", "xliff", "-o", str(out)]) == 1
    checked = out.read_text(encoding="utf-8")
    assert checked.count('<note from="align">') == 1
    assert checked.index("400 Gäste") < checked.index('<note from="align">')


def test_a_doctype_system_id_with_a_double_quote_is_written_back_as_valid_xml(tmp_path):
    from defusedxml.ElementTree import fromstring

    body = _xliff("5 Prozent").removeprefix('<?xml version="1.0"?>')
    xlf = _write(tmp_path, "q.xlf", f'<?xml version="1.0"?>\n<!DOCTYPE xliff SYSTEM \'a"b.dtd\'>\n{body}')
    out = tmp_path / "q.checked.xlf"
    assert run(["check", str(xlf), "--format", "xliff", "-o", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    assert "SYSTEM 'a\"b.dtd'" in written
    fromstring(written.encode(), forbid_dtd=False)


def test_an_interrupted_run_leaves_no_half_written_folder(tmp_path, monkeypatch):
    import align.pipeline as pipeline

    src = _write(tmp_path, "de.txt", "Es kamen 300 Gäste.\n")
    ref = _write(tmp_path, "en.txt", "300 guests came.\n")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "summarize", interrupted)  # after the first outputs are written
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(src, tmp_path / "out", reference=ref, encoder="length", words=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.txt", "en.txt"]


def test_a_file_whose_units_have_no_target_says_nothing_was_checked(tmp_path, capsys):
    xlf = _write(
        tmp_path,
        "untranslated.xlf",
        '<?xml version="1.0"?><xliff version="1.2"><file source-language="de" target-language="en"><body>'
        '<trans-unit id="1"><source>Es kamen 300 Gäste.</source></trans-unit></body></file></xliff>',
    )
    assert "nothing was checked" in _refused(capsys, tmp_path, ["check", str(xlf)], xlf)


def test_a_pair_too_long_to_link_gets_no_links_and_a_warning_not_a_matrix_without_bound():
    import warnings

    from align.sentences import AlignmentWarning
    from align.words import WORD_LINK_LIMIT, align_word_lists

    side = ["Wort"] * (int(WORD_LINK_LIMIT**0.5) + 1)

    def refuse(*args):
        raise AssertionError("no encoder is needed: nothing is embedded")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AlignmentWarning)
        assert align_word_lists([(side, side)], encoder=(refuse, refuse)) == [()]
    assert any("too long to link" in str(w.message) for w in caught)
