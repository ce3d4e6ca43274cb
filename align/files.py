"""Reading user files with strict decoding, and writing outputs atomically."""

from __future__ import annotations

import codecs
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from align.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_OK = {"\t", "\n", "\r", "\f", "\v"}


def decode_text(data: bytes, where: object) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; keep line ends as they are.

    Anything else is refused rather than silently mis-decoded.
    """
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    if encoding == "utf-8" and b"\x00" in data:
        raise InputError(where, "looks like a binary file (NUL bytes)", "give a UTF-8 or UTF-16 text file")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(
            where,
            f"is not valid {encoding.upper().replace('-SIG', '')} (byte {err.start})",
            "convert it to UTF-8, e.g. `iconv -f LATIN1 -t UTF-8`",
        ) from None
    if encoding == "utf-16" and "\x00" in text:
        raise InputError(where, "looks like a binary file (NUL characters)", "give a UTF-8 or UTF-16 text file")
    return text.removeprefix("\ufeff")


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a text file given by path, or standard input for '-'; refuse empty and non-text input."""
    where = "<stdin>" if str(path) == "-" else str(path)
    if str(path) == "-":
        data = sys.stdin.buffer.read()
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(where, "no such file", "check the path")
        if p.is_dir():
            raise InputError(where, "is a directory", "give a file inside it")
        try:
            data = p.read_bytes()
        except OSError as err:
            raise InputError(where, f"cannot be read ({err.strerror})", "check its permissions") from None
    text = decode_text(data, where)
    if not text.strip():
        raise InputError(where, "is empty", "give a document with text in it")
    return text


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output(path: str | os.PathLike[str] | None, mode: str = "w") -> Iterator[IO]:
    """Open an output for writing: stdout for None or '-', else a temporary file renamed on success.

    If the block raises, the temporary file is removed and any existing file at `path` is untouched.
    """
    if path is None or str(path) == "-":
        stream = sys.stdout.buffer if "b" in mode else sys.stdout
        yield stream
        stream.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_home() -> Path:
    """The user's cache folder: $XDG_CACHE_HOME, else ~/.cache."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def cache_dir() -> Path:
    """Where align keeps what it can rebuild: $ALIGN_CACHE_DIR, else $XDG_CACHE_HOME/align or ~/.cache/align."""
    configured = os.environ.get("ALIGN_CACHE_DIR")
    return Path(configured).expanduser() if configured else cache_home() / "align"


def replace_dir(finished: Path, target: Path) -> None:
    """Put the finished folder at `target` with renames only; an existing `target` is replaced whole."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / target.name)
        os.replace(finished, target)
        shutil.rmtree(old)
    else:
        os.replace(finished, target)
