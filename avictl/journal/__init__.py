"""The journal: every change avictl makes, recorded before it is sent (SPEC.md §12).

One `Journal` per command invocation (one group id). A change to one object is an entry:

    with journal.change("marathon", "marathon app /webapp1", "update", before=old, after=new) as entry:
        ...the requests that make the change...
        entry.after = what_it_is_now          # optional

`change` writes the entry (outcome `unfinished`) and fsyncs it before the block runs, and
writes it again when the block ends: `applied`, or `failed` with the error when the block
raised. Code that undoes a change of its own (a retarget's rollback) reopens the entry with
`journal.rolling_back(entry)`, which ends as `rolled back`.

The clients enforce it: the Marathon and Avi transports and the AWS client refuse a write
(any request that is not a read) while no entry of their system is open (`require`), so no
code path can change anything without a journal entry. The journal never holds a secret:
values of secret-looking keys and every secret the redactor knows are replaced by `***`.

Nothing here prints; `history` and `undo` (avictl/cli/) render and act on `read_entries`.
"""

from __future__ import annotations

import datetime as _dt
import os
import secrets as _secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AvictlError
from ..procs import pid_alive
from . import store

OUTCOMES = ("unfinished", "applied", "failed", "rolled back")
SYSTEMS = ("marathon", "avi", "aws")
REDACTED = "***"


class JournalError(AvictlError):
    """The journal cannot be written, or a write was attempted without an entry: nothing was sent."""


def new_id() -> str:
    return _secrets.token_hex(4)


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Entry:
    """One change to one object."""

    id: str
    group: str
    time: str
    profile: str
    command: str
    system: str
    object: str
    action: str
    before: Any = None
    after: Any = None
    outcome: str = "unfinished"
    error: str | None = None
    undoes: str | None = None  # the group this entry's command undid (written by `undo`)
    target: Any = None  # where the object lives, for `undo` (a controller path and tenant, an ARN ...)
    finished: str | None = None
    pid: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Journal:
    """The journal of one command: its group id, profile and (redacted) command line."""

    path: Path
    profile: str = "default"
    command: str = "avictl"
    redactor: Any = None  # avictl.http.Redactor; its known secrets never reach the file
    group: str = field(default_factory=new_id)
    undoes: str | None = None  # set by `undo`: the group its changes take back
    rotate_bytes: int = store.ROTATE_BYTES
    entries: list[Entry] = field(default_factory=list)
    _open: list[Entry] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- writing ----------------------------------------------------------------------------

    def begin(self, system: str, obj: str, action: str, *, before: Any = None, after: Any = None,
              undoes: str | None = None, target: Any = None) -> Entry:
        """Write an `unfinished` entry (fsynced) and make it the open entry of its system."""
        command = self.redactor.text(self.command) if self.redactor is not None else self.command
        entry = Entry(id=new_id(), group=self.group, time=now(), profile=self.profile, command=command,
                      system=system, object=obj, action=action, before=self.clean(before),
                      after=self.clean(after), undoes=undoes or self.undoes, target=self.clean(target),
                      pid=os.getpid())
        self._write(entry)
        with self._lock:
            self.entries.append(entry)
            self._open.append(entry)
        return entry

    def finish(self, entry: Entry, outcome: str, *, after: Any = ..., error: BaseException | str | None = None
               ) -> None:
        """Complete `entry` with its outcome; it is no longer open."""
        if outcome not in OUTCOMES:
            raise ValueError(outcome)
        with self._lock:
            if entry in self._open:
                self._open.remove(entry)
        if after is not ...:
            entry.after = self.clean(after)
        entry.outcome = outcome
        entry.error = self._error_text(error) if error is not None else (None if outcome == "applied" else
                                                                          entry.error)
        entry.finished = now()
        self._write(entry)

    @contextmanager
    def change(self, system: str, obj: str, action: str, *, before: Any = None, after: Any = None,
               undoes: str | None = None, target: Any = None) -> Iterator[Entry]:
        """An entry around the requests of one change: applied when the block ends, failed if it raised.

        The block may finish the entry itself (e.g. as `rolled back`); then nothing more is written.
        """
        entry = self.begin(system, obj, action, before=before, after=after, undoes=undoes, target=target)
        marker = entry.after
        try:
            yield entry
        except BaseException as exc:
            if entry.outcome == "unfinished":
                self.finish(entry, "failed", error=exc)
            raise
        if entry.outcome == "unfinished":
            self.finish(entry, "applied", after=entry.after if entry.after is not marker else ...)

    @contextmanager
    def rolling_back(self, entry: Entry) -> Iterator[Entry]:
        """Reopen `entry` while its change is undone; `rolled back` when the block succeeds.

        If the undo fails, the entry says so (`failed`, with both errors) and the error goes on.
        """
        previous = entry.outcome
        entry.outcome = "unfinished"
        entry.error = f"rolling back (was {previous})"
        self._write(entry)
        with self._lock:
            self._open.append(entry)
        try:
            yield entry
        except BaseException as exc:
            self.finish(entry, "failed", error=f"the rollback failed: {self._error_text(exc)}")
            raise
        self.finish(entry, "rolled back", error=f"rolled back (was {previous})")

    def mark(self, entry: Entry, outcome: str, error: str | None = None) -> None:
        """Record a new outcome for a finished entry (e.g. `rolled back` by a later inline restore)."""
        self.finish(entry, outcome, error=error)

    # -- enforcement --------------------------------------------------------------------------

    def is_open(self, system: str) -> bool:
        with self._lock:
            return any(e.system == system for e in self._open)

    def require(self, system: str, what: str) -> None:
        """Raise unless an entry of `system` is open: a write may not be sent without one."""
        if not self.is_open(system):
            raise unjournaled(system, what)

    # -- helpers ------------------------------------------------------------------------------

    def clean(self, data: Any) -> Any:
        """A copy of `data` fit for the journal: secret-looking keys and known secrets replaced."""
        return scrub(data, self.redactor)

    def _error_text(self, error: BaseException | str) -> str:
        if isinstance(error, AvictlError):
            text = error.message
        elif isinstance(error, KeyboardInterrupt):
            text = "interrupted"
        elif isinstance(error, BaseException):
            text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        else:
            text = str(error)
        return self.redactor.text(text) if self.redactor is not None else text

    def _write(self, entry: Entry) -> None:
        try:
            store.append(self.path, entry.to_dict(), rotate_bytes=self.rotate_bytes)
        except OSError as exc:
            raise JournalError(f"cannot write the journal {self.path}: {exc.strerror or exc}; nothing more was "
                               "sent", "make its directory writable, or point XDG_STATE_HOME elsewhere") from None


