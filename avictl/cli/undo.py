"""`avictl undo [ID]`: take back the changes of one command from the journal (SPEC.md §12)."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from ._common import state


def register(root: typer.Typer) -> None:
    root.command("undo")(undo)


def undo(
    ident: str = typer.Argument(None, metavar="[ID]",
                                help="An entry or group id from `avictl history` (default: the newest change "
                                     "of the profile not undone yet)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change nothing."),
    force: bool = typer.Option(False, "--force",
                               help="Undo even where an object changed since (overwrites that change)."),
    timeout: float = typer.Option(600, "--timeout", metavar="SECONDS", min=1,
                                  help="How long to wait for a Marathon app put back to be deployed."),
) -> None:
    """Undo the changes of one command: each change's inverse, newest first, as a plan to confirm.

    A Marathon app goes back to its definition before (a created app is deleted, a deleted
    one created again); a load balancer's listener and health check go back through the
    same safe path as `elb retarget` (rollback if it fails half-way); a security-group rule
    the change added is revoked; a target group it created is deleted once unused. If an
    object no longer matches what the change left (someone edited it since), nothing is
    changed and the difference is shown (exit 4) unless --force. Stacks are not undone:
    use `avictl stack delete`. The undo is journaled as a change of its own.

    Examples:

    \b
      avictl undo --dry-run
      avictl undo 3f2a9c1e --yes
      avictl history --limit 5 && avictl undo
    """
    from ..journal import read_entries, store
    from ..journal.undo import Clients, apply_undo, plan_undo, select_group, undone_by

    st = state()
    entries, damaged = read_entries(store.journal_path())
    if damaged:
        st.warn(f"{damaged} line(s) of the journal could not be read and were skipped")
    group, members = select_group(entries, ident, st.settings.profile)
    if not any(e.outcome in ("applied", "unfinished") for e in members):
        raise errors.NotFound(f"group {group} changed nothing that is still in place "
                              f"(outcomes: {', '.join(sorted({e.outcome for e in members}))})")
    for other in undone_by(entries, group):
        st.warn(f"group {group} was undone before (by group {other})")
    clients = Clients(st.marathon, st.avi, st.aws, wait_timeout=timeout)
    plan = plan_undo(group, members, clients)
    structured = st.out.format in ("json", "jsonl", "yaml") or bool(st.opts.query)
    result: dict[str, Any] = plan.to_dict()
    if not structured:
        st.info(f"undo group {group}: {members[0].command} ({members[0].time}, profile {members[0].profile})")
        _print_plan(plan)
    if plan.drift:
        if not structured:
            _print_drift(plan)
        if not force:
            if structured:
                result["result"] = "refused: changed since"
                st.out.show(result)
            names = ", ".join(s.object for s in plan.drift)
            raise errors.Conflict(f"{names} changed since group {group} (see the difference above); nothing was "
                                  "undone", "pass --force to undo anyway, overwriting those changes")
        st.warn("undoing despite the changes made since (--force)")
    if plan.no_change:
        st.info("no change: nothing to undo")
        result["result"] = "no change"
    elif dry_run:
        st.info("dry run: nothing was changed")
        result["result"] = "dry run"
    else:
        count = sum(1 for s in plan.steps if s.run is not None)
        st.confirm(f"Undo {count} change(s) of group {group}?", yes)
        st.journal.undoes = group
        apply_undo(plan, on_step=lambda s: st.info(f"  {s.what}"))
        st.info(f"undone: group {group} (this undo is group {st.journal.group} in the journal)")
        result["result"] = "undone"
        result["undo_group"] = st.journal.group
    if structured:
        st.out.show(result)


def _print_plan(plan: Any) -> None:
    from ..output import Column

    rows = [{"n": i + 1, "object": s.object, "undo": s.what,
             "note": s.note or ("changed since" if s.drift else "")} for i, s in enumerate(plan.steps)]
    state().out.list(rows, [Column("STEP", "n"), Column("OBJECT", "object"), Column("UNDO", "undo"),
                            Column("NOTE", "note")], name="object")


def _print_drift(plan: Any) -> None:
    import json

    from ..output import Column

    rows = [{"object": s.object, "field": d["field"], "journal": d["journal"], "now": d["now"]}
            for s in plan.drift for d in s.drift]
    st = state()
    st.info("changed since (the journal's `after` → what it is now):")
    st.out.list(rows, [Column("OBJECT", "object"), Column("FIELD", "field"),
                       Column("AFTER THE CHANGE", lambda r: json.dumps(r["journal"])),
                       Column("NOW", lambda r: json.dumps(r["now"]))], name="field")
