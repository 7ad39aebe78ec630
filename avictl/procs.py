"""Whether a process is still running, by its id (the journal's writers, the lab's process)."""

from __future__ import annotations

import os


def pid_alive(pid: int | None) -> bool:
    """True while a process with this id exists, also one this user may not signal; a zombie
    child of this very process counts as gone."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:  # not our child: it exists
        return True
