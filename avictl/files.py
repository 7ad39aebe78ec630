"""Private files: written atomically with mode 0600 (the config file, the name cache, the Avi session cache)."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, text: str, *, sync: bool = True) -> None:
    """Replace `path` with `text` atomically, readable by the owner only.

    A temporary file (mode 0600 from its creation) beside it is renamed over it, so a reader
    sees the old content or the new, never a part. The directory is created 0700 when
    missing. `sync` flushes the data to disk before the rename (the config file; a cache may
    skip it). Errors (OSError) go to the caller, the temporary file removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)  # an existing temporary file keeps its mode through O_CREAT
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise
