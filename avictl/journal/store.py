"""The journal file: JSON lines appended under a file lock, fsynced, rotated at 10 MB (SPEC.md §12).

Layout: `$XDG_STATE_HOME/avictl/journal.jsonl` (default `~/.local/state/avictl/`), mode 0600,
with `journal.jsonl.1` and `journal.jsonl.2` the older files after rotation (three kept) and
`journal.lock` the lock every avictl process takes (fcntl) while it appends or rotates.

Every line is a whole entry. An entry is written once before its request is sent (outcome
`unfinished`) and again, complete, after it (`applied`, `failed`, `rolled back`); readers
take the last line of each id. So a crash leaves the first line alone, and `history`
shows the entry as unfinished.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROTATE_BYTES = 10 * 1024 * 1024
KEEP_FILES = 3  # journal.jsonl, .1, .2
FILE_NAME = "journal.jsonl"


def state_dir() -> Path:
    """$XDG_STATE_HOME/avictl, else ~/.local/state/avictl."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "avictl"


def journal_path() -> Path:
    return state_dir() / FILE_NAME


def rotated(path: Path) -> list[Path]:
    """The journal's files, oldest first: journal.jsonl.2, journal.jsonl.1, journal.jsonl."""
    return [path.with_name(f"{path.name}.{i}") for i in range(KEEP_FILES - 1, 0, -1)] + [path]


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the journal's lock (shared by every avictl process of this user)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path.with_name("journal.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def append(path: Path, record: dict[str, Any], *, rotate_bytes: int = ROTATE_BYTES) -> None:
    """Append one record as a JSON line and fsync it; rotate first when the file is full."""
    line = (json.dumps(record, separators=(",", ":"), ensure_ascii=False, default=str) + "\n").encode("utf-8")
    with locked(path):
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(line) > rotate_bytes:
            _rotate(path)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_mode & 0o077:
                os.fchmod(fd, 0o600)
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)


def _rotate(path: Path) -> None:
    files = rotated(path)  # oldest first
    files[0].unlink(missing_ok=True)
    for older, newer in zip(files, files[1:]):
        if newer.exists():
            os.replace(newer, older)
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def read_records(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Every record of the journal's files, oldest first, and how many lines could not be read."""
    records: list[dict[str, Any]] = []
    damaged = 0
    with locked(path) if path.parent.exists() else _nothing():
        for file in rotated(path):
            try:
                data = file.read_bytes()
            except FileNotFoundError:
                continue
            for raw in data.splitlines():
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except ValueError:
                    damaged += 1  # a line cut by a full disk or a crash mid-write
                    continue
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    records.append(record)
                else:
                    damaged += 1
    return records, damaged


@contextmanager
def _nothing() -> Iterator[None]:
    yield
