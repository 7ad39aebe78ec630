"""`avictl history`: the journal of every change avictl made, newest first (SPEC.md §12)."""

from __future__ import annotations

import re
from typing import Any

import typer

from .. import errors
from .context import Context

DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def register(root: typer.Typer) -> None:
    root.command("history")(history)


def parse_duration(text: str) -> float:
    """`90s`, `15m`, `2h`, `1h30m`, `7d`, `2w` → seconds; exit 2 otherwise."""
    m = DURATION.match(text.strip().lower()) if text and text.strip() else None
    if not m or not any(m.groups()):
        raise errors.UsageError(f"--since {text!r} is not a duration", "write it like 30m, 2h, 1h30m, 7d or 2w")
    w, d, h, mi, s = (int(x or 0) for x in m.groups())
    return float(((w * 7 + d) * 24 + h) * 3600 + mi * 60 + s)


def history(
    ctx: typer.Context,
    limit: int = typer.Option(20, "--limit", "-n", metavar="N", min=1, help="Show at most N entries (default 20)."),
    obj: str = typer.Option(None, "--object", metavar="GLOB",
                            help="Only objects matching GLOB, e.g. 'marathon app /web*' or '*PublicSlaveL*'."),
    since: str = typer.Option(None, "--since", metavar="DURATION", help="Only the last DURATION (30m, 2h, 7d)."),
) -> None:
    """Show the changes avictl made to Marathon, the controller and AWS, newest first.

    Every write is journaled before it is sent and completed after it: OUTCOME is applied,
    failed, rolled back, or unfinished (begun and never completed: avictl was killed or
    the machine stopped; check the object). Entries of one command share a GROUP, which
    `avictl undo` takes back. The journal is $XDG_STATE_HOME/avictl/journal.jsonl.

    Examples:

    \b
      avictl history
      avictl history --object '*PublicSlaveL*' --since 2h
      avictl history -o json --limit 1
    """
    import datetime as dt
    import fnmatch

    from ..journal import read_entries, store, unfinished
    from ..output import Column

    cx: Context = ctx.obj
    cutoff = None
    if since is not None:
        cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=parse_duration(since))
    entries, damaged = read_entries(store.journal_path())
    if damaged:
        cx.warn(f"{damaged} line(s) of the journal could not be read and were skipped")
    stale = {e.id for e in unfinished(entries)}
    rows = []
    for e in entries:
        if obj and not fnmatch.fnmatchcase(e.object, obj):
            continue
        if cutoff is not None and _time(e.time) < cutoff:
            continue
        row = e.to_dict()
        row["flag"] = "UNFINISHED" if e.id in stale else ("in progress" if e.outcome == "unfinished" else "")
        rows.append(row)
        if len(rows) >= limit:
            break
    if any(r["flag"] == "UNFINISHED" for r in rows):
        cx.warn("an unfinished change was begun and never completed (avictl was stopped mid-change): check the "
                "object it names; `avictl undo ID` can take its group back")
    cx.out.list(rows, [
        Column("ID", "id"),
        Column("TIME", lambda r: _local(r["time"])),
        Column("OBJECT", "object"),
        Column("ACTION", "action"),
        Column("OUTCOME", lambda r: "UNFINISHED" if r["flag"] == "UNFINISHED" else r["outcome"],
               color=_outcome_color),
        Column("GROUP", "group"),
        Column("PROFILE", "profile", wide=True),
        Column("UNDOES", "undoes", wide=True),
        Column("COMMAND", "command", wide=True),
        Column("ERROR", "error", wide=True),
    ], name="id")


def _outcome_color(value: Any) -> str | None:
    return {"applied": "green", "failed": "red", "rolled back": "yellow", "UNFINISHED": "red",
            "unfinished": "yellow"}.get(str(value))


def _time(text: str) -> Any:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _local(text: str) -> str:
    t = _time(text)
    return t.astimezone().strftime("%Y-%m-%d %H:%M:%S") if t.year > 1 else text


def unfinished_note() -> str | None:
    """For `status`: a line about unfinished journal entries, or None."""
    from ..journal import read_entries, store, unfinished

    try:
        entries, _ = read_entries(store.journal_path())
    except OSError:
        return None
    stale = unfinished(entries)
    if not stale:
        return None
    first = stale[0]
    return (f"the journal has {len(stale)} unfinished change(s), newest {first.id} ({first.object}, "
            f"{first.action}): avictl stopped mid-change; check it with `avictl history`")
