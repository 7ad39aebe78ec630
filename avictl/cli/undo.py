"""`avictl undo [ID]`: take back the changes of one command from the journal (SPEC.md §12)."""

from __future__ import annotations

from typing import Any

import typer

from .. import errors
from .context import Context


def register(root: typer.Typer) -> None:
    root.command("undo")(undo)


def undo(
    ctx: typer.Context,
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

    cx: Context = ctx.obj
    entries, damaged = read_entries(store.journal_path())
    if damaged:
        cx.warn(f"{damaged} line(s) of the journal could not be read and were skipped")
    group, members = select_group(entries, ident, cx.settings.profile)
    if not any(e.outcome in ("applied", "unfinished") for e in members):
        raise errors.NotFound(f"group {group} changed nothing that is still in place "
                              f"(outcomes: {', '.join(sorted({e.outcome for e in members}))})")
    for other in undone_by(entries, group):
        cx.warn(f"group {group} was undone before (by group {other})")
    clients = Clients(cx.marathon, cx.avi, cx.aws, wait_timeout=timeout)
    plan = plan_undo(group, members, clients)
    structured = cx.out.structured
    result: dict[str, Any] = plan.to_dict()
    if not structured:
        cx.info(f"undo group {group}: {members[0].command} ({members[0].time}, profile {members[0].profile})")
        _print_plan(cx, plan)
    if plan.drift:
        if not structured:
            _print_drift(cx, plan)
        if not force:
            if structured:
                result["result"] = "refused: changed since"
                cx.out.show(result)
            names = ", ".join(s.object for s in plan.drift)
            raise errors.Conflict(f"{names} changed since group {group} (see the difference above); nothing was "
                                  "undone", "pass --force to undo anyway, overwriting those changes")
        cx.warn("undoing despite the changes made since (--force)")
    if plan.no_change:
        cx.info("no change: nothing to undo")
        result["result"] = "no change"
    elif dry_run:
        cx.info("dry run: nothing was changed")
        result["result"] = "dry run"
    else:
        count = sum(1 for s in plan.steps if s.run is not None)
        cx.confirm(f"Undo {count} change(s) of group {group}?", yes)
        cx.journal.undoes = group
        apply_undo(plan, on_step=lambda s: cx.info(f"  {step_text(s)}"))
        cx.info(f"undone: group {group} (this undo is group {cx.journal.group} in the journal)")
        result["result"] = "undone"
        result["undo_group"] = cx.journal.group
    if structured:
        cx.out.show(result)


REASONS = {
    "already_absent": "already absent", "already_as_before": "already as before", "deleted_since": "deleted since",
    "exists_again": "exists again", "no_inverse": "cannot be undone", "no_copy_before": "the journal has no copy "
    "of it before", "goes_with_target_group": "goes with the target group", "not_in_place": "not in place",
}


def step_text(step: Any) -> str:
    """What one undo step does, in words (the plan line)."""
    d = step.detail
    kind = step.kind
    if kind == "delete_app":
        return f"delete app {d['app']} (it did not exist before)"
    if kind == "create_app":
        return f"create app {d['app']} again from its definition before the delete"
    if kind == "put_app":
        changes = d.get("changes") or []
        text = ", ".join(f"{c['field']} {_short(c['current'])} → {_short(c['desired'])}" for c in changes[:4])
        return f"put app {d['app']} back to its definition before" + (
            f" ({text}{', …' if len(changes) > 4 else ''})" if changes else "")
    if kind == "retarget":
        now = d.get("listener_now") or {}
        if d.get("instance_port") is None:
            return f"retarget {d['load_balancer']} listener {d.get('listener_port')} back"
        return (f"retarget {d['load_balancer']} listener {d['listener_port']} back to instance port "
                f"{d['instance_port']} (now {now.get('port')}/{now.get('protocol')} → {now.get('instance_port')}/"
                f"{now.get('instance_protocol')}), health check {d.get('health_check')}")
    if kind == "revoke_rule":
        rule = d.get("rule") or {}
        source = rule.get("source_group_id") or rule.get("source_group_name")
        return f"revoke the rule of {d['group_id']}: tcp {rule.get('port')} from {source}"
    if kind == "delete_target_group":
        return f"delete target group {d['target_group']} once no listener uses it"
    if kind == "restore_health_check":
        return f"health check of {d['target_group']} back to {d.get('health_check')}"
    if kind in ("avi_delete", "avi_create", "avi_put"):
        verb = {"avi_delete": "delete", "avi_create": "create again", "avi_put": "put back as it was"}[kind]
        return f"{d.get('collection')} {d.get('name')}: {verb}"
    if step.reason == "not_in_place":
        return f"{d.get('action')}: nothing to undo (it was {d.get('outcome')})"
    return f"{d.get('action') or step.object}: no inverse"


def _short(value: Any) -> str:
    import json

    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "…"


def _print_plan(cx: Context, plan: Any) -> None:
    from ..output import Column

    rows = [{"n": i + 1, "object": s.object, "undo": step_text(s),
             "note": REASONS.get(s.reason or "", s.reason or "") or ("changed since" if s.drift else "")}
            for i, s in enumerate(plan.steps)]
    cx.out.list(rows, [Column("STEP", "n"), Column("OBJECT", "object"), Column("UNDO", "undo"),
                       Column("NOTE", "note")], name="object")


def _print_drift(cx: Context, plan: Any) -> None:
    import json

    from ..output import Column

    rows = [{"object": s.object, "field": d["field"], "journal": d["journal"], "now": d["now"]}
            for s in plan.drift for d in s.drift]
    cx.info("changed since (the journal's `after` → what it is now):")
    cx.out.list(rows, [Column("OBJECT", "object"), Column("FIELD", "field"),
                       Column("AFTER THE CHANGE", lambda r: json.dumps(r["journal"])),
                       Column("NOW", lambda r: json.dumps(r["now"]))], name="field")