def unjournaled(system: str, what: str) -> JournalError:
    """The error of a write attempted without an open journal entry (a bug in avictl)."""
    return JournalError(f"internal error: {what} ({system}) was about to be sent without a journal entry; "
                        "nothing was sent", "please report this as a bug in avictl")


def require(journal: Journal | None, system: str, what: str) -> None:
    """What the clients call before a write: a journal with an open entry of `system`, or JournalError."""
    if journal is None:
        raise unjournaled(system, what)
    journal.require(system, what)


# -- secrets ------------------------------------------------------------------------------------


def scrub(data: Any, redactor: Any = None) -> Any:
    """JSON-like data with secret-looking keys' values and the redactor's known secrets replaced."""
    if data is None:
        return None
    from ..http import redact_data

    cleaned = redact_data(_jsonable(data))
    if redactor is None:
        return cleaned
    return _map_strings(cleaned, redactor.text)


def redact_argv(argv: list[str], redactor: Any = None) -> str:
    """The command line for the journal: values of secret-looking options and KEY=VALUE pairs hidden."""
    import re
    import shlex

    from ..http import SECRET_KEYS

    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append(REDACTED)
            hide_next = False
            continue
        if arg.startswith("--") and SECRET_KEYS.search(arg.split("=", 1)[0]) and not arg.endswith("-stdin"):
            if "=" in arg:
                out.append(arg.split("=", 1)[0] + "=" + REDACTED)
            else:
                out.append(arg)
                hide_next = True
            continue
        m = re.match(r"^([^=\s]+)=(.*)$", arg)
        if m and SECRET_KEYS.search(m.group(1)):
            arg = f"{m.group(1)}={REDACTED}"
        out.append(arg)
    text = " ".join(["avictl", *(shlex.quote(a) for a in out)])
    return redactor.text(text) if redactor is not None else text


def _jsonable(data: Any) -> Any:
    import json

    return json.loads(json.dumps(data, default=str))


def _map_strings(data: Any, fn: Any) -> Any:
    if isinstance(data, str):
        return fn(data)
    if isinstance(data, dict):
        return {k: _map_strings(v, fn) for k, v in data.items()}
    if isinstance(data, list):
        return [_map_strings(v, fn) for v in data]
    return data


# -- reading ------------------------------------------------------------------------------------


def read_entries(path: Path | None = None) -> tuple[list[Entry], int]:
    """Every entry (the last line written for each id), newest first, and the count of damaged lines."""
    records, damaged = store.read_records(path or store.journal_path())
    latest: dict[str, dict[str, Any]] = {}
    order: dict[str, int] = {}
    for i, record in enumerate(records):
        if record["id"] not in order:
            order[record["id"]] = i
        latest[record["id"]] = record
    entries = []
    for rid, record in latest.items():
        try:
            entries.append(Entry.from_dict(record))
        except TypeError:
            damaged += 1
    entries.sort(key=lambda e: (e.time, order[e.id]), reverse=True)
    return entries, damaged


def unfinished(entries: list[Entry]) -> list[Entry]:
    """Entries whose change was begun and never completed (a crash, a kill)."""
    return [e for e in entries if e.outcome == "unfinished" and not _running(e.pid)]


def _running(pid: int) -> bool:
    """True while the process that wrote an entry is still running (its entry is in progress)."""
    if not pid or pid == os.getpid() or not pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return b"avictl" in cmdline
