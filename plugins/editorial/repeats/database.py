"""The detector's cache file: one sqlite database under the settings' cache
directory, shared by the embedding and feature caches (cache.py) and the last
findings (results.py). (The last detection's snapshot is a file of its own
beside it: snapshot.py.) Free of numpy, so that opening it costs a warm build
nothing more than sqlite.

The file is safe to delete, and a cache that cannot be opened or written
costs time, never the build.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from editorial import progress

FILENAME = "embeddings.sqlite"
# The last semantic detection's snapshot beside it (snapshot.py), named here,
# where numpy is not imported, for site.warm_model.
SNAPSHOT_FILENAME = "units.npy"
_CHUNK = 500  # keys per query: below sqlite's limit on bound parameters


def mark_snapshot_current(directory: str | Path) -> None:
    """Move the semantic snapshot's time to now, if there is one: the findings
    of the articles as they are now are known. site.warm_model compares the
    articles' times with it, so an article touched but not changed (a
    checkout, an edit undone) does not load the model on every build."""
    with contextlib.suppress(OSError):  # no snapshot yet: nothing to mark
        os.utime(Path(directory) / SNAPSHOT_FILENAME)


def open_database(directory: str | Path | None) -> sqlite3.Connection | None:
    """The cache file in `directory`, or None (no directory, or not usable).

    A damaged file (not a database) is moved aside, said once, and a new one
    started: otherwise every later build would silently run without a cache."""
    if directory is None:
        return None
    path = Path(directory) / FILENAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _connect(path)
    except sqlite3.OperationalError:  # locked, read-only, no space: try next time
        return None
    except sqlite3.DatabaseError as error:  # "file is not a database", "malformed"
        aside = path.with_name(f"{FILENAME}.damaged")
        try:
            for suffix in ("", "-wal", "-shm"):
                damaged = path.with_name(FILENAME + suffix)
                if damaged.exists():
                    damaged.replace(aside.with_name(aside.name + suffix))
            db = _connect(path)
        except (OSError, sqlite3.Error):
            return None
        progress.logger.info(
            "editorial: the cache %s was damaged (%s): moved aside to %s, starting a new one",
            path, error, aside.name,
        )  # fmt: skip
        return db
    except OSError:
        return None


def _connect(path: Path) -> sqlite3.Connection:
    # Builds take turns (commands/workdir.py) but `invoke check` may run
    # beside one: a writer waits for the other rather than failing.
    db = sqlite3.connect(path, timeout=60)
    try:
        # Write-ahead logging: a commit appends to the log without waiting for
        # the disk (synchronous=NORMAL), and readers do not block a writer. A
        # crash or power loss can lose the last writes of a build, never
        # corrupt the file: the right trade for a cache (each commit of the
        # default journal cost ~70 ms of fsync on a rebuild).
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    except sqlite3.Error:
        db.close()
        raise
    return db


def claim(db: sqlite3.Connection, what: str, owner: str, *clear: str) -> None:
    """Make `owner` the one whose rows the tables hold: when the meta row
    `what` names another, run the `clear` statements (delete the others' rows)
    first. Only a change writes, so a warm build opens the cache without a write."""
    row = db.execute("SELECT value FROM meta WHERE key=?", (what,)).fetchone()
    if row is None or row[0] != owner:
        for statement in clear:  # a "?" in a statement stands for the owner
            db.execute(statement, (owner,) * statement.count("?"))
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (what, owner))
        db.commit()


def select_in(db: sqlite3.Connection, query: str, keys: Sequence[str], *first) -> Iterator:
    """Rows of `query` (ending in "IN ({})") for `keys`, one query per chunk."""
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        yield from db.execute(query.format(",".join("?" * len(chunk))), (*first, *chunk))
