"""`avictl help [COMMAND]...`: the help of any command, as `git help` and `gh help` give it."""

from __future__ import annotations

import typer

from .. import errors
from .context import Context as AvictlContext


def register(root: typer.Typer) -> None:
    root.command("help")(help_command)


def help_command(ctx: typer.Context,
                 words: list[str] = typer.Argument(None, metavar="[COMMAND]...",
                                                   help="A command, e.g. `vs list` (none: avictl's own help).")) -> None:
    """Show the help of avictl or of a command (the same as COMMAND --help).

    Examples:

    \b
      avictl help
      avictl help vs list
      avictl help elb retarget
    """
    from typer._click.core import Context

    root = ctx.find_root().command
    cmd, path = root, ["avictl"]
    for word in words or []:
        sub = cmd.get_command(ctx, word) if hasattr(cmd, "commands") else None
        if sub is None:
            raise errors.UsageError(f"unknown command {' '.join([*path[1:], word])!r}", "avictl help")
        cmd, path = sub, [*path, word]
    with Context(cmd, info_name=" ".join(path), max_content_width=100,
                       help_option_names=["-h", "--help"]) as sub_ctx:
        cx: AvictlContext = ctx.obj
        cx.io.stdout.write(cmd.get_help(sub_ctx) + "\n")
