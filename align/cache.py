"""One cache for every stage: values by stage and key in one SQLite file, `$ALIGN_CACHE_DIR/cache.sqlite3`.

Stages store what they can recompute (sentence embeddings, translations, beads, word links) under a key that
hashes everything the value depends on (`key`). A cache is a hint, never a reason to stop a run:
- a value that no longer decodes or fits is the caller's to discard (`forget`) and recompute;
- a damaged database (`file is not a database`, `database disk image is malformed`) is moved aside as
  `cache.sqlite3.damaged-<time>` and a new one is started;
- a cache that cannot be opened or written (a read-only folder, a file in its place, a full disk, a lock held too
  long) means running without it.
Each of these says so once per process on the `align.cache` logger (stderr by default).

A connection is opened for each operation and closed after it, so forked worker processes never share one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

from align.files import cache_dir

CACHE_FILE = "cache.sqlite3"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries "
    "(stage TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (stage, key)) WITHOUT ROWID"
)
_CHUNK = 900  # SQLite's bound on parameters per statement is 999 in old builds
log = logging.getLogger("align.cache")
_said: set[str] = set()
T = TypeVar("T")


def cache_path() -> Path:
    """The cache database: `$ALIGN_CACHE_DIR/cache.sqlite3` (default ~/.cache/align)."""
    return cache_dir() / CACHE_FILE


def key(*parts: Any) -> str:
    """A key for a value that depends on `parts` (JSON-serializable): their SHA-256."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _once(message: str) -> None:
    if message not in _said:
        _said.add(message)
        log.warning("%s", message)


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30)
    try:
        connection.execute(_SCHEMA)
    except BaseException:
        connection.close()
        raise
    return connection


def _set_aside(path: Path, err: sqlite3.DatabaseError) -> bool:
    """Move a damaged database out of the way (True), or say why it stays (False)."""
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    try:
        os.replace(path, aside)
    except OSError:
        return False
    _once(f"cache {path} was damaged ({err}); moved it to {aside.name} and started a new one")
    return True


def _run(operation: Callable[[sqlite3.Connection], T], default: T) -> T:
    """`operation` on a connection to the cache; `default` where there is no usable cache. A damaged file is
    set aside and the operation tried once more on a new one."""
    path = cache_path()
    for attempt in range(2):
        try:
            with closing(_connect(path)) as connection:
                return operation(connection)
        except sqlite3.OperationalError as err:
            _once(f"cache {path} cannot be used ({err}); running without it")
        except sqlite3.DatabaseError as err:
            if attempt == 0 and _set_aside(path, err):
                continue
            _once(f"cache {path} cannot be used ({err}); running without it")
        except OSError as err:
            _once(f"cache folder {path.parent} cannot be used ({err.strerror or err}); running without it")
        return default
    return default


def load(stage: str, keys: Sequence[str]) -> dict[str, bytes]:
    """The stored values of `keys` in `stage` (missing keys are left out)."""
    wanted = list(dict.fromkeys(keys))

    def read(connection: sqlite3.Connection) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = f"SELECT key, value FROM entries WHERE stage = ? AND key IN ({','.join('?' * len(chunk))})"
            found.update((k, bytes(v)) for k, v in connection.execute(query, [stage, *chunk]))
        return found

    return _run(read, {}) if wanted else {}


def store(stage: str, values: Mapping[str, bytes]) -> None:
    """Store `values` (key → bytes) in `stage`, replacing what was there."""
    rows = [(stage, k, v) for k, v in values.items()]

    def write(connection: sqlite3.Connection) -> None:
        with connection:
            connection.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)

    if rows:
        _run(write, None)


def forget(stage: str, keys: Sequence[str]) -> None:
    """Remove entries that turned out unusable (undecodable, out of range), so they are computed again."""
    rows = [(stage, k) for k in keys]

    def delete(connection: sqlite3.Connection) -> None:
        with connection:
            connection.executemany("DELETE FROM entries WHERE stage = ? AND key = ?", rows)

    if rows:
        _once(f"discarded {len(rows)} unusable {stage} cache entr{'y' if len(rows) == 1 else 'ies'}; recomputing")
        _run(delete, None)


def cached(
    stage: str, entry: str, compute: Callable[[], T], encode: Callable[[T], bytes], decode: Callable[[bytes], T]
) -> T:
    """The value of `entry` in `stage`: stored, or computed and stored. `decode` raises (ValueError, TypeError,
    KeyError, IndexError) on a value that does not fit, which is then forgotten and computed again."""
    stored = load(stage, [entry]).get(entry)
    if stored is not None:
        try:
            return decode(stored)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            forget(stage, [entry])
    value = compute()
    store(stage, {entry: encode(value)})
    return value
