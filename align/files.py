"""Reading user files with strict decoding, and writing outputs atomically."""

from __future__ import annotations

import codecs
import errno
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

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


_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def output_error(where: object, err: OSError) -> InputError:
    """An output that cannot be written, as one line naming it and what to do."""
    if err.errno in _FULL:
        return InputError(where, "cannot be written: the disk is full", "free some space or write elsewhere")
    reason = err.strerror or type(err).__name__
    return InputError(where, f"cannot be written ({reason})", "give an output path in a folder you can write to")


def make_dirs(folder: Path, where: object = None) -> None:
    """Create `folder` and its parents, or say in one line why it cannot be (a parent is a file, no permission)."""
    blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise InputError(where or folder, f"cannot be written: {blocking} is a file, not a folder", "give another path")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise output_error(where or folder, err) from None


def write_streamed(path: str | os.PathLike[str] | None, write: Callable[[IO[str]], None]) -> None:
    """Write the text that `write` makes (a report, a page) to a file as it comes, into its temporary file, so the
    whole text is never held; to stdout (None or '-') once it is whole, so that an error leaves no partial output
    there either."""
    if path is None or str(path) == "-":
        buffer = io.StringIO()
        write(buffer)
        with atomic_output(path) as out:
            out.write(buffer.getvalue())
        return
    with atomic_output(path) as out:
        write(out)


@contextmanager
def atomic_output(path: str | os.PathLike[str] | None, mode: str = "w") -> Iterator[IO]:
    """Open an output for writing: stdout for None or '-', else a temporary file renamed on success.

    If the block raises, the temporary file is removed and any existing file at `path` is untouched. A folder
    that cannot be made or written to, or a full disk, is an `InputError` naming `path`.
    """
    if path is None or str(path) == "-":
        stream = sys.stdout.buffer if "b" in mode else sys.stdout
        yield stream
        stream.flush()
        return
    target = Path(path)
    make_dirs(target.parent, target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise output_error(target, err) from None
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        text: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **text) as out:
            yield out
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        if err.errno in _FULL or err.filename in (tmp, str(target)):
            raise output_error(target, err) from None
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _resolved(path: str | os.PathLike[str]) -> Path:
    return Path(path).expanduser().resolve()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a == b or os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwrite(inputs: Iterable[str | os.PathLike[str]], outputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse, before anything runs, an output that would replace an input (a link or hard link to it included),
    hold one (an output folder with an input inside), or sit inside an input folder; and two outputs that are one.

    '-' (standard input or output) is never a clash.
    """
    read = [(str(p), _resolved(p)) for p in inputs if str(p) != "-"]
    written: list[tuple[str, Path]] = []
    for given in (str(p) for p in outputs if str(p) != "-"):
        out = _resolved(given)
        for name, source in read:
            if _same_file(out, source):
                raise InputError(given, f"is also an input ({name})", "write the output to another path")
            if out in source.parents:
                raise InputError(
                    given, f"is a folder that holds the input {name}", "write the output to a folder of its own"
                )
            if source in out.parents:
                where = "inside the input folder" if source.is_dir() else "under the input file"
                raise InputError(given, f"lies {where} {name}", "write the output to another path")
        for name, other in written:
            if _same_file(out, other):
                raise InputError(given, f"is given twice as an output (also as {name})", "give each output its path")
        written.append((given, out))


def cache_home() -> Path:
    """The user's cache folder: $XDG_CACHE_HOME, else ~/.cache."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def cache_dir() -> Path:
    """Where align keeps what it can rebuild: $ALIGN_CACHE_DIR, else $XDG_CACHE_HOME/align or ~/.cache/align."""
    configured = os.environ.get("ALIGN_CACHE_DIR")
    return Path(configured).expanduser() if configured else cache_home() / "align"


@contextmanager
def building_dir(target: Path, last: Iterable[str] = ()) -> Iterator[Path]:
    """A hidden folder beside `target` to write a set of outputs into. When the block ends well, its files are
    moved into `target` (made if need be; files already there that the block did not write are kept), one rename
    each, the names in `last` last; when it raises, the folder is removed. So an interrupted run leaves no half
    set of outputs, and a finished one is marked by the files of `last`."""
    make_dirs(target.parent, target)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        yield work
        make_dirs(target)
        late = set(last)
        for path in sorted(work.iterdir(), key=lambda p: (p.name in late, p.name)):
            os.replace(path, target / path.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def replace_dir(finished: Path, target: Path) -> None:
    """Put the finished folder at `target` with renames only; an existing `target` is replaced whole."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / target.name)
        os.replace(finished, target)
        shutil.rmtree(old)
    else:
        os.replace(finished, target)
