"""A small per-profile cache of object names (apps, VSs, ELBs, SEs, node ids, stacks) for shell completion.

List commands call `remember()` with what they just printed; a TAB asks `recall()` and gets
an answer at once, however slow or unreachable the servers are. When the cache is older
than `TTL` the completion fast path starts `refresh_in_background()` and answers from the
stale copy meanwhile.

Layout: `<cache_dir>/names/<profile>/<kind>.json` (directories 0700, files 0600), each
`{"kind": ..., "profile": ..., "written": <epoch seconds>, "names": [...]}`.

Imports only the standard library and avictl.config: this runs on every TAB.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .files import write_private

KINDS = ("app", "vs", "elb", "se", "node", "stack")
TTL = 60.0  # seconds a cached list counts as fresh
RETRY_AFTER = 30.0  # seconds between background refresh attempts (a failing server is not hammered)
MAX_NAMES = 50_000
REFRESH_TIMEOUT = 60.0

# The list command whose `-o name` output refreshes each kind.
LIST_COMMANDS = {"app": ("app", "list"), "vs": ("vs", "list"), "elb": ("elb", "list"), "se": ("se", "list"),
                 "node": ("node", "list"),
                 "stack": ("stack", "list")}


def _kind_dir(profile: str) -> Path | None:
    from .config import PROFILE_NAME, cache_dir

    if not PROFILE_NAME.match(profile or ""):
        return None  # not a name we could have written (and not a path to trust)
    return cache_dir() / "names" / profile


def _path(profile: str, kind: str) -> Path | None:
    if kind not in KINDS:
        raise ValueError(f"unknown name kind {kind!r}; expected one of {', '.join(KINDS)}")
    where = _kind_dir(profile)
    return None if where is None else where / f"{kind}.json"


def remember(profile: str, kind: str, names: Iterable[str]) -> None:
    """Store the names just listed for `profile` (atomic write; never fails the caller)."""
    path = _path(profile, kind)
    if path is None:
        return
    unique = list(dict.fromkeys(str(n) for n in names if n not in (None, "")))[:MAX_NAMES]
    body = json.dumps({"kind": kind, "profile": profile, "written": time.time(), "names": unique},
                      separators=(",", ":"))
    try:
        _make_private_dirs(path.parent)
        write_private(path, body, sync=False)
    except OSError:
        return
    _marker(path).unlink(missing_ok=True)


def tee(profile: str, kind: str, items: Iterable[dict], key: str | Callable[[dict], Any] = "name") -> Iterable[dict]:
    """Pass `items` through (streaming, page by page for a Paged listing) and remember their
    names once all have been seen.

    For list commands: `st.out.list(names_cache.tee(profile, "vs", items), columns)`. Nothing
    is remembered when the listing stops early (an error, a broken pipe) or when a filter
    made it partial — pass unfiltered listings only.
    """
    from .paging import Paged, pages_of

    def pages() -> Iterator[list[dict]]:
        names: list[str] = []
        for page in pages_of(items):
            for item in page:
                value = key(item) if callable(key) else item.get(key)
                if isinstance(value, str) and value and len(names) < MAX_NAMES:
                    names.append(value)
            yield page
        remember(profile, kind, names)

    return Paged(pages())


def recall(profile: str, kind: str) -> tuple[list[str], float | None]:
    """The cached names and their age in seconds; ([], None) when there is no usable cache."""
    path = _path(profile, kind)
    if path is None:
        return [], None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = [n for n in data["names"] if isinstance(n, str)]
        age = max(0.0, time.time() - float(data["written"]))
    except (OSError, ValueError, KeyError, TypeError):
        return [], None
    return names, age


def forget(profile: str, kind: str | None = None) -> None:
    """Drop the cached names of one kind, or all kinds, of a profile."""
    for k in (kind,) if kind else KINDS:
        path = _path(profile, k)
        if path is not None:
            path.unlink(missing_ok=True)


def _make_private_dirs(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass


def _marker(path: Path) -> Path:
    return path.with_name(f".{path.stem}.refreshing")


# -- background refresh --------------------------------------------------------------------


def refresh_in_background(profile: str, kind: str, profile_flag: str | None = None) -> bool:
    """Start a detached `avictl ... list -o name` that refills the cache; never waits for it.

    At most one attempt per RETRY_AFTER seconds per profile and kind (a marker file records
    the attempt), so repeated TABs against an unreachable server start nothing new.
    Returns whether a refresh was started.
    """
    path = _path(profile, kind)
    if path is None or os.environ.get("AVICTL_NO_NAME_REFRESH"):
        return False
    marker = _marker(path)
    try:
        _make_private_dirs(path.parent)
        try:
            if time.time() - marker.stat().st_mtime < RETRY_AFTER:
                return False
            marker.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        return False  # another TAB won the race, or the cache is not writable
    import subprocess

    cmd = [sys.executable, "-m", "avictl.names_cache", "refresh", profile, kind]
    if profile_flag:
        cmd.append(profile_flag)
    try:
        subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, close_fds=True)
    except OSError:
        return False
    return True


def refresh(profile: str, kind: str, profile_flag: str | None = None) -> int:
    """Run the list command for `kind` and remember its names (the background worker)."""
    import subprocess

    argv = [sys.executable, "-m", "avictl"]
    if profile_flag:
        argv += ["--profile", profile_flag]
    argv += ["--timeout", "10", *LIST_COMMANDS[kind], "-o", "name"]
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=REFRESH_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return 1
    if proc.returncode != 0:
        return proc.returncode  # the marker stays: the next attempt waits RETRY_AFTER
    names = [line.strip() for line in proc.stdout.decode("utf-8", "replace").splitlines() if line.strip()]
    remember(profile, kind, names)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) in (3, 4) and argv[0] == "refresh" and argv[2] in KINDS:
        return refresh(argv[1], argv[2], argv[3] if len(argv) == 4 else None)
    sys.stderr.write("usage: python -m avictl.names_cache refresh PROFILE {app|vs|elb|se|node|stack} [PROFILE_FLAG]\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
