"""No command overwrites its input or runs code from the working directory; unwritable outputs are one line, exit 2."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from align.cli import run as cli_run
from align.errors import InputError
from align.files import atomic_output, refuse_overwrite
from tests.conftest import SEED_NAMES, SEEDS

NAME = SEED_NAMES[1]
ALIGN = Path(sys.executable).with_name("align")  # the console script: `python -m` would put the cwd first itself


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A German seed and its English reference in tmp_path, plus a symbolic and a hard link to the English."""
    shutil.copy(SEEDS / "de" / NAME, tmp_path / "de.txt")
    shutil.copy(SEEDS / "en" / NAME, tmp_path / "en.txt")
    (tmp_path / "link.txt").symlink_to("en.txt")
    os.link(tmp_path / "en.txt", tmp_path / "hard.txt")
    return tmp_path


CLOBBERING = [
    (["segment", "de.txt", "-o", "de.txt"], "de.txt: is also an input (de.txt)"),
    (["check", "de.txt", "en.txt", "-o", "en.txt"], "en.txt: is also an input (en.txt)"),
    (["check", "de.txt", "en.txt", "-o", "link.txt"], "link.txt: is also an input (en.txt)"),
    (["check", "de.txt", "en.txt", "-o", "hard.txt"], "hard.txt: is also an input (en.txt)"),
    (["check", "--pairs", "pairs.tsv", "--format", "json", "-o", "pairs.tsv"], "is also an input"),
    (["report", "de.txt", "en.txt", "-o", "de.txt"], "de.txt: is also an input (de.txt)"),
    (["sentences", "de.txt", "en.txt", "--encoder", "length", "-o", "en.txt"], "is also an input"),
    (["evaluate", "translation", "en.txt", "en.txt", "-o", "en.txt"], "is also an input"),
    (["translate", "de.txt", "-o", "out.txt", "--mapping", "out.txt"], "is given twice as an output"),
    (["segment", "de.txt", "-o", "de.txt/x.txt"], "de.txt/x.txt: lies under the input file de.txt"),
    (["run", "D/de.txt", "--reference", "D/en.txt", "-o", "D"], "D: is a folder that holds the input D/de.txt"),
]


@pytest.mark.parametrize(("argv", "message"), CLOBBERING, ids=lambda x: " ".join(x) if isinstance(x, list) else "")
def test_an_output_that_would_replace_or_hold_an_input_is_refused(docs, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(docs)
    (docs / "pairs.tsv").write_text("source\ttarget\nEs sind 5 Äpfel.\tThere are 6 apples.\n", encoding="utf-8")
    (docs / "D").mkdir()
    shutil.copy(docs / "de.txt", docs / "D" / "de.txt")
    shutil.copy(docs / "en.txt", docs / "D" / "en.txt")
    before = {p: p.read_bytes() for p in docs.rglob("*") if p.is_file()}
    assert cli_run(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    after = {p: p.read_bytes() for p in docs.rglob("*") if p.is_file()}
    assert after == before  # nothing overwritten, nothing (not even a temporary file) left behind


def test_a_corpus_output_inside_or_around_its_folders_is_refused(docs, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    for lang in ("de", "en"):
        (corpus / lang).mkdir(parents=True)
        shutil.copy(docs / f"{lang}.txt", corpus / lang / NAME)
    for out in (corpus, corpus / "de" / "out", corpus / "en"):
        assert cli_run(["run", str(corpus), "-o", str(out), "--encoder", "length", "--no-words"]) == 2
    assert "holds the input" in capsys.readouterr().err
    assert sorted(p.name for p in corpus.iterdir()) == ["de", "en"]
    assert [p.name for p in (corpus / "de").iterdir()] == [NAME]
    # an output folder beside de/ and en/ is fine: the corpus reads only those two
    assert cli_run(["run", str(corpus), "-o", str(corpus / "out"), "--encoder", "length", "--no-words"]) == 0


def test_refuse_overwrite_lets_distinct_paths_and_stdio_through(tmp_path):
    refuse_overwrite([tmp_path / "a.txt", "-"], [tmp_path / "b.txt", "-", "-"])
    with pytest.raises(InputError, match="is also an input"):
        refuse_overwrite([tmp_path / "a.txt"], [tmp_path / "sub" / ".." / "a.txt"])


def test_corpus_workers_never_import_from_the_working_directory(tmp_path):
    """A file in the working directory named like a module the workers import is never executed."""
    corpus = tmp_path / "corpus"
    for lang in ("de", "en"):
        (corpus / lang).mkdir(parents=True)
        for name in SEED_NAMES:
            shutil.copy(SEEDS / lang / name, corpus / lang / name)
    planted = ("json", "numpy", "tqdm", "yaml", "babel", "click", "multiprocessing", "align")
    for module in planted:
        (tmp_path / f"{module}.py").write_text(f"open({str(tmp_path / ('RAN_' + module))!r}, 'w').close()\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    done = subprocess.run(
        [str(ALIGN), "run", "corpus", "-o", "out", "--workers", "2", "--encoder", "length", "--no-words"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("RAN_*")) == []
    assert (tmp_path / "out" / "corpus-summary.json").is_file()


def test_an_output_under_a_file_is_one_line_naming_it(tmp_path, capsys):
    (tmp_path / "de.txt").write_text("Es sind 5 Äpfel.\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("x\n", encoding="utf-8")
    out = tmp_path / "other.txt" / "x.txt"
    assert cli_run(["segment", str(tmp_path / "de.txt"), "-o", str(out)]) == 2
    assert "other.txt is a file, not a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("code", "message"), [(errno.ENOSPC, "the disk is full"), (errno.EROFS, r"cannot be written \(Read-only")]
)
def test_a_full_disk_or_read_only_output_is_an_input_error_and_leaves_nothing(tmp_path, monkeypatch, code, message):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(tmp_path / "out.txt"))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(InputError, match=message), atomic_output(tmp_path / "out.txt") as out:
        out.write("text\n")
    assert list(tmp_path.iterdir()) == []


def test_an_error_of_the_block_itself_is_not_taken_for_the_output(tmp_path):
    with pytest.raises(FileNotFoundError), atomic_output(tmp_path / "out.txt") as out:
        out.write((tmp_path / "missing.txt").read_text())
    assert list(tmp_path.iterdir()) == []


def test_a_report_written_as_it_is_made_leaves_the_old_file_when_it_fails_halfway(docs, monkeypatch, capsys):
    """Reports stream into their temporary file (memory does not grow with the report); a writer that fails
    after its first lines leaves the earlier report whole and no temporary file, and prints nothing on stdout."""
    from align.report import text

    monkeypatch.chdir(docs)
    (docs / "report.txt").write_text("the earlier report\n", encoding="utf-8")
    write = text.write

    def fails_halfway(report, out):
        write(report, out)
        raise OSError(errno.EIO, "device lost")

    monkeypatch.setattr(text, "write", fails_halfway)
    for output in ("report.txt", "-"):
        assert cli_run(["check", "de.txt", "en.txt", "--encoder", "length", "-o", output]) == 70
        printed = capsys.readouterr()
        assert printed.out == "" and "device lost" in printed.err
    assert (docs / "report.txt").read_text(encoding="utf-8") == "the earlier report\n"
    assert sorted(p.name for p in docs.iterdir()) == ["de.txt", "en.txt", "hard.txt", "link.txt", "report.txt"]
