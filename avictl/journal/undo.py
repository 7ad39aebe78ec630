"""Undo one group of the journal: the inverse of each change, newest first (SPEC.md §12).

`select_group` finds the group (`undo ID`, or the newest of the profile not yet undone);
`plan_undo` reads what each object is now and returns an `UndoPlan`: one `Step` per
change (its inverse, or a note why there is none) and the drift — fields where an object no
longer matches the entry's `after`. `apply_undo` carries the steps out through the same
clients and safe paths as the original commands (the ELB through ops.retarget, with its
rollback), so every write is journaled again, in a group of its own that `undoes` the first.

Nothing here prints or words anything: a step is data (`kind`, `detail`, `reason`, `drift`)
and the CLI renders it (avictl/cli/undo.py).
"""

from __future__ import annotations

import copy
import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import errors
from . import REDACTED, Entry

UNDOABLE = ("applied", "unfinished")


@dataclass
class Step:
    """The inverse of one change (or of the changes to one load balancer)."""

    entries: list[Entry]
    system: str
    object: str
    # what the inverse is: delete_app | create_app | put_app | retarget | revoke_rule |
    # delete_target_group | restore_health_check | avi_delete | avi_create | avi_put | none
    kind: str = "none"
    detail: dict[str, Any] = field(default_factory=dict)  # the data the CLI words it from
    drift: list[dict[str, Any]] = field(default_factory=list)  # [{"field", "journal", "now"}]
    # why nothing is done: already_absent, already_as_before, deleted_since, exists_again,
    # no_inverse, not_in_place (the entry's outcome), goes_with_target_group, no_copy_before ...
    reason: str | None = None
    run: Callable[[], Any] | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"entries": [e.id for e in self.entries], "system": self.system, "object": self.object,
                "kind": self.kind, "detail": self.detail, "drift": self.drift, "reason": self.reason,
                "action": "none" if self.run is None else "undo"}


