"""`align segment` as a user runs it: output, exit codes, one-line errors, no partial files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SEEDS

SEED_004 = SEEDS / "de" / "004_06f121a0a3444192.txt"


def align(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "align", *args], input=stdin, capture_output=True, check=False)


def test_version():
    result = align("--version")
    assert result.returncode == 0 and b"align, version" in result.stdout


def test_jsonl_spans_slice_back_to_the_document():
    result = align("segment", str(SEED_004), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    text = SEED_004.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(rows) > 40
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows)
    assert rows[0]["text"] == "Tsai über KI und die Alibaba-Strategie"


def test_txt_from_stdin():
    result = align("segment", "-", "--lang", "de", stdin=b"Erster Satz. Zweiter Satz.")
    assert result.returncode == 0
    assert result.stdout.decode().splitlines() == ["Erster Satz.", "Zweiter Satz."]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: _folder(p / "folder"), "is a directory"),
        (lambda p: _write(p / "empty.txt", b""), "is empty"),
        (lambda p: _write(p / "binary.txt", bytes(range(256)) * 4), "binary"),
        (lambda p: _write(p / "latin1.txt", "Größe".encode("latin-1")), "not valid UTF-8"),
        (lambda p: _write(p / "broken.md", b"---\ntitle: [x\n---\nText."), "broken YAML front matter"),
    ],
)
def test_bad_input_one_line_exit_2_no_output(tmp_path, make, message):
    path = make(tmp_path)
    out = tmp_path / "out" / "segments.jsonl"
    result = align("segment", str(path), "-o", str(out))
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert stderr.count("\n") == 1 and message in stderr and str(path) in stderr
    assert "Traceback" not in stderr
    assert not out.exists() and not any(out.parent.glob("*")) if out.parent.exists() else True


def test_usage_error_is_exit_2():
    assert align("segment", str(SEED_004), "--format", "xml").returncode == 2


def test_existing_output_survives_a_failed_run(tmp_path):
    out = tmp_path / "segments.txt"
    out.write_text("precious", encoding="utf-8")
    assert align("segment", str(tmp_path / "missing.txt"), "-o", str(out)).returncode == 2
    assert out.read_text(encoding="utf-8") == "precious"


# Runs a command and prints its peak RSS (KB). A small parent measures it: a child forked from the (large) test
# process counts that process's pages as its own until it execs, so its own peak reads high.
PEAK_OF_CHILD = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def test_50_mb_file_finishes_with_bounded_memory(tmp_path):
    paragraph = (SEEDS / "de" / "000_196887d79a86fdb7.txt").read_text(encoding="utf-8").strip() + "\n\n"
    big = tmp_path / "big.txt"
    big.write_text(paragraph * (50_000_000 // len(paragraph.encode()) + 1), encoding="utf-8")
    out = tmp_path / "big.out"
    command = [sys.executable, "-m", "align", "segment", str(big), "-o", str(out)]
    result = subprocess.run([sys.executable, "-c", PEAK_OF_CHILD, *command], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout.split()[-1]) / 1024
    assert out.stat().st_size > 45_000_000
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB for a 50 MB file"


def _folder(path):
    path.mkdir()
    return path


def _write(path, data: bytes):
    path.write_bytes(data)
    return path
