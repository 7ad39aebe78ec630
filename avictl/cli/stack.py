"""`avictl stack show`: CloudFormation stacks, their status and outputs."""

from __future__ import annotations

from typing import Any

import typer

from ._common import new_group
from .context import Context

group = new_group("CloudFormation stacks: status and outputs.\n\n"
                  "Examples:\n\n\b\n  avictl stack show avi-mesos\n  avictl stack show avi-mesos -o json")


def register(root: typer.Typer) -> None:
    root.add_typer(group, name="stack")


@group.command("show")
def stack_show(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME", help="CloudFormation stack name or id.")) -> None:
    """Show a CloudFormation stack's status and outputs.

    `avictl config init --from-stack NAME` fills a profile from the same outputs.

    Examples:

    \b
      avictl stack show avi-mesos
      avictl stack show avi-mesos -o json --query "Outputs[?OutputKey=='MarathonURL'].OutputValue | [0]"
    """
    cx: Context = ctx.obj
    stack = cx.aws().stack(name)
    fields: list[tuple[str, Any]] = [("Name", "StackName"), ("Status", "StackStatus"),
                                     ("Reason", "StackStatusReason"), ("Created", "CreationTime"),
                                     ("Updated", "LastUpdatedTime")]
    for out in stack.get("Outputs", []):
        fields.append((out["OutputKey"], lambda _s, v=out.get("OutputValue"): v))
    cx.out.show(stack, fields, name="StackName")