@dataclass
class UndoPlan:
    group: str
    entries: list[Entry]
    steps: list[Step]

    @property
    def drift(self) -> list[Step]:
        return [s for s in self.steps if s.drift]

    @property
    def no_change(self) -> bool:
        return all(s.run is None for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        first = self.entries[0] if self.entries else None
        return {"group": self.group, "command": first.command if first else None,
                "time": first.time if first else None, "profile": first.profile if first else None,
                "steps": [s.to_dict() for s in self.steps]}


# -- choosing the group ---------------------------------------------------------------------------


def select_group(entries: list[Entry], ident: str | None, profile: str) -> tuple[str, list[Entry]]:
    """The group to undo and its entries, oldest first. `ident`: an entry or group id (or a prefix)."""
    if ident:
        ident = ident.strip().lower()
        if len(ident) < 4 or not re.fullmatch(r"[0-9a-f]+", ident):
            raise errors.UsageError(f"{ident!r} is not a journal id", "ids are shown by `avictl history`")
        groups = {e.group for e in entries if e.id.startswith(ident) or e.group.startswith(ident)}
        if not groups:
            raise errors.NotFound(f"no journal entry or group {ident}", "`avictl history` lists them")
        if len(groups) > 1:
            raise errors.UsageError(f"{ident} matches several groups ({', '.join(sorted(groups))})",
                                    "give more characters of the id")
        group = groups.pop()
    else:
        undone = {e.undoes for e in entries if e.undoes}
        candidates = [e for e in entries if e.profile == profile and not e.undoes and e.group not in undone
                      and e.outcome in UNDOABLE]
        if not candidates:
            raise errors.NotFound(f"nothing to undo for profile {profile}: the journal has no change of it "
                                  "that is not undone yet", "`avictl history` shows the journal")
        group = candidates[0].group  # entries are newest first
    members = sorted((e for e in entries if e.group == group), key=lambda e: e.time)
    return group, members


def undone_by(entries: list[Entry], group: str) -> list[str]:
    """Groups that undid `group` already."""
    return sorted({e.group for e in entries if e.undoes == group})


# -- comparing -------------------------------------------------------------------------------------


def drift(expected: Any, current: Any, path: str = "", *, ignore: frozenset[str] = frozenset()) -> list[dict]:
    """Fields of `expected` (an entry's `after`) that `current` no longer has: [{field, journal, now}].

    Only what `expected` sets is compared; redacted values (secrets) cannot be and are skipped.
    """
    out: list[dict[str, Any]] = []
    if expected == REDACTED:
        return out
    if isinstance(expected, dict) and isinstance(current, dict):
        for key in expected:
            if key in ignore:
                continue
            out += drift(expected[key], current.get(key), f"{path}.{key}" if path else str(key), ignore=ignore)
        return out
    if isinstance(expected, list) and isinstance(current, list) and len(expected) == len(current):
        for i, (a, b) in enumerate(zip(expected, current)):
            out += drift(a, b, f"{path}[{i}]", ignore=ignore)
        return out
    if _same(expected, current):
        return out
    out.append({"field": path or "(object)", "journal": expected, "now": current})
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b


def fill_redacted(data: Any, current: Any, path: str = "") -> tuple[Any, list[str]]:
    """`data` with each redacted value taken from `current` at the same place; the places it could not fill."""
    if data == REDACTED:
        if current is None or current == REDACTED:
            return data, [path]
        return copy.deepcopy(current), []
    if isinstance(data, dict):
        out, missing = {}, []
        for key, value in data.items():
            cur = current.get(key) if isinstance(current, dict) else None
            out[key], miss = fill_redacted(value, cur, f"{path}.{key}" if path else str(key))
            missing += miss
        return out, missing
    if isinstance(data, list):
        out_list, missing = [], []
        for i, value in enumerate(data):
            cur = current[i] if isinstance(current, list) and i < len(current) else None
            filled, miss = fill_redacted(value, cur, f"{path}[{i}]")
            out_list.append(filled)
            missing += miss
        return out_list, missing
    return data, []


def _restorable(before: Any, current: Any, what: str) -> Any:
    filled, missing = fill_redacted(before, current)
    if missing:
        raise errors.UsageError(f"{what}: the state before held secret values the journal does not keep "
                                f"({', '.join(missing)}); restore it by hand")
    return filled


# -- planning --------------------------------------------------------------------------------------


class Clients:
    """Lazy access to the systems' clients (the CLI hands in its factories)."""

    def __init__(self, marathon: Callable[[], Any], avi: Callable[[], Any], aws: Callable[[], Any],
                 wait_timeout: float = 600.0):
        self._factories = {"marathon": marathon, "avi": avi, "aws": aws}
        self.wait_timeout = wait_timeout  # for a Marathon app put back: its deployment must finish

    def __getattr__(self, name: str) -> Any:
        try:
            return self._factories[name]()
        except KeyError:
            raise AttributeError(name) from None


def plan_undo(group: str, entries: list[Entry], clients: Clients) -> UndoPlan:
    """The inverse of each change of the group, newest first, with the drift of each object."""
    stacks = [e for e in entries if e.object.startswith("cloudformation stack") and e.outcome in UNDOABLE]
    if stacks:
        name = stacks[0].object.split()[2] if len(stacks[0].object.split()) > 2 else "NAME"
        raise errors.UsageError(f"group {group} created or changed a CloudFormation stack; stacks are not undone",
                                f"delete it with `avictl stack delete {name}`")
    steps: list[Step] = []
    done_lbs: set[str] = set()
    for entry in sorted(entries, key=lambda e: e.time, reverse=True):
        if entry.outcome not in UNDOABLE:
            steps.append(Step([entry], entry.system, entry.object, detail={"action": entry.action,
                                                                            "outcome": entry.outcome},
                              reason="not_in_place"))
            continue
        if entry.system == "marathon":
            steps.append(_marathon_step(entry, clients))
        elif entry.system == "avi":
            steps.append(_avi_step(entry, clients))
        elif entry.system == "aws":
            from . import undo_aws

            lb = undo_aws.load_balancer_of(entry)
            if lb and undo_aws.is_listener_change(entry):
                if lb in done_lbs:
                    continue
                done_lbs.add(lb)
                group_entries = [e for e in entries if undo_aws.load_balancer_of(e) == lb
                                 and undo_aws.is_listener_change(e) and e.outcome in UNDOABLE]
                steps.append(undo_aws.retarget_step(lb, group_entries, clients))
            else:
                steps.append(undo_aws.other_step(entry, entries, clients))
        else:
            steps.append(Step([entry], entry.system, entry.object, detail={"action": entry.action},
                              reason="no_inverse"))
    return UndoPlan(group=group, entries=entries, steps=steps)


def apply_undo(plan: UndoPlan, on_step: Callable[[Step], None] | None = None) -> list[Step]:
    """Run the steps in order (their writes journal themselves); the steps that ran."""
    ran = []
    for step in plan.steps:
        if step.run is None:
            continue
        if on_step:
            on_step(step)
        step.run()
        ran.append(step)
    return ran


# -- Marathon --------------------------------------------------------------------------------------


def _marathon_step(entry: Entry, clients: Clients) -> Step:
    from ..marathon import appdef

    m = re.fullmatch(r"marathon app (\S+)", entry.object)
    if not m or entry.action in ("restart",):
        return Step([entry], "marathon", entry.object, detail={"action": entry.action}, reason="no_inverse")
    app_id = m.group(1)
    marathon = clients.marathon
    current = marathon.find_app(app_id)
    step = Step([entry], "marathon", entry.object, detail={"app": app_id})
    if entry.action == "create" or entry.before is None:
        step.kind = "delete_app"
        if current is None:
            step.drift = [{"field": "(app)", "journal": "exists", "now": "absent"}]
            step.reason = "already_absent"
            return step
        step.drift = _app_drift(entry.after or {}, current)
        step.run = lambda: marathon.delete_app(app_id, current=current)
        return step
    if entry.action == "delete":
        step.kind = "create_app"
        if current is not None:
            step.drift = [{"field": "(app)", "journal": "absent", "now": "exists"}]
            step.reason = "exists_again"
            return step
        definition = _restorable(entry.before, None, f"app {app_id}")

        def create() -> Any:
            marathon.post_app(definition)
            return _wait(marathon, app_id, clients.wait_timeout)

        step.run = create
        return step
    # update / scale
    step.kind = "put_app"
    if current is None:
        step.drift = [{"field": "(app)", "journal": "exists", "now": "absent"}]
        step.reason = "deleted_since"
        return step
    step.drift = _app_drift(entry.after or {}, current)
    before = entry.before
    keys = [k for k in (entry.after or {}) if k != "id"]
    if keys and all(k in before for k in keys):
        body = {k: before[k] for k in keys}
    else:
        body = {k: v for k, v in before.items() if k != "id"}
    body = _restorable(body, appdef.definition_of(current), f"app {app_id}")
    changes = appdef.diff_app({**body, "id": app_id}, current)
    step.detail["changes"] = changes
    if not changes and not step.drift:
        step.reason = "already_as_before"
        return step
    def put_back() -> Any:
        marathon.put_app(app_id, body, current=current)
        return _wait(marathon, app_id, clients.wait_timeout)

    step.run = put_back
    return step


def _wait(marathon: Any, app_id: str, timeout: float) -> Any:
    from ..ops.wait import wait_for_app

    return wait_for_app(marathon, app_id, timeout)


def _app_drift(after: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    from ..marathon import appdef

    want = {k: v for k, v in after.items() if not _has_redacted(v)}
    return [{"field": d["field"], "journal": d["desired"], "now": d["current"]}
            for d in appdef.diff_app(want, current)]


def _has_redacted(value: Any) -> bool:
    if value == REDACTED:
        return True
    if isinstance(value, dict):
        return any(_has_redacted(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_redacted(v) for v in value)
    return False


# -- Avi -------------------------------------------------------------------------------------------

AVI_VOLATILE = frozenset({"_last_modified"})


def _avi_step(entry: Entry, clients: Clients) -> Step:
    target = entry.target or {}
    path, tenant = target.get("path") or "", target.get("tenant")
    step = Step([entry], "avi", entry.object, detail={"action": entry.action, "path": path})
    m = re.fullmatch(r"/api/([a-z0-9-]+)(?:/([^/]+))?", path)
    if not m:
        step.reason = "no_inverse"
        return step
    collection = m.group(1)
    avi = clients.avi
    after = entry.after if isinstance(entry.after, dict) else None
    before = entry.before if isinstance(entry.before, dict) else None
    uuid = (after or {}).get("uuid") or (before or {}).get("uuid") or m.group(2)
    obj_path = f"/api/{collection}/{uuid}" if uuid else path

    def read() -> Any:
        try:
            return avi.request("GET", obj_path, tenant=tenant).value
        except errors.NotFound:
            return None
        except errors.RemoteError as exc:
            if getattr(exc, "status", None) == 404:
                return None
            raise

    current = read() if uuid else None
    step.detail.update(collection=collection, name=(after or before or {}).get("name") or uuid)
    if entry.action == "create":
        step.kind = "avi_delete"
        if current is None:
            step.drift = [{"field": "(object)", "journal": "exists", "now": "absent"}]
            step.reason = "already_absent"
            return step
        step.drift = drift(after or {}, current, ignore=AVI_VOLATILE)
        step.run = lambda: avi.request("DELETE", obj_path, tenant=tenant)
        return step
    if entry.action == "delete":
        step.kind = "avi_create"
        if before is None:
            step.reason = "no_copy_before"
            return step
        if current is not None:
            step.drift = [{"field": "(object)", "journal": "absent", "now": "exists"}]
            step.reason = "exists_again"
            return step
        body = _restorable({k: v for k, v in before.items() if k not in AVI_VOLATILE | {"url"}}, None,
                           f"{collection} {before.get('name')}")
        step.run = lambda: avi.request("POST", f"/api/{collection}", json_body=body, tenant=tenant)
        return step
    step.kind = "avi_put"
    if before is None:
        step.reason = "no_copy_before"
        return step
    if current is None:
        step.drift = [{"field": "(object)", "journal": "exists", "now": "absent"}]
        step.reason = "deleted_since"
        return step
    step.drift = drift(after or {}, current, ignore=AVI_VOLATILE | {"url"})
    body = _restorable({k: v for k, v in before.items() if k not in AVI_VOLATILE}, current,
                       f"{collection} {before.get('name')}")
    step.run = lambda: avi.request("PUT", obj_path, json_body=body, tenant=tenant)
    return step


def matches(entry: Entry, pattern: str) -> bool:
    return fnmatch.fnmatchcase(entry.object, pattern)
